// `npm run load`: N concurrent clients send edits to a reference server on loopback for a bounded time and
// request count, then print requests/s, latency percentiles, errors by status, the server's peak memory,
// and whether it held a steady state (memory flat after warm-up, every request answered). Node only.
import { ChildProcess, execFileSync, spawn } from 'child_process';
import { existsSync, readFileSync } from 'fs';
import { join } from 'path';
import { ADE20K, labelOf } from '../src/layout';
import type { RelayoutJob } from '../src/inference/job';
import { encodePipelineInputs, KserveClient, RemoteError, WireTensor } from '../src/inference/remote';
import { isLoopback } from '../src/server/loopback';

interface Options {
  clients: number;
  durationS: number;
  maxRequests: number;
  warmupS: number;
  width: number;
  height: number;
  workers: number;
  queue: number;
  threads?: number;
  endpoint?: string;
}

function parseArgs(argv: string[]): Options {
  const o: Options = { clients: 4, durationS: 30, maxRequests: 1000, warmupS: 5, width: 96, height: 64, workers: 1, queue: 8 };
  for (let i = 0; i < argv.length; i++) {
    const [k, v] = [argv[i], argv[i + 1]];
    const num = (): number => {
      const n = Number(v);
      if (!Number.isFinite(n) || n <= 0) throw new Error(`${k} needs a positive number`);
      i++;
      return n;
    };
    if (k === '--clients') o.clients = Math.round(num());
    else if (k === '--duration-s') o.durationS = Math.min(600, num());
    else if (k === '--max-requests') o.maxRequests = Math.round(num());
    else if (k === '--warmup-s') o.warmupS = num();
    else if (k === '--workers') o.workers = Math.round(num());
    else if (k === '--queue') o.queue = Math.round(num());
    else if (k === '--threads') o.threads = Math.round(num());
    else if (k === '--size') {
      const m = /^(\d+)x(\d+)$/.exec(v ?? '');
      if (!m) throw new Error('--size needs WxH, e.g. 96x64');
      [o.width, o.height] = [Number(m[1]), Number(m[2])];
      i++;
    } else if (k === '--endpoint') {
      o.endpoint = v;
      i++;
    } else if (k === '--help' || k === '-h') {
      console.log('npm run load -- [--clients 4] [--duration-s 30] [--max-requests 1000] [--warmup-s 5] [--size 96x64] [--workers 1] [--queue 8] [--threads N] [--endpoint http://127.0.0.1:PORT]');
      process.exit(0);
    } else throw new Error(`unknown option ${k}`);
  }
  return o;
}

/** Sky over water with a box of water repainted as sky; `seed` varies the result. */
function job(w: number, h: number, seed: number): RelayoutJob {
  const sky = labelOf(ADE20K, 'sky'), water = labelOf(ADE20K, 'water');
  const data = new Uint8Array(w * h * 4), labels = new Uint8Array(w * h);
  const horizon = Math.round((h * 5) / 8);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x, p = i * 4;
      labels[i] = y < horizon ? sky : water;
      data.set(y < horizon ? [90 + (y % 60), 140 + ((x * 7 + y * 3) % 11), 220, 255] : [20, 60 + ((x * 5) % 17), 110 + ((y * 13 + x) % 23), 255], p);
    }
  }
  const edited = new Uint8Array(labels);
  for (let y = Math.round(h * 0.7); y < Math.round(h * 0.95); y++) for (let x = Math.round(w * 0.2); x < Math.round(w * 0.8); x++) edited[y * w + x] = sky;
  return { image: { width: w, height: h, data }, original: { width: w, height: h, labels }, edited: { width: w, height: h, labels: edited }, references: [], seed };
}

/** Resident set size of a process, bytes (Linux /proc, else ps). */
function rssOf(pid: number): number {
  const status = `/proc/${pid}/status`;
  if (existsSync(status)) {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(status, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  }
  try {
    return Number(execFileSync('ps', ['-o', 'rss=', '-p', String(pid)], { encoding: 'utf8' }).trim()) * 1024;
  } catch {
    return 0;
  }
}

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

const mb = (b: number): string => `${(b / 1048576).toFixed(0)} MB`;

async function startOwnServer(o: Options): Promise<{ url: string; proc: ChildProcess }> {
  const bin = join(__dirname, '..', '..', 'bin', 'relayout-server.js');
  const proc = spawn(process.execPath, [bin, '--host', '127.0.0.1', '--port', '0', '--workers', String(o.workers), '--queue', String(o.queue), ...(o.threads ? ['--threads', String(o.threads)] : []), '--quiet'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    let buf = '';
    proc.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(buf);
      if (m) resolve(m[1]);
    });
    proc.on('exit', (code) => reject(new Error(`the server exited (${code}) before listening`)));
  });
  return { url, proc };
}

async function main(): Promise<number> {
  const o = parseArgs(process.argv.slice(2));
  let url: string;
  let proc: ChildProcess | undefined;
  if (o.endpoint) {
    const host = new URL(o.endpoint).hostname;
    if (!isLoopback(host)) throw new Error(`the load test only runs against loopback servers, not ${host}`);
    url = o.endpoint.replace(/\/+$/, '');
  } else {
    ({ url, proc } = await startOwnServer(o));
  }
  console.log(`Load: ${o.clients} clients × ${o.width}×${o.height} edits for ${o.durationS} s (≤ ${o.maxRequests} requests) against ${url}${proc ? ` (server: ${o.workers} worker(s)${o.threads ? ` × ${o.threads} thread(s)` : ''}, queue ${o.queue})` : ''}`);

  const client = new KserveClient({ endpoint: url, retries: 0, timeoutMs: 120_000 });
  const inputsBySeed = Array.from({ length: 8 }, (_, s): WireTensor[] => encodePipelineInputs(job(o.width, o.height, s + 1)));
  // Warm-up: the first requests load caches; memory is judged after it.
  const samples: { t: number; rss: number }[] = [];
  const started = Date.now();
  const sampler = proc ? setInterval(() => samples.push({ t: (Date.now() - started) / 1000, rss: rssOf(proc!.pid!) }), 250) : undefined;

  const latencies: number[] = [];
  const statuses = new Map<string, number>();
  let sent = 0, answered = 0;
  const end = started + o.durationS * 1000;
  const count = (key: string): void => {
    statuses.set(key, (statuses.get(key) ?? 0) + 1);
  };
  await Promise.all(
    Array.from({ length: o.clients }, async (_, c) => {
      while (Date.now() < end && sent < o.maxRequests) {
        const inputs = inputsBySeed[(sent + c) % inputsBySeed.length];
        sent++;
        const t0 = Date.now();
        try {
          await client.infer('relayout', { inputs, outputs: [{ name: 'RESULT', binary: true }, { name: 'EDIT_MASK', binary: true }] });
          if (t0 - started >= o.warmupS * 1000) latencies.push(Date.now() - t0);
          count('200');
          answered++;
        } catch (err) {
          if (err instanceof RemoteError && err.status) {
            count(String(err.status));
            answered++;
            // Honour the server's back-pressure like a real client would, without counting it as latency.
            if (err.status === 503) await new Promise((r) => setTimeout(r, (err.retryAfterSeconds ?? 1) * 1000));
          } else {
            count(`network: ${(err as Error).message}`);
          }
        }
      }
    }),
  );
  const elapsed = (Date.now() - started) / 1000;
  if (sampler) clearInterval(sampler);
  const ready = await client.serverReady().catch(() => false);

  latencies.sort((a, b) => a - b);
  const ok = statuses.get('200') ?? 0;
  console.log(`\n  requests     ${sent} sent, ${answered} answered in ${elapsed.toFixed(1)} s`);
  console.log(`  throughput   ${(ok / elapsed).toFixed(2)} edits/s (${(sent / elapsed).toFixed(2)} requests/s)`);
  console.log(`  latency      p50 ${percentile(latencies, 50)} ms, p95 ${percentile(latencies, 95)} ms, p99 ${percentile(latencies, 99)} ms, max ${latencies[latencies.length - 1] ?? NaN} ms (after ${o.warmupS} s warm-up, ${latencies.length} edits)`);
  console.log(`  statuses     ${[...statuses].map(([k, v]) => `${k}: ${v}`).join(', ')}`);

  let steady = answered === sent && ready;
  if (samples.length) {
    const peak = Math.max(...samples.map((s) => s.rss));
    const after = samples.filter((s) => s.t >= o.warmupS);
    const half = Math.floor(after.length / 2);
    const median = (xs: number[]): number => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
    const first = median(after.slice(0, half).map((s) => s.rss));
    const second = median(after.slice(half).map((s) => s.rss));
    const growth = second - first;
    // Flat: the second half's median within 10% (and 32 MB) of the first half's.
    const flat = growth <= Math.max(32 * 1048576, 0.1 * first);
    steady = steady && flat;
    console.log(`  server RSS   peak ${mb(peak)}; median ${mb(first)} in the first half after warm-up, ${mb(second)} in the second (${growth >= 0 ? '+' : ''}${mb(growth)})`);
    console.log(`  steady state ${steady ? 'yes' : 'NO'}: memory ${flat ? 'flat' : 'growing'}, ${answered === sent ? 'every request answered' : `${sent - answered} unanswered`}, server ${ready ? 'still ready' : 'NOT ready'}`);
  } else {
    console.log(`  steady state ${steady ? 'yes' : 'NO'} (server memory not measured: external endpoint)`);
  }
  if (proc) {
    proc.kill('SIGTERM');
    await new Promise((r) => proc!.on('exit', r));
  }
  return steady ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    console.error(`load: ${err.message}`);
    process.exit(2);
  },
);
