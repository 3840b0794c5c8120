// referenceLight / applyLight: the map between two scenes' light, fitted on the classes both hold.
import { RgbaImage } from '../../../src/layout';
import { plane } from '../../../src/inference/planes';
import { applyLight, referenceLight } from '../../../src/inference/reference-light';

// Large enough for the fit's sampled pixels (every 4th row and column) to count each class.
const W = 160, H = 120, SKY = 1, HILL = 2;

/** A w×h image and layout: `top` over rows [0, split), `bottom` below, each with a little texture. */
function twoBands(top: [number, number, number], bottom: [number, number, number], split: number, bottomLabel = HILL): { image: RgbaImage; labels: Uint8Array } {
  const data = new Uint8Array(W * H * 4), labels = new Uint8Array(W * H);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const i = y * W + x, c = y < split ? top : bottom, t = ((x * 7 + y * 3) % 9) - 4;
      data.set([c[0] + t, c[1] + t, c[2] + t, 255], i * 4);
      labels[i] = y < split ? SKY : bottomLabel;
    }
  }
  return { image: { width: W, height: H, data }, labels };
}

/** The image as a planar 0..1 plane. */
function planar(img: RgbaImage): ReturnType<typeof plane> {
  const p = plane(img.width, img.height, 3), n = img.width * img.height;
  for (let i = 0; i < n; i++) for (let c = 0; c < 3; c++) p.data[c * n + i] = img.data[i * 4 + c] / 255;
  return p;
}

test("the shared sky's difference is carried over: the reference's sky comes out as the photo's, its hills shifted alike", () => {
  const photo = twoBands([90, 140, 220], [40, 90, 50], 75, 3); // a blue sky over a third class
  const ref = twoBands([200, 120, 60], [60, 55, 50], 60); // an orange sky over grey hills
  const map = referenceLight(photo.image, photo.labels, ref.image, ref.labels)!;
  expect(map).not.toBeNull();
  const p = planar(ref.image);
  applyLight(p, 0, W, H, map, 1);
  const n = W * H;
  const mean = (y0: number, y1: number, c: number): number => {
    let s = 0;
    for (let y = y0; y < y1; y++) for (let x = 0; x < W; x++) s += p.data[c * n + y * W + x];
    return (255 * s) / ((y1 - y0) * W);
  };
  // The sky's spread is the same in both photos: its mean moves onto the photo's sky, within a level.
  expect(mean(0, 60, 0)).toBeCloseTo(90, 0);
  expect(mean(0, 60, 1)).toBeCloseTo(140, 0);
  expect(mean(0, 60, 2)).toBeCloseTo(220, 0);
  // The hills move by the same offset (in YCbCr): bluer and no longer orange-lit.
  expect(mean(60, H, 2)).toBeGreaterThan(mean(60, H, 0) + 100);
});

test('half strength goes half way; strength 0, only the columns outside the range, and no shared class leave pixels alone', () => {
  const photo = twoBands([90, 140, 220], [40, 90, 50], 75, 3);
  const ref = twoBands([200, 120, 60], [60, 55, 50], 60);
  const map = referenceLight(photo.image, photo.labels, ref.image, ref.labels)!;
  const before = planar(ref.image);
  const half = planar(ref.image), full = planar(ref.image), none = planar(ref.image);
  applyLight(half, 0, W, H, map, 0.5);
  applyLight(full, 0, W, H, map, 1);
  applyLight(none, 0, W, H, map, 0);
  expect(Array.from(none.data)).toEqual(Array.from(before.data));
  const i = 2 * W * H + 100 * W + 5; // blue of a hill pixel
  expect(half.data[i]).toBeCloseTo((before.data[i] + full.data[i]) / 2, 2);
  // Columns [40, 80) only.
  const part = planar(ref.image);
  applyLight(part, 40, 40, H, map, 1);
  expect(part.data[2 * W * H + 100 * W + 5]).toBe(before.data[2 * W * H + 100 * W + 5]);
  expect(part.data[2 * W * H + 100 * W + 50]).toBeCloseTo(full.data[2 * W * H + 100 * W + 50], 6);
  // A reference of hills alone shares nothing with the photo: no map.
  const hillsOnly = twoBands([60, 55, 50], [60, 55, 50], 0);
  expect(referenceLight(photo.image, photo.labels, hillsOnly.image, hillsOnly.labels)).toBeNull();
});

test('every class both photos hold counts, weighted by its pixels; one only the reference holds does not', () => {
  // Both have sky and hills; the reference's sky is 40 levels darker, its hills 10 levels darker. Each class
  // weighs by the smaller of its two pixel counts (sky 60 rows, hills 30): a luma offset of about
  // (60 · 40 + 30 · 10) / 90 = 30 levels.
  const photo = twoBands([100, 140, 200], [60, 80, 60], 90); // sky 90 rows, hills 30
  const ref = twoBands([60, 100, 160], [50, 70, 50], 60); // sky 60 rows, hills 60
  const map = referenceLight(photo.image, photo.labels, ref.image, ref.labels)!;
  const shift = 255 * map.offset[0];
  expect(map.scale[0]).toBeCloseTo(1, 1); // the same texture in both
  expect(shift).toBeGreaterThan(28);
  expect(shift).toBeLessThan(32);
  // A third class only in the reference (over the reference's lowest 10 hill rows, leaving 50: still more
  // than the photo's 30) changes nothing.
  const withThird = twoBands([60, 100, 160], [50, 70, 50], 60);
  for (let i = 110 * W; i < H * W; i++) withThird.labels[i] = 3;
  const map3 = referenceLight(photo.image, photo.labels, withThird.image, withThird.labels)!;
  expect(255 * map3.offset[0]).toBeCloseTo(shift, 0);
});
