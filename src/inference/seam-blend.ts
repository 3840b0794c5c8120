// Gradient-domain blending of the copies inside a hole. Where two neighbouring parts of a fill copy
// from different places (different displacements), their light can differ: a lake filled from its
// golden and its blue parts came back as a patchwork of tinted blocks. Here, on the finest searched
// level's grid, an offset field is solved that is smooth inside each copy and closes the tone jump at
// every seam between two copies of one class (as shift-map and He and Sun's completion blend with
// Poisson), and added to the full-resolution warp. Pure typed-array code.
import { Plane } from './planes';
import { isShifted } from './shift-map';

/** The finest searched level, over its rectangle of the atlas. */
export interface SeamLevel {
  /** Best displacement per target (level px): particle 0's (dy, dx), [2, th, tw] flattened. */
  displacement: Float32Array;
  /** Compact class id per target, 1 where a target's colour is known (not regenerated). */
  labels: Plane;
  known: Plane;
  /** The source atlas at this level (3 ch), already smoothed to its tones within each class, and its class ids. */
  tones: Plane;
  sourceLabels: Plane;
  /** 1 where the atlas may be copied from (its gaps and padding, and regions to regenerate, are not). */
  sourceValid: Plane;
  /** The targets' top-left corner in the atlas (level px) and the level's scale (full px per level px). */
  x0: number;
  y0: number;
  scale: number;
}

/** Conjugate-gradient iterations for the offset field (it is smooth; a few hundred cells across at most). */
const ITERATIONS = 150;
/**
 * Pull of every cell's offset towards 0: fixes the free constant of a region with no known neighbour and
 * keeps measurement errors from adding up along chains of seams (at 0.001 a sky region that touches the
 * image's edge drifted into a dark blue blob, −9 dB; 0.02 bounds that, 0.1 gives most of the gain back).
 */
const ANCHOR = 0.02;

/**
 * Per-target colour offsets (3 ch, level grid) that close the tone jumps between neighbouring copies of
 * one class. For neighbours a, b of one class whose displacements differ by more than a level pixel, the
 * jump is the mean over a and b of how much lighter copy a's source is than copy b's there; o_b − o_a
 * is asked to equal it. Inside a copy o_b − o_a = 0, next to known targets o = 0 (the border is the
 * border colours' and harmonize's), across classes nothing (a class border is content). Least squares,
 * by conjugate gradients.
 */
export function seamOffsets(level: SeamLevel): Plane {
  const { width: tw, height: th } = level.labels, T = tw * th;
  const { width: lw, height: lh } = level.tones, S = lw * lh;
  const d = level.displacement, lab = level.labels.data, known = level.known.data, tone = level.tones.data;
  const isHole = new Uint8Array(T);
  for (let i = 0; i < T; i++) isHole[i] = known[i] < 1 && lab[i] > 0 ? 1 : 0;
  // The atlas location a displacement takes target i to, or −1 outside the atlas, where it may not be
  // copied from, or where it is of another class (the jump is then not measured: a copy that runs off
  // its source's edge met padding or another photo, whose tone said nothing about the copy's).
  const sourceOf = (i: number, dy: number, dx: number): number => {
    const y = level.y0 + ((i / tw) | 0) + dy, x = level.x0 + (i % tw) + dx;
    if (y < 0 || x < 0 || y >= lh || x >= lw) return -1;
    const s = y * lw + x;
    return level.sourceLabels.data[s] === lab[i] && level.sourceValid.data[s] >= 0.5 ? s : -1;
  };
  const same = (i: number, j: number): boolean => lab[j] === lab[i] && Math.abs(d[i] - d[j]) <= 1 && Math.abs(d[T + i] - d[T + j]) <= 1;
  // Per hole target: how many of its 4 neighbours repeat its copy (a jump is measured only between two
  // copies that each hold together, ≥ 2, not in a speckle of per-location matches, where every pair is a
  // seam and the errors of the measured jumps added up across the fill: a dark band along the image's
  // edge under hill-below's new hills), and its anchor (ANCHOR plus 1 per known neighbour).
  const agree = new Uint8Array(T), anchor = new Float32Array(T).fill(ANCHOR);
  for (let i = 0; i < T; i++) {
    if (!isHole[i]) continue;
    const x = i % tw;
    for (const j of [x > 0 ? i - 1 : -1, x < tw - 1 ? i + 1 : -1, i >= tw ? i - tw : -1, i + tw < T ? i + tw : -1]) {
      if (j < 0) continue;
      if (known[j] >= 1) anchor[i] += 1;
      if (same(i, j)) agree[i]++;
    }
  }
  // Pairs (a, b) of hole targets of one class, to the right and below, with their targets t (3 ch).
  const pa: number[] = [], pb: number[] = [], pt: number[] = [];
  let seams = 0;
  for (let i = 0; i < T; i++) {
    if (!isHole[i]) continue;
    for (const j of [i % tw < tw - 1 ? i + 1 : -1, i + tw < T ? i + tw : -1]) {
      if (j < 0 || !isHole[j] || lab[j] !== lab[i]) continue;
      if (same(i, j)) {
        pa.push(i);
        pb.push(j);
        pt.push(0, 0, 0);
        continue;
      }
      if (agree[i] < 2 || agree[j] < 2) continue;
      // Both copies' tones at both targets, of the targets' own class (else the jump is not measured).
      const sa = sourceOf(i, d[i], d[T + i]), sb = sourceOf(i, d[j], d[T + j]), ta = sourceOf(j, d[i], d[T + i]), tb = sourceOf(j, d[j], d[T + j]);
      if (sa < 0 || sb < 0 || ta < 0 || tb < 0) continue;
      pa.push(i);
      pb.push(j);
      for (let c = 0; c < 3; c++) pt.push(0.5 * (tone[c * S + sa] - tone[c * S + sb] + tone[c * S + ta] - tone[c * S + tb]));
      seams++;
    }
  }
  const out: Plane = { width: tw, height: th, channels: 3, data: new Float32Array(3 * T) };
  if (!seams) return out;
  const P = pa.length;
  // A o = r with A = Σ pairs (e_b − e_a)(e_b − e_a)ᵀ + diag(anchor) on the hole targets.
  const apply = (v: Float32Array, res: Float32Array): void => {
    for (let i = 0; i < T; i++) res[i] = anchor[i] * v[i];
    for (let p = 0; p < P; p++) {
      const a = pa[p], b = pb[p], diff = v[b] - v[a];
      res[b] += diff;
      res[a] -= diff;
    }
  };
  for (let c = 0; c < 3; c++) {
    const rhs = new Float32Array(T);
    for (let p = 0; p < P; p++) {
      rhs[pb[p]] += pt[3 * p + c];
      rhs[pa[p]] -= pt[3 * p + c];
    }
    const o = new Float32Array(T), r = Float32Array.from(rhs), q = Float32Array.from(r), Aq = new Float32Array(T);
    let rr = 0;
    for (let i = 0; i < T; i++) rr += r[i] * r[i];
    const stop = rr * 1e-6;
    for (let it = 0; it < ITERATIONS && rr > stop && rr > 1e-14; it++) {
      apply(q, Aq);
      let qAq = 0;
      for (let i = 0; i < T; i++) if (isHole[i]) qAq += q[i] * Aq[i];
      const alpha = rr / Math.max(qAq, 1e-20);
      let rr2 = 0;
      for (let i = 0; i < T; i++) {
        if (!isHole[i]) continue;
        o[i] += alpha * q[i];
        r[i] -= alpha * Aq[i];
        rr2 += r[i] * r[i];
      }
      const beta = rr2 / rr;
      rr = rr2;
      for (let i = 0; i < T; i++) q[i] = isHole[i] ? r[i] + beta * q[i] : 0;
    }
    out.data.set(o, c * T);
  }
  return out;
}

/**
 * The classes (compact ids) whose copies' tone jumps the seam blend closes: smooth ones (a textured
 * class's jumps are its texture), except those the edit gives new ground (`grown`) with fewer than half as
 * many valid source locations as regenerated ones at this level. A class copied many times over from a
 * thin band onto new ground (raise-hills' mountains from the photo's ridge, hill-below's from a
 * reference's) is a speckle of short copies of a few sources, whose measured jumps came back as dark and
 * light blotches (those take core tones instead). A hole inside a class's own region is blended however
 * little source is left: a lake refilled from a strip of itself beside reeds came back as a mosaic of
 * square copies from other heights of its gradient.
 */
export function seamBlendable(tgtLabels: Plane, known: Plane, srcLabels: Plane, srcValid: Plane, K: number, texture: Float32Array | null, threshold: number, grown: readonly number[]): Uint8Array {
  const { sources, holes } = supply(tgtLabels, known, srcLabels, srcValid, K);
  const out = new Uint8Array(K + 1);
  for (let c = 1; c <= K; c++) out[c] = !(texture && isShifted(texture, c, threshold)) && (sources[c] >= SUPPLY * holes[c] || !grown.includes(c)) ? 1 : 0;
  return out;
}

/**
 * The smooth classes (compact ids) regenerated at this level with fewer than SUPPLY valid source locations
 * per regenerated one. Those the edit gives new ground are left out of the seam blend; their copies take
 * one core tone instead (src/inference/core-tone.ts).
 */
export function thinlySourced(tgtLabels: Plane, known: Plane, srcLabels: Plane, srcValid: Plane, K: number, texture: Float32Array | null, threshold: number): number[] {
  const { sources, holes } = supply(tgtLabels, known, srcLabels, srcValid, K);
  const out: number[] = [];
  for (let c = 1; c <= K; c++) if (holes[c] > 0 && !(texture && isShifted(texture, c, threshold)) && sources[c] < SUPPLY * holes[c]) out.push(c);
  return out;
}

/** Valid source locations per regenerated one from which a class's copies are long enough to blend. */
const SUPPLY = 0.5;

/** Per class: valid source locations and regenerated (not known) target locations at one level. */
function supply(tgtLabels: Plane, known: Plane, srcLabels: Plane, srcValid: Plane, K: number): { sources: Float64Array; holes: Float64Array } {
  const sources = new Float64Array(K + 1), holes = new Float64Array(K + 1);
  for (let i = 0; i < srcLabels.data.length; i++) if (srcValid.data[i] >= 0.5) sources[srcLabels.data[i]]++;
  for (let i = 0; i < tgtLabels.data.length; i++) if (known.data[i] < 1) holes[tgtLabels.data[i]]++;
  return { sources, holes };
}

/** The labels with classes not `blendable` set to 0 (unlabeled), so the seam blend leaves them alone. */
export function blendableLabels(labels: Plane, blendable: Uint8Array): Plane {
  return { ...labels, data: labels.data.map((l) => (blendable[l] ? l : 0)) };
}

/**
 * The full-resolution warp over the box plus the level's offsets, interpolated bilinearly between the
 * centres of targets of the pixel's own class, on the regenerated pixels: added in place (a fresh copy of a
 * 16 MP box costs more to touch than the loop), and returned.
 */
export function addSeamOffsets(warped: Plane, labels: Plane, regen: Uint8Array, bx0: number, by0: number, level: SeamLevel, offsets: Plane): Plane {
  const { width: bw, height: bh } = warped, B = bw * bh;
  const { width: tw, height: th } = offsets, T = tw * th, f = level.scale;
  for (let y = 0, i = 0; y < bh; y++) {
    const fy = (by0 + y + 0.5) / f - 0.5 - level.y0, cy0 = Math.floor(fy), wy = fy - cy0;
    for (let x = 0; x < bw; x++, i++) {
      if (!regen[i]) continue;
      const l = labels.data[i];
      const fx = (bx0 + x + 0.5) / f - 0.5 - level.x0, cx0 = Math.floor(fx), wx = fx - cx0;
      let sw = 0, o0 = 0, o1 = 0, o2 = 0;
      for (let dy = 0; dy < 2; dy++) {
        const cy = cy0 + dy;
        if (cy < 0 || cy >= th) continue;
        for (let dx = 0; dx < 2; dx++) {
          const cx = cx0 + dx;
          if (cx < 0 || cx >= tw) continue;
          const c = cy * tw + cx;
          if (level.labels.data[c] !== l) continue;
          const w = (dy ? wy : 1 - wy) * (dx ? wx : 1 - wx) + 1e-6;
          sw += w;
          o0 += w * offsets.data[c];
          o1 += w * offsets.data[T + c];
          o2 += w * offsets.data[2 * T + c];
        }
      }
      if (!sw) continue;
      const add = [o0 / sw, o1 / sw, o2 / sw];
      for (let k = 0; k < 3; k++) {
        const v = warped.data[k * B + i] + add[k];
        warped.data[k * B + i] = v < 0 ? 0 : v > 1 ? 1 : v;
      }
    }
  }
  return warped;
}

/**
 * The atlas's tones: each pixel's mean over the (2r+1)² window of the pixels of its own class (a plain
 * blur next to a ridge would mix the sky into the mountain's tone, and bias every jump measured there).
 */
export function classTones(image: Plane, labels: Plane, r: number): Plane {
  const { width: w, height: h } = labels, n = w * h, lab = labels.data, src = image.data;
  const out: Plane = { width: w, height: h, channels: 3, data: new Float32Array(3 * n) };
  // One pass over each pixel's window (25 taps at r = 2): a box filter per class present cost ten
  // passes over the level per class (70 ms at 1 MP with eight classes).
  for (let y = 0; y < h; y++) {
    const y0 = Math.max(0, y - r), y1 = Math.min(h - 1, y + r);
    for (let x = 0; x < w; x++) {
      const x0 = Math.max(0, x - r), x1 = Math.min(w - 1, x + r);
      const i = y * w + x, l = lab[i];
      let count = 0, s0 = 0, s1 = 0, s2 = 0;
      for (let yy = y0; yy <= y1; yy++) {
        for (let j = yy * w + x0, end = yy * w + x1; j <= end; j++) {
          if (lab[j] !== l) continue;
          count++;
          s0 += src[j];
          s1 += src[n + j];
          s2 += src[2 * n + j];
        }
      }
      out.data[i] = s0 / count;
      out.data[n + i] = s1 / count;
      out.data[2 * n + i] = s2 / count;
    }
  }
  return out;
}
