// The coarse colour guess (sameClassColour, src/inference/colour-guess.ts): a row-graded class's near colour comes from its row.
import { sameClassColour } from '../../../src/inference/colour-guess';
import { plane } from '../../../src/inference/planes';

const W = 24, H = 16, N = W * H;
const PINK = [0.9, 0.6, 0.7], DARK = [0.25, 0.2, 0.35];

/**
 * One class (water), pink but for a dark reflection line in row 4; every pixel of rows 0–4 and of the
 * columns x < 4 is known, the rest (a hole under the line) is to be guessed.
 */
function scene() {
  const img = plane(W, H, 3), known = plane(W, H, 1), labels = plane(W, H, 1, 1);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const i = y * W + x;
      known.data[i] = y <= 4 || x < 4 ? 1 : 0;
      const c = y === 4 ? DARK : PINK;
      for (let k = 0; k < 3; k++) img.data[k * N + i] = known.data[i] ? c[k] : 0;
    }
  }
  return { img, known, labels };
}

test('a row-graded class takes the near colour of its own row, not of the dark line above the hole', () => {
  const { img, known, labels } = scene();
  const means = Float32Array.from([NaN, NaN, NaN, ...PINK]);
  const plain = sameClassColour(img, known, labels, 2, means, 1, false);
  const rowWise = sameClassColour(img, known, labels, 2, means, 1, true);
  expect(plain.rowGraded.size).toBe(0);
  expect([...rowWise.rowGraded]).toEqual([1]);
  // The row under the line, in the middle of the hole: within two pixels of the line's known pixels.
  const i = 5 * W + 12;
  expect(plain.colour.data[i]).toBeLessThan(0.5);
  expect(rowWise.colour.data[i]).toBeGreaterThan(0.75); // its row colour, less a little of the line by the membrane
  // Deeper down both are pink; known pixels keep their colour.
  expect(plain.colour.data[12 * W + 12]).toBeGreaterThan(0.8);
  expect(rowWise.colour.data[4 * W + 12]).toBeCloseTo(DARK[0], 6);
});
