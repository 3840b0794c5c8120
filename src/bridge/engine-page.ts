// Entry of the engine page that the panel loads in a hidden <webview> (plugin:/engine/index.html,
// Photoshop 26.0+). It runs the pipeline with onnxruntime-web, WebGPU when the webview has it, else WASM,
// and serves it over the UXP message bridge. Composition root: the only place this page picks a Runner.
import { ModelLoadError } from '../inference/errors';
import { webviewPageChannel } from './channels';
import { fetchModels, localEngineHandler, pickExecutionProviders } from './local-engine';
import { serveEngine } from './server';

const log = (message: string): void => console.log(`[relayout engine] ${message}`);
// NOTE: UXP asks webview pages to load their resources by relative URL (HTMLWebViewElement docs,
// "Best Practice"), so both the models and ort's .wasm are resolved against this page.
const models = fetchModels(new URL('../models/', location.href).toString());

const handler = localEngineHandler({
  loadModel: async (id) => {
    try {
      return await models(id);
    } catch (err) {
      throw new ModelLoadError(id, (err as Error).message, err);
    }
  },
  providers: async () =>
    new URLSearchParams(location.search).has('wasm')
      ? { providers: ['wasm'], reason: 'WASM only, as chosen in the panel' }
      : pickExecutionProviders(navigator as unknown as { gpu?: { requestAdapter(): Promise<unknown> } }),
  // Only the .wasm is fetched: the glue is embedded in ort's bundle build (see webpack.config.js).
  wasmPaths: { wasm: new URL('./ort-wasm-simd-threaded.jsep.wasm', location.href).toString() },
  // Without cross-origin isolation there are no WASM threads; say so instead of letting ort warn.
  numThreads: (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated ? undefined : 1,
  log,
});

serveEngine(webviewPageChannel(window as unknown as Parameters<typeof webviewPageChannel>[0]), handler, { log });
log('engine page ready');
