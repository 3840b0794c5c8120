// Loads the bundled stage graphs from the package's models/ folder (Node only).
import { readFileSync } from 'fs';
import { cpus } from 'os';
import { join } from 'path';
import { StageContract } from '../../models/contract';
import { OrtRunner } from '../inference';
import { packageRoot } from './package-root';

export { packageRoot };

export async function loadModelFromDisk(id: string): Promise<{ bytes: Uint8Array; contract: StageContract }> {
  const dir = join(packageRoot(), 'models', id);
  return {
    bytes: new Uint8Array(readFileSync(join(dir, 'model.onnx'))),
    contract: JSON.parse(readFileSync(join(dir, 'contract.json'), 'utf8')) as StageContract,
  };
}

export function nodeRunner(threads = cpus().length): OrtRunner {
  return new OrtRunner({ loadModel: loadModelFromDisk, numThreads: threads });
}
