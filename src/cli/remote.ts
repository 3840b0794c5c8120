// The CLI's remote side: `relayout edit --backend remote --endpoint URL [--model relayout] [--token T]`,
// `relayout check-endpoint URL` (the panel's "Test connection" in a terminal), and
// `relayout export-triton DIR` (a Triton model repository of the stage graphs). Node only.
import { Command, InvalidArgumentError, Option } from 'commander';
import { InputError, Palette } from '../layout';
import {
  checkConnection,
  EditOptions,
  EditResult,
  KserveClient,
  RELAYOUT_MODEL,
  RelayoutJob,
  RemoteProgressEvent,
  RemoteStageRunner,
  runEdit,
  runRemoteEdit,
} from '../inference';
import { defaultModelsDir } from '../server/model-catalog';
import { InstanceKind, writeTritonRepository } from '../server/triton-export';

export interface RemoteEditCliOptions {
  /** remote: the whole pipeline on the server (model `relayout`); remote-stages: the host loop here, each graph on the server. */
  backend: 'local' | 'remote' | 'remote-stages';
  endpoint?: string;
  model: string;
  token?: string;
  timeoutS?: number;
  maxPixels?: number;
  quiet?: boolean;
}

function positiveNumber(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a positive number');
  return n;
}

function clientFor(endpoint: string, token: string | undefined, timeoutS: number | undefined): KserveClient {
  // Streamed bodies give real upload progress in Node.
  return new KserveClient({ endpoint, token: token ?? (process.env.RELAYOUT_TOKEN || undefined), timeoutMs: timeoutS ? timeoutS * 1000 : undefined, streamUpload: true });
}

/**
 * For `--backend remote`, a function with runEdit's signature that runs the edit on the server; for
 * `--backend local` (the default), undefined.
 */
export function remoteEditFor(opts: { method: string } & Partial<RemoteEditCliOptions>): ((job: RelayoutJob, palette: Palette, o: EditOptions) => Promise<EditResult>) | undefined {
  if (opts.backend !== 'remote' && opts.backend !== 'remote-stages') return undefined;
  if (!opts.endpoint) throw new InputError(`--backend ${opts.backend} needs --endpoint URL (e.g. http://127.0.0.1:8000)`);
  if (opts.method !== 'relayout') throw new InputError(`--method ${opts.method} runs locally only; drop --backend or use --method relayout`);
  const client = clientFor(opts.endpoint, opts.token, opts.timeoutS);
  if (opts.backend === 'remote-stages') {
    // Stage models are served under their stage ids (our server, or Triton with export-triton's repository).
    return (job, palette, o) => runEdit(job, palette, { ...o, runner: new RemoteStageRunner(client) });
  }
  return async (job, palette, o) => {
    // The engine's ProgressEvent has no transfer kind yet: show transfer phases as stages.
    const onProgress = o.onProgress && ((e: RemoteProgressEvent) => o.onProgress!(e.type === 'transfer' ? { type: 'stage', stageId: e.stageId, fraction: e.fraction } : e));
    const r = await runRemoteEdit(job, palette, { client, model: opts.model ?? RELAYOUT_MODEL, signal: o.signal, onProgress, maxPixels: opts.maxPixels });
    if (!opts.quiet && r.remote.requests) {
      const what = r.remote.mode === 'tiles' ? `${r.remote.requests} tiles` : r.remote.mode === 'crop' ? 'a crop around the edit' : 'the whole image';
      console.log(`Remote: sent ${what} (${(r.remote.bytesSent / 1e6).toFixed(2)} MB) to ${client.endpoint} in ${(r.timings.remote / 1000).toFixed(2)} s`);
    }
    return r;
  };
}

async function checkEndpointCommand(endpoint: string, o: { model: string; token?: string }): Promise<void> {
  const report = await checkConnection(clientFor(endpoint, o.token, undefined), o.model);
  const limits = report.limits.maxPixels ? `, limit ${report.limits.maxPixels} px per image` : ', no advertised limit';
  if (report.server) console.log(`${endpoint}: ${report.server.name} ${report.server.version}, ${report.ready ? 'ready' : 'not ready'}${report.latencyMs !== undefined ? ` (${report.latencyMs} ms)` : ''}${limits}`);
  for (const p of report.problems) console.log(`  problem: ${p}`);
  for (const w of report.warnings) console.log(`  note: ${w}`);
  if (!report.ok) throw new InputError(`${endpoint} cannot run edits with model "${o.model}": ${report.problems.length} problem(s) above`);
  console.log(`Model "${o.model}" matches this client's contract: edits can use this server.`);
}

function exportTritonCommand(dir: string, o: { models?: string; instanceKind: InstanceKind; instances: number }): void {
  const summary = writeTritonRepository(dir, { modelsDir: o.models ?? defaultModelsDir(), instanceKind: o.instanceKind, instanceCount: o.instances });
  for (const m of summary.models) console.log(`wrote ${m}`);
  console.log(
    summary.ensemble.ok
      ? `The pipeline is the ensemble "${summary.ensemble.name}".`
      : `The pipeline is the Python-backend model "relayout" (its host loop runs in Node, stages through BLS; the Triton image needs Node.js 18+). No ensemble: ${summary.ensemble.reason}.`,
  );
  console.log(`Triton model repository → ${dir} (see ${dir}/README.md). Start it with: tritonserver --model-repository=${dir}`);
}

/** Adds the remote options to `edit` and registers `check-endpoint` and `export-triton`. */
export function registerRemote(program: Command): void {
  const edit = program.commands.find((c) => c.name() === 'edit');
  edit
    ?.addOption(new Option('--backend <where>', 'where the engine runs').choices(['local', 'remote', 'remote-stages']).default('local'))
    .option('--endpoint <url>', 'Open Inference Protocol server for --backend remote[-stages], e.g. http://127.0.0.1:8000')
    .option('--model <name>', 'model name on the server', RELAYOUT_MODEL)
    .option('--token <token>', 'bearer token for the server (default: $RELAYOUT_TOKEN)')
    .option('--timeout-s <s>', 'give up on a request after this many seconds (default 300)', positiveNumber)
    .option('--max-pixels <n>', "pixels per request when the server does not advertise its limit (default 4 MP)", positiveNumber);

  program
    .command('check-endpoint <url>')
    .description('test a remote server: readiness, and whether its model matches this client (says what differs)')
    .option('--model <name>', 'model name on the server', RELAYOUT_MODEL)
    .option('--token <token>', 'bearer token (default: $RELAYOUT_TOKEN)')
    .action((url: string, o: { model: string; token?: string }) => checkEndpointCommand(url, o));

  program
    .command('export-triton <dir>')
    .description('write a Triton model repository: every stage graph with its config.pbtxt, and the whole pipeline as the model "relayout"')
    .option('--models <dir>', 'folder of stage graphs (default: the bundled models/)')
    .addOption(new Option('--instance-kind <kind>', 'where Triton runs each stage').choices(['gpu', 'cpu', 'auto']).default('auto'))
    .option('--instances <n>', 'instances of each stage model', (v: string) => Math.max(1, Math.round(positiveNumber(v))), 1)
    .action((dir: string, o: { models?: string; instanceKind: InstanceKind; instances: number }) => exportTritonCommand(dir, o));
}
