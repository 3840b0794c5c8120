// Plain image and label-map containers shared by every module. Pure data; no platform imports.
import { InputError } from './errors';

/** An 8-bit RGBA image, row-major, non-premultiplied, `data.length === width * height * 4`. */
export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8Array | Uint8ClampedArray;
}

/**
 * A label map: one class per pixel, row-major. `0` means *unlabeled* ("don't care"); `k ≥ 1` is the
 * palette class with index `k - 1`.
 */
export interface LabelMap {
  width: number;
  height: number;
  labels: Uint8Array;
}

/** A per-pixel mask, row-major. `mask` is 0/1 (1 = regenerate); `alpha` is the feathered 0..255 blend weight. */
export interface EditMask {
  width: number;
  height: number;
  mask: Uint8Array;
  alpha: Uint8Array;
}

/** Inclusive-exclusive pixel rectangle: `x0 ≤ x < x1`, `y0 ≤ y < y1`. */
export interface Bounds {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export const UNLABELED = 0;

export function assertRgba(img: RgbaImage, what = 'image'): void {
  if (!Number.isInteger(img.width) || !Number.isInteger(img.height) || img.width <= 0 || img.height <= 0) {
    throw new InputError(`${what}: invalid size ${img.width}×${img.height}`);
  }
  if (img.data.length !== img.width * img.height * 4) {
    throw new InputError(
      `${what}: buffer holds ${img.data.length} bytes, expected ${img.width * img.height * 4} for RGBA ${img.width}×${img.height}`,
    );
  }
}

export function sameSize(a: { width: number; height: number }, b: { width: number; height: number }): boolean {
  return a.width === b.width && a.height === b.height;
}
