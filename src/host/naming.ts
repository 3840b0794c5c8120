// Names of the layers Relayout keeps in a document. Both hosts find their layers by these names, so a
// saved and reopened document still works.

export const LABEL_LAYER_NAME = 'Relayout Labels';
export const ORIGINAL_LAYER_NAME = 'Relayout Original Layout';
/** Above the label layer after "Complete layout": the completed pixels worth checking, in magenta. */
export const CHECK_LAYER_NAME = 'Relayout Check Here';

const RESULT_PREFIX = 'Relayout ';
const RESULT_RE = /^Relayout (\d+)(?: — .*)?$/;
/** Beyond this many class names the layer name ends with "…" (layer names should stay readable). */
const MAX_NAMED_CLASSES = 3;

/** `Relayout 1 — sky, water`; just `Relayout 1` when the edit names no class (e.g. a selection only). */
export function resultLayerName(n: number, classNames: readonly string[]): string {
  const shown = classNames.slice(0, MAX_NAMED_CLASSES).join(', ');
  const more = classNames.length > MAX_NAMED_CLASSES ? ', …' : '';
  return shown ? `${RESULT_PREFIX}${n} — ${shown}${more}` : `${RESULT_PREFIX}${n}`;
}

/** The number of a result layer's name, or null for any other layer. */
export function resultNumber(name: string): number | null {
  const m = RESULT_RE.exec(name);
  return m ? Number(m[1]) : null;
}

/** The next free result number given the names of the layers already in the document. */
export function nextResultNumber(existingNames: Iterable<string>): number {
  let max = 0;
  for (const name of existingNames) max = Math.max(max, resultNumber(name) ?? 0);
  return max + 1;
}

/** True for the layers Relayout made (label layer, original layout, check layer, results): left out of the photo. */
export function isRelayoutLayer(name: string): boolean {
  return name === LABEL_LAYER_NAME || name === ORIGINAL_LAYER_NAME || name === CHECK_LAYER_NAME || resultNumber(name) !== null;
}
