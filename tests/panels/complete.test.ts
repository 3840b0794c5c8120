// "Complete layout" on a BrowserHost: strokes grow into a full label map written into the label layer as
// one undo step; strokes are kept exactly; a correcting stroke changes only what it affects; nothing is
// written on cancel or when there is nothing to complete.
import { ADE20K, CancelledError, decodeLabels, encodeLabels, labelOf, LabelMap, RgbaImage } from '../../src/layout';
import { BrowserHost, CHECK_LAYER_NAME, LABEL_LAYER_NAME } from '../../src/host';
import { completeLabelLayer, completionWords, strokesFrom } from '../../src/panels/complete';
import { labelMap, rect } from '../helpers/images';

const W = 64, H = 48;
const SKY = labelOf(ADE20K, 'sky'), WATER = labelOf(ADE20K, 'water'), TREE = labelOf(ADE20K, 'tree');

/** Bright sky above y=20, dark water below, a green tree block at x 40..52, y 8..20. */
function photo(): RgbaImage {
  const data = new Uint8Array(W * H * 4);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const p = (y * W + x) * 4;
      const c = x >= 40 && x < 52 && y >= 8 && y < 20 ? [30, 110, 40] : y < 20 ? [150, 190, 235] : [20, 60, 110];
      data.set([c[0] + ((x * 7 + y) % 5), c[1], c[2], 255], p);
    }
  }
  return { width: W, height: H, data };
}

/** A few strokes per region, the rest transparent (label 0). */
function strokes(): LabelMap {
  const m = labelMap(W, H, 0);
  rect(m, 4, 4, 30, 6, SKY);
  rect(m, 4, 30, 50, 32, WATER);
  rect(m, 44, 12, 48, 14, TREE);
  return m;
}

function setup(): { host: BrowserHost; id: number } {
  const host = new BrowserHost();
  const doc = host.addDocument('lake.jpg', photo());
  host.setLabelLayer(doc.id, encodeLabels(strokes(), ADE20K));
  doc.history.length = 0;
  return { host, id: doc.id };
}

async function labels(host: BrowserHost, id: number): Promise<LabelMap> {
  return decodeLabels((await host.readLabelLayer(id))!, ADE20K).map;
}

test('every pixel gets a label, strokes are kept, the regions follow the photo, in one undo step', async () => {
  const { host, id } = setup();
  const fractions: number[] = [];
  const out = await completeLabelLayer(host, { documentId: id, palette: ADE20K }, { onProgress: (f) => fractions.push(f) });
  const done = await labels(host, id);
  const s = strokes();
  expect(done.labels.every((l) => l > 0)).toBe(true);
  for (let i = 0; i < s.labels.length; i++) if (s.labels[i]) expect(done.labels[i]).toBe(s.labels[i]);
  expect(done.labels[2 * W + 60]).toBe(SKY);
  expect(done.labels[45 * W + 2]).toBe(WATER);
  // The tree block's left edge, at its stroke's rows. (Its bottom rows, next to the water, follow the
  // forest's random draws on a 4×2 px stroke: the README's *Blades close by* has the measurement.)
  expect(done.labels[13 * W + 41]).toBe(TREE);
  expect(host.doc(id).history).toEqual(['Relayout: complete layout']);
  expect(out.filledPixels).toBe(W * H - out.strokePixels);
  expect(out.lowConfidencePixels).toBeLessThan(out.filledPixels);
  expect(out.incremental).toBe(false);
  expect(fractions[fractions.length - 1]).toBe(1);
  expect(completionWords(out)).toMatch(/^Completed the layout: filled \d+\.\d% of the image from \d+\.\d% strokes/);
});

test('the low-confidence pixels are marked in a check layer above the label layer, left out of the photo', async () => {
  const { host, id } = setup();
  const photoBefore = await host.readPhoto(id);
  const out = await completeLabelLayer(host, { documentId: id, palette: ADE20K });
  expect(out.lowConfidencePixels).toBeGreaterThan(0);
  const layers = host.doc(id).layers;
  const names = layers.map((l) => l.name);
  expect(names.filter((n) => n === CHECK_LAYER_NAME)).toHaveLength(1);
  expect(names.indexOf(CHECK_LAYER_NAME)).toBe(names.indexOf(LABEL_LAYER_NAME) - 1); // right above the labels
  const check = layers.find((l) => l.name === CHECK_LAYER_NAME)!.image.data;
  const s = strokes();
  let marked = 0;
  for (let i = 0; i < W * H; i++) {
    if (!check[i * 4 + 3]) continue;
    marked++;
    expect(s.labels[i]).toBe(0); // strokes are never in doubt
    expect(Array.from(check.subarray(i * 4, i * 4 + 4))).toEqual([255, 0, 255, 153]);
  }
  expect(marked).toBe(out.lowConfidencePixels);
  expect(await host.readPhoto(id)).toEqual(photoBefore);
  expect(host.doc(id).history).toEqual(['Relayout: complete layout']);
  expect(completionWords(out)).toContain(`marked in magenta in the layer "${CHECK_LAYER_NAME}"`);
});

test('a correcting stroke after a completion changes only what it affects, and keeps the earlier strokes', async () => {
  const { host, id } = setup();
  const first = await completeLabelLayer(host, { documentId: id, palette: ADE20K });
  const before = await labels(host, id);
  // The user paints a tree stroke into the water, over the completed layer.
  const painted = { ...before, labels: new Uint8Array(before.labels) };
  rect(painted, 10, 40, 14, 44, TREE);
  host.setLabelLayer(id, encodeLabels(painted, ADE20K));
  const strokesNow = strokesFrom(painted, first.state);
  expect(strokesNow.labels.filter((l) => l === TREE).length).toBe(16 + 8); // the new stroke and the first tree stroke
  const second = await completeLabelLayer(host, { documentId: id, palette: ADE20K, previous: first.state });
  expect(second.incremental).toBe(true);
  const after = await labels(host, id);
  expect(after.labels[42 * W + 12]).toBe(TREE);
  for (let i = 0; i < strokes().labels.length; i++) if (strokes().labels[i]) expect(after.labels[i]).toBe(strokes().labels[i]);
  // Far from the new stroke nothing moved.
  for (let y = 0; y < H; y++) for (let x = 40; x < W; x++) expect(after.labels[y * W + x]).toBe(before.labels[y * W + x]);
  expect(host.doc(id).history).toEqual(['Relayout: complete layout', 'Relayout: complete layout']);
  // The check layer was replaced, not stacked.
  expect(host.doc(id).layers.filter((l) => l.name === CHECK_LAYER_NAME)).toHaveLength(1);
});

test('cancel, an empty label layer, or one that is already full write nothing and say why', async () => {
  const { host, id } = setup();
  const original = await host.readLabelLayer(id);
  const ac = new AbortController();
  ac.abort();
  await expect(completeLabelLayer(host, { documentId: id, palette: ADE20K }, { signal: ac.signal })).rejects.toBeInstanceOf(CancelledError);
  expect(await host.readLabelLayer(id)).toEqual(original);
  expect(host.doc(id).history).toEqual([]);

  host.setLabelLayer(id, encodeLabels(labelMap(W, H, 0), ADE20K));
  await expect(completeLabelLayer(host, { documentId: id, palette: ADE20K })).rejects.toMatchObject({ userMessage: expect.stringContaining('empty') });
  host.setLabelLayer(id, encodeLabels(labelMap(W, H, SKY), ADE20K));
  await expect(completeLabelLayer(host, { documentId: id, palette: ADE20K })).rejects.toMatchObject({ userMessage: expect.stringContaining('already labelled') });
  const bare = new BrowserHost();
  const d = bare.addDocument('x.jpg', photo());
  await expect(completeLabelLayer(bare, { documentId: d.id, palette: ADE20K })).rejects.toMatchObject({ userMessage: expect.stringContaining('New label layer') });
  expect(host.doc(id).history).toEqual([]);
});
