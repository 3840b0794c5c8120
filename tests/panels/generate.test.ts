// The panel's logic without React: Generate end to end on a BrowserHost with the in-process engine
// (baseline method, no ONNX), its progress and cancellation, the status line, settings, engine choice.
import { ADE20K, CancelledError, encodeLabels, labelOf, LabelMap, RgbaImage } from '../../src/layout';
import { BackendUnavailableError, runEdit } from '../../src/inference';
import { BrowserHost, LABEL_LAYER_NAME } from '../../src/host';
import { EngineHandler } from '../../src/bridge/server';
import { EditEngine, engineFor, FallbackEngine, InProcessEngine } from '../../src/panels/engines';
import { generate, GenerateProgress, prepareJob } from '../../src/panels/generate';
import { readSettings, withRecent, DEFAULT_SETTINGS } from '../../src/panels/settings';
import { readStatus } from '../../src/panels/status';
import { labelMap, rect, texture } from '../helpers/images';

const W = 80, H = 60;
const SKY = labelOf(ADE20K, 'sky'), WATER = labelOf(ADE20K, 'water'), TREE = labelOf(ADE20K, 'tree');

function layout(): LabelMap {
  const m = labelMap(W, H, SKY);
  rect(m, 0, 30, W, H, WATER);
  rect(m, 50, 10, 70, 30, TREE);
  return m;
}

function baselineEngine(log: string[] = []): EditEngine {
  const handler: EngineHandler = {
    backend: async () => 'in-process baseline',
    run: async (call, { signal, onProgress }) => {
      log.push(`seed ${call.job.seed}${call.job.detail ? ` ${call.job.detail}` : ''}${call.job.referenceLook ? ` look ${call.job.referenceLook}` : ''}`);
      onProgress({ type: 'stage', stageId: 'baseline', fraction: 0.5 });
      await new Promise((r) => setTimeout(r, 5));
      return runEdit(call.job, call.palette, { method: 'baseline', signal });
    },
  };
  return new InProcessEngine(handler);
}

async function setup(opts: { original?: boolean } = {}): Promise<{ host: BrowserHost; id: number; photo: RgbaImage }> {
  const host = new BrowserHost();
  const photo = texture(W, H, 11);
  const doc = host.addDocument('lake.jpg', photo);
  host.setLabelLayer(doc.id, encodeLabels(layout(), ADE20K));
  if (opts.original !== false) await host.markOriginalLayout(doc.id);
  doc.history.length = 0;
  return { host, id: doc.id, photo };
}

/** Repaints the sky's left part as water on the label layer, as the user would. */
function paintWater(host: BrowserHost, id: number): void {
  const edited = layout();
  rect(edited, 5, 15, 30, 30, WATER);
  host.setLabelLayer(id, encodeLabels(edited, ADE20K));
}

const req = (id: number, extra: Partial<Parameters<typeof generate>[2]> = {}): Parameters<typeof generate>[2] => ({
  documentId: id,
  referenceId: null,
  palette: ADE20K,
  seed: 3,
  variations: 1,
  method: 'baseline',
  ...extra,
});

describe('Generate', () => {
  test('variations become masked layers named after the painted class, in one undo step, progress ending at 1', async () => {
    const { host, id, photo } = await setup();
    paintWater(host, id);
    const seeds: string[] = [];
    const events: GenerateProgress[] = [];
    const out = await generate(host, baselineEngine(seeds), req(id, { variations: 2 }), { onProgress: (p) => events.push(p) });
    expect(out.layers.map((l) => l.name)).toEqual(['Relayout 1 — water', 'Relayout 2 — water']);
    expect(seeds).toEqual(['seed 3', 'seed 4']);
    const doc = host.doc(id);
    expect(doc.history).toEqual(['Relayout: generate 2 variations']);
    expect(doc.layers.map((l) => l.name).slice(0, 3)).toEqual([LABEL_LAYER_NAME, 'Relayout 2 — water', 'Relayout 1 — water']);
    // Progress never goes back, and reaches 1 only after the layers are written.
    for (let i = 1; i < events.length; i++) expect(events[i].fraction).toBeGreaterThanOrEqual(events[i - 1].fraction);
    expect(events.filter((e) => e.fraction === 1).map((e) => e.phase)).toEqual(['done']);
    expect(events.map((e) => e.phase)).toEqual(expect.arrayContaining(['read', 'engine', 'write', 'done']));
    // The result is masked to the edit: unmasked pixels are the photo's.
    const layer = doc.layers[2];
    let outside = 0;
    for (let i = 0; i < W * H; i++) {
      if (layer.mask![i]) continue;
      outside++;
      for (let c = 0; c < 3; c++) expect(layer.image.data[i * 4 + c]).toBe(photo.data[i * 4 + c]);
    }
    expect(outside).toBeGreaterThan(W * H * 0.5);
    expect(layer.mask![20 * W + 10]).toBe(255);
  });

  test('the detail setting reaches the engine with the job', async () => {
    const { host, id } = await setup();
    paintWater(host, id);
    const calls: string[] = [];
    await generate(host, baselineEngine(calls), req(id, { detail: 'fine' }));
    await generate(host, baselineEngine(calls), req(id));
    expect(calls).toEqual(['seed 3 fine', 'seed 3']);
  });

  test('the reference look reaches the engine with the job', async () => {
    const { host, id } = await setup();
    paintWater(host, id);
    const calls: string[] = [];
    await generate(host, baselineEngine(calls), req(id, { referenceLook: 'own' }));
    expect(calls).toEqual(['seed 3 look own']);
  });

  test('a selection is added to the mask, also without an original layout (and the panel is told)', async () => {
    const { host, id } = await setup({ original: false });
    const sel = new Uint8Array(W * H);
    for (let y = 40; y < 50; y++) for (let x = 10; x < 30; x++) sel[y * W + x] = 1;
    host.doc(id).selection = sel;
    const warnings: string[] = [];
    const prepared = await prepareJob(host, req(id));
    expect(prepared.selectionPixels).toBe(200);
    expect(prepared.classNames).toEqual(['water']);
    const out = await generate(host, baselineEngine(), req(id), { onWarning: (w) => warnings.push(w) });
    expect(out.layers[0].name).toBe('Relayout 1 — water');
    expect(warnings.join(' ')).toMatch(/only the selection/);
    const status = await readStatus(host, id, ADE20K);
    expect(status.selectionLine).toMatch(/selection \(200 px\) is added/);
  });

  test('what is missing is said in plain words, and nothing is written', async () => {
    const host = new BrowserHost();
    const doc = host.addDocument('empty.jpg', texture(W, H, 1));
    await expect(generate(host, baselineEngine(), req(doc.id))).rejects.toMatchObject({ userMessage: expect.stringContaining('New label layer') });
    host.setLabelLayer(doc.id, encodeLabels(layout(), ADE20K));
    await expect(generate(host, baselineEngine(), req(doc.id))).rejects.toMatchObject({ userMessage: expect.stringContaining('Mark current layout as original') });
    await host.markOriginalLayout(doc.id);
    await expect(generate(host, baselineEngine(), req(doc.id))).rejects.toMatchObject({ userMessage: expect.stringContaining('Nothing to regenerate') });
    // A label layer painted with a soft brush in wrong colours is refused before any work.
    const smudged = encodeLabels(layout(), ADE20K);
    for (let p = 0; p < smudged.data.length / 2; p += 8) smudged.data.set([200, 100, 150], p); // near no class
    host.setLabelLayer(doc.id, smudged);
    await expect(generate(host, baselineEngine(), req(doc.id))).rejects.toMatchObject({ code: 'labels-off-palette' });
    expect(host.doc(doc.id).layers.some((l) => l.name.startsWith('Relayout 1'))).toBe(false);
  });

  test('cancelling between variations writes nothing', async () => {
    const { host, id } = await setup();
    paintWater(host, id);
    const controller = new AbortController();
    const run = generate(host, baselineEngine(), req(id, { variations: 3 }), {
      signal: controller.signal,
      onProgress: (p) => p.phase === 'engine' && p.variation === 1 && controller.abort(),
    });
    await expect(run).rejects.toBeInstanceOf(CancelledError);
    expect(host.doc(id).layers.some((l) => l.name.startsWith('Relayout 1'))).toBe(false);
    expect(host.doc(id).history).toEqual([]);
  });

  test('a reference document lends its labelled pixels; without a label layer the panel says why not', async () => {
    const { host, id } = await setup();
    paintWater(host, id);
    const ref = host.addDocument('other.jpg', texture(40, 30, 5));
    const warned = await prepareJob(host, req(id, { referenceId: ref.id }));
    expect(warned.job.references).toHaveLength(0);
    expect(warned.warnings.join(' ')).toMatch(/no label layer/);
    host.setLabelLayer(ref.id, encodeLabels(labelMap(40, 30, WATER), ADE20K));
    const used = await prepareJob(host, req(id, { referenceId: ref.id }));
    expect(used.job.references).toHaveLength(1);
    expect(used.job.references[0].layout.labels[0]).toBe(WATER);
  });
});

describe('status line', () => {
  test('names the classes present (decoder report), the original, and the edit size', async () => {
    const { host, id } = await setup();
    let s = await readStatus(host, id, ADE20K);
    expect(s.labelsLine).toMatch(/^Labels: water, sky, tree \(3 classes\) · 100\.00% exact/);
    expect(s.editLine).toMatch(/Repaint part of the label layer/);
    paintWater(host, id);
    s = await readStatus(host, id, ADE20K);
    expect(s.editLine).toMatch(/of the image will be regenerated \(375 px relabelled\)/);
    expect(s.maskedPixels).toBeGreaterThan(375);
  });
});

describe('settings and engines', () => {
  test('saved settings are read forgivingly: bad fields fall back, good ones stay', () => {
    expect(readSettings(null)).toEqual(DEFAULT_SETTINGS);
    const s = readSettings({ palette: 'nope', backend: 'remote', seed: 12.6, variations: 99, remoteUrl: 'https://gpu:8000', detail: 'ultra', recent: { ade20k: [3, 'x', 999, 22] } });
    expect(s).toMatchObject({ palette: 'ade20k', backend: 'remote', seed: 13, variations: 8, remoteUrl: 'https://gpu:8000', detail: 'standard', recent: { ade20k: [3, 22] } });
    expect(readSettings({ detail: 'fine' }).detail).toBe('fine');
    expect(readSettings({ referenceLook: 'own' }).referenceLook).toBe('own');
    expect(readSettings({ referenceLook: 'sunset' }).referenceLook).toBe('matched');
    const r = withRecent(withRecent(withRecent(s, 5), 7), 5);
    expect(r.recent.ade20k.slice(0, 3)).toEqual([5, 7, 3]);
  });

  test('settings and the token persist through the host, the token apart from the settings', async () => {
    const { host } = await setup();
    await host.saveSettings({ ...DEFAULT_SETTINGS, seed: 9 });
    await host.writeSecret('remoteToken', 'abc');
    expect(readSettings(await host.loadSettings()).seed).toBe(9);
    expect(JSON.stringify(await host.loadSettings())).not.toContain('abc');
    expect(await host.readSecret('remoteToken')).toBe('abc');
  });

  test('the local engine falls back when the webview engine cannot start; remote needs its client', async () => {
    const reasons: string[] = [];
    const failing: EditEngine = { ready: () => Promise.reject(new BackendUnavailableError('no webview', { userMessage: 'webview failed' })), edit: () => Promise.reject(new Error('x')), dispose: () => undefined };
    const engine = new FallbackEngine(() => failing, () => baselineEngine(), (r) => reasons.push(r));
    expect(await engine.ready()).toBe('in-process baseline');
    expect(reasons).toEqual(['webview failed']);
    const factories = { local: () => baselineEngine() };
    expect(() => engineFor('remote', factories, { url: 'https://x', model: 'relayout', token: null })).toThrow(BackendUnavailableError);
    let bad: unknown = null;
    try {
      engineFor('remote', { ...factories, remote: () => baselineEngine() }, { url: 'ftp://x', model: 'm', token: null });
    } catch (err) {
      bad = err;
    }
    expect(bad).toMatchObject({ userMessage: expect.stringContaining('server address') });
    expect(await engineFor('local-wasm', factories, { url: '', model: '', token: null }).ready()).toBe('in-process baseline');
  });
});
