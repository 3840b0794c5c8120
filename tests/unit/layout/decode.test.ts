import { ADE20K, assertMostlyOnPalette, decodeLabels, labelOf, OffPaletteError, RgbaImage } from '../../../src/layout';
import { colorOf } from '../../helpers/images';

const SKY = labelOf(ADE20K, 'sky');
const TREE = labelOf(ADE20K, 'tree');
const WATER = labelOf(ADE20K, 'water');

function image(width: number, height: number, at: (x: number, y: number) => [number, number, number, number]): RgbaImage {
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set(at(x, y), (y * width + x) * 4);
  return { width, height, data };
}

/** Coverage (0..1) of pixel (x, y) by a disc of radius r centred at (cx, cy), by 16×16 supersampling. */
function discCoverage(x: number, y: number, cx: number, cy: number, r: number): number {
  let inside = 0;
  for (let sy = 0; sy < 16; sy++) for (let sx = 0; sx < 16; sx++) {
    const px = x + (sx + 0.5) / 16, py = y + (sy + 0.5) / 16;
    if ((px - cx) ** 2 + (py - cy) ** 2 <= r * r) inside++;
  }
  return inside / 256;
}

/** Coverage of a thick anti-aliased line stroke from (x0,y0) to (x1,y1), half-width hw. */
function strokeCoverage(x: number, y: number, x0: number, y0: number, x1: number, y1: number, hw: number): number {
  let inside = 0;
  const dx = x1 - x0, dy = y1 - y0, len2 = dx * dx + dy * dy;
  for (let sy = 0; sy < 16; sy++) for (let sx = 0; sx < 16; sx++) {
    const px = x + (sx + 0.5) / 16, py = y + (sy + 0.5) / 16;
    const t = Math.max(0, Math.min(1, ((px - x0) * dx + (py - y0) * dy) / len2));
    if ((px - x0 - t * dx) ** 2 + (py - y0 - t * dy) ** 2 <= hw * hw) inside++;
  }
  return inside / 256;
}

function mix(a: readonly number[], b: readonly number[], t: number): [number, number, number, number] {
  return [0, 1, 2].map((c) => Math.round(a[c] * t + b[c] * (1 - t))).concat(255) as [number, number, number, number];
}

describe('decodeLabels', () => {
  test('exact colours decode to their classes; the report counts them', () => {
    const img = image(4, 2, (x) => [...(x < 2 ? colorOf(ADE20K, SKY) : colorOf(ADE20K, TREE)), 255] as [number, number, number, number]);
    const { map, report } = decodeLabels(img, ADE20K);
    expect([...map.labels]).toEqual([SKY, SKY, TREE, TREE, SKY, SKY, TREE, TREE]);
    expect(report).toMatchObject({ pixels: 8, exact: 8, snapped: 0, blended: 0, offPalette: 0, transparent: 0 });
  });

  test('slightly-off colours snap to the nearest class within tolerance', () => {
    const [r, g, b] = colorOf(ADE20K, WATER);
    const img = image(3, 1, (x) => [r + x * 3, g - x * 2, b, 255]);
    const { map, report } = decodeLabels(img, ADE20K);
    expect([...map.labels]).toEqual([WATER, WATER, WATER]);
    expect(report.snapped).toBe(2);
  });

  test('transparent pixels are unlabeled (a sparse layout), not errors', () => {
    const img = image(2, 1, (x) => (x === 0 ? [0, 0, 0, 0] : [...colorOf(ADE20K, SKY), 255] as [number, number, number, number]));
    const { map, report } = decodeLabels(img, ADE20K);
    expect([...map.labels]).toEqual([0, SKY]);
    expect(report.transparent).toBe(1);
    expect(report.offPalette).toBe(0);
  });

  test('far-off colours are unlabeled and reported with their nearest class', () => {
    const img = image(3, 1, (x) => (x < 2 ? [255, 255, 255, 255] : [...colorOf(ADE20K, SKY), 255] as [number, number, number, number]));
    const { map, report } = decodeLabels(img, ADE20K);
    expect([...map.labels]).toEqual([0, 0, SKY]);
    expect(report.offPalette).toBe(2);
    expect(report.worstColors[0]).toMatchObject({ color: [255, 255, 255], count: 2 });
    expect(typeof report.worstColors[0].nearestClass).toBe('string');
    expect(() => assertMostlyOnPalette(report, 'ade20k')).toThrow(OffPaletteError);
    expect(() => assertMostlyOnPalette(report, 'ade20k')).toThrow(/rgb\(255,255,255\)/);
  });

  test('the shared ADE20K colour (140,140,140) decodes to road', () => {
    const img = image(1, 1, () => [140, 140, 140, 255]);
    expect(decodeLabels(img, ADE20K).map.labels[0]).toBe(labelOf(ADE20K, 'road'));
  });

  test.each([0, 0.25, 0.5, 0.77])('anti-aliased disc at sub-pixel offset %p decodes to the two classes only', (offset) => {
    const w = 40, h = 40;
    const cx = 20 + offset, cy = 19 + offset * 0.6, r = 9.3;
    const tree = colorOf(ADE20K, TREE), sky = colorOf(ADE20K, SKY);
    const img = image(w, h, (x, y) => mix(tree, sky, discCoverage(x, y, cx, cy, r)));
    const { map, report } = decodeLabels(img, ADE20K);
    expect(report.offPalette).toBe(0);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
      const cov = discCoverage(x, y, cx, cy, r);
      const l = map.labels[y * w + x];
      expect([SKY, TREE]).toContain(l);
      if (cov > 0.6) expect(l).toBe(TREE);
      if (cov < 0.4) expect(l).toBe(SKY);
    }
    expect(report.blended).toBeGreaterThan(0);
  });

  test.each([0.1, 0.5, 0.9])('anti-aliased diagonal stroke (offset %p) between classes with a third class nearby in colour space', (offset) => {
    // tree (4,200,3) over grass (4,250,7): blends pass close to other greens of the palette.
    const w = 48, h = 32;
    const grass = colorOf(ADE20K, labelOf(ADE20K, 'grass')), tree = colorOf(ADE20K, TREE);
    const img = image(w, h, (x, y) => mix(tree, grass, strokeCoverage(x, y, 3 + offset, 4, 44, 27 + offset, 2.2)));
    const { map, report } = decodeLabels(img, ADE20K);
    const allowed = [TREE, labelOf(ADE20K, 'grass')];
    for (const l of map.labels) expect(allowed).toContain(l);
    expect(report.offPalette).toBe(0);
  });

  test('an anti-aliased stroke over a transparent layer keeps its colour and uses alpha', () => {
    const w = 30, h = 10;
    const water = colorOf(ADE20K, WATER);
    const img = image(w, h, (x, y) => {
      const a = Math.round(255 * strokeCoverage(x, y, 2.3, 5.4, 27.6, 5.1, 2.5));
      return [water[0], water[1], water[2], a];
    });
    const { map, report } = decodeLabels(img, ADE20K);
    for (let i = 0; i < map.labels.length; i++) {
      const a = img.data[i * 4 + 3];
      expect(map.labels[i]).toBe(a >= 128 ? WATER : 0);
    }
    expect(report.offPalette).toBe(0);
  });

  test('rejects a buffer of the wrong length', () => {
    expect(() => decodeLabels({ width: 2, height: 2, data: new Uint8Array(12) }, ADE20K)).toThrow(/expected 16/);
  });
});
