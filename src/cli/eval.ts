// `relayout eval`: the patent's reconstruction protocol on the bundled scenes. Regions (2–20% of the image,
// inside one class or across a border) are regenerated with the layout unchanged and compared with the
// photo inside the region, for relayout, the class-mean baseline and OpenCV's Telea inpainting. Also
// renders the edit gallery: every authored edit of every scene, side by side.
import { Command } from 'commander';
import { mkdirSync, writeFileSync } from 'fs';
import { join, resolve } from 'path';
import { Bounds, RgbaImage } from '../layout';
import { EngineParams, ReferenceSource, runEdit } from '../inference';
import { parseEngineParams } from './engine-params';
import { readImage, writeImage } from './image-io';
import { fineDetail, misalignedCopy, psnr, regionBounds, regionMetrics, RegionMetrics, ssim, ssimByDepth } from './metrics';
import { nodeRunner } from './models-node';
import { evalRegions } from './regions';
import { listScenes, loadScene, rasterizeEdit, rasterizeOriginal, Scene, scenePalette } from './scenes';
import { compareSheet, sideBySide } from './sheet';
import { teleaInpaint } from './telea';

const METHODS = ['relayout', 'baseline', 'telea'] as const;
/** Sideways shifts (px) of the photo scored as a reference: its own texture, out of place by that much. */
const MISALIGNED_PX = [4, 16] as const;
/** Fine detail RMS (levels) from which a region counts as textured for the repetition mean. */
const TEXTURED_RMS = 10;
type Method = (typeof METHODS)[number];

interface EvalOpts {
  root: string;
  out: string;
  json?: string;
  perScene: number;
  seed: number;
  params?: string;
  gallery: boolean;
  scenes?: string;
}

interface Row {
  region: string;
  fraction: number;
  /** `repetition` of the photo itself in the region (what a real texture scores), and its detail's RMS. */
  truthRepetition: number;
  truthDetail: number;
  metrics: Record<Method, RegionMetrics>;
  seconds: Record<Method, number>;
  /** PSNR and SSIM of the photo shifted sideways by each of MISALIGNED_PX (keyed by the shift). */
  misaligned: Record<string, { psnr: number; ssim: number }>;
  /** Each method's SSIM in the DEPTH_BANDS (NaN where the region has no pixel that deep). */
  ssimByDepth: Record<Method, number[]>;
}

/**
 * Depth bands (px from the region's border) SSIM is also reported in. SSIM's window reaches about 4 px,
 * so the first band's windows hold untouched pixels; past 16 px a fill scores only by pixel-aligned
 * structure, which no method has without the truth (a perfect but misplaced texture scores below a flat
 * fill there: see the misaligned reference).
 */
const DEPTH_BANDS = [4, 16, Infinity];
const DEPTH_NAMES = DEPTH_BANDS.map((e, k) => (k === 0 ? `≤${e}` : e === Infinity ? `>${DEPTH_BANDS[k - 1]}` : `${DEPTH_BANDS[k - 1] + 1}–${e}`));

/** A crop of the image with the region's outline drawn in (for contact sheets). */
function cropWithOutline(img: RgbaImage, region: Uint8Array | null, b: Bounds): RgbaImage {
  const w = b.x1 - b.x0, h = b.y1 - b.y0;
  const out = new Uint8Array(w * h * 4);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const gx = x + b.x0, gy = y + b.y0, gi = gy * img.width + gx;
      const p = gi * 4, q = (y * w + x) * 4;
      let edge = false;
      if (region && region[gi]) {
        edge = [[1, 0], [-1, 0], [0, 1], [0, -1]].some(([dx, dy]) => {
          const nx = gx + dx, ny = gy + dy;
          return nx < 0 || ny < 0 || nx >= img.width || ny >= img.height || !region[ny * img.width + nx];
        });
      }
      out[q] = edge ? 255 : img.data[p];
      out[q + 1] = edge ? 230 : img.data[p + 1];
      out[q + 2] = edge ? 0 : img.data[p + 2];
      out[q + 3] = 255;
    }
  }
  return { width: w, height: h, data: out };
}

function fmt(v: number, d = 2): string {
  return v.toFixed(d);
}

async function evalCommand(opts: EvalOpts): Promise<void> {
  const started = Date.now();
  const params = parseEngineParams(opts.params);
  const wanted = opts.scenes ? new Set(opts.scenes.split(',')) : null;
  const scenes = listScenes(opts.root).filter((s) => !wanted || wanted.has(s.name));
  mkdirSync(opts.out, { recursive: true });
  const runner = nodeRunner();
  const rows: Row[] = [];
  const stageMs: Record<string, number> = {};
  console.log(`Reconstruction evaluation: ${scenes.length} scenes, ${opts.perScene} regions each, methods ${METHODS.join(', ')}`);
  for (const [si, scene] of scenes.entries()) {
    const palette = scenePalette(scene);
    const photo = readImage(join(scene.dir, scene.photo), 'scene photo');
    const layout = rasterizeOriginal(scene, photo.width, photo.height);
    for (const region of evalRegions(layout, opts.perScene, opts.seed * 1000 + si + 1, scene.name)) {
      const outputs = {} as Record<Method, RgbaImage>;
      const seconds = {} as Record<Method, number>;
      for (const method of METHODS) {
        const t0 = Date.now();
        if (method === 'telea') {
          outputs.telea = await teleaInpaint(photo, region.mask);
        } else {
          // No feather: a feathered border would blend the truth (still in the input photo) into the result.
          const job = { image: photo, original: layout, edited: layout, extraMask: region.mask, references: [], seed: opts.seed, maskOptions: { featherPx: 0 } };
          const r = await runEdit(job, palette, { method, runner, params });
          outputs[method] = r.image;
          if (method === 'relayout') for (const [k, v] of Object.entries(r.timings)) stageMs[k] = (stageMs[k] ?? 0) + v;
        }
        seconds[method] = (Date.now() - t0) / 1000;
      }
      const metrics = {} as Record<Method, RegionMetrics>;
      for (const m of METHODS) metrics[m] = regionMetrics(outputs[m], photo, region.mask, layout.labels);
      const truth = fineDetail(photo, region.mask, layout.labels);
      const misaligned = Object.fromEntries(MISALIGNED_PX.map((dx) => {
        const copy = misalignedCopy(photo, region.mask, dx, 0);
        return [String(dx), { psnr: psnr(copy, photo, region.mask), ssim: ssim(copy, photo, region.mask) }];
      }));
      const byDepth = Object.fromEntries(METHODS.map((m) => [m, ssimByDepth(outputs[m], photo, region.mask, DEPTH_BANDS)])) as Record<Method, number[]>;
      rows.push({ region: region.name, fraction: region.fraction, truthRepetition: truth.repetition, truthDetail: truth.rms, metrics, seconds, misaligned, ssimByDepth: byDepth });
      const tight = regionBounds(region.mask, photo.width, photo.height, 0);
      const pad = Math.round(0.25 * Math.max(tight.x1 - tight.x0, tight.y1 - tight.y0));
      const b = regionBounds(region.mask, photo.width, photo.height, pad);
      writeImage(join(opts.out, `${region.name}.png`), sideBySide([cropWithOutline(photo, region.mask, b), ...METHODS.map((m) => cropWithOutline(outputs[m], null, b))], 420));
      console.log(
        `  ${region.name.padEnd(24)} ${(100 * region.fraction).toFixed(1).padStart(5)}%  ` +
          METHODS.map((m) => `${m} ${fmt(metrics[m].psnr)} dB/${fmt(metrics[m].ssim, 3)}`).join('  ') +
          `  (${fmt(seconds.relayout, 1)} s)`,
      );
    }
  }
  // Repetition is averaged over the textured regions only: in a faint texture a repeated copy does not
  // show, and the autocorrelation of what is left is high whatever fills it (see detailRms).
  const textured = rows.filter((r) => r.truthDetail >= TEXTURED_RMS);
  const means = {} as Record<Method, RegionMetrics & { seconds: number }>;
  for (const m of METHODS) {
    const avg = (f: (r: Row) => number): number => rows.reduce((s, r) => s + f(r), 0) / Math.max(1, rows.length);
    means[m] = {
      psnr: avg((r) => r.metrics[m].psnr),
      ssim: avg((r) => r.metrics[m].ssim),
      sharpness: avg((r) => r.metrics[m].sharpness),
      seam: avg((r) => r.metrics[m].seam),
      repetition: textured.reduce((a, r) => a + r.metrics[m].repetition, 0) / Math.max(1, textured.length),
      seconds: avg((r) => r.seconds[m]),
    };
  }
  console.log(`\nMeans over ${rows.length} regions (sheets: truth | ${METHODS.join(' | ')} in ${opts.out}/):`);
  console.log('  method     PSNR dB   SSIM    sharpness  seam    repetition  s/region');
  for (const m of METHODS) {
    const v = means[m];
    console.log(`  ${m.padEnd(9)}  ${fmt(v.psnr).padStart(6)}   ${fmt(v.ssim, 3)}   ${fmt(v.sharpness).padStart(6)}     ${fmt(v.seam).padStart(5)}   ${fmt(v.repetition).padStart(6)}      ${fmt(v.seconds).padStart(5)}`);
  }
  // Each band's mean over the regions that reach it.
  const depthMeans = Object.fromEntries(METHODS.map((m) => [m, DEPTH_BANDS.map((_, k) => {
    const vals = rows.map((r) => r.ssimByDepth[m][k]).filter((v) => !Number.isNaN(v));
    return vals.reduce((a, v) => a + v, 0) / Math.max(1, vals.length);
  })])) as Record<Method, number[]>;
  console.log(`  SSIM by depth from the region border (${DEPTH_NAMES.join(' / ')} px): ${METHODS.map((m) => `${m} ${depthMeans[m].map((v) => fmt(v, 3)).join(' / ')}`).join('; ')}`);
  const truthRepetition = textured.reduce((a, r) => a + r.truthRepetition, 0) / Math.max(1, textured.length);
  // What a perfect but misplaced texture scores: SSIM's σ 1.5 window rewards pixel-aligned structure only.
  const misaligned = Object.fromEntries(MISALIGNED_PX.map((dx) => {
    const avg = (k: 'psnr' | 'ssim'): number => rows.reduce((s, r) => s + r.misaligned[String(dx)][k], 0) / Math.max(1, rows.length);
    return [String(dx), { psnr: avg('psnr'), ssim: avg('ssim') }];
  }));
  console.log(`  (reference: the photo itself shifted ${MISALIGNED_PX.join(' / ')} px sideways scores ` +
    `PSNR ${MISALIGNED_PX.map((dx) => fmt(misaligned[String(dx)].psnr)).join(' / ')} dB, SSIM ${MISALIGNED_PX.map((dx) => fmt(misaligned[String(dx)].ssim, 3)).join(' / ')})`);
  console.log(`  (repetition: over the ${textured.length} textured regions, fine detail RMS ≥ ${TEXTURED_RMS} levels; the photo itself scores ${fmt(truthRepetition)} there, a lattice of one repeated tile near 1)`);
  const totalMs = Object.values(stageMs).reduce((a, b) => a + b, 0) || 1;
  console.log(`  relayout time by stage: ${Object.entries(stageMs).map(([k, v]) => `${k} ${Math.round((100 * v) / totalMs)}%`).join(', ')}`);
  const r = means.relayout, t = means.telea, bl = means.baseline;
  const checks: [string, boolean][] = [
    ['PSNR above baseline', r.psnr > bl.psnr],
    ['SSIM above baseline', r.ssim > bl.ssim],
    ['sharpness closer to 1 than telea', Math.abs(r.sharpness - 1) < Math.abs(t.sharpness - 1)],
    ['seam below telea', r.seam < t.seam],
    ['PSNR within 1 dB of telea', r.psnr >= t.psnr - 1],
  ];
  console.log(`  targets: ${checks.map(([name, ok]) => `${ok ? 'met' : 'MISSED'}: ${name}`).join('; ')}`);

  if (opts.gallery) await renderGallery(scenes, join(opts.out, 'gallery'), runner, params);
  await runner.dispose();
  if (opts.json) {
    const strip = (m: Method): RegionMetrics & { seconds: number; ssimByDepth: Record<string, number> } => {
      const v = means[m];
      const ssimByDepthMeans = Object.fromEntries(DEPTH_NAMES.map((name, k) => [name, depthMeans[m][k]]));
      return { psnr: v.psnr, ssim: v.ssim, sharpness: v.sharpness, seam: v.seam, repetition: v.repetition, seconds: v.seconds, ssimByDepth: ssimByDepthMeans };
    };
    // NaN (a band a region does not reach) is written as null.
    const json = { regions: rows.length, texturedRegions: textured.length, truthRepetition, misalignedPhoto: misaligned, depthBandsPx: DEPTH_NAMES, methods: Object.fromEntries(METHODS.map((m) => [m, strip(m)])), perRegion: rows };
    writeFileSync(opts.json, JSON.stringify(json, null, 2));
    console.log(`Wrote ${opts.json}`);
  }
  console.log(`Done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/** Every authored edit of every scene (references included) as photo | layouts | mask | result sheets. */
async function renderGallery(scenes: Scene[], dir: string, runner: ReturnType<typeof nodeRunner>, params: Partial<EngineParams> | undefined): Promise<void> {
  mkdirSync(dir, { recursive: true });
  console.log(`\nEdit gallery → ${dir}/`);
  for (const scene of scenes) {
    const palette = scenePalette(scene);
    const photo = readImage(join(scene.dir, scene.photo), 'scene photo');
    const original = rasterizeOriginal(scene, photo.width, photo.height);
    for (const edit of scene.edits) {
      const t0 = Date.now();
      const edited = rasterizeEdit(scene, edit, photo.width, photo.height);
      const references: ReferenceSource[] = [];
      if (edit.reference) {
        const ref = loadScene(resolve(scene.dir, '..', edit.reference));
        const image = readImage(join(ref.dir, ref.photo), 'reference photo');
        references.push({ image, layout: rasterizeOriginal(ref, image.width, image.height) });
      }
      const result = await runEdit({ image: photo, original, edited, references, seed: 1 }, palette, { runner, params });
      const path = join(dir, `${scene.name}-${edit.name}.png`);
      writeImage(path, compareSheet(photo, original, edited, palette, result));
      console.log(`  ${`${scene.name}/${edit.name}`.padEnd(32)} ${edit.reference ? `(reference: ${edit.reference}) ` : ''}${Date.now() - t0} ms`);
    }
  }
}

export function registerEval(program: Command): void {
  program
    .command('eval')
    .description('reconstruction evaluation (relayout vs baseline vs Telea) and the edit gallery')
    .option('--root <dir>', 'folder of scenes', 'samples')
    .option('--out <dir>', 'output folder for contact sheets and the gallery', 'out/eval')
    .option('--json <file>', 'also write the means (and per-region rows) as JSON')
    .option('--per-scene <n>', 'regions per scene', (v) => parseInt(v, 10), 7)
    .option('--seed <n>', 'seed for regions and the engine', (v) => parseInt(v, 10), 1)
    .option('--params <json>', 'engine parameter overrides, e.g. {"gamma":80}')
    .option('--scenes <names>', 'comma-separated scene names (default: all)')
    .option('--no-gallery', 'skip the edit gallery')
    .action((opts: EvalOpts) => evalCommand(opts));
}
