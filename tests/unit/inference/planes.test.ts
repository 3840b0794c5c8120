// Pyramid operations the engine prepares its feeds with.
import { downsample2, downsample2ByLabel, plane, sampleNearest } from '../../../src/inference/planes';

/** 8×8: a one-pixel-thick bright row (class 2) at y = 5, which 2× nearest sampling keeps, across a dark class 1. */
function thinRidge(): { img: ReturnType<typeof plane>; labels: ReturnType<typeof plane>; valid: ReturnType<typeof plane> } {
  const img = plane(8, 8, 1, 0.1), labels = plane(8, 8, 1, 1), valid = plane(8, 8, 1, 1);
  for (let x = 0; x < 8; x++) {
    img.data[5 * 8 + x] = 0.9;
    labels.data[5 * 8 + x] = 2;
  }
  valid.data[3 * 8] = 0;
  return { img, labels, valid };
}

test('a coarse pixel of a thin class keeps that class colour; the plain box blends it', () => {
  const { img, labels } = thinRidge();
  const parent = sampleNearest(labels, 4, 4);
  expect(Array.from(parent.data.subarray(8, 12))).toEqual([2, 2, 2, 2]); // block row 2 is the ridge's
  const byLabel = downsample2ByLabel(img, labels, parent);
  for (let i = 0; i < 16; i++) expect(byLabel.data[i]).toBeCloseTo(parent.data[i] === 2 ? 0.9 : 0.1, 5);
  expect(downsample2(img).data[8]).toBeCloseTo(0.5, 5); // the plain box: half ridge, half dark
});

test('validity by class: an invalid pixel of another class does not invalidate a block', () => {
  const { valid } = thinRidge();
  const labels = plane(8, 8, 1, 1);
  labels.data[3 * 8] = 2; // the invalid pixel belongs to class 2, the block (centre class 1) does not
  const parent = sampleNearest(labels, 4, 4);
  expect(parent.data[1 * 4]).toBe(1);
  expect(downsample2ByLabel(valid, labels, parent, 'min').data[1 * 4]).toBe(1);
  expect(downsample2(valid, 'min').data[1 * 4]).toBe(0);
  // Of its own class it does.
  const own = plane(8, 8, 1, 1);
  expect(downsample2ByLabel(valid, own, sampleNearest(own, 4, 4), 'min').data[1 * 4]).toBe(0);
});

test('nearest sampling of a window reads the same pixels as sampling a copy of that window', () => {
  const p = plane(37, 23, 2);
  for (let i = 0; i < p.data.length; i++) p.data[i] = i;
  const win = { x0: 5, y0: 3, w: 29, h: 17 };
  const copy = plane(win.w, win.h, 2);
  for (let c = 0; c < 2; c++) for (let y = 0; y < win.h; y++) for (let x = 0; x < win.w; x++) copy.data[(c * win.h + y) * win.w + x] = p.data[(c * 23 + y + win.y0) * 37 + x + win.x0];
  for (const [w, h] of [[8, 5], [29, 17], [3, 9]]) {
    expect(Array.from(sampleNearest(p, w, h, win).data)).toEqual(Array.from(sampleNearest(copy, w, h).data));
  }
  // Without a window, the whole plane: at full size, the plane itself.
  expect(Array.from(sampleNearest(p, 37, 23).data)).toEqual(Array.from(p.data));
});
