// BrowserHost (the playground's in-memory document) behaves like the Photoshop host, and layer naming.
import { ADE20K, CancelledError } from '../../src/layout';
import { BrowserHost, isRelayoutLayer, LABEL_LAYER_NAME, nextResultNumber, ORIGINAL_LAYER_NAME, resultLayerName, resultNumber } from '../../src/host';
import { solid, texture } from '../helpers/images';

describe('layer names', () => {
  test('results are numbered on from the highest, named after up to three classes', () => {
    expect(resultLayerName(1, ['sky', 'water'])).toBe('Relayout 1 — sky, water');
    expect(resultLayerName(12, ['a', 'b', 'c', 'd'])).toBe('Relayout 12 — a, b, c, …');
    expect(resultLayerName(3, [])).toBe('Relayout 3');
    expect(resultNumber('Relayout 7 — tree')).toBe(7);
    expect(resultNumber('Relayout Labels')).toBeNull();
    expect(nextResultNumber(['Background', 'Relayout 2 — sky', 'Relayout 9', 'Relayout Labels', 'Relayout 10 copy'])).toBe(10);
    expect([LABEL_LAYER_NAME, ORIGINAL_LAYER_NAME, 'Relayout 4 — sea'].every(isRelayoutLayer)).toBe(true);
    expect(isRelayoutLayer('Background')).toBe(false);
  });
});

describe('BrowserHost', () => {
  test('label layer, original layout (hidden, locked), reset, pencil painting in exact colours', async () => {
    const host = new BrowserHost();
    const doc = host.addDocument('a.jpg', texture(40, 30));
    expect(await host.readLabelLayer(doc.id)).toBeNull();
    expect(() => host.paintStroke(doc.id, [{ x: 1, y: 1 }], 2)).toThrow(/label layer/i);
    const ref = await host.createLabelLayer(doc.id);
    expect(doc.layers[0].id).toBe(ref.layerId);
    await host.pickPaintColor(ADE20K.classes[2].color as [number, number, number]);
    expect(host.tool).toBe('pencil');
    const painted = host.paintStroke(doc.id, [{ x: 5, y: 5 }, { x: 30, y: 5 }], 2);
    expect(painted).toBeGreaterThan(50);
    const labels = (await host.readLabelLayer(doc.id))!;
    const colours = new Set<string>();
    for (let p = 0; p < labels.data.length; p += 4) if (labels.data[p + 3]) colours.add(labels.data.slice(p, p + 4).join(','));
    expect([...colours]).toEqual([[...ADE20K.classes[2].color, 255].join(',')]); // hard-edged: one exact colour
    await host.markOriginalLayout(doc.id);
    const original = host.findLayer(doc, ORIGINAL_LAYER_NAME)!;
    expect([original.visible, original.locked]).toEqual([false, true]);
    host.paintStroke(doc.id, [{ x: 5, y: 20 }], 3);
    await host.resetLabelLayer(doc.id);
    expect(await host.readLabelLayer(doc.id)).toEqual(await host.readOriginalLayout(doc.id));
  });

  test('the photo leaves out Relayout layers; results land below the label layer, atomically', async () => {
    const host = new BrowserHost();
    const photo = solid(8, 8, [10, 20, 30]);
    const doc = host.addDocument('p.jpg', photo);
    host.setLabelLayer(doc.id, solid(8, 8, [6, 230, 230]));
    const result = { classNames: ['water'], image: solid(8, 8, [200, 0, 0]), mask: new Uint8Array(64).fill(255), bounds: { x0: 0, y0: 0, x1: 8, y1: 8 } };
    const refs = await host.writeResults(doc.id, [result]);
    expect(refs[0].name).toBe('Relayout 1 — water');
    expect(doc.layers.map((l) => l.name)).toEqual([LABEL_LAYER_NAME, 'Relayout 1 — water', 'Background']);
    expect(Array.from((await host.readPhoto(doc.id)).data.slice(0, 4))).toEqual([10, 20, 30, 255]);
    const aborted = new AbortController();
    aborted.abort();
    await expect(host.writeResults(doc.id, [result], { signal: aborted.signal })).rejects.toBeInstanceOf(CancelledError);
    expect(doc.layers).toHaveLength(3);
    expect(doc.history).toEqual(['Relayout: generate']);
  });
});
