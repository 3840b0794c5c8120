// Per-class colour models for layout completion: smoothed RGB histograms of each class's stroke pixels,
// turned into per-colour "how unlike this class" penalties. Pure typed-array code.

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
  const slot = new Int16Array(256).fill(-1);
  classes.forEach((l, k) => (slot[l] = k));
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
