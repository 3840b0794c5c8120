// Classes whose colour is a matter of height: a sky's gradient, a calm lake's reflection in bands from the
// horizon down. Their rows explain most of their colour, so a thin structure across them (the dark
// reflection line of a far shore) runs along a row, and what their known pixels say about a hole holds in
// the same rows. Pure typed-array code.
import { Plane } from './planes';

/**
 * Share of a class's colour variance its rows must explain (beyond chance) for it to count as row-graded.
 * Calm water and clear skies explain 0.8–0.9; at 0.5 the evening-glow boats (0.68: hulls in horizontal
 * bands) counted too, and a reconstruction region across them lost 0.6 dB.
 */
export const ROW_GRADED_SHARE = 0.8;

/** Per row of a plane: the summed colour of a class's known pixels and their count, with the totals. */
export interface RowSums {
  /** h × 4: r, g, b, count per row. */
  rows: Float64Array;
  /** Summed squares of every channel value, and r, g, b, count over all rows. */
  squares: number;
  total: [number, number, number, number];
}

/** RowSums of class `l` over the pixels where `known` is at least 1; null when it has none. */
export function classRowSums(img: Plane, known: Plane, labels: Plane, l: number): RowSums | null {
  const { width: w, height: h } = img;
  const n = w * h;
  const rows = new Float64Array(h * 4);
  const total: [number, number, number, number] = [0, 0, 0, 0];
  let squares = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      if (known.data[i] < 1 || labels.data[i] !== l) continue;
      for (let c = 0; c < 3; c++) {
        const v = img.data[c * n + i];
        rows[y * 4 + c] += v;
        total[c] += v;
        squares += v * v;
      }
      rows[y * 4 + 3]++;
    }
  }
  for (let y = 0; y < h; y++) total[3] += rows[y * 4 + 3];
  return total[3] ? { rows, squares, total } : null;
}

/**
 * The share of the class's colour variance that its row means explain, less what chance gives with that
 * many rows (each row's mean of a few samples differs from the total's by noise alone), in 0..1.
 */
export function explainedByRows(s: RowSums): number {
  const h = s.rows.length / 4, N = s.total[3];
  let between = 0, rows = 0;
  for (let y = 0; y < h; y++) {
    const m = s.rows[y * 4 + 3];
    if (!m) continue;
    rows++;
    for (let c = 0; c < 3; c++) between += m * (s.rows[y * 4 + c] / m - s.total[c] / N) ** 2;
  }
  const variance = s.squares - (s.total[0] ** 2 + s.total[1] ** 2 + s.total[2] ** 2) / N;
  return variance > 0 ? Math.max(0, Math.min(1, (between - (variance * (rows - 1)) / N) / variance)) : 0;
}

/**
 * Per row (h × 3): the mean colour of the class's pixels within `span` rows either side, weighted by their
 * count; rows with none there take the nearest rows that have some (linearly between two).
 */
export function rowMeans(s: RowSums, span: number): Float64Array {
  const h = s.rows.length / 4;
  const out = new Float64Array(h * 3);
  const has: number[] = [];
  for (let y = 0; y < h; y++) {
    const acc = [0, 0, 0, 0];
    for (let k = Math.max(0, y - span); k <= Math.min(h - 1, y + span); k++) for (let c = 0; c < 4; c++) acc[c] += s.rows[k * 4 + c];
    if (!acc[3]) continue;
    has.push(y);
    for (let c = 0; c < 3; c++) out[y * 3 + c] = acc[c] / acc[3];
  }
  let k = 0;
  for (let y = 0; y < h; y++) {
    while (k + 1 < has.length && has[k + 1] <= y) k++;
    const lo = has[k];
    if (lo === y) continue;
    // Above the first row with pixels: that row's colour; past the last: the last's; else between two.
    const hi = y > lo && k + 1 < has.length ? has[k + 1] : lo;
    const f = hi === lo ? 0 : (y - lo) / (hi - lo);
    for (let c = 0; c < 3; c++) out[y * 3 + c] = (1 - f) * out[lo * 3 + c] + f * out[hi * 3 + c];
  }
  return out;
}
