// The pipeline's output contract, enforced once for every method: y = g·α + x·(1−α), with pixels outside
// the mask copied bit for bit from the input. Pure typed-array code.
import { EditMask, RgbaImage, SizeMismatchError, sameSize } from '../layout';

/** Blends `generated` into `base` with the mask's feathered alpha; outside the mask the input is copied. */
export function compositeMasked(base: RgbaImage, generated: RgbaImage, mask: EditMask): RgbaImage {
  if (!sameSize(base, generated)) throw new SizeMismatchError('image and generated image', base, generated);
  if (!sameSize(base, mask)) throw new SizeMismatchError('image and edit mask', base, mask);
  const out = new Uint8Array(base.data);
  const n = base.width * base.height;
  for (let i = 0; i < n; i++) {
    if (!mask.mask[i]) continue;
    const a = mask.alpha[i];
    const p = i * 4;
    for (let c = 0; c < 3; c++) {
      out[p + c] = Math.round((generated.data[p + c] * a + base.data[p + c] * (255 - a)) / 255);
    }
  }
  return { width: base.width, height: base.height, data: out };
}
