// Entry of one engine worker thread: loads the stage graphs in onnxruntime-node, then runs edits (the whole
// pipeline via runEdit) and single stages on request, one at a time; a cancel message aborts the edit at
// its next stage. Keeping the engine off the main thread keeps the HTTP side responsive. Node only.
import { parentPort, workerData } from 'worker_threads';
import { ClassMissingError, RelayoutError } from '../layout';
// Deep imports keep onnxruntime-web out of this thread (see node-ort-runner.ts).
import { runEdit } from '../inference/edit';
import type { ProgressEvent } from '../inference/engine';
import { loadStageCatalog } from './model-catalog';
import { NodeOrtRunner } from './node-ort-runner';
import { FromWorker, SerializedError, StageReached, TaskPayload, TaskResult, ToWorker, WorkerInit } from './worker-protocol';

const port = parentPort;
if (!port) throw new Error('edit-worker.js must run as a worker thread');

function serialize(err: unknown): SerializedError {
  if (err instanceof RelayoutError) {
    return {
      name: err.name,
      message: err.message,
      code: err.code,
      userMessage: err.userMessage,
      classNames: err instanceof ClassMissingError ? err.classNames : undefined,
    };
  }
  const e = err as Error;
  return { name: e?.name ?? 'Error', message: e?.message ?? String(err) };
}

function post(msg: FromWorker, transfer: ArrayBuffer[] = []): void {
  try {
    port!.postMessage(msg, transfer);
  } catch {
    // Buffers owned by native code cannot be detached: send a copy instead.
    port!.postMessage(msg);
  }
}

async function main(): Promise<void> {
  const init = workerData as WorkerInit;
  let runner: NodeOrtRunner;
  try {
    runner = await NodeOrtRunner.create({
      stages: loadStageCatalog(init.modelsDir),
      provider: init.provider,
      threads: init.threads,
      log: (line) => post({ type: 'log', line }),
    });
  } catch (err) {
    post({ type: 'start-failed', error: serialize(err) });
    return;
  }
  const running = new Map<number, AbortController>();

  const execute = async (id: number, task: TaskPayload): Promise<void> => {
    const ctrl = new AbortController();
    running.set(id, ctrl);
    const reached: StageReached = { stageId: 'start', fraction: 0, stageRuns: 0 };
    try {
      let result: TaskResult;
      const transfer = new Set<ArrayBuffer>();
      if (task.kind === 'edit') {
        const onProgress = (e: ProgressEvent): void => {
          reached.stageId = e.stageId;
          reached.fraction = e.fraction;
          if (e.type === 'stage' && e.stageId !== 'done') reached.stageRuns++;
        };
        const r = await runEdit(task.job, task.palette, { runner, signal: ctrl.signal, onProgress });
        const image = r.image.data instanceof Uint8Array ? r.image.data : new Uint8Array(r.image.data);
        result = {
          kind: 'edit',
          width: r.image.width,
          height: r.image.height,
          image,
          maskAlpha: r.mask.alpha,
          unchanged: r.unchanged,
          maskedPixels: r.mask.maskedPixels,
          timings: r.timings,
        };
        transfer.add(image.buffer as ArrayBuffer).add(r.mask.alpha.buffer as ArrayBuffer);
      } else {
        const outputs = await runner.runTyped(task.stageId, task.feeds);
        result = { kind: 'stage', outputs };
        for (const t of Object.values(outputs)) transfer.add(t.data.buffer as ArrayBuffer);
      }
      post({ type: 'done', id, result }, [...transfer]);
    } catch (err) {
      post({ type: 'failed', id, error: serialize(err), reached: task.kind === 'edit' ? reached : undefined });
    } finally {
      running.delete(id);
    }
  };

  port!.on('message', (msg: ToWorker) => {
    if (msg.type === 'cancel') running.get(msg.id)?.abort();
    else void execute(msg.id, msg.task);
  });
  post({ type: 'ready', backend: runner.backend });
}

void main();
