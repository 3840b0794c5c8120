// Multi-label graph cuts: a max-flow solver on typed arrays (Dinic's algorithm) and α-expansion
// (Boykov, Veksler and Zabih 2001) over it. Pure typed-array code; runs in the panel, webview, CLI and
// server alike. Written here because no maintained npm package offers a max-flow over typed arrays; the
// general graph libraries keep edges as objects, which is many times slower on grids of this size.

const EPS = 1e-9;

/** A flow network with a source and a sink, rebuilt for every cut (see `reset`). */
export class MaxFlow {
  private head: Int32Array;
  private next: Int32Array;
  private to: Int32Array;
  private cap: Float64Array;
  private level: Int32Array;
  private iter: Int32Array;
  private queue: Int32Array;
  private path: Int32Array;
  private edges = 0;
  private n = 0;
  private source = 0;
  private sink = 0;

  /** Room for `maxNodes` inner nodes and `maxArcs` arcs (each `addEdge` takes two). */
  constructor(maxNodes: number, maxArcs: number) {
    const nodes = maxNodes + 2;
    this.head = new Int32Array(nodes);
    this.level = new Int32Array(nodes);
    this.iter = new Int32Array(nodes);
    this.queue = new Int32Array(nodes);
    this.path = new Int32Array(nodes);
    this.next = new Int32Array(maxArcs);
    this.to = new Int32Array(maxArcs);
    this.cap = new Float64Array(maxArcs);
  }

  /** Empties the network for `n` inner nodes (0..n-1); the terminals are n (source) and n + 1 (sink). */
  reset(n: number): void {
    this.n = n;
    this.source = n;
    this.sink = n + 1;
    this.edges = 0;
    this.head.fill(-1, 0, n + 2);
  }

  /** An arc u → v with capacity `cap` and its reverse with `reverseCap`. */
  addEdge(u: number, v: number, cap: number, reverseCap = 0): void {
    this.arc(u, v, cap);
    this.arc(v, u, reverseCap);
  }

  /** Terminal capacities of node u: `fromSource` is paid when u ends on the sink side, `toSink` on the source side. */
  addTerminal(u: number, fromSource: number, toSink: number): void {
    if (fromSource > 0) this.addEdge(this.source, u, fromSource);
    if (toSink > 0) this.addEdge(u, this.sink, toSink);
  }

  private arc(u: number, v: number, c: number): void {
    const e = this.edges++;
    this.to[e] = v;
    this.cap[e] = c;
    this.next[e] = this.head[u];
    this.head[u] = e;
  }

  /** The maximum flow from source to sink (the cut's cost). */
  solve(): number {
    let flow = 0;
    while (this.buildLevels()) {
      this.iter.set(this.head.subarray(0, this.n + 2));
      for (let f = this.augment(); f > EPS; f = this.augment()) flow += f;
    }
    return flow;
  }

  /** After `solve`: whether node u is cut off from the source (on the sink side). */
  onSinkSide(u: number): boolean {
    return this.level[u] < 0;
  }

  /** Breadth-first levels over arcs with residual capacity; false when the sink is unreachable. */
  private buildLevels(): boolean {
    const { level, queue } = this;
    level.fill(-1, 0, this.n + 2);
    level[this.source] = 0;
    let tail = 0;
    queue[tail++] = this.source;
    for (let qi = 0; qi < tail; qi++) {
      const u = queue[qi];
      // Nodes beyond the sink's level lie on no shortest augmenting path.
      if (level[this.sink] >= 0 && level[u] >= level[this.sink]) break;
      for (let e = this.head[u]; e >= 0; e = this.next[e]) {
        const v = this.to[e];
        if (this.cap[e] > EPS && level[v] < 0) {
          level[v] = level[u] + 1;
          queue[tail++] = v;
        }
      }
    }
    return level[this.sink] >= 0;
  }

  /** One augmenting path along the level graph (iterative depth-first search); its flow, or 0. */
  private augment(): number {
    const { level, iter, path, to, cap, next } = this;
    let depth = 0;
    let u = this.source;
    for (;;) {
      if (u === this.sink) {
        let f = Infinity;
        for (let i = 0; i < depth; i++) f = Math.min(f, cap[path[i]]);
        for (let i = 0; i < depth; i++) {
          cap[path[i]] -= f;
          cap[path[i] ^ 1] += f;
        }
        return f;
      }
      let e = iter[u];
      while (e >= 0 && !(cap[e] > EPS && level[to[e]] === level[u] + 1)) e = next[e];
      iter[u] = e;
      if (e >= 0) {
        path[depth++] = e;
        u = to[e];
        continue;
      }
      // Dead end: no path through u in this phase. Step back and skip the arc that led here.
      if (u === this.source) return 0;
      level[u] = -2;
      const back = path[--depth];
      u = to[back ^ 1];
      iter[u] = next[iter[u]];
    }
  }
}

/**
 * A labelling problem on a graph: `count` nodes, `labels` labels, unary costs `unary[node·labels + label]`
 * (≥ `FORBIDDEN` where a node may not take a label), neighbour pairs `pairs` (node a, node b, …) and a
 * pairwise cost with `pairCost(pairIndex, a, a) === 0`.
 */
export interface LabelProblem {
  count: number;
  labels: number;
  unary: Float32Array;
  pairs: Int32Array;
  pairCost: (pair: number, la: number, lb: number) => number;
}

/** Unary costs at or above this forbid the label. */
export const FORBIDDEN = 1e6;

/** Total cost of a labelling. */
export function labellingEnergy(p: LabelProblem, labels: Int32Array): number {
  let e = 0;
  for (let i = 0; i < p.count; i++) e += p.unary[i * p.labels + labels[i]];
  for (let k = 0; k < p.pairs.length / 2; k++) e += p.pairCost(k, labels[p.pairs[2 * k]], labels[p.pairs[2 * k + 1]]);
  return e;
}

/**
 * α-expansion from `init` (every node on an allowed label): for each label in turn, the cheapest set of
 * nodes that switch to it is one minimum cut; repeated for `cycles` rounds or until no label lowers the
 * energy. Pairwise terms that are not submodular for a move (the cost is not a metric) are truncated, and
 * a move is kept only when it lowers the true energy, so the result never costs more than `init`.
 */
export function alphaExpansion(p: LabelProblem, init: Int32Array, cycles: number): Int32Array {
  const { count: n, labels: K, unary, pairs } = p;
  const np = pairs.length / 2;
  const lab = Int32Array.from(init);
  const trial = new Int32Array(n);
  const flow = new MaxFlow(n, 2 * (2 * n + np));
  const u0 = new Float64Array(n), u1 = new Float64Array(n);
  // A node that cannot take α keeps its label (x = 0) whatever the cut: it joins the source, and its pairs
  // become unary terms of its neighbours, so each cut is only as large as the nodes that may move.
  const node = new Int32Array(n);
  let energy = labellingEnergy(p, lab);
  for (let c = 0; c < cycles; c++) {
    let improved = false;
    for (let a = 0; a < K; a++) {
      let movable = 0;
      for (let i = 0; i < n; i++) {
        node[i] = lab[i] !== a && unary[i * K + a] < FORBIDDEN ? movable++ : -1;
        u0[i] = unary[i * K + lab[i]];
        u1[i] = unary[i * K + a];
      }
      if (!movable) continue;
      flow.reset(movable);
      // x = 0 keeps the label, x = 1 takes α. A pair's cost
      // E(x_i, x_j) = A + (C − A)·x_i + (D − C)·x_j + (B + C − A − D)·(1 − x_i)·x_j.
      for (let k = 0; k < np; k++) {
        const i = pairs[2 * k], j = pairs[2 * k + 1];
        const ni = node[i], nj = node[j];
        if (ni < 0 && nj < 0) continue;
        const A = p.pairCost(k, lab[i], lab[j]);
        if (ni < 0) u1[j] += p.pairCost(k, lab[i], a) - A; // x_i = 0: E = A + (B − A)·x_j
        else if (nj < 0) u1[i] += p.pairCost(k, a, lab[j]) - A; // x_j = 0: E = A + (C − A)·x_i
        else {
          const B = p.pairCost(k, lab[i], a), C = p.pairCost(k, a, lab[j]), D = p.pairCost(k, a, a);
          u1[i] += C - A;
          u1[j] += D - C;
          const w = B + C - A - D;
          if (w > 0) flow.addEdge(ni, nj, w);
        }
      }
      for (let i = 0; i < n; i++) {
        if (node[i] < 0) continue;
        const m = Math.min(u0[i], u1[i]);
        flow.addTerminal(node[i], u1[i] - m, u0[i] - m);
      }
      flow.solve();
      for (let i = 0; i < n; i++) trial[i] = node[i] >= 0 && flow.onSinkSide(node[i]) ? a : lab[i];
      const e = labellingEnergy(p, trial);
      if (e < energy - 1e-9) {
        energy = e;
        lab.set(trial);
        improved = true;
      }
    }
    if (!improved) break;
  }
  return lab;
}
