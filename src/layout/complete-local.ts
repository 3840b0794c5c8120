// Local colour models for the full-resolution border pass of layout completion: near one boat the hull
// is brown and the water bright, even where, over the whole photo, some water is as dark as some hull.
// Pure typed-array code.
import { RgbaImage } from './image';
import { classSlots, CoarseGrid } from './complete-coarse';

/** Values summed per cell: pixel count, R, G, B, R² + G² + B². */
const S = 5;

/**
 * For every pixel of the cells set in `cells`, how unlike each class's nearby pixels it is: one
 * isotropic colour Gaussian per class, fitted to the pixels of the cells that class holds (coarse
 * labels) within `radius` cells, and the posterior over the classes found there. Returns
 * `(label, pixel) => 1 − P(label | colour)`, 0 for a class with too few pixels nearby (no opinion).
 */
export function localColourDoubt(
  photo: RgbaImage,
  coarseLabels: Uint8Array,
  g: CoarseGrid,
  cells: Uint8Array,
  classes: number[],
  radius: number,
  ridge: number,
): (label: number, pixel: number) => number {
  const { W, H, w, h, factor } = g;
  const { data } = photo;
  const K = classes.length;
  const slot = classSlots(classes);

  // Per-cell sums of the raw pixels.
  const sums = new Float64Array(w * h * S);
  for (let Y = 0; Y < H; Y++) {
    const row = Math.floor(Y / factor) * w;
    for (let X = 0, p = Y * W * 4; X < W; X++, p += 4) {
      const o = (row + Math.floor(X / factor)) * S;
      const r = data[p], gg = data[p + 1], b = data[p + 2];
      sums[o]++;
      sums[o + 1] += r;
      sums[o + 2] += gg;
      sums[o + 3] += b;
      sums[o + 4] += r * r + gg * gg + b * b;
    }
  }

  // Per class, a summed-area table of its cells' sums; read out for the wanted cells only.
  const index = new Int32Array(w * h).fill(-1);
  let m = 0;
  for (let i = 0; i < w * h; i++) if (cells[i]) index[i] = m++;
  // Per wanted cell and class: mean R, G, B, −1 / (2 v) and −1.5 ln v (v = per-channel variance + ridge); count 0 = absent.
  const model = new Float32Array(m * K * 5);
  const present = new Uint8Array(m * K);
  const sat = new Float64Array((w + 1) * (h + 1) * S);
  const minCount = 2 * factor * factor;
  for (let k = 0; k < K; k++) {
    const l = classes[k];
    sat.fill(0);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const i = y * w + x;
        const o = ((y + 1) * (w + 1) + x + 1) * S, up = (y * (w + 1) + x + 1) * S, left = o - S, diag = up - S;
        const own = coarseLabels[i] === l;
        for (let s = 0; s < S; s++) sat[o + s] = (own ? sums[i * S + s] : 0) + sat[up + s] + sat[left + s] - sat[diag + s];
      }
    }
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const c = index[y * w + x];
        if (c < 0) continue;
        const x0 = Math.max(0, x - radius), x1 = Math.min(w, x + radius + 1);
        const y0 = Math.max(0, y - radius), y1 = Math.min(h, y + radius + 1);
        const a = (y0 * (w + 1) + x0) * S, b = (y0 * (w + 1) + x1) * S, cc = (y1 * (w + 1) + x0) * S, d = (y1 * (w + 1) + x1) * S;
        const n = sat[d] - sat[b] - sat[cc] + sat[a];
        if (n < minCount) continue;
        const mr = (sat[d + 1] - sat[b + 1] - sat[cc + 1] + sat[a + 1]) / n;
        const mg = (sat[d + 2] - sat[b + 2] - sat[cc + 2] + sat[a + 2]) / n;
        const mb = (sat[d + 3] - sat[b + 3] - sat[cc + 3] + sat[a + 3]) / n;
        const sq = (sat[d + 4] - sat[b + 4] - sat[cc + 4] + sat[a + 4]) / n;
        const v = Math.max(0, (sq - mr * mr - mg * mg - mb * mb) / 3) + ridge;
        const o = (c * K + k) * 5;
        model[o] = mr;
        model[o + 1] = mg;
        model[o + 2] = mb;
        model[o + 3] = -0.5 / v;
        model[o + 4] = -1.5 * Math.log(v);
        present[c * K + k] = 1;
      }
    }
  }

  const logL = new Float64Array(K);
  return (label: number, pixel: number): number => {
    const k0 = slot[label];
    const X = pixel % W, Y = (pixel - X) / W;
    const c = index[Math.floor(Y / factor) * w + Math.floor(X / factor)];
    if (c < 0 || k0 < 0 || !present[c * K + k0]) return 0;
    const r = data[pixel * 4], gg = data[pixel * 4 + 1], b = data[pixel * 4 + 2];
    let best = -Infinity;
    for (let k = 0; k < K; k++) {
      if (!present[c * K + k]) continue;
      const o = (c * K + k) * 5;
      const dr = r - model[o], dg = gg - model[o + 1], db = b - model[o + 2];
      logL[k] = (dr * dr + dg * dg + db * db) * model[o + 3] + model[o + 4];
      if (logL[k] > best) best = logL[k];
    }
    let total = 0;
    for (let k = 0; k < K; k++) if (present[c * K + k]) total += Math.exp(logL[k] - best);
    return 1 - Math.exp(logL[k0] - best) / total;
  };
}
