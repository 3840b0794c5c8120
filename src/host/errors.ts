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
