// The engines the panel can generate with, behind one interface: the bridge client (webview page or Web
// Worker), the in-process engine (UXP fallback), and the remote endpoint (remote.ts).
// The composition roots (index.tsx, the playground) build the concrete ones.
import { BridgeEditOptions, EngineCall } from '../bridge/client';
import { EngineHandler } from '../bridge/server';
import { BackendUnavailableError } from '../inference/errors';
import type { EditResult } from '../inference/edit';
import { BackendChoice } from './settings';

export interface EditEngine {
  /** Resolves with a label of the backend actually used (e.g. "webgpu (wasm fallback)"). */
  ready(): Promise<string>;
  edit(call: EngineCall, opts: BridgeEditOptions): Promise<EditResult>;
  dispose(): void;
}

export interface RemoteSettings {
  url: string;
  model: string;
  token: string | null;
}

export interface EngineFactories {
  /** The local engine: 'local-auto' tries WebGPU, 'local-wasm' stays on WASM. */
  local(choice: 'local-auto' | 'local-wasm'): EditEngine;
  /** The remote endpoint: `remoteEditEngine` (remote.ts) in both composition roots; absent, Remote says it is unavailable. */
  remote?: (settings: RemoteSettings) => EditEngine;
}

/** Runs an EngineHandler in this JS context (the in-UXP WASM fallback; remote runners). */
export class InProcessEngine implements EditEngine {
  constructor(private readonly handler: EngineHandler & { dispose?(): Promise<void> }) {}

  ready(): Promise<string> {
    return this.handler.backend();
  }

  async edit(call: EngineCall, opts: BridgeEditOptions): Promise<EditResult> {
    const controller = new AbortController();
    const onAbort = (): void => controller.abort();
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    if (opts.signal?.aborted) controller.abort();
    try {
      return await this.handler.run(call, { signal: controller.signal, onProgress: (e) => opts.onProgress?.(e) });
    } finally {
      opts.signal?.removeEventListener('abort', onAbort);
    }
  }

  dispose(): void {
    void this.handler.dispose?.();
  }
}

/**
 * Uses `primary` unless it fails to start (e.g. no webview on this Photoshop), then `fallback`, telling
 * `onFallback` why. Decided once, on first use.
 */
export class FallbackEngine implements EditEngine {
  private chosen: Promise<EditEngine> | null = null;

  constructor(
    private readonly primary: () => EditEngine | Promise<EditEngine>,
    private readonly fallback: () => EditEngine,
    private readonly onFallback: (reason: string) => void = () => undefined,
  ) {}

  private engine(): Promise<EditEngine> {
    this.chosen ??= (async () => {
      let p: EditEngine | null = null;
      try {
        p = await this.primary();
        await p.ready();
        return p;
      } catch (err) {
        p?.dispose();
        const reason = (err as { userMessage?: string })?.userMessage ?? (err as Error)?.message ?? String(err);
        this.onFallback(reason);
        try {
          return this.fallback();
        } catch (fallbackErr) {
          throw new BackendUnavailableError(`no local engine: ${reason}; fallback: ${(fallbackErr as Error)?.message ?? String(fallbackErr)}`, {
            cause: fallbackErr,
            userMessage: 'No local engine can run in this Photoshop. Choose the remote backend.',
          });
        }
      }
    })();
    return this.chosen;
  }

  async ready(): Promise<string> {
    return (await this.engine()).ready();
  }

  async edit(call: EngineCall, opts: BridgeEditOptions): Promise<EditResult> {
    return (await this.engine()).edit(call, opts);
  }

  dispose(): void {
    void this.chosen?.then((e) => e.dispose(), () => undefined);
    this.chosen = null;
  }
}

/** The engine for a backend choice, or a plain-words error when that backend is not available. */
export function engineFor(choice: BackendChoice, factories: EngineFactories, remote: RemoteSettings): EditEngine {
  if (choice !== 'remote') return factories.local(choice);
  if (!factories.remote) {
    throw new BackendUnavailableError('no remote client in this build', {
      userMessage: 'The remote backend is not available in this version of the panel yet. Choose a local backend.',
    });
  }
  if (!/^https?:\/\//i.test(remote.url.trim())) {
    throw new BackendUnavailableError(`bad remote URL "${remote.url}"`, { userMessage: 'Enter the server address, starting with https:// (or http://localhost).' });
  }
  return factories.remote(remote);
}
