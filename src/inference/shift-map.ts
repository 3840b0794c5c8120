// Coherent shifts at the coarse level: the hole's locations of a textured class are labelled with a few
// whole-image displacements (He and Sun's "statistics of patch offsets", Pritch et al.'s shift-map) by
// α-expansion, so that the finer levels copy large, coherent pieces instead of every location copying
// the single best-looking source (a lattice of one repeated tile). Pure typed-array code.
import { alphaExpansion, FORBIDDEN, LabelProblem } from './graph-cut';
import { Plane } from './planes';
import { FloatTensor, tensor } from './tensor';

export interface ShiftMapParams {
  /** Most displacements (labels) proposed for the hole. */
  labels: number;
  /** Cost of two neighbouring locations taking different displacements (Potts term). */
  coherence: number;
  /** Weight of the seam cost: how differently the two displacements colour the pair (RGB 0..1, squared). */
  seam: number;
  /** Mean luma gradient (0..255 levels per pixel) from which a class's fill is labelled with shifts. */
  textureThreshold: number;
  /** Weight of the squared colour difference (RGB 0..1) between a location's colour guide and its shifted source. */
  colour: number;
  /**
   * Grid (level px) the proposed displacements are rounded to: near-equal proposals would only split
   * regions (at 2, a gravel hole's neighbouring regions copied the same pebbles 8 px apart). A match that
   * rounding takes off its source (a strip narrower than the grid) is proposed as found.
   */
  quantum: number;
}

export const DEFAULT_SHIFT_MAP_PARAMS: ShiftMapParams = { labels: 24, coherence: 0.05, seam: 1, textureThreshold: 9, colour: 2, quantum: 4 };

export interface ShiftMapInput {
  /** coarse-attention's output: displacements [M,2,th,tw] (level px) and scores [M,th,tw]. */
  particles: FloatTensor;
  scores: FloatTensor;
  /** Normalised features of the targets [1,D,th,tw] and of the whole source atlas [1,D,lh,lw]. */
  tgtFeatures: FloatTensor;
  srcFeatures: FloatTensor;
  /** Compact class ids of the targets (th×tw) and of the atlas (lh×lw); atlas validity and colour (3 ch). */
  tgtLabels: Plane;
  srcLabels: Plane;
  srcValid: Plane;
  srcImage: Plane;
  /** 1 where a target's colour is known (it guides, and is never relabelled). */
  known: Plane;
  /** Each target's colour guide (3 ch: known colour, or the guess for a hole) and the trust in it (1 ch). */
  guide: Plane;
  guideTrust: Plane;
  /** Top-left corner of the targets' rectangle in the atlas, in level px. */
  x0: number;
  y0: number;
  /** Mean luma gradient per compact class id (see `classTexture`). */
  texture: Float32Array;
  params: ShiftMapParams;
  rand: () => number;
}

export interface ShiftMapResult {
  particles: FloatTensor;
  scores: FloatTensor;
  /** Hole locations labelled. */
  labelled: number;
}

/** Hole locations sampled to choose the proposals, and the most displacements considered for them. */
const SAMPLE = 300;
const CANDIDATES = 256;
/** Half-width of the window over which a displacement's similarity is averaged (a patch, in level px). */
const PATCH = 2;
/** α-expansion rounds over all labels. */
const CYCLES = 2;

/**
 * Mean luma gradient magnitude (0..255 levels per pixel) of each compact class's valid, interior pixels in
 * the atlas (every second row and column): how visible a repeated copy of its texture would be. Gravel,
 * grass, forest and boats score 10–22; skies and calm water 1–3, rippled water about 9.
 */
export function classTexture(image: Plane, labels: Plane, valid: Plane, K: number): Float32Array {
  const { width: w, height: h } = labels, n = w * h, img = image.data, lab = labels.data, val = valid.data;
  const sum = new Float64Array(K + 1), count = new Float64Array(K + 1);
  const luma = (i: number): number => 255 * (0.299 * img[i] + 0.587 * img[n + i] + 0.114 * img[2 * n + i]);
  for (let y = 1; y < h - 1; y += 2) {
    for (let x = 1, i = y * w + 1; x < w - 1; x += 2, i += 2) {
      const l = lab[i];
      if (!l || val[i] < 0.5 || lab[i - 1] !== l || lab[i + 1] !== l || lab[i - w] !== l || lab[i + w] !== l) continue;
      const gx = (luma(i + 1) - luma(i - 1)) / 2, gy = (luma(i + w) - luma(i - w)) / 2;
      sum[l] += Math.sqrt(gx * gx + gy * gy);
      count[l]++;
    }
  }
  return Float32Array.from(sum, (v, l) => (count[l] ? v / count[l] : 0));
}

/** Whether coherent shifts label the hole locations of compact class l (textured enough; 0 is unlabeled). */
export function isShifted(texture: Float32Array, l: number, threshold: number): boolean {
  return l > 0 && texture[l] >= threshold;
}

/**
 * Relabels the coarse particles of the hole's textured locations with coherent displacements; every other
 * location keeps coarse-attention's particles. Returns new tensors (the inputs are not changed).
 */
export function coherentShifts(input: ShiftMapInput): ShiftMapResult {
  const { particles, scores, tgtLabels, known, texture, params } = input;
  const T = tgtLabels.width * tgtLabels.height;
  const hole: number[] = [];
  for (let i = 0; i < T; i++) {
    const l = tgtLabels.data[i];
    if (known.data[i] < 0.5 && isShifted(texture, l, params.textureThreshold)) hole.push(i);
  }
  const unchanged = { particles, scores, labelled: 0 };
  if (!hole.length) return unchanged;
  const sim = new Similarity(input);
  const shifts = proposeShifts(input, hole, sim);
  const patchSim = windowedSimilarity(input, hole, shifts, sim);
  // Locations that some shift takes to an allowed source; the others keep their matches.
  const K = shifts.length;
  const rows = hole.map((_, h) => h).filter((h) => patchSim.subarray(h * K, (h + 1) * K).some((v) => !Number.isNaN(v)));
  if (!rows.length) return unchanged;
  const nodes = rows.map((h) => hole[h]);
  const nodeSim = new Float32Array(rows.length * K);
  rows.forEach((h, n) => nodeSim.set(patchSim.subarray(h * K, (h + 1) * K), n * K));
  const problem = shiftProblem(input, nodes, shifts, nodeSim);
  const init = Int32Array.from(nodes, (_, n) => bestLabel(problem.unary, n, K));
  const chosen = alphaExpansion(problem, init, CYCLES);
  return { ...writeParticles(input, nodes, shifts, nodeSim, chosen), labelled: nodes.length };
}

/**
 * Per hole location and shift, the mean over its (2·PATCH+1)² window of each window location's similarity
 * under that shift (NaN where the shift is not allowed at the hole location itself). Known neighbours count:
 * a shift must continue the pixels around the hole to score well next to them.
 */
function windowedSimilarity(input: ShiftMapInput, hole: number[], shifts: [number, number][], sim: Similarity): Float32Array {
  const tw = input.tgtLabels.width, th = input.tgtLabels.height, T = tw * th, K = shifts.length;
  const near = new Uint8Array(T);
  for (const i of hole) {
    const x = i % tw, y = (i / tw) | 0;
    for (let yy = Math.max(0, y - PATCH); yy <= Math.min(th - 1, y + PATCH); yy++) near.fill(1, yy * tw + Math.max(0, x - PATCH), yy * tw + Math.min(tw - 1, x + PATCH) + 1);
  }
  const local = new Float32Array(T * K).fill(NaN);
  for (let i = 0; i < T; i++) if (near[i]) for (let k = 0; k < K; k++) local[i * K + k] = sim.at(i, shifts[k][0], shifts[k][1]);
  const out = new Float32Array(hole.length * K).fill(NaN);
  hole.forEach((i, h) => {
    const x = i % tw, y = (i / tw) | 0;
    for (let k = 0; k < K; k++) {
      if (Number.isNaN(local[i * K + k])) continue;
      let s = 0, c = 0;
      for (let yy = Math.max(0, y - PATCH); yy <= Math.min(th - 1, y + PATCH); yy++) {
        for (let xx = Math.max(0, x - PATCH); xx <= Math.min(tw - 1, x + PATCH); xx++) {
          const v = local[(yy * tw + xx) * K + k];
          if (Number.isNaN(v)) continue;
          s += v;
          c++;
        }
      }
      out[h * K + k] = s / c;
    }
  });
  return out;
}

/**
 * The labelling problem over the nodes (hole locations) and their 4-neighbour pairs: unary cost 1 − the
 * windowed similarity (forbidden where the shift is not allowed); a change of shift between neighbours
 * costs `coherence` plus `seam` × how differently the two shifts colour the pair (small where their
 * copies agree, so regions meet where the seam does not show).
 */
function shiftProblem(input: ShiftMapInput, nodes: number[], shifts: [number, number][], nodeSim: Float32Array): LabelProblem {
  const { params } = input;
  const tw = input.tgtLabels.width, K = shifts.length;
  const nodeOf = new Map(nodes.map((i, n) => [i, n]));
  const pairList: number[] = [];
  nodes.forEach((i, n) => {
    const right = i % tw < tw - 1 ? nodeOf.get(i + 1) : undefined, below = nodeOf.get(i + tw);
    if (right !== undefined) pairList.push(n, right);
    if (below !== undefined) pairList.push(n, below);
  });
  const pairs = Int32Array.from(pairList);
  const unary = Float32Array.from(nodeSim, (v) => (Number.isNaN(v) ? FORBIDDEN : 1 - v));
  const colours = shiftedColours(input, nodes, shifts);
  return {
    count: nodes.length,
    labels: K,
    unary,
    pairs,
    pairCost: (p, a, b) => {
      if (a === b) return 0;
      const i = pairs[2 * p], j = pairs[2 * p + 1];
      let d2 = 0;
      for (let c = 0; c < 3; c++) {
        const di = colours[(i * K + a) * 3 + c] - colours[(i * K + b) * 3 + c];
        const dj = colours[(j * K + a) * 3 + c] - colours[(j * K + b) * 3 + c];
        d2 += di * di + dj * dj;
      }
      return params.coherence + params.seam * d2;
    },
  };
}

/** The cheapest allowed label of node n. */
function bestLabel(unary: Float32Array, n: number, K: number): number {
  let best = 0;
  for (let k = 1; k < K; k++) if (unary[n * K + k] < unary[n * K + best]) best = k;
  return best;
}

/**
 * New particles: every particle of a node is its chosen shift, with its windowed similarity as the score;
 * other locations keep theirs. Alternatives would be other shifts, and the warps' softmax blends a node's
 * particles: two shifts δ apart blended give a ghost copy of the texture δ away. The finer levels search
 * around the chosen shift for alternatives of their own.
 */
function writeParticles(input: ShiftMapInput, nodes: number[], shifts: [number, number][], nodeSim: Float32Array, chosen: Int32Array): { particles: FloatTensor; scores: FloatTensor } {
  const { particles, scores } = input;
  const [M, , th, tw] = particles.dims;
  const T = tw * th, K = shifts.length;
  const outP = new Float32Array(particles.data), outS = new Float32Array(scores.data);
  nodes.forEach((i, n) => {
    const [dy, dx] = shifts[chosen[n]];
    for (let m = 0; m < M; m++) {
      outP[2 * m * T + i] = dy;
      outP[(2 * m + 1) * T + i] = dx;
      outS[m * T + i] = nodeSim[n * K + chosen[n]];
    }
  });
  return { particles: tensor(outP, particles.dims), scores: tensor(outS, scores.dims) };
}

/** Feature similarity of a target to the atlas location a displacement takes it to (NaN where not allowed). */
class Similarity {
  private readonly D: number;
  private readonly tw: number;
  private readonly T: number;
  private readonly lw: number;
  private readonly lh: number;

  constructor(private readonly input: ShiftMapInput) {
    const [, D, th, tw] = input.tgtFeatures.dims;
    this.D = D;
    this.tw = tw;
    this.T = th * tw;
    this.lw = input.srcLabels.width;
    this.lh = input.srcLabels.height;
  }

  /** The atlas index target i reaches with (dy, dx), or −1 outside the atlas, invalid or of another class. */
  source(i: number, dy: number, dx: number): number {
    const sy = this.input.y0 + ((i / this.tw) | 0) + dy, sx = this.input.x0 + (i % this.tw) + dx;
    if (sy < 0 || sx < 0 || sy >= this.lh || sx >= this.lw) return -1;
    const s = sy * this.lw + sx;
    const tl = this.input.tgtLabels.data[i];
    if (this.input.srcValid.data[s] < 0.5 || (tl > 0 && this.input.srcLabels.data[s] !== tl)) return -1;
    return s;
  }

  /** Feature similarity less the weighted squared distance of the source's colour from the target's guide. */
  at(i: number, dy: number, dx: number): number {
    const s = this.source(i, dy, dx);
    if (s < 0) return NaN;
    const { tgtFeatures, srcFeatures, srcImage, guide, guideTrust, params } = this.input;
    const tf = tgtFeatures.data, sf = srcFeatures.data, S = this.lw * this.lh;
    let v = 0;
    for (let d = 0; d < this.D; d++) v += tf[d * this.T + i] * sf[d * S + s];
    let d2 = 0;
    for (let c = 0; c < 3; c++) {
      const dc = guide.data[c * this.T + i] - srcImage.data[c * S + s];
      d2 += dc * dc;
    }
    return v - params.colour * guideTrust.data[i] * d2;
  }
}

/**
 * Up to `labels` displacements, chosen greedily from those coarse-attention's matches of the hole use most
 * (rounded to `quantum`): each adds the most similarity over a sample of hole locations that no earlier one serves as
 * well (a location no shift reaches yet counts 1 + its similarity), so every part of the hole, however far
 * from the sources, is reachable by some shift.
 */
function proposeShifts(input: ShiftMapInput, hole: number[], sim: Similarity): [number, number][] {
  const { particles, params, rand } = input;
  const [M, , th, tw] = particles.dims;
  const T = th * tw, pd = particles.data;
  // Candidates: the displacements the hole's matches use most (rounded), at most CANDIDATES of them.
  const uses = new Map<number, number>();
  const key = (dy: number, dx: number): number => (dy + 32768) * 65536 + dx + 32768;
  const q = params.quantum;
  for (const i of hole) {
    for (let m = 0; m < M; m++) {
      const dy = pd[2 * m * T + i], dx = pd[(2 * m + 1) * T + i];
      let ry = Math.round(dy / q) * q, rx = Math.round(dx / q) * q;
      // A match on a source strip narrower than the grid, rounded, may land off the strip: keep it as found.
      if (sim.source(i, ry, rx) < 0) [ry, rx] = [Math.round(dy), Math.round(dx)];
      const k = key(ry, rx);
      uses.set(k, (uses.get(k) ?? 0) + 1);
    }
  }
  const candidates: [number, number][] = [...uses.entries()]
    .sort((a, b) => b[1] - a[1] || a[0] - b[0])
    .slice(0, CANDIDATES)
    .map(([k]) => [Math.floor(k / 65536) - 32768, (k % 65536) - 32768]);
  const sample = Array.from({ length: Math.min(SAMPLE, hole.length) }, () => hole[Math.floor(rand() * hole.length)]);
  const table = candidates.map(([dy, dx]) => Float32Array.from(sample, (i) => sim.at(i, dy, dx)));
  const served = new Float32Array(sample.length).fill(-Infinity);
  const taken = new Uint8Array(candidates.length);
  const shifts: [number, number][] = [];
  while (shifts.length < params.labels) {
    let best = -1, bestGain = 1e-6;
    for (let k = 0; k < candidates.length; k++) {
      if (taken[k]) continue;
      let gain = 0;
      const row = table[k];
      for (let j = 0; j < sample.length; j++) {
        const v = row[j];
        if (v > served[j]) gain += served[j] === -Infinity ? 1 + v : v - served[j];
      }
      if (gain > bestGain) {
        bestGain = gain;
        best = k;
      }
    }
    if (best < 0) break;
    taken[best] = 1;
    shifts.push(candidates[best]);
    const row = table[best];
    for (let j = 0; j < sample.length; j++) if (row[j] > served[j]) served[j] = row[j];
  }
  return shifts;
}

/** The atlas colour (3 channels, 0..1) each labelled location gets under each shift, clamped into the atlas. */
function shiftedColours(input: ShiftMapInput, locations: number[], shifts: [number, number][]): Float32Array {
  const { srcImage, x0, y0 } = input;
  const tw = input.tgtLabels.width, lw = srcImage.width, lh = srcImage.height, S = lw * lh;
  const out = new Float32Array(locations.length * shifts.length * 3);
  locations.forEach((i, node) => {
    const y = y0 + ((i / tw) | 0), x = x0 + (i % tw);
    shifts.forEach(([dy, dx], k) => {
      const s = Math.min(lh - 1, Math.max(0, y + dy)) * lw + Math.min(lw - 1, Math.max(0, x + dx));
      for (let c = 0; c < 3; c++) out[(node * shifts.length + k) * 3 + c] = srcImage.data[c * S + s];
    });
  });
  return out;
}
