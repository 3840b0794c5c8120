// Raw protocol requests for tests that must send what the real client never would (bad bodies).
import { encodeInferRequest, HEADER_LENGTH_HEADER, InferRequest } from '../../src/inference';

export interface RawAnswer {
  status: number;
  headers: Headers;
  /** Parsed JSON body, or null when the body is not JSON. */
  json: { error?: string; code?: string; [k: string]: unknown } | null;
  bytes: Uint8Array;
}

export async function send(url: string, init: RequestInit): Promise<RawAnswer> {
  const res = await fetch(url, init);
  const bytes = new Uint8Array(await res.arrayBuffer());
  let json: RawAnswer['json'] = null;
  if (!res.headers.get(HEADER_LENGTH_HEADER)) {
    try {
      json = JSON.parse(new TextDecoder().decode(bytes));
    } catch {
      json = null;
    }
  }
  return { status: res.status, headers: res.headers, json, bytes };
}

/** POST an infer request encoded with the binary extension (the real encoder). */
export function postInfer(base: string, model: string, req: InferRequest, headers: Record<string, string> = {}): Promise<RawAnswer> {
  const { body, headerLength } = encodeInferRequest(req);
  return send(`${base}/v2/models/${model}/infer`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/octet-stream', [HEADER_LENGTH_HEADER]: String(headerLength ?? body.byteLength), ...headers },
    body: body as unknown as RequestInit['body'],
  });
}

/** POST a hand-made JSON header followed by raw binary bytes. */
export function postRaw(base: string, model: string, header: unknown, binary: Uint8Array = new Uint8Array(0), headers: Record<string, string> = {}): Promise<RawAnswer> {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const body = new Uint8Array(json.byteLength + binary.byteLength);
  body.set(json);
  body.set(binary, json.byteLength);
  const h: Record<string, string> = { 'Content-Type': binary.byteLength ? 'application/octet-stream' : 'application/json', ...headers };
  if (binary.byteLength) h[HEADER_LENGTH_HEADER] = String(json.byteLength);
  return send(`${base}/v2/models/${model}/infer`, { method: 'POST', headers: h, body: body as unknown as RequestInit['body'] });
}
