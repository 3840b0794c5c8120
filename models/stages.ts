// The engine's stage graphs, written with GraphBuilder. Each function returns a built graph; models/build.ts
// writes them to models/<id>/model.onnx with a contract.json. Tensor conventions (see models/README.md):
// images NCHW float32 0..1; labels float32 compact class ids (0 = unlabeled); particles are integer
// displacements (dy, dx) in level pixels from each target pixel's home position in the source atlas.
import { GraphBuilder, T } from './graph-builder';

/** Channels of a location feature: local colour 3, context colour 3, class 4, label context 4, y, x. */
export const FEATURE_DIM = 16;
export const CLASS_EMBED_DIM = 4;
/** Particles (candidate matches) kept per target location. */
export const PARTICLES = 4;
/** Random-search samples per iteration, and PatchMatch iterations per level. */
export const RANDOM_SAMPLES = 3;
export const ITERATIONS = 2;
const BIG = 1e4;

function dimScalar(g: GraphBuilder, x: T, axis: number): T {
  // Shape(x)[axis] as an int64 scalar.
  return g.squeeze(g.slice(g.shape(x), [axis], [axis + 1], [0]), [0]);
}

/** Average pooling with 'same' padding (count_include_pad = 0, so borders are plain means). */
function boxBlur(g: GraphBuilder, x: T, k: number): T {
  const p = (k - 1) / 2;
  return g.node('AveragePool', [x], undefined, { kernel_shape: [k, k], pads: [p, p, p, p], strides: [1, 1], count_include_pad: 0 });
}

/** Per-location normalisation: zero mean and unit L2 norm across channels (axis 1). */
function normalizeChannels(g: GraphBuilder, f: T): T {
  const centered = g.sub(f, g.reduceMean(f, [1]));
  const norm = g.sqrt(g.add(g.reduceSum(g.mul(centered, centered), [1]), g.constF(1e-6)));
  return g.div(centered, norm);
}

/**
 * features: location features of one image at one level.
 * Inputs image [1,3,H,W], context [1,3,H,W] (smooth surround colour), labels [1,1,H,W], classTable
 * [K,4] (embedding per compact class id; row 0 = unlabeled), pos [1,2,H,W] (y, x in 0..1), weights [6].
 */
export function featuresGraph(): GraphBuilder {
  const g = new GraphBuilder('features', 'Location features: colour, context colour, class embedding, label context, position; per-location normalised.');
  const image = g.input('image', 'float32', [1, 3, 'H', 'W'], 'colour at this level, 0..1 (target: current synthesis guide)');
  const context = g.input('context', 'float32', [1, 3, 'H', 'W'], 'smooth colour of the surroundings, 0..1');
  const labels = g.input('labels', 'float32', [1, 1, 'H', 'W'], 'compact class id, 0 = unlabeled');
  const table = g.input('classTable', 'float32', ['K', 4], 'class embedding per compact id (row 0: unlabeled)');
  const pos = g.input('pos', 'float32', [1, 2, 'H', 'W'], 'normalised (y, x) position');
  const weights = g.input('weights', 'float32', [6], 'weights: colour, context, class, label context, y, x');
  const colourWeight = g.input('colourWeight', 'float32', [1, 1, 'H', 'W'], 'per-location trust in the colour (0 where it is unknown: a hole at the coarse level)');
  const w = (i: number): T => g.reshape(g.slice(weights, [i], [i + 1], [0]), g.constI([1, 1, 1, 1]));
  const local = g.mul(boxBlur(g, image, 3), colourWeight);
  const ids = g.cast(g.squeeze(labels, [0, 1]), 'int64'); // [H,W]
  const emb = g.transpose(g.unsqueeze(g.gather(table, ids, 0), [0]), [0, 3, 1, 2]); // [1,4,H,W]
  const labelCtx = boxBlur(g, emb, 9);
  const y = g.slice(pos, [0], [1], [1]);
  const x = g.slice(pos, [1], [2], [1]);
  const f = g.concat([g.mul(local, w(0)), g.mul(context, w(1)), g.mul(emb, w(2)), g.mul(labelCtx, w(3)), g.mul(y, w(4)), g.mul(x, w(5))], 1);
  g.output(normalizeChannels(g, f), 'features', 'float32', [1, FEATURE_DIM, 'H', 'W'], 'normalised location features');
  return g;
}

/** The inputs shared by the two matching stages: features and labels of target and source, source validity. */
function matchingInputs(g: GraphBuilder): { tf: T; sf: T; tl: T; sl: T; sv: T } {
  return {
    tf: g.input('tgtFeatures', 'float32', [1, FEATURE_DIM, 'Ht', 'Wt']),
    sf: g.input('srcFeatures', 'float32', [1, FEATURE_DIM, 'Hs', 'Ws']),
    tl: g.input('tgtLabels', 'float32', [1, 1, 'Ht', 'Wt']),
    sl: g.input('srcLabels', 'float32', [1, 1, 'Hs', 'Ws']),
    sv: g.input('srcValid', 'float32', [1, 1, 'Hs', 'Ws'], '1 where the source pixel may be copied'),
  };
}

/** Penalty for candidate source labels: label mismatch (unless the target is unlabeled) and invalid sources. */
function candidatePenalty(g: GraphBuilder, tgtLabel: T, srcLabel: T, srcValid: T, labelPenalty: T): T {
  const mismatch = g.cast(g.node('Not', [g.equal(tgtLabel, srcLabel)]), 'float32');
  const labeled = g.cast(g.node('Not', [g.equal(tgtLabel, g.constF(0))]), 'float32');
  const labelCost = g.mul(g.mul(mismatch, labeled), labelPenalty);
  const invalidCost = g.mul(g.sub(g.constF(1), srcValid), g.constF(BIG));
  return g.add(labelCost, invalidCost);
}

/**
 * coarse-attention: dense attention at the coarsest level from every target location to every source
 * location (class-compatible and valid), keeping the top M. Output displacements from each target's home.
 */
export function coarseAttentionGraph(): GraphBuilder {
  const g = new GraphBuilder('coarse-attention', 'Dense attention at the coarse level; top-M particles per target location.');
  const { tf, sf, tl, sl, sv } = matchingInputs(g);
  const noise = g.input('srcNoise', 'float32', [1, 1, 'Hs', 'Ws'], 'seeded noise added to scores (variation)');
  const home = g.input('tgtHome', 'float32', [1, 2, 'Ht', 'Wt'], 'home position (y, x) of each target pixel in the source atlas');
  const params = g.input('params', 'float32', [2], 'labelPenalty, noiseScale');
  const labelPenalty = g.slice(params, [0], [1], [0]);
  const noiseScale = g.slice(params, [1], [2], [0]);
  const Ws = dimScalar(g, sf, 3);
  const tFlat = g.transpose(g.reshape(tf, g.constI([FEATURE_DIM, -1])), [1, 0]); // [T,D]
  const sFlat = g.reshape(sf, g.constI([FEATURE_DIM, -1])); // [D,S]
  const sim = g.node('MatMul', [tFlat, sFlat]); // [T,S]
  const tlc = g.reshape(tl, g.constI([-1, 1]));
  const slr = g.reshape(sl, g.constI([1, -1]));
  const svr = g.reshape(sv, g.constI([1, -1]));
  const pen = candidatePenalty(g, tlc, slr, svr, labelPenalty);
  // Seeded noise per (target, source) pair: frac(t·φ + 4096·u_s), a Weyl sequence over targets shifted by
  // each source's seeded uniform u_s. In a large hole whose locations all look alike, every target would
  // otherwise pick the same best source and the fill would tile one patch. Only +, ×, floor: exactly
  // rounded everywhere, so WASM, native CPU and GPU backends draw the same noise (sin-based hashes do not).
  const T0 = g.cast(dimScalar(g, tFlat, 0), 'float32');
  const tIdx = g.unsqueeze(g.node('Range', [g.constF(0), T0, g.constF(1)]), [1]); // [T,1]
  const hashed = g.add(g.mul(tIdx, g.constF(0.6180339887)), g.mul(g.reshape(noise, g.constI([1, -1])), g.constF(4096)));
  const pairNoise = g.sub(hashed, g.floor(hashed)); // [T,S] in [0,1)
  const score = g.add(g.sub(sim, pen), g.mul(pairNoise, noiseScale));
  const [vals, idx] = g.topK(score, g.constI([PARTICLES]), 1); // [T,M]
  const idxF = g.cast(idx, 'float32');
  const WsF = g.cast(Ws, 'float32');
  const qy = g.floor(g.div(g.add(idxF, g.constF(0.5)), WsF));
  const qx = g.sub(idxF, g.mul(qy, WsF));
  // [T,M] → [M,1,Ht,Wt] minus home.
  const toMap = (v: T): T => g.reshape(g.transpose(v, [1, 0]), g.concat([g.constI([PARTICLES, 1]), g.slice(g.shape(tf), [2], [4], [0])], 0));
  const hy = g.slice(home, [0], [1], [1]);
  const hx = g.slice(home, [1], [2], [1]);
  const disp = g.concat([g.sub(toMap(qy), hy), g.sub(toMap(qx), hx)], 1); // [M,2,Ht,Wt]
  g.output(disp, 'particles', 'float32', [PARTICLES, 2, 'Ht', 'Wt'], 'displacements (dy, dx) of the top-M source matches');
  g.output(g.reshape(g.transpose(vals, [1, 0]), g.concat([g.constI([PARTICLES]), g.slice(g.shape(tf), [2], [4], [0])], 0)), 'scores', 'float32', [PARTICLES, 'Ht', 'Wt']);
  return g;
}

interface Scored {
  disp: T; // [N,2,T]
  score: T; // [N,T]
}

/**
 * Scores candidate displacements [N,2,T] (T = Ht·Wt flattened) against the target features.
 * Candidates are clamped into the source atlas; returns the clamped displacements and scores.
 */
function scoreCandidates(
  g: GraphBuilder,
  cand: T,
  ctx: { homeY: T; homeX: T; HsF: T; WsF: T; sRows: T; tFlat: T; slFlat: T; svFlat: T; tlFlat: T; labelPenalty: T },
): Scored {
  const dy = g.slice(cand, [0], [1], [1]);
  const dx = g.slice(cand, [1], [2], [1]);
  const qy = g.node('Clip', [g.add(dy, ctx.homeY), g.constF(0), g.sub(ctx.HsF, g.constF(1))]);
  const qx = g.node('Clip', [g.add(dx, ctx.homeX), g.constF(0), g.sub(ctx.WsF, g.constF(1))]);
  const disp = g.concat([g.sub(qy, ctx.homeY), g.sub(qx, ctx.homeX)], 1); // [N,2,T]
  const flat = g.cast(g.add(g.mul(qy, ctx.WsF), qx), 'int64'); // [N,1,T]
  const flatIdx = g.reshape(flat, g.constI([-1]));
  // Rows of the transposed features, transposed back: the same values as a gather of columns, but each
  // candidate copies D contiguous floats instead of D single floats (ORT's Gather copies one block per
  // index and outer row; along axis 1 of [D,S] a block is one float, and those copies were most of this stage).
  const gathered = g.transpose(g.gather(ctx.sRows, flatIdx, 0), [1, 0]); // [D, N*T]
  const nShape = g.concat([g.constI([FEATURE_DIM]), g.slice(g.shape(flat), [0], [1], [0]), g.constI([-1])], 0);
  const feats = g.reshape(gathered, nShape); // [D,N,T]
  const sim = g.reduceSum(g.mul(feats, g.unsqueeze(ctx.tFlat, [1])), [0], 0); // [N,T]
  const sl = g.reshape(g.gather(ctx.slFlat, flatIdx, 0), g.shape(g.squeeze(flat, [1])));
  const sv = g.reshape(g.gather(ctx.svFlat, flatIdx, 0), g.shape(g.squeeze(flat, [1])));
  const pen = candidatePenalty(g, ctx.tlFlat, sl, sv, ctx.labelPenalty);
  return { disp, score: g.sub(sim, pen) };
}

/** x edge-padded by one location on both sides of its last two axes (for neighbourOf). */
function padEdge(g: GraphBuilder, x: T): T {
  return g.node('Pad', [x, g.constI([0, 0, 1, 1, 0, 0, 1, 1])], undefined, { mode: 'edge' });
}

/** The end indices, for a map of size `hw` ([H, W]), of the window that neighbourOf slices for (oy, ox). */
function neighbourEnds(g: GraphBuilder, hw: T, oy: number, ox: number): T {
  return g.concat([g.add(g.slice(hw, [0], [1], [0]), g.constI([1 + oy])), g.add(g.slice(hw, [1], [2], [0]), g.constI([1 + ox]))], 0);
}

/** From padEdge's output, each location's neighbour (y + oy, x + ox), at (y, x). */
function neighbourOf(g: GraphBuilder, padded: T, ends: T, oy: number, ox: number): T {
  return g.node('Slice', [padded, g.constI([1 + oy, 1 + ox]), ends, g.constI([2, 3])]);
}

/** Keeps the top M of N scored candidates, dropping exact duplicates (adjacent after sorting). */
function keepTopDistinct(g: GraphBuilder, c: Scored, n: number): Scored {
  const [sorted, order] = g.topK(c.score, g.constI([n]), 0); // [n,T]
  const order2 = g.unsqueeze(order, [1]);
  const orderBoth = g.concat([order2, order2], 1); // [n,2,T]
  const dispSorted = g.gatherElements(c.disp, orderBoth, 0);
  const prev = g.slice(dispSorted, [0], [n - 1], [0]);
  const rest = g.slice(dispSorted, [1], [n], [0]);
  const same = g.node('And', [g.equal(g.slice(prev, [0], [1], [1]), g.slice(rest, [0], [1], [1])), g.equal(g.slice(prev, [1], [2], [1]), g.slice(rest, [1], [2], [1]))]);
  const dupPen = g.concat([g.node('ConstantOfShape', [g.shape(g.slice(sorted, [0], [1], [0]))], undefined, { value: { tensor: { dims: [1], dataType: 1, floatData: [0] } } }), g.mul(g.cast(g.squeeze(same, [1]), 'float32'), g.constF(BIG))], 0);
  const [top, pick] = g.topK(g.sub(sorted, dupPen), g.constI([PARTICLES]), 0); // [M,T]
  const pick2 = g.unsqueeze(pick, [1]);
  const disp = g.gatherElements(dispSorted, g.concat([pick2, pick2], 1), 0);
  return { disp, score: top };
}

/**
 * refine-level: PatchMatch at one pyramid level, seeded by the parent level's particles. Each iteration
 * scores the current particles, the best particle of each of the 8 neighbours (propagation) and random
 * samples in a window that shrinks every iteration; the top M distinct candidates are kept.
 */
export function refineLevelGraph(): GraphBuilder {
  const g = new GraphBuilder('refine-level', 'Coarse-to-fine sparse attention: children of the parent top-M, 8-neighbour propagation, shrinking random search; top-M kept.');
  const { tf, sf, tl, sl, sv } = matchingInputs(g);
  const home = g.input('tgtHome', 'float32', [1, 2, 'Ht', 'Wt']);
  const parent = g.input('parentParticles', 'float32', [PARTICLES, 2, 'Hp', 'Wp'], 'displacements at the parent level');
  const inherit = g.input('inherit', 'float32', [1, 1, 'Ht', 'Wt'], "1 where a child starts from its parent's best match (a textured class copied by coherent shifts), 0 where it chooses among the parent's matches");
  const noise = g.input('noise', 'float32', [ITERATIONS, RANDOM_SAMPLES, 2, 'Ht', 'Wt'], 'seeded uniform noise in [-1, 1]');
  const params = g.input('params', 'float32', [5], 'labelPenalty, scale (this level ÷ parent), window0 (px), windowDecay, coherence');
  const labelPenalty = g.slice(params, [0], [1], [0]);
  const scale = g.slice(params, [1], [2], [0]);
  const window0 = g.slice(params, [2], [3], [0]);
  const decay = g.slice(params, [3], [4], [0]);
  const coherence = g.slice(params, [4], [5], [0]);

  const tShape = g.slice(g.shape(tf), [2], [4], [0]); // [Ht, Wt]
  const HsF = g.cast(dimScalar(g, sf, 2), 'float32');
  const WsF = g.cast(dimScalar(g, sf, 3), 'float32');
  const flat2 = (x: T, lead: number[]): T => g.reshape(x, g.constI([...lead, -1]));
  const ctx = {
    homeY: flat2(g.slice(home, [0], [1], [1]), [1, 1]),
    homeX: flat2(g.slice(home, [1], [2], [1]), [1, 1]),
    HsF,
    WsF,
    sRows: g.transpose(flat2(sf, [FEATURE_DIM]), [1, 0]), // [S,D]
    tFlat: flat2(tf, [FEATURE_DIM]),
    slFlat: flat2(sl, []),
    svFlat: flat2(sv, []),
    tlFlat: flat2(tl, [1]),
    labelPenalty,
  };
  // Children of the parent's particles: nearest upsampling of the displacement field, scaled.
  const upShape = g.concat([g.constI([PARTICLES, 2]), tShape], 0);
  const up = g.node('Resize', [parent, '', '', upShape], undefined, { mode: 'nearest', nearest_mode: 'floor', coordinate_transformation_mode: 'asymmetric' });
  const child = g.node('Round', [g.mul(up, scale)]);
  let cur = scoreCandidates(g, flat2(child, [PARTICLES, 2]), ctx);
  // In a textured class's coherent copy (`inherit`: the classes coherent shifts label), the parent's
  // best match is each child's by default, by the share of the parent's 4 neighbours that repeat it:
  // choosing among the parent's near-tied particles pixel by pixel, each child took its own, and a
  // coherent copy of moss or gravel came back as a smeared mosaic. Smooth classes still choose: in a
  // sky, inheriting carried the coarse level's blocks to full resolution as a patchwork of tones.
  const pBest = g.slice(parent, [0], [1], [0]); // [1,2,Hp,Wp]
  const pPadded = padEdge(g, pBest);
  const pShape = g.slice(g.shape(parent), [2], [4], [0]);
  const pAgree = [[-1, 0], [1, 0], [0, -1], [0, 1]]
    .map(([oy, ox]) => {
      const nb = neighbourOf(g, pPadded, neighbourEnds(g, pShape, oy, ox), oy, ox);
      const same = g.node('And', [g.equal(g.slice(pBest, [0], [1], [1]), g.slice(nb, [0], [1], [1])), g.equal(g.slice(pBest, [1], [2], [1]), g.slice(nb, [1], [2], [1]))]);
      return g.cast(same, 'float32');
    })
    .reduce((a, b) => g.add(a, b)); // [1,1,Hp,Wp], 0..4
  const agreeUp = g.node('Resize', [pAgree, '', '', g.concat([g.constI([1, 1]), tShape], 0)], undefined, { mode: 'nearest', nearest_mode: 'floor', coordinate_transformation_mode: 'asymmetric' });
  const coherentParent = g.mul(g.mul(g.reshape(agreeUp, g.constI([1, -1])), g.reshape(inherit, g.constI([1, -1]))), g.mul(coherence, g.constF(0.25))); // [1,T]
  const parentBest = g.mul(g.constF(Array.from({ length: PARTICLES }, (_, m) => (m === 0 ? 1 : 0)), [PARTICLES, 1]), coherentParent);
  cur = keepTopDistinct(g, { disp: cur.disp, score: g.add(cur.score, parentBest) }, PARTICLES);

  const mapShape = g.concat([g.constI([1, 2]), tShape], 0);
  for (let it = 0; it < ITERATIONS; it++) {
    const best = g.reshape(g.slice(cur.disp, [0], [1], [0]), mapShape); // [1,2,Ht,Wt]
    const padded = padEdge(g, best);
    const cands: T[] = [cur.disp];
    const side: T[] = [];
    for (const [oy, ox] of [[-1, -1], [-1, 0], [-1, 1], [0, -1], [0, 1], [1, -1], [1, 0], [1, 1]]) {
      // Neighbour (y+oy, x+ox)'s best displacement, applied at (y, x): same source offset, coherent copy.
      const shifted = neighbourOf(g, padded, neighbourEnds(g, tShape, oy, ox), oy, ox);
      cands.push(flat2(shifted, [1, 2]));
      if (oy === 0 || ox === 0) side.push(flat2(shifted, [1, 2]));
    }
    const window = g.mul(window0, g.node('Pow', [decay, g.constF(it)]));
    const u = flat2(g.squeeze(g.slice(noise, [it], [it + 1], [0]), [0]), [RANDOM_SAMPLES, 2]);
    const bestFlat = g.slice(cur.disp, [0], [1], [0]);
    cands.push(g.node('Round', [g.add(bestFlat, g.mul(u, window))]));
    const all = g.concat(cands, 0);
    const n = PARTICLES + 8 + RANDOM_SAMPLES;
    // Coherence: a bonus for agreeing with the 4 neighbours' best displacement, so the field becomes
    // piecewise constant and whole patches are copied (per-location features alone leave many ties).
    const scored = scoreCandidates(g, all, ctx);
    const dY = g.slice(scored.disp, [0], [1], [1]);
    const dX = g.slice(scored.disp, [1], [2], [1]);
    const agree = side
      .map((nb) => g.cast(g.node('And', [g.equal(dY, g.slice(nb, [0], [1], [1])), g.equal(dX, g.slice(nb, [1], [2], [1]))]), 'float32'))
      .reduce((a, b) => g.add(a, b));
    const bonus = g.mul(g.squeeze(agree, [1]), g.mul(coherence, g.constF(0.25)));
    cur = keepTopDistinct(g, { disp: scored.disp, score: g.add(scored.score, bonus) }, n);
  }
  g.output(g.reshape(cur.disp, g.concat([g.constI([PARTICLES, 2]), tShape], 0)), 'particles', 'float32', [PARTICLES, 2, 'Ht', 'Wt']);
  g.output(g.reshape(cur.score, g.concat([g.constI([PARTICLES]), tShape], 0)), 'scores', 'float32', [PARTICLES, 'Ht', 'Wt']);
  return g;
}

/**
 * warp: the attention-weighted image at one level: r(p) = Σ softmax(γ·score) · src(home(p) + d).
 * At full resolution `parentParticles` come from the finest search level and are upsampled by `scale`;
 * each pixel's candidates are its parent's M particles and its 4 neighbours' best, scored by the parent
 * score minus β·|src − guide|² (coherence with the upsampled lower-level synthesis).
 */
export function warpGraph(): GraphBuilder {
  const g = new GraphBuilder('warp', 'Sparse attention warp: softmax(γ·score)-weighted source pixels, guided by the lower-level synthesis.');
  const src = g.input('srcImage', 'float32', [1, 3, 'Hs', 'Ws'], 'source atlas colour at this level');
  const guide = g.input('guide', 'float32', [1, 3, 'Ht', 'Wt'], 'lower-level synthesis upsampled (known pixels exact)');
  const home = g.input('tgtHome', 'float32', [1, 2, 'Ht', 'Wt']);
  const tl = g.input('tgtLabels', 'float32', [1, 1, 'Ht', 'Wt']);
  const sl = g.input('srcLabels', 'float32', [1, 1, 'Hs', 'Ws']);
  const sv = g.input('srcValid', 'float32', [1, 1, 'Hs', 'Ws']);
  const parent = g.input('particles', 'float32', [PARTICLES, 2, 'Hp', 'Wp']);
  const pscore = g.input('scores', 'float32', [PARTICLES, 'Hp', 'Wp']);
  const params = g.input('params', 'float32', [4], 'gamma, beta (guide coherence), labelPenalty, scale (this level ÷ particle level)');
  const gamma = g.slice(params, [0], [1], [0]);
  const beta = g.slice(params, [1], [2], [0]);
  const labelPenalty = g.slice(params, [2], [3], [0]);
  const scale = g.slice(params, [3], [4], [0]);
  const tShape = g.slice(g.shape(guide), [2], [4], [0]);
  const HsF = g.cast(dimScalar(g, src, 2), 'float32');
  const WsF = g.cast(dimScalar(g, src, 3), 'float32');
  const resize = (x: T, lead: number[]): T =>
    g.node('Resize', [x, '', '', g.concat([g.constI(lead), tShape], 0)], undefined, { mode: 'nearest', nearest_mode: 'floor', coordinate_transformation_mode: 'asymmetric' });
  const disp = g.node('Round', [g.mul(resize(parent, [PARTICLES, 2]), scale)]); // [M,2,Ht,Wt]
  const baseScore = resize(g.unsqueeze(pscore, [0]), [1, PARTICLES]); // [1,M,Ht,Wt]
  const mapShape = g.concat([g.constI([1, 2]), tShape], 0);
  const best = g.reshape(g.slice(disp, [0], [1], [0]), mapShape);
  const bestScore = g.slice(baseScore, [0], [1], [1]);
  const padded = padEdge(g, best);
  const paddedScore = padEdge(g, bestScore);
  const candD: T[] = [disp];
  const candS: T[] = [g.squeeze(baseScore, [0])];
  for (const [oy, ox] of [[-1, 0], [1, 0], [0, -1], [0, 1]]) {
    const ends = neighbourEnds(g, tShape, oy, ox);
    candD.push(neighbourOf(g, padded, ends, oy, ox));
    candS.push(g.squeeze(neighbourOf(g, paddedScore, ends, oy, ox), [0]));
  }
  const N = PARTICLES + 4;
  const allD = g.reshape(g.concat(candD, 0), g.constI([N, 2, -1])); // [N,2,T]
  const allS = g.reshape(g.concat(candS, 0), g.constI([N, -1])); // [N,T]
  const homeY = g.reshape(g.slice(home, [0], [1], [1]), g.constI([1, 1, -1]));
  const homeX = g.reshape(g.slice(home, [1], [2], [1]), g.constI([1, 1, -1]));
  const qy = g.node('Clip', [g.add(g.slice(allD, [0], [1], [1]), homeY), g.constF(0), g.sub(HsF, g.constF(1))]);
  const qx = g.node('Clip', [g.add(g.slice(allD, [1], [2], [1]), homeX), g.constF(0), g.sub(WsF, g.constF(1))]);
  const flatIdx = g.reshape(g.cast(g.add(g.mul(qy, WsF), qx), 'int64'), g.constI([-1]));
  // Gathered as rows of the transposed image, then transposed back (see scoreCandidates).
  const srcRows = g.transpose(g.reshape(src, g.constI([3, -1])), [1, 0]); // [S,3]
  const colours = g.reshape(g.transpose(g.gather(srcRows, flatIdx, 0), [1, 0]), g.constI([3, N, -1])); // [3,N,T]
  const guideFlat = g.reshape(guide, g.constI([3, 1, -1]));
  const diff = g.sub(colours, guideFlat);
  const dist = g.reduceSum(g.mul(diff, diff), [0], 0); // [N,T]
  const slG = g.reshape(g.gather(g.reshape(sl, g.constI([-1])), flatIdx, 0), g.constI([N, -1]));
  const svG = g.reshape(g.gather(g.reshape(sv, g.constI([-1])), flatIdx, 0), g.constI([N, -1]));
  const pen = candidatePenalty(g, g.reshape(tl, g.constI([1, -1])), slG, svG, labelPenalty);
  const score = g.sub(g.sub(allS, g.mul(dist, beta)), pen);
  // Own particles: softmax(γ·score). The 4 neighbours' best displacements are blended in near the edges
  // of this pixel's parent block (weight 1 at the edge, 0 at the middle; 0 when the scale is 1), like
  // overlapping patches: without it every block's copy ends in a hard step and the fill shows a grid.
  const own = g.slice(score, [0], [PARTICLES], [0]); // [M,T]
  const ownW = g.node('Softmax', [g.mul(own, gamma)], undefined, { axis: 0 });
  const ownColour = g.reduceSum(g.mul(g.slice(colours, [0], [PARTICLES], [1]), g.unsqueeze(ownW, [0])), [1], 0); // [3,T]
  const phase = (h: T): T => g.div(g.add(g.node('Mod', [h, scale], undefined, { fmod: 1 }), g.constF(0.5)), scale); // (0,1) in the block
  const fy = g.reshape(phase(g.slice(home, [0], [1], [1])), g.constI([1, -1]));
  const fx = g.reshape(phase(g.slice(home, [1], [2], [1])), g.constI([1, -1]));
  const edge = (f: T, sign: number): T => g.node('Relu', [g.mul(g.sub(f, g.constF(0.5)), g.constF(2 * sign))]);
  // Candidate order after the particles: up, down, left, right (see candD above).
  const spatial = g.concat([edge(fy, -1), edge(fy, 1), edge(fx, -1), edge(fx, 1)], 0); // [4,T]
  // A pixel none of whose own particles has its label (its block's copy was chosen for the class that
  // holds most of the block, and a class border crosses it) takes the neighbouring blocks' copies that
  // do have it, in full, instead of a copy of the wrong class: borders inside the mask no longer come
  // back as a row of blocks of the other class.
  const isUsable = (p: T): T => g.cast(g.node('Less', [p, g.constF(0.5)]), 'float32');
  const usable = isUsable(g.slice(pen, [PARTICLES], [PARTICLES + 4], [0])); // [4,T]
  const ownBad = g.sub(g.constF(1), g.reduceMax(isUsable(g.slice(pen, [0], [PARTICLES], [0])), [0], 0)); // [T]
  const nbW = g.mul(g.max(spatial, g.unsqueeze(ownBad, [0])), usable);
  const ownWeight = g.sub(g.constF(1), g.mul(ownBad, g.reduceMax(usable, [0], 0))); // 0 when a neighbour replaces it
  const nbColour = g.reduceSum(g.mul(g.slice(colours, [PARTICLES], [PARTICLES + 4], [1]), g.unsqueeze(nbW, [0])), [1], 0);
  const out = g.div(g.add(g.mul(ownColour, ownWeight), nbColour), g.add(ownWeight, g.reduceSum(nbW, [0], 0)));
  g.output(g.reshape(out, g.concat([g.constI([1, 3]), tShape], 0)), 'warped', 'float32', [1, 3, 'Ht', 'Wt'], 'warped colour, 0..1');
  return g;
}

const PYRAMID_LEVELS = 12;

/**
 * Push-pull scattered-data interpolation (a fast membrane approximation): values known where `w` > 0 are
 * spread smoothly over the holes through a fixed pyramid. values [1,C,H,W] (premultiplied by w), w [1,1,H,W].
 */
function pushPull(g: GraphBuilder, valuesTimesW: T, w: T): T {
  const pool = (x: T): T => g.node('AveragePool', [x], undefined, { kernel_shape: [2, 2], strides: [2, 2], ceil_mode: 1, count_include_pad: 0 });
  const vs: T[] = [valuesTimesW];
  const ws: T[] = [w];
  for (let l = 1; l <= PYRAMID_LEVELS; l++) {
    vs.push(pool(vs[l - 1]));
    ws.push(pool(ws[l - 1]));
  }
  const eps = g.constF(1e-8);
  let est = g.div(vs[PYRAMID_LEVELS], g.max(ws[PYRAMID_LEVELS], eps));
  for (let l = PYRAMID_LEVELS - 1; l >= 0; l--) {
    const sizes = g.shape(vs[l]);
    const up = g.node('Resize', [est, '', '', sizes], undefined, { mode: 'linear', coordinate_transformation_mode: 'half_pixel' });
    const conf = g.min(g.mul(ws[l], g.constF(4)), g.constF(1));
    const here = g.div(vs[l], g.max(ws[l], eps));
    est = g.add(g.mul(here, conf), g.mul(up, g.sub(g.constF(1), conf)));
  }
  return est;
}

/**
 * context: the smooth colour of each location's surroundings: holes (known = 0) filled by push-pull from
 * the known pixels, then blurred. Used as a feature so matches agree with the light around the edit.
 */
export function contextGraph(): GraphBuilder {
  const g = new GraphBuilder('context', 'Smooth surround colour: push-pull hole filling of known pixels, then a box blur.');
  const image = g.input('image', 'float32', [1, 3, 'H', 'W']);
  const known = g.input('known', 'float32', [1, 1, 'H', 'W'], '1 where the pixel is known');
  const filled = pushPull(g, g.mul(image, known), known);
  g.output(boxBlur(g, filled, 7), 'context', 'float32', [1, 3, 'H', 'W']);
  return g;
}

/**
 * harmonize (refinement): removes seams and matches colour and light to the surroundings. The colour
 * difference between known pixels and warped pixels on both sides of the mask border is spread over the
 * mask by push-pull (a membrane, as in seamless cloning) and added to the warp; the result is blended
 * with the image by the feathered alpha. On the mask's inner border (`seam` > 0) the result fades into the
 * smooth continuation of the known pixels (push-pull), so regenerated texture does not end in a step
 * against the untouched pixels. A trained refiner can replace this graph: same inputs, same output.
 */
export function harmonizeGraph(): GraphBuilder {
  const g = new GraphBuilder('harmonize', 'Refinement: membrane colour correction from the mask border, then the feathered composite.');
  const warped = g.input('warped', 'float32', [1, 3, 'H', 'W'], 'locally warped image x_warp, 0..1');
  const image = g.input('image', 'float32', [1, 3, 'H', 'W'], 'input image, 0..1');
  const known = g.input('known', 'float32', [1, 1, 'H', 'W'], '1 outside the mask');
  const alpha = g.input('alpha', 'float32', [1, 1, 'H', 'W'], 'feathered blend weight, 0 outside the mask');
  const seam = g.input('seam', 'float32', [1, 1, 'H', 'W'], 'weight of the known pixels\' smooth continuation: 1 on the mask\'s inner border, 0 a few pixels in and on changed pixels');
  const blur = (x: T): T => g.node('AveragePool', [x], undefined, { kernel_shape: [7, 7], pads: [3, 3, 3, 3], strides: [1, 1], count_include_pad: 1 });
  const unknown = g.sub(g.constF(1), known);
  const kb = blur(known);
  const mb = blur(unknown);
  const eps = g.constF(1e-6);
  const knownMean = g.div(blur(g.mul(image, known)), g.max(kb, eps));
  const warpMean = g.div(blur(g.mul(warped, unknown)), g.max(mb, eps));
  const delta = g.sub(knownMean, warpMean);
  // Only offsets small enough to be light or colour cast are corrected: across a border between different
  // materials (new tree against old sky) the difference is content, and must stay.
  const d2 = g.reduceSum(g.mul(delta, delta), [1]);
  const robust = g.exp(g.neg(g.div(d2, g.constF(0.02))));
  const wd = g.mul(g.node('Clip', [g.mul(g.min(kb, mb), g.constF(4)), g.constF(0), g.constF(1)]), robust);
  // A weak prior of "no correction" everywhere keeps a few low-confidence border pixels from being
  // normalised up into a full-strength correction at coarse pyramid levels.
  const membrane = pushPull(g, g.mul(delta, wd), g.add(wd, g.constF(0.002)));
  const corrected = g.node('Clip', [g.add(warped, membrane), g.constF(0), g.constF(1)]);
  // The smooth continuation of the known pixels into the border rings: push-pull without decimation
  // (means of the known pixels over 3, 5, 9 and 17 px boxes, each trusted where a quarter of its box is
  // known, the coarser ones filling in), a decimating push-pull only beyond 8 px, where no seam ring
  // reaches. A push-pull alone made the rings depend on where the box's corner fell on its pyramid
  // grid (a box one level finer gave other ring values, and another seam score).
  // Box means as a row pass and a column pass (exact with edge-clipped windows), so a 17 px window costs
  // 34 reads per pixel, not 289.
  const boxMean = (x: T, k: number): T => {
    const p = (k - 1) / 2;
    const rows = g.node('AveragePool', [x], undefined, { kernel_shape: [1, k], pads: [0, p, 0, p], strides: [1, 1], count_include_pad: 0 });
    return g.node('AveragePool', [rows], undefined, { kernel_shape: [k, 1], pads: [p, 0, p, 0], strides: [1, 1], count_include_pad: 0 });
  };
  const meanOfKnown = (k: number): { mean: T; share: T } => {
    const share = boxMean(known, k);
    return { mean: g.div(boxMean(g.mul(image, known), k), g.max(share, eps)), share };
  };
  const widest = meanOfKnown(17);
  const anyNear = g.cast(g.node('Greater', [widest.share, g.constF(1e-4)]), 'float32');
  let filled = g.add(g.mul(widest.mean, anyNear), g.mul(pushPull(g, g.mul(image, known), known), g.sub(g.constF(1), anyNear)));
  for (const k of [9, 5, 3]) {
    const { mean, share } = meanOfKnown(k);
    const trust = g.min(g.mul(share, g.constF(4)), g.constF(1));
    filled = g.add(g.mul(mean, trust), g.mul(filled, g.sub(g.constF(1), trust)));
  }
  const continuation = boxBlur(g, filled, 5);
  const refined = g.add(g.mul(corrected, g.sub(g.constF(1), seam)), g.mul(continuation, seam));
  const out = g.add(g.mul(refined, alpha), g.mul(image, g.sub(g.constF(1), alpha)));
  g.output(out, 'refined', 'float32', [1, 3, 'H', 'W'], 'refined image, 0..1 (equals image where alpha = 0)');
  return g;
}

/** Every stage graph, by id, in pipeline order. */
export const STAGE_GRAPHS: Readonly<Record<string, () => GraphBuilder>> = {
  context: contextGraph,
  features: featuresGraph,
  'coarse-attention': coarseAttentionGraph,
  'refine-level': refineLevelGraph,
  warp: warpGraph,
  harmonize: harmonizeGraph,
};
