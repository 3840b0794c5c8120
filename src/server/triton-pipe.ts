// The frames that the Triton Python-backend model `relayout` (model.py, written by `relayout export-triton`)
// and its Node host (triton-host.ts) exchange over the host's stdin and stdout. One frame:
//   u32 LE header length | u32 LE data length | header (UTF-8 JSON) | tensor bytes, in header order
// The header's `tensors` list each tensor's name, Open Inference Protocol datatype and shape; their bytes
// follow back to back (row-major, little-endian), so a tensor's length follows from its datatype and
// shape. relayout_wire.py is the same codec in Python. Pure code.
import { bytesOf, DATATYPE_BYTES, elementCount, InferParameters, isDatatype, KserveDatatype, viewAs, WireTensor } from '../inference/remote/kserve-wire';
import { utf8Decode, utf8Encode } from '../layout/utf8';

/** Why an edit or a stage run failed, as Triton error codes see it. */
export type PipeErrorKind = 'invalid' | 'cancelled' | 'internal';

export interface PipeHeader {
  /**
   * edit: Python → host, one request's inputs. stage: host → Python, run one stage graph through BLS.
   * stage-result / stage-error: Python → host, its answer. done / failed: host → Python, the edit's end.
   */
  type: 'edit' | 'stage' | 'stage-result' | 'stage-error' | 'done' | 'failed';
  /** stage: the stage model's name. */
  stage?: string;
  /** edit: the request's parameters; done: the response's. */
  parameters?: InferParameters;
  /** stage-error, failed. */
  error?: { kind: PipeErrorKind; message: string };
}

export interface PipeFrame {
  header: PipeHeader;
  tensors: WireTensor[];
}

interface TensorEntry {
  name: string;
  datatype: KserveDatatype;
  shape: number[];
}

/** One frame as bytes. */
export function encodeFrame(header: PipeHeader, tensors: WireTensor[] = []): Uint8Array {
  const entries: TensorEntry[] = tensors.map((t) => ({ name: t.name, datatype: t.datatype, shape: t.shape }));
  const json = utf8Encode(JSON.stringify({ ...header, tensors: entries }));
  const dataLength = tensors.reduce((a, t) => a + t.data.byteLength, 0);
  const out = new Uint8Array(8 + json.byteLength + dataLength);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, json.byteLength, true);
  dv.setUint32(4, dataLength, true);
  out.set(json, 8);
  let offset = 8 + json.byteLength;
  for (const t of tensors) {
    out.set(bytesOf(t.data), offset);
    offset += t.data.byteLength;
  }
  return out;
}

function decodeFrame(header: Uint8Array, data: Uint8Array): PipeFrame {
  const parsed = JSON.parse(utf8Decode(header)) as PipeHeader & { tensors?: TensorEntry[] };
  const { tensors: entries = [], ...rest } = parsed;
  const tensors: WireTensor[] = [];
  let offset = 0;
  for (const e of entries) {
    if (!isDatatype(e.datatype)) throw new Error(`pipe frame: tensor "${e.name}" has unknown datatype ${JSON.stringify(e.datatype)}`);
    const n = elementCount(e.shape) * DATATYPE_BYTES[e.datatype];
    if (offset + n > data.byteLength) throw new Error(`pipe frame: tensor "${e.name}" needs ${n} bytes, ${data.byteLength - offset} left`);
    // slice: a tensor must own its bytes (the engine keeps some inputs while later frames arrive).
    tensors.push({ name: e.name, datatype: e.datatype, shape: e.shape, data: viewAs(e.datatype, data.slice(offset, offset + n)) });
    offset += n;
  }
  if (offset !== data.byteLength) throw new Error(`pipe frame: ${data.byteLength} data bytes, the tensors declare ${offset}`);
  return { header: rest, tensors };
}

/** Cuts a byte stream into frames. */
export class FrameReader {
  private chunks: Uint8Array[] = [];
  private buffered = 0;

  /** Adds bytes; returns every frame they complete. */
  push(chunk: Uint8Array): PipeFrame[] {
    this.chunks.push(chunk);
    this.buffered += chunk.byteLength;
    const frames: PipeFrame[] = [];
    for (;;) {
      if (this.buffered < 8) break;
      const head = this.peek(8);
      const dv = new DataView(head.buffer, head.byteOffset, 8);
      const headerLength = dv.getUint32(0, true), dataLength = dv.getUint32(4, true);
      const total = 8 + headerLength + dataLength;
      if (this.buffered < total) break;
      const frame = this.peek(total);
      this.drop(total);
      frames.push(decodeFrame(frame.subarray(8, 8 + headerLength), frame.subarray(8 + headerLength)));
    }
    return frames;
  }

  /** The first n buffered bytes as one array (joins chunks only when needed). */
  private peek(n: number): Uint8Array {
    if (this.chunks[0].byteLength >= n) return this.chunks[0].subarray(0, n);
    const out = new Uint8Array(n);
    let o = 0;
    for (const c of this.chunks) {
      const take = Math.min(c.byteLength, n - o);
      out.set(c.subarray(0, take), o);
      o += take;
      if (o === n) break;
    }
    return out;
  }

  private drop(n: number): void {
    this.buffered -= n;
    while (n > 0) {
      const c = this.chunks[0];
      if (c.byteLength <= n) {
        this.chunks.shift();
        n -= c.byteLength;
      } else {
        this.chunks[0] = c.subarray(n);
        n = 0;
      }
    }
  }
}
