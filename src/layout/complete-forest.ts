// A per-cell class posterior for layout completion: a small random forest trained on the stroke cells,
// over colour, texture and context features of the coarse grid. Strokes tell what each class looks
// like; the forest turns that into P(class | cell) everywhere, which the flood uses as its penalty (a
// class is slowed where the cell does not look like it) and as extra edge channels.
// Pure typed-array code; deterministic (fixed-seed generator).
import { RgbaImage } from './image';
import { classSlots, CoarseGrid } from './complete-coarse';
import { boxMean } from './box-mean';
import { prng } from './random';

/** Features per cell (see cellFeatures). */
export const FEATURES = 22;

/**
 * How far above and below a cell (in cells: 12 px at 1 MP, 24 px at 4 MP) the forest looks at the
 * colour. A thin band is told from its reflection or a look-alike by what lies above and below it
 * (the far tree line has sky above, its reflection has the tree line above). 4, 8 and 12 scored lower.
 */
const ABOVE_BELOW_CELLS = 6;

/**
 * Features of every coarse cell, `FEATURES` floats per cell: opponent colour (lightness, red–green,
 * yellow–blue) of the cell and of its 9×9-cell neighbourhood, the lightness spread of the cell's own
 * pixels (fine texture) and of the neighbourhood's cells (coarse texture), the local edge strength, the
 * cell's lightness against its neighbourhood's, red–green against yellow–blue, the opponent colour
 * of the 5×5-cell neighbourhoods `ABOVE_BELOW_CELLS` above and below the cell, and the direction of the
 * fine texture (mean horizontal and vertical pixel steps) in the cell and its neighbourhood, and the
 * horizontal step over the 3×3 cells around it (vertical blades close by). `cellRgb` is the cells' mean
 * colour.
 *
 * No position feature: it scored 0.01–0.02 mean IoU higher on the evaluation, whose simulated strokes
 * cover every class evenly, but trees extrapolate position as half-planes, so one correcting stroke
 * (a tree painted into the water) flipped a whole band of the image to its class.
 */
export function cellFeatures(photo: RgbaImage, g: CoarseGrid, cellRgb: Float32Array): Float32Array {
  const { W, H, w, h, factor } = g;
  const n = w * h;
  const { data } = photo;
  // Fine texture: standard deviation of pixel lightness inside each cell, and its direction: the mean
  // lightness step to the right (gx) and downward (gy) neighbour pixel in the cell. Ripples on water are horizontal,
  // bark, reeds and grass blades vertical, where colour and spread alone are alike.
  const sum = new Float32Array(n), sum2 = new Float32Array(n), count = new Float32Array(n);
  const gx = new Float32Array(n), gy = new Float32Array(n), nx = new Float32Array(n), ny = new Float32Array(n);
  for (let Y = 0; Y < H; Y++) {
    const row = Math.floor(Y / factor) * w;
    for (let X = 0, p = Y * W * 4; X < W; X++, p += 4) {
      const i = row + Math.floor(X / factor);
      const l = (data[p] + data[p + 1] + data[p + 2]) / 3;
      sum[i] += l;
      sum2[i] += l * l;
      count[i]++;
      // Steps between two pixels of the same cell only, so a cell beside an edge does not carry it.
      if ((X + 1) % factor && X + 1 < W) {
        gx[i] += Math.abs((data[p + 4] + data[p + 5] + data[p + 6]) / 3 - l);
        nx[i]++;
      }
      if ((Y + 1) % factor && Y + 1 < H) {
        gy[i] += Math.abs((data[p + W * 4] + data[p + W * 4 + 1] + data[p + W * 4 + 2]) / 3 - l);
        ny[i]++;
      }
    }
  }
  const L = new Float32Array(n), A = new Float32Array(n), B = new Float32Array(n), fine = new Float32Array(n), L2 = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const r = cellRgb[i * 3], gr = cellRgb[i * 3 + 1], b = cellRgb[i * 3 + 2];
    L[i] = (r + gr + b) / 3;
    A[i] = r - gr;
    B[i] = (r + gr) / 2 - b;
    L2[i] = L[i] * L[i];
    const m = sum[i] / count[i];
    fine[i] = Math.sqrt(Math.max(0, sum2[i] / count[i] - m * m));
  }
  const edge = new Float32Array(n);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      const dx = L[x + 1 < w ? i + 1 : i] - L[x > 0 ? i - 1 : i];
      const dy = L[y + 1 < h ? i + w : i] - L[y > 0 ? i - w : i];
      edge[i] = Math.hypot(dx, dy);
    }
  }
  const ctxL = boxMean(L, w, h, 4), ctxA = boxMean(A, w, h, 4), ctxB = boxMean(B, w, h, 4);
  const ctxL2 = boxMean(L2, w, h, 4);
  const ctxEdge = boxMean(edge, w, h, 1);
  // Colour of the 5×5-cell neighbourhood, read above and below each cell.
  const nearL = boxMean(L, w, h, 2), nearA = boxMean(A, w, h, 2), nearB = boxMean(B, w, h, 2);
  for (let i = 0; i < n; i++) {
    gx[i] /= Math.max(1, nx[i]);
    gy[i] /= Math.max(1, ny[i]);
  }
  const ctxGx = boxMean(gx, w, h, 4), ctxGy = boxMean(gy, w, h, 4);
  // The same over 3×3 cells: whether blades stand within a cell or two. The 9×9 mean reaches 4 cells
  // (8 px at 1 MP) past the last reed tip, so smooth open water right above a reed bed looked reedy.
  const nearGx = boxMean(gx, w, h, 1);
  const out = new Float32Array(n * FEATURES);
  for (let i = 0; i < n; i++) {
    const f = i * FEATURES;
    out[f] = L[i];
    out[f + 1] = A[i];
    out[f + 2] = B[i];
    out[f + 3] = ctxL[i];
    out[f + 4] = ctxA[i];
    out[f + 5] = ctxB[i];
    out[f + 6] = fine[i];
    out[f + 7] = Math.sqrt(Math.max(0, ctxL2[i] - ctxL[i] * ctxL[i]));
    out[f + 8] = ctxEdge[i];
    out[f + 9] = L[i] - ctxL[i];
    out[f + 10] = A[i] - B[i];
    const y = Math.floor(i / w), x = i - y * w;
    const up = Math.max(0, y - ABOVE_BELOW_CELLS) * w + x, down = Math.min(h - 1, y + ABOVE_BELOW_CELLS) * w + x;
    for (let k = 0, j = up; k < 2; k++, j = down) {
      out[f + 11 + 3 * k] = nearL[j];
      out[f + 12 + 3 * k] = nearA[j];
      out[f + 13 + 3 * k] = nearB[j];
    }
    out[f + 17] = gx[i];
    out[f + 18] = gy[i];
    out[f + 19] = ctxGx[i];
    out[f + 20] = ctxGy[i];
    out[f + 21] = nearGx[i];
  }
  return out;
}

export interface ForestOptions {
  trees: number;
  maxDepth: number;
  /** Training samples drawn (with replacement) per class per tree, so every class has an equal say. */
  samplesPerClass: number;
  /** Nodes with fewer samples become leaves. */
  minSamples: number;
  /** Random (feature, threshold) pairs tried per node. */
  candidates: number;
  /** Seed of the bootstrap and split draws (the forest is deterministic per seed). */
  seed: number;
}

export const DEFAULT_FOREST: ForestOptions = { trees: 16, maxDepth: 14, samplesPerClass: 800, minSamples: 4, candidates: 24, seed: 0x5eed };


/** One tree in flat arrays: internal nodes hold (feature, threshold, left child); leaves hold K probabilities. */
interface Tree {
  feature: Int16Array;
  threshold: Float32Array;
  /** Left child index (right = left + 1); −1 for a leaf. */
  left: Int32Array;
  /** Offset of a leaf's K probabilities in `leafProb`. */
  leaf: Int32Array;
  leafProb: Float32Array;
}

/**
 * Posterior P(class | cell) for every cell, `K = classes.length` floats per cell in the order of
 * `classes`, from a random forest (extremely randomised trees, class-balanced bootstrap) trained on
 * the cells in `sampleCells` with labels `sampleLabels`.
 */
export function forestPosterior(
  features: Float32Array,
  cells: number,
  sampleCells: Int32Array,
  sampleLabels: Uint8Array,
  classes: readonly number[],
  opts: ForestOptions = DEFAULT_FOREST,
): Float32Array {
  const K = classes.length;
  const slot = classSlots(classes);
  const byClass: number[][] = classes.map(() => []);
  for (let s = 0; s < sampleCells.length; s++) {
    const k = slot[sampleLabels[s]];
    if (k >= 0) byClass[k].push(sampleCells[s]);
  }
  const random = prng(opts.seed);
  const out = new Float32Array(cells * K);
  for (let t = 0; t < opts.trees; t++) {
    const idx: number[] = [], lab: number[] = [];
    byClass.forEach((list, k) => {
      if (!list.length) return;
      for (let s = 0; s < opts.samplesPerClass; s++) {
        idx.push(list[Math.floor(random() * list.length)]);
        lab.push(k);
      }
    });
    const tree = growTree(features, Int32Array.from(idx), Uint8Array.from(lab), K, opts, random);
    for (let i = 0; i < cells; i++) {
      let node = 0;
      const f = i * FEATURES;
      while (tree.left[node] >= 0) node = features[f + tree.feature[node]] < tree.threshold[node] ? tree.left[node] : tree.left[node] + 1;
      const o = tree.leaf[node];
      for (let k = 0; k < K; k++) out[i * K + k] += tree.leafProb[o + k];
    }
  }
  for (let i = 0; i < out.length; i++) out[i] /= opts.trees;
  return out;
}

function gini(counts: Float64Array, total: number): number {
  if (total === 0) return 0;
  let s = 0;
  for (let k = 0; k < counts.length; k++) s += counts[k] * counts[k];
  return 1 - s / (total * total);
}

function growTree(allFeatures: Float32Array, cellOf: Int32Array, label: Uint8Array, K: number, opts: ForestOptions, random: () => number): Tree {
  const feature: number[] = [], threshold: number[] = [], left: number[] = [], leaf: number[] = [], leafProb: number[] = [];
  const order = Int32Array.from(cellOf.keys());
  // The samples' features side by side (a few hundred kB that stay in cache): the split search reads
  // them 2 × candidates times per node, and gathered from the whole grid's table every read missed.
  const features = new Float32Array(cellOf.length * FEATURES);
  for (let s = 0; s < cellOf.length; s++) features.set(allFeatures.subarray(cellOf[s] * FEATURES, (cellOf[s] + 1) * FEATURES), s * FEATURES);
  const newNode = (): number => {
    feature.push(-1);
    threshold.push(0);
    left.push(-1);
    leaf.push(-1);
    return feature.length - 1;
  };
  const makeLeaf = (node: number, from: number, to: number): void => {
    const counts = new Float64Array(K);
    for (let s = from; s < to; s++) counts[label[order[s]]]++;
    leaf[node] = leafProb.length;
    for (let k = 0; k < K; k++) leafProb.push(counts[k] / (to - from));
  };
  const lc = new Float64Array(K), rc = new Float64Array(K);
  // Depth-first over [from, to) ranges of `order`, partitioned in place at each split.
  const stack: [number, number, number, number][] = [[newNode(), 0, order.length, 0]];
  while (stack.length) {
    const [node, from, to, depth] = stack.pop()!;
    const m = to - from;
    let pure = true;
    for (let s = from + 1; s < to && pure; s++) if (label[order[s]] !== label[order[from]]) pure = false;
    if (pure || m < opts.minSamples || depth >= opts.maxDepth) {
      makeLeaf(node, from, to);
      continue;
    }
    let bestScore = Infinity, bestF = -1, bestT = 0;
    // A feature constant over the node's samples (the texture direction on a 1-pixel grid, a colour
    // channel of grey strokes) cannot split it and does not use up a candidate.
    for (let c = 0, tries = 0; c < opts.candidates && tries < 4 * opts.candidates; tries++) {
      const f = Math.floor(random() * FEATURES);
      let lo = Infinity, hi = -Infinity;
      for (let s = from; s < to; s++) {
        const v = features[order[s] * FEATURES + f];
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      if (!(hi > lo)) continue;
      c++;
      const t = lo + random() * (hi - lo);
      lc.fill(0);
      rc.fill(0);
      let nl = 0;
      for (let s = from; s < to; s++) {
        const e = order[s];
        if (features[e * FEATURES + f] < t) {
          lc[label[e]]++;
          nl++;
        } else rc[label[e]]++;
      }
      const score = nl * gini(lc, nl) + (m - nl) * gini(rc, m - nl);
      if (score < bestScore) {
        bestScore = score;
        bestF = f;
        bestT = t;
      }
    }
    if (bestF < 0) {
      makeLeaf(node, from, to);
      continue;
    }
    // Partition [from, to) by the split.
    let i = from, j = to - 1;
    while (i <= j) {
      if (features[order[i] * FEATURES + bestF] < bestT) i++;
      else {
        const tmp = order[i];
        order[i] = order[j];
        order[j] = tmp;
        j--;
      }
    }
    const l = newNode(), r = newNode(); // r = l + 1, as `left` promises
    feature[node] = bestF;
    threshold[node] = bestT;
    left[node] = l;
    stack.push([l, from, i, depth + 1], [r, i, to, depth + 1]);
  }
  return {
    feature: Int16Array.from(feature),
    threshold: Float32Array.from(threshold),
    left: Int32Array.from(left),
    leaf: Int32Array.from(leaf),
    leafProb: Float32Array.from(leafProb),
  };
}
