// `relayout export-triton`: every written config.pbtxt agrees with its model's own inputs and outputs as
// onnxruntime-node reads them from the copied .onnx (names, datatypes, dims), and the ensemble planner
// chains stages wired by tensor names but refuses today's host-driven stages with the reason (the
// Python-backend model that serves them instead is tested in triton-model.test.ts).
import { existsSync, mkdtempSync, readFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import * as ort from 'onnxruntime-node';
import { StageContract } from '../../models/contract';
import { defaultModelsDir, loadStageCatalog, StageEntry } from '../../src/server/model-catalog';
import { planEnsemble, writeTritonRepository } from '../../src/server/triton-export';
import { Pb, PbValue, parsePbtxt } from './pbtxt';

const ORT_TO_TRITON: Record<string, string> = { float32: 'TYPE_FP32', int64: 'TYPE_INT64', int32: 'TYPE_INT32', bool: 'TYPE_BOOL' };

describe('export-triton writes configs that match the models', () => {
  const dir = mkdtempSync(join(tmpdir(), 'relayout-triton-'));
  const summary = writeTritonRepository(dir, { modelsDir: defaultModelsDir(), instanceKind: 'gpu', instanceCount: 2 });
  const stages = loadStageCatalog(defaultModelsDir());

  test('onnxruntime-node, not onnxruntime-web, reads the models here', () => {
    expect((ort.env.versions as Record<string, string | undefined>).web).toBeUndefined();
  });

  test('one folder per stage found in models/, plus a README; the pipeline as an ensemble exactly when the stages chain, else as the Python-backend model', () => {
    expect(stages.length).toBeGreaterThan(0);
    const readme = readFileSync(join(dir, 'README.md'), 'utf8');
    expect(summary.models).toHaveLength(stages.length + 1);
    const pipeline = parsePbtxt(readFileSync(join(dir, 'relayout', 'config.pbtxt'), 'utf8'));
    if (summary.ensemble.ok) {
      expect(pipeline.platform).toEqual(['ensemble']);
      expect(readme).toMatch(/The ensemble `relayout` chains/);
    } else {
      // Today's engine: refinement levels run a variable number of times from a host loop.
      expect(summary.ensemble.reason).toMatch(/host loop/);
      expect(pipeline.backend).toEqual(['python']);
      expect(existsSync(join(dir, 'relayout', '1', 'model.py'))).toBe(true);
      expect(readme).toMatch(/Python-backend model `relayout`/);
    }
  });

  test.each(loadStageCatalog(defaultModelsDir()).map((s) => [s.id]))('%s: names, datatypes and dims agree with the .onnx', async (id) => {
    const config = parsePbtxt(readFileSync(join(dir, id, 'config.pbtxt'), 'utf8'));
    expect(config.name).toEqual([id]);
    expect(config.backend).toEqual(['onnxruntime']);
    expect(config.max_batch_size).toEqual([0]);
    expect(config.instance_group).toEqual([{ count: [2], kind: ['KIND_GPU'] }]);
    const session = await ort.InferenceSession.create(join(dir, id, '1', 'model.onnx'));
    const expectTensors = (written: PbValue[], actual: readonly ort.InferenceSession.ValueMetadata[]): void => {
      const rows = (written as Pb[]).map((t) => ({ name: t.name[0], type: t.data_type[0], dims: t.dims[0] }));
      const want = actual.map((m) => {
        if (!m.isTensor) throw new Error(`${m.name} is not a tensor`);
        return { name: m.name, type: ORT_TO_TRITON[m.type], dims: m.shape.map((d) => (typeof d === 'number' ? d : -1)) };
      });
      expect(rows).toEqual(want);
    };
    expectTensors(config.input, session.inputMetadata);
    expectTensors(config.output, session.outputMetadata);
    await session.release();
  });
});

function fakeStage(id: string, inputs: [string, (number | string)[]][], outputs: [string, (number | string)[]][]): StageEntry {
  const spec = ([name, shape]: [string, (number | string)[]]) => ({ name, dtype: 'float32' as const, shape });
  const contract: StageContract = { id, doc: id, opset: 17, layout: 'NCHW', valueRange: '', inputs: inputs.map(spec), outputs: outputs.map(spec), sha256: '' };
  return { id, dir: '', modelPath: '', contract };
}

test('stages wired by tensor names become one ensemble', () => {
  const plan = planEnsemble([
    fakeStage('refine', [['warped', [1, 3, 'H', 'W']], ['image', [1, 3, 'H', 'W']]], [['refined', [1, 3, 'H', 'W']]]),
    fakeStage('warp', [['image', [1, 3, 'H', 'W']], ['labels', [1, 1, 'H', 'W']]], [['warped', [1, 3, 'H', 'W']]]),
  ]);
  if (!plan.ok) throw new Error(plan.reason);
  expect(plan.steps).toEqual(['warp', 'refine']);
  const config = parsePbtxt(plan.config);
  expect(config.platform).toEqual(['ensemble']);
  expect((config.input as Pb[]).map((t) => t.name[0])).toEqual(['image', 'labels']);
  expect((config.output as Pb[]).map((t) => t.name[0])).toEqual(['refined']);
  const steps = (config.ensemble_scheduling[0] as Pb).step as Pb[];
  expect(steps.map((s) => s.model_name[0])).toEqual(['warp', 'refine']);
  expect(steps[1].input_map).toEqual([{ key: ['warped'], value: ['warped'] }, { key: ['image'], value: ['image'] }]);
});

test('a stage that runs several times (two producers of one tensor) rules the ensemble out', () => {
  const plan = planEnsemble([
    fakeStage('coarse', [['features', [1, 16, 'H', 'W']]], [['particles', [4, 2, 'H', 'W']]]),
    fakeStage('refine', [['particles', [4, 2, 'H', 'W']], ['features', [1, 16, 'H', 'W']]], [['particles', [4, 2, 'H', 'W']]]),
  ]);
  expect(plan.ok).toBe(false);
  if (!plan.ok) expect(plan.reason).toMatch(/output "particles" comes from coarse and refine/);
});
