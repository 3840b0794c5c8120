// The only importer of onnxruntime-web. Sets env flags once, loads each stage graph once (checked against
// its contract), runs graphs one at a time, validates feeds before every run, and disposes sessions.
import * as ort from 'onnxruntime-web';
import { StageContract, validateFeeds, validateSessionNames } from '../../models/contract';
import { BackendUnavailableError, ModelLoadError } from './errors';
import { FloatTensor, Runner } from './tensor';

export interface OrtRunnerOptions {
  /** Returns the bytes of models/<id>/model.onnx and its parsed contract.json. */
  loadModel(id: string): Promise<{ bytes: Uint8Array; contract: StageContract }>;
  /** WASM threads; defaults to all cores where workers exist. */
  numThreads?: number;
  /**
   * Where ort-web finds its .wasm files (browsers); Node resolves them from the package. An object naming
   * only `wasm` keeps the glue embedded in ort's bundle builds (no dynamic import of the .mjs).
   */
  wasmPaths?: string | { mjs?: string; wasm?: string };
  /** The .wasm bytes, when the host cannot fetch them (inside Photoshop's UXP runtime). */
  wasmBinary?: ArrayBuffer | Uint8Array;
  /** Execution providers in order of preference; default ['wasm']. ort-web skips unavailable ones. */
  executionProviders?: ('webgpu' | 'wasm')[];
  log?: (message: string) => void;
}

let envConfigured = false;

export class OrtRunner implements Runner {
  private sessions = new Map<string, Promise<{ session: ort.InferenceSession; contract: StageContract }>>();
  private queue: Promise<unknown> = Promise.resolve();
  readonly backend: string;

  constructor(private readonly opts: OrtRunnerOptions) {
    if (!envConfigured) {
      // ort's env is global and read when the first session is created: set it once.
      if (opts.numThreads) ort.env.wasm.numThreads = opts.numThreads;
      if (opts.wasmPaths) ort.env.wasm.wasmPaths = opts.wasmPaths;
      if (opts.wasmBinary) ort.env.wasm.wasmBinary = opts.wasmBinary;
      envConfigured = true;
    }
    const eps = opts.executionProviders ?? ['wasm'];
    this.backend = eps[0] === 'webgpu' ? 'webgpu (wasm fallback)' : `wasm (${ort.env.wasm.numThreads === 1 ? '1 thread' : `${ort.env.wasm.numThreads ?? 'auto'} threads`})`;
  }

  private session(id: string): Promise<{ session: ort.InferenceSession; contract: StageContract }> {
    let s = this.sessions.get(id);
    if (!s) {
      s = (async () => {
        const { bytes, contract } = await this.opts.loadModel(id);
        let session: ort.InferenceSession;
        try {
          session = await ort.InferenceSession.create(bytes, { executionProviders: this.opts.executionProviders ?? ['wasm'], graphOptimizationLevel: 'all' });
        } catch (err) {
          const msg = (err as Error).message ?? String(err);
          if (/wasm|backend/i.test(msg) && !/Load model/i.test(msg)) throw new BackendUnavailableError(`WASM backend unavailable: ${msg}`, { cause: err });
          throw new ModelLoadError(id, msg, err);
        }
        validateSessionNames(contract, session.inputNames, session.outputNames);
        return { session, contract };
      })();
      this.sessions.set(id, s);
    }
    return s;
  }

  run(stageId: string, feeds: Record<string, FloatTensor>): Promise<Record<string, FloatTensor>> {
    const job = this.queue.then(async () => {
      const { session, contract } = await this.session(stageId);
      validateFeeds(contract, feeds);
      const ortFeeds: Record<string, ort.Tensor> = {};
      for (const [k, v] of Object.entries(feeds)) ortFeeds[k] = new ort.Tensor('float32', v.data, v.dims);
      const out = await session.run(ortFeeds);
      const result: Record<string, FloatTensor> = {};
      for (const [k, v] of Object.entries(out)) {
        result[k] = { type: 'float32', dims: [...v.dims], data: v.data as Float32Array };
      }
      return result;
    });
    this.queue = job.catch(() => undefined);
    return job;
  }

  async dispose(): Promise<void> {
    for (const s of this.sessions.values()) {
      try {
        await (await s).session.release();
      } catch {
        // A session that failed to load has nothing to release.
      }
    }
    this.sessions.clear();
  }
}
