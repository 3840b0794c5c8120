// Plain tensors passed between the engine and a Runner (no runtime types leak past the runner).
export interface FloatTensor {
  type: 'float32';
  dims: number[];
  data: Float32Array;
}

export function tensor(data: Float32Array, dims: number[]): FloatTensor {
  const n = dims.reduce((a, b) => a * b, 1);
  if (n !== data.length) throw new Error(`tensor of ${data.length} values cannot have shape [${dims.join(',')}]`);
  return { type: 'float32', dims, data };
}

/** Where the engine runs its graphs (onnxruntime-web in Node or a browser, onnxruntime-node, remote). */
export interface Runner {
  /** Runs one stage graph; feeds and outputs by tensor name. */
  run(stageId: string, feeds: Record<string, FloatTensor>): Promise<Record<string, FloatTensor>>;
  /** Which backend actually runs the graphs, e.g. "wasm (2 threads)". */
  readonly backend: string;
  dispose(): Promise<void>;
}
