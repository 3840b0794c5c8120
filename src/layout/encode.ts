// Label maps back to colours, and per-class statistics. Pure typed-array code.
import { Bounds, LabelMap, RgbaImage } from './image';
import { Palette } from './palette';

/** Paints a label map in its palette colours; unlabeled pixels become fully transparent. */
export function encodeLabels(map: LabelMap, palette: Palette): RgbaImage {
  const { width, height, labels } = map;
  const data = new Uint8Array(width * height * 4);
  for (let i = 0, p = 0; i < labels.length; i++, p += 4) {
    const l = labels[i];
    if (l === 0) continue;
    const c = palette.classes[l - 1];
    if (!c) continue;
    data[p] = c.color[0];
    data[p + 1] = c.color[1];
    data[p + 2] = c.color[2];
    data[p + 3] = 255;
  }
  return { width, height, data };
}

export interface ClassStat {
  label: number;
  count: number;
  bounds: Bounds;
}

/** Pixel count and bounding box of every label present (unlabeled included as label 0), by label. */
export function classStats(map: LabelMap): Map<number, ClassStat> {
  const { width, height, labels } = map;
  const stats = new Map<number, ClassStat>();
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      const l = labels[row + x];
      let s = stats.get(l);
      if (!s) {
        s = { label: l, count: 0, bounds: { x0: x, y0: y, x1: x + 1, y1: y + 1 } };
        stats.set(l, s);
      }
      s.count++;
      const b = s.bounds;
      if (x < b.x0) b.x0 = x;
      if (x + 1 > b.x1) b.x1 = x + 1;
      if (y + 1 > b.y1) b.y1 = y + 1;
    }
  }
  return stats;
}

/** Labels present (unlabeled excluded), most pixels first. */
export function classesPresent(map: LabelMap): number[] {
  return [...classStats(map).values()]
    .filter((s) => s.label !== 0)
    .sort((a, b) => b.count - a.count || a.label - b.label)
    .map((s) => s.label);
}
