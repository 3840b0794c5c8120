// positionTrust: how much the engine trusts class-relative position per class when the layout changes.
import { positionTrust as trustFromBoxes } from '../../../src/inference/atlas';
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
