// Size limits: 413 with the limit in the message (pixels and body bytes), and the client's answer to a
// small limit: overlapping tiles around the edit mask, blended back without seams or gaps.
import { ADE20K } from '../../src/layout';
import { encodePipelineInputs, KserveClient, RemoteError, runRemoteEdit } from '../../src/inference';
import { postInfer, send } from './http';
import { ServerProcess, startServer } from './server-process';
import { differingPixels, skyWaterJob } from './scene';

const MAX_PIXELS = 6000;
const MAX_BODY = 256 * 1024;
let server: ServerProcess;

beforeAll(async () => {
  server = await startServer(['--max-pixels', String(MAX_PIXELS), '--max-body-mb', '0.25']);
}, 60_000);

afterAll(async () => {
  await server.stop();
});

test('413 names the pixel limit', async () => {
  const job = skyWaterJob(96, 64); // 6144 pixels
  const r = await postInfer(server.url, 'relayout', { inputs: encodePipelineInputs(job) });
  expect(r.status).toBe(413);
  expect(r.json?.error).toBe('input "IMAGE" is 96×64 = 0.0 MP; this server accepts at most 6000 pixels (0.0 MP) per image');
  // The real client says the same, as a RemoteError with the status.
  const client = new KserveClient({ endpoint: server.url, retries: 0 });
  const err = await client.infer('relayout', { inputs: encodePipelineInputs(job) }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(RemoteError);
  expect((err as RemoteError).status).toBe(413);
  expect((err as RemoteError).userMessage).toMatch(/too large for the server: .*at most 6000 pixels/);
});

test('a stage model applies the same pixel limit to its image inputs, and advertises it', async () => {
  // harmonize's inputs are images [1, C, H, W]: 80×80 = 6400 pixels is over the limit.
  const big = await postInfer(server.url, 'harmonize', { inputs: [{ name: 'warped', datatype: 'FP32', shape: [1, 3, 80, 80], data: new Float32Array(3 * 6400) }] });
  expect(big.status).toBe(413);
  expect(big.json?.error).toBe('input "warped" is 80×80 = 0.0 MP; this server accepts at most 6000 pixels (0.0 MP) per image');
  // Under the limit the request gets as far as the contract check (the other inputs are missing).
  const small = await postInfer(server.url, 'harmonize', { inputs: [{ name: 'warped', datatype: 'FP32', shape: [1, 3, 40, 40], data: new Float32Array(3 * 1600) }] });
  expect(small.status).toBe(400);
  expect(small.json?.error).toMatch(/tensor "image": expected a feed/);
  const meta = (await send(`${server.url}/v2/models/harmonize`, {})).json as { parameters?: Record<string, number> };
  expect(meta.parameters).toEqual({ max_pixels: MAX_PIXELS, max_body_bytes: MAX_BODY });
});

test('413 names the body limit, before the body is read', async () => {
  const body = new Uint8Array(MAX_BODY + 4096);
  const r = await send(`${server.url}/v2/models/relayout/infer`, { method: 'POST', headers: { 'Content-Type': 'application/octet-stream', 'Inference-Header-Content-Length': '2' }, body }).catch((e: Error) => e);
  // Node's fetch may see the early answer or the closed connection while still sending; the log is authoritative.
  if (!(r instanceof Error)) {
    expect(r.status).toBe(413);
    expect(r.json?.error).toBe(`the request body is ${MAX_BODY + 4096} bytes; this server accepts at most ${MAX_BODY} bytes (262.1kB)`);
  }
  await server.waitForLine(/POST \/v2\/models\/relayout\/infer 413 .*this server accepts at most 262144 bytes/);
});

test('an edit larger than the server limit is sent as overlapping tiles and blended back', async () => {
  // 15 360 pixels, 2.5× the limit; a narrow dilation keeps the untrusted tile margins (and so the
  // overlap) small enough for 6000-pixel tiles.
  const job = { ...skyWaterJob(160, 96, 7), maskOptions: { dilatePx: 4, featherPx: 2 } };
  const client = new KserveClient({ endpoint: server.url, retries: 0 });
  const before = server.lines.length;
  const r = await runRemoteEdit(job, ADE20K, { client, overlapPx: 32 });
  expect(r.remote.mode).toBe('tiles');
  expect(r.remote.requests).toBeGreaterThan(1);
  expect(r.remote.uncoveredPixels).toBe(0);
  const inferLines = (): string[] => server.lines.slice(before).filter((l) => l.includes('/infer'));
  // The server logs a request once its answer is sent: give the last line a moment.
  for (let i = 0; i < 50 && inferLines().length < r.remote.requests; i++) await new Promise((res) => setTimeout(res, 20));
  expect(inferLines()).toHaveLength(r.remote.requests);
  for (const l of inferLines()) {
    expect(l).toMatch(/ 200 /);
    const [w, h] = /relayout (\d+)x(\d+)/.exec(l)!.slice(1).map(Number);
    expect(w * h).toBeLessThanOrEqual(MAX_PIXELS);
  }
  // Outside the mask the input's bytes; the painted box (water → sky) now looks like the sky.
  expect(differingPixels(job.image, r.image, (i) => !r.mask.mask[i])).toBe(0);
  let blue = 0, red = 0, n = 0;
  for (let i = 0; i < r.mask.hole.length; i++) {
    if (!r.mask.hole[i]) continue;
    red += r.image.data[i * 4];
    blue += r.image.data[i * 4 + 2];
    n++;
  }
  expect(n).toBeGreaterThan(1500);
  expect(blue / n).toBeGreaterThan(180);
  expect(red / n).toBeGreaterThan(60); // the sky's red, not the water's (20)
}, 120_000);
