// The remote backend as the engine handler shape the panel's bridge uses (`backend()` + `run(call)`):
// connection check on first use, then runRemoteEdit per call. Platform-neutral (fetch).
import type { Palette } from '../../layout';
import type { EditMethod, EditResult } from '../edit';
import type { ProgressEvent } from '../engine';
import { BackendUnavailableError } from '../errors';
import type { RelayoutJob } from '../job';
import { checkConnection } from './connection-check';
import { KserveClient, KserveClientOptions } from './kserve-client';
import { RELAYOUT_MODEL } from './pipeline-contract';
import { runRemoteEdit } from './remote-edit';

export interface RemoteEngineSettings extends KserveClientOptions {
  /** Model name on the server. Default `relayout`. */
  model?: string;
  /** Pixel limit per request when the server does not advertise one. */
  maxPixels?: number;
}

/**
 * An engine handler (structurally the bridge's `EngineHandler`) that runs edits on a remote server. The
 * first `backend()` call checks the connection and throws BackendUnavailableError with the precise
 * problems when edits cannot run there. Transfer phases are reported as stages named upload / waiting /
 * download, since the engine's ProgressEvent has no transfer kind.
 */
export function remoteEngineHandler(settings: RemoteEngineSettings): {
  backend(): Promise<string>;
  run(call: { job: RelayoutJob; palette: Palette; method?: EditMethod }, opts: { signal: AbortSignal; onProgress: (e: ProgressEvent) => void }): Promise<EditResult>;
} {
  const client = new KserveClient(settings);
  const model = settings.model ?? RELAYOUT_MODEL;
  let label: Promise<string> | null = null;
  const backend = (): Promise<string> => {
    label ??= checkConnection(client, model).then((r) => {
      if (!r.ok) {
        label = null; // try again next time: the server may come up
        throw new BackendUnavailableError(`remote ${client.endpoint}: ${r.problems.join('; ')}`, { userMessage: r.problems[0] ?? 'The server cannot run edits.', retryable: true });
      }
      return `remote: ${r.server?.name ?? 'server'} at ${client.endpoint}`;
    });
    return label;
  };
  return {
    backend,
    run: async (call, opts) => {
      if (call.method && call.method !== 'relayout') {
        throw new BackendUnavailableError(`method ${call.method} runs locally only`, { userMessage: 'This method runs on the local engine only.' });
      }
      await backend();
      return runRemoteEdit(call.job, call.palette, {
        client,
        model,
        maxPixels: settings.maxPixels,
        signal: opts.signal,
        onProgress: (e) => opts.onProgress(e.type === 'transfer' ? { type: 'stage', stageId: e.stageId, fraction: e.fraction } : e),
      });
    },
  };
}
