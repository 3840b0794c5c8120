// Resampling moved and resized objects at their mapped position (src/inference/object-map.ts).
import { resampleObjects } from '../../../src/inference/object-map';
import { plane } from '../../../src/inference/planes';

/** An 8 × 1 atlas: class 2 (the object) at x 2..5 with red 0.1, 0.3, 0.5, 0.7; class 1 (sky, red 0.9) around. */
function atlas(): { image: ReturnType<typeof plane>; labels: ReturnType<typeof plane>; valid: ReturnType<typeof plane> } {
  const image = plane(8, 1, 3, 0.9), labels = plane(8, 1, 1, 1), valid = plane(8, 1, 1, 1);
  for (let x = 2; x < 6; x++) {
    image.data[x] = 0.1 + 0.2 * (x - 2);
    labels.data[x] = 2;
  }
  return { image, labels, valid };
}

test('a moved object is its source pixels; a doubled one is sampled between them, from its own class only', () => {
  const src = atlas();
  const labels = plane(8, 1, 1, 2), regen = new Uint8Array(8).fill(1), warped = plane(8, 1, 3, 0.4);
  // Moved: target x 0..3 ↦ source x 2..5.
  const moved = resampleObjects(warped, labels, regen, 0, 0, new Map([[2, { ex: 0, ey: 0, sx: 2, sy: 0, kx: 1, ky: 1 }]]), src);
  expect(Array.from(moved.data.subarray(0, 4), (v) => +v.toFixed(4))).toEqual([0.1, 0.3, 0.5, 0.7]);
  // Doubled: 8 target pixels over the 4 source pixels (kx ½): centres at source x 1.75, 2.25, 2.75, …
  const doubled = resampleObjects(warped, labels, regen, 0, 0, new Map([[2, { ex: 0, ey: 0, sx: 2, sy: 0, kx: 0.5, ky: 1 }]]), src);
  const red = Array.from(doubled.data.subarray(0, 8), (v) => +v.toFixed(3));
  expect(red[1]).toBeCloseTo(0.15, 2); // between the first two pixels of the object
  expect(red[2]).toBeCloseTo(0.25, 2);
  // The first target's neighbours are sky (x 1) and the object (x 2): the sky does not bleed in.
  expect(red[0]).toBeCloseTo(0.1, 2);
  expect(red[7]).toBeCloseTo(0.7, 2);
});

test('pixels not regenerated, of another class or mapped outside their class keep the warp', () => {
  const src = atlas();
  const labels = plane(8, 1, 1, 2), regen = new Uint8Array(8).fill(1), warped = plane(8, 1, 3, 0.4);
  regen[0] = 0;
  labels.data[1] = 1;
  const out = resampleObjects(warped, labels, regen, 0, 0, new Map([[2, { ex: 0, ey: 0, sx: 2, sy: 0, kx: 1, ky: 1 }]]), src);
  expect(out.data[0]).toBeCloseTo(0.4, 6); // not regenerated
  expect(out.data[1]).toBeCloseTo(0.4, 6); // another class
  expect(out.data[2]).toBeCloseTo(0.5, 6);
  expect(out.data[6]).toBeCloseTo(0.4, 6); // maps to source x 8: outside the atlas
  expect(out.data[5]).toBeCloseTo(0.4, 6); // maps to source x 7: sky
});
