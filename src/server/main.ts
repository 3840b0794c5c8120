// Entry of `relayout-server`: reads options, loads the stage catalog into worker threads, listens, and shuts
// down gracefully on SIGINT/SIGTERM (queued requests are rejected with 503, running edits finish within a
// grace period). A composition root: the only place that picks onnxruntime-node for the server. Node only.
import { Command, InvalidArgumentError, Option } from 'commander';
import { readFileSync } from 'fs';
import { cpus } from 'os';
import { join } from 'path';
import { buildApp } from './app';
import { isLoopback } from './loopback';
import { defaultModelsDir, loadStageCatalog } from './model-catalog';
import { ProviderChoice } from './node-ort-runner';
import { WorkPool } from './work-pool';

export interface ServerConfig {
  host: string;
  port: number;
  token?: string;
  maxPixels: number;
  maxBodyBytes: number;
  workers: number;
  queueSize: number;
  deadlineMs: number;
  graceMs: number;
  provider: ProviderChoice;
  threads: number;
  modelsDir: string;
  quiet: boolean;
}

function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a non-negative integer');
  return n;
}

function positiveNumber(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a positive number');
  return n;
}

function packageVersion(modelsDir: string): string {
  try {
    return (JSON.parse(readFileSync(join(modelsDir, '..', 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/** Starts the server; resolves with its URL and a stop function. */
export async function startServer(cfg: ServerConfig): Promise<{ url: string; stop: (reason: string) => Promise<void> }> {
  const log = cfg.quiet ? () => undefined : (line: string) => process.stdout.write(`${line}\n`);
  const stages = loadStageCatalog(cfg.modelsDir);
  const pool = new WorkPool({
    workerFile: join(__dirname, 'edit-worker.js'),
    workers: cfg.workers,
    queueSize: cfg.queueSize,
    deadlineMs: cfg.deadlineMs,
    init: { modelsDir: cfg.modelsDir, provider: cfg.provider, threads: cfg.threads },
    log,
  });
  await pool.start();
  const app = buildApp({ pool, stages, token: cfg.token, maxPixels: cfg.maxPixels, maxBodyBytes: cfg.maxBodyBytes, version: packageVersion(cfg.modelsDir), log });
  await app.listen({ host: cfg.host, port: cfg.port });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : cfg.port;
  const host = cfg.host.includes(':') ? `[${cfg.host}]` : cfg.host;
  const url = `http://${host}:${port}`;
  // Machine-readable: tests and the load script read the URL from this line.
  process.stdout.write(
    `relayout-server listening on ${url} (models: relayout + ${stages.length} stages; ${pool.backend}; ${cfg.workers} worker(s), queue ${cfg.queueSize}; ` +
      `limits ${cfg.maxPixels} px, ${cfg.maxBodyBytes} B, deadline ${cfg.deadlineMs / 1000} s${cfg.token ? '; token required' : ''})\n`,
  );
  let stopping: Promise<void> | null = null;
  const stop = (reason: string): Promise<void> => {
    if (stopping) return stopping;
    const s = pool.stats();
    log(`${reason}: shutting down (${s.running} running, ${s.queued} queued; running edits get ${cfg.graceMs / 1000} s to finish)`);
    stopping = (async () => {
      const httpClosed = app.close();
      const summary = await pool.close(cfg.graceMs);
      // Every answer is out once the pool is closed; a client that keeps its connection open (idle
      // keep-alive through a proxy, a stalled upload) gets a few seconds, then is cut off.
      const cutOff = setTimeout(() => app.server.closeAllConnections(), Math.min(cfg.graceMs, 5000));
      await httpClosed;
      clearTimeout(cutOff);
      log(`stopped: ${summary.finished} running edit(s) finished, ${summary.cancelled} cancelled, ${summary.rejectedQueued} queued request(s) rejected with 503`);
    })();
    return stopping;
  };
  return { url, stop };
}

export function buildServerProgram(run: (cfg: ServerConfig) => Promise<void>): Command {
  return new Command('relayout-server')
    .description('Serve the Relayout pipeline (model "relayout") and its stage graphs over the Open Inference Protocol (KServe v2 REST).')
    .option('--host <address>', 'address to bind; anything but loopback needs a token', '127.0.0.1')
    .option('--port <n>', 'port (0: any free port, printed on the first line)', positiveInt, 8000)
    .option('--token <token>', 'bearer token clients must send (default: $RELAYOUT_TOKEN)')
    .option('--max-pixels <n>', 'most pixels per image input', positiveInt, 16 * 1024 * 1024)
    .option('--max-body-mb <n>', 'most MiB per request body', positiveNumber, 128)
    .option('--workers <n>', 'edits computed at once (engine worker threads)', positiveInt, 1)
    .option('--queue <n>', 'requests that may wait for a worker; more get 503 with Retry-After', positiveInt, 8)
    .option('--deadline-s <s>', 'per-request deadline, queue wait included (504 after it)', positiveNumber, 120)
    .option('--grace-s <s>', 'on SIGINT/SIGTERM, how long running edits may finish', positiveNumber, 30)
    .addOption(new Option('--provider <name>', 'onnxruntime-node execution provider').choices(['auto', 'cpu', 'cuda']).default('auto'))
    .option('--threads <n>', 'onnxruntime threads per worker (default: cores / workers)', positiveInt)
    .option('--models <dir>', 'folder of stage graphs (models/<id>/model.onnx + contract.json)')
    .option('-q, --quiet', 'no per-request log lines')
    .action(async (o: { host: string; port: number; token?: string; maxPixels: number; maxBodyMb: number; workers: number; queue: number; deadlineS: number; graceS: number; provider: ProviderChoice; threads?: number; models?: string; quiet?: boolean }) => {
      const workers = Math.max(1, o.workers);
      await run({
        host: o.host,
        port: o.port,
        token: o.token ?? (process.env.RELAYOUT_TOKEN || undefined),
        maxPixels: Math.max(1, o.maxPixels),
        maxBodyBytes: Math.round(o.maxBodyMb * 1024 * 1024),
        workers,
        queueSize: o.queue,
        deadlineMs: o.deadlineS * 1000,
        graceMs: o.graceS * 1000,
        provider: o.provider,
        threads: o.threads || Math.max(1, Math.floor(cpus().length / workers)),
        modelsDir: o.models ?? defaultModelsDir(),
        quiet: o.quiet === true,
      });
    });
}

export async function main(argv: string[]): Promise<number> {
  let code = 0;
  try {
    await buildServerProgram(async (cfg) => {
      if (!isLoopback(cfg.host) && !cfg.token) {
        process.stderr.write(`relayout-server: binding ${cfg.host} exposes the server to other machines; give --token (or set RELAYOUT_TOKEN), or bind 127.0.0.1\n`);
        code = 2;
        return;
      }
      const server = await startServer(cfg);
      let signals = 0;
      const onSignal = (sig: NodeJS.Signals): void => {
        if (++signals > 1) {
          process.stderr.write('relayout-server: second signal, exiting now\n');
          process.exit(1);
        }
        void server.stop(sig).then(() => process.exit(0));
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
    }).exitOverride().parseAsync(argv);
  } catch (err) {
    const e = err as { code?: string; exitCode?: number; message?: string };
    if (typeof e.code === 'string' && e.code.startsWith('commander.')) return e.exitCode ?? 1;
    process.stderr.write(`relayout-server: ${e.message ?? String(err)}\n`);
    return 1;
  }
  return code;
}

if (require.main === module) void main(process.argv).then((code) => { if (code) process.exit(code); });
