// "Complete layout" without React: read the photo and the label layer (transparent = unlabeled), grow the
// strokes into a full label map (src/layout completeLayout), write it into the label layer as one undo
// step with the low-confidence pixels marked in a layer above it, and say how much was filled and how sure it is.
import { completeLayout, decodeLabels, encodeLabels, InputError, LabelMap, OffPaletteError, Palette } from '../layout';
import { CHECK_LAYER_NAME, Host } from '../host';

/** Confidence (0..255) below which a completed pixel counts as a guess worth checking. */
export const LOW_CONFIDENCE = 64;
/** Largest share of painted pixels that may match no class (anti-aliasing residue) before we refuse. */
const MAX_OFF_PALETTE = 0.005;

/** A completion and the strokes it grew from, kept by the panel so the next run changes only what new strokes affect. */
export interface CompletionState {
  documentId: number;
  result: LabelMap;
  strokes: LabelMap;
}

export interface CompleteRequest {
  documentId: number;
  palette: Palette;
  previous?: CompletionState | null;
}

export interface CompleteOutcome {
  /** Pixels that were unlabeled (or not strokes) and received a label. */
  filledPixels: number;
  /** Filled pixels with confidence below LOW_CONFIDENCE. */
  lowConfidencePixels: number;
  totalPixels: number;
  strokePixels: number;
  /** Whether the previous completion was used (incremental run). */
  incremental: boolean;
  seconds: number;
  state: CompletionState;
}

/**
 * The strokes to complete from. After a completion the label layer is fully painted, so with `previous`
 * only pixels that differ from the previous result are new strokes; the rest keep their earlier role
 * (stroke or filled). Transparent pixels are unlabeled either way (erasing removes a stroke).
 */
export function strokesFrom(current: LabelMap, previous: CompletionState | null | undefined): LabelMap {
  if (!previous || previous.result.width !== current.width || previous.result.height !== current.height) return current;
  const labels = new Uint8Array(current.labels.length);
  const prevResult = previous.result.labels, prevStrokes = previous.strokes.labels, cur = current.labels;
  for (let i = 0; i < cur.length; i++) labels[i] = cur[i] === 0 ? 0 : cur[i] !== prevResult[i] ? cur[i] : prevStrokes[i];
  return { width: current.width, height: current.height, labels };
}

export async function completeLabelLayer(
  host: Host,
  req: CompleteRequest,
  opts: { signal?: AbortSignal; onProgress?: (fraction: number) => void } = {},
): Promise<CompleteOutcome> {
  const started = Date.now();
  const [photo, layer] = await Promise.all([host.readPhoto(req.documentId), host.readLabelLayer(req.documentId)]);
  if (!layer) throw new InputError('no label layer', { userMessage: 'Press "New label layer" and paint a few strokes per region first.' });
  const { map, report } = decodeLabels(layer, req.palette);
  const painted = report.pixels - report.transparent;
  if (painted === 0) throw new InputError('empty label layer', { userMessage: 'The label layer is empty: paint a few strokes per region with the classes below, then complete.' });
  if (report.offPalette > MAX_OFF_PALETTE * painted) {
    throw new OffPaletteError(`${report.offPalette} of ${painted} painted pixels match no class of "${req.palette.name}"`, {
      userMessage: `${report.offPalette} painted pixels match no class colour: paint with the pencil tool and the class colours (or pick the right palette).`,
    });
  }
  const previous = req.previous && req.previous.documentId === req.documentId ? req.previous : null;
  const strokes = strokesFrom(map, previous);
  let strokePixels = 0;
  for (let i = 0; i < strokes.labels.length; i++) if (strokes.labels[i]) strokePixels++;
  if (strokePixels === strokes.labels.length) {
    throw new InputError('nothing to complete', { userMessage: 'Every pixel is already labelled: erase (make transparent) what should be completed, or add strokes over a completion.' });
  }
  const usePrevious = previous && strokes !== map ? { result: previous.result, strokes: previous.strokes } : undefined;
  const result = await completeLayout(photo, strokes, { signal: opts.signal, onProgress: (f) => opts.onProgress?.(0.95 * f), previous: usePrevious });
  let filled = 0, low = 0;
  const checkHere = new Uint8Array(strokes.labels.length);
  for (let i = 0; i < strokes.labels.length; i++) {
    if (strokes.labels[i]) continue;
    filled++;
    if (result.confidence[i] < LOW_CONFIDENCE) {
      low++;
      checkHere[i] = 1;
    }
  }
  await host.writeLabelLayer(req.documentId, encodeLabels(result.labels, req.palette), { signal: opts.signal, checkHere });
  opts.onProgress?.(1);
  return {
    filledPixels: filled,
    lowConfidencePixels: low,
    totalPixels: strokes.labels.length,
    strokePixels,
    incremental: !!usePrevious,
    seconds: (Date.now() - started) / 1000,
    state: { documentId: req.documentId, result: result.labels, strokes },
  };
}

/** The panel's message after a completion. */
export function completionWords(o: CompleteOutcome): string {
  const pct = (n: number): string => `${((100 * n) / o.totalPixels).toFixed(1)}%`;
  const low = o.lowConfidencePixels
    ? ` ${pct(o.lowConfidencePixels)} of the image is low-confidence, marked in magenta in the layer "${CHECK_LAYER_NAME}": check there, add a stroke where it is wrong, then complete again (hide or delete that layer when done).`
    : ' Every filled pixel is confident.';
  return `Completed the layout${o.incremental ? ' (only what the new strokes affect)' : ''}: filled ${pct(o.filledPixels)} of the image from ${pct(o.strokePixels)} strokes in ${o.seconds.toFixed(1)} s.${low}`;
}
