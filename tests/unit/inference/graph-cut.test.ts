// The max-flow solver and α-expansion against cases whose answer is known (hand-built networks, brute force).
import { alphaExpansion, FORBIDDEN, LabelProblem, labellingEnergy, MaxFlow } from '../../../src/inference/graph-cut';

/** A network of n nodes: terminals [node, from source, to sink] and inner edges [u, v, capacity]. */
function network(f: MaxFlow, n: number, terminals: number[][], edges: number[][]): MaxFlow {
  f.reset(n);
  for (const [u, s, t] of terminals) f.addTerminal(u, s, t);
  for (const [u, v, c] of edges) f.addEdge(u, v, c);
  return f;
}

test('max flow of a small network equals its minimum cut, and the cut separates the sides', () => {
  // Nodes 0..3; source → 0 (4), source → 1 (3), 0 → 1 (1), 0 → 2 (3), 1 → 3 (2), 2 → 3 (1), 2 → sink (4), 3 → sink (4).
  const f = network(new MaxFlow(4, 32), 4, [[0, 4, 0], [1, 3, 0], [2, 0, 4], [3, 0, 4]], [[0, 1, 1], [0, 2, 3], [1, 3, 2], [2, 3, 1]]);
  expect(f.solve()).toBeCloseTo(5);
  // The only minimum cut, {source, 0, 1} | {2, 3, sink}, costs 0→2 (3) + 1→3 (2) = 5.
  expect([0, 1, 2, 3].map((u) => f.onSinkSide(u))).toEqual([false, false, true, true]);
});

test('a network rebuilt with reset forgets the previous one', () => {
  const f = new MaxFlow(2, 16);
  expect(network(f, 2, [[0, 4, 0], [1, 0, 4]], [[0, 1, 4]]).solve()).toBeCloseTo(4);
  expect(network(f, 2, [[0, 1, 0], [1, 0, 2]], [[0, 1, 7]]).solve()).toBeCloseTo(1);
});

/** A chain of n nodes with the given unary costs and a Potts cost `lambda` between neighbours. */
function chain(unary: number[][], lambda: number): LabelProblem {
  const n = unary.length, K = unary[0].length;
  const pairs = Int32Array.from({ length: 2 * (n - 1) }, (_, k) => (k % 2 ? (k + 1) / 2 : k / 2));
  return { count: n, labels: K, unary: Float32Array.from(unary.flat()), pairs, pairCost: (_, a, b) => (a === b ? 0 : lambda) };
}

function bruteForce(p: LabelProblem): number {
  let best = Infinity;
  const lab = new Int32Array(p.count);
  const total = p.labels ** p.count;
  for (let code = 0; code < total; code++) {
    let c = code;
    for (let i = 0; i < p.count; i++) {
      lab[i] = c % p.labels;
      c = Math.floor(c / p.labels);
    }
    best = Math.min(best, labellingEnergy(p, lab));
  }
  return best;
}

test('α-expansion finds the optimum of small Potts chains (checked by brute force)', () => {
  let s = 7;
  const rnd = (): number => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32);
  for (let trial = 0; trial < 20; trial++) {
    const unary = Array.from({ length: 7 }, () => Array.from({ length: 3 }, () => rnd()));
    const p = chain(unary, 0.3 + rnd());
    const init = new Int32Array(7).fill(trial % 3);
    const out = alphaExpansion(p, init, 5);
    // On a chain with a Potts term an expansion move optimum is within a factor 2 of the optimum in
    // general; on these small cases it is the optimum itself.
    expect(labellingEnergy(p, out)).toBeCloseTo(bruteForce(p), 5);
  }
});

test('α-expansion never takes a forbidden label and never ends above its start', () => {
  // Node 2 may not take label 1, though its neighbours pull it there.
  const unary = [[1, 0], [1, 0], [0.5, FORBIDDEN], [1, 0], [1, 0]];
  const p = chain(unary, 2);
  const init = Int32Array.from([0, 0, 0, 0, 0]);
  const out = alphaExpansion(p, init, 3);
  expect(out[2]).toBe(0);
  expect(labellingEnergy(p, out)).toBeLessThanOrEqual(labellingEnergy(p, init));
});

test('a strong Potts term turns a noisy labelling into one region (what a local update cannot do)', () => {
  // Every node prefers its own label a little (a "hub" per node); together they pay less as one label.
  const n = 12, K = 4;
  const unary = Array.from({ length: n }, (_, i) => Array.from({ length: K }, (_, k) => (k === i % K ? 0 : 0.1)));
  const p = chain(unary, 0.5);
  const init = Int32Array.from({ length: n }, (_, i) => i % K); // each at its own best: a local minimum for one-node moves
  const out = alphaExpansion(p, init, 3);
  expect(new Set(out).size).toBe(1);
});
