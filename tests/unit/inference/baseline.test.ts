import { ADE20K, ClassMissingError, InputError, labelOf } from '../../../src/layout';
import { RelayoutJob, runEdit } from '../../../src/inference';
import { labelMap, rect, solid, texture } from '../../helpers/images';

const SKY = labelOf(ADE20K, 'sky');
const TREE = labelOf(ADE20K, 'tree');
const WATER = labelOf(ADE20K, 'water');

function job(partial: Partial<RelayoutJob> & Pick<RelayoutJob, 'image' | 'original' | 'edited'>): RelayoutJob {
  return { references: [], seed: 0, ...partial };
}

describe('baseline generator', () => {
  const image = texture(80, 60, 7);
  const original = labelMap(80, 60, SKY);
  rect(original, 0, 40, 80, 60, WATER);

  test('outside the mask the output is bit-identical to the input; inside it changed', async () => {
    const edited = labelMap(80, 60, SKY);
    rect(edited, 0, 40, 80, 60, WATER);
    rect(edited, 10, 10, 30, 30, WATER);
    const r = await runEdit(job({ image, original, edited }), ADE20K, { method: 'baseline' });
    expect(r.unchanged).toBe(false);
    let changedInside = 0, changedOutside = 0;
    for (let i = 0; i < 80 * 60; i++) {
      const same = [0, 1, 2, 3].every((c) => r.image.data[i * 4 + c] === image.data[i * 4 + c]);
      if (!r.mask.mask[i]) { if (!same) changedOutside++; }
      else if (!same) changedInside++;
    }
    expect(changedOutside).toBe(0);
    expect(changedInside).toBeGreaterThan(0.9 * r.mask.maskedPixels);
  });

  test('fills a changed region with the class\'s mean colour from the photo', async () => {
    const img = solid(40, 40, [200, 10, 10]);
    for (let y = 20; y < 40; y++) for (let x = 0; x < 40; x++) img.data.set([10, 20, 240, 255], (y * 40 + x) * 4);
    const orig = labelMap(40, 40, SKY);
    rect(orig, 0, 20, 40, 40, WATER);
    const edited = labelMap(40, 40, SKY);
    rect(edited, 0, 20, 40, 40, WATER);
    rect(edited, 5, 2, 15, 12, WATER);
    const r = await runEdit(job({ image: img, original: orig, edited }), ADE20K, { method: 'baseline' });
    expect([...r.image.data.slice((7 * 40 + 10) * 4, (7 * 40 + 10) * 4 + 4)]).toEqual([10, 20, 240, 255]);
  });

  test('an empty mask returns the input unchanged and says so', async () => {
    const r = await runEdit(job({ image, original, edited: original }), ADE20K, { method: 'baseline' });
    expect(r.unchanged).toBe(true);
    expect(r.image.data).toEqual(image.data);
  });

  test('a class no source contains is an error naming it and suggesting a reference', async () => {
    const edited = labelMap(80, 60, SKY);
    rect(edited, 0, 40, 80, 60, WATER);
    rect(edited, 20, 5, 40, 20, TREE);
    await expect(runEdit(job({ image, original, edited }), ADE20K, { method: 'baseline' })).rejects.toThrow(ClassMissingError);
    await expect(runEdit(job({ image, original, edited }), ADE20K, { method: 'baseline' })).rejects.toThrow(/"tree".*reference image/);
  });

  test('a reference image supplies the missing class', async () => {
    const edited = labelMap(80, 60, SKY);
    rect(edited, 0, 40, 80, 60, WATER);
    rect(edited, 20, 5, 40, 20, TREE);
    const refLayout = labelMap(30, 30, TREE);
    const r = await runEdit(job({ image, original, edited, references: [{ image: solid(30, 30, [20, 120, 30]), layout: refLayout }] }), ADE20K, { method: 'baseline' });
    expect([...r.image.data.slice((12 * 80 + 30) * 4, (12 * 80 + 30) * 4 + 3)]).toEqual([20, 120, 30]);
  });

  test('a mask covering the whole image with no reference is a clear error', async () => {
    const extraMask = new Uint8Array(80 * 60).fill(1);
    await expect(runEdit(job({ image, original, edited: original, extraMask }), ADE20K, { method: 'baseline' })).rejects.toThrow(InputError);
    await expect(runEdit(job({ image, original, edited: original, extraMask }), ADE20K, { method: 'baseline' })).rejects.toThrow(/whole image/);
  });
});
