// Gradient-domain blending of the copies inside a hole (src/inference/seam-blend.ts).
import { addSeamOffsets, classTones, SeamLevel, seamBlendable, seamOffsets } from '../../../src/inference/seam-blend';
import { plane } from '../../../src/inference/planes';

const TW = 20, TH = 6, T = TW * TH;
const SW = 80, SH = 6;

/**
 * A 20 × 6 hole of one class, known in its first and last column; its left half copies from atlas
 * columns 40+ (tone 0.3), its right half from columns 60+ (tone 0.5), so the fill steps by 0.2 at
 * x = 10. `otherClass` makes the right half another class instead.
 */
function level(otherClass = false): SeamLevel {
  const tones = plane(SW, SH, 3), sourceLabels = plane(SW, SH, 1, 1);
  for (let y = 0; y < SH; y++) for (let x = 0; x < SW; x++) for (let c = 0; c < 3; c++) tones.data[c * SW * SH + y * SW + x] = x >= 60 ? 0.5 : 0.3;
  const displacement = new Float32Array(2 * T), labels = plane(TW, TH, 1, 1), known = plane(TW, TH, 1);
  for (let y = 0; y < TH; y++) {
    for (let x = 0; x < TW; x++) {
      const i = y * TW + x;
      displacement[T + i] = x < 10 ? 40 : 60; // dx: the left copy comes from x + 40, the right from x + 60
      if (x === 0 || x === TW - 1) known.data[i] = 1;
      if (otherClass && x >= 10) labels.data[i] = 2;
      if (otherClass && x >= 10) for (let yy = 0; yy < SH; yy++) for (let xx = 60; xx < SW; xx++) sourceLabels.data[yy * SW + xx] = 2;
    }
  }
  return { displacement, labels, known, tones, sourceLabels, sourceValid: plane(SW, SH, 1, 1), x0: 0, y0: 0, scale: 1 };
}

test('the tone jump between two copies of one class is closed at their seam, and fades towards the known border', () => {
  const lv = level();
  const o = seamOffsets(lv);
  const at = (x: number): number => o.data[3 * TW + x]; // red channel, row 3
  // Left copy raised, right copy lowered, meeting where the copies meet.
  const jumpBefore = 0.5 - 0.3, jumpAfter = 0.5 + at(10) - (0.3 + at(9));
  expect(jumpBefore).toBeCloseTo(0.2, 6);
  expect(Math.abs(jumpAfter)).toBeLessThan(0.02);
  expect(at(9)).toBeGreaterThan(0.05);
  expect(at(10)).toBeLessThan(-0.05);
  // Smooth inside each copy, smaller next to the known columns than at the seam.
  expect(Math.abs(at(1))).toBeLessThan(Math.abs(at(9)));
  expect(Math.abs(at(18))).toBeLessThan(Math.abs(at(10)));
  // Known targets get nothing.
  expect(at(0)).toBe(0);
  // Added at full resolution on the regenerated pixels only.
  const warped = plane(TW, TH, 3, 0.4), regen = new Uint8Array(T).fill(1);
  regen[3 * TW + 0] = 0;
  const out = addSeamOffsets(warped, lv.labels, regen, 0, 0, lv, o);
  expect(out.data[3 * TW + 9]).toBeCloseTo(0.4 + at(9), 5);
  expect(out.data[3 * TW + 0]).toBeCloseTo(0.4, 6);
});

test('across a class border the step is content: no offsets', () => {
  const o = seamOffsets(level(true));
  expect(Math.max(...Array.from(o.data, Math.abs))).toBe(0);
});

test('class tones average only a pixel\'s own class', () => {
  const img = plane(6, 1, 3), labels = plane(6, 1, 1, 1);
  for (let x = 0; x < 6; x++) {
    for (let c = 0; c < 3; c++) img.data[c * 6 + x] = x < 3 ? 0.2 : 0.9;
    if (x >= 3) labels.data[x] = 2;
  }
  const t = classTones(img, labels, 2);
  expect(t.data[2]).toBeCloseTo(0.2, 6); // next to the border, still its own class's tone
  expect(t.data[3]).toBeCloseTo(0.9, 6);
});

test('in a speckle of per-location matches no jump is measured: nothing to add up across the fill', () => {
  const lv = level();
  for (let i = 0; i < T; i++) lv.displacement[T + i] = (i + Math.floor(i / TW)) % 2 ? 40 : 60; // a checkerboard of two copies
  expect(Math.max(...Array.from(seamOffsets(lv).data, Math.abs))).toBe(0);
});

describe('seamBlendable: which classes the engine blends', () => {
  // Target 10 × 4: class 1 fills the left half, class 2 the right, all regenerated (known 0).
  const tgt = plane(10, 4, 1);
  for (let i = 0; i < 40; i++) tgt.data[i] = i % 10 < 5 ? 1 : 2;
  const known = plane(10, 4, 1);
  // Source 20 × 4: 72 locations of class 1 and 8 of class 2 (a thin band: 8 against 20 regenerated).
  const src = plane(20, 4, 1, 1);
  for (let x = 0; x < 8; x++) src.data[x] = 2;
  const valid = plane(20, 4, 1, 1);

  test('a smooth class with ample source is blended; one copied many times over from a thin band onto new ground is not', () => {
    expect(Array.from(seamBlendable(tgt, known, src, valid, 2, null, 9, [2]))).toEqual([0, 1, 0]);
    expect(Array.from(seamBlendable(tgt, known, src, valid, 2, null, 9, [1, 2]))).toEqual([0, 1, 0]); // ample source: grown or not
  });

  test('a thinly sourced class refilling a hole inside its own region is blended', () => {
    expect(Array.from(seamBlendable(tgt, known, src, valid, 2, null, 9, []))).toEqual([0, 1, 1]);
    expect(Array.from(seamBlendable(tgt, known, src, valid, 2, null, 9, [1]))).toEqual([0, 1, 1]);
  });

  test('a textured class is not blended, however much source it has', () => {
    expect(Array.from(seamBlendable(tgt, known, src, valid, 2, Float32Array.from([0, 12, 0]), 9, [2]))).toEqual([0, 0, 0]);
  });

  test('invalid source locations do not count, known targets do not need any', () => {
    const fewValid = plane(20, 4, 1);
    for (let i = 0; i < 9; i++) fewValid.data[20 + i] = 1; // 9 valid class-1 locations against 20 to regenerate
    expect(seamBlendable(tgt, known, src, fewValid, 2, null, 9, [1])[1]).toBe(0);
    const mostlyKnown = plane(10, 4, 1, 1);
    mostlyKnown.data[5] = 0; // one regenerated class-2 target: 8 sources are enough
    expect(seamBlendable(tgt, mostlyKnown, src, valid, 2, null, 9, [2])[2]).toBe(1);
  });
});
