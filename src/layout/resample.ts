// Nearest-neighbour resampling of label maps and masks (labels must never be interpolated). Pure code.
import { LabelMap } from './image';

/** Resizes a label map with nearest-neighbour sampling at pixel centres. */
export function resizeLabels(map: LabelMap, width: number, height: number): LabelMap {
  const out = new Uint8Array(width * height);
  const sx = map.width / width, sy = map.height / height;
  for (let y = 0; y < height; y++) {
    const srcY = Math.min(map.height - 1, Math.floor((y + 0.5) * sy));
    for (let x = 0; x < width; x++) {
      const srcX = Math.min(map.width - 1, Math.floor((x + 0.5) * sx));
      out[y * width + x] = map.labels[srcY * map.width + srcX];
    }
  }
  return { width, height, labels: out };
}
