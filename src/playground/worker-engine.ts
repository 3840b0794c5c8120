// The playground's EditEngine: the engine bridge client talking to engine-worker.js.
import { workerChannel } from '../bridge/channels';
import { EngineClient } from '../bridge/client';
import { ClientEngine } from '../bridge/client-engine';
import { EditEngine } from '../panels/engines';

export class WorkerEngine extends ClientEngine implements EditEngine {
  private readonly worker: Worker;

  constructor(opts: { wasmOnly: boolean; scriptUrl?: string }) {
    const worker = new Worker(`${opts.scriptUrl ?? 'engine-worker.js'}${opts.wasmOnly ? '?wasm=1' : ''}`);
    super(new EngineClient(workerChannel(worker), { readyTimeoutMs: 60000 }));
    this.worker = worker;
  }

  protected release(): void {
    this.worker.terminate();
  }
}
