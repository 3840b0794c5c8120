// The error hierarchy every Relayout module throws. It lives in src/layout because layout is the bottom
// layer (it imports nothing), so every other folder can extend these classes. No platform imports here.

/** Stable machine-readable error codes; `userMessage` is what the panel or CLI shows. */
export type RelayoutErrorCode =
  | 'palette-invalid'
  | 'size-mismatch'
  | 'labels-off-palette'
  | 'image-invalid'
  | 'class-missing'
  | 'contract-mismatch'
  | 'model-load'
  | 'backend-unavailable'
  | 'remote'
  | 'host'
  | 'cancelled'
  | 'input';

export interface RelayoutErrorOptions {
  userMessage?: string;
  cause?: unknown;
  retryable?: boolean;
}

/** Base class: `code` for programs, `userMessage` (short, actionable) for people, `cause` for logs. */
export class RelayoutError extends Error {
  readonly code: RelayoutErrorCode;
  readonly userMessage: string;
  readonly retryable: boolean;
  override readonly cause?: unknown;

  constructor(code: RelayoutErrorCode, message: string, opts: RelayoutErrorOptions = {}) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.userMessage = opts.userMessage ?? message;
    this.retryable = opts.retryable ?? false;
    this.cause = opts.cause;
  }

  /** The shape errors take when they cross the webview bridge or HTTP. */
  toJSON(): { code: RelayoutErrorCode; message: string; userMessage: string } {
    return { code: this.code, message: this.message, userMessage: this.userMessage };
  }
}

/** A palette file or palette data is malformed (bad colour, duplicate colour or name, too many classes). */
export class PaletteError extends RelayoutError {
  constructor(message: string, opts: RelayoutErrorOptions = {}) {
    super('palette-invalid', message, opts);
  }
}

/** Two images that must share a size do not. The message names both sizes. */
export class SizeMismatchError extends RelayoutError {
  constructor(what: string, a: { width: number; height: number }, b: { width: number; height: number }) {
    super(
      'size-mismatch',
      `${what}: sizes differ (${a.width}×${a.height} vs ${b.width}×${b.height})`,
    );
  }
}

/** Input data is not usable as given (wrong buffer length, empty image, unreadable file…). */
export class InputError extends RelayoutError {
  constructor(message: string, opts: RelayoutErrorOptions = {}) {
    super('input', message, opts);
  }
}

/** A label layer holds colours that are not in the palette, beyond what the caller allows. */
export class OffPaletteError extends RelayoutError {
  constructor(message: string, opts: RelayoutErrorOptions = {}) {
    super('labels-off-palette', message, opts);
  }
}

/** A class the edited layout asks for exists in no style source. */
export class ClassMissingError extends RelayoutError {
  readonly classNames: string[];
  constructor(classNames: string[]) {
    const list = classNames.map((n) => `"${n}"`).join(', ');
    super(
      'class-missing',
      `No source image contains ${list}; add a reference image (with its label layer) that shows ${
        classNames.length > 1 ? 'these classes' : 'this class'
      }.`,
    );
    this.classNames = classNames;
  }
}

/** The user or the host cancelled the run. The panel shows it as "Cancelled", not as a failure. */
export class CancelledError extends RelayoutError {
  constructor(message = 'Cancelled') {
    super('cancelled', message);
  }
}
