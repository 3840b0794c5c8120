// The Open Inference Protocol (KServe v2 REST) wire format: tensor datatypes, inference request and
// response bodies in JSON and with the binary tensor data extension. Shared by the client and the
// reference server. Pure code over typed arrays: no fetch, no Node, no ORT.
import { utf8Decode, utf8Encode } from '../../layout/utf8';

/** Tensor element types of the protocol (BYTES, variable-size strings, is not used by Relayout). */
export type KserveDatatype =
  | 'BOOL' | 'UINT8' | 'UINT16' | 'UINT32' | 'UINT64'
  | 'INT8' | 'INT16' | 'INT32' | 'INT64'
  | 'FP16' | 'FP32' | 'FP64';

/** Bytes per element of each datatype. */
export const DATATYPE_BYTES: Readonly<Record<KserveDatatype, number>> = {
  BOOL: 1, UINT8: 1, UINT16: 2, UINT32: 4, UINT64: 8,
  INT8: 1, INT16: 2, INT32: 4, INT64: 8,
  FP16: 2, FP32: 4, FP64: 8,
};

export type TensorData =
  | Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array | Int32Array
  | BigUint64Array | BigInt64Array | Float32Array | Float64Array;

/** One tensor as it travels: name, protocol datatype, shape, row-major little-endian data. */
export interface WireTensor {
  name: string;
  datatype: KserveDatatype;
  shape: number[];
  data: TensorData;
}

export type ParameterValue = string | number | boolean;
export type InferParameters = Record<string, ParameterValue>;

/** `$metadata_tensor`: shape uses -1 for a variable-size dimension. */
export interface TensorMetadata {
  name: string;
  datatype: string;
  shape: number[];
}

/** `$metadata_model_response`, plus the optional `parameters` object this server adds (its limits). */
export interface ModelMetadata {
  name: string;
  versions?: string[];
  platform: string;
  inputs: TensorMetadata[];
  outputs: TensorMetadata[];
  parameters?: InferParameters;
}

/** `$metadata_server_response`. */
export interface ServerMetadata {
  name: string;
  version: string;
  extensions: string[];
}

interface RequestInputJson {
  name: string;
  shape: number[];
  datatype: string;
  parameters?: InferParameters;
  data?: unknown[];
}

export interface RequestedOutput {
  name: string;
  /** Ask for the binary extension for this output. */
  binary: boolean;
}

export interface InferRequest {
  id?: string;
  parameters?: InferParameters;
  inputs: WireTensor[];
  /** Omitted: every output of the model, in the server's default form. */
  outputs?: RequestedOutput[];
}

export interface InferResponse {
  model_name: string;
  model_version?: string;
  id?: string;
  parameters?: InferParameters;
  outputs: WireTensor[];
}

/** A body on the wire: the bytes and, when binary tensors follow the JSON, the JSON's length. */
export interface EncodedBody {
  body: Uint8Array;
  /** Value of the Inference-Header-Content-Length header; null when the body is plain JSON. */
  headerLength: number | null;
}

export const HEADER_LENGTH_HEADER = 'Inference-Header-Content-Length';

/**
 * A body that does not follow the protocol or the model's contract. `tensor` names the offending input
 * (or output), so a server can answer 400 naming it and a client can say what the server sent wrong.
 */
export class WireFormatError extends Error {
  constructor(message: string, readonly tensor?: string) {
    super(message);
    this.name = 'WireFormatError';
  }
}

export function isDatatype(s: unknown): s is KserveDatatype {
  return typeof s === 'string' && Object.prototype.hasOwnProperty.call(DATATYPE_BYTES, s);
}

export function elementCount(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** An empty typed array of the datatype's element type holding `n` elements. */
export function allocate(datatype: KserveDatatype, n: number): TensorData {
  switch (datatype) {
    case 'BOOL':
    case 'UINT8': return new Uint8Array(n);
    case 'INT8': return new Int8Array(n);
    case 'UINT16':
    case 'FP16': return new Uint16Array(n); // FP16 stays raw half-float bits
    case 'INT16': return new Int16Array(n);
    case 'UINT32': return new Uint32Array(n);
    case 'INT32': return new Int32Array(n);
    case 'UINT64': return new BigUint64Array(n);
    case 'INT64': return new BigInt64Array(n);
    case 'FP32': return new Float32Array(n);
    case 'FP64': return new Float64Array(n);
  }
}

/** Views `bytes` (copied when unaligned) as the datatype's typed array. */
export function viewAs(datatype: KserveDatatype, bytes: Uint8Array): TensorData {
  const size = DATATYPE_BYTES[datatype];
  const aligned = bytes.byteOffset % size === 0 ? bytes : bytes.slice();
  const n = aligned.byteLength / size;
  const out = allocate(datatype, 0);
  const Ctor = out.constructor as new (buf: ArrayBufferLike, offset: number, length: number) => TensorData;
  return new Ctor(aligned.buffer, aligned.byteOffset, n);
}

/** The bytes of a typed array (a view, no copy). */
export function bytesOf(data: TensorData): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

function checkShape(shape: unknown, what: string, tensor: string): number[] {
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new WireFormatError(`${what} "${tensor}": "shape" must be an array of non-negative integers`, tensor);
  }
  return shape as number[];
}

function flatten(data: unknown[], out: unknown[] = []): unknown[] {
  for (const v of data) {
    if (Array.isArray(v)) flatten(v, out);
    else out.push(v);
  }
  return out;
}

const INTEGER_RANGE: Partial<Record<KserveDatatype, [number, number]>> = {
  UINT8: [0, 255], UINT16: [0, 65535], UINT32: [0, 4294967295], UINT64: [0, Number.MAX_SAFE_INTEGER],
  INT8: [-128, 127], INT16: [-32768, 32767], INT32: [-2147483648, 2147483647],
  INT64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
};

/** JSON `data` (possibly nested) → typed array, checking count and element kinds. */
function fromJsonData(datatype: KserveDatatype, shape: number[], data: unknown[], what: string, name: string): TensorData {
  const flat = flatten(data);
  const n = elementCount(shape);
  if (flat.length !== n) {
    throw new WireFormatError(`${what} "${name}": "data" holds ${flat.length} elements but shape [${shape.join(',')}] needs ${n}`, name);
  }
  if (datatype === 'FP16') throw new WireFormatError(`${what} "${name}": FP16 data must use the binary extension`, name);
  const out = allocate(datatype, n);
  for (let i = 0; i < n; i++) {
    const v = flat[i];
    if (datatype === 'BOOL') {
      if (typeof v !== 'boolean') throw new WireFormatError(`${what} "${name}": element ${i} is not a boolean`, name);
      (out as Uint8Array)[i] = v ? 1 : 0;
    } else {
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new WireFormatError(`${what} "${name}": element ${i} is not a finite number`, name);
      const range = INTEGER_RANGE[datatype];
      if (range && (!Number.isInteger(v) || v < range[0] || v > range[1])) {
        throw new WireFormatError(`${what} "${name}": element ${i} (${v}) is not a ${datatype} value`, name);
      }
      if (out instanceof BigInt64Array || out instanceof BigUint64Array) out[i] = BigInt(v);
      else (out as Float64Array)[i] = v;
    }
  }
  return out;
}

function toJsonData(t: WireTensor): (number | boolean)[] {
  if (t.datatype === 'FP16') throw new WireFormatError(`tensor "${t.name}": FP16 data must use the binary extension`, t.name);
  const out: (number | boolean)[] = new Array(t.data.length);
  for (let i = 0; i < t.data.length; i++) {
    const v = t.data[i];
    out[i] = t.datatype === 'BOOL' ? v !== 0 : Number(v);
  }
  return out;
}


function joinBody(header: unknown, binaries: Uint8Array[]): EncodedBody {
  const json = utf8Encode(JSON.stringify(header));
  if (!binaries.length) return { body: json, headerLength: null };
  const total = binaries.reduce((a, b) => a + b.byteLength, json.byteLength);
  const body = new Uint8Array(total);
  body.set(json, 0);
  let offset = json.byteLength;
  for (const b of binaries) {
    body.set(b, offset);
    offset += b.byteLength;
  }
  return { body, headerLength: json.byteLength };
}

/** Splits a body into its JSON object and the binary section that follows it. */
function splitBody(body: Uint8Array, headerLength: number | null): { json: unknown; binary: Uint8Array } {
  let jsonBytes = body;
  let binary: Uint8Array = new Uint8Array(0);
  if (headerLength !== null) {
    if (!Number.isInteger(headerLength) || headerLength < 0 || headerLength > body.byteLength) {
      throw new WireFormatError(`${HEADER_LENGTH_HEADER} is ${headerLength} but the body holds ${body.byteLength} bytes`);
    }
    jsonBytes = body.subarray(0, headerLength);
    binary = body.subarray(headerLength);
  }
  let json: unknown;
  try {
    json = JSON.parse(utf8Decode(jsonBytes));
  } catch (err) {
    throw new WireFormatError(`the body's JSON object is not valid JSON (${(err as Error).message})${headerLength === null && body.some((b) => b === 0) ? `; binary tensors need the ${HEADER_LENGTH_HEADER} header` : ''}`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new WireFormatError('the body must be a JSON object');
  return { json, binary };
}

/** Reads the tensors of a request (`inputs`) or response (`outputs`), binary or JSON, checking byte counts. */
function readTensors(list: unknown, binary: Uint8Array, what: 'input' | 'output'): WireTensor[] {
  if (!Array.isArray(list)) throw new WireFormatError(`"${what}s" must be an array`);
  const out: WireTensor[] = [];
  const seen = new Set<string>();
  let offset = 0;
  for (const raw of list) {
    const t = raw as RequestInputJson;
    if (typeof t !== 'object' || t === null || typeof t.name !== 'string') throw new WireFormatError(`every ${what} needs a string "name"`);
    const name = t.name;
    if (seen.has(name)) throw new WireFormatError(`${what} "${name}" is given twice`, name);
    seen.add(name);
    if (!isDatatype(t.datatype)) throw new WireFormatError(`${what} "${name}": unknown datatype ${JSON.stringify(t.datatype)}`, name);
    const shape = checkShape(t.shape, what, name);
    const size = t.parameters?.binary_data_size;
    if (size !== undefined) {
      const need = elementCount(shape) * DATATYPE_BYTES[t.datatype];
      if (!Number.isInteger(size) || (size as number) < 0) throw new WireFormatError(`${what} "${name}": binary_data_size must be a non-negative integer`, name);
      if (size !== need) {
        throw new WireFormatError(`${what} "${name}": binary_data_size is ${size} bytes but shape [${shape.join(',')}] of ${t.datatype} needs ${need}`, name);
      }
      if (offset + need > binary.byteLength) {
        throw new WireFormatError(`${what} "${name}": the binary section ends after ${binary.byteLength - offset} of its ${need} bytes`, name);
      }
      out.push({ name, datatype: t.datatype, shape, data: viewAs(t.datatype, binary.subarray(offset, offset + need)) });
      offset += need;
    } else {
      if (!Array.isArray(t.data)) throw new WireFormatError(`${what} "${name}" has neither "data" nor a binary_data_size parameter`, name);
      out.push({ name, datatype: t.datatype, shape, data: fromJsonData(t.datatype, shape, t.data, what, name) });
    }
  }
  if (offset !== binary.byteLength) {
    throw new WireFormatError(`the body holds ${binary.byteLength} bytes of binary tensor data but the ${what}s declare ${offset}`);
  }
  return out;
}

function checkParameters(p: unknown, where: string): InferParameters | undefined {
  if (p === undefined) return undefined;
  if (typeof p !== 'object' || p === null || Array.isArray(p)) throw new WireFormatError(`${where} "parameters" must be an object`);
  for (const [k, v] of Object.entries(p)) {
    if (!['string', 'number', 'boolean'].includes(typeof v)) throw new WireFormatError(`${where} parameter "${k}" must be a string, number or boolean`);
  }
  return p as InferParameters;
}

/** Client side: a request with every input in binary (images never travel as JSON number arrays). */
export function encodeInferRequest(req: InferRequest): EncodedBody {
  const header = {
    ...(req.id !== undefined ? { id: req.id } : {}),
    ...(req.parameters ? { parameters: req.parameters } : {}),
    inputs: req.inputs.map((t) => ({
      name: t.name,
      shape: t.shape,
      datatype: t.datatype,
      parameters: { binary_data_size: t.data.byteLength },
    })),
    ...(req.outputs ? { outputs: req.outputs.map((o) => ({ name: o.name, parameters: { binary_data: o.binary } })) } : {}),
  };
  return joinBody(header, req.inputs.map((t) => bytesOf(t.data)));
}

/** Server side: parses and checks a request body (JSON or binary extension). Throws WireFormatError. */
export function decodeInferRequest(body: Uint8Array, headerLength: number | null): InferRequest & { binaryOutputDefault: boolean } {
  const { json, binary } = splitBody(body, headerLength);
  const h = json as { id?: unknown; parameters?: unknown; inputs?: unknown; outputs?: unknown };
  if (h.id !== undefined && typeof h.id !== 'string') throw new WireFormatError('"id" must be a string');
  const parameters = checkParameters(h.parameters, 'request');
  const inputs = readTensors(h.inputs, binary, 'input');
  let outputs: RequestedOutput[] | undefined;
  const binaryOutputDefault = parameters?.binary_data_output === true;
  if (h.outputs !== undefined) {
    if (!Array.isArray(h.outputs)) throw new WireFormatError('"outputs" must be an array');
    outputs = h.outputs.map((o: { name?: unknown; parameters?: unknown }) => {
      if (typeof o !== 'object' || o === null || typeof o.name !== 'string') throw new WireFormatError('every requested output needs a string "name"');
      const p = checkParameters(o.parameters, `output "${o.name}"`);
      const flag = p?.binary_data;
      return { name: o.name, binary: typeof flag === 'boolean' ? flag : binaryOutputDefault };
    });
  }
  return { id: h.id as string | undefined, parameters, inputs, outputs, binaryOutputDefault };
}

/** Server side: outputs named in `binary` travel in the binary section, the rest as JSON. */
export function encodeInferResponse(res: InferResponse, binary: (name: string) => boolean): EncodedBody {
  const binaries: Uint8Array[] = [];
  const outputs = res.outputs.map((t) => {
    if (binary(t.name)) {
      binaries.push(bytesOf(t.data));
      return { name: t.name, shape: t.shape, datatype: t.datatype, parameters: { binary_data_size: t.data.byteLength } };
    }
    return { name: t.name, shape: t.shape, datatype: t.datatype, data: toJsonData(t) };
  });
  const header = {
    model_name: res.model_name,
    ...(res.model_version !== undefined ? { model_version: res.model_version } : {}),
    ...(res.id !== undefined ? { id: res.id } : {}),
    ...(res.parameters ? { parameters: res.parameters } : {}),
    outputs,
  };
  return joinBody(header, binaries);
}

/** Client side: parses a response body. Throws WireFormatError when the server sent something malformed. */
export function decodeInferResponse(body: Uint8Array, headerLength: number | null): InferResponse {
  const { json, binary } = splitBody(body, headerLength);
  const h = json as { model_name?: unknown; model_version?: unknown; id?: unknown; parameters?: unknown; outputs?: unknown };
  return {
    model_name: typeof h.model_name === 'string' ? h.model_name : '',
    model_version: typeof h.model_version === 'string' ? h.model_version : undefined,
    id: typeof h.id === 'string' ? h.id : undefined,
    parameters: checkParameters(h.parameters, 'response'),
    outputs: readTensors(h.outputs, binary, 'output'),
  };
}

/** Parses the Inference-Header-Content-Length header value; null when absent. */
export function parseHeaderLength(value: string | string[] | null | undefined): number | null {
  if (value === undefined || value === null) return null;
  const s = Array.isArray(value) ? value[0] : value;
  if (!/^\d+$/.test(s.trim())) throw new WireFormatError(`${HEADER_LENGTH_HEADER} must be a byte count, got "${s}"`);
  return Number(s.trim());
}
