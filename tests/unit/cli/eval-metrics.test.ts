// The evaluation's metrics and regions on small synthetic images with known answers.
import { ADE20K, labelOf, RgbaImage } from '../../../src/layout';
import { detailRms, misalignedCopy, psnr, regionMetrics, repetition, seam, sharpness, ssim, ssimByDepth } from '../../../src/cli/metrics';
import { evalRegions } from '../../../src/cli/regions';
import { labelMap, pebbles, rect } from '../../helpers/images';

const W = 48, H = 40;

/** A textured image: diagonal stripes of period 4 plus a gradient. */
function textured(): RgbaImage {
  const data = new Uint8Array(W * H * 4);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
    const v = ((x + y) % 4 < 2 ? 60 : 180) + x;
    data.set([v, v, v, 255], (y * W + x) * 4);
  }
  return { width: W, height: H, data };
}

function square(x0: number, y0: number, x1: number, y1: number): Uint8Array {
  const m = new Uint8Array(W * H);
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) m[y * W + x] = 1;
  return m;
}

/** The image with the region replaced by its mean grey (a flat fill, like the baseline). */
function flatFill(img: RgbaImage, region: Uint8Array): RgbaImage {
  let s = 0, n = 0;
  for (let i = 0; i < region.length; i++) if (region[i]) { s += img.data[i * 4]; n++; }
  const out = new Uint8Array(img.data);
  for (let i = 0; i < region.length; i++) if (region[i]) out.set([s / n, s / n, s / n], i * 4);
  return { width: img.width, height: img.height, data: out };
}

test('a perfect reconstruction scores PSNR 99 (capped), SSIM 1, sharpness 1 and seam 1', () => {
  const img = textured();
  const m = regionMetrics(img, img, square(10, 10, 30, 30));
  expect(m.psnr).toBe(99);
  expect(m.ssim).toBeCloseTo(1, 6);
  expect(m.sharpness).toBeCloseTo(1, 6);
  expect(m.seam).toBeCloseTo(1, 6);
});

test('PSNR matches the definition for a constant error of 10 grey levels', () => {
  const img = textured();
  const out = new Uint8Array(img.data);
  const region = square(5, 5, 15, 15);
  for (let i = 0; i < region.length; i++) if (region[i]) for (let c = 0; c < 3; c++) out[i * 4 + c] += 10;
  expect(psnr({ ...img, data: out }, img, region)).toBeCloseTo(10 * Math.log10((255 * 255) / 100), 6);
});

test('a flat fill loses sharpness and structure; its border step raises the seam score', () => {
  const img = textured();
  const region = square(10, 10, 30, 30);
  const flat = flatFill(img, region);
  expect(sharpness(flat, img, region)).toBeLessThan(0.3);
  expect(ssim(flat, img, region)).toBeLessThan(0.5);
  // The ring straddles flat grey and stripes: its gradient differs from the photo's own.
  expect(seam(flat, img, region)).not.toBeCloseTo(1, 1);
});

test('the misaligned photo: unshifted it is the photo; a few pixels off, a perfect texture scores below a flat fill on SSIM', () => {
  const img = pebbles(96, 96);
  const region = new Uint8Array(96 * 96);
  for (let y = 24; y < 72; y++) for (let x = 24; x < 72; x++) region[y * 96 + x] = 1;
  expect(Buffer.compare(Buffer.from(misalignedCopy(img, region, 0, 0).data), Buffer.from(img.data))).toBe(0);
  const shifted = misalignedCopy(img, region, 4, 0);
  // Outside the region nothing moves; inside, pixel (x, y) is the photo's (x + 4, y).
  expect(shifted.data[(10 * 96 + 10) * 4]).toBe(img.data[(10 * 96 + 10) * 4]);
  expect(shifted.data[(30 * 96 + 30) * 4]).toBe(img.data[(30 * 96 + 34) * 4]);
  // Same texture, same light, as sharp as the photo, yet below the flat fill on SSIM: the claim the
  // README makes about the engine's missed SSIM target.
  const flat = flatFill(img, region);
  expect(sharpness(shifted, img, region)).toBeGreaterThan(0.9);
  expect(ssim(shifted, img, region)).toBeLessThan(ssim(flat, img, region));
});

test('SSIM by depth: each band scores only its own pixels, and a band the region does not reach is NaN', () => {
  const img = pebbles(96, 96);
  const region = new Uint8Array(96 * 96);
  for (let y = 20; y < 76; y++) for (let x = 20; x < 76; x++) region[y * 96 + x] = 1;
  const flat = flatFill(img, region);
  // The truth kept only deeper than 16 px from the border (pixels 37..58), flat elsewhere.
  const deep = { ...flat, data: new Uint8Array(flat.data) };
  for (let y = 37; y < 59; y++) for (let x = 37; x < 59; x++) deep.data.set(img.data.subarray((y * 96 + x) * 4, (y * 96 + x) * 4 + 4), (y * 96 + x) * 4);
  const edges = [4, 16, Infinity];
  const [flatRim, flatMid, flatCore] = ssimByDepth(flat, img, region, edges);
  const [deepRim, deepMid, deepCore] = ssimByDepth(deep, img, region, edges);
  // The rim's windows (about 4 px) do not reach the kept core: the same score for both fills.
  expect(deepRim).toBeCloseTo(flatRim, 6);
  expect(deepCore).toBeGreaterThan(flatCore + 0.3);
  // The middle band's deepest pixels see the core through their windows: a little higher, no more.
  expect(deepMid).toBeGreaterThanOrEqual(flatMid);
  expect(deepMid).toBeLessThan(deepCore);
  // The bands together are the region: a perfect fill scores 1 in each.
  for (const v of ssimByDepth(img, img, region, edges)) expect(v).toBeCloseTo(1, 6);
  // A 10-px square has no pixel deeper than 5 px.
  const small = new Uint8Array(96 * 96);
  for (let y = 40; y < 50; y++) for (let x = 40; x < 50; x++) small[y * 96 + x] = 1;
  const bands = ssimByDepth(flat, img, small, edges);
  expect(bands[2]).toBeNaN();
  expect(bands[0]).toBeLessThan(1);
});

test('regions are deterministic, log-spaced from 2% to 20%, and "within" regions stay inside one class', () => {
  const SKY = labelOf(ADE20K, 'sky'), WATER = labelOf(ADE20K, 'water');
  const map = labelMap(120, 80, SKY);
  rect(map, 0, 45, 120, 80, WATER);
  const a = evalRegions(map, 4, 7, 't');
  const b = evalRegions(map, 4, 7, 't');
  expect(a.map((r) => r.name)).toEqual(b.map((r) => r.name));
  expect(a.every((r, k) => Buffer.compare(Buffer.from(r.mask), Buffer.from(b[k].mask)) === 0)).toBe(true);
  expect(a[0].fraction).toBeGreaterThan(0.018);
  expect(a[0].fraction).toBeLessThan(0.022);
  expect(a[a.length - 1].fraction).toBeGreaterThan(0.18);
  for (const r of a.filter((x) => x.kind === 'within')) {
    const classes = new Set<number>();
    r.mask.forEach((v, i) => v && classes.add(map.labels[i]));
    expect(classes.size).toBe(1);
  }
  const across = a.filter((x) => x.kind === 'across');
  expect(across.length).toBeGreaterThan(0);
  for (const r of across) {
    const classes = new Set<number>();
    r.mask.forEach((v, i) => v && classes.add(map.labels[i]));
    expect(classes.size).toBe(2);
  }
});

describe('repetition', () => {
  const size = 160;
  const box = (): Uint8Array => {
    const m = new Uint8Array(size * size);
    for (let y = 8; y < size - 8; y++) m.fill(1, y * size + 8, y * size + size - 8);
    return m;
  };
  /** Pebbles with every 8×8 block replaced by one block of it: a lattice of one repeated tile. */
  function tiled(): RgbaImage {
    const src = pebbles(size, size);
    const out = new Uint8Array(src.data);
    for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) out.set(src.data.subarray(((40 + (y % 8)) * size + 40 + (x % 8)) * 4, ((40 + (y % 8)) * size + 40 + (x % 8)) * 4 + 4), (y * size + x) * 4);
    return { width: size, height: size, data: out };
  }

  test('a lattice of one tile scores near 1, random pebbles near 0, a flat fill 0', () => {
    const region = box();
    expect(repetition(tiled(), region)).toBeGreaterThan(0.9);
    expect(repetition(pebbles(size, size), region)).toBeLessThan(0.1);
    const flat = { width: size, height: size, data: new Uint8Array(size * size * 4).fill(128) };
    expect(repetition(flat, region)).toBe(0);
  });

  test('a class border inside the region is not counted as repeated detail', () => {
    // Left half dark, right half bright, no texture: the border is detail that repeats along itself.
    const data = new Uint8Array(size * size * 4);
    for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) data.set(x < 80 ? [40, 40, 40, 255] : [200, 200, 200, 255], (y * size + x) * 4);
    const img = { width: size, height: size, data };
    const layout = labelMap(size, size, labelOf(ADE20K, 'sky'));
    rect(layout, 80, 0, size, size, labelOf(ADE20K, 'water'));
    expect(repetition(img, box())).toBeGreaterThan(0.9);
    expect(repetition(img, box(), layout.labels)).toBe(0);
  });

  test('detail RMS: the fine detail\'s strength in grey levels', () => {
    const flat = { width: size, height: size, data: new Uint8Array(size * size * 4).fill(90) };
    expect(detailRms(flat, box())).toBe(0);
    expect(detailRms(pebbles(size, size), box())).toBeGreaterThan(10);
  });
});
