// Messages between the server's main thread and its engine workers (one typed union each way, matched
// by task id). Plain data that survives structured cloning. Node only.
import type { Palette } from '../layout';
import type { RelayoutJob } from '../inference/job';
import type { ProviderChoice, TypedTensor } from './node-ort-runner';

export interface WorkerInit {
  modelsDir: string;
  provider: ProviderChoice;
  threads: number;
}

export type TaskPayload =
  | { kind: 'edit'; job: RelayoutJob; palette: Palette }
  | { kind: 'stage'; stageId: string; feeds: Record<string, TypedTensor> };

export interface EditDone {
  kind: 'edit';
  width: number;
  height: number;
  image: Uint8Array;
  /** The mask's blend weight, 0 outside the mask. */
  maskAlpha: Uint8Array;
  unchanged: boolean;
  maskedPixels: number;
  timings: Record<string, number>;
}

export interface StageDone {
  kind: 'stage';
  outputs: Record<string, TypedTensor>;
}

export type TaskResult = EditDone | StageDone;

/** An error as it crosses the thread boundary: a RelayoutError's fields, or just a message. */
export interface SerializedError {
  name: string;
  message: string;
  code?: string;
  userMessage?: string;
  classNames?: string[];
}

export type ToWorker =
  | { type: 'run'; id: number; task: TaskPayload }
  | { type: 'cancel'; id: number };

export type FromWorker =
  | { type: 'ready'; backend: string }
  | { type: 'start-failed'; error: SerializedError }
  | { type: 'log'; line: string }
  | { type: 'done'; id: number; result: TaskResult }
  | { type: 'failed'; id: number; error: SerializedError; reached?: StageReached };

/** How far an edit got: its last stage event, and how many stage graphs ran. */
export interface StageReached {
  stageId: string;
  fraction: number;
  stageRuns: number;
}
