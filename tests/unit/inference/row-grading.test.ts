// Row-graded classes (src/inference/row-grading.ts): how much of a class's colour its rows explain.
import { classRowSums, explainedByRows, rowMeans } from '../../../src/inference/row-grading';
import { plane } from '../../../src/inference/planes';

const W = 40, H = 30, N = W * H;

/** A one-class plane coloured by `f(x, y)` (grey), all known but for `hole`. */
function planes(f: (x: number, y: number) => number, hole: (x: number, y: number) => boolean = () => false) {
  const img = plane(W, H, 3), known = plane(W, H, 1), labels = plane(W, H, 1, 1);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const i = y * W + x;
      for (let c = 0; c < 3; c++) img.data[c * N + i] = f(x, y);
      known.data[i] = hole(x, y) ? 0 : 1;
    }
  }
  return { img, known, labels };
}

test('a vertical gradient is explained by its rows, a horizontal one or noise is not', () => {
  const share = (f: (x: number, y: number) => number): number => {
    const { img, known, labels } = planes(f);
    return explainedByRows(classRowSums(img, known, labels, 1)!);
  };
  expect(share((_x, y) => y / H)).toBeGreaterThan(0.95); // 1 less the chance share, 29 rows / 1200 pixels
  expect(share((x) => x / W)).toBeLessThan(0.01);
  let seed = 7;
  const noise = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  expect(share(() => noise())).toBeLessThan(0.05); // what chance gives with 30 rows is taken off
  // Bands of two tones a few rows thick (a lake's golden and blue rows) count as well.
  expect(share((_x, y) => (Math.floor(y / 4) % 2 ? 0.2 : 0.7))).toBeGreaterThan(0.95);
});

test('a class absent from the known pixels has no row sums', () => {
  const { img, known, labels } = planes(() => 0.5);
  expect(classRowSums(img, known, labels, 2)).toBeNull();
});

test('row means average a few rows either side and fill rows without pixels from their neighbours', () => {
  // Rows 10–19 are unknown: their colour comes linearly from rows 9 and 20.
  const { img, known, labels } = planes((_x, y) => y / 100, (_x, y) => y >= 10 && y < 20);
  const rows = rowMeans(classRowSums(img, known, labels, 1)!, 0);
  expect(rows[5 * 3]).toBeCloseTo(0.05, 6);
  expect(rows[9 * 3]).toBeCloseTo(0.09, 6);
  expect(rows[15 * 3]).toBeCloseTo(0.09 + (6 / 11) * 0.11, 6);
  expect(rows[20 * 3]).toBeCloseTo(0.2, 6);
  // With a span of 2, row 5 is the mean of rows 3–7 (the same here: the gradient is linear).
  expect(rowMeans(classRowSums(img, known, labels, 1)!, 2)[5 * 3]).toBeCloseTo(0.05, 6);
  // Rows 9's window holds rows 7–9 only (10 and 11 have no pixels).
  expect(rowMeans(classRowSums(img, known, labels, 1)!, 2)[9 * 3]).toBeCloseTo(0.08, 6);
});
