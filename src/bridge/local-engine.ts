// The engine as an EngineHandler: runEdit with an OrtRunner, used by the webview page and the playground's
// worker (served over the bridge) and by the in-UXP fallback (called directly). Also the WebGPU probe.
import type { StageContract } from '../../models/contract';
import { runEdit } from '../inference/edit';
import { OrtRunner } from '../inference/ort-runtime';
import type { Runner } from '../inference/tensor';
import type { ProgressEvent } from '../inference/engine';
import type { EngineCall } from './client';
import type { EngineHandler } from './server';

export type ModelLoader = (id: string) => Promise<{ bytes: Uint8Array; contract: StageContract }>;

/** Fetches models/<id>/model.onnx and contract.json under `baseUrl` (a page or worker). */
export function fetchModels(baseUrl: string, fetchFn: typeof fetch = fetch): ModelLoader {
  return async (id) => {
    const get = async (name: string): Promise<Response> => {
      const res = await fetchFn(new URL(`${id}/${name}`, baseUrl).toString());
      if (!res.ok) throw new Error(`${id}/${name}: HTTP ${res.status}`);
      return res;
    };
    const [model, contract] = await Promise.all([get('model.onnx'), get('contract.json')]);
    return { bytes: new Uint8Array(await model.arrayBuffer()), contract: (await contract.json()) as StageContract };
  };
}

interface GpuNavigator {
  gpu?: { requestAdapter(): Promise<unknown> };
}

/** WebGPU when the browser has an adapter, else WASM; says why. */
export async function pickExecutionProviders(nav: GpuNavigator | undefined): Promise<{ providers: ('webgpu' | 'wasm')[]; reason: string }> {
  if (!nav?.gpu) return { providers: ['wasm'], reason: 'no WebGPU in this browser engine' };
  try {
    const adapter = await nav.gpu.requestAdapter();
    if (!adapter) return { providers: ['wasm'], reason: 'WebGPU present but no GPU adapter' };
    return { providers: ['webgpu', 'wasm'], reason: 'WebGPU adapter found' };
  } catch (err) {
    return { providers: ['wasm'], reason: `WebGPU adapter request failed: ${(err as Error)?.message ?? String(err)}` };
  }
}

export interface LocalEngineOptions {
  loadModel: ModelLoader;
  /** Decides the providers once, on first use (may probe WebGPU). */
  providers?: () => Promise<{ providers: ('webgpu' | 'wasm')[]; reason: string }>;
  numThreads?: number;
  /** See OrtRunnerOptions.wasmPaths. */
  wasmPaths?: string | { mjs?: string; wasm?: string };
  /** Reads the .wasm bytes when the runtime cannot fetch them (inside UXP). */
  wasmBinary?: () => Promise<Uint8Array>;
  log?: (message: string) => void;
}

/** An EngineHandler that runs the pipeline in this JS context. */
export function localEngineHandler(opts: LocalEngineOptions): EngineHandler & { dispose(): Promise<void> } {
  let runner: Promise<{ runner: Runner; label: string }> | null = null;
  const get = (): Promise<{ runner: Runner; label: string }> => {
    runner ??= (async () => {
      const choice = opts.providers ? await opts.providers() : { providers: ['wasm'] as ('webgpu' | 'wasm')[], reason: 'WASM chosen' };
      opts.log?.(`engine: ${choice.providers.join(' → ')} (${choice.reason})`);
      const r = new OrtRunner({
        loadModel: opts.loadModel,
        executionProviders: choice.providers,
        numThreads: opts.numThreads,
        wasmPaths: opts.wasmPaths,
        wasmBinary: opts.wasmBinary ? await opts.wasmBinary() : undefined,
        log: opts.log,
      });
      return { runner: r, label: r.backend };
    })();
    return runner;
  };
  return {
    backend: async () => (await get()).label,
    run: async (call: EngineCall, o: { signal: AbortSignal; onProgress: (e: ProgressEvent) => void }) => {
      const { runner: r } = await get();
      return runEdit(call.job, call.palette, { runner: r, method: call.method, params: call.params, signal: o.signal, onProgress: o.onProgress });
    },
    dispose: async () => {
      if (runner) await (await runner).runner.dispose();
      runner = null;
    },
  };
}
