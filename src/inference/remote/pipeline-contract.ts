// The tensor contract of the model `relayout` (the whole pipeline as one Open Inference Protocol model),
// shared by the client and the reference server: names, datatypes, shapes, request parameters, limits,
// and the conversions between a RelayoutJob and tensors. Pure code; no fetch, Node or ORT.
import { BUILTIN_PALETTES, EditMaskOptions, LabelMap, Palette, RgbaImage } from '../../layout';
import { DETAILS, REFERENCE_LOOKS } from '../job';
import type { Detail, ReferenceLook, ReferenceSource, RelayoutJob } from '../job';
import { KserveDatatype, ModelMetadata, InferParameters, TensorMetadata, WireFormatError, WireTensor } from './kserve-wire';

/** The model name under which servers expose the whole pipeline. */
export const RELAYOUT_MODEL = 'relayout';
/** The most reference images one request may carry (inputs REFERENCE_IMAGE_1 … _4). */
export const MAX_REFERENCES = 4;

export interface PipelineTensorSpec {
  name: string;
  datatype: KserveDatatype;
  /** -1: any size. */
  shape: number[];
  optional: boolean;
  doc: string;
}

const referenceInputs: PipelineTensorSpec[] = [];
for (let k = 1; k <= MAX_REFERENCES; k++) {
  referenceInputs.push(
    { name: `REFERENCE_IMAGE_${k}`, datatype: 'UINT8', shape: [-1, -1, 4], optional: true, doc: `reference photo ${k}, RGBA 8-bit (any size)` },
    { name: `REFERENCE_LAYOUT_${k}`, datatype: 'UINT8', shape: [-1, -1], optional: true, doc: `layout of reference ${k}: palette label per pixel, same size as REFERENCE_IMAGE_${k}` },
  );
}

/**
 * Inputs of `relayout`. Images are row-major RGBA 8-bit [H,W,4] (a leading batch dimension of 1,
 * [1,H,W,4], is accepted too); layouts hold one palette label per pixel (0 = unlabeled, k = class k−1).
 */
export const RELAYOUT_INPUTS: readonly PipelineTensorSpec[] = [
  { name: 'IMAGE', datatype: 'UINT8', shape: [-1, -1, 4], optional: false, doc: 'the photo, RGBA 8-bit' },
  { name: 'ORIGINAL', datatype: 'UINT8', shape: [-1, -1], optional: false, doc: 'original layout, palette label per pixel' },
  { name: 'EDITED', datatype: 'UINT8', shape: [-1, -1], optional: false, doc: 'edited layout the output must follow' },
  { name: 'MASK', datatype: 'UINT8', shape: [-1, -1], optional: true, doc: 'extra region to regenerate (nonzero = regenerate), united with the layout changes' },
  { name: 'SEED', datatype: 'INT32', shape: [1], optional: false, doc: 'seed of every random choice (INT64 accepted too)' },
  ...referenceInputs,
];

/** Outputs of `relayout`. Their names differ from the inputs' so the model also fits a Triton ensemble. */
export const RELAYOUT_OUTPUTS: readonly PipelineTensorSpec[] = [
  { name: 'RESULT', datatype: 'UINT8', shape: [-1, -1, 4], optional: false, doc: 'the edited photo, RGBA 8-bit; outside the mask it equals IMAGE byte for byte' },
  { name: 'EDIT_MASK', datatype: 'UINT8', shape: [-1, -1], optional: false, doc: 'the edit mask as blend weight: 0 outside, 1..255 inside (feathered inward at its border)' },
];

/** Request parameters `relayout` understands (all optional). */
export const RELAYOUT_PARAMETERS: Readonly<Record<string, string>> = {
  palette: 'name of a built-in palette (ade20k, coco, cityscapes): names classes in error messages',
  dilate_fraction: 'mask dilation as a fraction of each changed region (default 0.1)',
  dilate_px: 'fixed mask dilation radius, px',
  feather_px: 'width of the blend ramp inside the mask border, px',
  detail: 'search detail on wide edits: standard (default) or fine (one pyramid level finer, slower)',
  reference_look: "what a reference lends looks like: matched (default: halfway to the photo's light) or own (its own colours)",
};

/** What a server accepts; our server advertises it in the model metadata's `parameters`. */
export interface PipelineLimits {
  /** Most pixels of any one image input (IMAGE or a reference). */
  maxPixels: number;
  /** Most bytes of one request body. */
  maxBodyBytes: number;
}

/** Thrown by the server-side decoder when an input exceeds a limit (answered with 413). */
export class LimitError extends WireFormatError {}

/** The model metadata a server reports for `relayout` (limits included when given). */
export function pipelineMetadata(limits?: PipelineLimits): ModelMetadata {
  const meta = (s: PipelineTensorSpec): TensorMetadata => ({ name: s.name, datatype: s.datatype, shape: [...s.shape] });
  return {
    name: RELAYOUT_MODEL,
    versions: ['1'],
    platform: 'relayout_pipeline',
    inputs: RELAYOUT_INPUTS.map(meta),
    outputs: RELAYOUT_OUTPUTS.map(meta),
    ...(limits ? { parameters: { max_pixels: limits.maxPixels, max_body_bytes: limits.maxBodyBytes, max_references: MAX_REFERENCES } } : {}),
  };
}

/** Error codes of the engine that mean "the request was wrong" (HTTP 400, Triton INVALID_ARG), not a server fault. */
export const REQUEST_ERROR_CODES: ReadonlySet<string> = new Set(['input', 'class-missing', 'size-mismatch', 'contract-mismatch', 'labels-off-palette', 'image-invalid', 'palette-invalid']);

/** The limits a server advertised, if it did (Triton and KServe do not: the client then uses its own setting). */
export function advertisedLimits(meta: ModelMetadata): Partial<PipelineLimits> {
  const p = meta.parameters ?? {};
  const out: Partial<PipelineLimits> = {};
  if (typeof p.max_pixels === 'number' && p.max_pixels > 0) out.maxPixels = p.max_pixels;
  if (typeof p.max_body_bytes === 'number' && p.max_body_bytes > 0) out.maxBodyBytes = p.max_body_bytes;
  return out;
}

// ---- client side: job → tensors ------------------------------------------------------------------

function imageTensor(name: string, img: RgbaImage): WireTensor {
  const data = img.data instanceof Uint8Array ? img.data : new Uint8Array(img.data.buffer, img.data.byteOffset, img.data.byteLength);
  return { name, datatype: 'UINT8', shape: [img.height, img.width, 4], data };
}

function labelTensor(name: string, map: LabelMap): WireTensor {
  return { name, datatype: 'UINT8', shape: [map.height, map.width], data: map.labels };
}

/** The inputs of one request for `job` (the caller crops the job first when it sends a tile). */
export function encodePipelineInputs(job: RelayoutJob): WireTensor[] {
  if (job.references.length > MAX_REFERENCES) {
    throw new WireFormatError(`at most ${MAX_REFERENCES} reference images fit in one request, got ${job.references.length}`);
  }
  const inputs: WireTensor[] = [
    imageTensor('IMAGE', job.image),
    labelTensor('ORIGINAL', job.original),
    labelTensor('EDITED', job.edited),
    { name: 'SEED', datatype: 'INT32', shape: [1], data: Int32Array.of(job.seed | 0) },
  ];
  if (job.extraMask) inputs.push({ name: 'MASK', datatype: 'UINT8', shape: [job.image.height, job.image.width], data: job.extraMask });
  job.references.forEach((r, i) => {
    inputs.push(imageTensor(`REFERENCE_IMAGE_${i + 1}`, r.image), labelTensor(`REFERENCE_LAYOUT_${i + 1}`, r.layout));
  });
  return inputs;
}

/** Request parameters for the palette (built-in ones only), the mask options, the detail and the reference look. */
export function encodePipelineParameters(paletteName: string | undefined, mask: EditMaskOptions | undefined, detail?: Detail, referenceLook?: ReferenceLook): InferParameters {
  const p: InferParameters = {};
  if (detail && detail !== 'standard') p.detail = detail;
  if (referenceLook && referenceLook !== 'matched') p.reference_look = referenceLook;
  if (paletteName && BUILTIN_PALETTES[paletteName]) p.palette = paletteName;
  if (mask?.dilateFraction !== undefined) p.dilate_fraction = mask.dilateFraction;
  if (mask?.dilatePx !== undefined) p.dilate_px = mask.dilatePx;
  if (mask?.featherPx !== undefined) p.feather_px = mask.featherPx;
  return p;
}

// ---- server side: tensors → job ------------------------------------------------------------------

/** A palette without class names: errors then say "label 12" instead of guessing a name. */
const UNNAMED_PALETTE: Palette = { name: 'unnamed', title: 'labels without names', classes: [] };

function sizeOf(t: WireTensor, channels: 4 | 1): { width: number; height: number } {
  let s = t.shape;
  if (s.length === (channels === 4 ? 4 : 3) && s[0] === 1) s = s.slice(1);
  const ok = channels === 4 ? s.length === 3 && s[2] === 4 : s.length === 2;
  if (!ok) {
    const want = channels === 4 ? '[H,W,4] or [1,H,W,4]' : '[H,W] or [1,H,W]';
    throw new WireFormatError(`input "${t.name}" must have shape ${want}, got [${t.shape.join(',')}]`, t.name);
  }
  const [height, width] = s;
  if (!width || !height) throw new WireFormatError(`input "${t.name}" is empty (shape [${t.shape.join(',')}])`, t.name);
  return { width, height };
}

function u8(t: WireTensor): Uint8Array {
  if (t.datatype !== 'UINT8') throw new WireFormatError(`input "${t.name}" must be UINT8, got ${t.datatype}`, t.name);
  return t.data as Uint8Array;
}

function megapixels(n: number): string {
  return `${(n / 1e6).toFixed(1)} MP`;
}

/** The 413 error of an image input over the server's pixel limit (the pipeline's and each stage's). */
export function pixelLimitError(name: string, width: number, height: number, maxPixels: number): LimitError {
  return new LimitError(`input "${name}" is ${width}×${height} = ${megapixels(width * height)}; this server accepts at most ${maxPixels} pixels (${megapixels(maxPixels)}) per image`, name);
}

function image(t: WireTensor, maxPixels: number): RgbaImage {
  const data = u8(t);
  const { width, height } = sizeOf(t, 4);
  if (width * height > maxPixels) throw pixelLimitError(t.name, width, height, maxPixels);
  return { width, height, data };
}

function labels(t: WireTensor, size: { width: number; height: number }, against: string): LabelMap {
  const data = u8(t);
  const { width, height } = sizeOf(t, 1);
  if (width !== size.width || height !== size.height) {
    throw new WireFormatError(`input "${t.name}" is ${width}×${height} but ${against} is ${size.width}×${size.height}`, t.name);
  }
  return { width, height, labels: data };
}

/** An optional parameter that must be one of `choices` (a WireFormatError names them otherwise). */
function choiceParam<T extends string>(params: InferParameters, name: string, choices: readonly T[]): T | undefined {
  const v = params[name];
  if (v === undefined) return undefined;
  if (!choices.includes(v as T)) throw new WireFormatError(`parameter "${name}" must be one of ${choices.join(', ')}, got ${JSON.stringify(v)}`);
  return v as T;
}

function numberParam(p: InferParameters, key: string, integer: boolean): number | undefined {
  const v = p[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || (integer && !Number.isInteger(v))) {
    throw new WireFormatError(`parameter "${key}" must be a non-negative ${integer ? 'integer' : 'number'}, got ${JSON.stringify(v)}`);
  }
  return v;
}

function seedOf(t: WireTensor): number {
  if (t.datatype !== 'INT32' && t.datatype !== 'INT64') throw new WireFormatError(`input "SEED" must be INT32 or INT64, got ${t.datatype}`, 'SEED');
  if (t.data.length !== 1) throw new WireFormatError(`input "SEED" must hold one value (shape [1]), got shape [${t.shape.join(',')}]`, 'SEED');
  return Number(BigInt.asIntN(32, BigInt(t.data[0] as number | bigint)));
}

/**
 * Checks the inputs and parameters of a `relayout` request and builds the job. Throws WireFormatError
 * naming the input (answer 400) or LimitError (answer 413).
 */
export function decodePipelineInputs(inputs: WireTensor[], params: InferParameters = {}, maxPixels = Infinity): { job: RelayoutJob; palette: Palette } {
  const byName = new Map(inputs.map((t) => [t.name, t] as const));
  for (const t of inputs) {
    if (!RELAYOUT_INPUTS.some((s) => s.name === t.name)) {
      throw new WireFormatError(`unknown input "${t.name}"; model "${RELAYOUT_MODEL}" takes ${RELAYOUT_INPUTS.filter((s) => !s.name.startsWith('REFERENCE_')).map((s) => s.name).join(', ')} and REFERENCE_IMAGE_k / REFERENCE_LAYOUT_k (k = 1…${MAX_REFERENCES})`, t.name);
    }
  }
  for (const s of RELAYOUT_INPUTS) {
    if (!s.optional && !byName.has(s.name)) throw new WireFormatError(`missing input "${s.name}" (${s.doc})`, s.name);
  }
  const photo = image(byName.get('IMAGE')!, maxPixels);
  const original = labels(byName.get('ORIGINAL')!, photo, 'IMAGE');
  const edited = labels(byName.get('EDITED')!, photo, 'IMAGE');
  const maskT = byName.get('MASK');
  let extraMask: Uint8Array | undefined;
  if (maskT) {
    const m = labels(maskT, photo, 'IMAGE').labels;
    extraMask = new Uint8Array(m.length);
    for (let i = 0; i < m.length; i++) extraMask[i] = m[i] ? 1 : 0;
  }
  const seed = seedOf(byName.get('SEED')!);
  const references: ReferenceSource[] = [];
  for (let k = 1; k <= MAX_REFERENCES; k++) {
    const ri = byName.get(`REFERENCE_IMAGE_${k}`);
    const rl = byName.get(`REFERENCE_LAYOUT_${k}`);
    if (!ri && !rl) continue;
    if (!ri || !rl) {
      const missing = ri ? `REFERENCE_LAYOUT_${k}` : `REFERENCE_IMAGE_${k}`;
      throw new WireFormatError(`input "${missing}" is missing: references come as REFERENCE_IMAGE_${k} with REFERENCE_LAYOUT_${k}`, missing);
    }
    const refImage = image(ri, maxPixels);
    references.push({ image: refImage, layout: labels(rl, refImage, ri.name) });
  }

  let palette = UNNAMED_PALETTE;
  if (params.palette !== undefined) {
    const p = typeof params.palette === 'string' ? BUILTIN_PALETTES[params.palette] : undefined;
    if (!p) throw new WireFormatError(`parameter "palette": unknown palette ${JSON.stringify(params.palette)}; this server knows ${Object.keys(BUILTIN_PALETTES).join(', ')}`);
    palette = p;
  }
  const dilateFraction = numberParam(params, 'dilate_fraction', false);
  const dilatePx = numberParam(params, 'dilate_px', true);
  const featherPx = numberParam(params, 'feather_px', true);
  const detail = choiceParam(params, 'detail', DETAILS);
  const referenceLook = choiceParam(params, 'reference_look', REFERENCE_LOOKS);
  const job: RelayoutJob = { image: photo, original, edited, extraMask, references, seed, maskOptions: { dilateFraction, dilatePx, featherPx }, detail, referenceLook };
  return { job, palette };
}

/** The outputs for a finished edit: the image and the mask's blend weight (0 outside the mask). */
export function encodePipelineOutputs(result: RgbaImage, maskAlpha: Uint8Array): WireTensor[] {
  return [
    imageTensor('RESULT', result),
    { name: 'EDIT_MASK', datatype: 'UINT8', shape: [result.height, result.width], data: maskAlpha },
  ];
}

// ---- client side: tensors → result ---------------------------------------------------------------

/** Reads RESULT and EDIT_MASK of a response, checking they have the size that was sent. */
export function decodePipelineOutputs(outputs: WireTensor[], size: { width: number; height: number }): { image: RgbaImage; maskAlpha: Uint8Array } {
  const find = (name: string): WireTensor => {
    const t = outputs.find((o) => o.name === name);
    if (!t) throw new WireFormatError(`the response has no output "${name}" (it has ${outputs.map((o) => o.name).join(', ') || 'none'})`, name);
    if (t.datatype !== 'UINT8') throw new WireFormatError(`output "${name}" is ${t.datatype}, expected UINT8`, name);
    return t;
  };
  const r = find('RESULT');
  const m = find('EDIT_MASK');
  const check = (t: WireTensor, channels: number): void => {
    const n = size.width * size.height * channels;
    if (t.data.length !== n) {
      throw new WireFormatError(`output "${t.name}" has shape [${t.shape.join(',')}]; expected ${size.height}×${size.width}${channels > 1 ? `×${channels}` : ''}`, t.name);
    }
  };
  check(r, 4);
  check(m, 1);
  return { image: { width: size.width, height: size.height, data: r.data as Uint8Array }, maskAlpha: m.data as Uint8Array };
}

// ---- "test connection": what differs between a server's model and this contract ----------------

export interface ContractDifference {
  /** The tensor concerned, or "model". */
  tensor: string;
  expected: string;
  actual: string;
  /** Optional inputs the server lacks only limit what can be sent (e.g. fewer references). */
  severity: 'error' | 'warning';
  message: string;
}

function dimsMatch(expected: number[], actual: number[]): boolean {
  return expected.length === actual.length && expected.every((d, i) => d === actual[i] || (d === -1 && actual[i] === -1));
}

function shapeText(s: readonly number[]): string {
  return `[${s.join(',')}]`;
}

function compareTensors(kind: 'input' | 'output', expected: readonly PipelineTensorSpec[], actual: TensorMetadata[], out: ContractDifference[]): void {
  for (const e of expected) {
    const a = actual.find((t) => t.name === e.name);
    if (!a) {
      out.push({
        tensor: e.name,
        expected: `${e.datatype} ${shapeText(e.shape)}`,
        actual: 'absent',
        severity: e.optional ? 'warning' : 'error',
        message: e.optional
          ? `optional ${kind} "${e.name}" is not offered by the server (requests that need it will fail)`
          : `${kind} "${e.name}" (${e.datatype} ${shapeText(e.shape)}) is missing on the server`,
      });
      continue;
    }
    if (a.datatype !== e.datatype) {
      out.push({ tensor: e.name, expected: e.datatype, actual: a.datatype, severity: 'error', message: `${kind} "${e.name}": datatype is ${a.datatype} on the server, this client uses ${e.datatype}` });
    }
    if (!dimsMatch(e.shape, a.shape)) {
      out.push({ tensor: e.name, expected: shapeText(e.shape), actual: shapeText(a.shape), severity: 'error', message: `${kind} "${e.name}": shape is ${shapeText(a.shape)} on the server, this client uses ${shapeText(e.shape)} (-1 = any size)` });
    }
  }
  for (const a of actual) {
    if (!expected.some((e) => e.name === a.name)) {
      out.push({
        tensor: a.name,
        expected: 'absent',
        actual: `${a.datatype} ${shapeText(a.shape)}`,
        severity: kind === 'input' ? 'error' : 'warning',
        message: kind === 'input'
          ? `the server's model takes input "${a.name}" (${a.datatype} ${shapeText(a.shape)}), which this client does not send`
          : `the server's model also returns "${a.name}", which this client ignores`,
      });
    }
  }
}

/** Every difference between a server's model metadata and the `relayout` contract, in plain words. */
export function diffPipelineMetadata(actual: ModelMetadata): ContractDifference[] {
  const out: ContractDifference[] = [];
  compareTensors('input', RELAYOUT_INPUTS, actual.inputs ?? [], out);
  compareTensors('output', RELAYOUT_OUTPUTS, actual.outputs ?? [], out);
  return out;
}
