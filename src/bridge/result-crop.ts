// An engine result crosses the bridge as the box its mask covers, not the whole document: outside that
// box the output is the input photo byte for byte and every mask plane is 0, so the panel, which sent
// the photo, rebuilds the rest. A 2 % edit of a 16 MP photo sends back about 1 MB of pixels instead of
// 112 MB (image and three mask planes), before base64.
import type { Bounds, EditMaskResult, RgbaImage } from '../layout';
import type { EditResult } from '../inference/edit';

/** What the engine sends back: the result's image and mask planes inside `crop` only (empty without one). */
export interface CroppedResult extends Omit<EditResult, 'image' | 'mask'> {
  /** The document's size (the full result's). */
  width: number;
  height: number;
  crop: Bounds | null;
  image: RgbaImage;
  mask: EditMaskResult;
}

function cropPlane(data: Uint8Array | Uint8ClampedArray, width: number, b: Bounds, channels: number): Uint8Array {
  const w = b.x1 - b.x0;
  const out = new Uint8Array(w * (b.y1 - b.y0) * channels);
  for (let y = b.y0; y < b.y1; y++) out.set(data.subarray((y * width + b.x0) * channels, (y * width + b.x1) * channels), (y - b.y0) * w * channels);
  return out;
}

function pastePlane(into: Uint8Array, width: number, part: Uint8Array | Uint8ClampedArray, b: Bounds, channels: number): void {
  const w = b.x1 - b.x0;
  for (let y = b.y0; y < b.y1; y++) into.set(part.subarray((y - b.y0) * w * channels, (y - b.y0 + 1) * w * channels), (y * width + b.x0) * channels);
}

/** Cuts a full-size result down to its mask's box (the engine page's side). */
export function cropResult(r: EditResult): CroppedResult {
  const b = r.mask.bounds;
  const { width, height } = r.image;
  const crop = b ?? { x0: 0, y0: 0, x1: 0, y1: 0 };
  const cw = crop.x1 - crop.x0, ch = crop.y1 - crop.y0;
  return {
    ...r,
    crop: b,
    image: { width: cw, height: ch, data: cropPlane(r.image.data, width, crop, 4) },
    mask: {
      ...r.mask,
      width: cw,
      height: ch,
      mask: cropPlane(r.mask.mask, width, crop, 1),
      alpha: cropPlane(r.mask.alpha, width, crop, 1),
      hole: cropPlane(r.mask.hole, width, crop, 1),
    },
    width,
    height,
  };
}

/**
 * Rebuilds the full-size result from its crop and the photo that was sent (the panel's side). Throws
 * when the result is not for a photo of that size.
 */
export function expandResult(c: CroppedResult, photo: RgbaImage): EditResult {
  const { width, height } = photo;
  if (c.width !== width || c.height !== height) {
    throw new Error(`the engine's result is for a ${c.width}×${c.height} image, the photo sent was ${width}×${height}`);
  }
  const n = width * height;
  const image = new Uint8Array(photo.data);
  const planes = { mask: new Uint8Array(n), alpha: new Uint8Array(n), hole: new Uint8Array(n) };
  if (c.crop) {
    pastePlane(image, width, c.image.data, c.crop, 4);
    pastePlane(planes.mask, width, c.mask.mask, c.crop, 1);
    pastePlane(planes.alpha, width, c.mask.alpha, c.crop, 1);
    pastePlane(planes.hole, width, c.mask.hole, c.crop, 1);
  }
  const { crop: _crop, width: _w, height: _h, ...rest } = c;
  return { ...rest, image: { width, height, data: image }, mask: { ...c.mask, width, height, ...planes } };
}
