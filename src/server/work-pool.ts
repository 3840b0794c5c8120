// A bounded queue in front of N engine worker threads: at most N tasks run, at most `queueSize` wait, the
// rest are refused with a Retry-After estimate. Every task has a deadline; a task whose client went away is
// dropped from the queue or cancelled at its next stage. Shutdown rejects what waits and lets what runs
// finish within a grace period. Node only.
import { Worker } from 'worker_threads';
import { FromWorker, SerializedError, TaskPayload, TaskResult, ToWorker, WorkerInit } from './worker-protocol';

export class QueueFullError extends Error {
  constructor(readonly retryAfterSeconds: number, readonly capacity: number) {
    super(`the server is busy: ${capacity} edits are running or waiting; retry in ${retryAfterSeconds} s`);
    this.name = 'QueueFullError';
  }
}

export class ShuttingDownError extends Error {
  constructor(message = 'the server is shutting down and did not start this request') {
    super(message);
    this.name = 'ShuttingDownError';
  }
}

export class DeadlineError extends Error {
  constructor(readonly deadlineMs: number, readonly stage: 'queued' | 'running') {
    super(`the request did not finish within the server's deadline of ${deadlineMs / 1000} s (it was ${stage})`);
    this.name = 'DeadlineError';
  }
}

export class ClientGoneError extends Error {
  constructor() {
    super('the client closed the connection');
    this.name = 'ClientGoneError';
  }
}

/** An error thrown by the task itself inside the worker (bad input, engine failure). */
export class TaskFailedError extends Error {
  constructor(readonly detail: SerializedError) {
    super(detail.message);
    this.name = 'TaskFailedError';
  }
}

export interface WorkPoolOptions {
  workerFile: string;
  workers: number;
  queueSize: number;
  deadlineMs: number;
  init: WorkerInit;
  log: (line: string) => void;
}

interface Pending {
  id: number;
  task: TaskPayload;
  /** Buffers handed to the worker without copying (the task's own, compact ones). */
  transfer: ArrayBuffer[];
  resolve: (r: TaskResult & { queueMs: number; runMs: number }) => void;
  reject: (e: Error) => void;
  enqueuedAt: number;
  startedAt?: number;
  settled: boolean;
  /** When the pool gave up on it (client gone, deadline) while it ran. */
  abandonedAt?: number;
  timer: ReturnType<typeof setTimeout>;
  cleanup: () => void;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  task: Pending | null;
}

export interface PoolStats {
  workers: number;
  running: number;
  queued: number;
  completed: number;
  failed: number;
  refused: number;
  backend: string;
}

export class WorkPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Pending[] = [];
  private nextId = 1;
  private closing = false;
  private avgRunMs = 2000;
  private counts = { completed: 0, failed: 0, refused: 0 };
  backend = 'starting';

  constructor(private readonly opts: WorkPoolOptions) {}

  /** Starts the workers and resolves when every one has loaded its graphs. */
  async start(): Promise<void> {
    await Promise.all(Array.from({ length: this.opts.workers }, () => this.spawn()));
  }

  private spawn(): Promise<void> {
    return new Promise((resolve, reject) => {
      const worker = new Worker(this.opts.workerFile, { workerData: this.opts.init });
      const slot: Slot = { worker, ready: false, task: null };
      this.slots.push(slot);
      worker.on('message', (msg: FromWorker) => {
        if (msg.type === 'ready') {
          slot.ready = true;
          this.backend = msg.backend;
          resolve();
          this.pump();
        } else if (msg.type === 'start-failed') {
          reject(new TaskFailedError(msg.error));
        } else if (msg.type === 'log') {
          this.opts.log(msg.line);
        } else {
          this.finish(slot, msg);
        }
      });
      worker.on('error', (err) => this.opts.log(`worker error: ${err.message}`));
      worker.on('exit', (code) => {
        const i = this.slots.indexOf(slot);
        if (i >= 0) this.slots.splice(i, 1);
        if (!slot.ready) reject(new Error(`an engine worker exited with code ${code} while starting`));
        if (slot.task) this.settle(slot.task, new Error(`the engine worker stopped (exit code ${code})`));
        if (!this.closing) {
          this.opts.log(`engine worker exited (code ${code}); starting a new one`);
          this.spawn().catch((e) => this.opts.log(`could not restart a worker: ${(e as Error).message}`));
        }
      });
    });
  }

  /** True once close() was called. */
  get stopping(): boolean {
    return this.closing;
  }

  get ready(): boolean {
    return !this.closing && this.slots.some((s) => s.ready);
  }

  stats(): PoolStats {
    return {
      workers: this.slots.length,
      running: this.slots.filter((s) => s.task).length,
      queued: this.queue.length,
      ...this.counts,
      backend: this.backend,
    };
  }

  /** Seconds a refused client should wait: the queue ahead of it divided among the workers. */
  retryAfterSeconds(): number {
    const ahead = this.queue.length + this.slots.filter((s) => s.task).length;
    const s = Math.ceil((this.avgRunMs * ahead) / Math.max(1, this.slots.length) / 1000);
    return Math.min(120, Math.max(1, s));
  }

  /**
   * Queues a task; rejects at once with QueueFullError or ShuttingDownError when it cannot wait.
   * `transfer` lists buffers that move to the worker (the caller must not use them afterwards).
   */
  submit(task: TaskPayload, signal?: AbortSignal, transfer: ArrayBuffer[] = []): Promise<TaskResult & { queueMs: number; runMs: number }> {
    if (this.closing) return Promise.reject(new ShuttingDownError());
    const idle = this.slots.some((s) => s.ready && !s.task);
    if (!idle && this.queue.length >= this.opts.queueSize) {
      this.counts.refused++;
      return Promise.reject(new QueueFullError(this.retryAfterSeconds(), this.slots.length + this.opts.queueSize));
    }
    return new Promise((resolve, reject) => {
      const p: Pending = {
        id: this.nextId++,
        task,
        transfer,
        resolve,
        reject,
        enqueuedAt: Date.now(),
        settled: false,
        timer: setTimeout(() => this.abandon(p, new DeadlineError(this.opts.deadlineMs, p.startedAt ? 'running' : 'queued')), this.opts.deadlineMs),
        cleanup: () => undefined,
      };
      if (signal) {
        const onAbort = (): void => this.abandon(p, new ClientGoneError());
        signal.addEventListener('abort', onAbort, { once: true });
        p.cleanup = () => signal.removeEventListener('abort', onAbort);
        if (signal.aborted) return this.abandon(p, new ClientGoneError());
      }
      this.queue.push(p);
      this.pump();
    });
  }

  private pump(): void {
    while (this.queue.length) {
      const slot = this.slots.find((s) => s.ready && !s.task);
      if (!slot) return;
      const p = this.queue.shift()!;
      p.startedAt = Date.now();
      slot.task = p;
      const msg: ToWorker = { type: 'run', id: p.id, task: p.task };
      slot.worker.postMessage(msg, p.transfer);
    }
  }

  /** Gives up on a task: drop it from the queue, or ask its worker to stop at the next stage. */
  private abandon(p: Pending, err: Error): void {
    if (p.settled) return;
    const qi = this.queue.indexOf(p);
    if (qi >= 0) this.queue.splice(qi, 1);
    const slot = this.slots.find((s) => s.task === p);
    if (slot) {
      p.abandonedAt = Date.now();
      const msg: ToWorker = { type: 'cancel', id: p.id };
      slot.worker.postMessage(msg);
      // The slot stays busy until the worker reports back, so no second task shares its CPU.
    }
    this.settle(p, err);
  }

  private settle(p: Pending, outcome: Error | TaskResult): void {
    if (p.settled) return;
    p.settled = true;
    clearTimeout(p.timer);
    p.cleanup();
    if (outcome instanceof Error) {
      this.counts.failed++;
      p.reject(outcome);
    } else {
      this.counts.completed++;
      const now = Date.now();
      const runMs = now - (p.startedAt ?? now);
      this.avgRunMs = 0.8 * this.avgRunMs + 0.2 * runMs;
      p.resolve({ ...outcome, queueMs: (p.startedAt ?? now) - p.enqueuedAt, runMs });
    }
  }

  private finish(slot: Slot, msg: Extract<FromWorker, { type: 'done' | 'failed' }>): void {
    const p = slot.task;
    if (!p || p.id !== msg.id) return;
    slot.task = null;
    if (p.abandonedAt !== undefined) {
      // Report how much work the cancel saved: the stage the edit stopped at and how soon the worker was free.
      const after = Date.now() - p.abandonedAt;
      if (msg.type === 'failed' && msg.reached) {
        this.opts.log(`cancelled edit stopped at stage "${msg.reached.stageId}" (${Math.round(msg.reached.fraction * 100)}% done, ${msg.reached.stageRuns} stage runs) ${after} ms after the cancel; worker free`);
      } else {
        this.opts.log(`abandoned ${p.task.kind} finished anyway ${after} ms after the cancel (it was in its last stage)`);
      }
    }
    this.settle(p, msg.type === 'done' ? msg.result : new TaskFailedError(msg.error));
    this.idleWaiters.forEach((w) => w());
    this.pump();
  }

  private idleWaiters = new Set<() => void>();

  /**
   * Stops taking work: rejects every queued task, lets running ones finish for up to `graceMs`, then
   * cancels what is left, and stops the workers. Returns what happened to the tasks.
   */
  async close(graceMs: number): Promise<{ rejectedQueued: number; finished: number; cancelled: number }> {
    this.closing = true;
    const queued = this.queue.splice(0);
    for (const p of queued) this.settle(p, new ShuttingDownError());
    const running = this.slots.filter((s) => s.task).length;
    const deadline = Date.now() + graceMs;
    while (this.slots.some((s) => s.task) && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(done, Math.max(0, deadline - Date.now()));
        function done(): void {
          clearTimeout(t);
          resolve();
        }
        this.idleWaiters.add(done);
      });
      this.idleWaiters.clear();
    }
    let cancelled = 0;
    for (const s of this.slots) {
      if (s.task) {
        cancelled++;
        this.settle(s.task, new ShuttingDownError('the server shut down before this edit finished'));
      }
    }
    await Promise.all(this.slots.splice(0).map((s) => s.worker.terminate()));
    return { rejectedQueued: queued.length, finished: running - cancelled, cancelled };
  }
}
