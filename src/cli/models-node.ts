// Loads the bundled stage graphs from the package's models/ folder (Node only).
import { existsSync, readFileSync } from 'fs';
import { cpus } from 'os';
import { dirname, join } from 'path';
import { StageContract } from '../../models/contract';
import { OrtRunner } from '../inference';

/** The folder holding package.json (works from src/ under ts-jest and from build/ when compiled). */
export function packageRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json')) || !existsSync(join(dir, 'models'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the Relayout package root');
    dir = up;
  }
  return dir;
}

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
