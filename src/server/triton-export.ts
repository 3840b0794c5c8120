// Writes a Triton model repository from the stage catalog: models/<id>/model.onnx copied to <dir>/<id>/1/
// with a config.pbtxt derived from its contract.json (names, datatypes, dims), plus the whole pipeline as
// the model `relayout`: an ensemble when the stages form a fixed chain wired by tensor names, otherwise
// (today's engine, which drives its stages from a host loop) a Python-backend model that runs the host
// loop through BLS (src/server/triton/model.py with the Node host triton-host.ts). Node only.
import { builtinModules } from 'module';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'fs';
import { dirname, join, relative, resolve } from 'path';
import { TensorSpec } from '../../models/contract';
import { packageRoot } from '../cli/package-root';
import { PipelineTensorSpec, RELAYOUT_INPUTS, RELAYOUT_MODEL, RELAYOUT_OUTPUTS } from '../inference/remote/pipeline-contract';
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

interface ConfigTensor {
  name: string;
  /** Triton's model-configuration datatype, e.g. TYPE_FP32. */
  dataType: string;
  dims: readonly number[];
  optional?: boolean;
}

function tensorBlock(rows: readonly ConfigTensor[]): string {
  return rows
    .map((t) => `  {\n    name: "${t.name}"\n    data_type: ${t.dataType}\n    dims: [ ${t.dims.join(', ')} ]${t.optional ? '\n    optional: true' : ''}\n  }`)
    .join(',\n');
}

/** A stage contract's tensors as config rows (-1 for symbolic dims). */
function contractRows(specs: readonly { name: string; dtype: TensorSpec['dtype']; shape: TensorSpec['shape'] }[]): ConfigTensor[] {
  return specs.map((s) => ({ name: s.name, dataType: TRITON_DATATYPE[s.dtype], dims: protocolShape(s.shape) }));
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
    `input [\n${tensorBlock(contractRows(c.inputs))}\n]`,
    `output [\n${tensorBlock(contractRows(c.outputs))}\n]`,
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
    `input [\n${tensorBlock(contractRows([...inputs.values()]))}\n]`,
    `output [\n${tensorBlock(contractRows(outputs))}\n]`,
    `ensemble_scheduling {\n  step [\n${order.map(step).join(',\n')}\n  ]\n}`,
    '',
  ].join('\n');
  return { ok: true, name, config, steps: order.map((s) => s.id) };
}

/** The pipeline contract's tensors as config rows (Triton's type names are TYPE_ + the protocol's). */
function pipelineRows(specs: readonly PipelineTensorSpec[]): ConfigTensor[] {
  return specs.map((s) => ({ name: s.name, dataType: `TYPE_${s.datatype}`, dims: s.shape, optional: s.optional }));
}

/**
 * config.pbtxt of the Python-backend model `relayout`: the pipeline contract's inputs and outputs. Its
 * instances run the host loop on the CPU (KIND_CPU); the stage models it calls use the GPU.
 */
export function pipelineModelConfig(opts: TritonOptions): string {
  return [
    '# The whole Relayout pipeline in one request (written by "relayout export-triton"): model.py runs the',
    "# engine's host loop in its Node host (host/) and every stage graph as a BLS request to the stage models.",
    `name: "${RELAYOUT_MODEL}"`,
    'backend: "python"',
    'max_batch_size: 0',
    `input [\n${tensorBlock(pipelineRows(RELAYOUT_INPUTS))}\n]`,
    `output [\n${tensorBlock(pipelineRows(RELAYOUT_OUTPUTS))}\n]`,
    `instance_group [\n  {\n    count: ${opts.instanceCount}\n    kind: KIND_CPU\n  }\n]`,
    'parameters: {\n  key: "NODE"\n  value: { string_value: "node" }\n}',
    'parameters: {\n  key: "STAGE_PREFIX"\n  value: { string_value: "" }\n}',
    '',
  ].join('\n');
}

/**
 * The compiled modules `entry` needs, found by following its relative require() calls (paths relative to
 * `root`). A package import would not exist beside model.py, so it is an error.
 */
export function requireClosure(entry: string, root: string): string[] {
  const seen = new Set<string>();
  const todo = [resolve(entry)];
  while (todo.length) {
    const file = todo.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    if (!file.endsWith('.js')) continue;
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/require\("([^"]+)"\)/g)) {
      const spec = m[1];
      if (!spec.startsWith('.')) {
        if (builtinModules.includes(spec.replace(/^node:/, ''))) continue;
        throw new Error(`${relative(root, file)} imports the package "${spec}", which the Triton host cannot load`);
      }
      const base = resolve(dirname(file), spec);
      const found = [base, `${base}.js`, `${base}.json`, join(base, 'index.js')].find((c) => (c.endsWith('.js') || c.endsWith('.json')) && existsSync(c));
      if (!found) throw new Error(`${relative(root, file)}: cannot resolve "${spec}"`);
      todo.push(found);
    }
  }
  return [...seen].map((f) => relative(root, f)).sort();
}

/** Writes <dir>/relayout: config.pbtxt, and in 1/ model.py, relayout_wire.py, stages.json and host/. */
function writePipelineModel(dir: string, stages: StageEntry[], opts: TritonOptions): string {
  const root = packageRoot();
  const build = join(root, 'build');
  const entry = join(build, 'src', 'server', 'triton-host.js');
  if (!existsSync(entry)) throw new Error(`${relative(root, entry)} is missing: build the CLI first (npm run build:node)`);
  const modelDir = join(dir, RELAYOUT_MODEL);
  const version = join(modelDir, '1');
  mkdirSync(version, { recursive: true });
  for (const f of ['model.py', 'relayout_wire.py']) copyFileSync(join(root, 'src', 'server', 'triton', f), join(version, f));
  const outputs = Object.fromEntries(stages.map((s) => [s.id, s.contract.outputs.map((o) => o.name)]));
  writeFileSync(join(version, 'stages.json'), `${JSON.stringify(outputs, null, 2)}\n`);
  for (const rel of requireClosure(entry, build)) {
    const to = join(version, 'host', rel);
    mkdirSync(dirname(to), { recursive: true });
    copyFileSync(join(build, rel), to);
  }
  // Compiled files are CommonJS whatever the package says; a package.json here keeps them so.
  writeFileSync(join(version, 'host', 'package.json'), '{ "type": "commonjs" }\n');
  const config = join(modelDir, 'config.pbtxt');
  writeFileSync(config, pipelineModelConfig(opts));
  return config;
}

function repositoryReadme(stages: StageEntry[], ensemble: EnsemblePlan, opts: TritonOptions): string {
  return `# Relayout Triton model repository

Written by \`relayout export-triton\`. Start with \`tritonserver --model-repository=<this folder>\`.

Stage models (ONNX Runtime backend, \`max_batch_size: 0\`, ${opts.instanceCount} instance(s) of kind ${KIND[opts.instanceKind]}):
${stages.map((s) => `- \`${s.id}\`: ${s.contract.doc}`).join('\n')}

${ensemble.ok ? `The ensemble \`${ensemble.name}\` chains ${ensemble.steps.join(' → ')}.` : `The whole pipeline is the Python-backend model \`${RELAYOUT_MODEL}\` (inputs and outputs as relayout-server's
model of that name): \`${RELAYOUT_MODEL}/1/model.py\` runs the engine's host loop in its Node host
(\`${RELAYOUT_MODEL}/1/host/\`, plain JavaScript) and every stage graph as a BLS request to the stage models above.
It needs Node.js 18 or later in the Triton image (\`apt-get install nodejs\` on an Ubuntu 24.04-based
tritonserver image; on older ones copy in a Node release binary and set the config parameter \`NODE\` to it).
Clients: \`relayout edit --backend remote --endpoint http://<triton>:8000 ...\`, or \`--backend remote-stages\`
to run the host loop on the client instead (one request per graph).

Why not an ensemble: ${ensemble.reason}.`}
`;
}

/** Writes the repository; returns the configs it wrote and whether the pipeline is an ensemble. */
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
  } else {
    written.push(writePipelineModel(dir, stages, opts));
  }
  writeFileSync(join(dir, 'README.md'), repositoryReadme(stages, ensemble, opts));
  return { models: written, ensemble };
}
