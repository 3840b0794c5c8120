// Channel adapters: the UXP webview bridge (both ends), Web Workers (both ends), and an in-process pair
// that JSON-round-trips every message (so tests catch anything the real bridge would not carry).
import { BridgeMessage, Channel, isBridgeMessage } from './protocol';

/** The `<webview>` element as UXP exposes it (UXP 8.0+ for local content). */
export interface WebviewElement {
  postMessage(message: unknown, targetOrigin?: string): void;
}

interface MessageTarget {
  addEventListener(type: 'message', handler: (e: MessageEvent) => void): void;
  removeEventListener(type: 'message', handler: (e: MessageEvent) => void): void;
}

function listenOn(target: MessageTarget, accept: (e: MessageEvent) => boolean, handler: (m: BridgeMessage) => void): () => void {
  const h = (e: MessageEvent): void => {
    if (accept(e) && isBridgeMessage(e.data)) handler(e.data);
  };
  target.addEventListener('message', h);
  return () => target.removeEventListener('message', h);
}

/**
 * Panel side of a hidden webview: posts to the webview; hears the page through the panel window's
 * `message` events whose source is that webview (UXP docs: HTMLWebViewElement.postMessage).
 */
export function webviewHostChannel(webview: WebviewElement, panelWindow: MessageTarget): Channel {
  return {
    post: (m) => webview.postMessage(m),
    listen: (handler) => listenOn(panelWindow, (e) => !e.source || e.source === (webview as unknown), handler),
  };
}

/** Page side of the webview bridge: `window.uxpHost.postMessage` out, window `message` events in. */
export function webviewPageChannel(pageWindow: MessageTarget & { uxpHost?: { postMessage(m: unknown): void } }): Channel {
  return {
    post: (m) => {
      if (!pageWindow.uxpHost) throw new Error('no uxpHost: this page is not inside a UXP webview');
      pageWindow.uxpHost.postMessage(m);
    },
    listen: (handler) => listenOn(pageWindow, () => true, handler),
  };
}

interface WorkerLike extends MessageTarget {
  postMessage(message: unknown): void;
}

/** Either end of a Web Worker (the Worker object in the page, or `self` inside the worker). */
export function workerChannel(worker: WorkerLike): Channel {
  return {
    post: (m) => worker.postMessage(m),
    listen: (handler) => listenOn(worker, () => true, handler),
  };
}

/** Two connected in-process ends; messages are JSON round-tripped and delivered asynchronously. */
export function channelPair(opts: { onWire?: (m: BridgeMessage, json: string) => void } = {}): [Channel, Channel] {
  const handlers: Set<(m: BridgeMessage) => void>[] = [new Set(), new Set()];
  const end = (self: number): Channel => ({
    post: (m) => {
      const json = JSON.stringify(m);
      opts.onWire?.(m, json);
      const copy = JSON.parse(json) as BridgeMessage;
      setTimeout(() => {
        for (const h of handlers[1 - self]) h(copy);
      }, 0);
    },
    listen: (handler) => {
      handlers[self].add(handler);
      return () => handlers[self].delete(handler);
    },
  });
  return [end(0), end(1)];
}
