// The HTTP side of the reference server (fastify): Open Inference Protocol routes for the pipeline model
// `relayout` and each stage model, bearer-token auth, body and pixel limits, clear JSON errors naming what
// was wrong, one log line per request. Compute happens in the WorkPool's worker threads. Node only.
import { createHash, timingSafeEqual } from 'crypto';
import Fastify, { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ContractMismatchError } from '../../models/contract';
import {
  decodeInferRequest,
  decodePipelineInputs,
  encodeInferResponse,
  encodePipelineOutputs,
  HEADER_LENGTH_HEADER,
  LimitError,
  ModelMetadata,
  parseHeaderLength,
  pipelineMetadata,
  pixelLimitError,
  RELAYOUT_MODEL,
  REQUEST_ERROR_CODES,
  ServerMetadata,
  WireError,
  WireFormatError,
  WireTensor,
} from '../inference/remote';
import type { RelayoutJob } from '../inference/job';
import { KSERVE_DATATYPE, StageEntry, stageMetadata } from './model-catalog';
import { TypedTensor } from './node-ort-runner';
import { ClientGoneError, DeadlineError, QueueFullError, ShuttingDownError, TaskFailedError, WorkPool } from './work-pool';

export interface AppOptions {
  pool: WorkPool;
  stages: StageEntry[];
  /** Bearer token every /v2 route but health needs; none: open (loopback only, enforced by main). */
  token?: string;
  maxPixels: number;
  maxBodyBytes: number;
  version: string;
  log: (line: string) => void;
}

interface Served {
  name: string;
  metadata: ModelMetadata;
  stage?: StageEntry;
}

/** Per-request notes for the log line. */
interface RequestNote {
  logged?: boolean;
  note?: string;
}
const notes = new WeakMap<FastifyRequest, RequestNote>();
const noteOf = (r: FastifyRequest): RequestNote => {
  let n = notes.get(r);
  if (!n) notes.set(r, (n = {}));
  return n;
};

class HttpError extends Error {
  constructor(readonly status: number, message: string, readonly extra: Partial<WireError> = {}, readonly headers: Record<string, string> = {}) {
    super(message);
  }
}

function digest(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}

function fromWireTensor(t: WireTensor, stage: StageEntry, maxPixels: number): TypedTensor {
  const spec = stage.contract.inputs.find((s) => s.name === t.name);
  if (!spec) {
    throw new WireFormatError(`unknown input "${t.name}"; model "${stage.id}" takes ${stage.contract.inputs.map((s) => s.name).join(', ')}`, t.name);
  }
  const want = KSERVE_DATATYPE[spec.dtype];
  if (t.datatype !== want) throw new WireFormatError(`input "${t.name}" must be ${want}, got ${t.datatype}`, t.name);
  // An input whose contract ends in two symbolic dims is an image (…, H, W): the same pixel limit as the
  // pipeline's, so a stage request cannot ask for more memory than an edit may.
  const n = spec.shape.length;
  if (n >= 2 && typeof spec.shape[n - 2] === 'string' && typeof spec.shape[n - 1] === 'string' && t.shape.length === n) {
    const height = t.shape[n - 2], width = t.shape[n - 1];
    if (width * height > maxPixels) throw pixelLimitError(t.name, width, height, maxPixels);
  }
  return { type: spec.dtype, dims: t.shape, data: t.data as TypedTensor['data'] };
}

function toWireTensor(name: string, t: TypedTensor): WireTensor {
  return { name, datatype: KSERVE_DATATYPE[t.type], shape: t.dims, data: t.data };
}

/** A copy of `a` in a buffer of its own, so it can move to a worker without dragging the request body along. */
function own<T extends { slice(): T; buffer: ArrayBufferLike }>(a: T, transfer: ArrayBuffer[]): T {
  const copy = a.slice();
  transfer.push(copy.buffer as ArrayBuffer);
  return copy;
}

/** The job with compact arrays (decoded tensors are views into the whole request body). */
function ownJob(job: RelayoutJob, transfer: ArrayBuffer[]): RelayoutJob {
  return {
    ...job,
    image: { ...job.image, data: own(job.image.data as Uint8Array, transfer) },
    original: { ...job.original, labels: own(job.original.labels, transfer) },
    edited: { ...job.edited, labels: own(job.edited.labels, transfer) },
    extraMask: job.extraMask && own(job.extraMask, transfer),
    references: job.references.map((r) => ({ image: { ...r.image, data: own(r.image.data as Uint8Array, transfer) }, layout: { ...r.layout, labels: own(r.layout.labels, transfer) } })),
  };
}

function kb(n: number): string {
  return n >= 1e6 ? `${(n / 1e6).toFixed(1)}MB` : `${(n / 1e3).toFixed(1)}kB`;
}

/** Builds the fastify app (not yet listening). */
export function buildApp(opts: AppOptions): FastifyInstance {
  const { pool, log } = opts;
  const served = new Map<string, Served>();
  served.set(RELAYOUT_MODEL, { name: RELAYOUT_MODEL, metadata: pipelineMetadata({ maxPixels: opts.maxPixels, maxBodyBytes: opts.maxBodyBytes }) });
  for (const stage of opts.stages) served.set(stage.id, { name: stage.id, metadata: stageMetadata(stage, { maxPixels: opts.maxPixels, maxBodyBytes: opts.maxBodyBytes }), stage });
  const tokenDigest = opts.token ? digest(opts.token) : null;

  const app = Fastify({
    logger: false,
    bodyLimit: opts.maxBodyBytes,
    return503OnClosing: true,
  });

  // Every body is read as raw bytes: the binary extension puts tensors after the JSON object.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  const lookup = (name: string, version?: string): Served => {
    const m = served.get(name);
    if (!m) throw new HttpError(404, `unknown model "${name}"; this server serves ${[...served.keys()].join(', ')}`);
    if (version !== undefined && version !== '1') throw new HttpError(404, `model "${name}" has no version "${version}" (versions: 1)`);
    return m;
  };

  app.addHook('onRequest', async (request) => {
    const path = request.url.split('?')[0];
    if (tokenDigest && !path.startsWith('/v2/health/')) {
      const auth = request.headers.authorization;
      const m = typeof auth === 'string' ? /^Bearer\s+(.+)$/i.exec(auth) : null;
      if (!m) throw new HttpError(401, 'this server needs a bearer token (Authorization: Bearer <token>)', {}, { 'WWW-Authenticate': 'Bearer' });
      if (!timingSafeEqual(digest(m[1].trim()), tokenDigest)) throw new HttpError(401, 'the bearer token is not valid for this server', {}, { 'WWW-Authenticate': 'Bearer error="invalid_token"' });
    }
    const infer = /^\/v2\/models\/([^/]+)(?:\/versions\/([^/]+))?\/infer$/.exec(path);
    if (infer) {
      lookup(decodeURIComponent(infer[1]), infer[2] && decodeURIComponent(infer[2]));
      const length = Number(request.headers['content-length']);
      if (length > opts.maxBodyBytes) {
        // Refuse before reading the body, and close: the client may still be sending it.
        throw new HttpError(413, `the request body is ${length} bytes; this server accepts at most ${opts.maxBodyBytes} bytes (${kb(opts.maxBodyBytes)})`, {}, { Connection: 'close' });
      }
    }
  });

  // While shutting down, no connection is kept alive: the process can exit as soon as the answers are out.
  app.addHook('onSend', async (_request, reply, payload) => {
    if (pool.stopping) reply.header('Connection', 'close');
    return payload;
  });

  app.addHook('onResponse', async (request, reply) => {
    const n = noteOf(request);
    if (n.logged) return;
    n.logged = true;
    const inBytes = Number(request.headers['content-length'] ?? 0);
    const outBytes = Number(reply.getHeader('content-length') ?? 0);
    log(`${new Date().toISOString()} ${request.method} ${request.url} ${reply.statusCode} ${Math.round(reply.elapsedTime)}ms in=${kb(inBytes)} out=${kb(outBytes)}${n.note ? ` ${n.note}` : ''}`);
  });

  app.setErrorHandler((error: FastifyError | Error, request, reply) => {
    let status = 500;
    let body: WireError;
    let headers: Record<string, string> = {};
    if (error instanceof HttpError) {
      status = error.status;
      body = { error: error.message, ...error.extra };
      headers = error.headers;
    } else if ((error as FastifyError).code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      status = 413;
      body = { error: `the request body is larger than this server accepts (at most ${opts.maxBodyBytes} bytes, ${kb(opts.maxBodyBytes)})` };
      headers = { Connection: 'close' };
    } else if (typeof (error as FastifyError).statusCode === 'number' && (error as FastifyError).statusCode! < 500) {
      status = (error as FastifyError).statusCode!;
      body = { error: error.message };
    } else {
      body = { error: `internal error: ${error.message}` };
      log(`internal error on ${request.method} ${request.url}: ${error.stack ?? error.message}`);
    }
    noteOf(request).note = `error="${body.error.slice(0, 160)}"`;
    void reply.code(status).headers(headers).send(body);
  });

  app.setNotFoundHandler((request, reply) => {
    void reply.code(404).send({ error: `no such endpoint: ${request.method} ${request.url.split('?')[0]}` });
  });

  // ---- health and metadata --------------------------------------------------------------------------
  app.get('/v2/health/live', async (_req, reply) => reply.code(200).send());
  app.get('/v2/health/ready', async (_req, reply) => reply.code(pool.ready ? 200 : 400).send());
  app.get('/v2', async (): Promise<ServerMetadata> => ({ name: 'relayout-server', version: opts.version, extensions: ['binary_tensor_data'] }));

  const modelRoutes = ['/v2/models/:model', '/v2/models/:model/versions/:version'];
  type ModelParams = { Params: { model: string; version?: string } };
  for (const base of modelRoutes) {
    app.get<ModelParams>(base, async (req) => lookup(req.params.model, req.params.version).metadata);
    app.get<ModelParams>(`${base}/ready`, async (req, reply) => {
      lookup(req.params.model, req.params.version);
      return reply.code(pool.ready ? 200 : 400).send();
    });
    app.post<ModelParams>(`${base}/infer`, (req, reply) => infer(req, reply, lookup(req.params.model, req.params.version)));
  }

  // ---- inference --------------------------------------------------------------------------------------
  async function infer(request: FastifyRequest, reply: FastifyReply, model: Served): Promise<FastifyReply> {
    const raw = request.body as Buffer | undefined;
    if (!raw || !raw.length) throw new HttpError(400, 'the request has no body; send an inference request object');
    const ctrl = new AbortController();
    reply.raw.on('close', () => {
      if (!reply.raw.writableFinished) ctrl.abort();
    });
    try {
      const req = decodeInferRequest(new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength), parseHeaderLength(request.headers[HEADER_LENGTH_HEADER.toLowerCase()]));
      let outputs: WireTensor[];
      let parameters: Record<string, string | number | boolean> = {};
      if (!model.stage) {
        const { job, palette } = decodePipelineInputs(req.inputs, req.parameters ?? {}, opts.maxPixels);
        const transfer: ArrayBuffer[] = [];
        const r = await pool.submit({ kind: 'edit', job: ownJob(job, transfer), palette }, ctrl.signal, transfer);
        if (r.kind !== 'edit') throw new Error('worker answered an edit with a stage result');
        outputs = encodePipelineOutputs({ width: r.width, height: r.height, data: r.image }, r.maskAlpha);
        parameters = { unchanged: r.unchanged, masked_pixels: r.maskedPixels, queue_ms: r.queueMs, compute_ms: r.runMs };
        noteOf(request).note = `model=${model.name} ${job.image.width}x${job.image.height} queue=${r.queueMs}ms run=${r.runMs}ms`;
      } else {
        const stage = model.stage;
        const feeds: Record<string, TypedTensor> = {};
        const transfer: ArrayBuffer[] = [];
        for (const t of req.inputs) {
          const f = fromWireTensor(t, stage, opts.maxPixels);
          feeds[t.name] = { ...f, data: own(f.data as Float32Array, transfer) };
        }
        const r = await pool.submit({ kind: 'stage', stageId: stage.id, feeds }, ctrl.signal, transfer);
        if (r.kind !== 'stage') throw new Error('worker answered a stage with an edit result');
        outputs = Object.entries(r.outputs).map(([name, t]) => toWireTensor(name, t));
        parameters = { queue_ms: r.queueMs, compute_ms: r.runMs };
        noteOf(request).note = `model=${model.name} queue=${r.queueMs}ms run=${r.runMs}ms`;
      }
      let binary = (_name: string): boolean => req.binaryOutputDefault;
      if (req.outputs) {
        for (const o of req.outputs) {
          if (!outputs.some((t) => t.name === o.name)) {
            throw new HttpError(400, `unknown output "${o.name}"; model "${model.name}" returns ${model.metadata.outputs.map((t) => t.name).join(', ')}`);
          }
        }
        const wanted = new Map(req.outputs.map((o) => [o.name, o.binary] as const));
        outputs = outputs.filter((t) => wanted.has(t.name));
        binary = (name) => wanted.get(name) === true;
      }
      const encoded = encodeInferResponse({ model_name: model.name, model_version: '1', id: req.id, parameters, outputs }, binary);
      reply.header('Content-Type', encoded.headerLength === null ? 'application/json' : 'application/octet-stream');
      if (encoded.headerLength !== null) reply.header(HEADER_LENGTH_HEADER, String(encoded.headerLength));
      return reply.code(200).send(Buffer.from(encoded.body.buffer, encoded.body.byteOffset, encoded.body.byteLength));
    } catch (err) {
      return answerError(request, reply, err);
    }
  }

  function answerError(request: FastifyRequest, reply: FastifyReply, err: unknown): FastifyReply {
    if (err instanceof HttpError) throw err;
    if (err instanceof ClientGoneError) {
      // Nobody is listening: log it here (status 499, as nginx does) and drop the socket.
      const n = noteOf(request);
      n.logged = true;
      log(`${new Date().toISOString()} ${request.method} ${request.url} 499 ${Math.round(reply.elapsedTime)}ms client closed the connection; its edit was cancelled${n.note ? ` ${n.note}` : ''}`);
      reply.hijack();
      reply.raw.destroy();
      return reply;
    }
    if (err instanceof LimitError) throw new HttpError(413, err.message);
    if (err instanceof WireFormatError) throw new HttpError(400, err.message);
    if (err instanceof ContractMismatchError) throw new HttpError(400, err.message, { code: err.code, userMessage: err.userMessage });
    if (err instanceof QueueFullError) throw new HttpError(503, err.message, {}, { 'Retry-After': String(err.retryAfterSeconds) });
    if (err instanceof ShuttingDownError) throw new HttpError(503, err.message, {}, { 'Retry-After': '5', Connection: 'close' });
    if (err instanceof DeadlineError) throw new HttpError(504, err.message);
    if (err instanceof TaskFailedError) {
      const d = err.detail;
      const status = d.code && REQUEST_ERROR_CODES.has(d.code) ? 400 : 500;
      if (status === 500) log(`engine failure: ${d.name}: ${d.message}`);
      throw new HttpError(status, d.message, { code: d.code as WireError['code'], userMessage: d.userMessage, classNames: d.classNames });
    }
    throw err;
  }

  return app;
}
