// Stage contracts: what each graph takes and returns (names, dtypes, shapes with symbolic dims), checked
// when a graph loads and before every run. Pure code; no runtime imports.
import { RelayoutError } from '../src/layout';

export interface TensorSpec {
  name: string;
  dtype: 'float32' | 'int64' | 'bool' | 'int32';
  shape: (number | string)[];
  doc?: string;
}

export interface StageContract {
  id: string;
  doc: string;
  opset: number;
  layout: 'NCHW';
  valueRange: string;
  inputs: TensorSpec[];
  outputs: TensorSpec[];
  /** sha256 of model.onnx, hex. */
  sha256: string;
}

export class ContractMismatchError extends RelayoutError {
  constructor(stage: string, tensor: string, expected: string, actual: string) {
    super('contract-mismatch', `Stage "${stage}", tensor "${tensor}": expected ${expected}, got ${actual}`, {
      userMessage: `The model for stage "${stage}" does not match this version of Relayout (${tensor}: expected ${expected}, got ${actual}).`,
    });
  }
}

/** A feed as the runner sees it. */
export interface FeedLike {
  type: string;
  dims: readonly number[];
}

/** Checks feeds against the contract: every input present, dtype and rank equal, fixed dims equal, symbolic dims consistent. */
export function validateFeeds(contract: StageContract, feeds: Record<string, FeedLike>): void {
  const bound = new Map<string, number>();
  for (const spec of contract.inputs) {
    const f = feeds[spec.name];
    if (!f) throw new ContractMismatchError(contract.id, spec.name, 'a feed', 'nothing');
    if (f.type !== spec.dtype) throw new ContractMismatchError(contract.id, spec.name, spec.dtype, f.type);
    if (f.dims.length !== spec.shape.length) {
      throw new ContractMismatchError(contract.id, spec.name, `rank ${spec.shape.length} [${spec.shape.join(',')}]`, `[${f.dims.join(',')}]`);
    }
    spec.shape.forEach((d, i) => {
      const actual = f.dims[i];
      if (typeof d === 'number') {
        if (d !== actual) throw new ContractMismatchError(contract.id, spec.name, `dim ${i} = ${d}`, String(actual));
      } else {
        const prev = bound.get(d);
        if (prev !== undefined && prev !== actual) throw new ContractMismatchError(contract.id, spec.name, `dim ${d} = ${prev} (as in other inputs)`, String(actual));
        bound.set(d, actual);
      }
    });
  }
  const extra = Object.keys(feeds).filter((k) => !contract.inputs.some((s) => s.name === k));
  if (extra.length) throw new ContractMismatchError(contract.id, extra[0], 'no such input', 'a feed');
}

/** Checks a loaded session's input and output names against the contract. */
export function validateSessionNames(contract: StageContract, inputNames: readonly string[], outputNames: readonly string[]): void {
  const want = contract.inputs.map((s) => s.name).sort().join(',');
  const got = [...inputNames].sort().join(',');
  if (want !== got) throw new ContractMismatchError(contract.id, 'inputs', want, got);
  const wantOut = contract.outputs.map((s) => s.name).sort().join(',');
  const gotOut = [...outputNames].sort().join(',');
  if (wantOut !== gotOut) throw new ContractMismatchError(contract.id, 'outputs', wantOut, gotOut);
}
