// The stage graphs the server (and the Triton export) offer, found at run time: every models/<id>/ that
// holds model.onnx and contract.json. Names, dtypes and dims come from the contracts, never from code,
// so a redesigned set of stages is served as it is. Node only.
import { existsSync, readdirSync, readFileSync } from 'fs';
import { join } from 'path';
import { packageRoot } from '../cli/package-root';
import type { StageContract, TensorSpec } from '../../models/contract';
import type { KserveDatatype, ModelMetadata, TensorMetadata } from '../inference/remote';

export interface StageEntry {
  id: string;
  dir: string;
  modelPath: string;
  contract: StageContract;
}

/** The package's models/ folder. */
export function defaultModelsDir(): string {
  return join(packageRoot(), 'models');
}

/** Every stage in `modelsDir`, sorted by id. */
export function loadStageCatalog(modelsDir: string): StageEntry[] {
  const out: StageEntry[] = [];
  for (const name of readdirSync(modelsDir, { withFileTypes: true })) {
    if (!name.isDirectory()) continue;
    const dir = join(modelsDir, name.name);
    const contractPath = join(dir, 'contract.json');
    const modelPath = join(dir, 'model.onnx');
    if (!existsSync(contractPath) || !existsSync(modelPath)) continue;
    const contract = JSON.parse(readFileSync(contractPath, 'utf8')) as StageContract;
    out.push({ id: contract.id ?? name.name, dir, modelPath, contract });
  }
  return out.sort((a, b) => a.id.localeCompare(b.id));
}

/** Contract dtype → protocol datatype. */
export const KSERVE_DATATYPE: Readonly<Record<TensorSpec['dtype'], KserveDatatype>> = {
  float32: 'FP32',
  int64: 'INT64',
  int32: 'INT32',
  bool: 'BOOL',
};

/** Contract shape → protocol shape (symbolic dims become -1). */
export function protocolShape(shape: TensorSpec['shape']): number[] {
  return shape.map((d) => (typeof d === 'number' ? d : -1));
}

/** The model metadata of one stage served as its own model (with the server's limits when given, as for `relayout`). */
export function stageMetadata(stage: StageEntry, limits?: { maxPixels: number; maxBodyBytes: number }): ModelMetadata {
  const meta = (s: TensorSpec): TensorMetadata => ({ name: s.name, datatype: KSERVE_DATATYPE[s.dtype], shape: protocolShape(s.shape) });
  return {
    name: stage.id,
    versions: ['1'],
    platform: 'onnx_onnxv1',
    inputs: stage.contract.inputs.map(meta),
    outputs: stage.contract.outputs.map(meta),
    ...(limits ? { parameters: { max_pixels: limits.maxPixels, max_body_bytes: limits.maxBodyBytes } } : {}),
  };
}
