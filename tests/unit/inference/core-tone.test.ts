// The tone of a class copied from a thin band (src/inference/core-tone.ts).
import { applyCoreTones, CoreTone, coreTones, depthBelowBorder, toneAtDepth, toneAtlas } from '../../../src/inference/core-tone';
import { plane, Plane } from '../../../src/inference/planes';
import { thinlySourced } from '../../../src/inference/seam-blend';

const W = 60, H = 40;

/**
 * Source: class 1 (sky) everywhere but a band of class 2 (a ridge) over rows 10..29. The ridge's two top
 * and two bottom rows are lit by the sky (0.9); inside, its colour darkens with depth from 0.5 (row 12)
 * by 0.01 a row, with a fine ±0.02 checker on top.
 */
function ridge(): { image: Plane; labels: Plane; valid: Plane } {
  const image = plane(W, H, 3, 0.7), labels = plane(W, H, 1, 1), valid = plane(W, H, 1, 1), N = W * H;
  for (let y = 10; y < 30; y++) {
    for (let x = 0; x < W; x++) {
      const i = y * W + x;
      labels.data[i] = 2;
      const v = y < 12 || y >= 28 ? 0.9 : 0.5 - 0.01 * (y - 12) + ((x + y) % 2 ? 0.02 : -0.02);
      for (let c = 0; c < 3; c++) image.data[c * N + i] = v;
    }
  }
  return { image, labels, valid };
}

test('a thin class\'s core colour is its interior\'s, not the mean with its lit rim', () => {
  const tone = coreTones(ridge(), [2], W).get(2)!;
  // Mean of the band with its rim: (4 × 0.9 + Σ 0.5 − 0.01 k, k = 0..15) / 20 = 0.52; interior about 0.42.
  expect(tone.colour[0]).toBeGreaterThan(0.38);
  expect(tone.colour[0]).toBeLessThan(0.47);
  // The checker is its detail (RMS about 0.02), measured where the window does not reach the rim.
  expect(tone.detailRms[0]).toBeGreaterThan(0.012);
  expect(tone.detailRms[0]).toBeLessThan(0.05);
});

test('the profile follows the class down from below its rim, then ramps into the core colour', () => {
  const tone = coreTones(ridge(), [2], W).get(2)!;
  expect(tone.profileStep).toBe(1);
  // Entry 0 is depth 5 below the border (row 15): 0.47; the upper half of the 20-row band ends at depth 9.
  expect(tone.profile.length / 3).toBe(5);
  expect(toneAtDepth(tone, 0, 0)).toBeCloseTo(0.47, 1);
  expect(toneAtDepth(tone, 3, 0)).toBeLessThan(toneAtDepth(tone, 0, 0));
  expect(toneAtDepth(tone, 100, 0)).toBeCloseTo(tone.colour[0], 6);
  // A class with a source outside the photo (a reference) gets no profile: its core colour at every depth.
  const ref = coreTones(ridge(), [2], W / 2).get(2)!;
  expect(ref.profile.length).toBe(0);
  expect(toneAtDepth(ref, 0, 1)).toBe(ref.colour[1]);
});

test('the tone atlas holds each thin class\'s local tone (no checker), its rim as it is, other classes untouched', () => {
  const src = ridge();
  const tone = coreTones(src, [2], W);
  const atlas = toneAtlas(src, tone);
  const at = (x: number, y: number): number => atlas.data[y * W + x];
  expect(Math.abs(at(30, 20) - at(31, 20))).toBeLessThan(0.005); // the ±0.02 checker is gone
  expect(at(30, 10)).toBeCloseTo(0.9, 6); // the rim's first row keeps its own colour: no detail there
  expect(at(30, 5)).toBeCloseTo(0.7, 6); // sky
});

test('core tones replace the copies\' light by the class\'s tone at their depth and keep their detail, not outliers', () => {
  const tone: CoreTone = { colour: [0.4, 0.4, 0.4], detailRms: [0.02, 0.02, 0.02], box: [0, 0, 0, 0], profile: new Float32Array(0), profileStep: 1 };
  const bw = 8, bh = 4, n = bw * bh;
  const warped = plane(bw, bh, 3, 0.7), warpedTone = plane(bw, bh, 3, 0.7), labels = plane(bw, bh, 1, 2);
  const regen = new Uint8Array(n).fill(1);
  for (let c = 0; c < 3; c++) {
    warped.data[c * n + 1] = 0.72; // detail +0.02: kept
    warped.data[c * n + 2] = 0.95; // +0.25, a golden streak: 12 × the core's detail, dropped
    warped.data[c * n + 5] = 0.76; // +0.06, 3 ×: half kept
  }
  regen[3] = 0; // not regenerated: untouched
  labels.data[4] = 1; // another class: untouched
  const out = applyCoreTones(warped, warpedTone, labels, new Float32Array(n), regen, new Map([[2, tone]]));
  expect(out.data[0]).toBeCloseTo(0.4, 6);
  expect(out.data[1]).toBeCloseTo(0.42, 6);
  expect(out.data[2]).toBeCloseTo(0.4, 6);
  expect(out.data[5]).toBeCloseTo(0.43, 6);
  expect(out.data[3]).toBeCloseTo(0.7, 6);
  expect(out.data[4]).toBeCloseTo(0.7, 6);
  // Without the warped tones, the detail is taken from the warp's own local mean.
  const own = applyCoreTones(warped, null, labels, new Float32Array(n), regen, new Map([[2, tone]]));
  expect(own.data[bw * 3 + 7]).toBeCloseTo(0.4, 2);
});

test('depth below the border counts the rows of the pixel\'s own label above it, from the map\'s top', () => {
  // 3 wide, 6 high: label 1 on rows 0-1, 2 on rows 2-5; the middle column is 1 on row 3.
  const labels = Uint8Array.from([1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 1, 2, 2, 2, 2, 2, 2, 2]);
  const d = depthBelowBorder(labels, 3, 0, 2, 3, 4); // the box of rows 2..5
  expect(Array.from(d)).toEqual([0, 0, 0, 1, 0, 1, 2, 0, 2, 3, 1, 3]);
  expect(Array.from(depthBelowBorder(labels, 3, 0, 0, 3, 1))).toEqual([0, 0, 0]);
});

test('thinly sourced: the smooth regenerated classes with fewer than half as many sources as holes', () => {
  const tgt = plane(10, 4, 1), known = plane(10, 4, 1);
  for (let i = 0; i < 40; i++) tgt.data[i] = i % 10 < 5 ? 1 : 2; // 20 holes each
  const src = plane(20, 4, 1, 1), valid = plane(20, 4, 1, 1);
  for (let i = 0; i < 8; i++) src.data[i] = 2; // 8 sources of class 2 against 20 holes
  expect(thinlySourced(tgt, known, src, valid, 2, null, 9)).toEqual([2]);
  expect(thinlySourced(tgt, known, src, valid, 2, Float32Array.from([0, 0, 12]), 9)).toEqual([]); // textured
  expect(thinlySourced(tgt, plane(10, 4, 1, 1), src, valid, 2, null, 9)).toEqual([]); // nothing regenerated
});
