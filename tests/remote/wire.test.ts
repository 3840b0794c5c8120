// The protocol's wire format (binary extension and JSON), the pipeline contract's checks and diff, and
// the client's Retry-After parsing. Pure code, no server.
import {
  decodeInferRequest,
  decodeInferResponse,
  decodePipelineInputs,
  diffPipelineMetadata,
  encodeInferRequest,
  encodeInferResponse,
  encodePipelineInputs,
  encodePipelineParameters,
  LimitError,
  parseRetryAfter,
  pipelineMetadata,
  WireFormatError,
} from '../../src/inference';
import { skyWaterJob } from './scene';

describe('binary tensor data extension', () => {
  test('a request round-trips: JSON header, then each tensor\'s bytes in input order', () => {
    const inputs = [
      { name: 'a', datatype: 'UINT8' as const, shape: [2, 3], data: Uint8Array.of(1, 2, 3, 4, 5, 6) },
      { name: 'b', datatype: 'FP32' as const, shape: [2], data: Float32Array.of(0.5, -2) },
      { name: 'c', datatype: 'INT64' as const, shape: [1], data: BigInt64Array.of(-7n) },
    ];
    const { body, headerLength } = encodeInferRequest({ id: 'x', inputs, outputs: [{ name: 'o', binary: true }] });
    const header = JSON.parse(new TextDecoder().decode(body.subarray(0, headerLength!)));
    expect(header.inputs.map((i: { parameters: { binary_data_size: number } }) => i.parameters.binary_data_size)).toEqual([6, 8, 8]);
    expect(header.outputs).toEqual([{ name: 'o', parameters: { binary_data: true } }]);
    expect(body.byteLength).toBe(headerLength! + 22);
    // Decoding from an odd offset still yields aligned typed arrays.
    const shifted = new Uint8Array(body.byteLength + 1).subarray(1);
    shifted.set(body);
    const back = decodeInferRequest(shifted, headerLength);
    expect(back.id).toBe('x');
    expect([...back.inputs[0].data]).toEqual([1, 2, 3, 4, 5, 6]);
    expect([...(back.inputs[1].data as Float32Array)]).toEqual([0.5, -2]);
    expect(back.inputs[2].data[0]).toBe(-7n);
    expect(back.outputs).toEqual([{ name: 'o', binary: true }]);
  });

  test('a JSON request with nested data is accepted and checked', () => {
    const json = { inputs: [{ name: 'm', shape: [2, 2], datatype: 'INT32', data: [[1, 2], [3, 4]] }, { name: 'f', shape: [2], datatype: 'BOOL', data: [true, false] }] };
    const r = decodeInferRequest(new TextEncoder().encode(JSON.stringify(json)), null);
    expect([...r.inputs[0].data]).toEqual([1, 2, 3, 4]);
    expect([...r.inputs[1].data]).toEqual([1, 0]);
    const bad = (input: unknown): (() => unknown) => () => decodeInferRequest(new TextEncoder().encode(JSON.stringify({ inputs: [input] })), null);
    expect(bad({ name: 'm', shape: [3], datatype: 'INT32', data: [1, 2] })).toThrow('input "m": "data" holds 2 elements but shape [3] needs 3');
    expect(bad({ name: 'm', shape: [1], datatype: 'UINT8', data: [300] })).toThrow('input "m": element 0 (300) is not a UINT8 value');
    expect(bad({ name: 'm', shape: [1], datatype: 'FLOAT', data: [1] })).toThrow('input "m": unknown datatype "FLOAT"');
    expect(bad({ name: 'm', shape: [-1], datatype: 'FP32', data: [] })).toThrow('"shape" must be an array of non-negative integers');
  });

  test('byte counts must agree with shapes and with the body', () => {
    const { body, headerLength } = encodeInferRequest({ inputs: [{ name: 'a', datatype: 'UINT8', shape: [4], data: new Uint8Array(4) }] });
    expect(() => decodeInferRequest(body.subarray(0, body.byteLength - 1), headerLength)).toThrow('input "a": the binary section ends after 3 of its 4 bytes');
    const longer = new Uint8Array(body.byteLength + 2);
    longer.set(body);
    expect(() => decodeInferRequest(longer, headerLength)).toThrow('the body holds 6 bytes of binary tensor data but the inputs declare 4');
    expect(() => decodeInferRequest(body, body.byteLength + 5)).toThrow(WireFormatError);
  });

  test('a response carries binary and JSON outputs side by side', () => {
    const outputs = [
      { name: 'img', datatype: 'UINT8' as const, shape: [1, 2], data: Uint8Array.of(9, 8) },
      { name: 'score', datatype: 'FP32' as const, shape: [1], data: Float32Array.of(0.25) },
    ];
    const enc = encodeInferResponse({ model_name: 'm', id: 'r1', outputs }, (n) => n === 'img');
    const dec = decodeInferResponse(enc.body, enc.headerLength);
    expect(dec.model_name).toBe('m');
    expect(dec.id).toBe('r1');
    expect([...dec.outputs[0].data]).toEqual([9, 8]);
    expect([...dec.outputs[1].data]).toEqual([0.25]);
    const header = JSON.parse(new TextDecoder().decode(enc.body.subarray(0, enc.headerLength!)));
    expect(header.outputs[1].data).toEqual([0.25]);
  });
});

describe('the relayout contract', () => {
  test('a job becomes tensors and back, unchanged', () => {
    const job = { ...skyWaterJob(24, 16, 42), extraMask: new Uint8Array(24 * 16).fill(1) };
    const { job: back, palette } = decodePipelineInputs(encodePipelineInputs(job), { palette: 'ade20k', dilate_px: 6 });
    expect(palette.name).toBe('ade20k');
    expect(back.seed).toBe(42);
    expect(back.image.width).toBe(24);
    expect([...back.edited.labels]).toEqual([...job.edited.labels]);
    expect(back.extraMask!.every((v) => v === 1)).toBe(true);
    expect(back.maskOptions).toEqual({ dilateFraction: undefined, dilatePx: 6, featherPx: undefined });
  });

  test('the detail travels as the "detail" parameter; an unknown one is refused naming the choices', () => {
    const job = skyWaterJob(24, 16);
    const inputs = encodePipelineInputs(job);
    expect(encodePipelineParameters('ade20k', undefined)).toEqual({ palette: 'ade20k' });
    const fine = encodePipelineParameters('ade20k', undefined, 'fine');
    expect(fine).toEqual({ palette: 'ade20k', detail: 'fine' });
    expect(decodePipelineInputs(inputs, fine).job.detail).toBe('fine');
    expect(decodePipelineInputs(inputs, {}).job.detail).toBeUndefined();
    expect(() => decodePipelineInputs(inputs, { detail: 'ultra' })).toThrow(WireFormatError);
    expect(() => decodePipelineInputs(inputs, { detail: 'ultra' })).toThrow('parameter "detail" must be one of standard, fine, got "ultra"');
  });

  test('the reference look travels as "reference_look" (the default, matched, is not sent); an unknown one is refused', () => {
    const job = skyWaterJob(24, 16);
    const inputs = encodePipelineInputs(job);
    expect(encodePipelineParameters('ade20k', undefined, undefined, 'matched')).toEqual({ palette: 'ade20k' });
    const own = encodePipelineParameters('ade20k', undefined, 'fine', 'own');
    expect(own).toEqual({ palette: 'ade20k', detail: 'fine', reference_look: 'own' });
    expect(decodePipelineInputs(inputs, own).job.referenceLook).toBe('own');
    expect(decodePipelineInputs(inputs, {}).job.referenceLook).toBeUndefined();
    expect(() => decodePipelineInputs(inputs, { reference_look: 'sunset' })).toThrow('parameter "reference_look" must be one of matched, own, got "sunset"');
  });

  test('the pixel limit is a LimitError naming the input and the limit', () => {
    const inputs = encodePipelineInputs(skyWaterJob(24, 16));
    expect(() => decodePipelineInputs(inputs, {}, 300)).toThrow(LimitError);
    expect(() => decodePipelineInputs(inputs, {}, 300)).toThrow('input "IMAGE" is 24×16 = 0.0 MP; this server accepts at most 300 pixels');
  });

  test('a reference needs both its image and its layout', () => {
    const job = skyWaterJob(24, 16);
    const inputs = encodePipelineInputs({ ...job, references: [{ image: job.image, layout: job.original }] }).filter((t) => t.name !== 'REFERENCE_LAYOUT_1');
    expect(() => decodePipelineInputs(inputs)).toThrow('input "REFERENCE_LAYOUT_1" is missing');
  });

  test('the metadata diff says precisely what differs', () => {
    const meta = pipelineMetadata();
    expect(diffPipelineMetadata(meta)).toEqual([]);
    const changed = {
      ...meta,
      inputs: meta.inputs
        .filter((t) => t.name !== 'EDITED' && !t.name.startsWith('REFERENCE_'))
        .map((t) => (t.name === 'SEED' ? { ...t, datatype: 'INT64' } : t.name === 'IMAGE' ? { ...t, shape: [512, 512, 4] } : t))
        .concat([{ name: 'PROMPT', datatype: 'BYTES', shape: [1] }]),
    };
    const diff = diffPipelineMetadata(changed);
    const errors = diff.filter((d) => d.severity === 'error').map((d) => d.message);
    expect(errors).toEqual([
      'input "IMAGE": shape is [512,512,4] on the server, this client uses [-1,-1,4] (-1 = any size)',
      'input "EDITED" (UINT8 [-1,-1]) is missing on the server',
      'input "SEED": datatype is INT64 on the server, this client uses INT32',
      'the server\'s model takes input "PROMPT" (BYTES [1]), which this client does not send',
    ]);
    expect(diff.filter((d) => d.severity === 'warning').map((d) => d.tensor)).toHaveLength(8);
  });
});

test('Retry-After as seconds or as an HTTP date', () => {
  expect(parseRetryAfter('3')).toBe(3);
  expect(parseRetryAfter(new Date(Date.UTC(2030, 0, 1, 0, 0, 10)).toUTCString(), Date.UTC(2030, 0, 1))).toBe(10);
  expect(parseRetryAfter('soon')).toBeUndefined();
  expect(parseRetryAfter(null)).toBeUndefined();
});
