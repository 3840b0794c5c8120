// Per-class colour continuity across the mask border (src/inference/border-colour.ts).
import { matchBorderColours } from '../../../src/inference/border-colour';
import { Plane, plane } from '../../../src/inference/planes';

const W = 64, H = 48, B = W * H;
const WATER = 1, SKY = 2, KITE = 3;

function rgb(p: Plane, i: number): [number, number, number] {
  return [p.data[i], p.data[B + i], p.data[2 * B + i]];
}

function fill(p: Plane, i: number, c: [number, number, number]): void {
  for (let k = 0; k < 3; k++) p.data[k * B + i] = c[k];
}

/**
 * Water everywhere, golden (0.8, 0.6, 0.4) in the photo; the right half (x ≥ 24) is regenerated, and the
 * warp filled it with grey-blue (0.45, 0.5, 0.55). `sky` puts sky in the top rows of the known part
 * instead, and `kiteBox` a regenerated kite (its own class) at x 40–47, y 20–27.
 */
function scene(opts: { sky?: boolean; kiteBox?: boolean } = {}) {
  const image = plane(W, H, 3), warped = plane(W, H, 3), known = plane(W, H, 1), labels = plane(W, H, 1, WATER);
  const regen = new Uint8Array(B);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const i = y * W + x;
      const hole = x >= 24;
      regen[i] = hole ? 1 : 0;
      known.data[i] = hole ? 0 : 1;
      if (opts.sky && y < 16) labels.data[i] = SKY;
      fill(image, i, labels.data[i] === SKY ? [0.3, 0.5, 0.9] : [0.8, 0.6, 0.4]);
      fill(warped, i, hole ? [0.45, 0.5, 0.55] : [0, 0, 0]);
      if (opts.kiteBox && x >= 40 && x < 48 && y >= 20 && y < 28) {
        labels.data[i] = KITE;
        fill(warped, i, [0.9, 0.1, 0.1]);
      }
    }
  }
  return { image, warped, known, labels, regen };
}

test('a class whose fill is lighter or darker than its own known pixels takes their colour across the border', () => {
  const box = scene();
  const out = matchBorderColours(box, new Set());
  // Next to the border and deep inside alike (one constant offset, spread by push-pull).
  for (const x of [24, 26, 40, 63]) {
    const c = rgb(out, 20 * W + x);
    expect(c[0]).toBeCloseTo(0.8, 1);
    expect(c[1]).toBeCloseTo(0.6, 1);
    expect(c[2]).toBeCloseTo(0.4, 1);
  }
  // Known pixels are not touched, nor is the input.
  expect(rgb(out, 20 * W + 5)).toEqual([0, 0, 0]);
  expect(box.warped.data[20 * W + 40]).toBeCloseTo(0.45, 6);
});

test('the offset is measured within a class only: a fill of one class next to known pixels of another keeps its colour', () => {
  const box = scene({ sky: true });
  for (let y = 0; y < 16; y++) for (let x = 24; x < W; x++) box.labels.data[y * W + x] = WATER; // water under known sky
  const out = matchBorderColours(box, new Set());
  // Rows 0–15 of the fill border on sky only (no water known within reach); the far rows border water.
  const nearSky = rgb(out, 2 * W + 30), nearWater = rgb(out, 40 * W + 30);
  expect(nearWater[0]).toBeCloseTo(0.8, 1);
  // The sky's blue never reaches the water: its red is pulled up towards the water's gold, not down.
  expect(nearSky[0]).toBeGreaterThanOrEqual(0.45 - 1e-6);
  expect(nearSky[2]).toBeLessThanOrEqual(0.55 + 1e-6);
});

test('classes copied whole by their maps, and classes with no known pixels, keep the warp', () => {
  const box = scene({ kiteBox: true });
  const skipKite = matchBorderColours(box, new Set([KITE]));
  expect(rgb(skipKite, 24 * W + 44).map((v) => +v.toFixed(6))).toEqual([0.9, 0.1, 0.1]);
  // Not skipped, the kite still has no known pixels of its own: nothing to match.
  const all = matchBorderColours(box, new Set());
  expect(rgb(all, 24 * W + 44).map((v) => +v.toFixed(6))).toEqual([0.9, 0.1, 0.1]);
  // The water around it is matched as before.
  expect(rgb(all, 10 * W + 44)[0]).toBeCloseTo(0.8, 1);
});

test('a row-graded class is measured less its row colours: a dark line in the known rows above a faithful fill does not darken it', () => {
  // Water, pink but for a dark reflection line in rows 10–13; rows 0–15 and the columns x < 8 are known,
  // the rest is regenerated and the warp filled it with the right pink.
  const PINK: [number, number, number] = [0.9, 0.6, 0.7], DARK: [number, number, number] = [0.25, 0.2, 0.35];
  const image = plane(W, H, 3), warped = plane(W, H, 3), known = plane(W, H, 1), labels = plane(W, H, 1, WATER);
  const regen = new Uint8Array(B);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const i = y * W + x, hole = y >= 16 && x >= 8;
      regen[i] = hole ? 1 : 0;
      known.data[i] = hole ? 0 : 1;
      fill(image, i, y >= 10 && y < 14 ? DARK : PINK);
      fill(warped, i, hole ? PINK : [0, 0, 0]);
    }
  }
  const box = { image, warped, known, labels, regen };
  const plain = matchBorderColours(box, new Set()), rowWise = matchBorderColours(box, new Set(), new Set([WATER]));
  // Plain means compare the line's rows with the fill's: the fill turns darker under the whole edge.
  expect(rgb(plain, 18 * W + 30)[0]).toBeLessThan(PINK[0] - 0.05);
  rgb(rowWise, 18 * W + 30).forEach((v, k) => expect(v).toBeCloseTo(PINK[k], 2));
  rgb(rowWise, 40 * W + 50).forEach((v, k) => expect(v).toBeCloseTo(PINK[k], 2));
});
