// The Node half of the Triton model `relayout` (the whole pipeline in one request). Triton's Python
// backend runs model.py (written by `relayout export-triton`), which starts this program once per model
// instance and talks to it in frames over stdin/stdout (triton-pipe.ts). For each request it decodes the
// inputs with the pipeline contract, runs the engine's host loop (runEdit) unchanged, and asks model.py to
// run every stage graph through BLS on the stage models served beside it; the engine is not ported.
// Needs no npm package: the exporter copies this file with the modules it imports. Node only.
import { CancelledError, RelayoutError } from '../layout';
import { runEdit } from '../inference/edit';
import type { FloatTensor, Runner } from '../inference/tensor';
import { WireFormatError, WireTensor } from '../inference/remote/kserve-wire';
import { decodePipelineInputs, encodePipelineOutputs, REQUEST_ERROR_CODES } from '../inference/remote/pipeline-contract';
import { feedsAsWire, outputsFromWire } from '../inference/remote/stage-runner';
import { encodeFrame, FrameReader, PipeErrorKind, PipeFrame, PipeHeader } from './triton-pipe';

/** Frames in arrival order, awaited one at a time. */
class Inbox {
  private frames: PipeFrame[] = [];
  private waiting?: { resolve: (f: PipeFrame | null) => void };
  private closed = false;

  put(f: PipeFrame): void {
    if (this.waiting) {
      const w = this.waiting;
      this.waiting = undefined;
      w.resolve(f);
    } else this.frames.push(f);
  }

  close(): void {
    this.closed = true;
    this.waiting?.resolve(null);
    this.waiting = undefined;
  }

  /** The next frame, or null once the other side closed the pipe. */
  next(): Promise<PipeFrame | null> {
    const f = this.frames.shift();
    if (f) return Promise.resolve(f);
    if (this.closed) return Promise.resolve(null);
    return new Promise((resolve) => (this.waiting = { resolve }));
  }
}

/** Stage graphs run by model.py through BLS; one call at a time (the engine awaits each). */
class PipeRunner implements Runner {
  readonly backend = 'Triton stage models (BLS)';

  constructor(private readonly inbox: Inbox, private readonly send: (h: PipeHeader, t?: WireTensor[]) => void) {}

  async run(stageId: string, feeds: Record<string, FloatTensor>): Promise<Record<string, FloatTensor>> {
    this.send({ type: 'stage', stage: stageId }, feedsAsWire(feeds));
    const reply = await this.inbox.next();
    if (!reply) throw new CancelledError('model.py closed the pipe');
    if (reply.header.type === 'stage-error') {
      const e = reply.header.error;
      if (e?.kind === 'cancelled') throw new CancelledError(e.message);
      throw new Error(`stage "${stageId}": ${e?.message ?? 'failed'}`);
    }
    if (reply.header.type !== 'stage-result') throw new Error(`expected the result of stage "${stageId}", got a "${reply.header.type}" frame`);
    return outputsFromWire(stageId, reply.tensors, (msg) => new Error(msg));
  }

  async dispose(): Promise<void> {
    // Nothing held.
  }
}

/** How model.py should report an error (Triton's INVALID_ARG, CANCELLED or INTERNAL). */
function errorKind(err: unknown): PipeErrorKind {
  if (err instanceof CancelledError) return 'cancelled';
  if (err instanceof WireFormatError) return 'invalid';
  if (err instanceof RelayoutError && REQUEST_ERROR_CODES.has(err.code)) return 'invalid';
  return 'internal';
}

function errorMessage(err: unknown): string {
  if (err instanceof RelayoutError) return err.userMessage === err.message ? err.message : `${err.message} (${err.userMessage})`;
  return (err as Error)?.message ?? String(err);
}

async function serve(): Promise<void> {
  // stdout carries frames only: anything the engine logs goes to stderr (Triton's log).
  console.log = console.info = console.warn = (...args: unknown[]) => console.error(...args);
  const inbox = new Inbox();
  const reader = new FrameReader();
  process.stdin.on('data', (chunk: Buffer) => {
    for (const f of reader.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength))) inbox.put(f);
  });
  process.stdin.on('end', () => inbox.close());
  const send = (h: PipeHeader, t: WireTensor[] = []): void => {
    process.stdout.write(encodeFrame(h, t));
  };
  const runner = new PipeRunner(inbox, send);
  for (;;) {
    const frame = await inbox.next();
    if (!frame) break;
    if (frame.header.type !== 'edit') {
      send({ type: 'failed', error: { kind: 'internal', message: `expected an "edit" frame, got "${frame.header.type}"` } });
      continue;
    }
    try {
      const { job, palette } = decodePipelineInputs(frame.tensors, frame.header.parameters ?? {});
      const r = await runEdit(job, palette, { runner });
      send({ type: 'done', parameters: { unchanged: r.unchanged, masked_pixels: r.mask.maskedPixels } }, encodePipelineOutputs(r.image, r.mask.alpha));
    } catch (err) {
      const kind = errorKind(err);
      if (kind === 'internal') console.error(`relayout: ${(err as Error)?.stack ?? err}`);
      send({ type: 'failed', error: { kind, message: errorMessage(err) } });
    }
  }
}

if (require.main === module) void serve();
