// The local engine inside Photoshop: a hidden <webview> loading the plugin's own engine page
// (plugin:/engine/index.html, UXP 8.0 / Photoshop 26.0+), spoken to over the message bridge.
import { webviewHostChannel, WebviewElement } from '../bridge/channels';
import { EngineClient } from '../bridge/client';
import { BackendUnavailableError } from '../inference/errors';
import { ClientEngine } from '../bridge/client-engine';
import type { EditEngine } from './engines';

export interface WebviewEngineOptions {
  /** 'local-wasm' tells the page not to try WebGPU. */
  wasmOnly: boolean;
  /** How long the page may take to load and answer (it loads ort's .wasm first). */
  readyTimeoutMs?: number;
}

export class WebviewEngine extends ClientEngine implements EditEngine {
  private readonly element: HTMLElement;

  constructor(opts: WebviewEngineOptions) {
    const el = document.createElement('webview');
    el.setAttribute('src', `plugin:/engine/index.html${opts.wasmOnly ? '?wasm=1' : ''}`);
    // Hidden but laid out (a display:none webview may not load): off-screen and small, like other
    // plugins that host a background webview.
    el.setAttribute('style', 'position: absolute; left: 0; bottom: -10000px; width: 100px; height: 100px;');
    document.body.appendChild(el);
    super(new EngineClient(webviewHostChannel(el as unknown as WebviewElement, window), { readyTimeoutMs: opts.readyTimeoutMs ?? 20000 }));
    this.element = el;
    el.addEventListener('loaderror', (e: Event) => {
      const d = e as Event & { code?: number; message?: string };
      this.client.fail(
        new BackendUnavailableError(`engine page failed to load: ${d.code ?? ''} ${d.message ?? ''}`, {
          userMessage: 'The engine page could not be loaded in a webview; using the slower built-in engine.',
        }),
      );
    });
  }

  protected release(): void {
    this.element.remove();
  }
}
