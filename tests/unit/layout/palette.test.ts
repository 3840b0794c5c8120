import { readFileSync } from 'fs';
import { join } from 'path';
import { ADE20K, CITYSCAPES, COCO, labelOf, PaletteError, parsePaletteJson } from '../../../src/layout';

const ref = (name: string): unknown => JSON.parse(readFileSync(join(__dirname, '../../fixtures/palettes', name), 'utf8'));

describe('built-in palettes match the reference tables', () => {
  test('ADE20K-150 equals the mmseg/ControlNet palette, in order', () => {
    const r = ref('ade20k_palette.json') as { classes: string[]; palette: number[][] };
    expect(ADE20K.classes).toHaveLength(150);
    expect(ADE20K.classes.map((c) => c.name)).toEqual(r.classes);
    expect(ADE20K.classes.map((c) => [...c.color])).toEqual(r.palette);
    expect(ADE20K.classes[0]).toMatchObject({ label: 1, name: 'wall', color: [120, 120, 120] });
    expect(ADE20K.classes[2]).toMatchObject({ name: 'sky', color: [6, 230, 230] });
  });

  test('ADE20K: skyscraper shares road\'s colour and is marked as its alias', () => {
    const road = labelOf(ADE20K, 'road');
    const sky = ADE20K.classes[labelOf(ADE20K, 'skyscraper') - 1];
    expect(sky.color).toEqual([140, 140, 140]);
    expect(sky.aliasOf).toBe(road);
    expect(ADE20K.classes.filter((c) => c.aliasOf !== undefined)).toHaveLength(1);
  });

  test('COCO panoptic 133 equals detectron2\'s colours', () => {
    const r = ref('coco_panoptic133_detectron2_colors.json') as { name: string; color: number[] }[];
    expect(COCO.classes).toHaveLength(133);
    expect(COCO.classes.map((c) => [c.name, [...c.color]])).toEqual(r.map((c) => [c.name, c.color]));
  });

  test('Cityscapes trainIds 0–18 in order', () => {
    const r = ref('cityscapes19_palette.json') as { trainId: number; name: string; color: number[] }[];
    const sorted = [...r].sort((a, b) => a.trainId - b.trainId);
    expect(CITYSCAPES.classes.map((c) => [c.name, [...c.color]])).toEqual(sorted.map((c) => [c.name, c.color]));
  });
});

describe('user palettes', () => {
  test('a valid file loads', () => {
    const p = parsePaletteJson(JSON.stringify({ name: 'mine', classes: [{ name: 'a', color: [1, 2, 3] }, { name: 'b', color: [4, 5, 6] }] }));
    expect(p.name).toBe('mine');
    expect(p.classes.map((c) => c.label)).toEqual([1, 2]);
  });

  test.each([
    ['not JSON', '{oops', /not valid JSON/],
    ['no classes', '{"name":"x"}', /non-empty list/],
    ['bad colour', '{"classes":[{"name":"a","color":[1,2,300]}]}', /"a".*integers 0–255/],
    ['short colour', '{"classes":[{"name":"a","color":[1,2]}]}', /\[r, g, b\]/],
    ['missing name', '{"classes":[{"color":[1,2,3]}]}', /"name" must be/],
    ['duplicate name', '{"classes":[{"name":"a","color":[1,2,3]},{"name":"A","color":[4,5,6]}]}', /duplicate class name "A"/],
    ['duplicate colour', '{"classes":[{"name":"a","color":[1,2,3]},{"name":"b","color":[1,2,3]}]}', /\(1,2,3\) is already used by "a"/],
  ])('%s is rejected with a clear PaletteError', (_what, text, message) => {
    expect(() => parsePaletteJson(text)).toThrow(PaletteError);
    expect(() => parsePaletteJson(text)).toThrow(message);
  });

  test('more than 255 classes is rejected', () => {
    const classes = Array.from({ length: 256 }, (_, i) => ({ name: `c${i}`, color: [i & 255, i >> 8, 7] }));
    expect(() => parsePaletteJson(JSON.stringify({ classes }))).toThrow(/at most 255/);
  });

  test('unknown class names suggest near names', () => {
    expect(() => labelOf(ADE20K, 'mountians')).toThrow(/not in palette "ade20k".*mountain/);
  });
});
