// Pixel conversions between Photoshop's image data (8/16/32 bits, 3 or 4 components, trimmed bounds)
// and the 8-bit RGBA document-size images the panel works with. Pure typed-array code (runs anywhere).
import { Bounds, InputError, RgbaImage } from '../layout';

export type PixelArray = Uint8Array | Uint16Array | Float32Array;
export type ComponentSize = 8 | 16 | 32;

/** Photoshop's 16-bit range is 0..32768 unless `fullRange` is asked for. */
export const PS16_MAX = 32768;

/** Photoshop-style rectangle: right and bottom exclusive. */
export interface PsRect {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/** sRGB transfer function (linear 0..1 → encoded 0..1). 32-bit documents hold linear values. */
export function linearToSrgb(v: number): number {
  if (!(v > 0)) return 0;
  if (v >= 1) return 1;
  return v <= 0.0031308 ? 12.92 * v : 1.055 * Math.pow(v, 1 / 2.4) - 0.055;
}

export function srgbToLinear(v: number): number {
  if (!(v > 0)) return 0;
  if (v >= 1) return 1;
  return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
}

function depthOf(data: PixelArray): ComponentSize {
  if (data instanceof Uint8Array) return 8;
  if (data instanceof Uint16Array) return 16;
  return 32;
}

/**
 * Converts chunky RGB or RGBA pixels of any depth to 8-bit RGBA (alpha 255 when there is none).
 * 16-bit values are 0..32768 (Photoshop's range); 32-bit colour is linear and is sRGB-encoded, alpha is not.
 */
export function toRgba8(data: PixelArray, width: number, height: number, components: number): Uint8Array {
  if (components !== 3 && components !== 4) throw new InputError(`expected RGB or RGBA pixels, got ${components} components`);
  const n = width * height;
  if (data.length !== n * components) throw new InputError(`pixel buffer holds ${data.length} values, expected ${n * components}`);
  const out = new Uint8Array(n * 4);
  const depth = depthOf(data);
  for (let i = 0, s = 0, d = 0; i < n; i++, s += components, d += 4) {
    for (let c = 0; c < 3; c++) {
      const v = data[s + c];
      out[d + c] = depth === 8 ? v : depth === 16 ? Math.min(255, Math.round((v * 255) / PS16_MAX)) : Math.round(255 * linearToSrgb(v));
    }
    if (components === 4) {
      const a = data[s + 3];
      out[d + 3] = depth === 8 ? a : depth === 16 ? Math.min(255, Math.round((a * 255) / PS16_MAX)) : Math.round(255 * Math.min(1, Math.max(0, a)));
    } else {
      out[d + 3] = 255;
    }
  }
  return out;
}

/** One 8-bit channel value at a depth (colour: sRGB-decoded for 32 bits; mask/alpha: linear). */
function encode(v: number, depth: ComponentSize, isColor: boolean): number {
  if (depth === 8) return v;
  if (depth === 16) return Math.round((v * PS16_MAX) / 255);
  return isColor ? srgbToLinear(v / 255) : v / 255;
}

function alloc(n: number, depth: ComponentSize): PixelArray {
  return depth === 8 ? new Uint8Array(n) : depth === 16 ? new Uint16Array(n) : new Float32Array(n);
}

/** The RGB (or RGBA) pixels of `rect` of an 8-bit RGBA image, chunky, at a document depth. */
export function rgbaToDepth(img: RgbaImage, rect: Bounds, depth: ComponentSize, withAlpha: boolean): PixelArray {
  const w = rect.x1 - rect.x0, h = rect.y1 - rect.y0;
  const k = withAlpha ? 4 : 3;
  const out = alloc(w * h * k, depth);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const s = ((y + rect.y0) * img.width + x + rect.x0) * 4;
      const d = (y * w + x) * k;
      for (let c = 0; c < 3; c++) out[d + c] = encode(img.data[s + c], depth, true);
      if (withAlpha) out[d + 3] = encode(img.data[s + 3], depth, false);
    }
  }
  return out;
}

/** A 0..255 single-channel plane cropped to `rect`, at a document depth (for layer masks). */
export function grayToDepth(plane: Uint8Array, width: number, rect: Bounds, depth: ComponentSize): PixelArray {
  const w = rect.x1 - rect.x0, h = rect.y1 - rect.y0;
  const out = alloc(w * h, depth);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) out[y * w + x] = encode(plane[(y + rect.y0) * width + x + rect.x0], depth, false);
  }
  return out;
}

/** A single-channel plane of any depth as 0..255. */
export function grayTo8(data: PixelArray): Uint8Array {
  const depth = depthOf(data);
  if (depth === 8) return new Uint8Array(data);
  const out = new Uint8Array(data.length);
  for (let i = 0; i < data.length; i++) {
    out[i] = depth === 16 ? Math.min(255, Math.round((data[i] * 255) / PS16_MAX)) : Math.round(255 * Math.min(1, Math.max(0, data[i])));
  }
  return out;
}

/**
 * Places trimmed pixels (`src`, RGBA, size of `at`) into a transparent document-size image. `at` may
 * reach outside the document (layers can): what falls outside is clipped.
 */
export function padRgba(src: Uint8Array, at: PsRect, docWidth: number, docHeight: number): RgbaImage {
  const sw = at.right - at.left;
  const sh = at.bottom - at.top;
  if (src.length !== sw * sh * 4) throw new InputError(`trimmed pixels hold ${src.length} bytes, expected ${sw * sh * 4}`);
  const data = new Uint8Array(docWidth * docHeight * 4);
  const x0 = Math.max(0, at.left), x1 = Math.min(docWidth, at.right);
  const y0 = Math.max(0, at.top), y1 = Math.min(docHeight, at.bottom);
  for (let y = y0; y < y1; y++) {
    const s = ((y - at.top) * sw + (x0 - at.left)) * 4;
    data.set(src.subarray(s, s + (x1 - x0) * 4), (y * docWidth + x0) * 4);
  }
  return { width: docWidth, height: docHeight, data };
}

/** Places a trimmed single-channel plane into a zero document-size plane (clipped to the document). */
export function padGray(src: Uint8Array, at: PsRect, docWidth: number, docHeight: number): Uint8Array {
  const sw = at.right - at.left;
  const out = new Uint8Array(docWidth * docHeight);
  const x0 = Math.max(0, at.left), x1 = Math.min(docWidth, at.right);
  const y0 = Math.max(0, at.top), y1 = Math.min(docHeight, at.bottom);
  for (let y = y0; y < y1; y++) {
    const s = (y - at.top) * sw + (x0 - at.left);
    out.set(src.subarray(s, s + (x1 - x0)), y * docWidth + x0);
  }
  return out;
}

/** Bounding box of the non-zero pixels of a plane, or null when all are zero. */
export function boundsOfPlane(plane: Uint8Array, width: number, height: number): Bounds | null {
  let x0 = width, y0 = height, x1 = 0, y1 = 0;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      if (!plane[row + x]) continue;
      if (x < x0) x0 = x;
      if (x >= x1) x1 = x + 1;
      if (y < y0) y0 = y;
      y1 = y + 1;
    }
  }
  return x1 > x0 ? { x0, y0, x1, y1 } : null;
}

export function toPsRect(b: Bounds): PsRect {
  return { left: b.x0, top: b.y0, right: b.x1, bottom: b.y1 };
}

/** Magenta at 60 %: unlike the sky, water and foliage class colours, and the photo and labels show through. */
const CHECK_RGBA = [255, 0, 255, 153];

/**
 * The check layer's pixels: translucent magenta where `marks` is non-zero, transparent elsewhere; null
 * when nothing is marked (no layer to write).
 */
export function checkLayerImage(marks: Uint8Array | undefined, width: number, height: number): RgbaImage | null {
  if (!marks || !marks.some((v) => v !== 0)) return null;
  if (marks.length !== width * height) throw new InputError(`check marks: ${marks.length} values for ${width}×${height} pixels`);
  const data = new Uint8Array(width * height * 4);
  for (let i = 0; i < marks.length; i++) if (marks[i]) data.set(CHECK_RGBA, i * 4);
  return { width, height, data };
}
