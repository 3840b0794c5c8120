// The protocol's UTF-8 helpers give the same bytes with and without the platform's TextEncoder/Decoder
// (UXP does not promise them).
import { utf8Decode, utf8Encode } from '../../../src/layout/utf8';

const text = 'Relayout 1 — sky, water · ñ · 水 · 🪁';

test('the fallback encodes and decodes exactly like TextEncoder/TextDecoder', () => {
  const native = new TextEncoder().encode(text);
  const g = globalThis as { TextEncoder?: unknown; TextDecoder?: unknown };
  const saved = { enc: g.TextEncoder, dec: g.TextDecoder };
  try {
    g.TextEncoder = undefined;
    g.TextDecoder = undefined;
    const bytes = utf8Encode(text);
    expect(Buffer.compare(Buffer.from(bytes), Buffer.from(native))).toBe(0);
    expect(utf8Decode(bytes)).toBe(text);
  } finally {
    g.TextEncoder = saved.enc;
    g.TextDecoder = saved.dec;
  }
  expect(utf8Decode(native)).toBe(text);
});
