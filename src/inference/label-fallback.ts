// Pixels the full-resolution warp had no copy of their own class for. Each block of fs×fs pixels copies
// with its parent's particles, chosen for the class that holds most of the block; where a new class
// border crosses the block, the warp gives its other pixels a neighbouring block's copy instead, but
// only at the block's edge, and only if that copy lands on their class. Under a new ridge copied from a
// thin band (hills raised from evening-glow's mountain band), every candidate can land on the source's
// sky: the hill then showed blocks of sky colour below its ridge. This finds those pixels, as the warp
// graph scores them, and fills them with their class's colour nearby. Pure typed-array code.
import { boxMean } from '../layout';
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

/**
 * Replaces the colour of each flagged pixel by the mean colour of its class's other pixels in the box
 * (regenerated or known) over the smallest window (5, 9, 17, … px) that holds enough of them.
 */
export function fillFromClass(warped: Plane, labels: Plane, flagged: Uint8Array): Plane {
  const { width: w, height: h } = warped;
  const n = w * h;
  const out: Plane = { ...warped, data: Float32Array.from(warped.data) };
  const classes = new Set<number>();
  for (let i = 0; i < n; i++) if (flagged[i]) classes.add(labels.data[i]);
  for (const c of classes) {
    const weight = new Float32Array(n);
    for (let i = 0; i < n; i++) if (labels.data[i] === c && !flagged[i]) weight[i] = 1;
    const todo = new Set<number>();
    for (let i = 0; i < n; i++) if (flagged[i] && labels.data[i] === c) todo.add(i);
    for (let r = 2; todo.size && r <= Math.max(w, h); r *= 2) {
      const share = boxMean(weight, w, h, r);
      const sums = [0, 1, 2].map((ch) => {
        const masked = new Float32Array(n);
        for (let i = 0; i < n; i++) masked[i] = warped.data[ch * n + i] * weight[i];
        return boxMean(masked, w, h, r);
      });
      for (const i of [...todo]) {
        if (share[i] < 0.1) continue;
        for (let ch = 0; ch < 3; ch++) out.data[ch * n + i] = sums[ch][i] / share[i];
        todo.delete(i);
      }
    }
  }
  return out;
}
