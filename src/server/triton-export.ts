// Writes a Triton model repository from the stage catalog: models/<id>/model.onnx copied to <dir>/<id>/1/
// with a config.pbtxt derived from its contract.json (names, datatypes, dims), plus an ensemble when the
// stages form a fixed chain wired by tensor names. Today's engine drives its stages from a host loop, so
// the ensemble is reported as impossible with the reason. Node only.
import { copyFileSync, mkdirSync, writeFileSync } from 'fs';
import { join } from 'path';
import { TensorSpec } from '../../models/contract';
import { loadStageCatalog, protocolShape, StageEntry } from './model-catalog';

export type InstanceKind = 'gpu' | 'cpu' | 'auto';

/** Contract dtype → Triton model-configuration datatype. */
export const TRITON_DATATYPE: Readonly<Record<TensorSpec['dtype'], string>> = {
  float32: 'TYPE_FP32',
  int64: 'TYPE_INT64',
  int32: 'TYPE_INT32',
  bool: 'TYPE_BOOL',
};

const KIND: Record<InstanceKind, string> = { gpu: 'KIND_GPU', cpu: 'KIND_CPU', auto: 'KIND_AUTO' };

export interface TritonOptions {
  instanceKind: InstanceKind;
  instanceCount: number;
}

function tensorBlock(specs: { name: string; dtype: TensorSpec['dtype']; shape: TensorSpec['shape'] }[]): string {
  return specs
    .map((s) => `  {\n    name: "${s.name}"\n    data_type: ${TRITON_DATATYPE[s.dtype]}\n    dims: [ ${protocolShape(s.shape).join(', ')} ]\n  }`)
    .join(',\n');
}

/**
 * config.pbtxt of one stage. `max_batch_size: 0` because the graphs carry their own leading dims and
 * every request has its own image size (nothing to batch); dims are the full shapes with -1 for
 * symbolic dims.
 */
export function stageConfig(stage: StageEntry, opts: TritonOptions): string {
  const c = stage.contract;
  return [
    `# Relayout stage "${stage.id}": ${c.doc}`,
    `# Written by "relayout export-triton" from models/${stage.id}/contract.json (sha256 of model.onnx ${c.sha256}).`,
    `name: "${stage.id}"`,
    'backend: "onnxruntime"',
    'max_batch_size: 0',
    `input [\n${tensorBlock(c.inputs)}\n]`,
    `output [\n${tensorBlock(c.outputs)}\n]`,
    `instance_group [\n  {\n    count: ${opts.instanceCount}\n    kind: ${KIND[opts.instanceKind]}\n  }\n]`,
    '',
  ].join('\n');
}

export type EnsemblePlan =
  | { ok: true; name: string; config: string; steps: string[] }
  | { ok: false; reason: string };

/**
 * Tries to wire the stages into one Triton ensemble by tensor names: a stage input named like another
 * stage's output is fed by it; the remaining inputs are the ensemble's inputs, unconsumed outputs its
 * outputs. Possible only when every output name has one producer and all stages form one connected,
 * acyclic chain — i.e. when the pipeline needs no host code between stages.
 */
export function planEnsemble(stages: StageEntry[], name = 'relayout'): EnsemblePlan {
  if (stages.length < 2) return { ok: false, reason: 'fewer than two stages: nothing to chain' };
  const producers = new Map<string, StageEntry[]>();
  for (const s of stages) for (const o of s.contract.outputs) producers.set(o.name, [...(producers.get(o.name) ?? []), s]);
  const problems: string[] = [];
  for (const [tensor, ps] of producers) {
    if (ps.length > 1) problems.push(`output "${tensor}" comes from ${ps.map((p) => p.id).join(' and ')} (a stage that runs a variable number of times)`);
  }
  // Edges by name; find stages that connect to nothing.
  const feeds = new Map<string, Set<string>>(stages.map((s) => [s.id, new Set<string>()]));
  for (const s of stages) {
    for (const i of s.contract.inputs) {
      for (const p of producers.get(i.name) ?? []) if (p.id !== s.id) feeds.get(p.id)!.add(s.id);
    }
  }
  const linked = new Set<string>();
  for (const [from, tos] of feeds) if (tos.size) [from, ...tos].forEach((x) => linked.add(x));
  const loose = stages.filter((s) => !linked.has(s.id));
  if (loose.length) {
    problems.push(`stages ${loose.map((s) => s.id).join(', ')} take no tensor another stage returns (their inputs are prepared on the host)`);
  }
  const hostInputs = stages.flatMap((s) => s.contract.inputs.filter((i) => !producers.has(i.name)).map((i) => `${s.id}.${i.name}`));
  if (problems.length) {
    const total = stages.reduce((a, s) => a + s.contract.inputs.length, 0);
    return {
      ok: false,
      reason: `The engine drives its stages from a host loop: ${problems.join('; ')}; ${hostInputs.length} of the ${total} stage inputs are prepared on the host (e.g. ${hostInputs.slice(0, 4).join(', ')})`,
    };
  }

  // Topological order (Kahn); a cycle means it is not a chain.
  const indeg = new Map(stages.map((s) => [s.id, 0]));
  for (const tos of feeds.values()) for (const t of tos) indeg.set(t, indeg.get(t)! + 1);
  const order: StageEntry[] = [];
  const ready = stages.filter((s) => indeg.get(s.id) === 0);
  while (ready.length) {
    const s = ready.shift()!;
    order.push(s);
    for (const t of feeds.get(s.id)!) {
      indeg.set(t, indeg.get(t)! - 1);
      if (indeg.get(t) === 0) ready.push(stages.find((x) => x.id === t)!);
    }
  }
  if (order.length !== stages.length) return { ok: false, reason: 'the stages feed each other in a cycle' };

  // Ensemble inputs: stage inputs no stage produces (one spec per name, and they must agree).
  const inputs = new Map<string, TensorSpec>();
  for (const s of order) {
    for (const i of s.contract.inputs) {
      if (producers.has(i.name)) continue;
      const prev = inputs.get(i.name);
      if (prev && (prev.dtype !== i.dtype || protocolShape(prev.shape).join() !== protocolShape(i.shape).join())) {
        return { ok: false, reason: `input "${i.name}" has different types or shapes in different stages` };
      }
      inputs.set(i.name, i);
    }
  }
  const consumed = new Set(stages.flatMap((s) => s.contract.inputs.map((i) => i.name)));
  const outputs = stages.flatMap((s) => s.contract.outputs.filter((o) => !consumed.has(o.name)));
  const step = (s: StageEntry): string => {
    const maps = [
      ...s.contract.inputs.map((i) => `      input_map {\n        key: "${i.name}"\n        value: "${i.name}"\n      }`),
      ...s.contract.outputs.map((o) => `      output_map {\n        key: "${o.name}"\n        value: "${o.name}"\n      }`),
    ];
    return `    {\n      model_name: "${s.id}"\n      model_version: -1\n${maps.join('\n')}\n    }`;
  };
  const config = [
    `# The Relayout stages as one ensemble, wired by tensor names (written by "relayout export-triton").`,
    `name: "${name}"`,
    'platform: "ensemble"',
    'max_batch_size: 0',
    `input [\n${tensorBlock([...inputs.values()])}\n]`,
    `output [\n${tensorBlock(outputs)}\n]`,
    `ensemble_scheduling {\n  step [\n${order.map(step).join(',\n')}\n  ]\n}`,
    '',
  ].join('\n');
  return { ok: true, name, config, steps: order.map((s) => s.id) };
}

function repositoryReadme(stages: StageEntry[], ensemble: EnsemblePlan, opts: TritonOptions): string {
  return `# Relayout Triton model repository

Written by \`relayout export-triton\`. Start with \`tritonserver --model-repository=<this folder>\`.

Stage models (ONNX Runtime backend, \`max_batch_size: 0\`, ${opts.instanceCount} instance(s) of kind ${KIND[opts.instanceKind]}):
${stages.map((s) => `- \`${s.id}\`: ${s.contract.doc}`).join('\n')}

${ensemble.ok ? `The ensemble \`${ensemble.name}\` chains ${ensemble.steps.join(' → ')}.` : `**No ensemble for the whole pipeline.** ${ensemble.reason}.

Run the pipeline against this repository with the engine's host loop on the client:
\`relayout edit --backend remote-stages --endpoint http://<triton>:8000 ...\` (each graph run is one request).
A Triton Python-backend model \`relayout\` that ports the host loop and calls these models through BLS
would serve the whole pipeline in one request; it is not shipped (see the Relayout README).`}
`;
}

/** Writes the repository; returns what it wrote and whether an ensemble was possible. */
export function writeTritonRepository(dir: string, opts: TritonOptions & { modelsDir: string }): { models: string[]; ensemble: EnsemblePlan } {
  const stages = loadStageCatalog(opts.modelsDir);
  const written: string[] = [];
  for (const s of stages) {
    const modelDir = join(dir, s.id);
    mkdirSync(join(modelDir, '1'), { recursive: true });
    copyFileSync(s.modelPath, join(modelDir, '1', 'model.onnx'));
    writeFileSync(join(modelDir, 'config.pbtxt'), stageConfig(s, opts));
    written.push(join(modelDir, 'config.pbtxt'));
  }
  const ensemble = planEnsemble(stages);
  if (ensemble.ok) {
    const eDir = join(dir, ensemble.name);
    mkdirSync(join(eDir, '1'), { recursive: true });
    writeFileSync(join(eDir, 'config.pbtxt'), ensemble.config);
    written.push(join(eDir, 'config.pbtxt'));
  }
  writeFileSync(join(dir, 'README.md'), repositoryReadme(stages, ensemble, opts));
  return { models: written, ensemble };
}
