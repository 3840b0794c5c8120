// Panel entry inside Photoshop (composition root): registers the UXP panel, builds the Photoshop host and
// the engines (hidden-webview engine on Photoshop 26+, single-threaded WASM inside UXP otherwise).
import React from 'react';
import { createRoot, Root } from 'react-dom/client';
import { entrypoints } from 'uxp';
import { createUxpHost, Host } from '../host';
import { utf8Decode } from '../layout/utf8';
import type { StageContract } from '../../models/contract';
import { App } from './App';
import { EditEngine, EngineFactories, FallbackEngine, InProcessEngine } from './engines';
import { WebviewEngine } from './webview-engine';
import { remoteEditEngine } from './remote';
import './panel.css';

const log = (message: string): void => console.log(`[relayout] ${message}`);

/** The engine run on the panel's own thread: onnxruntime-web's WASM build, one thread, binary passed in. */
function inUxpEngine(host: Host): EditEngine {
  // Required here, not imported at the top: onnxruntime-web's glue runs setup code when it loads (it
  // probes shared WebAssembly memory), which must never stop the panel from opening, and is not needed
  // at all where the webview engine runs.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { localEngineHandler } = require('../bridge/local-engine') as typeof import('../bridge/local-engine');
  return new InProcessEngine(
    localEngineHandler({
      loadModel: async (id) => ({
        bytes: await host.readPluginFile(`models/${id}/model.onnx`),
        contract: JSON.parse(utf8Decode(await host.readPluginFile(`models/${id}/contract.json`))) as StageContract,
      }),
      providers: async () => ({ providers: ['wasm'], reason: 'inside UXP: no workers, WebGPU or threads' }),
      numThreads: 1,
      // NOTE: UXP's CSP and missing fetch of plugin files: ort gets its .wasm as bytes (WasmUXP does the same).
      wasmBinary: () => host.readPluginFile('ort-uxp/ort-wasm-simd-threaded.wasm'),
      log,
    }),
  );
}

function engineFactories(host: Host): EngineFactories {
  return {
    local: (choice) =>
      new FallbackEngine(
        async () => {
          // The webview engine needs UXP 8.0 (Photoshop 26.0); older hosts go straight to the fallback.
          const env = await host.environment();
          if (!env.localWebview) throw new Error(`Photoshop ${env.version} (${env.uxpVersion}) cannot load local pages in a webview`);
          return new WebviewEngine({ wasmOnly: choice === 'local-wasm' });
        },
        () => inUxpEngine(host),
        (reason) => log(`webview engine unavailable (${reason}); using WASM inside UXP`),
      ),
    remote: remoteEditEngine,
  };
}

let root: Root | null = null;

// The declared type is wrong (see types/uxp-entrypoints.d.ts), so call through the correct signature.
const setup = entrypoints.setup.bind(entrypoints) as unknown as (e: UxpEntrypointsSetup) => void;

setup({
  panels: {
    relayoutPanel: {
      show(node: HTMLElement) {
        if (root) return;
        const host = createUxpHost();
        const mount = document.createElement('div');
        node.appendChild(mount);
        root = createRoot(mount);
        root.render(<App host={host} engines={engineFactories(host)} platform="uxp" log={log} />);
      },
      destroy() {
        root?.unmount();
        root = null;
      },
    },
  },
});
