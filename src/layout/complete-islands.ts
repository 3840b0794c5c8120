// Islands for layout completion: cells the flood cut off from the class they look like. The flood keeps
// every class's territory connected to its strokes, so where another class claims a narrow gap first (a
// sky stroke passing under the kite's yellow wing tip), what lies beyond goes to that class, however
// much it looks like its own. Pure typed-array code.
import { connectedComponents } from './mask';
import { squaredDistanceTransform } from './distance';

export interface IslandRule {
  /** A cell may join class c when c's penalty there is below this (both classifiers favour c)… */
  accept: number;
  /** …and its flooded label's penalty is above this (both reject the label). */
  reject: number;
  /** Fewest connected cells of such a group (a few stray cells are noise). */
  minCells: number;
  /** The group must lie within this many cells of c's flooded territory (an island, not a new region). */
  reach: number;
}

/**
 * Extra seeds for the coarse flood: the groups of cells that look like class c and not like the label the
 * flood gave them, near c's own territory. Returns the seeds with those groups added, or null when there
 * are none. `penalty(l, j)` is the flood's classifier penalty of label l at cell j.
 */
export function islandSeeds(
  labels: Uint8Array,
  seeds: Uint8Array,
  w: number,
  h: number,
  classes: readonly number[],
  penalty: (l: number, j: number) => number,
  rule: IslandRule,
): Uint8Array | null {
  const n = w * h;
  const wants = new Uint8Array(n);
  let any = false;
  for (let j = 0; j < n; j++) {
    if (seeds[j] || penalty(labels[j], j) <= rule.reject) continue;
    let best = 0, bestPenalty = rule.accept;
    for (const l of classes) {
      const p = l === labels[j] ? Infinity : penalty(l, j);
      if (p < bestPenalty) {
        best = l;
        bestPenalty = p;
      }
    }
    if (best) {
      wants[j] = best;
      any = true;
    }
  }
  if (!any) return null;
  const out = new Uint8Array(seeds);
  let added = 0;
  const reach2 = rule.reach * rule.reach;
  for (const l of classes) {
    const group = new Uint8Array(n);
    let count = 0;
    for (let j = 0; j < n; j++) {
      if (wants[j] === l) {
        group[j] = 1;
        count++;
      }
    }
    if (count < rule.minCells) continue;
    const d2 = squaredDistanceTransform(w, h, (j) => labels[j] === l);
    for (const { pixels } of connectedComponents(group, w, h)) {
      if (pixels.length < rule.minCells || !pixels.some((j) => d2[j] <= reach2)) continue;
      for (const j of pixels) out[j] = l;
      added += pixels.length;
    }
  }
  return added ? out : null;
}
