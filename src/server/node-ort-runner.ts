// The Runner over onnxruntime-node (Node only; the server's workers use it): picks the CUDA execution
// provider when its library is installed and works, else the CPU with a logged reason; loads every
// stage graph of the catalog once, checks it against its contract, and validates feeds before each run.
import { existsSync } from 'fs';
import { dirname, join } from 'path';
import * as ort from 'onnxruntime-node';
import { ContractMismatchError, StageContract, validateFeeds, validateSessionNames } from '../../models/contract';
// NOTE: deep imports on purpose. src/inference/index.ts loads onnxruntime-web, whose "cpu" backend then
// shadows onnxruntime-node's in the shared onnxruntime-common registry (sessions silently run on WASM).
import { BackendUnavailableError, ModelLoadError } from '../inference/errors';
import { FloatTensor, Runner } from '../inference/tensor';
import { StageEntry } from './model-catalog';

export type ProviderChoice = 'auto' | 'cpu' | 'cuda';

export interface NodeOrtRunnerOptions {
  stages: StageEntry[];
  provider?: ProviderChoice;
  /** ORT intra-op threads per session (CPU). */
  threads?: number;
  log?: (line: string) => void;
}

/** A tensor of any contract dtype, as per-stage serving passes it. */
export interface TypedTensor {
  type: 'float32' | 'int64' | 'int32' | 'bool';
  dims: number[];
  data: Float32Array | BigInt64Array | Int32Array | Uint8Array;
}

/** Why the CUDA provider cannot be used here, or null when its library is present. */
function cudaUnavailableReason(): string | null {
  let binDir: string;
  try {
    binDir = dirname(require.resolve(`onnxruntime-node/bin/napi-v6/${process.platform}/${process.arch}/onnxruntime_binding.node`));
  } catch {
    return 'the onnxruntime-node binding for this platform was not found';
  }
  const lib = process.platform === 'win32' ? 'onnxruntime_providers_cuda.dll' : 'libonnxruntime_providers_cuda.so';
  if (!existsSync(join(binDir, lib))) {
    return `${lib} is not installed (reinstall onnxruntime-node with --onnxruntime-node-install=cuda12 on a machine with CUDA 12)`;
  }
  return null;
}

function checkMetadata(contract: StageContract, session: ort.InferenceSession): void {
  validateSessionNames(contract, session.inputNames, session.outputNames);
  const check = (specs: StageContract['inputs'], meta: readonly ort.InferenceSession.ValueMetadata[]): void => {
    for (const spec of specs) {
      const m = meta.find((x) => x.name === spec.name);
      if (!m || !m.isTensor) continue;
      if (m.type !== spec.dtype) throw new ContractMismatchError(contract.id, spec.name, spec.dtype, String(m.type));
      const dims = m.shape.map(String).join(',');
      if (dims !== spec.shape.map(String).join(',')) throw new ContractMismatchError(contract.id, spec.name, `[${spec.shape.join(',')}]`, `[${dims}]`);
    }
  };
  check(contract.inputs, session.inputMetadata);
  check(contract.outputs, session.outputMetadata);
}

export class NodeOrtRunner implements Runner {
  private constructor(
    private readonly sessions: Map<string, { session: ort.InferenceSession; contract: StageContract }>,
    readonly backend: string,
  ) {}

  /** Loads every stage graph; tries CUDA first unless told `cpu`. */
  static async create(opts: NodeOrtRunnerOptions): Promise<NodeOrtRunner> {
    const log = opts.log ?? (() => undefined);
    if ((ort.env.versions as Record<string, string | undefined>).web) {
      throw new BackendUnavailableError('onnxruntime-web is loaded in this thread: its "cpu" backend would shadow onnxruntime-node\'s. Load the server runner in a thread that never imports src/inference/index.ts.');
    }
    const threads = opts.threads ?? 0;
    // No spin-waiting between ops: with several workers (or other processes) on the cores, spinning
    // threads starve each other (measured 1.6 vs 4.1 edits/s with 2 threads on a busy 2-core machine).
    const cpu: ort.InferenceSession.SessionOptions = {
      executionProviders: ['cpu'],
      graphOptimizationLevel: 'all',
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      extra: { session: { intra_op: { allow_spinning: '0' } } },
    };
    let options = cpu;
    let backend = `cpu (${threads || 'all'} threads)`;
    const choice = opts.provider ?? 'auto';
    if (choice !== 'cpu') {
      const reason = cudaUnavailableReason();
      if (reason) {
        if (choice === 'cuda') throw new BackendUnavailableError(`CUDA execution provider unavailable: ${reason}`);
        log(`CUDA not used: ${reason}; running on the CPU`);
      } else {
        options = { executionProviders: ['cuda'], graphOptimizationLevel: 'all' };
        backend = 'cuda';
      }
    }
    const sessions = new Map<string, { session: ort.InferenceSession; contract: StageContract }>();
    for (const stage of opts.stages) {
      let session: ort.InferenceSession;
      try {
        session = await ort.InferenceSession.create(stage.modelPath, options);
      } catch (err) {
        if (options !== cpu) {
          // The library exists but the device or driver does not work: fall back for every stage.
          log(`CUDA failed on stage "${stage.id}" (${(err as Error).message}); running on the CPU`);
          for (const s of sessions.values()) await s.session.release();
          return NodeOrtRunner.create({ ...opts, provider: 'cpu' });
        }
        throw new ModelLoadError(stage.id, (err as Error).message, err);
      }
      checkMetadata(stage.contract, session);
      sessions.set(stage.id, { session, contract: stage.contract });
    }
    return new NodeOrtRunner(sessions, backend);
  }

  /** Runs a stage with tensors of any contract dtype (per-stage serving). */
  async runTyped(stageId: string, feeds: Record<string, TypedTensor>): Promise<Record<string, TypedTensor>> {
    const s = this.sessions.get(stageId);
    if (!s) throw new ModelLoadError(stageId, 'no such stage in the models folder');
    validateFeeds(s.contract, feeds);
    const ortFeeds: Record<string, ort.Tensor> = {};
    for (const [k, v] of Object.entries(feeds)) ortFeeds[k] = new ort.Tensor(v.type, v.data, v.dims);
    const out = await s.session.run(ortFeeds);
    const result: Record<string, TypedTensor> = {};
    for (const [k, v] of Object.entries(out)) {
      result[k] = { type: v.type as TypedTensor['type'], dims: [...v.dims], data: v.data as TypedTensor['data'] };
    }
    return result;
  }

  async run(stageId: string, feeds: Record<string, FloatTensor>): Promise<Record<string, FloatTensor>> {
    const out = await this.runTyped(stageId, feeds);
    const result: Record<string, FloatTensor> = {};
    for (const [k, v] of Object.entries(out)) {
      if (v.type !== 'float32') throw new ContractMismatchError(stageId, k, 'float32', v.type);
      result[k] = { type: 'float32', dims: v.dims, data: v.data as Float32Array };
    }
    return result;
  }

  get stageIds(): string[] {
    return [...this.sessions.keys()];
  }

  async dispose(): Promise<void> {
    for (const s of this.sessions.values()) await s.session.release();
    this.sessions.clear();
  }
}
