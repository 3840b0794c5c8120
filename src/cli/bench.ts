// `relayout bench`: wall time, throughput and peak memory of one edit at 1, 4 and 16 megapixels (the
// sample photo scaled up, 15% of the pixels masked), with 1 WASM thread and with all cores, plus dense
// against sparse attention on the same input. Each measurement runs in a child process: onnxruntime's
// thread count is fixed per process, and peak RSS must belong to that run alone.
import { Command } from 'commander';
import { execFileSync } from 'child_process';
import { cpus } from 'os';
import { join } from 'path';
import { writeFileSync } from 'fs';
import { RgbaImage } from '../layout';
import { EngineParams, runEdit } from '../inference';
import { readImage } from './image-io';
import { nodeRunner, packageRoot } from './models-node';
import { regionBounds } from './metrics';
import { regionOfFraction } from './regions';
import { loadScene, rasterizeOriginal, scenePalette } from './scenes';

const SCENE = 'samples/evening-glow';

interface Measurement {
  megapixels: number;
  maskFraction: number;
  threads: number;
  medianSeconds: number;
  megapixelsPerSecond: number;
  peakRssMB: number;
  stages: Record<string, number>;
  repeats: number;
}

/** Bilinear RGBA resize (the benches only need a plausible photo of the requested size). */
export function resizeRgba(img: RgbaImage, w: number, h: number): RgbaImage {
  const out = new Uint8Array(w * h * 4);
  const sx = img.width / w, sy = img.height / h;
  for (let y = 0; y < h; y++) {
    const fy = Math.max(0, (y + 0.5) * sy - 0.5), y0 = Math.floor(fy), y1 = Math.min(img.height - 1, y0 + 1), ty = fy - y0;
    for (let x = 0; x < w; x++) {
      const fx = Math.max(0, (x + 0.5) * sx - 0.5), x0 = Math.floor(fx), x1 = Math.min(img.width - 1, x0 + 1), tx = fx - x0;
      const a = (y0 * img.width + x0) * 4, b = (y0 * img.width + x1) * 4, c = (y1 * img.width + x0) * 4, d = (y1 * img.width + x1) * 4;
      const o = (y * w + x) * 4;
      for (let k = 0; k < 4; k++) {
        out[o + k] = Math.round((img.data[a + k] * (1 - tx) + img.data[b + k] * tx) * (1 - ty) + (img.data[c + k] * (1 - tx) + img.data[d + k] * tx) * ty);
      }
    }
  }
  return { width: w, height: h, data: out };
}

/** Size with the sample's 16:10 aspect and about `mp` megapixels. */
export function sizeFor(mp: number): [number, number] {
  const h = Math.round(Math.sqrt((mp * 1e6 * 10) / 16));
  return [Math.round((h * 16) / 10), h];
}

/** One measurement in this process: warm-up run, then `repeats` timed runs. Prints JSON. */
async function benchWorker(opts: { mp: number; threads: number; repeats: number; fraction: number; params?: string }): Promise<void> {
  const scene = loadScene(join(packageRoot(), SCENE));
  const palette = scenePalette(scene);
  const [W, H] = sizeFor(opts.mp);
  const photo = readImage(join(scene.dir, scene.photo), 'sample photo');
  const image = photo.width === W && photo.height === H ? photo : resizeRgba(photo, W, H);
  const layout = rasterizeOriginal(scene, W, H);
  const region = regionOfFraction(layout, opts.fraction, 7);
  const params: Partial<EngineParams> | undefined = opts.params ? JSON.parse(opts.params) : undefined;
  const runner = nodeRunner(opts.threads);
  const job = { image, original: layout, edited: layout, extraMask: region, references: [], seed: 1 };
  await runEdit(job, palette, { runner, params }); // warm-up: session creation is not part of an edit
  const times: number[] = [];
  const stages: Record<string, number> = {};
  for (let r = 0; r < opts.repeats; r++) {
    const t0 = process.hrtime.bigint();
    const res = await runEdit(job, palette, { runner, params });
    times.push(Number(process.hrtime.bigint() - t0) / 1e9);
    for (const [k, v] of Object.entries(res.timings)) stages[k] = (stages[k] ?? 0) + v / 1000 / opts.repeats;
  }
  await runner.dispose();
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)];
  let masked = 0;
  for (const v of region) masked += v;
  const m: Measurement = {
    megapixels: (W * H) / 1e6,
    maskFraction: masked / (W * H),
    threads: opts.threads,
    medianSeconds: median,
    megapixelsPerSecond: (W * H) / 1e6 / median,
    peakRssMB: process.resourceUsage().maxRSS / 1024,
    stages,
    repeats: opts.repeats,
  };
  process.stdout.write(`${JSON.stringify(m)}\n`);
}

/** Runs `relayout <command> --worker …args` in a child process and parses the JSON line it prints last. */
export function runWorker<T>(command: string, args: string[]): T {
  const out = execFileSync(process.execPath, [process.argv[1], command, '--worker', ...args], { encoding: 'utf8', maxBuffer: 1 << 24 });
  return JSON.parse(out.trim().split('\n').pop()!) as T;
}

const runChild = (args: string[]): Measurement => runWorker<Measurement>('bench', args);

/**
 * Dense against sparse attention at one pyramid level f, on the 1 MP input: "dense" attends from every
 * target location of the edit's crop to every source location at level f in one step (coarseTokens = the
 * atlas at f, no refinement levels); "sparse" is the engine's own plan (dense at ≤ 4096 locations, then
 * PatchMatch levels) stopping at the same level. f is the finest level whose dense score matrix (with
 * the top-k's working copies, about 3× its size) fits in 2 GB.
 */
function denseLevel(mp: number): { level: number; params: { dense: Partial<EngineParams>; sparse: Partial<EngineParams> }; scoreMB: number } {
  const scene = loadScene(join(packageRoot(), SCENE));
  const [W, H] = sizeFor(mp);
  const layout = rasterizeOriginal(scene, W, H);
  const region = regionOfFraction(layout, 0.15, 7);
  const { x0, y0, x1, y1 } = regionBounds(region, W, H, 0);
  const margin = Math.max(48, Math.round(0.2 * Math.max(x1 - x0, y1 - y0))); // as runEngine plans its crop
  const crop = (Math.min(W, x1 + margin) - Math.max(0, x0 - margin)) * (Math.min(H, y1 + margin) - Math.max(0, y0 - margin));
  for (let f = 1; ; f *= 2) {
    const sources = Math.ceil(W / f) * Math.ceil(H / f);
    const targets = crop / (f * f);
    const bytes = 3 * 4 * sources * targets;
    if (bytes <= 2 * 1024 ** 3) {
      const searchPixels = Math.ceil(targets * 1.05);
      return { level: f, params: { dense: { coarseTokens: sources, searchPixels }, sparse: { searchPixels } }, scoreMB: bytes / 1024 ** 2 };
    }
  }
}

async function benchCommand(opts: { sizes: string; repeats: number; json?: string; threads?: string; dense: boolean; params?: string; fraction: number }): Promise<void> {
  // --params applies to every measurement (the dense-vs-sparse pair adds its own on top).
  const overrides: Partial<EngineParams> = opts.params ? JSON.parse(opts.params) : {};
  const withOverrides = (extra: Partial<EngineParams> = {}): string[] => [
    '--fraction', String(opts.fraction),
    ...(opts.params || Object.keys(extra).length ? ['--params', JSON.stringify({ ...overrides, ...extra })] : []),
  ];
  const sizes = opts.sizes.split(',').map(Number);
  const all = cpus().length;
  const threadSet = opts.threads ? opts.threads.split(',').map(Number) : [...new Set([1, all])];
  const runs: Measurement[] = [];
  console.log(`Relayout benchmark: ${SCENE} scaled to ${sizes.join(', ')} MP, ${Math.round(100 * opts.fraction)}% masked, threads ${threadSet.join(' and ')} (${all} cores), median of ${opts.repeats} after a warm-up`);
  console.log('  MP     threads  median s   MP/s    peak RSS MB   time by stage');
  for (const mp of sizes) {
    for (const threads of threadSet) {
      const repeats = mp >= 16 ? Math.min(opts.repeats, 2) : opts.repeats;
      const m = runChild(['--mp', String(mp), '--threads', String(threads), '--repeats', String(repeats), ...withOverrides()]);
      runs.push(m);
      const total = Object.values(m.stages).reduce((a, b) => a + b, 0) || 1;
      const stages = Object.entries(m.stages).sort((a, b) => b[1] - a[1]).slice(0, 5).map(([k, v]) => `${k} ${Math.round((100 * v) / total)}%`).join(', ');
      console.log(`  ${m.megapixels.toFixed(1).padStart(5)}  ${String(threads).padStart(7)}  ${m.medianSeconds.toFixed(2).padStart(8)}  ${m.megapixelsPerSecond.toFixed(2).padStart(6)}  ${m.peakRssMB.toFixed(0).padStart(12)}   ${stages}`);
    }
  }
  let denseVsSparse: { megapixels: number; level: number; denseSeconds: number; sparseSeconds: number; denseScoreMB: number; densePeakRssMB: number; sparsePeakRssMB: number } | undefined;
  if (opts.dense) {
    const mp = 1;
    const { level, params, scoreMB } = denseLevel(mp);
    const dense = runChild(['--mp', String(mp), '--threads', String(all), '--repeats', '1', ...withOverrides(params.dense)]);
    const sparse = runChild(['--mp', String(mp), '--threads', String(all), '--repeats', '1', ...withOverrides(params.sparse)]);
    denseVsSparse = { megapixels: dense.megapixels, level, denseSeconds: dense.medianSeconds, sparseSeconds: sparse.medianSeconds, denseScoreMB: scoreMB, densePeakRssMB: dense.peakRssMB, sparsePeakRssMB: sparse.peakRssMB };
    console.log(`  dense vs sparse at ${dense.megapixels.toFixed(1)} MP down to level 1/${level} (the finest whose dense scores fit in 2 GB, ~${scoreMB.toFixed(0)} MB): dense ${dense.medianSeconds.toFixed(2)} s (peak ${dense.peakRssMB.toFixed(0)} MB), sparse ${sparse.medianSeconds.toFixed(2)} s (peak ${sparse.peakRssMB.toFixed(0)} MB)`);
  }
  if (opts.json) {
    writeFileSync(opts.json, JSON.stringify({ runs, denseVsSparse }, null, 2));
    console.log(`Wrote ${opts.json}`);
  }
}

export function registerBench(program: Command): void {
  program
    .command('bench')
    .description('time and memory of one edit at 1, 4 and 16 MP (15% masked), 1 thread vs all, dense vs sparse')
    .option('--sizes <list>', 'megapixel sizes', '1,4,16')
    .option('--repeats <n>', 'timed runs per size (median; 16 MP uses at most 2)', (v) => parseInt(v, 10), 3)
    .option('--threads <list>', 'WASM thread counts (default: 1 and all cores)')
    .option('--no-dense', 'skip the dense-vs-sparse comparison')
    .option('--json <file>', 'also write the measurements as JSON')
    .option('--worker', 'internal: run one measurement and print JSON')
    .option('--mp <n>', 'internal: size of the worker run', parseFloat)
    .option('--fraction <f>', 'masked share of the image', parseFloat, 0.15)
    .option('--params <json>', 'engine parameter overrides for every measurement')
    .action((opts: { sizes: string; repeats: number; json?: string; threads?: string; dense: boolean; worker?: boolean; mp?: number; fraction: number; params?: string }) =>
      opts.worker
        ? benchWorker({ mp: opts.mp ?? 1, threads: Number(opts.threads ?? 1), repeats: opts.repeats, fraction: opts.fraction, params: opts.params })
        : benchCommand(opts),
    );
}
