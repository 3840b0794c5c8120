// UxpHost against the fake photoshop/uxp modules: padding, bit depths, refused modes, layer naming, one
// undo step per write, nothing written on error or cancel, the original layout layer, the label layer.
import { CancelledError, RgbaImage } from '../../src/layout';
import { HostError, UnsupportedDocumentError } from '../../src/host/errors';
import { ResultLayer } from '../../src/host/host';
import { CHECK_LAYER_NAME, LABEL_LAYER_NAME, ORIGINAL_LAYER_NAME } from '../../src/host/naming';
import { UxpHost } from '../../src/host/uxp-host';
import { Depth, FakeDocument, FakePhotoshop, FakeUxp, fullValue, Pixels, Rect } from './fake-photoshop';

type Rgba8 = [number, number, number, number];

/** 8-bit sRGB → the document's storage (independent of src/host/pixels on purpose). */
function store(v: number, depth: Depth, isAlpha: boolean): number {
  if (depth === 8) return v;
  if (depth === 16) return Math.round((v * 32768) / 255);
  const x = v / 255;
  return isAlpha ? x : x <= 0.04045 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4);
}

function pixels(depth: Depth, rect: Rect, fn: (x: number, y: number) => Rgba8): Pixels {
  const w = rect.right - rect.left, h = rect.bottom - rect.top;
  const data = depth === 8 ? new Uint8Array(w * h * 4) : depth === 16 ? new Uint16Array(w * h * 4) : new Float32Array(w * h * 4);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const p = fn(x + rect.left, y + rect.top);
      for (let c = 0; c < 4; c++) data[(y * w + x) * 4 + c] = store(p[c], depth, c === 3);
    }
  }
  return { rect, data };
}

const W = 12, H = 8;
const SKY: Rgba8 = [6, 230, 230, 255];
const WATER: Rgba8 = [61, 230, 250, 255];
const photoAt = (x: number, y: number): Rgba8 => [10 * x, 20 * y, 100 + x + y, 255];

function setup(opts: { depth?: Depth; mode?: string; label?: boolean } = {}): { ps: FakePhotoshop; uxp: FakeUxp; host: UxpHost; doc: FakeDocument } {
  const depth = opts.depth ?? 8;
  const ps = new FakePhotoshop();
  const uxp = new FakeUxp();
  const doc = ps.addDocument('lake.psd', W, H, { bits: depth, mode: opts.mode });
  doc.addLayer('Background', pixels(depth, { left: 0, top: 0, right: W, bottom: H }, photoAt), { background: true });
  if (opts.label !== false) {
    // The label layer only has pixels in part of the canvas (Photoshop trims reads to them).
    doc.addLayer(LABEL_LAYER_NAME, pixels(depth, { left: 2, top: 1, right: 9, bottom: 6 }, (x) => (x < 5 ? SKY : WATER)));
  }
  return { ps, uxp, host: new UxpHost(ps, uxp), doc };
}

function px(img: RgbaImage, x: number, y: number): number[] {
  const i = (y * img.width + x) * 4;
  return Array.from(img.data.subarray(i, i + 4));
}

function result(classNames: string[], rect: Rect, value: Rgba8 = [200, 100, 50, 255]): ResultLayer {
  const data = new Uint8Array(W * H * 4);
  const mask = new Uint8Array(W * H);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const inside = x >= rect.left && x < rect.right && y >= rect.top && y < rect.bottom;
      data.set(inside ? value : photoAt(x, y), (y * W + x) * 4);
      if (inside) mask[y * W + x] = x === rect.left ? 128 : 255;
    }
  }
  return { classNames, image: { width: W, height: H, data }, mask, bounds: { x0: rect.left, y0: rect.top, x1: rect.right, y1: rect.bottom } };
}

describe('UxpHost reading', () => {
  test('a label layer with pixels in part of the canvas is padded back to document bounds', async () => {
    const { ps, host } = setup();
    const img = (await host.readLabelLayer(ps.documentsList[0].id))!;
    expect([img.width, img.height]).toEqual([W, H]);
    expect(px(img, 0, 0)).toEqual([0, 0, 0, 0]);
    expect(px(img, 2, 1)).toEqual(SKY);
    expect(px(img, 8, 5)).toEqual(WATER);
    expect(px(img, 9, 5)).toEqual([0, 0, 0, 0]);
    expect(px(img, 11, 7)).toEqual([0, 0, 0, 0]);
    // Asked for the whole document at full resolution, with no colour conversion.
    const get = ps.calls.find((c) => c.name === 'imaging.getPixels')!.args[0] as Record<string, unknown>;
    expect(get).toMatchObject({ sourceBounds: { left: 0, top: 0, right: W, bottom: H } });
    expect(get.targetSize).toBeUndefined();
    expect(get.colorSpace).toBeUndefined();
    expect(get.colorProfile).toBeUndefined();
    expect(ps.liveImageData).toBe(0);
  });

  test('a layer reaching outside the canvas is clipped to it', async () => {
    const { ps, host, doc } = setup({ label: false });
    doc.addLayer(LABEL_LAYER_NAME, pixels(8, { left: -3, top: -2, right: 4, bottom: 3 }, () => SKY));
    const img = (await host.readLabelLayer(doc.id))!;
    expect(px(img, 0, 0)).toEqual(SKY);
    expect(px(img, 3, 2)).toEqual(SKY);
    expect(px(img, 4, 2)).toEqual([0, 0, 0, 0]);
    expect(px(img, 3, 3)).toEqual([0, 0, 0, 0]);
    expect(ps.liveImageData).toBe(0);
  });

  test('an empty label layer reads as all transparent without asking Photoshop for pixels', async () => {
    const { ps, host, doc } = setup({ label: false });
    doc.addLayer(LABEL_LAYER_NAME, null);
    const img = (await host.readLabelLayer(doc.id))!;
    expect(img.data.every((v) => v === 0)).toBe(true);
    expect(ps.callNames()).not.toContain('imaging.getPixels');
  });

  test.each([8, 16, 32] as Depth[])('%i-bit documents read as the same 8-bit pixels', async (depth) => {
    const { host, doc, ps } = setup({ depth });
    const photo = await host.readPhoto(doc.id);
    for (const [x, y] of [[0, 0], [5, 3], [11, 7]]) expect(px(photo, x, y)).toEqual(photoAt(x, y));
    const labels = (await host.readLabelLayer(doc.id))!;
    expect(px(labels, 3, 2)).toEqual(SKY);
    expect(px(labels, 7, 2)).toEqual(WATER);
    // 16-bit data is read in Photoshop's 0..32768 range: never asked for fullRange.
    const reads = ps.calls.filter((c) => c.name === 'PhotoshopImageData.getData');
    expect(reads.length).toBeGreaterThan(0);
    for (const r of reads) expect((r.args[0] as { fullRange?: boolean }).fullRange).toBeFalsy();
    expect(ps.liveImageData).toBe(0);
  });

  test('16-bit values map 0..32768 onto 0..255 and 32-bit linear values are sRGB-encoded', async () => {
    for (const [depth, values] of [[16, [32768, 16384, 0]], [32, [1, 0.2158605, 0]]] as [Depth, number[]][]) {
      const ps = new FakePhotoshop();
      const doc = ps.addDocument('deep', 1, 1, { bits: depth });
      const data = depth === 16 ? new Uint16Array([...values, 32768]) : new Float32Array([...values, 1]);
      doc.addLayer('Background', { rect: { left: 0, top: 0, right: 1, bottom: 1 }, data }, { background: true });
      const photo = await new UxpHost(ps, new FakeUxp()).readPhoto(doc.id);
      expect(Array.from(photo.data)).toEqual([255, 128, 0, 255]);
    }
  });

  test('the photo leaves out Relayout layers and the read leaves no history and no hidden layer', async () => {
    const { host, doc } = setup();
    // An opaque, visible label layer over the whole photo, and an earlier result.
    doc.layer(LABEL_LAYER_NAME)!.pixels = pixels(8, { left: 0, top: 0, right: W, bottom: H }, () => SKY);
    doc.addLayer('Relayout 1 — water', pixels(8, { left: 0, top: 0, right: W, bottom: H }, () => WATER));
    const photo = await host.readPhoto(doc.id);
    expect(px(photo, 4, 4)).toEqual(photoAt(4, 4));
    expect(doc.layers.every((l) => l.visible)).toBe(true);
    expect(doc.history).toEqual([]);
  });

  test.each([
    ['CMYKColorMode', 'CMYK'],
    ['labColorMode', 'Lab'],
    ['indexedColorMode', 'Indexed'],
  ])('a %s document is refused with how to convert it', async (mode, name) => {
    const { host, doc, ps } = setup({ mode });
    const err = await host.readPhoto(doc.id).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnsupportedDocumentError);
    expect((err as UnsupportedDocumentError).userMessage).toContain(`${name} mode`);
    expect((err as UnsupportedDocumentError).userMessage).toContain('Image > Mode > RGB Color');
    await expect(host.readLabelLayer(doc.id)).rejects.toBeInstanceOf(UnsupportedDocumentError);
    await expect(host.writeResults(doc.id, [result(['sky'], { left: 1, top: 1, right: 3, bottom: 3 })])).rejects.toBeInstanceOf(UnsupportedDocumentError);
    expect(ps.callNames()).not.toContain('imaging.getPixels');
    expect((await host.listDocuments())[0]).toMatchObject({ mode: name, supported: false });
  });

  test('the selection reads as 0/1 per pixel (feathered pixels at least half selected count), none as null', async () => {
    const { host, doc } = setup();
    expect(await host.readSelection(doc.id)).toBeNull();
    doc.selectionMask = new Uint8Array(W * H);
    for (let y = 2; y < 5; y++) for (let x = 3; x < 7; x++) doc.selectionMask[y * W + x] = x === 3 ? 100 : 255;
    const sel = (await host.readSelection(doc.id))!;
    expect(sel.length).toBe(W * H);
    expect(sel[2 * W + 3]).toBe(0);
    expect(sel[2 * W + 4]).toBe(1);
    expect(sel[4 * W + 6]).toBe(1);
    expect(sel[5 * W + 6]).toBe(0);
    expect(sel.reduce((a, b) => a + b, 0)).toBe(9);
  });
});

describe('UxpHost writing results', () => {
  test('each result is a masked layer named after its classes, all in one undo step, below the label layer', async () => {
    const { ps, host, doc } = setup();
    const rect = { left: 3, top: 2, right: 7, bottom: 5 };
    const before = doc.history.length;
    const refs = await host.writeResults(doc.id, [result(['sky', 'water'], rect), result(['sky', 'water'], rect, [1, 2, 3, 255])]);
    expect(refs.map((r) => r.name)).toEqual(['Relayout 1 — sky, water', 'Relayout 2 — sky, water']);
    expect(ps.callNames().filter((n) => n === 'core.executeAsModal')).toHaveLength(1);
    expect(ps.callNames().filter((n) => n === 'hostControl.suspendHistory')).toHaveLength(1);
    expect(ps.calls.filter((c) => c.name === 'hostControl.resumeHistory').map((c) => c.args[1])).toEqual([true]);
    expect(doc.history.length - before).toBe(1);

    const names = doc.layers.map((l) => l.name);
    expect(names.indexOf(LABEL_LAYER_NAME)).toBe(0);
    expect(names.slice(1, 3).sort()).toEqual(['Relayout 1 — sky, water', 'Relayout 2 — sky, water']);
    const layer = doc.layer('Relayout 1 — sky, water')!;
    expect(layer.at(3, 2)).toEqual([200, 100, 50, 255]);
    expect(layer.at(6, 4)).toEqual([200, 100, 50, 255]);
    expect(layer.at(7, 4)).toEqual([0, 0, 0, 0]); // nothing written outside the mask's bounds
    expect(layer.mask!.rect).toEqual(rect);
    expect(layer.mask!.data[0]).toBe(128);
    expect(layer.mask!.data[1]).toBe(255);
    expect(doc.layer('Relayout 2 — sky, water')!.at(4, 3)).toEqual([1, 2, 3, 255]);
    expect(ps.liveImageData).toBe(0);

    // The next generate numbers on, also after the user renamed nothing else.
    const more = await host.writeResults(doc.id, [result(['tree'], rect)]);
    expect(more[0].name).toBe('Relayout 3 — tree');
  });

  test('16- and 32-bit documents get results at their own depth', async () => {
    for (const depth of [16, 32] as Depth[]) {
      const { host, doc } = setup({ depth });
      await host.writeResults(doc.id, [result(['sky'], { left: 1, top: 1, right: 4, bottom: 3 }, [255, 128, 0, 255])]);
      const v = doc.layer('Relayout 1 — sky')!.at(2, 2);
      if (depth === 16) expect(v).toEqual([32768, 16448, 0, 32768]);
      else {
        expect(v[0]).toBeCloseTo(1, 6);
        expect(v[1]).toBeCloseTo(0.2158605, 4);
        expect(v[3]).toBe(fullValue(32));
      }
    }
  });

  test('an error part-way writes nothing: the step is rolled back', async () => {
    const { ps, host, doc } = setup();
    const layersBefore = doc.layers.map((l) => [l.id, l.name]);
    ps.failOn('putLayerMask', new Error('Photoshop error -1'));
    ps.calls = [];
    const err = await host.writeResults(doc.id, [result(['sky'], { left: 1, top: 1, right: 4, bottom: 4 })]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HostError);
    expect((err as HostError).userMessage).toContain('Photoshop error -1');
    expect(doc.layers.map((l) => [l.id, l.name])).toEqual(layersBefore);
    expect(doc.history).toEqual([]);
    expect(ps.calls.filter((c) => c.name === 'hostControl.resumeHistory').map((c) => c.args[1])).toEqual([false]);
    expect(ps.liveImageData).toBe(0);
  });

  test('cancelling (panel Cancel before or during, or Esc in Photoshop) writes nothing', async () => {
    const { ps, host, doc } = setup();
    const layersBefore = doc.layers.map((l) => l.id);
    const two = [result(['sky'], { left: 1, top: 1, right: 4, bottom: 4 }), result(['sky'], { left: 1, top: 1, right: 4, bottom: 4 })];

    const pre = new AbortController();
    pre.abort();
    await expect(host.writeResults(doc.id, two, { signal: pre.signal })).rejects.toBeInstanceOf(CancelledError);
    expect(ps.callNames()).not.toContain('core.executeAsModal');

    const during = new AbortController();
    ps.onCall = (name) => {
      if (name === 'imaging.putLayerMask') during.abort();
    };
    await expect(host.writeResults(doc.id, two, { signal: during.signal })).rejects.toBeInstanceOf(CancelledError);
    ps.onCall = null;
    expect(doc.layers.map((l) => l.id)).toEqual(layersBefore);

    ps.cancelOn('imaging.putPixels');
    await expect(host.writeResults(doc.id, two)).rejects.toBeInstanceOf(CancelledError);
    expect(doc.layers.map((l) => l.id)).toEqual(layersBefore);
    expect(doc.history).toEqual([]);
    expect(ps.liveImageData).toBe(0);
  });

  test('a busy Photoshop (another modal scope) gives a retryable plain-words error', async () => {
    const { ps, host, doc } = setup();
    const err = await ps
      .executeAsModal(() => host.writeResults(doc.id, [result(['sky'], { left: 1, top: 1, right: 3, bottom: 3 })]), { commandName: 'other plugin' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HostError);
    expect((err as HostError).retryable).toBe(true);
    expect((err as HostError).userMessage).toMatch(/busy/);
  });
});

describe('UxpHost label layer workflow', () => {
  test('"New label layer" adds an empty layer at the top, makes it active, in one undo step; a second press reuses it', async () => {
    const { ps, host, doc } = setup({ label: false });
    const ref = await host.createLabelLayer(doc.id);
    expect(ref.name).toBe(LABEL_LAYER_NAME);
    expect(doc.layers[0].id).toBe(ref.layerId);
    expect(doc.activeLayerId).toBe(ref.layerId);
    expect(doc.history).toEqual(['Relayout: new label layer']);
    expect(await host.readLabelLayer(doc.id)).not.toBeNull();
    const again = await host.createLabelLayer(doc.id);
    expect(again.layerId).toBe(ref.layerId);
    expect(doc.layers.filter((l) => l.name === LABEL_LAYER_NAME)).toHaveLength(1);
    expect(doc.history).toHaveLength(1);
    expect((await host.activeDocument())!.hasLabelLayer).toBe(true);
    expect(ps.liveImageData).toBe(0);
  });

  test('the original layout is kept in a hidden locked layer; marking again replaces it; reset puts it back', async () => {
    const { ps, host, doc } = setup();
    const label = doc.layer(LABEL_LAYER_NAME)!;
    await host.markOriginalLayout(doc.id);
    const original = doc.layer(ORIGINAL_LAYER_NAME)!;
    expect(original.visible).toBe(false);
    expect(original.allLocked).toBe(true);
    expect(doc.layers.indexOf(original)).toBe(doc.layers.indexOf(label) + 1);
    expect(doc.activeLayerId).toBe(label.id); // the user keeps painting on the label layer
    expect(doc.history).toEqual(['Relayout: mark original layout']);
    expect(await host.readOriginalLayout(doc.id)).toEqual(await host.readLabelLayer(doc.id));

    // The user repaints, marks again: one original layer, new pixels, still hidden and locked.
    label.pixels = pixels(8, { left: 0, top: 0, right: W, bottom: H }, () => WATER);
    await host.markOriginalLayout(doc.id);
    expect(doc.layers.filter((l) => l.name === ORIGINAL_LAYER_NAME)).toHaveLength(1);
    expect(px((await host.readOriginalLayout(doc.id))!, 0, 0)).toEqual(WATER);
    expect(original.visible).toBe(false);
    expect(original.allLocked).toBe(true);

    // Complete (with marks), then reset: the label layer is the original again and the marks are gone, in one undo step.
    await host.writeLabelLayer(doc.id, { width: W, height: H, data: new Uint8Array(W * H * 4).fill(255) }, { checkHere: new Uint8Array(W * H).fill(1) });
    expect(doc.layer(CHECK_LAYER_NAME)).toBeDefined();
    await host.resetLabelLayer(doc.id);
    expect(px((await host.readLabelLayer(doc.id))!, 5, 5)).toEqual(WATER);
    expect(doc.layer(CHECK_LAYER_NAME)).toBeUndefined();
    expect(doc.history).toHaveLength(4);
    expect((await host.activeDocument())!.hasOriginalLayout).toBe(true);
    expect(ps.liveImageData).toBe(0);
  });

  test('marking or resetting without the needed layers says what to press', async () => {
    const { host, doc } = setup({ label: false });
    await expect(host.markOriginalLayout(doc.id)).rejects.toMatchObject({ userMessage: expect.stringContaining('New label layer') });
    await host.createLabelLayer(doc.id);
    await expect(host.resetLabelLayer(doc.id)).rejects.toMatchObject({ userMessage: expect.stringContaining('Mark current layout as original') });
  });

  test('picking a class sets the foreground colour and the pencil tool, and targets the label layer', async () => {
    const { ps, host, doc } = setup();
    doc.activeLayerId = doc.layers[1].id;
    await host.pickPaintColor([61, 230, 250]);
    expect(ps.foreground).toEqual({ red: 61, green: 230, blue: 250 });
    expect(ps.currentTool).toBe('pencilTool');
    expect(doc.activeLayerId).toBe(doc.layer(LABEL_LAYER_NAME)!.id);
    expect(ps.callNames().filter((n) => n === 'core.executeAsModal')).toHaveLength(1);
    expect(doc.history).toEqual([]);
  });
});

describe('UxpHost settings', () => {
  test('settings persist as JSON in the data folder; tokens in secure storage', async () => {
    const { host, uxp } = setup();
    expect(await host.loadSettings()).toBeNull();
    await host.saveSettings({ seed: 7, backend: 'local-auto' });
    expect(JSON.parse(String(uxp.dataFolder.files.get('settings.json')))).toEqual({ seed: 7, backend: 'local-auto' });
    expect(await host.loadSettings()).toEqual({ seed: 7, backend: 'local-auto' });
    expect(await host.readSecret('remoteToken')).toBeNull();
    await host.writeSecret('remoteToken', 's3cret');
    expect(await host.readSecret('remoteToken')).toBe('s3cret');
    expect(String(uxp.dataFolder.files.get('settings.json'))).not.toContain('s3cret');
    await host.writeSecret('remoteToken', null);
    expect(await host.readSecret('remoteToken')).toBeNull();
  });

  test('plugin files are read as bytes; the local webview engine needs UXP 8 (Photoshop 26)', async () => {
    const { host, uxp } = setup();
    const bytes = new Uint8Array([1, 2, 250]);
    uxp.pluginFolder.files.set('models/warp/model.onnx', bytes.buffer);
    expect(Array.from(await host.readPluginFile('models/warp/model.onnx'))).toEqual([1, 2, 250]);
    await expect(host.readPluginFile('models/nope.onnx')).rejects.toMatchObject({ code: 'host', userMessage: expect.stringContaining('Reinstall') });
    expect(await host.environment()).toEqual({ app: 'photoshop', version: '26.0.0', uxpVersion: 'uxp-8.0.0', localWebview: true });
    uxp.host = { name: 'photoshop', version: '25.12.0' };
    uxp.versions = { uxp: 'uxp-7.4.3' };
    expect((await host.environment()).localWebview).toBe(false);
  });
});

describe('UxpHost writing a completed layout', () => {
  const full = (c: Rgba8): RgbaImage => {
    const data = new Uint8Array(W * H * 4);
    for (let i = 0; i < W * H; i++) data.set(c, i * 4);
    return { width: W, height: H, data };
  };

  test('the label layer is replaced (also where it had no pixels) in one undo step', async () => {
    const { ps, host, doc } = setup();
    const before = doc.layers.map((l) => [l.id, l.name]);
    expect(px((await host.readLabelLayer(doc.id))!, 0, 0)[3]).toBe(0); // trimmed: transparent at the corner
    ps.calls = [];
    await host.writeLabelLayer(doc.id, full(WATER));
    expect(ps.callNames().filter((n) => n === 'core.executeAsModal')).toHaveLength(1);
    expect(ps.callNames().filter((n) => n === 'imaging.putPixels')).toHaveLength(1);
    const label = (await host.readLabelLayer(doc.id))!;
    for (const [x, y] of [[0, 0], [3, 2], [W - 1, H - 1]]) expect(px(label, x, y)).toEqual(WATER);
    expect(doc.history).toEqual(['Relayout: complete layout']);
    expect(doc.layers.map((l) => [l.id, l.name])).toEqual(before);
    expect(ps.liveImageData).toBe(0);
  });

  test('pixels to check go into one magenta layer above the labels, in the same undo step; the labels stay active', async () => {
    const { ps, host, doc } = setup();
    const photo = await host.readPhoto(doc.id);
    const marks = new Uint8Array(W * H);
    marks[3 * W + 4] = 1;
    marks[7 * W + 11] = 1;
    ps.calls = [];
    await host.writeLabelLayer(doc.id, full(WATER), { checkHere: marks });
    expect(ps.callNames().filter((n) => n === 'core.executeAsModal')).toHaveLength(1);
    expect(doc.history).toEqual(['Relayout: complete layout']);
    expect(doc.layers.map((l) => l.name)).toEqual([CHECK_LAYER_NAME, LABEL_LAYER_NAME, 'Background']);
    const check = doc.layer(CHECK_LAYER_NAME)!;
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) expect(check.at(x, y)).toEqual(marks[y * W + x] ? [255, 0, 255, 153] : [0, 0, 0, 0]);
    expect(doc.activeLayerId).toBe(doc.layer(LABEL_LAYER_NAME)!.id);
    expect(await host.readPhoto(doc.id)).toEqual(photo); // not part of the photo
    // The next write replaces it; without marks it is removed (it described the replaced labels).
    await host.writeLabelLayer(doc.id, full(SKY), { checkHere: marks });
    expect(doc.layers.map((l) => l.name)).toEqual([CHECK_LAYER_NAME, LABEL_LAYER_NAME, 'Background']);
    doc.activeLayerId = doc.layer(CHECK_LAYER_NAME)!.id; // the user clicked on it
    await host.writeLabelLayer(doc.id, full(WATER));
    expect(doc.layers.map((l) => l.name)).toEqual([LABEL_LAYER_NAME, 'Background']);
    expect(doc.activeLayerId).toBe(doc.layer(LABEL_LAYER_NAME)!.id);
    expect(doc.history).toHaveLength(3);
    expect(ps.liveImageData).toBe(0);
  });

  test.each([16, 32] as Depth[])('in a %i-bit document the check layer holds the same magenta at the document depth', async (depth) => {
    const { host, doc } = setup({ depth });
    const marks = new Uint8Array(W * H);
    marks[2 * W + 5] = 1;
    await host.writeLabelLayer(doc.id, full(WATER), { checkHere: marks });
    const check = doc.layer(CHECK_LAYER_NAME)!;
    const expected = [255, 0, 255, 153].map((v, c) => store(v, depth, c === 3));
    check.at(5, 2).forEach((v, c) => expect(v).toBeCloseTo(expected[c], 4));
    expect(check.at(6, 2)).toEqual([0, 0, 0, 0]);
    expect(doc.history).toEqual(['Relayout: complete layout']);
  });

  test('a failure while writing the check layer rolls back the labels too', async () => {
    const { ps, host, doc } = setup();
    const original = await host.readLabelLayer(doc.id);
    const marks = new Uint8Array(W * H).fill(1);
    ps.failOn('createPixelLayer', new Error('Photoshop error -1'));
    await expect(host.writeLabelLayer(doc.id, full(WATER), { checkHere: marks })).rejects.toMatchObject({ userMessage: expect.stringContaining('Photoshop error -1') });
    expect(await host.readLabelLayer(doc.id)).toEqual(original);
    expect(doc.layers.map((l) => l.name)).toEqual([LABEL_LAYER_NAME, 'Background']);
    expect(doc.history).toEqual([]);
    expect(ps.liveImageData).toBe(0);
  });

  test('an error, a cancel (panel or Esc), a missing label layer or a wrong size write nothing', async () => {
    const { ps, host, doc } = setup();
    const original = await host.readLabelLayer(doc.id);
    ps.failOn('putPixels', new Error('Photoshop error -25'));
    await expect(host.writeLabelLayer(doc.id, full(WATER))).rejects.toMatchObject({ userMessage: expect.stringContaining('Photoshop error -25') });
    const pre = new AbortController();
    pre.abort();
    await expect(host.writeLabelLayer(doc.id, full(WATER), { signal: pre.signal })).rejects.toBeInstanceOf(CancelledError);
    const during = new AbortController();
    ps.onCall = (name) => name === 'imaging.putPixels' && during.abort();
    await expect(host.writeLabelLayer(doc.id, full(WATER), { signal: during.signal })).rejects.toBeInstanceOf(CancelledError);
    ps.onCall = null;
    ps.cancelOn('imaging.putPixels');
    await expect(host.writeLabelLayer(doc.id, full(WATER))).rejects.toBeInstanceOf(CancelledError);
    await expect(host.writeLabelLayer(doc.id, { width: W - 1, height: H, data: new Uint8Array((W - 1) * H * 4) })).rejects.toBeInstanceOf(HostError);
    expect(await host.readLabelLayer(doc.id)).toEqual(original);
    expect(doc.history).toEqual([]);
    expect(ps.liveImageData).toBe(0);
    const bare = setup({ label: false });
    await expect(bare.host.writeLabelLayer(bare.doc.id, full(WATER))).rejects.toMatchObject({ userMessage: expect.stringContaining('New label layer') });
  });
});
