import {
  ADE20K,
  classesPresent,
  classStats,
  computeEditMask,
  decodeLabels,
  encodeLabels,
  fillPolygon,
  labelOf,
  resizeLabels,
  SizeMismatchError,
} from '../../../src/layout';
import { labelMap, rect } from '../../helpers/images';

const SKY = labelOf(ADE20K, 'sky');
const TREE = labelOf(ADE20K, 'tree');
const WATER = labelOf(ADE20K, 'water');

describe('encodeLabels and statistics', () => {
  test('encode → decode round-trips every class except the shared-colour alias', () => {
    const n = ADE20K.classes.length;
    const map = labelMap(n + 1, 1);
    for (let i = 0; i < n; i++) map.labels[i + 1] = i + 1;
    const rgba = encodeLabels(map, ADE20K);
    expect([...rgba.data.slice(0, 4)]).toEqual([0, 0, 0, 0]);
    const back = decodeLabels(rgba, ADE20K).map.labels;
    const skyscraper = labelOf(ADE20K, 'skyscraper');
    for (let i = 1; i <= n; i++) expect(back[i]).toBe(i === skyscraper ? labelOf(ADE20K, 'road') : i);
  });

  test('per-class counts, bounding boxes and the classes present', () => {
    const map = labelMap(10, 8, SKY);
    rect(map, 2, 3, 5, 7, TREE);
    rect(map, 0, 0, 1, 1, 0);
    const stats = classStats(map);
    expect(stats.get(TREE)).toEqual({ label: TREE, count: 12, bounds: { x0: 2, y0: 3, x1: 5, y1: 7 } });
    expect(stats.get(SKY)?.count).toBe(80 - 12 - 1);
    expect(stats.get(0)?.count).toBe(1);
    expect(classesPresent(map)).toEqual([SKY, TREE]);
  });
});

describe('computeEditMask', () => {
  test('changed pixels are dilated by ~10% of the changed region\'s extent and alpha ramps inward', () => {
    const original = labelMap(200, 200, SKY);
    const edited = labelMap(200, 200, SKY);
    rect(edited, 50, 60, 150, 140, WATER); // 100×80 region → radius 10
    const m = computeEditMask(original, edited);
    expect(m.changedPixels).toBe(100 * 80);
    expect(m.regions).toEqual([{ bounds: { x0: 50, y0: 60, x1: 150, y1: 140 }, pixels: 8000, dilatePx: 10 }]);
    expect(m.bounds).toEqual({ x0: 40, y0: 50, x1: 160, y1: 150 });
    const at = (x: number, y: number): [number, number] => [m.mask[y * 200 + x], m.alpha[y * 200 + x]];
    expect(at(100, 100)).toEqual([1, 255]); // changed
    expect(at(50, 100)).toEqual([1, 255]); // changed, on the region border
    expect(at(40, 100)[0]).toBe(1); // 10 px out: inside the dilation
    expect(at(39, 100)).toEqual([0, 0]); // 11 px out: outside
    expect(at(40, 100)[1]).toBeLessThan(128); // outer rim is feathered
    expect(m.featherPx).toBe(5);
    for (let i = 0; i < m.mask.length; i++) {
      if (!m.mask[i]) expect(m.alpha[i]).toBe(0);
      else expect(m.alpha[i]).toBeGreaterThan(0);
    }
  });

  test('each region gets its own radius; a fixed radius overrides', () => {
    const original = labelMap(300, 100, SKY);
    const edited = labelMap(300, 100, SKY);
    rect(edited, 10, 10, 90, 90, TREE); // 80 px → 8
    rect(edited, 200, 40, 210, 50, TREE); // 10 px → min 4
    expect(computeEditMask(original, edited).regions.map((r) => r.dilatePx)).toEqual([8, 4]);
    expect(computeEditMask(original, edited, { dilatePx: 2 }).regions.map((r) => r.dilatePx)).toEqual([2, 2]);
  });

  test('a long thin stroke is dilated by its thickness-scaled extent, not its length', () => {
    const original = labelMap(300, 100, SKY);
    const edited = labelMap(300, 100, SKY);
    rect(edited, 10, 50, 280, 55, TREE); // 270×5 px: 10% of 270 would be 27 px; 2·√1350 ≈ 73 → 7
    expect(computeEditMask(original, edited).regions.map((r) => r.dilatePx)).toEqual([7]);
  });

  test('unlabeled pixels are "don\'t care": erasing is no change and dilation does not spread onto them', () => {
    const original = labelMap(60, 20, SKY);
    const edited = labelMap(60, 20, SKY);
    rect(edited, 0, 0, 20, 20, 0); // erased
    rect(edited, 22, 5, 32, 15, TREE); // changed next to the erased area
    const m = computeEditMask(original, edited, { dilatePx: 6 });
    expect(m.changedPixels).toBe(100);
    for (let y = 0; y < 20; y++) for (let x = 0; x < 20; x++) expect(m.mask[y * 60 + x]).toBe(0);
    expect(m.mask[10 * 60 + 35]).toBe(1);
  });

  test('an explicit region (selection) is united with the layout changes, undilated', () => {
    const original = labelMap(40, 40, SKY);
    const extra = new Uint8Array(40 * 40);
    for (let y = 5; y < 10; y++) for (let x = 5; x < 10; x++) extra[y * 40 + x] = 1;
    const m = computeEditMask(original, original, { extra });
    expect(m.changedPixels).toBe(0);
    expect(m.maskedPixels).toBe(25);
    expect(m.bounds).toEqual({ x0: 5, y0: 5, x1: 10, y1: 10 });
  });

  test('identical layouts give an empty mask', () => {
    const a = labelMap(10, 10, SKY);
    const m = computeEditMask(a, a);
    expect(m.maskedPixels).toBe(0);
    expect(m.bounds).toBeNull();
  });

  test('mismatched sizes name both sizes', () => {
    expect(() => computeEditMask(labelMap(10, 10), labelMap(12, 10))).toThrow(SizeMismatchError);
    expect(() => computeEditMask(labelMap(10, 10), labelMap(12, 10))).toThrow(/10×10 vs 12×10/);
  });
});

describe('polygons and resampling', () => {
  test('fillPolygon samples pixel centres (a 4×3 rectangle fills exactly 12 pixels)', () => {
    const map = labelMap(10, 10);
    fillPolygon(map, [[2, 3], [6, 3], [6, 6], [2, 6]], TREE);
    expect(classStats(map).get(TREE)).toEqual({ label: TREE, count: 12, bounds: { x0: 2, y0: 3, x1: 6, y1: 6 } });
  });

  test('a triangle fills about half its box, and the same polygon gives the same pixels', () => {
    const a = labelMap(100, 100), b = labelMap(100, 100);
    fillPolygon(a, [[0, 0], [100, 0], [0, 100]], SKY);
    fillPolygon(b, [[0, 0], [100, 0], [0, 100]], SKY);
    const count = classStats(a).get(SKY)!.count;
    expect(Math.abs(count - 5000)).toBeLessThan(100);
    expect(a.labels).toEqual(b.labels);
  });

  test('resizeLabels uses nearest neighbour (never a label that was not there)', () => {
    const map = labelMap(4, 4, SKY);
    rect(map, 2, 0, 4, 4, TREE);
    const up = resizeLabels(map, 9, 7);
    expect(new Set(up.labels)).toEqual(new Set([SKY, TREE]));
    expect(up.labels[0]).toBe(SKY);
    expect(up.labels[8]).toBe(TREE);
  });
});
