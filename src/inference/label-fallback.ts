// Pixels the full-resolution warp had no copy of their own class for. Each block of fs×fs pixels copies
// with its parent's particles, chosen for the class that holds most of the block; where a new class
// border crosses the block, the warp gives its other pixels a neighbouring block's copy instead, but
// only at the block's edge, and only if that copy lands on their class. Under a new ridge copied from a
// thin band (hills raised from evening-glow's mountain band), every candidate can land on the source's
// sky: the hill then showed blocks of sky colour below its ridge. This finds those pixels, as the warp
// graph scores them, and fills them with their class's colour nearby. Pure typed-array code.
import { Plane } from './planes';

export interface WarpCandidates {
  /** The finest level's particles over its rectangle: [M, 2 (dy, dx), th, tw] in level pixels. */
  particles: Float32Array;
  M: number;
  tw: number;
  th: number;
  /** The level's scale: full-resolution pixels per level pixel. */
  scale: number;
  /** The box's first block in the particle plane, and the box's corner in the atlas. */
  px0: number;
  py0: number;
  bx0: number;
  by0: number;
  /** Compact class id per box pixel (0 = unlabeled), and 1 per regenerated box pixel. */
  labels: Plane;
  regen: Uint8Array;
  /** The full-resolution atlas's class ids and validity. */
  srcLabels: Plane;
  srcValid: Plane;
}

/** 1 per regenerated box pixel none of whose warp candidates (own particles, 4 neighbours' best) is usable. */
export function unusablePixels(c: WarpCandidates): Uint8Array {
  const { particles, M, tw, th, scale: f, px0, py0, bx0, by0, labels, regen, srcLabels, srcValid } = c;
  const bw = labels.width, bh = labels.height, Ws = srcLabels.width, Hs = srcLabels.height;
  const plane = tw * th;
  // Full-resolution displacements per particle and block, as the warp rounds them.
  const dys = new Int32Array(M * plane), dxs = new Int32Array(M * plane);
  for (let m = 0; m < M; m++) {
    for (let k = 0; k < plane; k++) {
      dys[m * plane + k] = Math.round(particles[m * 2 * plane + k] * f);
      dxs[m * plane + k] = Math.round(particles[(m * 2 + 1) * plane + k] * f);
    }
  }
  const sl = srcLabels.data, sv = srcValid.data;
  const out = new Uint8Array(bw * bh);
  const blockOf = (x: number, y: number): number => Math.min(th - 1, py0 + Math.floor(y / f)) * tw + Math.min(tw - 1, px0 + Math.floor(x / f));
  // Candidate m of block k, applied at box pixel (x, y) of class l: usable when it lands on a valid source of l.
  const usable = (x: number, y: number, l: number, m: number, k: number): boolean => {
    const qy = Math.min(Hs - 1, Math.max(0, by0 + y + dys[m * plane + k]));
    const qx = Math.min(Ws - 1, Math.max(0, bx0 + x + dxs[m * plane + k]));
    const q = qy * Ws + qx;
    return sv[q] > 0.5 && (l === 0 || sl[q] === l);
  };
  for (let y = 0; y < bh; y++) {
    for (let x = 0; x < bw; x++) {
      const i = y * bw + x;
      if (!regen[i]) continue;
      const l = labels.data[i];
      const own = blockOf(x, y);
      let ok = false;
      for (let m = 0; m < M && !ok; m++) ok = usable(x, y, l, m, own);
      // The warp's 4 neighbours: the adjacent pixels' blocks' best particle (edge-padded at the box).
      if (!ok) ok = usable(x, y, l, 0, blockOf(x, Math.max(0, y - 1))) || usable(x, y, l, 0, blockOf(x, Math.min(bh - 1, y + 1)));
      if (!ok) ok = usable(x, y, l, 0, blockOf(Math.max(0, x - 1), y)) || usable(x, y, l, 0, blockOf(Math.min(bw - 1, x + 1), y));
      if (!ok) out[i] = 1;
    }
  }
  return out;
}

/** Largest window radius the fill looks in; a pixel with no pixel of its class that near keeps its copy. */
const MAX_RADIUS = 64;

/**
 * Replaces the colour of each flagged pixel by the mean colour of its class's unflagged pixels in the box
 * (regenerated or known) over the smallest window (5, 9, 17, … px) where they are at least a tenth.
 * Costs the flagged pixels' windows, not the box: a few thousand pixels in a box of millions. In place
 * (only flagged pixels are written, only unflagged ones read); returns `warped`.
 */
export function fillFromClass(warped: Plane, labels: Plane, flagged: Uint8Array): Plane {
  const { width: w, height: h } = warped;
  const n = w * h;
  for (let i = 0; i < n; i++) {
    if (!flagged[i]) continue;
    const x = i % w, y = (i - x) / w, c = labels.data[i];
    for (let r = 2; r <= MAX_RADIUS; r *= 2) {
      const x0 = Math.max(0, x - r), x1 = Math.min(w - 1, x + r), y0 = Math.max(0, y - r), y1 = Math.min(h - 1, y + r);
      let k = 0, s0 = 0, s1 = 0, s2 = 0;
      for (let Y = y0; Y <= y1; Y++) {
        for (let X = x0, j = Y * w + x0; X <= x1; X++, j++) {
          if (flagged[j] || labels.data[j] !== c) continue;
          k++;
          s0 += warped.data[j];
          s1 += warped.data[n + j];
          s2 += warped.data[2 * n + j];
        }
      }
      if (k < 0.1 * (x1 - x0 + 1) * (y1 - y0 + 1)) continue;
      warped.data[i] = s0 / k;
      warped.data[n + i] = s1 / k;
      warped.data[2 * n + i] = s2 / k;
      break;
    }
  }
  return warped;
}
