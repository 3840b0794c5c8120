// The local colour models of the completion's border pass (complete-local.ts).
import { coarseGrid } from '../../../src/layout/complete-coarse';
import { localColourDoubt } from '../../../src/layout/complete-local';

describe('localColourDoubt', () => {
  // 64×32 px on 2×2 cells. Class 1 above y = 16, class 2 below; on the left class 1 is red and class 2
  // blue, on the right the other way round (a global colour model cannot tell them apart). Class 3 is a
  // 4×4 px patch of green in the top-left corner.
  const W = 64, H = 32;
  const g = coarseGrid(W, H, 2);
  const RED = [200, 40, 40], BLUE = [40, 40, 200], GREEN = [40, 180, 40];
  const classAt = (x: number, y: number): number => (x < 4 && y < 4 ? 3 : y < 16 ? 1 : 2);
  const data = new Uint8Array(W * H * 4);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const l = classAt(x, y);
      const c = l === 3 ? GREEN : (l === 1) === x < 32 ? RED : BLUE;
      data.set([...c.map((v) => v + ((x * 7 + y * 3) % 5) - 2), 255], (y * W + x) * 4);
    }
  }
  const coarse = new Uint8Array(g.w * g.h);
  for (let cy = 0; cy < g.h; cy++) for (let cx = 0; cx < g.w; cx++) coarse[cy * g.w + cx] = classAt(cx * 2, cy * 2);
  const cells = new Uint8Array(g.w * g.h).fill(1);
  cells[0] = 0; // the top-left cell is not asked about
  const doubt = localColourDoubt({ width: W, height: H, data }, coarse, g, cells, [1, 2, 3], 4, 25);
  const at = (x: number, y: number): number => y * W + x;

  test('near the border, a pixel goes to the class that has its colour nearby', () => {
    // Left: red is class 1. Right: red is class 2.
    expect(doubt(1, at(10, 15))).toBeLessThan(0.01);
    expect(doubt(2, at(10, 15))).toBeGreaterThan(0.99);
    expect(doubt(1, at(50, 17))).toBeGreaterThan(0.99);
    expect(doubt(2, at(50, 17))).toBeLessThan(0.01);
    // A blue pixel on the right belongs to class 1 there, although on the left blue is class 2.
    const blueRight = at(50, 14);
    expect(doubt(1, blueRight)).toBeLessThan(0.01);
  });

  test('a class with no pixels nearby has no opinion, and neither do cells not asked about', () => {
    expect(doubt(3, at(50, 14))).toBe(0);
    expect(doubt(3, at(6, 6))).toBeGreaterThan(0.99); // green is near, but this pixel is red
    expect(doubt(1, at(0, 0))).toBe(0);
    expect(doubt(2, at(1, 1))).toBe(0);
  });
});
