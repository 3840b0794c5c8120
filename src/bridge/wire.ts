// Wire encoding for the engine bridge: base64 without platform helpers (UXP has no Buffer and may lack
// atob), and packing of objects holding typed arrays into a JSON header plus binary blobs. Pure code.

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const ENCODE = new Uint8Array(64);
const DECODE = new Uint8Array(256).fill(255);
for (let i = 0; i < 64; i++) {
  ENCODE[i] = ALPHABET.charCodeAt(i);
  DECODE[ALPHABET.charCodeAt(i)] = i;
}

const LATIN1 = ((): TextDecoder | null => {
  try {
    return typeof TextDecoder !== 'undefined' ? new TextDecoder('latin1') : null;
  } catch {
    return null; // a runtime without that label (small ICU builds)
  }
})();

/** Standard base64 (with padding) of `bytes`. */
export function toBase64(bytes: Uint8Array): string {
  const n = bytes.length;
  const out = new Uint8Array(Math.ceil(n / 3) * 4);
  let o = 0, i = 0;
  for (; i + 2 < n; i += 3) {
    const v = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    out[o++] = ENCODE[v >> 18]; out[o++] = ENCODE[(v >> 12) & 63]; out[o++] = ENCODE[(v >> 6) & 63]; out[o++] = ENCODE[v & 63];
  }
  if (i < n) {
    const v = (bytes[i] << 16) | (i + 1 < n ? bytes[i + 1] << 8 : 0);
    out[o++] = ENCODE[v >> 18]; out[o++] = ENCODE[(v >> 12) & 63];
    out[o++] = i + 1 < n ? ENCODE[(v >> 6) & 63] : 61;
    out[o++] = 61;
  }
  // Base64 is ASCII, so a Latin-1 decoder turns the bytes into the string fastest where it exists.
  if (LATIN1) return LATIN1.decode(out);
  // Else build the string in slices: String.fromCharCode on millions of arguments overflows the stack.
  let s = '';
  for (let k = 0; k < out.length; k += 0x8000) s += String.fromCharCode.apply(null, out.subarray(k, k + 0x8000) as unknown as number[]);
  return s;
}

/** Decodes standard base64 into `target` at `offset` (or a new array); returns the bytes written. */
export function fromBase64(text: string, target?: Uint8Array, offset = 0): Uint8Array {
  let len = text.length;
  if (len % 4 !== 0) throw new Error(`base64 length ${len} is not a multiple of 4`);
  let pad = 0;
  if (len && text.charCodeAt(len - 1) === 61) pad++;
  if (len > 1 && text.charCodeAt(len - 2) === 61) pad++;
  const bytes = (len / 4) * 3 - pad;
  const out = target ?? new Uint8Array(bytes);
  if (offset + bytes > out.length) throw new Error(`base64 chunk of ${bytes} bytes overflows its blob at ${offset}`);
  let o = offset;
  len -= pad ? 4 : 0;
  for (let i = 0; i < len; i += 4) {
    const a = DECODE[text.charCodeAt(i)], b = DECODE[text.charCodeAt(i + 1)], c = DECODE[text.charCodeAt(i + 2)], d = DECODE[text.charCodeAt(i + 3)];
    if ((a | b | c | d) === 255) throw new Error(`invalid base64 character near ${i}`);
    const v = (a << 18) | (b << 12) | (c << 6) | d;
    out[o++] = v >> 16; out[o++] = (v >> 8) & 255; out[o++] = v & 255;
  }
  if (pad) {
    const a = DECODE[text.charCodeAt(len)], b = DECODE[text.charCodeAt(len + 1)];
    const c = pad === 1 ? DECODE[text.charCodeAt(len + 2)] : 0;
    if ((a | b | c) === 255) throw new Error('invalid base64 padding');
    const v = (a << 18) | (b << 12) | (c << 6);
    out[o++] = v >> 16;
    if (pad === 1) out[o++] = (v >> 8) & 255;
  }
  return target ? out.subarray(offset, o) : out;
}

type BlobKind = 'u8' | 'u8rle' | 'u8c' | 'u16' | 'f32';

/** Where a typed array was in a packed object. */
export interface BlobRef {
  $blob: number;
  kind: BlobKind;
  /** Decoded length of a run-length-encoded blob ('u8rle'). */
  length?: number;
}

/**
 * Run-length encoding of a byte array as (value, run length as LEB128 varint) pairs, or null when it
 * would not shrink the array at least fourfold. Label maps and mask planes are long runs of one class
 * (a 16 MP label map crosses as tens of KiB instead of 16 MiB); a photo gives up after a short scan.
 */
export function runLengthEncode(bytes: Uint8Array): Uint8Array | null {
  const n = bytes.length;
  const budget = n / 4;
  let size = 0;
  for (let i = 0; i < n; ) {
    let j = i + 1;
    while (j < n && bytes[j] === bytes[i]) j++;
    size += 1 + varintBytes(j - i);
    if (size > budget) return null;
    i = j;
  }
  const out = new Uint8Array(size);
  let o = 0;
  for (let i = 0; i < n; ) {
    let j = i + 1;
    while (j < n && bytes[j] === bytes[i]) j++;
    out[o++] = bytes[i];
    for (let run = j - i; ; ) {
      const low = run & 127;
      run = Math.floor(run / 128);
      out[o++] = run ? low | 128 : low;
      if (!run) break;
    }
    i = j;
  }
  return out;
}

function varintBytes(v: number): number {
  let k = 1;
  while (v >= 128) {
    v = Math.floor(v / 128);
    k++;
  }
  return k;
}

/** Decodes `runLengthEncode`'s output into `length` bytes; throws when the runs do not add up. */
export function runLengthDecode(encoded: Uint8Array, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let o = 0;
  for (let i = 0; i < encoded.length; ) {
    const value = encoded[i++];
    let run = 0, scale = 1;
    for (;;) {
      if (i >= encoded.length) throw new Error('run-length blob ends inside a run');
      const b = encoded[i++];
      run += (b & 127) * scale;
      scale *= 128;
      if (!(b & 128)) break;
    }
    if (o + run > length) throw new Error(`run-length blob decodes past its ${length} bytes`);
    out.fill(value, o, o + run);
    o += run;
  }
  if (o !== length) throw new Error(`run-length blob decodes to ${o} bytes, not ${length}`);
  return out;
}

export interface Packed {
  /** The object with every typed array replaced by a BlobRef: plain JSON. */
  header: unknown;
  blobs: Uint8Array[];
}

function kindOf(v: ArrayBufferView): BlobKind | null {
  if (v instanceof Uint8ClampedArray) return 'u8c';
  if (v instanceof Uint8Array) return 'u8';
  if (v instanceof Uint16Array) return 'u16';
  if (v instanceof Float32Array) return 'f32';
  return null;
}

/**
 * Splits `value` into JSON and the bytes of its typed arrays (Uint8, Uint8Clamped, Uint16, Float32);
 * a Uint8Array of long runs (a label map, a mask) is run-length encoded.
 */
export function pack(value: unknown): Packed {
  const blobs: Uint8Array[] = [];
  const walk = (v: unknown): unknown => {
    if (ArrayBuffer.isView(v)) {
      const kind = kindOf(v);
      if (!kind) throw new Error(`cannot send a ${v.constructor.name} over the bridge`);
      const bytes = new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
      const rle = kind === 'u8' ? runLengthEncode(bytes) : null;
      blobs.push(rle ?? bytes);
      return rle ? ({ $blob: blobs.length - 1, kind: 'u8rle', length: bytes.length } satisfies BlobRef) : ({ $blob: blobs.length - 1, kind } satisfies BlobRef);
    }
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = walk(x);
      return out;
    }
    return v;
  };
  return { header: walk(value), blobs };
}

function isBlobRef(v: unknown): v is BlobRef {
  return !!v && typeof v === 'object' && typeof (v as BlobRef).$blob === 'number' && typeof (v as BlobRef).kind === 'string';
}

/** Rebuilds what `pack` split (typed arrays view the received blobs; no copy for bytes). */
export function unpack<T>(header: unknown, blobs: Uint8Array[]): T {
  const walk = (v: unknown): unknown => {
    if (isBlobRef(v)) {
      const b = blobs[v.$blob];
      if (!b) throw new Error(`blob ${v.$blob} is missing`);
      switch (v.kind) {
        case 'u8': return b;
        case 'u8rle': return runLengthDecode(b, v.length ?? -1);
        case 'u8c': return new Uint8ClampedArray(b.buffer, b.byteOffset, b.byteLength);
        // Copy for wider types: the received bytes may not be aligned for them.
        case 'u16': return new Uint16Array(b.slice().buffer);
        case 'f32': return new Float32Array(b.slice().buffer);
      }
    }
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) out[k] = walk(x);
      return out;
    }
    return v;
  };
  return walk(header) as T;
}
