// The committed .onnx files are exactly what models/stages.ts builds, their contracts match, and the same
// files load in onnxruntime-web (WASM) and onnxruntime-node.
import { readFileSync } from 'fs';
import { join } from 'path';
import * as ortWeb from 'onnxruntime-web';
import * as ortNode from 'onnxruntime-node';
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

  test('loads unchanged in onnxruntime-node', async () => {
    const s = await ortNode.InferenceSession.create(committed);
    expect([...s.inputNames].sort()).toEqual(contract.inputs.map((i) => i.name).sort());
    expect([...s.outputNames].sort()).toEqual(contract.outputs.map((o) => o.name).sort());
  });
});

describe('feed validation', () => {
  const harmonize = built.find((s) => s.id === 'harmonize')!.contract;
  const ok = { type: 'float32', dims: [1, 3, 8, 8] };
  const one = { type: 'float32', dims: [1, 1, 8, 8] };

  test('accepts feeds that match', () => {
    expect(() => validateFeeds(harmonize, { warped: ok, image: ok, known: one, alpha: one })).not.toThrow();
  });
  test('names the stage, the tensor and both values on a mismatch', () => {
    expect(() => validateFeeds(harmonize, { warped: ok, image: ok, known: one })).toThrow(ContractMismatchError);
    expect(() => validateFeeds(harmonize, { warped: ok, image: { type: 'int64', dims: [1, 3, 8, 8] }, known: one, alpha: one })).toThrow(/"harmonize", tensor "image": expected float32, got int64/);
    expect(() => validateFeeds(harmonize, { warped: ok, image: { type: 'float32', dims: [1, 3, 8, 9] }, known: one, alpha: one })).toThrow(/dim W = 8/);
  });
});
