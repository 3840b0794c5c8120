// `relayout eval-layout` (npm run eval:layout): the sparse-layout protocol on the sample scenes. For each
// scene and keep fraction, simulated strokes keep that fraction of every class; the completion and a
// nearest-stroke (Voronoi) baseline are scored against the authored layout (mean IoU over classes, pixel
// accuracy) and written as overlay sheets. Node only (reads scenes, writes PNG and JSON).
import { Command, InvalidArgumentError } from 'commander';
import { mkdirSync, writeFileSync } from 'fs';
import { dirname, join } from 'path';
import {
  completeLayout,
  CompletionTuning,
  encodeLabels,
  InputError,
  LabelMap,
  nearestStrokeLabels,
  Palette,
  RgbaImage,
  squaredDistanceTransform,
} from '../layout';
import { readImage, writeImage } from './image-io';
import { listScenes, rasterizeOriginal, scenePalette } from './scenes';
import { sideBySide } from './sheet';
import { simulateStrokes } from './eval-layout-strokes';
import { greyImage } from './complete';

export const DEFAULT_KEEP = [0.02, 0.05, 0.1, 0.2];
export const DEFAULT_SEEDS = [1, 2, 3];
/** Width (px) of the band around authored borders left out in the ceiling check. */
const CEILING_BAND_PX = 8;

export interface LayoutScore {
  /** Mean over the classes of the truth of |pred ∩ truth| / |pred ∪ truth|. */
  miou: number;
  /** Fraction of labeled truth pixels given the right class. */
  accuracy: number;
}

/** IoU |pred ∩ truth| / |pred ∪ truth| of every class of the truth, by label. */
export function classIous(truth: LabelMap, pred: LabelMap): Map<number, number> {
  const inter = new Float64Array(256), truthCount = new Float64Array(256), predCount = new Float64Array(256);
  for (let i = 0; i < truth.labels.length; i++) {
    const t = truth.labels[i];
    if (!t) continue;
    const p = pred.labels[i];
    truthCount[t]++;
    predCount[p]++;
    if (p === t) inter[t]++;
  }
  const ious = new Map<number, number>();
  for (let l = 1; l < 256; l++) if (truthCount[l]) ious.set(l, inter[l] / (truthCount[l] + predCount[l] - inter[l]));
  return ious;
}

/** Scores a completed layout against the truth (classes are those present in the truth); `ious` when already computed. */
export function scoreLayout(truth: LabelMap, pred: LabelMap, ious = classIous(truth, pred)): LayoutScore {
  let correct = 0, total = 0;
  for (let i = 0; i < truth.labels.length; i++) {
    if (!truth.labels[i]) continue;
    total++;
    if (pred.labels[i] === truth.labels[i]) correct++;
  }
  const values = [...ious.values()];
  return { miou: values.length ? values.reduce((a, b) => a + b, 0) / values.length : 0, accuracy: total ? correct / total : 0 };
}

function meanScore(scores: LayoutScore[]): LayoutScore {
  const mean = (f: (s: LayoutScore) => number): number => scores.reduce((a, s) => a + f(s), 0) / scores.length;
  return { miou: mean((s) => s.miou), accuracy: mean((s) => s.accuracy) };
}

/** Every pixel farther than `bandPx` from a border of `truth`, as strokes (the ceiling check's input). */
function allButBorders(truth: LabelMap, bandPx: number): LabelMap {
  const { width: w, height: h, labels: t } = truth;
  const d2 = squaredDistanceTransform(w, h, (i) => {
    const x = i % w;
    return (x + 1 < w && t[i] !== t[i + 1]) || (x > 0 && t[i] !== t[i - 1]) || (i + w < t.length && t[i] !== t[i + w]) || (i >= w && t[i] !== t[i - w]);
  });
  const out = new Uint8Array(t.length);
  for (let i = 0; i < t.length; i++) if (d2[i] > bandPx * bandPx) out[i] = t[i];
  return { width: w, height: h, labels: out };
}

/** Palette colours blended with the photo, so one sees whether borders follow edges. */
function blendLabels(photo: RgbaImage, map: LabelMap, palette: Palette, alpha = 0.55): RgbaImage {
  const colours = encodeLabels(map, palette);
  const out = new Uint8Array(photo.data.length);
  for (let p = 0; p < out.length; p += 4) {
    const a = colours.data[p + 3] ? alpha : 0;
    for (let c = 0; c < 3; c++) out[p + c] = Math.round(photo.data[p + c] * (1 - a) + colours.data[p + c] * a);
    out[p + 3] = 255;
  }
  return { width: photo.width, height: photo.height, data: out };
}

/** Strokes in full colour over the darkened photo. */
function strokesOverPhoto(photo: RgbaImage, strokes: LabelMap, palette: Palette): RgbaImage {
  const colours = encodeLabels(strokes, palette);
  const out = new Uint8Array(photo.data.length);
  for (let p = 0; p < out.length; p += 4) {
    for (let c = 0; c < 3; c++) out[p + c] = colours.data[p + 3] ? colours.data[p + c] : Math.round(photo.data[p + c] * 0.4);
    out[p + 3] = 255;
  }
  return { width: photo.width, height: photo.height, data: out };
}

/** Wrong pixels in the colour of the class they were given, over the dimmed grey photo. */
function errorsOverPhoto(photo: RgbaImage, truth: LabelMap, pred: LabelMap, palette: Palette): RgbaImage {
  const colours = encodeLabels(pred, palette);
  const out = new Uint8Array(photo.data.length);
  for (let i = 0, p = 0; i < truth.labels.length; i++, p += 4) {
    const grey = Math.round((photo.data[p] + photo.data[p + 1] + photo.data[p + 2]) / 6);
    const wrong = truth.labels[i] && pred.labels[i] !== truth.labels[i];
    for (let c = 0; c < 3; c++) out[p + c] = wrong ? colours.data[p + c] : grey;
    out[p + 3] = 255;
  }
  return { width: photo.width, height: photo.height, data: out };
}

/** Stacks images top to bottom (left-aligned, dark background). */
function stackRows(rows: RgbaImage[]): RgbaImage {
  const width = Math.max(...rows.map((r) => r.width));
  const height = rows.reduce((s, r) => s + r.height, 0);
  const data = new Uint8Array(width * height * 4);
  let y0 = 0;
  for (const r of rows) {
    for (let y = 0; y < r.height; y++) data.set(r.data.subarray(y * r.width * 4, (y + 1) * r.width * 4), (y0 + y) * width * 4);
    y0 += r.height;
  }
  return { width, height, data };
}

export interface EvalLayoutOptions {
  samples: string;
  out: string;
  json?: string;
  keep: number[];
  seeds: number[];
  tuning?: Partial<CompletionTuning>;
  sheets: boolean;
}

interface Row {
  scene: string;
  keep: number;
  method: LayoutScore;
  baseline: LayoutScore;
  ms: number;
  /** Mean confidence (0..255) of wrongly and rightly completed pixels (strokes excluded). */
  confidenceWrong: number;
  confidenceRight: number;
  /** IoU of each class of the truth (by name), averaged over the seeds. */
  perClass: Map<string, number>;
}

/** Mean confidence over the wrongly and the rightly completed non-stroke pixels. */
function confidenceSplit(truth: LabelMap, strokes: LabelMap, pred: LabelMap, confidence: Uint8Array): [number, number] {
  let wrong = 0, nWrong = 0, right = 0, nRight = 0;
  for (let i = 0; i < truth.labels.length; i++) {
    if (strokes.labels[i] || !truth.labels[i]) continue;
    if (pred.labels[i] === truth.labels[i]) {
      right += confidence[i];
      nRight++;
    } else {
      wrong += confidence[i];
      nWrong++;
    }
  }
  return [nWrong ? wrong / nWrong : 0, nRight ? right / nRight : 0];
}

export interface EvalLayoutSummary {
  keep: Record<string, { miou: number; accuracy: number; baselineMiou: number }>;
}

const fmt = (v: number): string => v.toFixed(3);
const round4 = (v: number): number => Math.round(v * 1e4) / 1e4;

/** Runs the protocol; prints per-scene and summary tables, writes sheets and JSON; returns the summary. */
export async function evalLayout(opts: EvalLayoutOptions): Promise<EvalLayoutSummary> {
  const scenes = listScenes(opts.samples);
  if (scenes.length === 0) throw new InputError(`No scenes (folders with a scene.json) under ${opts.samples}`);
  mkdirSync(opts.out, { recursive: true });
  const rows: Row[] = [];
  const ceiling: LayoutScore[] = [];
  console.log(`Completing sparse layouts on ${scenes.length} scenes, strokes from seeds ${opts.seeds.join(', ')} (scores are their mean)`);
  console.log('scene          keep   mIoU  (Voronoi)   accuracy (Voronoi)   ms per completion');
  for (const scene of scenes) {
    const palette = scenePalette(scene);
    const photo = readImage(join(scene.dir, scene.photo), 'scene photo');
    const truth = rasterizeOriginal(scene, photo.width, photo.height);
    for (const keep of opts.keep) {
      const method: LayoutScore[] = [], baseline: LayoutScore[] = [];
      let ms = 0, confidenceWrong = 0, confidenceRight = 0;
      const perClass = new Map<string, number>();
      for (const seed of opts.seeds) {
        const strokes = simulateStrokes(truth, { keep, seed });
        const t0 = Date.now();
        const result = await completeLayout(photo, strokes, { tuning: opts.tuning });
        ms += Date.now() - t0;
        const voronoi = nearestStrokeLabels(strokes);
        const ious = classIous(truth, result.labels);
        method.push(scoreLayout(truth, result.labels, ious));
        for (const [l, iou] of ious) {
          const name = palette.classes[l - 1]?.name ?? String(l);
          perClass.set(name, (perClass.get(name) ?? 0) + iou / opts.seeds.length);
        }
        baseline.push(scoreLayout(truth, voronoi));
        const [cw, cr] = confidenceSplit(truth, strokes, result.labels, result.confidence);
        confidenceWrong += cw / opts.seeds.length;
        confidenceRight += cr / opts.seeds.length;
        if (opts.sheets && seed === opts.seeds[0]) {
          const sheet = stackRows([
            sideBySide([strokesOverPhoto(photo, strokes, palette), blendLabels(photo, truth, palette), blendLabels(photo, result.labels, palette)]),
            sideBySide([greyImage(photo.width, photo.height, result.confidence), blendLabels(photo, voronoi, palette), errorsOverPhoto(photo, truth, result.labels, palette)]),
          ]);
          writeImage(join(opts.out, `${scene.name}-keep${Math.round(keep * 100)}.png`), sheet);
        }
      }
      const row: Row = {
        scene: scene.name,
        keep,
        method: meanScore(method),
        baseline: meanScore(baseline),
        ms: Math.round(ms / opts.seeds.length),
        confidenceWrong,
        confidenceRight,
        perClass,
      };
      rows.push(row);
      console.log(
        `${scene.name.padEnd(14)} ${keep.toFixed(2)}  ${fmt(row.method.miou)}  (${fmt(row.baseline.miou)})    ${fmt(row.method.accuracy)}  (${fmt(row.baseline.accuracy)})    ${String(row.ms).padStart(5)}`,
      );
    }
    const all = await completeLayout(photo, allButBorders(truth, CEILING_BAND_PX), { tuning: opts.tuning });
    ceiling.push(scoreLayout(truth, all.labels));
  }

  const summary: EvalLayoutSummary = { keep: {} };
  console.log('\nMean over scenes\nkeep   mIoU   Voronoi mIoU   difference   accuracy   Voronoi accuracy   confidence on wrong / right pixels');
  for (const keep of opts.keep) {
    const at = rows.filter((r) => r.keep === keep);
    const mean = (f: (r: Row) => number): number => at.reduce((s, r) => s + f(r), 0) / at.length;
    const m = mean((r) => r.method.miou), b = mean((r) => r.baseline.miou);
    const a = mean((r) => r.method.accuracy), ba = mean((r) => r.baseline.accuracy);
    const cw = mean((r) => r.confidenceWrong), cr = mean((r) => r.confidenceRight);
    summary.keep[String(keep)] = { miou: round4(m), accuracy: round4(a), baselineMiou: round4(b) };
    console.log(
      `${keep.toFixed(2)}   ${fmt(m)}  ${fmt(b)}          ${(m - b >= 0 ? '+' : '') + fmt(m - b)}       ${fmt(a)}      ${fmt(ba)}            ${Math.round(cw)} / ${Math.round(cr)}`,
    );
  }
  console.log('\nPer class (IoU, mean over the seeds; a class drawn as several regions counts once):');
  for (const r of rows) console.log(`${r.scene.padEnd(14)} ${r.keep.toFixed(2)}  ${[...r.perClass].map(([name, iou]) => `${name} ${fmt(iou)}`).join(', ')}`);
  const c = meanScore(ceiling);
  console.log(
    `\nCeiling check: given every pixel farther than ${CEILING_BAND_PX} px from an authored border as strokes, ` +
      `the completion scores mIoU ${fmt(c.miou)}, accuracy ${fmt(c.accuracy)} (per scene: ${ceiling.map((s) => fmt(s.miou)).join(', ')}); ` +
      'the gap to 1 is where the photo edges the completion follows and the authored polygons disagree.',
  );
  if (opts.sheets) console.log(`Sheets (top: strokes | authored layout | completion; bottom: confidence | Voronoi | completion errors) → ${opts.out}/`);
  if (opts.json) {
    mkdirSync(dirname(opts.json), { recursive: true });
    writeFileSync(opts.json, JSON.stringify(summary, null, 2) + '\n');
    console.log(`Summary → ${opts.json}`);
  }
  return summary;
}

function parseSeedList(v: string): number[] {
  const list = v.split(',').map(Number);
  if (list.length === 0 || list.some((k) => !Number.isInteger(k))) throw new InvalidArgumentError('expected integers, comma-separated');
  return list;
}

function parseKeepList(v: string): number[] {
  const list = v.split(',').map(Number);
  if (list.some((k) => !(k > 0 && k <= 1))) throw new InvalidArgumentError('expected fractions in (0, 1], comma-separated');
  return list;
}

function parseTuning(v: string): Partial<CompletionTuning> {
  try {
    return JSON.parse(v) as Partial<CompletionTuning>;
  } catch {
    throw new InvalidArgumentError('expected a JSON object, e.g. {"forestWeight":60}');
  }
}

export function registerEvalLayout(program: Command): void {
  program
    .command('eval-layout')
    .description('score sparse-layout completion on the sample scenes against a nearest-stroke baseline')
    .option('--samples <dir>', 'folder of scenes', 'samples')
    .option('--out <dir>', 'folder for the overlay sheets', 'out/eval-layout')
    .option('--json <file>', 'also write the summary as JSON: {"keep": {"0.02": {"miou", "accuracy", "baselineMiou"}, …}}')
    .option('--keep <list>', 'fractions of each class kept as strokes', parseKeepList, DEFAULT_KEEP)
    .option('--seeds <list>', 'stroke simulation seeds; scores are averaged over them', parseSeedList, DEFAULT_SEEDS)
    .option('--tuning <json>', 'override method knobs (experiments), e.g. {"forestWeight":60}', parseTuning)
    .option('--no-sheets', 'skip writing overlay sheets')
    .action((o: EvalLayoutOptions) => evalLayout(o).then(() => undefined));
}
