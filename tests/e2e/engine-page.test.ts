// The engine page exactly as the plugin ships it (webpack --env enginePage: the dist/engine/ build), run in
// real Chromium with UXP's webview bridge imitated: the page posts through `window.uxpHost.postMessage`
// and hears the panel through window `message` events, JSON only. The panel side is the real EngineClient
// in this test process. Checks a real edit through onnxruntime-web, and a cancel.
import { execSync } from 'child_process';
import { existsSync } from 'fs';
import { join } from 'path';
import { Browser, chromium, Page } from 'playwright-core';
import { ADE20K, CancelledError, LabelMap } from '../../src/layout';
import { EngineClient } from '../../src/bridge/client';
import { BridgeMessage, Channel } from '../../src/bridge/protocol';
import { labelMap, rect, texture } from '../helpers/images';

const ROOT = join(__dirname, '..', '..');
const CHROMIUM = '/usr/bin/chromium';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startPlaygroundServer } = require(join(ROOT, 'scripts', 'playground-server.js')) as {
  startPlaygroundServer(o: { port: number; bundleDir: string }): Promise<{ url: string; close(): Promise<void> }>;
};

let server: { url: string; close(): Promise<void> };
let browser: Browser;
let page: Page;
let client: EngineClient;
const pageLog: string[] = [];

/** The panel's end: posts into the page as window messages; hears `uxpHost.postMessage` calls. */
async function bridgeTo(p: Page): Promise<Channel> {
  const handlers = new Set<(m: BridgeMessage) => void>();
  await p.exposeFunction('__toPanel', (json: string) => {
    const m = JSON.parse(json) as BridgeMessage;
    for (const h of handlers) h(m);
  });
  await p.addInitScript(() => {
    (window as unknown as { uxpHost: unknown }).uxpHost = {
      postMessage: (m: unknown) => (window as unknown as { __toPanel(s: string): void }).__toPanel(JSON.stringify(m)),
    };
  });
  return {
    post: (m) => void p.evaluate((json) => window.postMessage(JSON.parse(json), '*'), JSON.stringify(m)).catch(() => undefined),
    listen: (h) => {
      handlers.add(h);
      return () => handlers.delete(h);
    },
  };
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install chromium (.ci/run does)`);
  execSync('npx webpack --env enginePage --mode production', { cwd: ROOT, stdio: 'pipe' });
  server = await startPlaygroundServer({ port: 0, bundleDir: join(ROOT, 'out', 'engine-page') });
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
  page = await browser.newPage();
  page.on('console', (m) => pageLog.push(m.text()));
  page.on('pageerror', (e) => pageLog.push(`pageerror: ${e.message}`));
  const channel = await bridgeTo(page);
  await page.goto(`${server.url}engine/index.html`);
  client = new EngineClient(channel, { readyTimeoutMs: 60000 });
}, 180000);

afterAll(async () => {
  client?.dispose();
  await browser?.close();
  await server?.close();
});

function scene(w: number, h: number): { original: LabelMap; edited: LabelMap } {
  const original = labelMap(w, h, 3); // sky
  rect(original, 0, h / 2, w, h, 22); // water below
  const edited = { ...original, labels: new Uint8Array(original.labels) };
  rect(edited, w / 4, h / 2 - 8, (3 * w) / 4, h / 2, 22); // raise the water line in the middle
  return { original, edited };
}

test('the shipped engine page answers over the bridge and runs a real edit with onnxruntime-web', async () => {
  expect(await client.ready()).toMatch(/wasm|webgpu/);
  const { original, edited } = scene(96, 64);
  const image = texture(96, 64, 3);
  const stages: string[] = [];
  const r = await client.edit({ job: { image, original, edited, references: [], seed: 0 }, palette: ADE20K }, { onProgress: (e) => stages.push(e.stageId) });
  expect(r.unchanged).toBe(false);
  expect(stages).toEqual(expect.arrayContaining(['send', 'warp', 'receive']));
  let outsideDiffer = 0, inside = 0, insideDiffer = 0;
  for (let i = 0; i < 96 * 64; i++) {
    const differs = [0, 1, 2].some((c) => r.image.data[i * 4 + c] !== image.data[i * 4 + c]);
    if (!r.mask.mask[i]) outsideDiffer += differs ? 1 : 0;
    else if (r.mask.hole[i]) {
      inside++;
      insideDiffer += differs ? 1 : 0;
    }
  }
  expect(outsideDiffer).toBe(0);
  expect(inside).toBeGreaterThan(300);
  expect(insideDiffer / inside).toBeGreaterThan(0.5);
  expect(pageLog.filter((l) => l.startsWith('pageerror'))).toEqual([]);
}, 120000);

test('cancel reaches the engine page and nothing comes back', async () => {
  const { original, edited } = scene(160, 120);
  const controller = new AbortController();
  const run = client.edit(
    { job: { image: texture(160, 120, 5), original, edited, references: [], seed: 1 }, palette: ADE20K },
    { signal: controller.signal, onProgress: (e) => e.type === 'stage' && controller.abort() },
  );
  await expect(run).rejects.toBeInstanceOf(CancelledError);
  // The engine is still usable afterwards.
  const again = await client.edit({ job: { image: texture(96, 64, 3), original: scene(96, 64).original, edited: scene(96, 64).edited, references: [], seed: 0 }, palette: ADE20K });
  expect(again.unchanged).toBe(false);
}, 120000);
