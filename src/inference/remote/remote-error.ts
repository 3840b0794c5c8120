// Errors of the remote backend, and the error body that crosses HTTP: `{ error, code, userMessage }`
// (`error` is the protocol's field; `code` and `userMessage` let the client rebuild the same error class).
import { CancelledError, ClassMissingError, InputError, RelayoutError, RelayoutErrorCode } from '../../layout';

/** The JSON body of every error response: the protocol's `error` string plus Relayout's fields. */
export interface WireError {
  error: string;
  code?: RelayoutErrorCode;
  userMessage?: string;
  /** For `class-missing`: the class names no source contains. */
  classNames?: string[];
}

/** Builds the wire body of an error (server side). */
export function toWireError(err: RelayoutError): WireError {
  const wire: WireError = { error: err.message, code: err.code, userMessage: err.userMessage };
  if (err instanceof ClassMissingError) wire.classNames = err.classNames;
  return wire;
}

function userMessageFor(status: number, endpoint: string, serverText: string): string {
  if (status === 0) return `Cannot reach the Relayout server at ${endpoint}. Check the address and that the server is running.`;
  if (status === 401) return 'The server refused the access token. Check the token in the Remote settings.';
  if (status === 403) return 'The server does not allow this request with this token.';
  if (status === 404) return `The server does not know this model or address (${serverText}). Check the endpoint and model name.`;
  if (status === 413) return `The request is too large for the server: ${serverText}`;
  if (status === 503) return 'The server is busy. Try again in a moment.';
  if (status === 504) return `The server gave up on the edit: ${serverText}`;
  if (status >= 500) return `The server failed: ${serverText}`;
  return `The server rejected the request: ${serverText}`;
}

/**
 * An HTTP-level failure of the remote endpoint: `status` (0 when the server could not be reached or
 * did not answer in time) and the server's own `error` text.
 */
export class RemoteError extends RelayoutError {
  readonly status: number;
  readonly serverMessage: string;
  /** Seconds the server asked us to wait (Retry-After), when it said. */
  readonly retryAfterSeconds?: number;

  constructor(status: number, serverMessage: string, opts: { endpoint: string; cause?: unknown; retryable?: boolean; retryAfterSeconds?: number; userMessage?: string }) {
    super('remote', status ? `HTTP ${status} from ${opts.endpoint}: ${serverMessage}` : `${opts.endpoint}: ${serverMessage}`, {
      cause: opts.cause,
      retryable: opts.retryable ?? (status === 503 || status === 0),
      userMessage: opts.userMessage ?? userMessageFor(status, opts.endpoint, serverMessage),
    });
    this.status = status;
    this.serverMessage = serverMessage;
    this.retryAfterSeconds = opts.retryAfterSeconds;
  }
}

/**
 * Rebuilds the error a server sent: a Relayout error of the same class where the body carries a
 * Relayout `code` the client knows (the user's input was wrong, not the transport), else a RemoteError.
 */
export function errorFromWire(status: number, body: unknown, endpoint: string, retryAfterSeconds?: number): RelayoutError {
  const wire = (typeof body === 'object' && body !== null ? body : {}) as Partial<WireError>;
  const text = typeof wire.error === 'string' ? wire.error : `HTTP ${status}`;
  const userMessage = typeof wire.userMessage === 'string' ? wire.userMessage : undefined;
  switch (wire.code) {
    case 'cancelled':
      return new CancelledError(text);
    case 'class-missing':
      if (Array.isArray(wire.classNames) && wire.classNames.every((c) => typeof c === 'string')) return new ClassMissingError(wire.classNames);
      return new RelayoutError('class-missing', text, { userMessage });
    case 'input':
      return new InputError(text, { userMessage });
    case 'size-mismatch':
    case 'labels-off-palette':
    case 'image-invalid':
    case 'palette-invalid':
      return new RelayoutError(wire.code, text, { userMessage });
    default:
      return new RemoteError(status, text, { endpoint, retryAfterSeconds });
  }
}
