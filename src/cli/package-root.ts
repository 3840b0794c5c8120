// Where the installed package lives (Node only; imports no runtime, so the server can use it without
// loading onnxruntime-web).
import { existsSync } from 'fs';
import { dirname, join } from 'path';

/** The folder holding package.json and models/ (works from src/ under ts-jest and from build/ when compiled). */
export function packageRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json')) || !existsSync(join(dir, 'models'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the Relayout package root (a folder with package.json and models/)');
    dir = up;
  }
  return dir;
}
