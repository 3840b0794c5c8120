// Host-side errors: what went wrong talking to Photoshop (or the playground's document), in plain words.
import { RelayoutError, RelayoutErrorOptions } from '../layout';

/** Photoshop refused or failed an operation; `userMessage` says what to do. */
export class HostError extends RelayoutError {
  constructor(message: string, opts: RelayoutErrorOptions = {}) {
    super('host', message, opts);
  }
}

const CONVERT_HINT: Record<string, string> = {
  CMYK: 'choose Image > Mode > RGB Color (or work on a copy: Image > Duplicate, then convert the copy)',
  Lab: 'choose Image > Mode > RGB Color',
  Indexed: 'choose Image > Mode > RGB Color',
  Grayscale: 'choose Image > Mode > RGB Color',
  Bitmap: 'choose Image > Mode > Grayscale, then Image > Mode > RGB Color',
  Duotone: 'choose Image > Mode > RGB Color',
  Multichannel: 'choose Image > Mode > RGB Color',
};

/** The document's colour mode (or depth) is not one Relayout reads. */
export class UnsupportedDocumentError extends HostError {
  readonly mode: string;
  constructor(title: string, mode: string, bits?: number) {
    const hint = CONVERT_HINT[mode] ?? 'choose Image > Mode > RGB Color';
    const what = mode === 'RGB' && bits === 1 ? '1-bit' : `${mode} mode`;
    super(`Document "${title}" is in ${what}; Relayout needs an RGB document (8, 16 or 32 bits per channel).`, {
      userMessage: `"${title}" is in ${what}. Relayout works on RGB documents: ${hint}, then try again.`,
    });
    this.mode = mode;
  }
}

/** The document has no label layer where one is needed (both hosts say it the same way). */
export function noLabelLayerError(): HostError {
  return new HostError('no label layer', { userMessage: 'This document has no label layer yet: press "New label layer" first.' });
}

/** A label image to write must still match the document (it may have been resized meanwhile). */
export function checkLabelImageSize(image: { width: number; height: number }, doc: { width: number; height: number }): void {
  if (image.width !== doc.width || image.height !== doc.height) {
    throw new HostError('label image size differs from the document', { userMessage: 'The document changed size while Relayout was working. Try again.' });
  }
}
