// The panel's end of the engine bridge: sends a job in chunks, relays progress, rebuilds the result and
// errors, and cancels by request id. Runs in the panel (UXP or browser); needs only a Channel.
import { CancelledError, Palette, RgbaImage } from '../layout';
import type { EditMethod, EditResult } from '../inference/edit';
import type { EngineParams, ProgressEvent } from '../inference/engine';
import type { RelayoutJob } from '../inference/job';
import { BackendUnavailableError } from '../inference/errors';
import { BlobAssembler, BridgeMessage, Channel, ChunkMessage, errorFromWire, PROTOCOL_VERSION, sendBlobs } from './protocol';
import { CroppedResult, expandResult } from './result-crop';
import { pack, unpack } from './wire';

/** Everything one engine run needs (serialisable). */
export interface EngineCall {
  job: RelayoutJob;
  palette: Palette;
  method?: EditMethod;
  params?: Partial<EngineParams>;
}

/** Bytes crossing the bridge: the job going out, the result coming back. */
export type TransferEvent = { type: 'transfer'; stageId: 'send' | 'receive'; fraction: number };
export type BridgeProgressEvent = ProgressEvent | TransferEvent;

export interface BridgeEditOptions {
  signal?: AbortSignal;
  onProgress?: (e: BridgeProgressEvent) => void;
}

interface Pending {
  /** The photo sent: the result comes back as its mask's box and is rebuilt over it. */
  photo: RgbaImage;
  resolve(r: EditResult): void;
  reject(e: unknown): void;
  onProgress?: (e: BridgeProgressEvent) => void;
  header?: unknown;
  assembler?: BlobAssembler;
}

export interface EngineClientOptions {
  chunkBytes?: number;
  /** How long to wait for the engine page to say it is ready. */
  readyTimeoutMs?: number;
}

export class EngineClient {
  private readonly pending = new Map<string, Pending>();
  private readonly unlisten: () => void;
  private nextId = 1;
  private backendName: string | null = null;
  private readyWaiters: { resolve(b: string): void; reject(e: unknown): void }[] = [];
  private closed = false;

  constructor(
    private readonly channel: Channel,
    private readonly opts: EngineClientOptions = {},
  ) {
    this.unlisten = channel.listen((m) => this.onMessage(m));
  }

  /** Which backend the engine runs on (e.g. "webgpu (wasm fallback)"), once it said it is ready. */
  get backend(): string | null {
    return this.backendName;
  }

  /** Resolves with the engine's backend once the engine page answers (asks again until it does). */
  ready(): Promise<string> {
    if (this.backendName) return Promise.resolve(this.backendName);
    return new Promise<string>((resolve, reject) => {
      const timeoutMs = this.opts.readyTimeoutMs ?? 30000;
      const started = Date.now();
      const waiter = { resolve, reject };
      this.readyWaiters.push(waiter);
      // The page may still be loading when we first ask: ask again until it answers.
      const ask = (): void => {
        if (this.backendName || this.closed || !this.readyWaiters.includes(waiter)) return;
        if (Date.now() - started > timeoutMs) {
          this.readyWaiters = this.readyWaiters.filter((w) => w !== waiter);
          reject(new BackendUnavailableError(`the engine did not start within ${timeoutMs} ms`, { userMessage: 'The local engine did not start. Try the "Local WASM only" backend, or restart the panel.', retryable: true }));
          return;
        }
        this.channel.post({ type: 'hello', protocol: PROTOCOL_VERSION });
        setTimeout(ask, 250);
      };
      ask();
    });
  }

  /** Runs one edit on the engine. Aborting `signal` rejects at once with CancelledError and tells the engine. */
  async edit(call: EngineCall, opts: BridgeEditOptions = {}): Promise<EditResult> {
    if (opts.signal?.aborted) throw new CancelledError();
    await this.ready();
    if (opts.signal?.aborted) throw new CancelledError();
    const id = `r${this.nextId++}`;
    const { header, blobs } = pack(call);
    const done = new Promise<EditResult>((resolve, reject) => {
      this.pending.set(id, { photo: call.job.image, resolve, reject, onProgress: opts.onProgress });
    });
    const onAbort = (): void => {
      const p = this.pending.get(id);
      if (!p) return;
      this.pending.delete(id);
      this.channel.post({ type: 'cancel', id });
      p.reject(new CancelledError());
    };
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      this.channel.post({ type: 'request', id, header, blobs: blobs.map((b) => ({ bytes: b.length })) });
      await sendBlobs(this.channel, id, blobs, {
        chunkBytes: this.opts.chunkBytes,
        shouldStop: () => !this.pending.has(id),
        onSent: (fraction) => opts.onProgress?.({ type: 'transfer', stageId: 'send', fraction }),
      });
      return await done;
    } finally {
      opts.signal?.removeEventListener('abort', onAbort);
      this.pending.delete(id);
    }
  }

  private onMessage(m: BridgeMessage): void {
    switch (m.type) {
      case 'ready':
        if (m.protocol !== PROTOCOL_VERSION) {
          const err = new BackendUnavailableError(`engine speaks protocol ${m.protocol}, panel ${PROTOCOL_VERSION}`, { userMessage: 'The engine page does not match this panel version. Reinstall the plugin.' });
          for (const w of this.readyWaiters) w.reject(err);
          this.readyWaiters = [];
          return;
        }
        this.backendName = m.backend;
        for (const w of this.readyWaiters) w.resolve(m.backend);
        this.readyWaiters = [];
        return;
      case 'progress':
        this.pending.get(m.id)?.onProgress?.(m.event);
        return;
      case 'result': {
        const p = this.pending.get(m.id);
        if (!p) return; // cancelled: late results are dropped
        p.header = m.header;
        p.assembler = new BlobAssembler(m.blobs);
        if (p.assembler.done) this.finish(m.id, p);
        return;
      }
      case 'chunk':
        this.onChunk(m);
        return;
      case 'error': {
        const err = errorFromWire(m.error);
        if (m.id === null) {
          // The engine itself failed (e.g. could not load): every waiting call fails the same way.
          for (const w of this.readyWaiters) w.reject(err);
          this.readyWaiters = [];
          for (const [id, p] of this.pending) {
            this.pending.delete(id);
            p.reject(err);
          }
          return;
        }
        const p = this.pending.get(m.id);
        if (p) {
          this.pending.delete(m.id);
          p.reject(err);
        }
        return;
      }
      default:
        return; // our own messages echoed by an in-process channel, or unknown ones
    }
  }

  private onChunk(m: ChunkMessage): void {
    const p = this.pending.get(m.id);
    if (!p?.assembler) return;
    try {
      const fraction = p.assembler.add(m);
      p.onProgress?.({ type: 'transfer', stageId: 'receive', fraction });
      if (p.assembler.done) this.finish(m.id, p);
    } catch (err) {
      this.pending.delete(m.id);
      p.reject(err);
    }
  }

  private finish(id: string, p: Pending): void {
    this.pending.delete(id);
    try {
      p.resolve(expandResult(unpack<CroppedResult>(p.header, p.assembler!.blobs), p.photo));
    } catch (err) {
      p.reject(err);
    }
  }

  /** Fails every waiting call and readiness with `err` (e.g. the webview could not load its page). */
  fail(err: unknown): void {
    for (const w of this.readyWaiters) w.reject(err);
    this.readyWaiters = [];
    for (const [id, p] of this.pending) {
      this.pending.delete(id);
      p.reject(err);
    }
  }

  /** Stops listening; pending calls fail as cancelled. */
  dispose(): void {
    this.closed = true;
    this.unlisten();
    for (const [id, p] of this.pending) {
      this.pending.delete(id);
      this.channel.post({ type: 'cancel', id });
      p.reject(new CancelledError());
    }
  }
}
