// Auth, a full queue, the per-request deadline, and graceful shutdown, each on its own server process.
import { spawnSync } from 'child_process';
import { ADE20K } from '../../src/layout';
import { encodePipelineInputs, KserveClient, RemoteError, runRemoteEdit } from '../../src/inference';
import { postInfer, send } from './http';
import { SERVER_BIN, ServerProcess, startServer } from './server-process';
import { skyWaterJob } from './scene';

describe('a server with a token', () => {
  let server: ServerProcess;
  beforeAll(async () => {
    server = await startServer(['--token', 's3cret']);
  }, 60_000);
  afterAll(() => server.stop());

  test('401 without or with a wrong token; health stays open', async () => {
    const inputs = encodePipelineInputs(skyWaterJob(32, 24));
    const none = await postInfer(server.url, 'relayout', { inputs });
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    expect(none.json?.error).toMatch(/needs a bearer token/);
    const wrong = await postInfer(server.url, 'relayout', { inputs }, { Authorization: 'Bearer nope' });
    expect(wrong.status).toBe(401);
    expect(wrong.json?.error).toMatch(/not valid/);
    expect((await send(`${server.url}/v2/models/relayout`, {})).status).toBe(401);
    expect((await send(`${server.url}/v2/health/ready`, {})).status).toBe(200);

    const refused = await new KserveClient({ endpoint: server.url, token: 'nope' }).modelMetadata('relayout').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(RemoteError);
    expect((refused as RemoteError).status).toBe(401);
    expect((refused as RemoteError).userMessage).toMatch(/refused the access token/);
    const ok = await runRemoteEdit(skyWaterJob(32, 24), ADE20K, { client: new KserveClient({ endpoint: server.url, token: 's3cret' }) });
    expect(ok.unchanged).toBe(false);
  });
});

test('binding a non-loopback address without a token is refused', () => {
  const r = spawnSync(process.execPath, [SERVER_BIN, '--host', '0.0.0.0', '--port', '0'], { encoding: 'utf8', env: { ...process.env, RELAYOUT_TOKEN: '' } });
  expect(r.status).toBe(2);
  expect(r.stderr).toMatch(/binding 0\.0\.0\.0 exposes the server to other machines; give --token/);
});

describe('a server with one worker and no queue', () => {
  let server: ServerProcess;
  beforeAll(async () => {
    server = await startServer(['--workers', '1', '--queue', '0']);
  }, 60_000);
  afterAll(() => server.stop());

  test('503 with Retry-After when every slot is taken', async () => {
    const inputs = encodePipelineInputs(skyWaterJob(640, 480));
    const answers = await Promise.all([0, 1, 2].map(() => postInfer(server.url, 'relayout', { inputs })));
    const busy = answers.filter((a) => a.status === 503);
    expect(answers.filter((a) => a.status === 200).length).toBeGreaterThanOrEqual(1);
    expect(busy.length).toBeGreaterThanOrEqual(1);
    for (const b of busy) {
      expect(Number(b.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(b.json?.error).toMatch(/the server is busy: 1 edits are running or waiting; retry in \d+ s/);
    }
  });

  test('the client waits as Retry-After says and every edit gets through', async () => {
    const client = new KserveClient({ endpoint: server.url, retries: 8, backoffMs: 100 });
    const before = server.lines.length;
    const results = await Promise.all([1, 2, 3].map((seed) => runRemoteEdit(skyWaterJob(96, 64, seed), ADE20K, { client })));
    expect(results.every((r) => !r.unchanged)).toBe(true);
    expect(server.lines.slice(before).some((l) => / 503 /.test(l))).toBe(true);
  }, 60_000);
});

test('504 when an edit exceeds the server deadline', async () => {
  const server = await startServer(['--deadline-s', '0.05']);
  try {
    const r = await postInfer(server.url, 'relayout', { inputs: encodePipelineInputs(skyWaterJob(640, 480)) });
    expect(r.status).toBe(504);
    expect(r.json?.error).toBe("the request did not finish within the server's deadline of 0.05 s (it was running)");
  } finally {
    await server.stop();
  }
}, 60_000);

test('SIGTERM lets the running edit finish and rejects queued ones with 503, then exits 0', async () => {
  // A 2048×1536 edit keeps the only worker busy for seconds (over a second before its first graph).
  const server = await startServer(['--workers', '1', '--queue', '4', '--threads', '1']);
  const bigInputs = encodePipelineInputs(skyWaterJob(2048, 1536));
  const long = postInfer(server.url, 'relayout', { inputs: bigInputs });
  await new Promise((r) => setTimeout(r, 300));
  const queued = [1, 2].map((seed) => postInfer(server.url, 'relayout', { inputs: encodePipelineInputs(skyWaterJob(96, 64, seed)) }));
  await new Promise((r) => setTimeout(r, 200));
  const exit = server.stop('SIGTERM');
  const [first, ...rest] = await Promise.all([long, ...queued]);
  expect(first.status).toBe(200);
  for (const r of rest) {
    expect(r.status).toBe(503);
    expect(r.json?.error).toMatch(/shutting down/);
  }
  expect(await exit).toBe(0);
  expect(server.lines.join('\n')).toMatch(/stopped: 1 running edit\(s\) finished, 0 cancelled, 2 queued request\(s\) rejected with 503/);
}, 60_000);
