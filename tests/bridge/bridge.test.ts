// The engine bridge over an in-process channel pair that JSON-round-trips every message (as UXP's webview
// bridge does): framing, chunking, large images, cancellation, and engine errors rebuilt as their class.
import { ADE20K, CancelledError, ClassMissingError, RelayoutError, RgbaImage } from '../../src/layout';
import { BackendUnavailableError, EditResult, RelayoutJob, runEdit } from '../../src/inference';
import { channelPair } from '../../src/bridge/channels';
import { BridgeProgressEvent, EngineCall, EngineClient } from '../../src/bridge/client';
import { BridgeMessage } from '../../src/bridge/protocol';
import { EngineHandler, serveEngine } from '../../src/bridge/server';
import { fromBase64, pack, toBase64, unpack } from '../../src/bridge/wire';
import { labelMap, rect, texture } from '../helpers/images';

function job(width: number, height: number): RelayoutJob {
  const original = labelMap(width, height, 3); // sky
  rect(original, 0, Math.floor(height / 2), width, height, 22); // water
  const edited = { ...original, labels: new Uint8Array(original.labels) };
  rect(edited, Math.floor(width / 4), Math.floor(height / 2), Math.floor(width / 2), height, 3);
  return { image: texture(width, height, 7), original, edited, references: [], seed: 1 };
}

/** A stand-in engine: inverts the image; reports three stages. */
function invertingHandler(calls: EngineCall[] = []): EngineHandler {
  return {
    backend: async () => 'fake (test)',
    run: async (call, { onProgress }) => {
      calls.push(call);
      for (const [i, stageId] of ['features', 'coarse-attention', 'warp'].entries()) onProgress({ type: 'stage', stageId, fraction: (i + 1) / 3 });
      const src = call.job.image;
      const data = new Uint8Array(src.data.length);
      for (let i = 0; i < data.length; i++) data[i] = (i & 3) === 3 ? 255 : 255 - src.data[i];
      const n = src.width * src.height;
      const mask = { width: src.width, height: src.height, mask: new Uint8Array(n).fill(1), alpha: new Uint8Array(n).fill(255), hole: new Uint8Array(n), changedPixels: n, maskedPixels: n, regions: [], featherPx: 2, bounds: { x0: 0, y0: 0, x1: src.width, y1: src.height } };
      return { image: { width: src.width, height: src.height, data }, mask, unchanged: false, method: 'relayout', timings: { warp: 1 } } satisfies EditResult;
    },
  };
}

function connect(handler: EngineHandler, chunkBytes?: number): { client: EngineClient; wire: BridgeMessage[]; stop: () => void } {
  const wire: BridgeMessage[] = [];
  const [panelEnd, engineEnd] = channelPair({ onWire: (m) => wire.push(m) });
  const stop = serveEngine(engineEnd, handler, { chunkBytes });
  return { client: new EngineClient(panelEnd, { chunkBytes, readyTimeoutMs: 2000 }), wire, stop };
}

describe('wire encoding', () => {
  test('base64 matches the standard encoding for every length remainder, and decodes back', () => {
    for (const n of [0, 1, 2, 3, 4, 5, 255, 256, 1000, 70001]) {
      const bytes = new Uint8Array(n).map((_, i) => (i * 7919 + n) & 255);
      const text = toBase64(bytes);
      expect(text).toBe(Buffer.from(bytes).toString('base64'));
      expect(Buffer.from(fromBase64(text)).equals(Buffer.from(bytes))).toBe(true);
    }
    expect(() => fromBase64('abc')).toThrow(/multiple of 4/);
    expect(() => fromBase64('ab!=')).toThrow(/invalid/);
  });

  test('pack/unpack keeps typed arrays of every kind and the JSON around them', () => {
    const value = { a: new Uint8Array([1, 2, 3]), nested: [{ c: new Uint8ClampedArray([250]), f: new Float32Array([0.5, -2]) }], w: new Uint16Array([65535, 1]), n: 4, s: 'x', gone: undefined };
    const { header, blobs } = pack(value);
    expect(JSON.parse(JSON.stringify(header))).toEqual(header); // the header is plain JSON
    const back = unpack<typeof value>(JSON.parse(JSON.stringify(header)), blobs.map((b) => new Uint8Array(b)));
    expect(Array.from(back.a)).toEqual([1, 2, 3]);
    expect(back.nested[0].c).toBeInstanceOf(Uint8ClampedArray);
    expect(Array.from(back.nested[0].f)).toEqual([0.5, -2]);
    expect(Array.from(back.w)).toEqual([65535, 1]);
    expect(back.n).toBe(4);
    expect('gone' in back).toBe(false);
    expect(() => pack({ bad: new Int32Array(2) })).toThrow(/Int32Array/);
  });

  test('byte arrays of long runs cross run-length encoded and decode exactly; others cross raw', () => {
    const labels = new Uint8Array(300_000);
    labels.fill(3, 0, 100_000);
    labels.fill(22, 100_000, 299_990); // a run longer than two varint bytes hold
    for (let i = 0; i < 500; i++) labels[1000 + i * 7] = i & 255; // short runs, single pixels
    const noise = new Uint8Array(5000).map((_, i) => (i * 7919 + (i >> 3) * 31) & 255);
    const value = { labels, noise, empty: new Uint8Array(0), clamped: new Uint8ClampedArray(labels.length) };
    const { header, blobs } = pack(value);
    const refs = header as Record<string, { kind: string; length?: number; $blob: number }>;
    expect(refs.labels.kind).toBe('u8rle');
    expect(blobs[refs.labels.$blob].length).toBeLessThan(3000);
    expect(refs.noise.kind).toBe('u8');
    expect(refs.clamped.kind).toBe('u8c'); // image data keeps its own kind
    const back = unpack<typeof value>(JSON.parse(JSON.stringify(header)), blobs.map((b) => new Uint8Array(b)));
    expect(Buffer.from(back.labels).equals(Buffer.from(labels))).toBe(true);
    expect(Buffer.from(back.noise).equals(Buffer.from(noise))).toBe(true);
    expect(back.empty.length).toBe(0);
    // A corrupted run-length blob is an error, not a wrong label map.
    expect(() => unpack({ x: { $blob: 0, kind: 'u8rle', length: 10 } }, [new Uint8Array([3, 11])])).toThrow(/past its 10 bytes/);
    expect(() => unpack({ x: { $blob: 0, kind: 'u8rle', length: 10 } }, [new Uint8Array([3, 9])])).toThrow(/9 bytes, not 10/);
  });
});

describe('engine bridge', () => {
  test('an edit round-trips: JSON-only messages, matched ids, chunked pixels, progress by stage', async () => {
    const calls: EngineCall[] = [];
    const { client, wire, stop } = connect(invertingHandler(calls), 3 * 1024);
    expect(await client.ready()).toBe('fake (test)');
    const j = job(64, 48);
    const events: BridgeProgressEvent[] = [];
    const r = await client.edit({ job: j, palette: ADE20K, method: 'relayout' }, { onProgress: (e) => events.push(e) });
    // The engine saw exactly the job the panel sent.
    expect(calls).toHaveLength(1);
    expect(Buffer.from(calls[0].job.image.data).equals(Buffer.from(j.image.data))).toBe(true);
    expect(Buffer.from(calls[0].job.edited.labels).equals(Buffer.from(j.edited.labels))).toBe(true);
    expect(calls[0].palette.classes[2].name).toBe(ADE20K.classes[2].name);
    // The panel got the engine's result back intact.
    expect(r.image.data[0]).toBe(255 - j.image.data[0]);
    expect(r.image.data[4 * 100 + 2]).toBe(255 - j.image.data[4 * 100 + 2]);
    expect(r.mask.bounds).toEqual({ x0: 0, y0: 0, x1: 64, y1: 48 });
    expect(r.mask.alpha).toBeInstanceOf(Uint8Array);
    // Progress: sending, the three stages, receiving — in that order, each reaching 1.
    const kinds = events.map((e) => `${e.type}:${e.stageId}`);
    expect(kinds.indexOf('transfer:send')).toBeLessThan(kinds.indexOf('stage:features'));
    expect(kinds.lastIndexOf('stage:warp')).toBeLessThan(kinds.indexOf('transfer:receive'));
    expect(events.filter((e) => e.type === 'transfer' && e.stageId === 'receive').pop()!.fraction).toBe(1);
    // Framing: every chunk is at most chunkBytes of payload, and all carry one request id.
    const chunks = wire.filter((m): m is Extract<BridgeMessage, { type: 'chunk' }> => m.type === 'chunk');
    expect(chunks.length).toBeGreaterThan(10);
    for (const c of chunks) expect(c.data.length).toBeLessThanOrEqual((3 * 1024 * 4) / 3);
    expect(new Set(chunks.map((c) => c.id))).toEqual(new Set(['r1']));
    stop();
    client.dispose();
  });

  test('a large image (4 MP) crosses intact', async () => {
    const { client, stop } = connect(invertingHandler());
    const W = 2048, H = 2048;
    const image: RgbaImage = { width: W, height: H, data: new Uint8Array(W * H * 4) };
    for (let i = 0; i < image.data.length; i += 4099) image.data[i] = i & 255;
    const map = labelMap(W, H, 3);
    const r = await client.edit({ job: { image, original: map, edited: map, references: [], seed: 0 }, palette: ADE20K });
    expect(r.image.data.length).toBe(W * H * 4);
    for (let i = 0; i < image.data.length; i += 4099) if ((i & 3) !== 3) expect(r.image.data[i]).toBe(255 - image.data[i]);
    expect(r.mask.mask.length).toBe(W * H);
    stop();
    client.dispose();
  }, 120000);

  test('cancelling while the engine runs rejects at once and aborts the engine; nothing comes back', async () => {
    let engineSignal: AbortSignal | null = null;
    let markStarted!: () => void;
    const started = new Promise<void>((r) => (markStarted = r));
    const handler: EngineHandler = {
      backend: async () => 'slow',
      run: (_call, { signal, onProgress }) =>
        new Promise((_resolve, reject) => {
          engineSignal = signal;
          onProgress({ type: 'stage', stageId: 'features', fraction: 0.1 });
          markStarted();
          signal.addEventListener('abort', () => reject(new CancelledError()));
        }),
    };
    const { client, wire, stop } = connect(handler);
    const controller = new AbortController();
    const run = client.edit({ job: job(32, 32), palette: ADE20K }, { signal: controller.signal });
    await started;
    controller.abort();
    await expect(run).rejects.toBeInstanceOf(CancelledError);
    await new Promise((r) => setTimeout(r, 50));
    expect(engineSignal!.aborted).toBe(true);
    expect(wire.some((m) => m.type === 'cancel' && m.id === 'r1')).toBe(true);
    expect(wire.some((m) => m.type === 'result' || m.type === 'error')).toBe(false);
    stop();
    client.dispose();
  });

  test('cancelling during the upload stops sending and the engine never runs', async () => {
    const calls: EngineCall[] = [];
    const { client, wire, stop } = connect(invertingHandler(calls), 3 * 256);
    const controller = new AbortController();
    const run = client.edit({ job: job(256, 256), palette: ADE20K }, {
      signal: controller.signal,
      onProgress: (e) => e.type === 'transfer' && e.fraction > 0.2 && controller.abort(),
    });
    await expect(run).rejects.toBeInstanceOf(CancelledError);
    await new Promise((r) => setTimeout(r, 50));
    const total = (256 * 256 * 6) / (3 * 256);
    const sent = wire.filter((m) => m.type === 'chunk').length;
    expect(sent).toBeLessThan(total * 0.5);
    expect(calls).toHaveLength(0);
    stop();
    client.dispose();
  });

  test('engine errors arrive as the same error class, code and words', async () => {
    const failing = (err: unknown): EngineHandler => ({ backend: async () => 'x', run: async () => Promise.reject(err) });
    let c = connect(failing(new ClassMissingError(['water'])));
    const e1 = await c.client.edit({ job: job(16, 16), palette: ADE20K }).catch((e: unknown) => e);
    expect(e1).toBeInstanceOf(RelayoutError);
    expect(e1).toMatchObject({ code: 'class-missing', name: 'ClassMissingError', userMessage: new ClassMissingError(['water']).userMessage });
    c.stop();
    c.client.dispose();

    c = connect(failing(new TypeError('ort session crashed')));
    const e2 = await c.client.edit({ job: job(16, 16), palette: ADE20K }).catch((e: unknown) => e);
    expect(e2).toBeInstanceOf(BackendUnavailableError);
    expect((e2 as RelayoutError).userMessage).toContain('ort session crashed');
    c.stop();
    c.client.dispose();

    // The engine cannot start at all (e.g. the .wasm failed to load): ready() says so.
    c = connect({ backend: async () => Promise.reject(new BackendUnavailableError('no wasm', { userMessage: 'WASM unavailable' })), run: async () => Promise.reject(new Error('unreachable')) });
    await expect(c.client.ready()).rejects.toMatchObject({ code: 'backend-unavailable', userMessage: 'WASM unavailable' });
    c.stop();
    c.client.dispose();
  });

  test('a real edit (baseline method) through the bridge equals the same edit run directly', async () => {
    const handler: EngineHandler = {
      backend: async () => 'in-process',
      run: (call, { signal, onProgress }) => runEdit(call.job, call.palette, { method: call.method, signal, onProgress }),
    };
    const { client, stop } = connect(handler);
    const j = job(96, 64);
    const direct = await runEdit(j, ADE20K, { method: 'baseline' });
    const bridged = await client.edit({ job: j, palette: ADE20K, method: 'baseline' });
    expect(direct.unchanged).toBe(false);
    expect(Buffer.from(bridged.image.data).equals(Buffer.from(direct.image.data))).toBe(true);
    expect(Buffer.from(bridged.mask.alpha).equals(Buffer.from(direct.mask.alpha))).toBe(true);
    stop();
    client.dispose();
  });

  test('a result comes back as its mask\'s box and is rebuilt exactly; an unchanged one sends no pixels', async () => {
    const handler: EngineHandler = {
      backend: async () => 'in-process',
      run: (call, { signal, onProgress }) => runEdit(call.job, call.palette, { method: call.method, signal, onProgress }),
    };
    const { client, wire, stop } = connect(handler);
    // 400×300, a 40×30 patch of water painted sky: a small edit of a larger photo.
    const W = 400, H = 300;
    const original = labelMap(W, H, 3);
    rect(original, 0, 150, W, H, 22);
    const edited = { ...original, labels: new Uint8Array(original.labels) };
    rect(edited, 200, 200, 240, 230, 3);
    const j: RelayoutJob = { image: texture(W, H, 4), original, edited, references: [], seed: 1 };
    const direct = await runEdit(j, ADE20K, { method: 'baseline' });
    const bridged = await client.edit({ job: j, palette: ADE20K, method: 'baseline' });
    // Every full-size plane and every other field as if it had crossed whole.
    expect(Buffer.from(bridged.image.data).equals(Buffer.from(direct.image.data))).toBe(true);
    for (const plane of ['mask', 'alpha', 'hole'] as const) expect(Buffer.from(bridged.mask[plane]).equals(Buffer.from(direct.mask[plane]))).toBe(true);
    expect({ ...bridged, image: null, mask: { ...bridged.mask, mask: null, alpha: null, hole: null }, timings: null }).toEqual({
      ...direct, image: null, mask: { ...direct.mask, mask: null, alpha: null, hole: null }, timings: null,
    });
    // What came back: the mask's box (its pixels, 4 bytes each, and three mask planes, run-length
    // encoded where they compress), not the photo (7 × 120 000 bytes).
    const box = (direct.mask.bounds!.x1 - direct.mask.bounds!.x0) * (direct.mask.bounds!.y1 - direct.mask.bounds!.y0);
    const back = (): number => wire.filter((m) => m.type === 'result').reduce((a, m) => a + (m as { blobs: { bytes: number }[] }).blobs.reduce((x, y) => x + y.bytes, 0), 0);
    expect(back()).toBeGreaterThanOrEqual(4 * box);
    expect(back()).toBeLessThanOrEqual(7 * box);
    expect(back()).toBeLessThan(0.1 * 7 * W * H);
    // Nothing changed: the photo itself comes back, rebuilt from what was sent, with no pixels crossing.
    wire.length = 0;
    const same = await client.edit({ job: { ...j, edited: original }, palette: ADE20K, method: 'baseline' });
    expect(same.unchanged).toBe(true);
    expect(Buffer.from(same.image.data).equals(Buffer.from(j.image.data))).toBe(true);
    expect(back()).toBe(0);
    stop();
    client.dispose();
  });
});
