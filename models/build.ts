// Writes every stage graph to models/<id>/model.onnx and its contract.json (npm run models). The output is
// a pure function of models/stages.ts, so a test can rebuild in memory and compare with the committed files.
import { createHash } from 'crypto';
import { mkdirSync, writeFileSync } from 'fs';
import { join } from 'path';
import { OPSET } from './graph-builder';
import { StageContract } from './contract';
import { STAGE_GRAPHS } from './stages';

export interface BuiltStage {
  id: string;
  bytes: Uint8Array;
  contract: StageContract;
}

export function buildStages(): BuiltStage[] {
  return Object.entries(STAGE_GRAPHS).map(([id, make]) => {
    const g = make();
    const bytes = g.build();
    const contract: StageContract = {
      id,
      doc: g.doc,
      opset: OPSET,
      layout: 'NCHW',
      valueRange: 'images 0..1 sRGB; labels are compact class ids (0 = unlabeled) as float32',
      inputs: g.inputInfo.map((v) => ({ name: v.name, dtype: v.dtype, shape: v.shape, ...(v.doc ? { doc: v.doc } : {}) })),
      outputs: g.outputInfo.map((v) => ({ name: v.name, dtype: v.dtype, shape: v.shape, ...(v.doc ? { doc: v.doc } : {}) })),
      sha256: createHash('sha256').update(bytes).digest('hex'),
    };
    return { id, bytes, contract };
  });
}

if (require.main === module) {
  const root = join(__dirname, '..', '..', 'models');
  for (const s of buildStages()) {
    mkdirSync(join(root, s.id), { recursive: true });
    writeFileSync(join(root, s.id, 'model.onnx'), s.bytes);
    writeFileSync(join(root, s.id, 'contract.json'), JSON.stringify(s.contract, null, 2) + '\n');
    console.log(`models/${s.id}/model.onnx  ${(s.bytes.length / 1024).toFixed(1)} KiB  sha256 ${s.contract.sha256.slice(0, 12)}…`);
  }
}
