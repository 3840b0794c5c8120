// The Triton Python-backend model `relayout` that `relayout export-triton` writes: run as Triton's stub
// runs it (tests/triton/run_model.py loads model.py with a fake of triton_python_backend_utils shaped
// like the documented API), its BLS requests reach the real reference server on loopback, which serves
// the same stage models. An edit through it equals the engine's host loop with every graph on that server
// (`--backend remote-stages`) byte for byte; bad requests, a missing class and cancellation come back as
// Triton errors; the config agrees with the pipeline contract. Needs python3 with NumPy (CI installs them).
import { spawn, spawnSync } from 'child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { ADE20K } from '../../src/layout';
import { diffPipelineMetadata, encodePipelineInputs, KserveClient, ModelMetadata, RELAYOUT_INPUTS, RELAYOUT_OUTPUTS, RemoteStageRunner, runEdit, WireTensor } from '../../src/inference';
import { defaultModelsDir } from '../../src/server/model-catalog';
import { writeTritonRepository } from '../../src/server/triton-export';
import { encodeFrame, FrameReader, PipeFrame } from '../../src/server/triton-pipe';
import { parsePbtxt, Pb } from './pbtxt';
import { skyWaterJob, TREE } from './scene';
import { ROOT, ServerProcess, startServer } from './server-process';

const HARNESS = join(ROOT, 'tests', 'triton', 'run_model.py');
const TRITON_CODES = { INVALID_ARG: 3, CANCELLED: 7 };

let server: ServerProcess;
let repo: string;
let python: string;

/** The first Python 3 that imports NumPy: $RELAYOUT_PYTHON, python3 on the PATH, then Debian's. */
function pythonWithNumpy(): string {
  const candidates = [process.env.RELAYOUT_PYTHON, 'python3', '/usr/bin/python3'].filter((c): c is string => !!c);
  for (const c of candidates) if (spawnSync(c, ['-c', 'import numpy']).status === 0) return c;
  throw new Error(`these tests need Python 3 with NumPy (apt-get install python3-numpy); tried ${candidates.join(', ')}`);
}

beforeAll(async () => {
  python = pythonWithNumpy();
  repo = mkdtempSync(join(tmpdir(), 'relayout-triton-model-'));
  writeTritonRepository(repo, { modelsDir: defaultModelsDir(), instanceKind: 'cpu', instanceCount: 1 });
  server = await startServer();
}, 60_000);

afterAll(async () => {
  await server?.stop();
});

interface Answer {
  frames: PipeFrame[];
  report: { hostExit: number | null; cancelChecks: number[] };
}

/** Sends the requests (one execute() call) through the exported model; returns its responses. */
async function runModel(requests: { inputs: WireTensor[]; parameters?: Record<string, string | number | boolean> }[], extra: string[] = []): Promise<Answer> {
  const dir = mkdtempSync(join(tmpdir(), 'relayout-triton-run-'));
  const reqPath = join(dir, 'requests.bin'), resPath = join(dir, 'responses.bin');
  writeFileSync(reqPath, Buffer.concat(requests.map((r) => encodeFrame({ type: 'edit', parameters: r.parameters ?? {} }, r.inputs))));
  // Not spawnSync: the server's log must keep flowing into server.lines meanwhile.
  const proc = spawn(python, [HARNESS, join(repo, 'relayout'), reqPath, resPath, ...extra], {
    env: { ...process.env, RELAYOUT_BLS_ENDPOINT: server.url, NODE_BINARY: process.execPath },
  });
  let stdout = '', stderr = '';
  proc.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
  proc.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  const status = await new Promise<number | null>((resolve) => proc.on('exit', resolve));
  if (status !== 0) throw new Error(`run_model.py exited ${status}:\n${stderr}`);
  const frames = new FrameReader().push(new Uint8Array(readFileSync(resPath)));
  return { frames, report: JSON.parse(stdout.trim().split('\n').pop()!) };
}

function tensorOf(frame: PipeFrame, name: string): WireTensor {
  const t = frame.tensors.find((x) => x.name === name);
  if (!t) throw new Error(`no output ${name} in ${JSON.stringify(frame.header)}`);
  return t;
}

test('an edit through the Python-backend model equals the host loop with every graph on the server, byte for byte', async () => {
  const job = skyWaterJob(96, 64, 5);
  const logged = server.lines.length;
  const { frames, report } = await runModel([{ inputs: encodePipelineInputs(job), parameters: { palette: 'ade20k' } }]);
  expect(frames).toHaveLength(1);
  expect(frames[0].header.error).toBeUndefined();
  const result = tensorOf(frames[0], 'RESULT'), mask = tensorOf(frames[0], 'EDIT_MASK');
  expect(result.datatype).toBe('UINT8');
  expect(result.shape).toEqual([64, 96, 4]);
  expect(frames[0].header.parameters).toMatchObject({ unchanged: false });
  // Every graph ran as a BLS request on the server (one log line each), the pipeline model never.
  const bls = server.lines.slice(logged).filter((l) => / POST \/v2\/models\/[\w-]+\/infer 200 /.test(l));
  expect(bls.some((l) => l.includes('/v2/models/coarse-attention/infer'))).toBe(true);
  expect(bls.some((l) => l.includes('/v2/models/harmonize/infer'))).toBe(true);
  expect(bls.some((l) => l.includes('/v2/models/relayout/'))).toBe(false);

  const staged = await runEdit(job, ADE20K, { runner: new RemoteStageRunner(new KserveClient({ endpoint: server.url })) });
  expect(Buffer.from(result.data as Uint8Array).equals(Buffer.from(staged.image.data))).toBe(true);
  expect(Buffer.from(mask.data as Uint8Array).equals(Buffer.from(staged.mask.alpha))).toBe(true);
  // It did regenerate something, and left the rest alone.
  let changed = 0, outside = 0;
  for (let i = 0; i < 96 * 64; i++) {
    const differs = [0, 1, 2].some((c) => result.data[i * 4 + c] !== job.image.data[i * 4 + c]);
    if (differs && staged.mask.alpha[i]) changed++;
    if (differs && !staged.mask.alpha[i]) outside++;
  }
  expect(changed).toBeGreaterThan(100);
  expect(outside).toBe(0);
  expect(report.hostExit).toBe(0);
}, 120_000);

test('one response per request, in order: bad requests and a missing class are INVALID_ARG with the reason', async () => {
  const good = skyWaterJob(48, 32, 1);
  const wrongSize = encodePipelineInputs(good).map((t) => (t.name === 'ORIGINAL' ? { ...t, shape: [16, 48], data: (t.data as Uint8Array).subarray(0, 16 * 48) } : t));
  const tree = skyWaterJob(48, 32, 1);
  tree.edited.labels.fill(TREE, 0, 48 * 4);
  const { frames } = await runModel([{ inputs: wrongSize }, { inputs: encodePipelineInputs(tree), parameters: { palette: 'ade20k' } }, { inputs: encodePipelineInputs(good) }]);
  expect(frames).toHaveLength(3);
  expect(frames[0].header.error).toEqual({ code: TRITON_CODES.INVALID_ARG, message: expect.stringMatching(/"ORIGINAL" is 48×16 but IMAGE is 48×32/) });
  expect(frames[1].header.error).toEqual({ code: TRITON_CODES.INVALID_ARG, message: expect.stringMatching(/No source image contains "tree"/) });
  expect(frames[2].header.error).toBeUndefined();
  expect(tensorOf(frames[2], 'RESULT').shape).toEqual([32, 48, 4]);
}, 120_000);

test('a request cancelled mid-edit stops at the next stage and answers CANCELLED; the host survives for the next one', async () => {
  const job = skyWaterJob(48, 32, 2);
  const { frames, report } = await runModel([{ inputs: encodePipelineInputs(job) }, { inputs: encodePipelineInputs(job) }], ['--cancel-after', '2']);
  expect(frames[0].header.error).toEqual({ code: TRITON_CODES.CANCELLED, message: expect.stringMatching(/cancelled/) });
  // Checked before each stage: two stages ran, the third was refused.
  expect(report.cancelChecks[0]).toBe(3);
  expect(frames[1].header.error).toEqual({ code: TRITON_CODES.CANCELLED, message: expect.any(String) });
  expect(report.hostExit).toBe(0);
}, 120_000);

test('config.pbtxt of `relayout` is the pipeline contract: names, datatypes, dims, optional inputs; a python model of its own', () => {
  const config = parsePbtxt(readFileSync(join(repo, 'relayout', 'config.pbtxt'), 'utf8'));
  expect(config.name).toEqual(['relayout']);
  expect(config.backend).toEqual(['python']);
  expect(config.max_batch_size).toEqual([0]);
  const rows = (list: Pb[]) => list.map((t) => ({ name: t.name[0], type: t.data_type[0], dims: t.dims[0], optional: t.optional?.[0] === 'true' }));
  const want = (specs: typeof RELAYOUT_INPUTS) => specs.map((s) => ({ name: s.name, type: `TYPE_${s.datatype}`, dims: s.shape, optional: s.optional }));
  expect(rows(config.input as Pb[])).toEqual(want(RELAYOUT_INPUTS));
  expect(rows(config.output as Pb[])).toEqual(want(RELAYOUT_OUTPUTS));
  const stages = JSON.parse(readFileSync(join(repo, 'relayout', '1', 'stages.json'), 'utf8')) as Record<string, string[]>;
  expect(stages['coarse-attention']).toEqual(['particles', 'scores']);
  // What Triton's model metadata endpoint reports for this config (datatypes without TYPE_) passes the
  // client's "Test connection" without a difference.
  const meta = (list: Pb[]) => list.map((t) => ({ name: String(t.name[0]), datatype: String(t.data_type[0]).replace(/^TYPE_/, ''), shape: t.dims[0] as number[] }));
  const metadata: ModelMetadata = { name: 'relayout', versions: ['1'], platform: 'python', inputs: meta(config.input as Pb[]), outputs: meta(config.output as Pb[]) };
  expect(diffPipelineMetadata(metadata)).toEqual([]);
});
