// Islands of layout completion (complete-islands.ts): cells cut off from the class they look like.
import { islandSeeds, IslandRule } from '../../../src/layout/complete-islands';

describe('islandSeeds', () => {
  // A 40×20 cell grid flooded 1 left of x = 20 and 2 from it on. A block of cells at x 24..30, y 5..12
  // (56 cells) looks like class 1 (penalty 10) and not like 2 (penalty 200); elsewhere each cell looks
  // like its flooded label.
  const w = 40, h = 20;
  const rule: IslandRule = { accept: 40, reject: 180, minCells: 30, reach: 10 };
  const labels = new Uint8Array(w * h);
  for (let j = 0; j < w * h; j++) labels[j] = j % w < 20 ? 1 : 2;
  const block = (x0: number, x1: number, y0: number, y1: number) => (j: number): boolean => {
    const x = j % w, y = Math.floor(j / w);
    return x >= x0 && x < x1 && y >= y0 && y < y1;
  };
  const penaltyWith = (inBlock: (j: number) => boolean) => (l: number, j: number): number =>
    inBlock(j) ? (l === 1 ? 10 : 200) : l === labels[j] ? 0 : 200;

  test('a group that looks like a class near its territory becomes its seeds; other seeds stand', () => {
    const seeds = new Uint8Array(w * h);
    seeds[0] = 1;
    seeds[w - 1] = 2;
    const inBlock = block(24, 31, 5, 13);
    const out = islandSeeds(labels, seeds, w, h, [1, 2], penaltyWith(inBlock), rule);
    expect(out).not.toBeNull();
    let island = 0, other = 0;
    for (let j = 0; j < w * h; j++) {
      if (inBlock(j)) island += out![j] === 1 ? 1 : 0;
      else if (out![j] !== seeds[j]) other++;
    }
    expect(island).toBe(56);
    expect(other).toBe(0);
  });

  test('no seeds for a group beyond reach, a group too small, or one whose label is not rejected', () => {
    const seeds = new Uint8Array(w * h);
    // 12 or more cells from class 1's territory (x < 20).
    expect(islandSeeds(labels, seeds, w, h, [1, 2], penaltyWith(block(32, 40, 5, 13)), rule)).toBeNull();
    // 4×5 = 20 cells, fewer than 30.
    expect(islandSeeds(labels, seeds, w, h, [1, 2], penaltyWith(block(24, 28, 5, 10)), rule)).toBeNull();
    // The flooded label is only doubted (150 ≤ reject).
    const inBlock = block(24, 31, 5, 13);
    const doubted = (l: number, j: number): number => (inBlock(j) ? (l === 1 ? 10 : 150) : l === labels[j] ? 0 : 200);
    expect(islandSeeds(labels, seeds, w, h, [1, 2], doubted, rule)).toBeNull();
  });
});
