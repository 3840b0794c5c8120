// Sparse-layout completion: grow a few painted strokes into a full label map that follows the photo's
// edges, with a per-pixel confidence. Pure typed-array code (runs in the panel, webview, CLI, server);
// imports nothing outside src/layout.
import { CancelledError, InputError, SizeMismatchError } from './errors';
import { assertRgba, LabelMap, RgbaImage, sameSize } from './image';
import { connectedComponents } from './mask';
import { squaredDistanceTransform } from './distance';
import { colourBin, colourBins, colourPenalties, gaussianColourPosterior } from './complete-colour';
import {
  blurRgb3x3,
  borderCells,
  classSlots,
  CoarseGrid,
  coarseGrid,
  dilateCells,
  downsampleRgb,
  downsampleStrokes,
  forEachPixelInCells,
} from './complete-coarse';
import { floodLabels } from './complete-flood';
import { islandSeeds } from './complete-islands';
import { closeObjectBays } from './complete-closure';
import { localColourDoubt } from './complete-local';
import { cellFeatures, DEFAULT_FOREST, forestPosterior } from './complete-forest';

export { nearestStrokeLabels } from './complete-baseline';

/** Knobs of the method; the defaults were chosen with `npm run eval:layout` (see README). */
export interface CompletionTuning {
  /** Pixel count of the coarse grid the whole image is first completed on (sets the coarse factor). */
  coarsePixels: number;
  /** Colour penalty, in colour-difference units (0..441), for a colour no stroke of the class has. */
  colourWeight: number;
  /** Refine borders at full resolution (snap to the photo's edges) within one coarse cell of them. */
  refine: boolean;
  /** Penalty, in colour-difference units, for a class the forest gives probability 0 at a cell. */
  forestWeight: number;
  /** Scale of the forest's posterior as extra flood channels (an edge where the posterior changes). */
  forestEdge: number;
  /**
   * Self-training: after a first flood, the cells whose flooded label the forest believes at least this
   * much join the strokes as training cells, and forest and flood run once more. 0 turns it off.
   */
  selfTrainBelief: number;
  /** Penalty for a class whose colour Gaussian gives probability 0 at a cell (0 = off). */
  gaussWeight: number;
  /** Added to the Gaussians' covariance diagonal (colour units²). */
  gaussRidge: number;
  /** Border pass: penalty for a class whose local colour model (nearby cells) gives probability 0 (0 = off). */
  localWeight: number;
  /** Border pass: radius, in coarse cells, of the window the local colour models are fitted in. */
  localRadius: number;
  /** Border pass: added to the local models' per-channel variance (colour units²). */
  localRidge: number;
  /** Border pass: cells within this many cells of a coarse border are relabeled at full resolution. */
  bandRadius: number;
  /**
   * Islands (`complete-islands.ts`): groups of at least `islandCells` cells where one class's penalty is
   * below `islandAccept` and the flooded label's above `islandReject`, within `islandReach` cells of that
   * class's territory, become its seeds for one more flood. `islandCells` 0 turns it off.
   */
  islandAccept: number;
  islandReject: number;
  islandCells: number;
  islandReach: number;
  /**
   * Closure (`complete-closure.ts`): objects of at most `closureShare` of the grid's cells, floating in
   * one class, take the bays of their convex hull that a colour step of `closureEdge` shuts off from
   * the rest of that class. `closureShare` 0 turns it off.
   */
  closureShare: number;
  closureEdge: number;
  /**
   * Seed of the forest's random draws. Fixed, so a completion is reproducible; where strokes leave a
   * colour unexplained (an unstroked kite panel) the result can depend on it, which tests measure.
   */
  forestSeed: number;
}

export const DEFAULT_TUNING: CompletionTuning = {
  coarsePixels: 250_000,
  colourWeight: 0,
  refine: true,
  forestWeight: 150,
  forestEdge: 150,
  selfTrainBelief: 0.4,
  gaussWeight: 70,
  gaussRidge: 25,
  localWeight: 40,
  localRadius: 4,
  localRidge: 25,
  bandRadius: 1,
  islandAccept: 40,
  islandReject: 180,
  islandCells: 30,
  islandReach: 10,
  closureShare: 0.02,
  closureEdge: 30,
  forestSeed: DEFAULT_FOREST.seed,
};

export interface CompleteOptions {
  signal?: AbortSignal;
  /** Called with the fraction done, 0..1 (1 only when the result is ready). */
  onProgress?: (fraction: number) => void;
  /**
   * The previous completion and the strokes it was made from. When given, only the area the new,
   * recoloured or erased strokes affect may change; every other pixel keeps its previous label.
   */
  previous?: { result: LabelMap; strokes: LabelMap };
  /** For experiments and the evaluation; the defaults are measured. */
  tuning?: Partial<CompletionTuning>;
}

export interface CompletionResult {
  /** Every pixel labeled; stroke pixels keep their stroke label exactly. */
  labels: LabelMap;
  /**
   * Per-pixel confidence 0..255 (row-major, one byte per pixel): 255 on strokes; low where another
   * class is about as close and separated by no stronger edge (ambiguous), next to borders, and far
   * from the class's own strokes.
   */
  confidence: Uint8Array;
}

/**
 * Confidence is one half when the runner-up class reaches a pixel this many priority units worse (edge
 * strength plus the forest and colour penalties, which span 0..150 and 0..70)…
 */
const MARGIN_HALF = 100;
/** …and halves again for every this fraction of the image diagonal between a pixel and its class's nearest stroke. */
const DISTANCE_HALF = 0.1;

interface Strokes {
  classes: number[];
  /** Indices of the stroke pixels, ascending. */
  pixels: Int32Array;
}

function collectStrokes(photo: RgbaImage, sparse: LabelMap): Strokes {
  assertRgba(photo, 'photo');
  if (!sameSize(photo, sparse)) throw new SizeMismatchError('photo and strokes', photo, sparse);
  const { labels } = sparse;
  if (labels.length !== sparse.width * sparse.height) {
    throw new InputError(`strokes: ${labels.length} labels for ${sparse.width}×${sparse.height} pixels`);
  }
  const seen = new Uint8Array(256);
  let count = 0;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i]) {
      seen[labels[i]] = 1;
      count++;
    }
  }
  if (count === 0) throw new InputError('The strokes layer is empty: paint at least one stroke of a class, then complete');
  const pixels = new Int32Array(count);
  for (let i = 0, k = 0; i < labels.length; i++) if (labels[i]) pixels[k++] = i;
  const classes: number[] = [];
  for (let l = 1; l < 256; l++) if (seen[l]) classes.push(l);
  return { classes, pixels };
}

// NOTE: a macrotask, not a microtask, so the host can repaint progress and deliver an abort in between.
const yieldToHost = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

const marginConfidence = (margin: number): number => 1 - Math.pow(0.5, margin / MARGIN_HALF);

/**
 * Completes a sparse layout (`sparse.labels`: 0 = unlabeled, k = palette class k−1).
 *
 * Coarse to fine: on a grid of about `coarsePixels` cells, labels flood outward from the strokes in
 * order of the strongest colour-or-texture edge their path has crossed (a marker watershed), slowed
 * where a cell does not look like the class (a random forest learnt from the stroke cells, then once more
 * from the strokes plus the cells the first flood and forest agree on); small objects then take the
 * bays of their outline that an edge shuts off (`complete-closure.ts`); then, in the cells around every
 * border, the same flood runs again at full resolution so borders snap to the photo's edges. Strokes
 * are kept exactly.
 * With `opts.previous`, see CompleteOptions.previous.
 *
 * Throws SizeMismatchError, InputError (no strokes) or CancelledError. Runs anywhere; yields to the
 * host between stages so progress can be drawn and `opts.signal` is honoured. About three seconds per
 * 4 MP on one core (README has the measurements).
 */
export async function completeLayout(photo: RgbaImage, sparse: LabelMap, opts: CompleteOptions = {}): Promise<CompletionResult> {
  const tuning: CompletionTuning = { ...DEFAULT_TUNING, ...opts.tuning };
  const { classes, pixels: strokePixels } = collectStrokes(photo, sparse);
  const { signal, onProgress } = opts;
  const step = async (fraction: number): Promise<void> => {
    onProgress?.(fraction);
    await yieldToHost();
    if (signal?.aborted) throw new CancelledError();
  };
  if (signal?.aborted) throw new CancelledError();
  const { width: W, height: H } = photo;
  const N = W * H;
  const strokes = sparse.labels;

  // Coarse grid: averaged colours and majority stroke labels.
  const grid = coarseGrid(W, H, Math.max(1, Math.round(Math.sqrt(N / tuning.coarsePixels))));
  const { w, h, factor } = grid;
  const cellRgb = downsampleRgb(photo, grid);
  const coarseRgb = blurRgb3x3(cellRgb, w, h);
  const coarseSeeds = downsampleStrokes(strokes, strokePixels, grid);
  const seedCells: number[] = [];
  for (let i = 0; i < w * h; i++) if (coarseSeeds[i]) seedCells.push(i);
  const features = tuning.forestWeight > 0 || tuning.forestEdge > 0 ? cellFeatures(photo, grid, cellRgb) : null;
  let evidence = coarseEvidence(features, coarseRgb, seedCells, Uint8Array.from(seedCells, (i) => coarseSeeds[i]), classes, tuning);
  const flood = (seeds: Uint8Array): ReturnType<typeof floodLabels> =>
    floodLabels({ width: w, height: h, rgb: evidence.edges, channels: evidence.channels, seeds, penalty: evidence.penalty });
  let coarse = flood(coarseSeeds);
  await step(0.2);
  // Self-training: strokes show only part of what a class looks like (one panel of a kite, the lit side
  // of a hill). Cells the first pass labelled and the forest agrees with teach the forest the rest.
  // Confidence keeps the stroke-only forest: the self-trained one agrees with the flood by construction.
  const belief = evidence.belief;
  if (belief && tuning.selfTrainBelief > 0) {
    const sure = agreedCells(coarse.label, coarseSeeds, belief, tuning.selfTrainBelief);
    const cells = seedCells.concat(sure);
    evidence = coarseEvidence(features, coarseRgb, cells, Uint8Array.from(cells, (i) => coarseSeeds[i] || coarse.label[i]), classes, tuning);
    coarse = flood(coarseSeeds);
  }
  if (evidence.penalty && tuning.islandCells > 0) {
    const rule = { accept: tuning.islandAccept, reject: tuning.islandReject, minCells: tuning.islandCells, reach: tuning.islandReach };
    const withIslands = islandSeeds(coarse.label, coarseSeeds, w, h, classes, evidence.penalty, rule);
    if (withIslands) coarse = flood(withIslands);
  }
  if (tuning.closureShare > 0) {
    const rule = { maxCells: tuning.closureShare * w * h, join: 3, hostShare: 0.75, mouthEdge: tuning.closureEdge, minCells: 10 };
    closeObjectBays(coarse.label, coarseSeeds, cellRgb, w, h, classes, rule);
  }
  await step(0.3);

  // Coarse confidence. Per class, flooded on its own (cheap at this size): how much stronger an edge
  // the best *other* class must cross to reach a cell, and how much farther its nearest stroke is.
  // Either margin makes a cell sure; closeness to the cell's own strokes scales the result.
  const runnerUp = new Float32Array(w * h).fill(Infinity);
  const ownDist2 = new Float64Array(w * h).fill(Infinity);
  const otherDist2 = new Float64Array(w * h).fill(Infinity);
  for (const l of classes) {
    const own = new Uint8Array(w * h);
    for (const i of seedCells) if (coarseSeeds[i] === l) own[i] = l;
    const alone = flood(own);
    const d2 = squaredDistanceTransform(w, h, (i) => own[i] !== 0);
    noteClassAlone(l, coarse.label, alone.priority, d2, runnerUp, ownDist2, otherDist2);
  }
  const coarseConfidence = cellConfidence(coarse, runnerUp, ownDist2, otherDist2, belief, DISTANCE_HALF * Math.hypot(w, h));
  await step(0.45);

  const labels = upsampleLabels(coarse.label, grid);
  const confidence = upsampleConfidence(coarseConfidence, grid);
  await step(0.6);

  if (tuning.refine && factor > 1) {
    refineBorders(photo, strokes, strokePixels, classes, labels, confidence, coarse.label, grid, tuning);
    await step(0.9);
  }

  for (const i of strokePixels) {
    labels[i] = strokes[i];
    confidence[i] = 255;
  }
  let result: LabelMap = { width: W, height: H, labels };
  if (opts.previous) result = keepUnaffected(opts.previous, sparse, result);
  onProgress?.(1);
  return { labels: result, confidence };
}

/**
 * What the coarse flood sees besides the strokes. A random forest trained on `sampleCells` (colour,
 * texture, context; `complete-forest.ts`) gives P(class | cell), returned as `belief`: a class is slowed by
 * `forestWeight`·(1 − P) where the cell does not look like it, and the posterior, scaled by
 * `forestEdge`, joins the colour as flood channels, so a change of texture counts as an edge even
 * where the mean colour does not change (the mountain band above the trees). A class is also slowed by
 * `gaussWeight`·(1 − P) under one colour Gaussian per class (`gaussianColourPosterior`). The older
 * per-class colour-histogram penalty (`colourWeight`) can be added; measured redundant with the forest.
 */
function coarseEvidence(
  features: Float32Array | null,
  coarseRgb: Float32Array,
  sampleCells: number[],
  sampleLabels: Uint8Array,
  classes: number[],
  tuning: CompletionTuning,
): {
  penalty: ((l: number, j: number) => number) | null;
  edges: Float32Array;
  channels: number;
  belief: ((l: number, cell: number) => number) | null;
} {
  const n = coarseRgb.length / 3;
  const K = classes.length;
  const slot = classSlots(classes);
  const cells = Int32Array.from(sampleCells);
  const terms: ((l: number, j: number) => number)[] = [];
  if (tuning.colourWeight > 0) {
    const bins = colourBins(coarseRgb, n);
    const tables = colourPenalties(sampleLabels, Uint16Array.from(sampleCells, (i) => bins[i]), classes);
    const cw = tuning.colourWeight;
    terms.push((l, j) => cw * tables[l]![bins[j]]);
  }
  let edges = coarseRgb, channels = 3;
  let belief: ((l: number, cell: number) => number) | null = null;
  if (features) {
    const p = forestPosterior(features, n, cells, sampleLabels, classes, { ...DEFAULT_FOREST, seed: tuning.forestSeed });
    const P = (l: number, cell: number): number => p[cell * K + slot[l]];
    belief = P;
    const fw = tuning.forestWeight;
    if (fw > 0) terms.push((l, j) => fw * (1 - P(l, j)));
    if (tuning.forestEdge > 0) {
      channels = 3 + K;
      edges = new Float32Array(n * channels);
      for (let i = 0; i < n; i++) {
        for (let c = 0; c < 3; c++) edges[i * channels + c] = coarseRgb[i * 3 + c];
        for (let k = 0; k < K; k++) edges[i * channels + 3 + k] = tuning.forestEdge * p[i * K + k];
      }
    }
  }
  if (tuning.gaussWeight > 0) {
    // The forest splits on what the samples show; a colour no sample has lands on whichever side a
    // split happens to put it. A Gaussian per class knows how spread the class is: a yellow kite panel
    // is far from the tight blue sky but within the many-coloured kite's spread.
    const pg = gaussianColourPosterior(coarseRgb, n, cells, sampleLabels, classes, tuning.gaussRidge);
    const gw = tuning.gaussWeight;
    terms.push((l, j) => gw * (1 - pg[j * K + slot[l]]));
  }
  const penalty = sumOf(terms);
  return { penalty, edges, channels, belief };
}

/**
 * Folds one class's lone flood into the confidence inputs: on its own cells the distance to its
 * strokes, elsewhere the best other class's priority and stroke distance so far.
 */
function noteClassAlone(
  l: number,
  labels: Uint8Array,
  priority: Float32Array,
  d2: Float64Array,
  runnerUp: Float32Array,
  ownDist2: Float64Array,
  otherDist2: Float64Array,
): void {
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] === l) {
      ownDist2[i] = d2[i];
    } else {
      if (priority[i] < runnerUp[i]) runnerUp[i] = priority[i];
      if (d2[i] < otherDist2[i]) otherDist2[i] = d2[i];
    }
  }
}

/**
 * Coarse confidence 0..1 per cell: the edge margin over the runner-up (as far as the forest believes
 * the label: a cell that looks like several classes is not made sure by a strong edge) or the margin in
 * stroke distance, whichever is larger, halving every `distanceHalf` cells from the class's own strokes.
 */
function cellConfidence(
  coarse: { label: Uint8Array; priority: Float32Array },
  runnerUp: Float32Array,
  ownDist2: Float64Array,
  otherDist2: Float64Array,
  belief: ((l: number, cell: number) => number) | null,
  distanceHalf: number,
): Float32Array {
  const out = new Float32Array(coarse.label.length);
  for (let i = 0; i < out.length; i++) {
    const byEdges = marginConfidence(Math.max(0, runnerUp[i] - coarse.priority[i]));
    const dOwn = Math.sqrt(ownDist2[i]), dOther = Math.sqrt(otherDist2[i]);
    const byDistance = dOther === Infinity ? 1 : Math.max(0, (dOther - dOwn) / (dOther + dOwn + 1e-9));
    const believed = belief ? belief(coarse.label[i], i) : 1;
    out[i] = Math.max(byEdges * believed, byDistance) * Math.pow(0.5, dOwn / distanceHalf);
  }
  return out;
}

/** Penalty terms composed once into one function (the flood calls it per pixel and label); null for none. */
function sumOf(terms: ((l: number, j: number) => number)[]): ((l: number, j: number) => number) | null {
  return terms.length === 0 ? null : terms.reduce((a, b) => (l: number, j: number): number => a(l, j) + b(l, j));
}

/** Unseeded cells whose flooded label the forest gives at least `minBelief`. */
function agreedCells(labels: Uint8Array, seeds: Uint8Array, belief: (l: number, cell: number) => number, minBelief: number): number[] {
  const cells: number[] = [];
  for (let i = 0; i < labels.length; i++) if (!seeds[i] && labels[i] && belief(labels[i], i) >= minBelief) cells.push(i);
  return cells;
}

/** Nearest-cell upsampling of coarse labels (row segments filled at once). */
function upsampleLabels(coarse: Uint8Array, g: CoarseGrid): Uint8Array {
  const { W, H, w, factor } = g;
  const out = new Uint8Array(W * H);
  for (let Y = 0; Y < H; Y++) {
    const row = Math.floor(Y / factor) * w;
    for (let cx = 0, X = 0; X < W; cx++, X += factor) out.fill(coarse[row + cx], Y * W + X, Y * W + Math.min(W, X + factor));
  }
  return out;
}

/** Bilinear upsampling of coarse confidence (0..1 per cell) to bytes 0..255 per pixel. */
function upsampleConfidence(coarse: Float32Array, g: CoarseGrid): Uint8Array {
  const { W, H, w, h, factor } = g;
  const out = new Uint8Array(W * H);
  const x0s = new Int32Array(W), x1s = new Int32Array(W), axs = new Float32Array(W);
  for (let X = 0; X < W; X++) {
    const fx = Math.min(w - 1, Math.max(0, (X + 0.5) / factor - 0.5));
    x0s[X] = Math.floor(fx);
    x1s[X] = Math.min(w - 1, x0s[X] + 1);
    axs[X] = fx - x0s[X];
  }
  for (let Y = 0; Y < H; Y++) {
    const fy = Math.min(h - 1, Math.max(0, (Y + 0.5) / factor - 0.5));
    const r0 = Math.floor(fy) * w, r1 = Math.min(h - 1, Math.floor(fy) + 1) * w, ay = fy - Math.floor(fy);
    for (let X = 0, I = Y * W; X < W; X++, I++) {
      const ax = axs[X];
      const top = coarse[r0 + x0s[X]] * (1 - ax) + coarse[r0 + x1s[X]] * ax;
      const bottom = coarse[r1 + x0s[X]] * (1 - ax) + coarse[r1 + x1s[X]] * ax;
      out[I] = Math.round(255 * (top * (1 - ay) + bottom * ay));
    }
  }
  return out;
}

/**
 * Full-resolution pass over the cells around coarse borders: those pixels are relabeled by the same
 * flood, grown from the surrounding (already labeled) pixels and the strokes, with edges measured
 * between neighbouring pixels, and a class is slowed by up to `localWeight` where its pixels nearby (by
 * the coarse labels, `localColourDoubt`) have other colours. Confidence fades towards the final
 * borders. Updates `labels`/`confidence`.
 */
function refineBorders(
  photo: RgbaImage,
  strokes: Uint8Array,
  strokePixels: Int32Array,
  classes: number[],
  labels: Uint8Array,
  confidence: Uint8Array,
  coarseLabels: Uint8Array,
  grid: CoarseGrid,
  tuning: CompletionTuning,
): void {
  const { W, H, w, h, factor } = grid;
  const N = W * H;
  const bandCells = borderCells(coarseLabels, w, h, tuning.bandRadius);
  // Photo colours where the flood looks: the band and a one-cell ring (its seeds' neighbours). Raw
  // pixels, not blurred: at this scale the coarse pass has already dealt with texture, and blurring
  // would smear a sharp edge over three equally weak steps.
  const rgb = new Uint8Array(N * 3);
  const { data } = photo;
  forEachPixelInCells(dilateCells(bandCells, w, h), grid, (_X, _Y, i) => {
    rgb[i * 3] = data[i * 4];
    rgb[i * 3 + 1] = data[i * 4 + 1];
    rgb[i * 3 + 2] = data[i * 4 + 2];
  });
  const seeds = new Uint8Array(labels);
  const active = new Uint8Array(N);
  const band: number[] = [];
  forEachPixelInCells(bandCells, grid, (_X, _Y, i) => {
    if (strokes[i]) {
      seeds[i] = strokes[i];
    } else {
      seeds[i] = 0;
      active[i] = 1;
      band.push(i);
    }
  });
  // Grow only from seeds that touch the band.
  const isFrontier = new Uint8Array(N);
  const frontier: number[] = [];
  for (const i of band) {
    const x = i % W;
    const around = [x + 1 < W ? i + 1 : -1, x > 0 ? i - 1 : -1, i + W < N ? i + W : -1, i - W];
    for (const j of around) {
      if (j >= 0 && seeds[j] && !isFrontier[j]) {
        isFrontier[j] = 1;
        frontier.push(j);
      }
    }
  }
  const terms: ((l: number, j: number) => number)[] = [];
  const cw = tuning.colourWeight;
  if (cw > 0) {
    // A fine colour model from the strokes' own colours.
    const sampleBins = new Uint16Array(strokePixels.length);
    const sampleLabels = new Uint8Array(strokePixels.length);
    strokePixels.forEach((i, k) => {
      sampleBins[k] = colourBin(data[i * 4], data[i * 4 + 1], data[i * 4 + 2]);
      sampleLabels[k] = strokes[i];
    });
    const tables = colourPenalties(sampleLabels, sampleBins, classes);
    terms.push((l, j) => cw * tables[l]![colourBin(rgb[j * 3], rgb[j * 3 + 1], rgb[j * 3 + 2])]);
  }
  if (tuning.localWeight > 0) {
    // Near one boat the hull is brown and the water bright, though over the photo some water is as dark
    // as some hull: colours measured nearby decide where the edges alone are about as weak.
    const doubt = localColourDoubt(photo, coarseLabels, grid, bandCells, classes, tuning.localRadius, tuning.localRidge);
    const lw = tuning.localWeight;
    terms.push((l, j) => lw * doubt(l, j));
  }
  const fine = floodLabels({
    width: W,
    height: H,
    rgb,
    seeds,
    active,
    frontier: Int32Array.from(frontier),
    penalty: sumOf(terms),
  });
  for (const i of band) if (fine.label[i]) labels[i] = fine.label[i];

  // Right at a border the class is least certain: fade confidence over `factor` px (breadth-first
  // distance from the final borders, within the band).
  const dist = new Uint8Array(N).fill(255);
  let queue: number[] = [];
  for (const i of band) {
    const x = i % W, l = labels[i];
    if ((x + 1 < W && labels[i + 1] !== l) || (x > 0 && labels[i - 1] !== l) || (i + W < N && labels[i + W] !== l) || (i >= W && labels[i - W] !== l)) {
      dist[i] = 0;
      queue.push(i);
    }
  }
  for (let d = 1; d < factor && queue.length; d++) {
    const next: number[] = [];
    for (const i of queue) {
      const x = i % W;
      const around = [x + 1 < W ? i + 1 : -1, x > 0 ? i - 1 : -1, i + W < N ? i + W : -1, i - W];
      for (const j of around) {
        if (j >= 0 && active[j] && dist[j] > d) {
          dist[j] = d;
          next.push(j);
        }
      }
    }
    queue = next;
  }
  for (const i of band) if (dist[i] < factor) confidence[i] = Math.round((confidence[i] * (dist[i] + 0.5)) / factor);
}

/**
 * Incremental completion: accepts `next` labels only for pixels that go to or come from a class whose
 * strokes were added, recoloured or erased since `previous.strokes`, in connected regions of such
 * pixels that touch a changed stroke pixel; everywhere else the previous result stands, so a
 * correcting stroke cannot ripple across the image (not even as a one-pixel shift of an unrelated
 * border that the retrained forest would settle differently). Strokes are kept exactly.
 */
export function keepUnaffected(previous: { result: LabelMap; strokes: LabelMap }, strokes: LabelMap, next: LabelMap): LabelMap {
  if (!sameSize(previous.result, next)) throw new SizeMismatchError('previous completion and photo', previous.result, next);
  if (!sameSize(previous.strokes, next)) throw new SizeMismatchError('previous strokes and photo', previous.strokes, next);
  const { width, height } = next;
  const n = width * height;
  const prev = previous.result.labels;
  const out = new Uint8Array(prev);
  // Classes whose strokes changed; regions of pixels relabelled to or from one of them (or whose stroke
  // changed) take the new labels when they hold a changed stroke.
  const strokeChanged = new Uint8Array(n);
  const touched = new Uint8Array(256);
  for (let i = 0; i < n; i++) {
    if (strokes.labels[i] !== previous.strokes.labels[i]) {
      strokeChanged[i] = 1;
      touched[strokes.labels[i]] = 1;
      touched[previous.strokes.labels[i]] = 1;
    }
  }
  touched[0] = 0;
  const candidates = new Uint8Array(strokeChanged);
  for (let i = 0; i < n; i++) if (next.labels[i] !== prev[i] && (touched[next.labels[i]] || touched[prev[i]])) candidates[i] = 1;
  for (const { pixels } of connectedComponents(candidates, width, height)) {
    if (pixels.some((i) => strokeChanged[i])) for (const i of pixels) out[i] = next.labels[i];
  }
  for (let i = 0; i < n; i++) if (strokes.labels[i]) out[i] = strokes.labels[i];
  return { width, height, labels: out };
}
