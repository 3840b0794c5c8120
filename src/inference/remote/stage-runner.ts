// A Runner whose stage graphs run on an Open Inference Protocol server that serves each stage as its own
// model (our reference server, or Triton with the repository `relayout export-triton` writes): the
// engine's host loop stays here, every graph run is one infer request. Platform-neutral (fetch).
import type { FloatTensor, Runner } from '../tensor';
import { KserveClient } from './kserve-client';
import { WireTensor } from './kserve-wire';
import { RemoteError } from './remote-error';

/** A stage's feeds as FP32 wire tensors (every stage graph takes and returns float32). */
export function feedsAsWire(feeds: Record<string, FloatTensor>): WireTensor[] {
  return Object.entries(feeds).map(([name, t]) => ({ name, datatype: 'FP32', shape: [...t.dims], data: t.data }));
}

/** A stage's outputs from wire tensors; `fail` makes the error for one that is not FP32. */
export function outputsFromWire(stageId: string, tensors: WireTensor[], fail: (message: string) => Error): Record<string, FloatTensor> {
  const out: Record<string, FloatTensor> = {};
  for (const t of tensors) {
    if (t.datatype !== 'FP32') throw fail(`stage "${stageId}" returned ${t.name} as ${t.datatype}, expected FP32`);
    out[t.name] = { type: 'float32', dims: t.shape, data: t.data as Float32Array };
  }
  return out;
}

export class RemoteStageRunner implements Runner {
  readonly backend: string;

  /** `prefix` is prepended to stage ids to form model names (e.g. "relayout-" if the repository uses one). */
  constructor(private readonly client: KserveClient, private readonly prefix = '') {
    this.backend = `remote stages at ${client.endpoint}`;
  }

  async run(stageId: string, feeds: Record<string, FloatTensor>): Promise<Record<string, FloatTensor>> {
    const res = await this.client.infer(this.prefix + stageId, { inputs: feedsAsWire(feeds), parameters: { binary_data_output: true } });
    return outputsFromWire(stageId, res.outputs, (msg) => new RemoteError(200, msg, { endpoint: this.client.endpoint, retryable: false }));
  }

  async dispose(): Promise<void> {
    // Nothing held: every run is one stateless request.
  }
}
