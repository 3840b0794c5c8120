// A small synthetic sky-over-water photo and an edit (a patch of sky painted into the water), any size.
import { ADE20K, labelOf, LabelMap, RgbaImage } from '../../src/layout';
import { RelayoutJob } from '../../src/inference';

export const SKY = labelOf(ADE20K, 'sky');
export const WATER = labelOf(ADE20K, 'water');
export const TREE = labelOf(ADE20K, 'tree');

/** Sky above 5/8 of the height, water below; the edit turns a box of water (20%..80% × 70%..95%) into sky. */
export function skyWaterJob(w = 96, h = 64, seed = 3): RelayoutJob {
  const data = new Uint8Array(w * h * 4);
  const labels = new Uint8Array(w * h);
  const horizon = Math.round((h * 5) / 8);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x, p = i * 4;
      if (y < horizon) {
        labels[i] = SKY;
        data[p] = 90 + (y % 60); data[p + 1] = 140 + ((x * 7 + y * 3) % 11); data[p + 2] = 220;
      } else {
        labels[i] = WATER;
        data[p] = 20; data[p + 1] = 60 + ((x * 5) % 17); data[p + 2] = 110 + ((y * 13 + x) % 23);
      }
      data[p + 3] = 255;
    }
  }
  const edited = new Uint8Array(labels);
  for (let y = Math.round(h * 0.7); y < Math.round(h * 0.95); y++) for (let x = Math.round(w * 0.2); x < Math.round(w * 0.8); x++) edited[y * w + x] = SKY;
  const image: RgbaImage = { width: w, height: h, data };
  const original: LabelMap = { width: w, height: h, labels };
  return { image, original, edited: { width: w, height: h, labels: edited }, references: [], seed };
}

/** Pixels where two RGBA images differ. */
export function differingPixels(a: RgbaImage, b: RgbaImage, where?: (i: number) => boolean): number {
  let n = 0;
  for (let i = 0; i < a.width * a.height; i++) {
    if (where && !where(i)) continue;
    const p = i * 4;
    if (a.data[p] !== b.data[p] || a.data[p + 1] !== b.data[p + 1] || a.data[p + 2] !== b.data[p + 2] || a.data[p + 3] !== b.data[p + 3]) n++;
  }
  return n;
}
