// The panel's status line: what the label layer holds (from the decoder's report), whether an original
// layout is marked, how much an edit would regenerate, and whether a selection is added. No React.
import { classesPresent, classNameOf, computeEditMask, decodeLabels, describeReport, Palette } from '../layout';
import { Host } from '../host';

export interface LabelStatus {
  hasLabelLayer: boolean;
  hasOriginal: boolean;
  /** One line for the panel, e.g. "Labels: sky, water, tree (3 classes) · 98.70% exact, 120 px anti-aliased". */
  labelsLine: string;
  /** E.g. "Edit: 4.2% of the image will be regenerated" or what to do next. */
  editLine: string;
  /** Non-empty when a selection will be added to the edit mask. */
  selectionLine: string;
  offPalettePixels: number;
  maskedPixels: number;
}

const pct = (k: number, n: number): string => `${((100 * k) / Math.max(1, n)).toFixed(1)}%`;

export async function readStatus(host: Host, documentId: number, palette: Palette): Promise<LabelStatus> {
  const labelImage = await host.readLabelLayer(documentId);
  const selection = await host.readSelection(documentId);
  const selectionPixels = selection ? selection.reduce((a, b) => a + b, 0) : 0;
  const selectionLine = selection ? `The selection (${selectionPixels.toLocaleString('en-US')} px) is added to the area to regenerate.` : '';
  if (!labelImage) {
    return {
      hasLabelLayer: false,
      hasOriginal: false,
      labelsLine: 'No label layer yet: press "New label layer" and paint the layout with the classes below.',
      editLine: '',
      selectionLine,
      offPalettePixels: 0,
      maskedPixels: 0,
    };
  }
  const edited = decodeLabels(labelImage, palette);
  const present = classesPresent(edited.map).map((l) => classNameOf(palette, l));
  const shown = present.slice(0, 4).join(', ') + (present.length > 4 ? ', …' : '');
  const labelsLine = present.length
    ? `Labels: ${shown} (${present.length} ${present.length === 1 ? 'class' : 'classes'}) · ${describeReport(edited.report)}`
    : `Labels: none painted yet · ${describeReport(edited.report)}`;
  const originalImage = await host.readOriginalLayout(documentId);
  const n = edited.map.labels.length;
  let editLine: string;
  let maskedPixels = 0;
  if (!originalImage) {
    editLine = selection
      ? 'No original layout marked: only the selection will be regenerated.'
      : 'No original layout yet: when the labels describe the photo, press "Mark current layout as original", then repaint.';
    maskedPixels = selectionPixels;
  } else {
    const original = decodeLabels(originalImage, palette).map;
    const mask = computeEditMask(original, edited.map, { extra: selection ?? undefined });
    maskedPixels = mask.maskedPixels;
    editLine = mask.maskedPixels
      ? `Edit: ${pct(mask.maskedPixels, n)} of the image will be regenerated (${mask.changedPixels.toLocaleString('en-US')} px relabelled).`
      : 'Original layout marked. Repaint part of the label layer to make an edit.';
  }
  return { hasLabelLayer: true, hasOriginal: !!originalImage, labelsLine, editLine, selectionLine, offPalettePixels: edited.report.offPalette, maskedPixels };
}
