// The engine's end of the bridge (webview page, Web Worker): answers hello with its backend, assembles a
// request's chunks, runs it with progress, sends the result (its mask's box) in chunks, and aborts a run
// on cancel.
import type { EditResult } from '../inference/edit';
import type { ProgressEvent } from '../inference/engine';
import type { EngineCall } from './client';
import { BlobAssembler, BridgeMessage, Channel, errorToWire, PROTOCOL_VERSION, sendBlobs } from './protocol';
import { cropResult } from './result-crop';
import { pack, unpack } from './wire';

/** What the engine host runs for each request. */
export interface EngineHandler {
  /** E.g. "webgpu (wasm fallback)" or "wasm (1 thread)". */
  backend(): Promise<string>;
  run(call: EngineCall, opts: { signal: AbortSignal; onProgress: (e: ProgressEvent) => void }): Promise<EditResult>;
}

interface Request {
  header: unknown;
  assembler: BlobAssembler;
  controller: AbortController;
  started: boolean;
  lastReport: number;
}

export interface ServeOptions {
  chunkBytes?: number;
  log?: (message: string) => void;
}

/** Serves `handler` on `channel` until the returned function is called. */
export function serveEngine(channel: Channel, handler: EngineHandler, opts: ServeOptions = {}): () => void {
  const requests = new Map<string, Request>();
  let backend: Promise<string> | null = null;

  const announce = (): void => {
    backend ??= handler.backend();
    backend.then(
      (name) => channel.post({ type: 'ready', protocol: PROTOCOL_VERSION, backend: name }),
      (err: unknown) => channel.post({ type: 'error', id: null, error: errorToWire(err) }),
    );
  };

  const run = async (id: string, r: Request): Promise<void> => {
    r.started = true;
    const signal = r.controller.signal;
    try {
      const call = unpack<EngineCall>(r.header, r.assembler.blobs);
      const result = await handler.run(call, { signal, onProgress: (event) => !signal.aborted && channel.post({ type: 'progress', id, event }) });
      if (signal.aborted) return; // the panel stopped waiting: don't send megabytes nobody reads
      const { header, blobs } = pack(cropResult(result)); // only the mask's box: the panel has the rest
      channel.post({ type: 'result', id, header, blobs: blobs.map((b) => ({ bytes: b.length })) });
      await sendBlobs(channel, id, blobs, { chunkBytes: opts.chunkBytes, shouldStop: () => signal.aborted });
    } catch (err) {
      if (!signal.aborted) channel.post({ type: 'error', id, error: errorToWire(err) });
      opts.log?.(`request ${id} failed: ${(err as Error)?.message ?? String(err)}`);
    } finally {
      requests.delete(id);
    }
  };

  const onMessage = (m: BridgeMessage): void => {
    switch (m.type) {
      case 'hello':
        announce();
        return;
      case 'request': {
        let assembler: BlobAssembler;
        try {
          assembler = new BlobAssembler(m.blobs);
        } catch (err) {
          channel.post({ type: 'error', id: m.id, error: errorToWire(err) });
          return;
        }
        const r: Request = { header: m.header, assembler, controller: new AbortController(), started: false, lastReport: 0 };
        requests.set(m.id, r);
        if (assembler.done) void run(m.id, r);
        return;
      }
      case 'chunk': {
        const r = requests.get(m.id);
        if (!r || r.started) return;
        try {
          const fraction = r.assembler.add(m);
          if (fraction - r.lastReport >= 0.1 || r.assembler.done) {
            r.lastReport = fraction;
            channel.post({ type: 'received', id: m.id, fraction });
          }
        } catch (err) {
          requests.delete(m.id);
          channel.post({ type: 'error', id: m.id, error: errorToWire(err) });
          return;
        }
        if (r.assembler.done) void run(m.id, r);
        return;
      }
      case 'cancel': {
        const r = requests.get(m.id);
        if (r) {
          r.controller.abort();
          requests.delete(m.id);
        }
        return;
      }
      default:
        return;
    }
  };

  const unlisten = channel.listen(onMessage);
  announce(); // the page just loaded: say so without waiting for hello
  return () => {
    unlisten();
    for (const r of requests.values()) r.controller.abort();
    requests.clear();
  };
}
