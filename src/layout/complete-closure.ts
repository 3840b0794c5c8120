// Closure of small objects for layout completion. A kite stroked only on its warm panels loses its blue
// panels to the sky: the blue is closer to the sky's colour than to anything its strokes showed, so no
// classifier trained on those strokes can give them back. The shape can: the blue panels fill a bay of
// the kite's outline, and the kite's edge shuts that bay off from the rest of the sky. Sky seen
// *through* an object (the gap of a handle, the water between two boats) is open to the rest of its
// class with no edge and stays as it is. Pure typed-array code.
import { connectedComponents } from './mask';
import { dilateCells } from './complete-coarse';

export interface ClosureRule {
  /** Only objects (one class's cells, gaps of up to `join` cells bridged) of at most this many cells. */
  maxCells: number;
  join: number;
  /** Share of the object's outline that must border one class, the host whose bays are closed. */
  hostShare: number;
  /**
   * Colour step (colour-difference units) that separates a bay from the rest of the host: the bay's
   * cells are joined only by weaker steps, and its mouth must show at least this step on average.
   */
  mouthEdge: number;
  /** Fewest cells of a bay worth closing. */
  minCells: number;
}

type Point = [number, number];

/** Convex hull (counter-clockwise, no collinear points) of integer points by the monotone chain. */
function convexHull(xs: number[], ys: number[]): Point[] {
  const pts = xs.map((x, k): Point => [x, ys[k]]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  if (pts.length < 3) return pts;
  const cross = (o: Point, a: Point, b: Point): number => (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
  const chain = (points: Point[]): Point[] => {
    const out: Point[] = [];
    for (const p of points) {
      while (out.length >= 2 && cross(out[out.length - 2], out[out.length - 1], p) <= 0) out.pop();
      out.push(p);
    }
    return out.slice(0, -1);
  };
  return chain(pts).concat(chain(pts.slice().reverse()));
}

/** Whether (x, y) lies inside or on a counter-clockwise convex polygon of at least 3 corners. */
function insideHull(hull: Point[], x: number, y: number): boolean {
  if (hull.length < 3) return false;
  for (let k = 0; k < hull.length; k++) {
    const [ax, ay] = hull[k], [bx, by] = hull[(k + 1) % hull.length];
    if ((bx - ax) * (y - ay) - (by - ay) * (x - ax) < 0) return false;
  }
  return true;
}

/** The 4-neighbours of cell j (−1 beyond the grid). */
function neighbours(j: number, w: number, n: number): [number, number, number, number] {
  const x = j % w;
  return [x + 1 < w ? j + 1 : -1, x > 0 ? j - 1 : -1, j + w < n ? j + w : -1, j - w];
}

const colourStep = (rgb: Float32Array, a: number, b: number): number =>
  Math.hypot(rgb[a * 3] - rgb[b * 3], rgb[a * 3 + 1] - rgb[b * 3 + 1], rgb[a * 3 + 2] - rgb[b * 3 + 2]);

/**
 * Gives small objects their bays, in place. An object is a class's cells with gaps of up to
 * `rule.join` cells bridged; it qualifies when it has at most `rule.maxCells` cells, holds a stroke of
 * its class (a painted object, not a stray piece) and borders one host class along at least
 * `rule.hostShare` of its outline. Inside its convex hull, the host's cells are grouped by steps weaker
 * than `rule.mouthEdge`; a group of at least `rule.minCells` cells with no stroke, whose steps to the
 * host outside it average at least `rule.mouthEdge`, goes to the object's class. `rgb` is the cells'
 * colour, 3 values per cell. Returns the number of cells relabeled.
 */
export function closeObjectBays(
  labels: Uint8Array,
  seeds: Uint8Array,
  rgb: Float32Array,
  w: number,
  h: number,
  classes: readonly number[],
  rule: ClosureRule,
): number {
  const n = w * h;
  let changed = 0;
  for (const c of classes) {
    const own = new Uint8Array(n);
    let total = 0;
    for (let j = 0; j < n; j++) if (labels[j] === c) (own[j] = 1), total++;
    if (total === 0) continue;
    // Pieces within `join` cells of each other are one object (each 3 × 3 dilation bridges one more cell).
    let joined: Uint8Array = own;
    for (let r = 0; r < rule.join; r++) joined = dilateCells(joined, w, h);
    for (const object of connectedComponents(joined, w, h)) {
      const cells = Array.from(object.pixels).filter((j) => own[j]);
      if (cells.length === 0 || cells.length > rule.maxCells || !cells.some((j) => seeds[j] === c)) continue;
      const host = hostOf(cells, own, labels, w, n, rule.hostShare);
      if (!host) continue;
      const hull = convexHull(cells.map((j) => j % w), cells.map((j) => Math.floor(j / w)));
      const { x0, y0, x1, y1 } = object.bounds;
      const inside: number[] = [];
      for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) if (labels[y * w + x] === host && insideHull(hull, x, y)) inside.push(y * w + x);
      for (const bay of smoothGroups(inside, rgb, w, n, rule.mouthEdge)) {
        if (bay.length < rule.minCells || bay.some((j) => seeds[j])) continue;
        if (mouthStep(bay, labels, host, rgb, w, n) < rule.mouthEdge) continue;
        for (const j of bay) labels[j] = c;
        changed += bay.length;
      }
    }
  }
  return changed;
}

/** The class bordering `cells` along at least `share` of their outline, or 0. */
function hostOf(cells: number[], own: Uint8Array, labels: Uint8Array, w: number, n: number, share: number): number {
  const around = new Map<number, number>();
  let outline = 0;
  for (const j of cells) {
    for (const k of neighbours(j, w, n)) {
      if (k < 0 || own[k]) continue;
      around.set(labels[k], (around.get(labels[k]) ?? 0) + 1);
      outline++;
    }
  }
  for (const [l, count] of around) if (count >= share * outline) return l;
  return 0;
}

/** Mean colour step from a bay's cells to the host's cells outside it; Infinity when it has none (a hole, enclosed). */
function mouthStep(bay: number[], labels: Uint8Array, host: number, rgb: Float32Array, w: number, n: number): number {
  const inBay = new Uint8Array(n);
  for (const j of bay) inBay[j] = 1;
  let sum = 0, steps = 0;
  for (const j of bay) {
    for (const k of neighbours(j, w, n)) {
      if (k < 0 || inBay[k] || labels[k] !== host) continue;
      sum += colourStep(rgb, j, k);
      steps++;
    }
  }
  return steps ? sum / steps : Infinity;
}

/** `cells` in 4-connected groups whose joining steps are all weaker than `edge` (a panel apart from the sky beside it). */
function smoothGroups(cells: number[], rgb: Float32Array, w: number, n: number, edge: number): number[][] {
  const member = new Uint8Array(n), seen = new Uint8Array(n);
  for (const j of cells) member[j] = 1;
  const groups: number[][] = [];
  for (const start of cells) {
    if (seen[start]) continue;
    seen[start] = 1;
    const group = [start];
    for (let q = 0; q < group.length; q++) {
      const j = group[q];
      for (const k of neighbours(j, w, n)) {
        if (k < 0 || !member[k] || seen[k] || colourStep(rgb, j, k) >= edge) continue;
        seen[k] = 1;
        group.push(k);
      }
    }
    groups.push(group);
  }
  return groups;
}
