// Per-class colour models for layout completion: smoothed RGB histograms of each class's stroke pixels,
// turned into per-colour "how unlike this class" penalties, and one colour Gaussian per class giving
// P(class | colour). Pure typed-array code.
import { classSlots } from './complete-coarse';

/** Histogram bins per channel (16 → 4096 bins: coarse enough that a few hundred samples fill them). */
const BINS = 16;
const BIN_SCALE = BINS / 256;

/** The histogram bin of a colour (channels 0..255). */
export function colourBin(r: number, g: number, b: number): number {
  return (Math.min(BINS - 1, (r * BIN_SCALE) | 0) * BINS + Math.min(BINS - 1, (g * BIN_SCALE) | 0)) * BINS + Math.min(BINS - 1, (b * BIN_SCALE) | 0);
}

/** The histogram bin of every pixel of a 3-values-per-pixel RGB buffer. */
export function colourBins(rgb: Float32Array | Uint8Array, n: number): Uint16Array {
  const bins = new Uint16Array(n);
  for (let i = 0, p = 0; i < n; i++, p += 3) bins[i] = colourBin(rgb[p], rgb[p + 1], rgb[p + 2]);
  return bins;
}

/** Box-smooths a BINS³ histogram along each axis (radius 1), in place, so nearby colours share evidence. */
function smoothHistogram(h: Float64Array): void {
  const tmp = new Float64Array(h.length);
  for (const stride of [1, BINS, BINS * BINS]) {
    for (let i = 0; i < h.length; i++) {
      const c = Math.floor(i / stride) % BINS;
      let s = h[i];
      if (c > 0) s += h[i - stride];
      if (c < BINS - 1) s += h[i + stride];
      tmp[i] = s;
    }
    h.set(tmp);
  }
}

/**
 * Colour penalties per label: `tables[label][bin]` is `1 - P(label | colour)`, estimated from samples
 * (stroke pixels: `sampleLabels[k]` with colour bin `sampleBins[k]`) with smoothed histograms, every
 * class weighted equally whatever its stroke area. Colours no stroke resembles get `1 - 1/K` for every
 * class, i.e. no preference. Labels not in `classes` have no table.
 */
export function colourPenalties(sampleLabels: Uint8Array, sampleBins: Uint16Array, classes: readonly number[]): (Float32Array | undefined)[] {
  const nb = BINS * BINS * BINS;
  const slot = classSlots(classes);
  const hists = classes.map(() => new Float64Array(nb));
  for (let k = 0; k < sampleLabels.length; k++) {
    const c = slot[sampleLabels[k]];
    if (c >= 0) hists[c][sampleBins[k]]++;
  }
  // Normalise each class to a density, with a small floor so unseen colours are not impossible.
  const floor = 1e-4 / nb;
  for (const h of hists) {
    smoothHistogram(h);
    let total = 0;
    for (let b = 0; b < nb; b++) total += h[b];
    for (let b = 0; b < nb; b++) h[b] = (total > 0 ? h[b] / total : 0) + floor;
  }
  const tables: (Float32Array | undefined)[] = new Array<Float32Array | undefined>(256).fill(undefined);
  const own = classes.map((l) => (tables[l] = new Float32Array(nb)));
  for (let b = 0; b < nb; b++) {
    let sum = 0;
    for (let c = 0; c < hists.length; c++) sum += hists[c][b];
    for (let c = 0; c < hists.length; c++) own[c][b] = 1 - hists[c][b] / sum;
  }
  return tables;
}

/**
 * P(class | colour) from one Gaussian per class over its sample cells' RGB (full covariance, with
 * `ridge` added to the diagonal), classes weighted equally. A tight class (a clear sky) claims only
 * colours near its own; a spread class (a many-coloured kite) keeps colours no class has shown.
 * A class without samples gets 0 everywhere (uniform if no class has any). Returns `n × classes.length`
 * values.
 */
export function gaussianColourPosterior(
  rgb: Float32Array,
  n: number,
  sampleCells: Int32Array,
  sampleLabels: Uint8Array,
  classes: readonly number[],
  ridge: number,
): Float32Array {
  const K = classes.length;
  const slot = classSlots(classes);
  const s1 = new Float64Array(K * 3), s2 = new Float64Array(K * 9), cnt = new Float64Array(K);
  for (let t = 0; t < sampleCells.length; t++) {
    const k = slot[sampleLabels[t]];
    if (k < 0) continue;
    const p = sampleCells[t] * 3;
    cnt[k]++;
    for (let a = 0; a < 3; a++) {
      s1[k * 3 + a] += rgb[p + a];
      for (let b = 0; b < 3; b++) s2[k * 9 + a * 3 + b] += rgb[p + a] * rgb[p + b];
    }
  }
  // Per class: mean, inverse covariance, log-determinant.
  const mean = new Float64Array(K * 3), inv = new Float64Array(K * 9), logDet = new Float64Array(K);
  for (let k = 0; k < K; k++) {
    const c = Math.max(1, cnt[k]);
    for (let a = 0; a < 3; a++) mean[k * 3 + a] = s1[k * 3 + a] / c;
    const m = new Float64Array(9);
    for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) m[a * 3 + b] = s2[k * 9 + a * 3 + b] / c - mean[k * 3 + a] * mean[k * 3 + b] + (a === b ? ridge : 0);
    const det = m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6]) + m[2] * (m[3] * m[7] - m[4] * m[6]);
    logDet[k] = Math.log(det);
    const o = k * 9;
    inv[o] = (m[4] * m[8] - m[5] * m[7]) / det;
    inv[o + 1] = (m[2] * m[7] - m[1] * m[8]) / det;
    inv[o + 2] = (m[1] * m[5] - m[2] * m[4]) / det;
    inv[o + 3] = (m[5] * m[6] - m[3] * m[8]) / det;
    inv[o + 4] = (m[0] * m[8] - m[2] * m[6]) / det;
    inv[o + 5] = (m[2] * m[3] - m[0] * m[5]) / det;
    inv[o + 6] = (m[3] * m[7] - m[4] * m[6]) / det;
    inv[o + 7] = (m[1] * m[6] - m[0] * m[7]) / det;
    inv[o + 8] = (m[0] * m[4] - m[1] * m[3]) / det;
  }
  const out = new Float32Array(n * K);
  const ll = new Float64Array(K);
  for (let i = 0; i < n; i++) {
    let best = -Infinity;
    for (let k = 0; k < K; k++) {
      const d0 = rgb[i * 3] - mean[k * 3], d1 = rgb[i * 3 + 1] - mean[k * 3 + 1], d2 = rgb[i * 3 + 2] - mean[k * 3 + 2];
      const o = k * 9;
      const q = d0 * (inv[o] * d0 + inv[o + 1] * d1 + inv[o + 2] * d2) + d1 * (inv[o + 3] * d0 + inv[o + 4] * d1 + inv[o + 5] * d2) + d2 * (inv[o + 6] * d0 + inv[o + 7] * d1 + inv[o + 8] * d2);
      // A class with no sample cell (another class took the cells its strokes are in) claims no colour.
      ll[k] = cnt[k] > 0 ? -0.5 * q - 0.5 * logDet[k] : -Infinity;
      if (ll[k] > best) best = ll[k];
    }
    if (best === -Infinity) {
      out.fill(1 / K, i * K, (i + 1) * K);
      continue;
    }
    let z = 0;
    for (let k = 0; k < K; k++) z += (ll[k] = Math.exp(ll[k] - best));
    for (let k = 0; k < K; k++) out[i * K + k] = ll[k] / z;
  }
  return out;
}
