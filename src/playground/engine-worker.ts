// The playground's engine: the same bridge server as the webview page, in a Web Worker, so the page
// stays responsive while onnxruntime-web runs (WebGPU when the browser has it, else WASM).
import { workerChannel } from '../bridge/channels';
import { fetchModels, localEngineHandler, pickExecutionProviders } from '../bridge/local-engine';
import { serveEngine } from '../bridge/server';

const scope = self as unknown as Parameters<typeof workerChannel>[0] & { location: Location; navigator: Navigator; crossOriginIsolated?: boolean };
const base = scope.location.href;
const log = (message: string): void => console.log(`[relayout worker] ${message}`);

const handler = localEngineHandler({
  loadModel: fetchModels(new URL('models/', base).toString()),
  providers: async () =>
    new URL(base).searchParams.has('wasm')
      ? { providers: ['wasm'], reason: 'WASM only, as chosen in the panel' }
      : pickExecutionProviders(scope.navigator as unknown as { gpu?: { requestAdapter(): Promise<unknown> } }),
  // Only the .wasm is fetched: the glue is embedded in ort's bundle build (see webpack.config.js).
  wasmPaths: { wasm: new URL('ort/ort-wasm-simd-threaded.jsep.wasm', base).toString() },
  // One thread: the worker already keeps the page free, and nested thread workers need cross-origin isolation.
  numThreads: 1,
  log,
});

serveEngine(workerChannel(scope), handler, { log });
