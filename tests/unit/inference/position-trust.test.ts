// positionTrust: how much the engine trusts class-relative position per class when the layout changes.
import { positionTrust as trustFromBoxes, targetPositions } from '../../../src/inference/atlas';
import { classBoxes } from '../../../src/inference/engine';

const W = 100, H = 60;

/** A layout: sky everywhere (1), water rows from `waterTop` down (2), a kite box (3) when given. */
function layout(waterTop: number, kite?: [number, number, number, number]): Uint8Array {
  const l = new Uint8Array(W * H).fill(1);
  for (let y = waterTop; y < H; y++) for (let x = 0; x < W; x++) l[y * W + x] = 2;
  if (kite) {
    const [x0, y0, x1, y1] = kite;
    for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) l[y * W + x] = 3;
  }
  return l;
}

/** positionTrust from two layouts (the engine passes the boxes it has already computed). */
const positionTrust = (original: Uint8Array, edited: Uint8Array, w: number, h: number, compact: Uint8Array): Float32Array =>
  trustFromBoxes(classBoxes(original, w, h), classBoxes(edited, w, h), w, h, compact);

const compact = new Uint8Array(256);
compact[1] = 1;
compact[2] = 2;
compact[3] = 3;

test('full trust where nothing grows, and for an object inside the frame even when it doubles', () => {
  const same = positionTrust(layout(40, [10, 5, 20, 15]), layout(40, [10, 5, 20, 15]), W, H, compact);
  expect([same[1], same[2], same[3]]).toEqual([1, 1, 1]);
  const bigger = positionTrust(layout(40, [10, 5, 20, 15]), layout(40, [10, 5, 30, 25]), W, H, compact);
  expect(bigger[3]).toBe(1);
});

test('a class cut by the frame that grows taller is trusted in proportion: the water flooding up to row 20', () => {
  const trust = positionTrust(layout(40), layout(20), W, H, compact);
  expect(trust[2]).toBeCloseTo(20 / 40, 5); // 20 rows of water before, 40 after
  expect(trust[1]).toBe(1); // the sky shrank: nothing is squeezed
});

test('target positions: y and x inside the class box at the sampled pixels, times the class trust', () => {
  const labels = layout(40, [10, 5, 20, 15]);
  const boxes = classBoxes(labels, W, H);
  const trust = new Float32Array(256).fill(1);
  trust[2] = 0.5; // water
  // The whole image at full size: every pixel its own.
  const pos = targetPositions(labels, boxes, W, H, compact, trust, { x0: 0, y0: 0, w: W, h: H }, W, H);
  const at = (x: number, y: number): [number, number] => [pos.data[y * W + x], pos.data[W * H + y * W + x]];
  // The kite's top-left pixel sits half a pixel inside its 10 × 10 box; the sky's box is rows 0–39, full width.
  expect(at(10, 5)).toEqual([Math.fround(0.05), Math.fround(0.05)]);
  expect(at(0, 0)).toEqual([Math.fround(0.5 / 40), Math.fround(0.5 / 100)]);
  // Water (rows 40–59) at half trust.
  expect(at(99, 59)).toEqual([Math.fround(19.5 / 20) * 0.5, Math.fround(99.5 / 100) * 0.5]);
  // A window sampled 2 × coarser reads the pixels at the centres of 2 × 2 blocks: (11, 7) for block (0, 0).
  const coarse = targetPositions(labels, boxes, W, H, compact, trust, { x0: 10, y0: 6, w: 20, h: 10 }, 10, 5);
  expect([coarse.data[0], coarse.data[50]]).toEqual(at(11, 7));
});
