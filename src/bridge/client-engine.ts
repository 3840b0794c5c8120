// An edit engine reached through the bridge protocol (the webview engine page, the playground's worker):
// ready/edit/dispose forward to the EngineClient; subclasses only say how to release what carries it.
// Structurally an EditEngine (src/panels/engines.ts).
import type { EditResult } from '../inference/edit';
import type { BridgeEditOptions, EngineCall, EngineClient } from './client';

export abstract class ClientEngine {
  protected constructor(protected readonly client: EngineClient) {}

  ready(): Promise<string> {
    return this.client.ready();
  }

  edit(call: EngineCall, opts: BridgeEditOptions): Promise<EditResult> {
    return this.client.edit(call, opts);
  }

  dispose(): void {
    this.client.dispose();
    this.release();
  }

  /** Frees what carries the engine (removes the webview, terminates the worker). */
  protected abstract release(): void;
}
