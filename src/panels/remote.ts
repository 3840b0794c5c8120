// The panel's Remote backend: the Open Inference Protocol client (src/inference/remote) as an EditEngine,
// and "Test connection" in plain words. Imports the remote modules directly, never src/inference/index.ts,
// which pulls in Node-only code the panel bundle must not carry.
import { checkConnection } from '../inference/remote/connection-check';
import { KserveClient } from '../inference/remote/kserve-client';
import { RELAYOUT_MODEL } from '../inference/remote/pipeline-contract';
import { remoteEngineHandler } from '../inference/remote/remote-engine';
import { EditEngine, InProcessEngine, RemoteSettings } from './engines';

function clientOptions(s: RemoteSettings): { endpoint: string; token?: string } {
  return { endpoint: s.url.trim(), token: s.token || undefined };
}

/** Edits run on the server; the connection is checked on first use (`ready()`). */
export function remoteEditEngine(s: RemoteSettings): EditEngine {
  return new InProcessEngine(remoteEngineHandler({ ...clientOptions(s), model: s.model.trim() || RELAYOUT_MODEL }));
}

export interface ConnectionWords {
  ok: boolean;
  /** One or two sentences for the settings area. */
  text: string;
}

/** "Test connection": readiness and the model's contract, said in plain words. Never throws. */
export async function testRemoteConnection(s: RemoteSettings, opts: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<ConnectionWords> {
  if (!/^https?:\/\//i.test(s.url.trim())) return { ok: false, text: 'Enter the server address, starting with https:// (or http://localhost).' };
  const model = s.model.trim() || RELAYOUT_MODEL;
  try {
    const r = await checkConnection(new KserveClient({ ...clientOptions(s), retries: 0 }), model, { signal: opts.signal, timeoutMs: opts.timeoutMs ?? 10_000 });
    const notes = r.warnings.length ? ` Note: ${r.warnings.join(' ')}` : '';
    if (!r.ok) return { ok: false, text: `Cannot use ${r.endpoint}: ${r.problems.join(' ')}${notes}` };
    const server = r.server ? `${r.server.name} ${r.server.version}` : 'The server';
    const limit = r.limits.maxPixels ? `, up to ${(r.limits.maxPixels / 1e6).toFixed(1)} MP per request (larger edits are tiled)` : '';
    const ms = r.latencyMs !== undefined ? ` (${r.latencyMs} ms)` : '';
    return { ok: true, text: `Connected: ${server} is ready${ms} and model "${model}" matches${limit}.${notes}` };
  } catch (err) {
    return { ok: false, text: `Cannot reach ${s.url.trim()}: ${(err as { userMessage?: string })?.userMessage ?? (err as Error)?.message ?? String(err)}` };
  }
}
