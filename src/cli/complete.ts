// `relayout complete`: grow a sparse strokes layer (transparent = unlabeled) into a full label map that
// follows the photo's edges, optionally writing the per-pixel confidence. Node only (file I/O).
import { Command } from 'commander';
import {
  classNameOf,
  completeLayout,
  decodeLabels,
  encodeLabels,
  InputError,
  LabelMap,
  OffPaletteError,
  Palette,
  RgbaImage,
  sameSize,
  SizeMismatchError,
} from '../layout';
import { readImage, writeImage } from './image-io';
import { resolvePalette } from './palette-arg';

export interface CompleteCommandOptions {
  image: string;
  strokes: string;
  out: string;
  confidence?: string;
  /** An earlier completion (label PNG) and the strokes it was made from: only what the new strokes affect changes. */
  previous?: string;
  previousStrokes?: string;
  palette: string;
  quiet?: boolean;
}

/** Largest share of painted stroke pixels that may be off-palette (anti-aliasing residue) before we refuse. */
const MAX_OFF_PALETTE = 0.005;

/**
 * Decodes a strokes image: transparent pixels are unlabeled; painted pixels must be palette colours.
 * Unlike a full label layer, the off-palette share is measured against the painted pixels only, so a
 * stroke layer painted in wrong colours is refused even when strokes cover little of the image.
 */
export function readStrokes(path: string, palette: Palette): LabelMap {
  const img = readImage(path, 'strokes');
  const { map, report } = decodeLabels(img, palette);
  const painted = report.pixels - report.transparent;
  if (report.offPalette > MAX_OFF_PALETTE * painted) {
    const worst = report.worstColors
      .slice(0, 3)
      .map((w) => `rgb(${w.color.join(',')}) ×${w.count} (nearest "${w.nearestClass}", distance ${w.distance})`)
      .join('; ');
    throw new OffPaletteError(
      `strokes ${path}: ${report.offPalette} of ${painted} painted pixels match no class of palette "${palette.name}": ${worst}. ` +
        'Paint strokes with exact class colours (pencil tool) on a transparent layer, or pass the right --palette.',
    );
  }
  return map;
}

/** One grey level per pixel (e.g. a confidence map) as an opaque RGBA image. */
export function greyImage(width: number, height: number, values: Uint8Array): RgbaImage {
  const data = new Uint8Array(width * height * 4);
  for (let i = 0; i < values.length; i++) {
    data[i * 4] = data[i * 4 + 1] = data[i * 4 + 2] = values[i];
    data[i * 4 + 3] = 255;
  }
  return { width, height, data };
}

export async function completeCommand(opts: CompleteCommandOptions): Promise<void> {
  const log = opts.quiet ? () => undefined : (s: string) => console.log(s);
  const started = Date.now();
  const palette = resolvePalette(opts.palette);
  const photo = readImage(opts.image, 'image');
  const strokes = readStrokes(opts.strokes, palette);
  if (!sameSize(photo, strokes)) throw new SizeMismatchError(`image ${opts.image} and strokes ${opts.strokes}`, photo, strokes);
  let previous: { result: LabelMap; strokes: LabelMap } | undefined;
  if (opts.previous || opts.previousStrokes) {
    if (!opts.previous || !opts.previousStrokes) {
      throw new InputError('--previous and --previous-strokes go together: the earlier completion and the strokes it was made from');
    }
    const result = decodeLabels(readImage(opts.previous, 'previous completion'), palette);
    if (result.report.transparent > 0 || result.report.offPalette > MAX_OFF_PALETTE * result.report.pixels) {
      throw new InputError(`--previous ${opts.previous} is not a completed label map in palette "${palette.name}" (transparent or off-palette pixels)`);
    }
    previous = { result: result.map, strokes: readStrokes(opts.previousStrokes, palette) };
    if (!sameSize(photo, previous.result)) throw new SizeMismatchError(`image ${opts.image} and --previous ${opts.previous}`, photo, previous.result);
    if (!sameSize(photo, previous.strokes)) throw new SizeMismatchError(`image ${opts.image} and --previous-strokes ${opts.previousStrokes}`, photo, previous.strokes);
  }
  const t0 = Date.now();
  const result = await completeLayout(photo, strokes, { previous });
  const computeMs = Date.now() - t0;
  writeImage(opts.out, encodeLabels(result.labels, palette));
  if (opts.confidence) writeImage(opts.confidence, greyImage(photo.width, photo.height, result.confidence));

  let strokePixels = 0, low = 0;
  const classes = new Set<number>();
  for (let i = 0; i < strokes.labels.length; i++) {
    if (strokes.labels[i]) {
      strokePixels++;
      classes.add(strokes.labels[i]);
    }
    if (result.confidence[i] < 64) low++;
  }
  const n = photo.width * photo.height;
  const names = [...classes].sort((a, b) => a - b).map((l) => classNameOf(palette, l)).join(', ');
  if (previous) {
    let changed = 0;
    for (let i = 0; i < n; i++) if (result.labels.labels[i] !== previous.result.labels[i]) changed++;
    log(`Incremental: ${((100 * changed) / n).toFixed(2)}% of pixels changed from ${opts.previous}; the rest stands`);
  }
  log(`Completed ${photo.width}×${photo.height} from ${((100 * strokePixels) / n).toFixed(1)}% stroke pixels (${names}) → ${opts.out}`);
  log(`Low confidence (< 25%): ${((100 * low) / n).toFixed(1)}% of pixels${opts.confidence ? ` (map → ${opts.confidence})` : ''}`);
  log(`Completion ${(computeMs / 1000).toFixed(2)} s; total with file I/O ${((Date.now() - started) / 1000).toFixed(2)} s`);
}

export function registerComplete(program: Command): void {
  program
    .command('complete')
    .description('grow sparse strokes (transparent = unlabeled) into a full label map that follows the photo')
    .requiredOption('--image <file>', 'photo (PNG or JPEG)')
    .requiredOption('--strokes <file>', 'strokes: label image in palette colours, transparent where unlabeled')
    .requiredOption('--out <file>', 'completed label map (PNG)')
    .option('--confidence <file>', 'also write the per-pixel confidence as a grey PNG (white = sure)')
    .option('--previous <file>', 'an earlier completion (label PNG): only areas the new strokes affect may change')
    .option('--previous-strokes <file>', 'the strokes that earlier completion was made from (needed with --previous)')
    .option('--palette <name|file>', 'ade20k, coco, cityscapes or a palette JSON file', 'ade20k')
    .option('-q, --quiet', 'print nothing on success')
    .action((opts: CompleteCommandOptions) => completeCommand(opts));
}
