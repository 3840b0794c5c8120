// End to end in real Chromium (Debian's /usr/bin/chromium driven by playwright-core; never a download):
// open the playground on a downscaled sample scene, pick a class, paint a stroke, Generate, and check the
// new layer changed pixels inside the stroke's mask and left every pixel outside the mask identical;
// then cancel a run and check nothing was added. Screenshots go to out/e2e/.
import { execSync } from 'child_process';
import { existsSync, mkdirSync } from 'fs';
import { join } from 'path';
import { Browser, chromium, Page } from 'playwright-core';

const ROOT = join(__dirname, '..', '..');
const SHOTS = join(ROOT, 'out', 'e2e');
const CHROMIUM = '/usr/bin/chromium';
// A quarter of the 1280×800 scene: the engine runs single-threaded WASM in a worker; this keeps a run short.
const SCALE = 0.25;

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startPlaygroundServer } = require(join(ROOT, 'scripts', 'playground-server.js')) as {
  startPlaygroundServer(o: { port: number }): Promise<{ url: string; close(): Promise<void> }>;
};

let server: { url: string; close(): Promise<void> };
let browser: Browser;
let page: Page;
const consoleLines: string[] = [];

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install chromium (.ci/run does)`);
  mkdirSync(SHOTS, { recursive: true });
  execSync('npx webpack --env playground --mode development', { cwd: ROOT, stdio: 'pipe' });
  server = await startPlaygroundServer({ port: 0 });
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.on('console', (m) => consoleLines.push(`${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => consoleLines.push(`pageerror: ${e.message}`));
  await page.goto(`${server.url}?scale=${SCALE}`);
  await page.waitForFunction(() => /wasm|webgpu/.test(document.querySelector('[data-testid=engine-status]')?.textContent ?? ''), null, { timeout: 60000 });
}, 180000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

afterEach(() => {
  const errors = consoleLines.filter((l) => l.startsWith('pageerror') || l.startsWith('error'));
  expect(errors).toEqual([]);
});

const layerNames = (): Promise<string[]> => page.$$eval('[data-testid=layer]', (els) => els.map((e) => e.getAttribute('data-name') ?? ''));

/** Drags the mouse along image-space points on the label canvas. */
async function paint(points: [number, number][]): Promise<void> {
  const box = (await page.locator('[data-testid=label-canvas]').boundingBox())!;
  const size = await page.evaluate(() => {
    const w = window as unknown as { __relayout: { host: { doc(id: number): { width: number; height: number } }; documentId: number } };
    const d = w.__relayout.host.doc(w.__relayout.documentId);
    return { width: d.width, height: d.height };
  });
  const at = ([x, y]: [number, number]): [number, number] => [box.x + (x * box.width) / size.width, box.y + (y * box.height) / size.height];
  await page.mouse.move(...at(points[0]));
  await page.mouse.down();
  for (const p of points.slice(1)) await page.mouse.move(...at(p), { steps: 8 });
  await page.mouse.up();
}

test('pick a class, paint a stroke, Generate: a new masked layer changes the stroke and nothing outside its mask', async () => {
  await page.fill('[data-testid=class-search]', 'water');
  await page.click('[data-testid="class-water"]');
  await page.waitForFunction(() => (window as unknown as { __relayout: { host: { tool: string } } }).__relayout.host.tool === 'pencil');
  // Flood a band of the gravel shore (earth) with water, across the lower part of the picture.
  await paint([[30, 178], [150, 172], [290, 180]]);
  await page.waitForFunction(() => /of the image will be regenerated/.test(document.querySelector('[data-testid=status-edit]')?.textContent ?? ''));
  await page.screenshot({ path: join(SHOTS, '1-painted.png') });

  // The reference's look: offered once a reference document is picked, in this photo's light by default.
  expect(await page.locator('[data-testid=reference-look]').count()).toBe(0);
  const refValue = await page.$eval('[data-testid=reference]', (el) => Array.from((el as HTMLSelectElement).options).find((o) => o.value !== 'self')!.value);
  await page.selectOption('[data-testid=reference]', refValue);
  await page.waitForSelector('[data-testid=reference-look]');
  expect(await page.$eval('[data-testid=reference-look]', (el) => (el as HTMLSelectElement).value)).toBe('matched');
  await page.screenshot({ path: join(SHOTS, '1b-reference-look.png') });
  await page.selectOption('[data-testid=reference-look]', 'own');
  await page.waitForFunction(async () => {
    const w = window as unknown as { __relayout: { host: { loadSettings(): Promise<{ referenceLook?: string } | null> } } };
    return (await w.__relayout.host.loadSettings())?.referenceLook === 'own';
  });
  await page.selectOption('[data-testid=reference]', 'self');
  await page.waitForFunction(() => !document.querySelector('[data-testid=reference-look]'));

  // Fine detail: kept with the settings (this small scene reaches full resolution either way).
  await page.selectOption('[data-testid=detail]', 'fine');
  await page.waitForFunction(async () => {
    const w = window as unknown as { __relayout: { host: { loadSettings(): Promise<{ detail?: string } | null> } } };
    return (await w.__relayout.host.loadSettings())?.detail === 'fine';
  });
  const before = await layerNames();
  await page.click('[data-testid=generate]');
  await page.waitForSelector('[data-testid=progress]', { timeout: 10000 });
  await page.screenshot({ path: join(SHOTS, '2-generating.png') });
  await page.waitForFunction(() => /Added/.test(document.querySelector('[data-testid=message]')?.textContent ?? ''), null, { timeout: 120000 });
  const after = await layerNames();
  expect(after.length).toBe(before.length + 1);
  expect(after).toContain('Relayout 1 — water');
  // Hide the label overlay to look at the result itself.
  await page.fill('[data-testid=label-opacity]', '0');
  await page.screenshot({ path: join(SHOTS, '3-result.png') });

  const check = await page.evaluate(() => {
    type L = { name: string; image: { data: Uint8Array }; mask: Uint8Array | null };
    const w = window as unknown as { __relayout: { host: { doc(id: number): { width: number; height: number; layers: L[] } }; documentId: number } };
    const d = w.__relayout.host.doc(w.__relayout.documentId);
    const by = (n: string): L => d.layers.find((l) => l.name === n)!;
    const result = by('Relayout 1 — water'), photo = by('Background').image.data;
    const labels = by('Relayout Labels').image.data, original = by('Relayout Original Layout').image.data;
    let stroke = 0, strokeChanged = 0, strokeMasked = 0, outside = 0, outsideDiffer = 0;
    for (let i = 0; i < d.width * d.height; i++) {
      const p = i * 4;
      const differs = result.image.data[p] !== photo[p] || result.image.data[p + 1] !== photo[p + 1] || result.image.data[p + 2] !== photo[p + 2];
      const painted = labels[p] !== original[p] || labels[p + 1] !== original[p + 1] || labels[p + 2] !== original[p + 2];
      if (painted) {
        stroke++;
        if (differs) strokeChanged++;
        if (result.mask![i] > 0) strokeMasked++;
      }
      if (result.mask![i] === 0) {
        outside++;
        if (differs) outsideDiffer++;
      }
    }
    return { stroke, strokeChanged, strokeMasked, outside, outsideDiffer };
  });
  expect(check.stroke).toBeGreaterThan(500);
  expect(check.strokeMasked).toBe(check.stroke); // the mask covers the whole stroke
  expect(check.strokeChanged / check.stroke).toBeGreaterThan(0.9); // the stroke was regenerated
  expect(check.outside).toBeGreaterThan(0.5 * 320 * 200);
  expect(check.outsideDiffer).toBe(0); // untouched outside the mask, bit for bit
}, 180000);

test('Cancel during a run adds nothing and says so', async () => {
  await page.fill('[data-testid=variations]', '4');
  const before = await layerNames();
  await page.click('[data-testid=generate]');
  await page.waitForFunction(() => /Engine:|Sending|Receiving/.test(document.querySelector('[data-testid=progress]')?.textContent ?? ''), null, { timeout: 30000 });
  await page.click('[data-testid=cancel]');
  await page.waitForFunction(() => /Cancelled/.test(document.querySelector('[data-testid=message]')?.textContent ?? ''), null, { timeout: 10000 });
  await page.screenshot({ path: join(SHOTS, '4-cancelled.png') });
  // Give a late engine answer every chance to (wrongly) land.
  await page.waitForTimeout(3000);
  expect(await layerNames()).toEqual(before);
  await page.fill('[data-testid=variations]', '1');
}, 120000);

test('Clear labels, paint a few strokes, Complete layout: every pixel labelled, strokes kept, one undo step', async () => {
  await page.fill('[data-testid=label-opacity]', '0.6'); // see the strokes and the completion in the screenshots
  await page.click('[data-testid=clear-labels]');
  const strokes: [string, [number, number][]][] = [
    ['sky', [[20, 30], [160, 45], [300, 25]]],
    ['water', [[20, 92], [140, 90], [230, 96]]],
    ['earth', [[120, 190], [220, 185], [310, 192]]],
    ['boat', [[30, 150], [55, 165]]],
  ];
  for (const [name, points] of strokes) {
    await page.fill('[data-testid=class-search]', name);
    await page.click(`[data-testid="class-${name}"]`);
    await paint(points);
  }
  const sparse = await page.evaluate(() => {
    type L = { name: string; image: { data: Uint8Array } };
    const w = window as unknown as { __relayout: { host: { doc(id: number): { width: number; height: number; layers: L[] } }; documentId: number } };
    const d = w.__relayout.host.doc(w.__relayout.documentId);
    const data = d.layers.find((l) => l.name === 'Relayout Labels')!.image.data;
    let painted = 0;
    for (let i = 0; i < d.width * d.height; i++) if (data[i * 4 + 3]) painted++;
    return { painted, total: d.width * d.height, copy: Array.from(data) };
  });
  expect(sparse.painted).toBeGreaterThan(200);
  expect(sparse.painted).toBeLessThan(0.2 * sparse.total); // strokes, not a layout
  await page.screenshot({ path: join(SHOTS, '5-strokes.png') });

  await page.click('[data-testid=complete-layout]');
  await page.waitForFunction(() => /Completed the layout/.test(document.querySelector('[data-testid=message]')?.textContent ?? ''), null, { timeout: 60000 });
  await page.screenshot({ path: join(SHOTS, '6-completed.png') });
  const done = await page.evaluate(() => {
    type L = { name: string; image: { data: Uint8Array } };
    type D = { width: number; height: number; layers: L[]; history: string[] };
    const w = window as unknown as { __relayout: { host: { doc(id: number): D }; documentId: number } };
    const d = w.__relayout.host.doc(w.__relayout.documentId);
    const data = d.layers.find((l) => l.name === 'Relayout Labels')!.image.data;
    const colours = new Set<string>();
    let opaque = 0;
    for (let i = 0; i < d.width * d.height; i++) {
      if (data[i * 4 + 3] === 255) opaque++;
      colours.add(`${data[i * 4]},${data[i * 4 + 1]},${data[i * 4 + 2]}`);
    }
    return { opaque, colours: [...colours], history: d.history.slice(-1), data: Array.from(data) };
  });
  expect(done.opaque).toBe(sparse.total);
  // ADE20K: sky, water, earth, boat; nothing else.
  expect(done.colours.sort()).toEqual(['120,120,70', '173,255,0', '6,230,230', '61,230,250'].sort());
  for (let i = 0; i < sparse.total; i++) {
    if (!sparse.copy[i * 4 + 3]) continue;
    for (let c = 0; c < 3; c++) if (done.data[i * 4 + c] !== sparse.copy[i * 4 + c]) throw new Error(`stroke pixel ${i} changed`);
  }
  expect(done.history).toEqual(['Relayout: complete layout']);
  // The pixels worth checking: a layer in the list, drawn in magenta over the labels.
  expect(await page.locator('[data-testid=layer][data-name="Relayout Check Here"]').count()).toBe(1);
  const check = await page.evaluate(() => {
    type L = { name: string; image: { data: Uint8Array } };
    const w = window as unknown as { __relayout: { host: { doc(id: number): { width: number; height: number; layers: L[] } }; documentId: number } };
    const d = w.__relayout.host.doc(w.__relayout.documentId);
    const data = d.layers.find((l) => l.name === 'Relayout Check Here')!.image.data;
    const canvas = document.querySelector('[data-testid=check-canvas]') as HTMLCanvasElement;
    const shown = canvas.getContext('2d')!.getImageData(0, 0, d.width, d.height).data;
    let marked = 0, drawn = 0;
    for (let i = 0; i < d.width * d.height; i++) {
      if (data[i * 4 + 3]) marked++;
      if (shown[i * 4 + 3] && shown[i * 4] > 200 && shown[i * 4 + 1] < 60 && shown[i * 4 + 2] > 200) drawn++;
    }
    return { marked, drawn, message: document.querySelector('[data-testid=message]')?.textContent ?? '' };
  });
  expect(check.marked).toBeGreaterThan(0);
  expect(check.drawn).toBe(check.marked);
  expect(check.message).toContain('marked in magenta in the layer "Relayout Check Here"');
}, 120000);
