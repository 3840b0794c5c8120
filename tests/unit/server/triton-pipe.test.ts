// The frames between the Triton model's model.py and its Node host: any split of the byte stream gives
// back the same frames, tensors own aligned copies of their bytes, and a short or overlong frame is an
// error. The closure of the host's modules holds no package import.
import { mkdtempSync, mkdirSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { requireClosure } from '../../../src/server/triton-export';
import { encodeFrame, FrameReader } from '../../../src/server/triton-pipe';

test('frames survive any split of the stream, with every datatype the pipeline uses', () => {
  const image = Uint8Array.from({ length: 3 * 2 * 4 }, (_, i) => (i * 37) % 256);
  const seed = Int32Array.of(-7);
  const feats = Float32Array.of(0.5, -1.25, 3e-8, 1e30);
  const big = BigInt64Array.of(-(2n ** 40n));
  const a = encodeFrame({ type: 'edit', parameters: { palette: 'ade20k', dilate_px: 4 } }, [
    { name: 'IMAGE', datatype: 'UINT8', shape: [2, 3, 4], data: image },
    { name: 'SEED', datatype: 'INT32', shape: [1], data: seed },
  ]);
  const b = encodeFrame({ type: 'stage-result' }, [
    { name: 'features', datatype: 'FP32', shape: [1, 4], data: feats },
    { name: 'n', datatype: 'INT64', shape: [1], data: big },
  ]);
  const c = encodeFrame({ type: 'failed', error: { kind: 'invalid', message: 'input "ORIGINAL" is 4×4' } });
  const stream = new Uint8Array([...a, ...b, ...c]);
  for (const cut of [1, 3, 8, 9, a.length - 1, a.length, a.length + 5, stream.length - 2]) {
    const reader = new FrameReader();
    // Odd offsets: the FP32/INT64 bytes arrive unaligned.
    const frames = [...reader.push(stream.slice(0, cut)), ...reader.push(stream.slice(cut))];
    expect(frames.map((f) => f.header.type)).toEqual(['edit', 'stage-result', 'failed']);
    expect(frames[0].header.parameters).toEqual({ palette: 'ade20k', dilate_px: 4 });
    expect([...frames[0].tensors[0].data]).toEqual([...image]);
    expect(frames[0].tensors[0].shape).toEqual([2, 3, 4]);
    expect([...frames[0].tensors[1].data]).toEqual([-7]);
    expect(frames[1].tensors[0].data).toBeInstanceOf(Float32Array);
    expect([...frames[1].tensors[0].data]).toEqual([...feats]);
    expect([...frames[1].tensors[1].data]).toEqual([-(2n ** 40n)]);
    expect(frames[2].header.error).toEqual({ kind: 'invalid', message: 'input "ORIGINAL" is 4×4' });
    expect(frames[2].tensors).toEqual([]);
  }
});

test('a frame whose tensors do not fill its data exactly is refused', () => {
  const good = encodeFrame({ type: 'stage' }, [{ name: 'x', datatype: 'FP32', shape: [2], data: Float32Array.of(1, 2) }]);
  const longer = new Uint8Array(good.length + 4);
  longer.set(good);
  new DataView(longer.buffer).setUint32(4, 12, true); // claims 12 data bytes; the tensor declares 8
  expect(() => new FrameReader().push(longer)).toThrow(/12 data bytes, the tensors declare 8/);
});

test("the host's module closure follows relative requires and refuses packages", () => {
  const root = mkdtempSync(join(tmpdir(), 'relayout-closure-'));
  mkdirSync(join(root, 'a', 'lib'), { recursive: true });
  writeFileSync(join(root, 'a', 'main.js'), 'const fs = require("fs"); const l = require("./lib"); const d = require("./lib/data.json");');
  writeFileSync(join(root, 'a', 'lib', 'index.js'), 'const u = require("../util"); require("node:path");');
  writeFileSync(join(root, 'a', 'lib', 'data.json'), '{}');
  writeFileSync(join(root, 'a', 'util.js'), '');
  expect(requireClosure(join(root, 'a', 'main.js'), root)).toEqual(['a/lib/data.json', 'a/lib/index.js', 'a/main.js', 'a/util.js']);
  writeFileSync(join(root, 'a', 'util.js'), 'require("onnxruntime-web");');
  expect(() => requireClosure(join(root, 'a', 'main.js'), root)).toThrow(/a\/util.js imports the package "onnxruntime-web"/);
});
