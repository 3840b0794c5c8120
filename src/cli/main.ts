#!/usr/bin/env node
// The `relayout` command line: edit, demo, palettes, rasterize-scenes here; eval, bench, complete,
// eval-layout and the remote commands register from their own files. A composition root: it is the only
// place (with the server) that picks Node file I/O. Built on commander.
import { Command, InvalidArgumentError, Option } from 'commander';
import { existsSync, mkdirSync } from 'fs';
import { join, resolve } from 'path';
import {
  assertMostlyOnPalette,
  BUILTIN_PALETTES,
  classesPresent,
  classNameOf,
  decodeLabels,
  describeReport,
  encodeLabels,
  InputError,
  LabelMap,
  Palette,
  RelayoutError,
  sameSize,
  SizeMismatchError,
} from '../layout';
import { Detail, DETAILS, EDIT_METHODS, EditMethod, REFERENCE_LOOKS, ReferenceLook, ReferenceSource, Runner, runEdit } from '../inference';
import { parseEngineParams } from './engine-params';
import { nodeRunner } from './models-node';
import { readImage, writeImage } from './image-io';
import { resolvePalette } from './palette-arg';
import { listScenes, loadScene, rasterizeEdit, rasterizeOriginal, scenePalette, Scene } from './scenes';
import { compareSheet } from './sheet';
import { registerEval } from './eval';
import { registerBench } from './bench';
import { registerBenchLayout } from './bench-layout';
import { registerComplete } from './complete';
import { registerEvalLayout } from './eval-layout';
import { equalImages } from './compare';
import { registerRemote, remoteEditFor } from './remote';

const SAMPLE_SCENE = 'samples/evening-glow';

function readLayout(path: string, palette: Palette, what: string, log: (s: string) => void): LabelMap {
  const img = readImage(path, what);
  const { map, report } = decodeLabels(img, palette);
  assertMostlyOnPalette(report, palette.name);
  if (report.exact + report.transparent < report.pixels) log(`${what}: ${describeReport(report)}`);
  return map;
}

function readMask(path: string, size: { width: number; height: number }): Uint8Array {
  const img = readImage(path, 'mask');
  if (!sameSize(img, size)) throw new SizeMismatchError(`mask ${path} and photo`, img, size);
  const out = new Uint8Array(img.width * img.height);
  for (let i = 0, p = 0; i < out.length; i++, p += 4) {
    const luma = 0.299 * img.data[p] + 0.587 * img.data[p + 1] + 0.114 * img.data[p + 2];
    out[i] = img.data[p + 3] >= 128 && luma >= 128 ? 1 : 0;
  }
  return out;
}

function parseIntArg(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n)) throw new InvalidArgumentError('expected an integer');
  return n;
}

function parseNumberArg(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError('expected a non-negative number');
  return n;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

interface EditOpts {
  image: string;
  layout: string;
  edited: string;
  mask?: string;
  reference: string[];
  referenceLayout: string[];
  seed: number;
  out: string;
  compare?: string | boolean;
  palette: string;
  method: EditMethod;
  dilateFraction?: number;
  params?: string;
  dilatePx?: number;
  featherPx?: number;
  detail: Detail;
  referenceLook: ReferenceLook;
  quiet?: boolean;
}

async function editCommand(opts: EditOpts): Promise<void> {
  const log = opts.quiet ? () => undefined : (s: string) => console.log(s);
  const started = Date.now();
  const palette = resolvePalette(opts.palette);
  const image = readImage(opts.image, 'image');
  const original = readLayout(opts.layout, palette, 'original layout', log);
  const edited = readLayout(opts.edited, palette, 'edited layout', log);
  if (!sameSize(image, original)) throw new SizeMismatchError(`image ${opts.image} and original layout ${opts.layout}`, image, original);
  if (!sameSize(image, edited)) throw new SizeMismatchError(`image ${opts.image} and edited layout ${opts.edited}`, image, edited);
  if (opts.reference.length !== opts.referenceLayout.length) {
    throw new InputError(`Give one --reference-layout for each --reference (got ${opts.reference.length} and ${opts.referenceLayout.length})`);
  }
  const references: ReferenceSource[] = opts.reference.map((r, k) => {
    const refImage = readImage(r, `reference ${k + 1}`);
    const layout = readLayout(opts.referenceLayout[k], palette, `reference layout ${k + 1}`, log);
    if (!sameSize(refImage, layout)) throw new SizeMismatchError(`reference ${r} and its layout`, refImage, layout);
    return { image: refImage, layout };
  });
  const extraMask = opts.mask ? readMask(opts.mask, image) : undefined;
  const remoteEdit = remoteEditFor(opts);
  const runner: Runner | undefined = opts.method === 'relayout' && !remoteEdit ? nodeRunner() : undefined;
  const result = await (remoteEdit ?? runEdit)(
    {
      image,
      original,
      edited,
      extraMask,
      references,
      seed: opts.seed,
      maskOptions: { dilateFraction: opts.dilateFraction, dilatePx: opts.dilatePx, featherPx: opts.featherPx },
      detail: opts.detail,
      referenceLook: opts.referenceLook,
    },
    palette,
    { method: opts.method, runner, params: parseEngineParams(opts.params), onProgress: opts.quiet ? undefined : progressPrinter() },
  );
  await runner?.dispose();
  writeImage(opts.out, result.image);
  const classes = classesPresent({ ...edited, labels: edited.labels.map((l, i) => (result.mask.mask[i] ? l : 0)) })
    .map((l) => classNameOf(palette, l))
    .join(', ');
  if (result.unchanged) {
    log(`Nothing to regenerate: the edited layout equals the original and no --mask was given. Wrote the input unchanged to ${opts.out}`);
  } else {
    const pct = ((100 * result.mask.maskedPixels) / (image.width * image.height)).toFixed(1);
    log(`Regenerated ${pct}% of ${image.width}×${image.height} (${classes || 'no class constraint'}) with ${opts.method} → ${opts.out}`);
  }
  if (opts.compare) {
    const sheetPath = typeof opts.compare === 'string' ? opts.compare : opts.out.replace(/(\.[a-z]+)?$/i, '-compare.png');
    writeImage(sheetPath, compareSheet(image, original, edited, palette, result));
    log(`Comparison sheet (photo | original layout | edited layout | mask | result) → ${sheetPath}`);
  }
  log(`Done in ${((Date.now() - started) / 1000).toFixed(2)} s`);
}

async function demoCommand(opts: { scene: string; out: string; method: EditMethod }): Promise<void> {
  const started = Date.now();
  const scene = loadScene(opts.scene);
  const palette = scenePalette(scene);
  const photo = readImage(join(scene.dir, scene.photo), 'sample photo');
  const original = rasterizeOriginal(scene, photo.width, photo.height);
  mkdirSync(opts.out, { recursive: true });
  console.log(`Relayout demo: ${scene.title} (${photo.width}×${photo.height}), method ${opts.method}`);
  const runner: Runner | undefined = opts.method === 'relayout' ? nodeRunner() : undefined;
  for (const edit of scene.edits) {
    const t0 = Date.now();
    const edited = rasterizeEdit(scene, edit, photo.width, photo.height);
    const references = edit.reference ? [loadReference(resolve(scene.dir, '..', edit.reference))] : [];
    const result = await runEdit({ image: photo, original, edited, references, seed: 1 }, palette, { method: opts.method, runner });
    const outPath = join(opts.out, `${edit.name}.png`);
    const sheetPath = join(opts.out, `${edit.name}-compare.png`);
    writeImage(outPath, result.image);
    writeImage(sheetPath, compareSheet(photo, original, edited, palette, result));
    const pct = ((100 * result.mask.maskedPixels) / (photo.width * photo.height)).toFixed(1);
    console.log(`  ${edit.name.padEnd(18)} ${edit.description} — ${pct}% regenerated in ${Date.now() - t0} ms`);
    console.log(`  ${''.padEnd(18)} result ${outPath}\n  ${''.padEnd(18)} sheet  ${sheetPath}`);
  }
  await runner?.dispose();
  console.log(`Sheets show: photo | original layout | edited layout | mask | result. Total ${((Date.now() - started) / 1000).toFixed(2)} s`);
}

/** Prints stage progress on one line (a TTY) or nothing (pipes). */
function progressPrinter(): ((e: { stageId: string; fraction: number }) => void) | undefined {
  if (!process.stdout.isTTY) return undefined;
  return (e) => process.stdout.write(`\r  ${Math.round(e.fraction * 100)}% ${e.stageId.padEnd(20)}${e.fraction >= 1 ? '\n' : ''}`);
}

function loadReference(dir: string): ReferenceSource {
  const scene: Scene = loadScene(dir);
  const image = readImage(join(scene.dir, scene.photo), 'reference photo');
  return { image, layout: rasterizeOriginal(scene, image.width, image.height) };
}

function rasterizeCommand(opts: { root: string; check?: boolean }): void {
  let stale = 0;
  for (const scene of listScenes(opts.root)) {
    const palette = scenePalette(scene);
    const photo = readImage(join(scene.dir, scene.photo), 'scene photo');
    const targets: [string, LabelMap][] = [[join(scene.dir, 'layout.png'), rasterizeOriginal(scene, photo.width, photo.height)]];
    for (const e of scene.edits) targets.push([join(scene.dir, 'edits', `${e.name}.png`), rasterizeEdit(scene, e, photo.width, photo.height)]);
    for (const [path, map] of targets) {
      const rgba = encodeLabels(map, palette);
      if (opts.check) {
        const same = existsSync(path) && equalImages(readImage(path), rgba);
        if (!same) {
          stale++;
          console.log(`stale: ${path}`);
        }
      } else {
        writeImage(path, rgba);
        console.log(`wrote ${path}`);
      }
    }
  }
  if (opts.check && stale) throw new InputError(`${stale} layout PNG(s) differ from their scene.json; run: npm run layouts`);
}

function palettesCommand(name?: string): void {
  if (!name) {
    for (const p of Object.values(BUILTIN_PALETTES)) console.log(`${p.name.padEnd(12)} ${String(p.classes.length).padStart(3)} classes  ${p.title}`);
    return;
  }
  const p = resolvePalette(name);
  for (const c of p.classes) {
    const alias = c.aliasOf ? `  (same colour as ${classNameOf(p, c.aliasOf)}; decodes as it)` : '';
    console.log(`${String(c.label - 1).padStart(3)}  rgb(${c.color.join(',')})`.padEnd(24) + `${c.name}${alias}`);
  }
}

export function buildProgram(): Command {
  const program = new Command('relayout')
    .description('Regenerate a photo so it follows an edited semantic layout (label map).')
    .showHelpAfterError();
  const method = new Option('--method <name>', 'generator').choices([...EDIT_METHODS]).default('relayout');

  program
    .command('edit')
    .description('regenerate the regions where the edited layout differs from the original')
    .requiredOption('--image <file>', 'photo (PNG or JPEG)')
    .requiredOption('--layout <file>', 'original layout: label image in palette colours')
    .requiredOption('--edited <file>', 'edited layout: label image in palette colours')
    .requiredOption('--out <file>', 'output image (.png or .jpg)')
    .option('--mask <file>', 'extra region to regenerate (white = regenerate), united with the layout changes')
    .option('--reference <file>', 'reference photo supplying classes the photo lacks (repeatable)', collect, [])
    .option('--reference-layout <file>', 'label image of the matching --reference (repeatable)', collect, [])
    .option('--seed <n>', 'random seed; the same seed gives the same result', parseIntArg, 0)
    .option('--palette <name|file>', 'ade20k, coco, cityscapes or a palette JSON file', 'ade20k')
    .addOption(method)
    .option('--dilate-fraction <f>', 'mask dilation as a fraction of each changed region (default 0.1)', parseNumberArg)
    .option('--dilate-px <n>', 'fixed mask dilation in pixels', parseIntArg)
    .option('--feather-px <n>', 'width of the blend ramp inside the mask border', parseIntArg)
    .addOption(new Option('--detail <level>', 'search detail on wide edits: fine searches one level finer (no 4 px steps along shores and ridges), slower').choices(DETAILS).default('standard'))
    .addOption(new Option('--reference-look <look>', "what a reference lends looks like: matched moves it halfway to this photo's light, own keeps its colours").choices(REFERENCE_LOOKS).default('matched'))
    .option('--params <json>', 'engine parameter overrides as JSON, e.g. {"gamma":200} (see EngineParams)')
    .option('--compare [file]', 'also write a side-by-side sheet (default: <out>-compare.png)')
    .option('-q, --quiet', 'print nothing on success')
    .action((opts: EditOpts) => editCommand(opts));

  program
    .command('demo')
    .description('run every authored edit of the bundled sample scene and write results and sheets')
    .option('--scene <dir>', 'scene folder', SAMPLE_SCENE)
    .option('--out <dir>', 'output folder', 'out/demo')
    .addOption(method)
    .action((opts: { scene: string; out: string; method: EditMethod }) => demoCommand(opts));

  program
    .command('palettes [name]')
    .description('list the built-in palettes, or the classes of one (name or JSON file)')
    .action((name?: string) => palettesCommand(name));

  program
    .command('rasterize-scenes')
    .description('rasterise every scene.json into layout.png and edits/*.png')
    .option('--root <dir>', 'folder of scenes', 'samples')
    .option('--check', 'only check that the committed PNGs are up to date')
    .action((opts: { root: string; check?: boolean }) => rasterizeCommand(opts));
  registerEval(program);
  registerBench(program);
  registerBenchLayout(program);
  registerComplete(program);
  registerEvalLayout(program);
  registerRemote(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().exitOverride().parseAsync(argv);
    return 0;
  } catch (err) {
    const e = err as { code?: string; exitCode?: number };
    if (typeof e.code === 'string' && e.code.startsWith('commander.')) return e.exitCode ?? 1;
    if (err instanceof RelayoutError) {
      console.error(`relayout: ${err.userMessage}`);
      if (process.env.RELAYOUT_DEBUG && err.cause) console.error(err.cause);
      return 2;
    }
    console.error(err);
    return 1;
  }
}

if (require.main === module) void main(process.argv).then((code) => (process.exitCode = code));
