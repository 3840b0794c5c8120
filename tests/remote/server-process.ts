// Starts the compiled reference server as a child process on loopback (port 0) and reads its log, as a
// user would run it. Needs `npm run build:node` first (npm test does it).
import { ChildProcess, spawn, spawnSync } from 'child_process';
import { join } from 'path';

export const ROOT = join(__dirname, '..', '..');
export const SERVER_BIN = join(ROOT, 'bin', 'relayout-server.js');
export const CLI_BIN = join(ROOT, 'bin', 'relayout.js');

export interface ServerProcess {
  url: string;
  proc: ChildProcess;
  /** Every stdout/stderr line so far. */
  lines: string[];
  /** Resolves when a line matching `re` appears (or has appeared). */
  waitForLine(re: RegExp, timeoutMs?: number): Promise<string>;
  /** Sends a signal and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export function startServer(args: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<ServerProcess> {
  const proc = spawn(process.execPath, [SERVER_BIN, '--port', '0', ...args], {
    cwd: ROOT,
    env: { ...process.env, RELAYOUT_TOKEN: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const waiters: { re: RegExp; resolve: (l: string) => void }[] = [];
  let exitCode: number | null | undefined;
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve((exitCode = code))));
  const onData = (buf: Buffer, carry: { rest: string }): void => {
    const text = carry.rest + buf.toString('utf8');
    const parts = text.split('\n');
    carry.rest = parts.pop()!;
    for (const line of parts) {
      lines.push(line);
      for (const w of [...waiters]) {
        if (w.re.test(line)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(line);
        }
      }
    }
  };
  const out = { rest: '' }, err = { rest: '' };
  proc.stdout!.on('data', (b: Buffer) => onData(b, out));
  proc.stderr!.on('data', (b: Buffer) => onData(b, err));
  const waitForLine = (re: RegExp, timeoutMs = 30_000): Promise<string> => {
    const hit = lines.find((l) => re.test(l));
    if (hit) return Promise.resolve(hit);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no line matching ${re} within ${timeoutMs} ms; got:\n${lines.join('\n')}`)), timeoutMs);
      waiters.push({ re, resolve: (l) => { clearTimeout(t); resolve(l); } });
      void exited.then((code) => { clearTimeout(t); reject(new Error(`server exited (${code}) before a line matching ${re}:\n${lines.join('\n')}`)); });
    });
  };
  return waitForLine(/listening on http:\/\//).then((line) => ({
    url: /listening on (http:\/\/\S+)/.exec(line)![1],
    proc,
    lines,
    waitForLine,
    stop: (signal: NodeJS.Signals = 'SIGTERM') => {
      if (exitCode !== undefined) return Promise.resolve(exitCode);
      proc.kill(signal);
      return exited;
    },
  }));
}

/** Runs the compiled `relayout` CLI; returns its exit code and output. */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI_BIN, ...args], { cwd: ROOT, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
