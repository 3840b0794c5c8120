// Messages between the panel (client) and an engine host (webview page, Web Worker): one typed union per
// direction, JSON only (UXP's webview bridge stringifies every message), replies matched by request id.
// Binary data travels as base64 chunks of a few hundred KiB, with progress and cancellation between them.
import {
  CancelledError,
  InputError,
  OffPaletteError,
  PaletteError,
  RelayoutError,
  RelayoutErrorCode,
} from '../layout';
import { BackendUnavailableError } from '../inference/errors';
import type { ProgressEvent } from '../inference/engine';
import { fromBase64, toBase64 } from './wire';

/** 2: results come back as their mask's box (`result-crop.ts`). */
export const PROTOCOL_VERSION = 2;
/** Raw bytes per chunk message (a multiple of 3, so chunks are padding-free base64). */
export const DEFAULT_CHUNK_BYTES = 3 * 64 * 1024;

/** A message transport: the webview bridge, a worker, or an in-process pair in tests. */
export interface Channel {
  post(message: BridgeMessage): void;
  /** Subscribes; returns the unsubscribe function. */
  listen(handler: (message: BridgeMessage) => void): () => void;
}

export interface WireError {
  code: RelayoutErrorCode;
  name: string;
  message: string;
  userMessage: string;
  retryable: boolean;
}

export interface BlobInfo {
  bytes: number;
}

export type ClientMessage =
  | { type: 'hello'; protocol: number }
  /** A new request: the job's JSON, and how many bytes each of its blobs has (chunks follow). */
  | { type: 'request'; id: string; header: unknown; blobs: BlobInfo[] }
  | { type: 'cancel'; id: string };

export type ServerMessage =
  | { type: 'ready'; protocol: number; backend: string }
  | { type: 'progress'; id: string; event: ProgressEvent }
  /** Fraction of the request's bytes the engine has received. */
  | { type: 'received'; id: string; fraction: number }
  | { type: 'result'; id: string; header: unknown; blobs: BlobInfo[] }
  | { type: 'error'; id: string | null; error: WireError };

/** Binary payload of a request (client → server) or a result (server → client). */
export type ChunkMessage = { type: 'chunk'; id: string; blob: number; offset: number; data: string };

export type BridgeMessage = ClientMessage | ServerMessage | ChunkMessage;

export function isBridgeMessage(v: unknown): v is BridgeMessage {
  return !!v && typeof v === 'object' && typeof (v as { type?: unknown }).type === 'string';
}

// ---- errors ---------------------------------------------------------------------------------------------

export function errorToWire(err: unknown): WireError {
  if (err instanceof RelayoutError) {
    return { code: err.code, name: err.name, message: err.message, userMessage: err.userMessage, retryable: err.retryable };
  }
  const message = (err as Error)?.message ?? String(err);
  return {
    code: 'backend-unavailable',
    name: (err as Error)?.name ?? 'Error',
    message,
    userMessage: `The engine stopped with an error: ${message}`,
    retryable: false,
  };
}

/** Rebuilds a wire error into the same error class (never a string to re-parse later). */
export function errorFromWire(w: WireError): RelayoutError {
  const opts = { userMessage: w.userMessage, retryable: w.retryable };
  switch (w.code) {
    case 'cancelled':
      return new CancelledError(w.message);
    case 'backend-unavailable':
      return new BackendUnavailableError(w.message, opts);
    case 'input':
      return new InputError(w.message, opts);
    case 'labels-off-palette':
      return new OffPaletteError(w.message, opts);
    case 'palette-invalid':
      return new PaletteError(w.message, opts);
    default: {
      const e = new RelayoutError(w.code, w.message, opts);
      e.name = w.name; // e.g. ClassMissingError, ContractMismatchError: same code, message and name
      return e;
    }
  }
}

// ---- chunked transfer -----------------------------------------------------------------------------------

/** Lets queued messages (a cancel) through between chunks. */
const yieldToEvents = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

/**
 * Posts every blob as base64 chunks. Checks `shouldStop` between chunks and yields to the event loop
 * every few chunks so a cancel can arrive; reports the fraction of bytes sent.
 */
export async function sendBlobs(
  channel: Channel,
  id: string,
  blobs: Uint8Array[],
  opts: { chunkBytes?: number; shouldStop?: () => boolean; onSent?: (fraction: number) => void } = {},
): Promise<boolean> {
  const chunk = opts.chunkBytes ?? DEFAULT_CHUNK_BYTES;
  const total = blobs.reduce((a, b) => a + b.length, 0);
  let sent = 0, count = 0;
  for (let b = 0; b < blobs.length; b++) {
    const bytes = blobs[b];
    for (let offset = 0; offset < bytes.length; offset += chunk) {
      if (opts.shouldStop?.()) return false;
      const part = bytes.subarray(offset, Math.min(bytes.length, offset + chunk));
      channel.post({ type: 'chunk', id, blob: b, offset, data: toBase64(part) });
      sent += part.length;
      opts.onSent?.(total ? sent / total : 1);
      if (++count % 8 === 0) await yieldToEvents();
    }
  }
  return !opts.shouldStop?.();
}

/** Collects chunks into preallocated blobs; `done` once every byte arrived. */
export class BlobAssembler {
  readonly blobs: Uint8Array[];
  private received = 0;
  private readonly total: number;

  constructor(infos: BlobInfo[]) {
    this.blobs = infos.map((i) => {
      if (!Number.isInteger(i.bytes) || i.bytes < 0) throw new InputError(`bad blob size ${i.bytes}`);
      return new Uint8Array(i.bytes);
    });
    this.total = infos.reduce((a, b) => a + b.bytes, 0);
  }

  /** Adds one chunk; returns the fraction of bytes received so far. */
  add(m: ChunkMessage): number {
    const target = this.blobs[m.blob];
    if (!target) throw new InputError(`chunk for unknown blob ${m.blob}`);
    this.received += fromBase64(m.data, target, m.offset).length;
    return this.total ? this.received / this.total : 1;
  }

  get done(): boolean {
    return this.received >= this.total;
  }
}
