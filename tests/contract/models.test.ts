// The committed .onnx files are exactly what models/stages.ts builds, their contracts match, and the same
// files load in onnxruntime-web (WASM) and onnxruntime-node.
import { spawnSync } from 'child_process';
import { readFileSync } from 'fs';
import { join } from 'path';
import * as ortWeb from 'onnxruntime-web';
import { buildStages } from '../../models/build';
import { ContractMismatchError, StageContract, validateFeeds } from '../../models/contract';

const MODELS = join(__dirname, '..', '..', 'models');
const built = buildStages();

describe.each(built.map((s) => [s.id, s] as const))('stage %s', (id, stage) => {
  const committed = new Uint8Array(readFileSync(join(MODELS, id, 'model.onnx')));
  const contract = JSON.parse(readFileSync(join(MODELS, id, 'contract.json'), 'utf8')) as StageContract;

  test('committed model.onnx is up to date with its source (else run: npm run models)', () => {
    expect(Buffer.compare(Buffer.from(committed), Buffer.from(stage.bytes))).toBe(0);
    expect(contract).toEqual(stage.contract);
  });

  test('loads in onnxruntime-web with the contract\'s inputs and outputs', async () => {
    const s = await ortWeb.InferenceSession.create(committed, { executionProviders: ['wasm'] });
    expect([...s.inputNames].sort()).toEqual(contract.inputs.map((i) => i.name).sort());
    expect([...s.outputNames].sort()).toEqual(contract.outputs.map((o) => o.name).sort());
    await s.release();
  });

});

// onnxruntime-web and onnxruntime-node share onnxruntime-common's backend registry: once ort-web is loaded
// in a process, a "cpu" session from ort-node may quietly run on WASM. So the native check runs in a
// process of its own that never loads ort-web, and runs a graph there, not only loads it.
test('every committed graph loads unchanged in onnxruntime-node (native CPU, own process) and runs', () => {
  const script = `
    const ort = require('onnxruntime-node');
    const fs = require('fs'), path = require('path');
    (async () => {
      const out = {};
      for (const id of fs.readdirSync(${JSON.stringify(MODELS)})) {
        const file = path.join(${JSON.stringify(MODELS)}, id, 'model.onnx');
        if (!fs.existsSync(file)) continue;
        const s = await ort.InferenceSession.create(fs.readFileSync(file), { executionProviders: ['cpu'] });
        out[id] = { inputs: [...s.inputNames].sort(), outputs: [...s.outputNames].sort() };
        if (id === 'harmonize') {
          const img = new ort.Tensor('float32', new Float32Array(3 * 64).fill(0.5), [1, 3, 8, 8]);
          const one = new ort.Tensor('float32', new Float32Array(64).fill(1), [1, 1, 8, 8]);
          const r = await s.run({ warped: img, image: img, known: one, alpha: one, seam: one });
          out[id].value = r.refined.data[0];
        }
      }
      out.webLoaded = Object.keys(require.cache).some((k) => k.includes('onnxruntime-web'));
      process.stdout.write(JSON.stringify(out));
    })().catch((e) => { console.error(e); process.exit(1); });`;
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', cwd: join(__dirname, '..', '..') });
  expect(r.stderr).toBe('');
  const res = JSON.parse(r.stdout);
  expect(res.webLoaded).toBe(false);
  for (const stage of built) {
    expect(res[stage.id].inputs).toEqual(stage.contract.inputs.map((i) => i.name).sort());
    expect(res[stage.id].outputs).toEqual(stage.contract.outputs.map((o) => o.name).sort());
  }
  expect(res.harmonize.value).toBeCloseTo(0.5, 5);
}, 60_000);

describe('feed validation', () => {
  const harmonize = built.find((s) => s.id === 'harmonize')!.contract;
  const ok = { type: 'float32', dims: [1, 3, 8, 8] };
  const one = { type: 'float32', dims: [1, 1, 8, 8] };

  test('accepts feeds that match', () => {
    expect(() => validateFeeds(harmonize, { warped: ok, image: ok, known: one, alpha: one, seam: one })).not.toThrow();
  });
  test('names the stage, the tensor and both values on a mismatch', () => {
    expect(() => validateFeeds(harmonize, { warped: ok, image: ok, known: one })).toThrow(ContractMismatchError);
    expect(() => validateFeeds(harmonize, { warped: ok, image: { type: 'int64', dims: [1, 3, 8, 8] }, known: one, alpha: one, seam: one })).toThrow(/"harmonize", tensor "image": expected float32, got int64/);
    expect(() => validateFeeds(harmonize, { warped: ok, image: { type: 'float32', dims: [1, 3, 8, 9] }, known: one, alpha: one, seam: one })).toThrow(/dim W = 8/);
  });
});
