// The playground's EditEngine: the engine bridge client talking to engine-worker.js.
import { workerChannel } from '../bridge/channels';
import { BridgeEditOptions, EngineCall, EngineClient } from '../bridge/client';
import type { EditResult } from '../inference/edit';
import { EditEngine } from '../panels/engines';

export class WorkerEngine implements EditEngine {
  private readonly worker: Worker;
  private readonly client: EngineClient;

  constructor(opts: { wasmOnly: boolean; scriptUrl?: string }) {
    this.worker = new Worker(`${opts.scriptUrl ?? 'engine-worker.js'}${opts.wasmOnly ? '?wasm=1' : ''}`);
    this.client = new EngineClient(workerChannel(this.worker), { readyTimeoutMs: 60000 });
  }

  ready(): Promise<string> {
    return this.client.ready();
  }

  edit(call: EngineCall, opts: BridgeEditOptions): Promise<EditResult> {
    return this.client.edit(call, opts);
  }

  dispose(): void {
    this.client.dispose();
    this.worker.terminate();
  }
}
