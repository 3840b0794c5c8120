// What the panel does between "Generate" and the new layers: read the document through the Host, decode
// the layouts, run the engine once per variation, and write every result in one undo step. No React:
// the panel component calls this and turns its progress and errors into UI state.
import {
  assertMostlyOnPalette,
  CancelledError,
  classNameOf,
  computeEditMask,
  decodeLabels,
  InputError,
  LabelMap,
  Palette,
  RelayoutError,
} from '../layout';
// Types only: the panel bundle need not load every inference module (src/inference/index.ts).
import type { EditMethod, EditResult } from '../inference/edit';
import type { Detail, ReferenceLook, ReferenceSource, RelayoutJob } from '../inference/job';
import { BridgeProgressEvent } from '../bridge/client';
import { Host, LayerRef, ResultLayer } from '../host';
import { EditEngine } from './engines';

export interface GenerateRequest {
  documentId: number;
  /** Another open document lending its look (and its label layer, when it has one). */
  referenceId: number | null;
  palette: Palette;
  seed: number;
  variations: number;
  method?: EditMethod;
  /** Search detail on wide edits; default standard. */
  detail?: Detail;
  /** What the reference lends looks like; default matched (the photo's light). */
  referenceLook?: ReferenceLook;
}

export type GeneratePhase = 'read' | 'send' | 'engine' | 'receive' | 'write' | 'done';

export interface GenerateProgress {
  phase: GeneratePhase;
  /** The engine stage, e.g. 'coarse-attention'; or the phase name. */
  stageId: string;
  /** Overall fraction 0..1; reaches 1 only after the layers are written. */
  fraction: number;
  variation: number;
  variations: number;
}

export interface GenerateOutcome {
  layers: LayerRef[];
  maskedPixels: number;
  selectionPixels: number;
  seconds: number;
}

export interface PreparedJob {
  job: RelayoutJob;
  /** Class names the edit paints, most pixels first (they name the result layers). */
  classNames: string[];
  maskedPixels: number;
  selectionPixels: number;
  warnings: string[];
}

const READ_SHARE = 0.05;
const WRITE_SHARE = 0.07;

/** Classes the edited layout gives the regenerated pixels, most pixels first. */
export function editedClassNames(edited: LabelMap, region: Uint8Array, palette: Palette): string[] {
  const counts = new Map<number, number>();
  for (let i = 0; i < region.length; i++) {
    if (!region[i]) continue;
    const l = edited.labels[i];
    if (l) counts.set(l, (counts.get(l) ?? 0) + 1);
  }
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]).map(([l]) => classNameOf(palette, l));
}

/** Reads and decodes everything one edit needs; throws plain-words errors for what is missing. */
export async function prepareJob(host: Host, req: GenerateRequest, signal?: AbortSignal): Promise<PreparedJob> {
  const warnings: string[] = [];
  const labelImage = await host.readLabelLayer(req.documentId);
  if (!labelImage) throw new InputError('no label layer', { userMessage: 'This document has no label layer: press "New label layer", paint the layout, and mark it as original.' });
  const edited = decodeLabels(labelImage, req.palette);
  assertMostlyOnPalette(edited.report, req.palette.name);
  const selection = await host.readSelection(req.documentId);
  const selectionPixels = selection ? selection.reduce((a, b) => a + b, 0) : 0;
  const originalImage = await host.readOriginalLayout(req.documentId);
  if (signal?.aborted) throw new CancelledError();
  let original: LabelMap;
  if (originalImage) original = decodeLabels(originalImage, req.palette).map;
  else if (selection) {
    original = edited.map; // no original yet: only the selection is regenerated
    warnings.push('No original layout is marked: only the selection is regenerated.');
  } else {
    throw new InputError('no original layout', {
      userMessage: 'No original layout yet: press "Mark current layout as original" before repainting, or select the area to regenerate.',
    });
  }
  const mask = computeEditMask(original, edited.map, { extra: selection ?? undefined });
  if (mask.maskedPixels === 0) {
    throw new InputError('empty edit', {
      userMessage: 'Nothing to regenerate: the label layer still matches the original layout and nothing is selected. Repaint part of the label layer (or select an area) first.',
    });
  }
  const image = await host.readPhoto(req.documentId);
  const references: ReferenceSource[] = [];
  if (req.referenceId !== null && req.referenceId !== req.documentId) {
    const refImage = await host.readPhoto(req.referenceId);
    const refLabels = await host.readLabelLayer(req.referenceId);
    if (refLabels) references.push({ image: refImage, layout: decodeLabels(refLabels, req.palette).map });
    else {
      // Without a label layer the reference cannot say which pixels are which class.
      warnings.push('The reference document has no label layer, so it cannot lend classes; paint one on it to use it.');
    }
  }
  if (signal?.aborted) throw new CancelledError();
  const hole = mask.hole.some((v) => v) ? mask.hole : mask.mask;
  return {
    job: { image, original, edited: edited.map, extraMask: selection ?? undefined, references, seed: req.seed, detail: req.detail, referenceLook: req.referenceLook },
    classNames: editedClassNames(edited.map, hole, req.palette),
    maskedPixels: mask.maskedPixels,
    selectionPixels,
    warnings,
  };
}

/** The written form of one engine result: image, feathered mask, bounds. */
export function toResultLayer(r: EditResult, classNames: string[]): ResultLayer {
  if (!r.mask.bounds) throw new InputError('the engine returned an empty mask');
  return { classNames, image: r.image, mask: r.mask.alpha, bounds: r.mask.bounds };
}

/**
 * Generate: prepare, run `variations` engine calls (seed, seed + 1, …), write all results as layers in
 * one undo step. Cancelling (signal) at any point writes nothing.
 */
export async function generate(
  host: Host,
  engine: EditEngine,
  req: GenerateRequest,
  opts: { signal?: AbortSignal; onProgress?: (p: GenerateProgress) => void; onWarning?: (w: string) => void } = {},
): Promise<GenerateOutcome> {
  const t0 = Date.now();
  const V = Math.max(1, Math.floor(req.variations));
  const report = (phase: GeneratePhase, stageId: string, fraction: number, variation = 0): void =>
    opts.onProgress?.({ phase, stageId, fraction: Math.min(1, Math.max(0, fraction)), variation, variations: V });
  report('read', 'read', 0);
  const prepared = await prepareJob(host, req, opts.signal);
  prepared.warnings.forEach((w) => opts.onWarning?.(w));
  report('read', 'read', READ_SHARE);

  const span = (1 - READ_SHARE - WRITE_SHARE) / V;
  const results: ResultLayer[] = [];
  for (let v = 0; v < V; v++) {
    if (opts.signal?.aborted) throw new CancelledError();
    const base = READ_SHARE + v * span;
    const onProgress = (e: BridgeProgressEvent): void => {
      if (e.type === 'transfer') {
        if (e.stageId === 'send') report('send', 'send', base + 0.1 * span * e.fraction, v);
        else report('receive', 'receive', base + (0.9 + 0.1 * e.fraction) * span, v);
      } else {
        report('engine', e.stageId, base + (0.1 + 0.8 * e.fraction) * span, v);
      }
    };
    const r = await engine.edit({ job: { ...prepared.job, seed: req.seed + v }, palette: req.palette, method: req.method }, { signal: opts.signal, onProgress });
    if (r.unchanged) throw new InputError('the engine found nothing to regenerate', { userMessage: 'Nothing to regenerate: the edit mask is empty.' });
    results.push(toResultLayer(r, prepared.classNames));
  }
  if (opts.signal?.aborted) throw new CancelledError();
  report('write', 'write', 1 - WRITE_SHARE);
  const layers = await host.writeResults(req.documentId, results, { signal: opts.signal });
  report('done', 'done', 1, V - 1);
  return { layers, maskedPixels: prepared.maskedPixels, selectionPixels: prepared.selectionPixels, seconds: (Date.now() - t0) / 1000 };
}

/** The words the panel shows for an error: the user message of ours, a generic line for anything else. */
export function errorWords(err: unknown): { text: string; cancelled: boolean } {
  if (err instanceof CancelledError || (err as RelayoutError)?.code === 'cancelled') return { text: 'Cancelled. Nothing was added.', cancelled: true };
  if (err instanceof RelayoutError || typeof (err as RelayoutError)?.userMessage === 'string') return { text: (err as RelayoutError).userMessage, cancelled: false };
  return { text: `Something went wrong: ${(err as Error)?.message ?? String(err)}`, cancelled: false };
}
