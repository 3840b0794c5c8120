// The reference server on loopback (a real child process) driven by the real client: protocol routes,
// a full edit identical to the local engine's, JSON and binary requests, every input error, connection
// checks, and cancellation.
import { mkdtempSync } from 'fs';
import { AddressInfo, connect, createServer, Socket } from 'net';
import { tmpdir } from 'os';
import { join } from 'path';
import { readImage, writeImage } from '../../src/cli/image-io';
import { ADE20K, CancelledError, ClassMissingError, encodeLabels } from '../../src/layout';
import {
  BackendUnavailableError,
  checkConnection,
  encodePipelineInputs,
  KserveClient,
  RemoteError,
  remoteEngineHandler,
  runRemoteEdit,
  TransferProgressEvent,
} from '../../src/inference';
import { rect } from '../helpers/images';
import { postInfer, postRaw, send } from './http';
import { runCli, ServerProcess, startServer } from './server-process';
import { differingPixels, skyWaterJob, TREE } from './scene';

let server: ServerProcess;
let client: KserveClient;

beforeAll(async () => {
  server = await startServer();
  client = new KserveClient({ endpoint: server.url, retries: 0 });
}, 60_000);

afterAll(async () => {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const code = await Promise.race([server.stop(), new Promise((r) => (timer = setTimeout(() => r('timeout'), 20_000)))]);
  clearTimeout(timer);
  if (code !== 0) console.log(server.lines.slice(-15).join('\n'));
  expect(code).toBe(0);
}, 30_000);

test('health, server metadata and model metadata follow the protocol', async () => {
  const live = await send(`${server.url}/v2/health/live`, {});
  expect(live.status).toBe(200);
  expect(live.bytes.byteLength).toBe(0);
  expect((await send(`${server.url}/v2/health/ready`, {})).status).toBe(200);
  expect((await send(`${server.url}/v2/models/relayout/ready`, {})).status).toBe(200);
  const meta = await client.serverMetadata();
  expect(meta.name).toBe('relayout-server');
  expect(meta.extensions).toContain('binary_tensor_data');

  const relayout = await client.modelMetadata('relayout');
  expect(relayout.inputs.map((t) => t.name).slice(0, 5)).toEqual(['IMAGE', 'ORIGINAL', 'EDITED', 'MASK', 'SEED']);
  expect(relayout.inputs[0]).toEqual({ name: 'IMAGE', datatype: 'UINT8', shape: [-1, -1, 4] });
  expect(relayout.outputs.map((t) => t.name)).toEqual(['RESULT', 'EDIT_MASK']);
  expect(relayout.parameters?.max_pixels).toBe(16 * 1024 * 1024);

  // Each stage is a model too, with the names, datatypes and dims of its contract.
  const warp = await client.modelMetadata('warp');
  expect(warp.platform).toBe('onnx_onnxv1');
  expect(warp.inputs.find((t) => t.name === 'srcImage')).toEqual({ name: 'srcImage', datatype: 'FP32', shape: [1, 3, -1, -1] });
  expect(warp.outputs).toEqual([{ name: 'warped', datatype: 'FP32', shape: [1, 3, -1, -1] }]);
  expect((await send(`${server.url}/v2/models/warp/versions/1`, {})).status).toBe(200);
});

test('a full edit on the server equals the local engine on the same input and seed', async () => {
  const job = skyWaterJob(96, 64, 3);
  const phases = new Set<string>();
  const remote = await runRemoteEdit(job, ADE20K, {
    client,
    onProgress: (e) => phases.add(e.stageId),
  });
  expect(remote.unchanged).toBe(false);
  expect(remote.remote).toEqual(expect.objectContaining({ mode: 'whole', requests: 1, uncoveredPixels: 0 }));
  expect(['upload', 'waiting', 'download', 'done'].every((p) => phases.has(p))).toBe(true);
  expect(differingPixels(job.image, remote.image, (i) => !remote.mask.mask[i])).toBe(0);

  // The local engine (onnxruntime-web, WASM) through the CLI on the same files and seed.
  const dir = mkdtempSync(join(tmpdir(), 'relayout-remote-'));
  writeImage(join(dir, 'photo.png'), job.image);
  writeImage(join(dir, 'original.png'), encodeLabels(job.original, ADE20K));
  writeImage(join(dir, 'edited.png'), encodeLabels(job.edited, ADE20K));
  const files = ['--image', join(dir, 'photo.png'), '--layout', join(dir, 'original.png'), '--edited', join(dir, 'edited.png'), '--seed', '3', '-q'];
  const local = runCli(['edit', ...files, '--out', join(dir, 'local.png')]);
  expect(local.stderr).toBe('');
  expect(local.status).toBe(0);
  // The same graphs, but WASM kernels there and native ones here: their float rounding differs (exp in
  // the softmax, reduction order), which can flip a near-tie between two candidates and change a few
  // pixels by a few levels. Measured: 0 to 18 bytes of ~1700 masked pixels, at most 4 levels.
  const localImage = readImage(join(dir, 'local.png'));
  expect(differingPixels(localImage, remote.image, (i) => !remote.mask.mask[i])).toBe(0);
  expect(differingPixels(localImage, remote.image)).toBeLessThanOrEqual(0.02 * remote.mask.maskedPixels);
  let maxDiff = 0;
  for (let i = 0; i < localImage.data.length; i++) maxDiff = Math.max(maxDiff, Math.abs(localImage.data[i] - remote.image.data[i]));
  expect(maxDiff).toBeLessThanOrEqual(16);

  // The host loop on the client with every graph on the server (how a Triton repository is used): the
  // same native kernels as the server's own pipeline, so byte for byte the same.
  const staged = runCli(['edit', ...files, '--out', join(dir, 'staged.png'), '--backend', 'remote-stages', '--endpoint', server.url]);
  expect(staged.status).toBe(0);
  expect(differingPixels(readImage(join(dir, 'staged.png')), remote.image)).toBe(0);
  // And `relayout edit --backend remote` writes the same file.
  const cli = runCli(['edit', ...files, '--out', join(dir, 'remote.png'), '--backend', 'remote', '--endpoint', server.url]);
  expect(cli.status).toBe(0);
  expect(differingPixels(readImage(join(dir, 'remote.png')), remote.image)).toBe(0);
}, 120_000);

test('an empty edit is answered without contacting the server', async () => {
  const job = skyWaterJob(32, 24);
  const before = server.lines.length;
  const r = await runRemoteEdit({ ...job, edited: job.original }, ADE20K, { client: new KserveClient({ endpoint: 'http://127.0.0.1:1' }) });
  expect(r.unchanged).toBe(true);
  expect(r.image).toBe(job.image);
  expect(server.lines.length).toBe(before);
});

test('a JSON request (no binary extension) to a stage model gets JSON outputs', async () => {
  // harmonize with alpha = 0 returns the image unchanged: refined = warped·α + image·(1−α).
  const image = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1, 0, 0.25];
  const header = {
    id: 'json-1',
    inputs: [
      { name: 'warped', shape: [1, 3, 2, 2], datatype: 'FP32', data: new Array(12).fill(0.5) },
      { name: 'image', shape: [1, 3, 2, 2], datatype: 'FP32', data: image },
      { name: 'known', shape: [1, 1, 2, 2], datatype: 'FP32', data: [[[[1, 1], [1, 1]]]] },
      { name: 'alpha', shape: [1, 1, 2, 2], datatype: 'FP32', data: [0, 0, 0, 0] },
      { name: 'seam', shape: [1, 1, 2, 2], datatype: 'FP32', data: [0, 0, 0, 0] },
    ],
  };
  const r = await postRaw(server.url, 'harmonize', header);
  expect(r.status).toBe(200);
  expect(r.headers.get('content-type')).toMatch(/application\/json/);
  const out = r.json as { id: string; model_name: string; outputs: { name: string; datatype: string; shape: number[]; data: number[] }[] };
  expect(out.id).toBe('json-1');
  expect(out.model_name).toBe('harmonize');
  expect(out.outputs[0]).toEqual(expect.objectContaining({ name: 'refined', datatype: 'FP32', shape: [1, 3, 2, 2] }));
  out.outputs[0].data.forEach((v, i) => expect(v).toBeCloseTo(image[i], 6));
});

describe('errors say what is wrong', () => {
  const job = skyWaterJob(96, 64);
  const inputs = encodePipelineInputs(job);
  const without = (name: string) => inputs.filter((t) => t.name !== name);

  test('400 names the offending input', async () => {
    const missing = await postInfer(server.url, 'relayout', { inputs: without('EDITED') });
    expect(missing.status).toBe(400);
    expect(missing.json?.error).toMatch(/missing input "EDITED"/);

    const asFloat = await postInfer(server.url, 'relayout', { inputs: [...without('IMAGE'), { name: 'IMAGE', datatype: 'FP32', shape: [64, 96, 4], data: new Float32Array(64 * 96 * 4) }] });
    expect(asFloat.status).toBe(400);
    expect(asFloat.json?.error).toMatch(/input "IMAGE" must be UINT8, got FP32/);

    const smaller = await postInfer(server.url, 'relayout', { inputs: [...without('EDITED'), { name: 'EDITED', datatype: 'UINT8', shape: [32, 48], data: new Uint8Array(32 * 48) }] });
    expect(smaller.status).toBe(400);
    expect(smaller.json?.error).toMatch(/input "EDITED" is 48×32 but IMAGE is 96×64/);

    const unknown = await postInfer(server.url, 'relayout', { inputs: [...inputs, { name: 'FOO', datatype: 'UINT8', shape: [1], data: new Uint8Array(1) }] });
    expect(unknown.status).toBe(400);
    expect(unknown.json?.error).toMatch(/unknown input "FOO"/);

    const palette = await postInfer(server.url, 'relayout', { inputs, parameters: { palette: 'nope' } });
    expect(palette.status).toBe(400);
    expect(palette.json?.error).toMatch(/parameter "palette": unknown palette "nope"/);

    // A byte count that does not match the shape.
    const bytes = await postRaw(server.url, 'relayout', { inputs: [{ name: 'SEED', shape: [1], datatype: 'INT32', parameters: { binary_data_size: 8 } }] }, new Uint8Array(8));
    expect(bytes.status).toBe(400);
    expect(bytes.json?.error).toMatch(/input "SEED": binary_data_size is 8 bytes but shape \[1\] of INT32 needs 4/);

    const shortBody = await postRaw(server.url, 'relayout', { inputs: [{ name: 'IMAGE', shape: [2, 2, 4], datatype: 'UINT8', parameters: { binary_data_size: 16 } }] }, new Uint8Array(10));
    expect(shortBody.status).toBe(400);
    expect(shortBody.json?.error).toMatch(/input "IMAGE": the binary section ends after 10 of its 16 bytes/);

    const notJson = await send(`${server.url}/v2/models/relayout/infer`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"inputs": [' });
    expect(notJson.status).toBe(400);
    expect(notJson.json?.error).toMatch(/not valid JSON/);

    // A stage model checks feeds against its contract and names the tensor.
    const stage = await postInfer(server.url, 'harmonize', { inputs: [{ name: 'warped', datatype: 'FP32', shape: [1, 3, 2, 2], data: new Float32Array(12) }] });
    expect(stage.status).toBe(400);
    expect(stage.json?.error).toMatch(/Stage "harmonize", tensor "image": expected a feed, got nothing/);
    const stageType = await postInfer(server.url, 'harmonize', { inputs: [{ name: 'warped', datatype: 'INT32', shape: [1], data: new Int32Array(1) }] });
    expect(stageType.json?.error).toMatch(/input "warped" must be FP32, got INT32/);
  });

  test('a class no source contains comes back as the same error class', async () => {
    const j = skyWaterJob(96, 64);
    rect(j.edited, 10, 10, 20, 20, TREE);
    const answer = await postInfer(server.url, 'relayout', { inputs: encodePipelineInputs(j), parameters: { palette: 'ade20k' } });
    expect(answer.status).toBe(400);
    expect(answer.json).toEqual(expect.objectContaining({ code: 'class-missing', classNames: ['tree'] }));
    await expect(runRemoteEdit(j, ADE20K, { client })).rejects.toThrow(ClassMissingError);
  });

  test('404 for an unknown model, version or endpoint', async () => {
    const model = await postInfer(server.url, 'nope', { inputs });
    expect(model.status).toBe(404);
    expect(model.json?.error).toMatch(/unknown model "nope"; this server serves relayout, coarse-attention/);
    const version = await send(`${server.url}/v2/models/relayout/versions/7`, {});
    expect(version.status).toBe(404);
    expect(version.json?.error).toMatch(/no version "7"/);
    expect((await send(`${server.url}/v3/anything`, {})).status).toBe(404);
    const err = await client.modelMetadata('nope').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RemoteError);
    expect((err as RemoteError).status).toBe(404);
  });
});

test('"test connection" accepts the pipeline model and says precisely what differs for others', async () => {
  const ok = await checkConnection(client);
  expect(ok).toEqual(expect.objectContaining({ ok: true, ready: true, binaryExtension: true, problems: [] }));
  expect(ok.limits.maxPixels).toBe(16 * 1024 * 1024);

  const warp = await checkConnection(client, 'warp');
  expect(warp.ok).toBe(false);
  expect(warp.problems).toContain('input "IMAGE" (UINT8 [-1,-1,4]) is missing on the server');
  expect(warp.problems).toContain('the server\'s model takes input "srcImage" (FP32 [1,3,-1,-1]), which this client does not send');
  expect(warp.problems).toContain('output "RESULT" (UINT8 [-1,-1,4]) is missing on the server');

  const none = await checkConnection(client, 'nope');
  expect(none.problems[0]).toMatch(/no model named "nope"/);
  const down = await checkConnection(new KserveClient({ endpoint: 'http://127.0.0.1:1', retries: 0 }));
  expect(down.ok).toBe(false);
  expect(down.problems[0]).toMatch(/Cannot reach the Relayout server at http:\/\/127\.0\.0\.1:1/);
});

test('the panel\'s engine handler checks the connection first and runs edits remotely', async () => {
  const handler = remoteEngineHandler({ endpoint: server.url });
  expect(await handler.backend()).toBe(`remote: relayout-server at ${server.url}`);
  const stages: string[] = [];
  const r = await handler.run({ job: skyWaterJob(96, 64), palette: ADE20K }, { signal: new AbortController().signal, onProgress: (e) => stages.push(e.stageId) });
  expect(r.unchanged).toBe(false);
  expect(stages).toEqual(expect.arrayContaining(['upload', 'waiting', 'download', 'done']));
  const wrong = remoteEngineHandler({ endpoint: server.url, model: 'warp' });
  const err = await wrong.backend().catch((e: unknown) => e);
  expect(err).toBeInstanceOf(BackendUnavailableError);
  expect((err as BackendUnavailableError).userMessage).toBe('input "IMAGE" (UINT8 [-1,-1,4]) is missing on the server');
});

test('a client that aborts stops the server\'s work on its edit', async () => {
  // 2048×1536 takes over a second before its first stage graph even runs (mask, pyramids) and seconds in
  // all; abort 150 ms after the upload finished, when the server is surely working on it.
  const big = skyWaterJob(2048, 1536, 5);
  const ctrl = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const onProgress = (e: TransferProgressEvent): void => {
    if (e.stageId === 'waiting' && !timer) timer = setTimeout(() => ctrl.abort(), 150);
  };
  const started = Date.now();
  // A streamed upload tells when the body has gone out (Node's fetch can stream request bodies).
  const streaming = new KserveClient({ endpoint: server.url, retries: 0, streamUpload: true });
  const err = await streaming.infer('relayout', { inputs: encodePipelineInputs(big) }, { signal: ctrl.signal, onProgress }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(CancelledError);
  expect(Date.now() - started).toBeLessThan(5000);
  await server.waitForLine(/ 499 .*client closed the connection; its edit was cancelled/);
  const ack = await server.waitForLine(/cancelled edit stopped at stage "([^"]+)" \((\d+)% done/);
  const pct = Number(/\((\d+)% done/.exec(ack)![1]);
  expect(pct).toBeLessThan(100);
  // The worker is free again: the next edit runs.
  const r = await runRemoteEdit(skyWaterJob(96, 64), ADE20K, { client });
  expect(r.unchanged).toBe(false);
}, 60_000);

test('the client retries a dropped connection and gives up at its deadline', async () => {
  // A loopback proxy that resets the first connection it gets and forwards the rest to the server.
  const target = new URL(server.url);
  let connections = 0;
  const sockets: Socket[] = [];
  const proxy = createServer((socket) => {
    sockets.push(socket);
    if (++connections === 1) {
      socket.once('data', () => socket.resetAndDestroy());
      return;
    }
    const upstream = connect(Number(target.port), target.hostname);
    sockets.push(upstream);
    socket.pipe(upstream).pipe(socket);
    socket.on('error', () => upstream.destroy());
    upstream.on('error', () => socket.destroy());
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  try {
    const port = (proxy.address() as AddressInfo).port;
    const viaProxy = new KserveClient({ endpoint: `http://127.0.0.1:${port}`, retries: 2, backoffMs: 50 });
    const r = await runRemoteEdit(skyWaterJob(96, 64), ADE20K, { client: viaProxy });
    expect(r.unchanged).toBe(false);
    expect(connections).toBeGreaterThanOrEqual(2);
  } finally {
    proxy.close();
    sockets.forEach((s) => s.destroy());
  }

  const hurried = new KserveClient({ endpoint: server.url, timeoutMs: 150 });
  const err = await hurried.infer('relayout', { inputs: encodePipelineInputs(skyWaterJob(320, 240)) }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(RemoteError);
  expect((err as RemoteError).message).toMatch(/no answer within 0\.15 s$/);
  expect((err as RemoteError).retryable).toBe(true);
}, 60_000);

test('one log line per request', async () => {
  const before = server.lines.length;
  await send(`${server.url}/v2/health/ready`, {});
  await postInfer(server.url, 'nope', { inputs: [] });
  await new Promise((r) => setTimeout(r, 200));
  const added = server.lines.slice(before).filter((l) => / (GET|POST) /.test(l) && /health\/ready|models\/nope/.test(l));
  expect(added).toHaveLength(2);
  expect(added[0]).toMatch(/GET \/v2\/health\/ready 200 \d+ms/);
  expect(added[1]).toMatch(/POST \/v2\/models\/nope\/infer 404 \d+ms .*error="unknown model/);
});
