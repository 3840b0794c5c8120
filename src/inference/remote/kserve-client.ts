// Open Inference Protocol (KServe v2 REST) client: health, metadata and infer with the binary tensor
// extension, a deadline per call, cancellation by AbortSignal, retries with backoff on 503 (honouring
// Retry-After) and on dropped connections, and upload/waiting/download progress. Uses only `fetch`, so
// it runs in the panel, a browser and Node alike.
import { utf8Decode } from '../../layout/utf8';
import { CancelledError } from '../../layout';
import {
  decodeInferResponse,
  encodeInferRequest,
  HEADER_LENGTH_HEADER,
  InferRequest,
  InferResponse,
  ModelMetadata,
  parseHeaderLength,
  ServerMetadata,
  WireFormatError,
} from './kserve-wire';
import { errorFromWire, RemoteError } from './remote-error';

export interface KserveClientOptions {
  /** Base URL of the server, e.g. `http://127.0.0.1:8000` (a path prefix is kept). */
  endpoint: string;
  /** Sent as `Authorization: Bearer <token>`. */
  token?: string;
  /** Deadline of one call, retries and waits included, ms. Default 300 000. */
  timeoutMs?: number;
  /** Extra attempts after a 503 or a dropped connection. Default 3. */
  retries?: number;
  /** First backoff delay, doubled per attempt (with jitter), ms. Default 500. */
  backoffMs?: number;
  /** Longest single wait, also caps Retry-After, ms. Default 30 000. */
  maxBackoffMs?: number;
  /**
   * Send request bodies as a stream so upload progress is real (Node's fetch; browsers stream request
   * bodies only over HTTP/2, and UXP not at all). Off: upload progress jumps from 0 to 1.
   */
  streamUpload?: boolean;
  /** Upload chunk size when streaming, bytes. Default 256 KiB. */
  uploadChunkBytes?: number;
  /** The fetch to use (default: the global one). */
  fetch?: FetchLike;
}

/** The part of `fetch` the client needs. */
export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

export type TransferPhase = 'upload' | 'waiting' | 'download';

/** Progress of one HTTP exchange; `fraction` is within the phase (0..1). */
export interface TransferProgressEvent {
  type: 'transfer';
  stageId: TransferPhase;
  fraction: number;
  /** Bytes moved so far in this phase and the phase total (0 when unknown). */
  bytes: number;
  totalBytes: number;
  /** Time since the request started, ms. */
  elapsedMs: number;
  attempt: number;
}

export interface CallOptions {
  signal?: AbortSignal;
  onProgress?: (e: TransferProgressEvent) => void;
  /** Overrides the client's deadline for this call, ms. */
  timeoutMs?: number;
}

interface RawResponse {
  status: number;
  headers: Headers;
  body: Uint8Array;
}

interface RawRequest {
  method: 'GET' | 'POST';
  path: string;
  body?: Uint8Array;
  headers?: Record<string, string>;
}

/** Connection-level failures worth retrying: the server dropped the connection mid-way. */
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);
/** Failures that retrying will not fix soon (wrong host, nothing listening, bad certificate). */
const FATAL_CODES = new Set(['ENOTFOUND', 'ECONNREFUSED', 'EAI_AGAIN', 'CERT_HAS_EXPIRED', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'ERR_INVALID_URL']);

function errorCode(err: unknown): string | undefined {
  let e = err as { code?: unknown; cause?: unknown } | undefined;
  for (let depth = 0; e && depth < 4; depth++) {
    if (typeof e.code === 'string') return e.code;
    e = e.cause as typeof e;
  }
  return undefined;
}

/** Retry-After as seconds: delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v);
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : Math.max(0, (t - now) / 1000);
}

export class KserveClient {
  readonly endpoint: string;
  private readonly opts: Required<Omit<KserveClientOptions, 'token' | 'fetch'>> & Pick<KserveClientOptions, 'token'>;
  private readonly fetchImpl: FetchLike;

  constructor(options: KserveClientOptions) {
    let url: URL;
    try {
      url = new URL(options.endpoint);
    } catch {
      throw new RemoteError(0, `"${options.endpoint}" is not a URL`, { endpoint: options.endpoint, retryable: false, userMessage: `"${options.endpoint}" is not a valid server address (expected e.g. http://127.0.0.1:8000).` });
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new RemoteError(0, `unsupported protocol ${url.protocol}`, { endpoint: options.endpoint, retryable: false, userMessage: 'The server address must start with http:// or https://.' });
    }
    this.endpoint = options.endpoint.replace(/\/+$/, '');
    this.opts = {
      endpoint: this.endpoint,
      token: options.token,
      timeoutMs: options.timeoutMs ?? 300_000,
      retries: options.retries ?? 3,
      backoffMs: options.backoffMs ?? 500,
      maxBackoffMs: options.maxBackoffMs ?? 30_000,
      streamUpload: options.streamUpload ?? false,
      uploadChunkBytes: options.uploadChunkBytes ?? 256 * 1024,
    };
    this.fetchImpl = options.fetch ?? ((url, init) => fetch(url, init));
  }

  /** GET v2/health/live: true on 200, false on 4xx. */
  async serverLive(opts: CallOptions = {}): Promise<boolean> {
    return this.health('/v2/health/live', opts);
  }

  /** GET v2/health/ready: true on 200, false on 4xx. */
  async serverReady(opts: CallOptions = {}): Promise<boolean> {
    return this.health('/v2/health/ready', opts);
  }

  /** GET v2/models/{name}/ready. */
  async modelReady(name: string, opts: CallOptions = {}): Promise<boolean> {
    return this.health(`/v2/models/${encodeURIComponent(name)}/ready`, opts);
  }

  /** GET v2. */
  async serverMetadata(opts: CallOptions = {}): Promise<ServerMetadata> {
    return (await this.json('/v2', opts)) as ServerMetadata;
  }

  /** GET v2/models/{name}. */
  async modelMetadata(name: string, opts: CallOptions = {}): Promise<ModelMetadata> {
    const meta = (await this.json(`/v2/models/${encodeURIComponent(name)}`, opts)) as ModelMetadata;
    if (!meta || !Array.isArray(meta.inputs) || !Array.isArray(meta.outputs)) {
      throw new RemoteError(200, `the metadata of model "${name}" has no inputs/outputs lists`, { endpoint: this.endpoint, retryable: false });
    }
    return meta;
  }

  /** POST v2/models/{name}/infer with every input in binary; outputs asked for in binary. */
  async infer(model: string, req: InferRequest, opts: CallOptions = {}): Promise<InferResponse> {
    const { body, headerLength } = encodeInferRequest(req);
    const headers: Record<string, string> = { 'Content-Type': headerLength === null ? 'application/json' : 'application/octet-stream' };
    if (headerLength !== null) headers[HEADER_LENGTH_HEADER] = String(headerLength);
    const res = await this.request({ method: 'POST', path: `/v2/models/${encodeURIComponent(model)}/infer`, body, headers }, opts);
    if (res.status !== 200) throw this.errorOf(res);
    try {
      return decodeInferResponse(res.body, parseHeaderLength(res.headers.get(HEADER_LENGTH_HEADER)));
    } catch (err) {
      if (err instanceof WireFormatError) {
        throw new RemoteError(200, `the server's response is malformed: ${err.message}`, { endpoint: this.endpoint, cause: err, retryable: false });
      }
      throw err;
    }
  }

  private async health(path: string, opts: CallOptions): Promise<boolean> {
    const res = await this.request({ method: 'GET', path }, { ...opts, retries: 0 });
    if (res.status === 200) return true;
    if (res.status === 401 || res.status === 404) throw this.errorOf(res);
    if (res.status >= 400 && res.status < 600) return false;
    throw this.errorOf(res);
  }

  private async json(path: string, opts: CallOptions): Promise<unknown> {
    const res = await this.request({ method: 'GET', path }, opts);
    if (res.status !== 200) throw this.errorOf(res);
    try {
      return JSON.parse(utf8Decode(res.body));
    } catch (err) {
      throw new RemoteError(200, `GET ${path} did not return JSON`, { endpoint: this.endpoint, cause: err, retryable: false });
    }
  }

  private errorOf(res: RawResponse): Error {
    let body: unknown;
    try {
      body = JSON.parse(utf8Decode(res.body));
    } catch {
      body = { error: utf8Decode(res.body).slice(0, 200) || `HTTP ${res.status}` };
    }
    return errorFromWire(res.status, body, this.endpoint, parseRetryAfter(res.headers.get('retry-after')));
  }

  /** One call: attempts with backoff under one deadline, cancellable, with progress. */
  private async request(req: RawRequest, opts: CallOptions & { retries?: number }): Promise<RawResponse> {
    const started = Date.now();
    const timeoutMs = opts.timeoutMs ?? this.opts.timeoutMs;
    const deadline = started + timeoutMs;
    const retries = opts.retries ?? this.opts.retries;
    // One controller for the whole call: the caller's signal and the deadline both abort it.
    const ctrl = new AbortController();
    let timedOut = false;
    const onAbort = (): void => ctrl.abort();
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(() => {
      timedOut = true;
      ctrl.abort();
    }, timeoutMs);
    const cancelled = (): boolean => opts.signal?.aborted === true;
    const timeoutError = (cause?: unknown): RemoteError =>
      new RemoteError(0, `no answer within ${timeoutMs / 1000} s`, {
        endpoint: this.endpoint,
        cause,
        retryable: true,
        userMessage: `The server did not answer within ${Math.round(timeoutMs / 1000)} s. It may be overloaded; try again or raise the timeout.`,
      });
    try {
      for (let attempt = 1; ; attempt++) {
        if (cancelled()) throw new CancelledError();
        let waitMs: number | undefined;
        let lastError: RemoteError | undefined;
        try {
          const res = await this.once(req, ctrl.signal, opts.onProgress, attempt, started);
          if (res.status !== 503 || attempt > retries) return res;
          const after = parseRetryAfter(res.headers.get('retry-after'));
          waitMs = after !== undefined ? after * 1000 : this.backoff(attempt);
          lastError = this.errorOf(res) as RemoteError;
        } catch (err) {
          if (cancelled()) throw new CancelledError();
          if (timedOut) throw timeoutError(err);
          const code = errorCode(err);
          const reset = code ? RESET_CODES.has(code) : err instanceof TypeError;
          const fatal = code !== undefined && FATAL_CODES.has(code);
          lastError = new RemoteError(0, `${(err as Error).message}${code ? ` (${code})` : ''}`, { endpoint: this.endpoint, cause: err, retryable: !fatal });
          if (!reset || fatal || attempt > retries) throw lastError;
          waitMs = this.backoff(attempt);
        }
        waitMs = Math.min(waitMs, this.opts.maxBackoffMs);
        if (Date.now() + waitMs >= deadline) throw lastError;
        await sleep(waitMs, ctrl.signal).catch(() => undefined);
        if (cancelled()) throw new CancelledError();
        if (timedOut) throw timeoutError();
      }
    } finally {
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
    }
  }

  private backoff(attempt: number): number {
    const base = this.opts.backoffMs * 2 ** (attempt - 1);
    return Math.min(this.opts.maxBackoffMs, base * (0.75 + Math.random() * 0.5));
  }

  /** One HTTP exchange, reporting upload, waiting and download progress. */
  private async once(req: RawRequest, signal: AbortSignal, onProgress: CallOptions['onProgress'], attempt: number, started: number): Promise<RawResponse> {
    const emit = (stageId: TransferPhase, fraction: number, bytes: number, totalBytes: number): void =>
      onProgress?.({ type: 'transfer', stageId, fraction, bytes, totalBytes, elapsedMs: Date.now() - started, attempt });
    const headers: Record<string, string> = { Accept: 'application/json, application/octet-stream', ...req.headers };
    if (this.opts.token) headers.Authorization = `Bearer ${this.opts.token}`;
    const total = req.body?.byteLength ?? 0;
    let uploaded = 0;
    let waitingTimer: ReturnType<typeof setInterval> | undefined;
    const startWaiting = (): void => {
      if (waitingTimer) return;
      emit('upload', 1, total, total);
      emit('waiting', 0, 0, 0);
      // The server gives no progress while it computes: tick so callers can show elapsed time.
      waitingTimer = setInterval(() => emit('waiting', 0, 0, 0), 1000);
    };
    let body: RequestInit['body'];
    const init: RequestInit & { duplex?: 'half' } = { method: req.method, headers, signal };
    if (req.body) {
      const bytes = req.body;
      emit('upload', 0, 0, total);
      if (this.opts.streamUpload && typeof ReadableStream !== 'undefined') {
        const chunk = this.opts.uploadChunkBytes;
        body = new ReadableStream<Uint8Array>({
          pull: (controller) => {
            if (uploaded >= total) {
              controller.close();
              startWaiting();
              return;
            }
            const end = Math.min(total, uploaded + chunk);
            controller.enqueue(bytes.subarray(uploaded, end));
            uploaded = end;
            emit('upload', uploaded / total, uploaded, total);
          },
        }, { highWaterMark: 0 });
        init.duplex = 'half';
        headers['Content-Length'] = String(total);
      } else {
        body = bytes as unknown as RequestInit['body'];
      }
      init.body = body;
    }
    try {
      const res = await this.fetchImpl(this.endpoint + req.path, init);
      startWaiting();
      clearInterval(waitingTimer);
      emit('waiting', 1, 0, 0);
      const length = Number(res.headers.get('content-length') ?? 0);
      let out: Uint8Array;
      if (res.body && typeof res.body.getReader === 'function') {
        const reader = res.body.getReader();
        const chunks: Uint8Array[] = [];
        let received = 0;
        emit('download', 0, 0, length);
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          chunks.push(value);
          received += value.byteLength;
          emit('download', length ? Math.min(1, received / length) : 0, received, length);
        }
        out = concat(chunks, received);
      } else {
        out = new Uint8Array(await res.arrayBuffer());
      }
      emit('download', 1, out.byteLength, out.byteLength);
      return { status: res.status, headers: res.headers, body: out };
    } finally {
      clearInterval(waitingTimer);
    }
  }
}

function concat(chunks: Uint8Array[], total: number): Uint8Array {
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(total);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.byteLength;
  }
  return out;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new CancelledError());
    const t = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(t);
      reject(new CancelledError());
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
