// Nearest-stroke (Voronoi) completion: every unlabeled pixel takes the label of the nearest stroke pixel
// in plain Euclidean distance, ignoring the photo. The baseline the evaluation compares against.
// Pure typed-array code; imports nothing outside src/layout.
import { InputError } from './errors';
import { LabelMap } from './image';

const INF = 1e20;

/**
 * 1-D lower envelope of parabolas (Felzenszwalb & Huttenlocher) that also reports, for every q, which
 * source position won, so a label can ride along with the distance.
 */
function envelope1d(f: Float64Array, n: number, d: Float64Array, arg: Int32Array, v: Int32Array, z: Float64Array): void {
  let k = -1;
  for (let q = 0; q < n; q++) {
    if (f[q] >= INF) continue;
    if (k < 0) {
      k = 0;
      v[0] = q;
      z[0] = -INF;
      z[1] = INF;
      continue;
    }
    let s = (f[q] + q * q - (f[v[k]] + v[k] * v[k])) / (2 * q - 2 * v[k]);
    while (s <= z[k]) {
      k--;
      if (k < 0) break;
      s = (f[q] + q * q - (f[v[k]] + v[k] * v[k])) / (2 * q - 2 * v[k]);
    }
    k++;
    v[k] = q;
    z[k] = k === 0 ? -INF : s;
    z[k + 1] = INF;
  }
  if (k < 0) {
    for (let q = 0; q < n; q++) {
      d[q] = INF;
      arg[q] = -1;
    }
    return;
  }
  k = 0;
  for (let q = 0; q < n; q++) {
    while (z[k + 1] < q) k++;
    const dq = q - v[k];
    d[q] = dq * dq + f[v[k]];
    arg[q] = v[k];
  }
}

/**
 * Labels every pixel with the label of its nearest non-zero pixel of `sparse` (exact Euclidean Voronoi
 * cells; ties go to the lower row, then the lower column). Stroke pixels keep their label.
 * Throws InputError when `sparse` has no labeled pixel. Runs anywhere (panel, webview, Node).
 */
export function nearestStrokeLabels(sparse: LabelMap): LabelMap {
  const { width, height, labels } = sparse;
  const n = width * height;
  const m = Math.max(width, height);
  const f = new Float64Array(m);
  const d = new Float64Array(m);
  const arg = new Int32Array(m);
  const v = new Int32Array(m);
  const z = new Float64Array(m + 1);
  // Column pass: squared vertical distance to the nearest stroke in the column, and that stroke's label.
  const colDist = new Float64Array(n);
  const colLabel = new Uint8Array(n);
  let any = false;
  for (let x = 0; x < width; x++) {
    for (let y = 0; y < height; y++) f[y] = labels[y * width + x] ? 0 : INF;
    envelope1d(f, height, d, arg, v, z);
    for (let y = 0; y < height; y++) {
      const i = y * width + x;
      colDist[i] = d[y];
      if (arg[y] >= 0) {
        colLabel[i] = labels[arg[y] * width + x];
        any = true;
      }
    }
  }
  if (!any) throw new InputError('The sparse layout has no strokes: paint at least one stroke of a class');
  // Row pass over the column results: the winning column carries its label.
  const out = new Uint8Array(n);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) f[x] = colDist[row + x];
    envelope1d(f, width, d, arg, v, z);
    for (let x = 0; x < width; x++) out[row + x] = colLabel[row + arg[x]];
  }
  return { width, height, labels: out };
}
