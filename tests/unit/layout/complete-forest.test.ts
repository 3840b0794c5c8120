// The completion forest's cell features (complete-forest.ts): the texture-direction features at their
// three scales, on a synthetic reed bed under smooth water.
import { coarseGrid, downsampleRgb } from '../../../src/layout/complete-coarse';
import { cellFeatures, FEATURES } from '../../../src/layout/complete-forest';

describe('cellFeatures', () => {
  // 64×64 px on 2×2 cells: smooth pink water above y = 32; below it a reed bed, one dark vertical
  // 1 px blade every 6 px on the same pink.
  const W = 64, H = 64;
  const g = coarseGrid(W, H, 2);
  const PINK = [220, 150, 160], BLADE = [60, 40, 50];
  const data = new Uint8Array(W * H * 4);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) data.set([...(y >= 32 && x % 6 === 0 ? BLADE : PINK), 255], (y * W + x) * 4);
  const photo = { width: W, height: H, data };
  const f = cellFeatures(photo, g, downsampleRgb(photo, g));
  // Mean over a row of cells of feature k (cell rows 0..31; the bed starts at cell row 16).
  const rowMean = (cy: number, k: number): number => {
    let s = 0;
    for (let cx = 0; cx < g.w; cx++) s += f[(cy * g.w + cx) * FEATURES + k];
    return s / g.w;
  };
  const CELL_GX = 17, CONTEXT_GX = 19, NEAR_GX = 21;

  test('the blades show as horizontal steps in their own cells, none in the water', () => {
    expect(rowMean(20, CELL_GX)).toBeGreaterThan(10);
    expect(rowMean(10, CELL_GX)).toBe(0);
  });

  test('the 3×3-cell step ends a cell above the bed, where the 9×9-cell step still sees the blades', () => {
    expect(rowMean(16, NEAR_GX)).toBeGreaterThan(5);
    expect(rowMean(15, NEAR_GX)).toBeGreaterThan(0); // one cell above the first blade row
    for (const cy of [14, 13, 12]) {
      expect(rowMean(cy, NEAR_GX)).toBe(0);
      expect(rowMean(cy, CONTEXT_GX)).toBeGreaterThan(1);
    }
    expect(rowMean(10, CONTEXT_GX)).toBe(0);
  });
});
