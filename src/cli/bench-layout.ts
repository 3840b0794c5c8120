// `relayout bench-layout` (npm run bench:layout): wall time and peak memory of layout completion on the
// evening-glow sample scaled to 1 and 4 megapixels, from simulated strokes keeping 2, 5 and 20 % of each
// class (as eval-layout simulates them), with the time split by the completion's stages. Each
// measurement runs in a child process, so its peak RSS is its own.
import { Command } from 'commander';
import { writeFileSync } from 'fs';
import { join } from 'path';
import { completeLayout } from '../layout';
import { readImage } from './image-io';
import { packageRoot } from './models-node';
import { loadScene, rasterizeOriginal } from './scenes';
import { simulateStrokes } from './eval-layout-strokes';
import { resizeRgba, runWorker, sizeFor } from './bench';

const SCENE = 'samples/evening-glow';

/**
 * The completion's stages, by the progress fraction it reports when each ends (see completeLayout):
 * the first forest and flood, self-training, islands and closure, the confidence floods, upsampling to full
 * resolution, the full-resolution border pass.
 */
const STAGES: [number, string][] = [
  [0.2, 'forest+flood'],
  [0.3, 'self-training+islands+closure'],
  [0.45, 'confidence'],
  [0.6, 'upsample'],
  [0.9, 'border pass'],
  [1, 'strokes+finish'],
];

interface LayoutMeasurement {
  megapixels: number;
  keep: number;
  strokeFraction: number;
  medianSeconds: number;
  peakRssMB: number;
  stages: Record<string, number>;
  repeats: number;
}

async function benchLayoutWorker(opts: { mp: number; keep: number; repeats: number }): Promise<void> {
  const scene = loadScene(join(packageRoot(), SCENE));
  const [W, H] = sizeFor(opts.mp);
  const photo = readImage(join(scene.dir, scene.photo), 'sample photo');
  const image = photo.width === W && photo.height === H ? photo : resizeRgba(photo, W, H);
  const strokes = simulateStrokes(rasterizeOriginal(scene, W, H), { keep: opts.keep, seed: 1 });
  let painted = 0;
  for (const l of strokes.labels) if (l) painted++;
  await completeLayout(image, strokes); // warm-up (the JIT), as a user's second completion
  const times: number[] = [];
  const stages: Record<string, number> = {};
  for (let r = 0; r < opts.repeats; r++) {
    const t0 = process.hrtime.bigint();
    let last = t0, next = 0;
    await completeLayout(image, strokes, {
      onProgress: (fraction) => {
        const now = process.hrtime.bigint();
        while (next < STAGES.length && fraction >= STAGES[next][0]) {
          const name = STAGES[next++][1];
          stages[name] = (stages[name] ?? 0) + Number(now - last) / 1e9 / opts.repeats;
          last = now;
        }
      },
    });
    times.push(Number(process.hrtime.bigint() - t0) / 1e9);
  }
  times.sort((a, b) => a - b);
  const m: LayoutMeasurement = {
    megapixels: (W * H) / 1e6,
    keep: opts.keep,
    strokeFraction: painted / (W * H),
    medianSeconds: times[Math.floor(times.length / 2)],
    peakRssMB: process.resourceUsage().maxRSS / 1024,
    stages,
    repeats: opts.repeats,
  };
  process.stdout.write(`${JSON.stringify(m)}\n`);
}

async function benchLayoutCommand(opts: { sizes: string; keep: string; repeats: number; json?: string }): Promise<void> {
  const sizes = opts.sizes.split(',').map(Number);
  const keeps = opts.keep.split(',').map(Number);
  console.log(`Layout completion benchmark: ${SCENE} scaled to ${sizes.join(', ')} MP, strokes keeping ${keeps.map((k) => `${Math.round(100 * k)}%`).join(', ')} of each class, median of ${opts.repeats} after a warm-up`);
  console.log('  MP     keep   strokes   median s   peak RSS MB   time by stage');
  const runs: LayoutMeasurement[] = [];
  for (const mp of sizes) {
    for (const keep of keeps) {
      const m = runWorker<LayoutMeasurement>('bench-layout', ['--mp', String(mp), '--keep', String(keep), '--repeats', String(opts.repeats)]);
      runs.push(m);
      const total = Object.values(m.stages).reduce((a, b) => a + b, 0) || 1;
      const stages = Object.entries(m.stages).map(([k, v]) => `${k} ${Math.round((100 * v) / total)}%`).join(', ');
      console.log(`  ${m.megapixels.toFixed(1).padStart(5)}  ${keep.toFixed(2).padStart(5)}  ${(100 * m.strokeFraction).toFixed(1).padStart(6)}%  ${m.medianSeconds.toFixed(2).padStart(8)}  ${m.peakRssMB.toFixed(0).padStart(12)}   ${stages}`);
    }
  }
  if (opts.json) {
    writeFileSync(opts.json, JSON.stringify({ runs }, null, 2));
    console.log(`Wrote ${opts.json}`);
  }
}

export function registerBenchLayout(program: Command): void {
  program
    .command('bench-layout')
    .description('time and memory of layout completion at 1 and 4 MP from 2, 5 and 20 % strokes, by stage')
    .option('--sizes <list>', 'megapixel sizes', '1,4')
    .option('--keep <list>', "share of each class's pixels kept as strokes", '0.02,0.05,0.2')
    .option('--repeats <n>', 'timed runs per measurement (median)', (v) => parseInt(v, 10), 3)
    .option('--json <file>', 'also write the measurements as JSON: {"runs": [{"megapixels", "keep", "medianSeconds", "peakRssMB", "stages", …}]}')
    .option('--worker', 'internal: run one measurement and print JSON')
    .option('--mp <n>', 'internal: size of the worker run', parseFloat)
    .action((opts: { sizes: string; keep: string; repeats: number; json?: string; worker?: boolean; mp?: number }) =>
      opts.worker ? benchLayoutWorker({ mp: opts.mp ?? 1, keep: Number(opts.keep), repeats: opts.repeats }) : benchLayoutCommand(opts),
    );
}
