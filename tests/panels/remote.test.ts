// The panel's Remote backend against the real reference server (a child process on loopback, with a
// token): Generate on a small BrowserHost document runs on the server and lands as a masked layer;
// "Test connection" says in plain words what works and what does not. Needs `npm run build:node`.
import { ADE20K, encodeLabels, RgbaImage } from '../../src/layout';
import { BrowserHost } from '../../src/host';
import { engineFor } from '../../src/panels/engines';
import { generate } from '../../src/panels/generate';
import { remoteEditEngine, testRemoteConnection } from '../../src/panels/remote';
import { ServerProcess, startServer } from '../remote/server-process';
import { skyWaterJob } from '../remote/scene';

const TOKEN = 'panel-test-token';
let server: ServerProcess;

beforeAll(async () => {
  server = await startServer([], { RELAYOUT_TOKEN: TOKEN });
}, 60_000);

afterAll(async () => {
  await server?.stop();
}, 30_000);

const settings = (extra: Partial<{ url: string; model: string; token: string | null }> = {}) => ({ url: server.url, model: 'relayout', token: TOKEN, ...extra });

test('Generate with the Remote backend runs on the server: a masked result layer, pixels outside the mask unchanged', async () => {
  const job = skyWaterJob(64, 48, 5);
  const host = new BrowserHost();
  const doc = host.addDocument('lake.jpg', job.image);
  host.setLabelLayer(doc.id, encodeLabels(job.original, ADE20K));
  await host.markOriginalLayout(doc.id);
  host.setLabelLayer(doc.id, encodeLabels(job.edited, ADE20K)); // the user repaints water as sky
  doc.history.length = 0;

  const engine = engineFor('remote', { local: () => { throw new Error('local engine not wanted here'); }, remote: remoteEditEngine }, settings());
  expect(await engine.ready()).toMatch(/^remote: relayout-server at http:\/\/127\.0\.0\.1:\d+/);
  const stages: string[] = [];
  const out = await generate(host, engine, { documentId: doc.id, referenceId: null, palette: ADE20K, seed: 5, variations: 1 }, {
    onProgress: (p) => p.phase === 'engine' && p.stageId && stages.push(p.stageId),
  });
  engine.dispose();
  expect(out.layers.map((l) => l.name)).toEqual(['Relayout 1 — sky']);
  expect(doc.history).toEqual(['Relayout: generate']);
  expect(stages).toEqual(expect.arrayContaining(['upload', 'download']));
  await server.waitForLine(/POST \/v2\/models\/relayout\/infer 200/, 5000); // the server logs after answering

  const layer = doc.layers.find((l) => l.name === 'Relayout 1 — sky')!;
  const photo: RgbaImage = job.image;
  let inside = 0, changedInside = 0, outside = 0;
  for (let i = 0; i < photo.width * photo.height; i++) {
    const same = [0, 1, 2].every((c) => layer.image.data[i * 4 + c] === photo.data[i * 4 + c]);
    if (layer.mask![i]) {
      inside++;
      if (!same) changedInside++;
    } else {
      outside++;
      expect(same).toBe(true);
    }
  }
  expect(outside).toBeGreaterThan(photo.width * photo.height * 0.4);
  expect(inside).toBeGreaterThan(0);
  expect(changedInside).toBeGreaterThan(inside * 0.5); // the repainted water became something else
}, 120_000);

test('Test connection says in plain words what works and what does not', async () => {
  const ok = await testRemoteConnection(settings());
  expect(ok).toMatchObject({ ok: true, text: expect.stringMatching(/^Connected: relayout-server .* is ready .* model "relayout" matches/) });

  const noToken = await testRemoteConnection(settings({ token: null }));
  expect(noToken.ok).toBe(false);
  expect(noToken.text).toMatch(/token/i);

  const wrongModel = await testRemoteConnection(settings({ model: 'nope' }));
  expect(wrongModel).toMatchObject({ ok: false, text: expect.stringContaining('no model named "nope"') });

  // Nothing listens on this port: the server is gone (refused connection), said plainly and quickly.
  const gone = await startServer([], {});
  const url = gone.url;
  await gone.stop();
  const t = Date.now();
  const unreachable = await testRemoteConnection({ url, model: 'relayout', token: null });
  expect(unreachable.ok).toBe(false);
  expect(unreachable.text).toContain(`Cannot use ${url}`);
  expect(unreachable.text).toMatch(/reach|connect|refused/i);
  expect(Date.now() - t).toBeLessThan(10_000);

  expect(await testRemoteConnection({ url: 'server:8000', model: 'relayout', token: null })).toMatchObject({ ok: false, text: expect.stringContaining('https://') });
}, 60_000);
