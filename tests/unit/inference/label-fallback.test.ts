// Pixels the full-resolution warp had no copy of their own class for (label-fallback.ts).
import { fillFromClass, unusablePixels, WarpCandidates } from '../../../src/inference/label-fallback';
import { Plane } from '../../../src/inference/planes';

const plane = (width: number, height: number, channels: number, at: (x: number, y: number, c: number) => number): Plane => {
  const data = new Float32Array(width * height * channels);
  for (let c = 0; c < channels; c++) for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data[(c * height + y) * width + x] = at(x, y, c);
  return { width, height, channels, data };
};

describe('unusablePixels', () => {
  // A 16×16 atlas: class 1 (sky) above row 8, class 2 (hill) from it on, all valid. The box is the atlas
  // itself (corner 0, 0) on 4×4 blocks (scale 4, 4×4 blocks of 2 particles). The target: hill from row 6
  // on, so blocks of rows 4..7 straddle the new ridge. Particles are displacements in level pixels.
  const f = 4, tw = 4, th = 4, M = 2;
  const srcLabels = plane(16, 16, 1, (_x, y) => (y < 8 ? 1 : 2));
  const srcValid = plane(16, 16, 1, () => 1);
  const labels = plane(16, 16, 1, (_x, y) => (y < 6 ? 1 : 2));
  const regen = new Uint8Array(256).fill(1);
  const particlesWith = (set: (m: number, bx: number, by: number) => [number, number]): Float32Array => {
    const p = new Float32Array(M * 2 * th * tw);
    for (let m = 0; m < M; m++) {
      for (let by = 0; by < th; by++) {
        for (let bx = 0; bx < tw; bx++) {
          const [dy, dx] = set(m, bx, by);
          p[(m * 2) * th * tw + by * tw + bx] = dy;
          p[(m * 2 + 1) * th * tw + by * tw + bx] = dx;
        }
      }
    }
    return p;
  };
  const candidates = (particles: Float32Array, over: Partial<WarpCandidates> = {}): WarpCandidates =>
    ({ particles, M, tw, th, scale: f, px0: 0, py0: 0, bx0: 0, by0: 0, labels, regen, srcLabels, srcValid, ...over });

  test('a hill pixel whose candidates all land on the sky is flagged; one next to a block with a hill copy is not', () => {
    // Blocks of rows 0..7 copy from where they are (displacement 0), so rows 6 and 7 (hill in the target)
    // copy sky; their other particle points 4 px up, sky again. Blocks from row 8 on copy from 4 px down.
    // Row 7's down neighbour is such a block, whose copy applied at row 7 lands on row 11 (hill): usable.
    const flagged = unusablePixels(candidates(particlesWith((m, _bx, by) => (m === 1 ? [-1, 0] : [by >= 2 ? 1 : 0, 0]))));
    for (let y = 0; y < 16; y++) for (let x = 0; x < 16; x++) expect(flagged[y * 16 + x]).toBe(y === 6 ? 1 : 0);
    // Without that block below, row 7 is flagged too.
    const both = unusablePixels(candidates(particlesWith((m) => [m === 1 ? -1 : 0, 0])));
    for (let y = 0; y < 16; y++) for (let x = 0; x < 16; x++) expect(both[y * 16 + x]).toBe(y === 6 || y === 7 ? 1 : 0);
  });

  test('a second particle that lands on the hill, or a pixel not regenerated, is not flagged', () => {
    // Particle 1 points one level pixel (4 px) down: rows 6 and 7 land on the hill at rows 10 and 11.
    expect(unusablePixels(candidates(particlesWith((m) => [m === 0 ? 0 : 1, 0]))).reduce((a, b) => a + b, 0)).toBe(0);
    expect(unusablePixels(candidates(particlesWith(() => [0, 0]), { regen: new Uint8Array(256) })).reduce((a, b) => a + b, 0)).toBe(0);
  });

  test('an invalid source is not usable either', () => {
    const flagged = unusablePixels(candidates(particlesWith(() => [0, 0]), { srcValid: plane(16, 16, 1, (_x, y) => (y < 12 ? 1 : 0)) }));
    expect(flagged[13 * 16 + 5]).toBe(1); // hill copied from an invalid hill pixel
    expect(flagged[9 * 16 + 5]).toBe(0);
  });
});

describe('fillFromClass', () => {
  test('a flagged pixel takes the mean colour of its own class nearby, never of another class', () => {
    // 20×10: class 1 red on the left half, class 2 blue on the right; one class-2 pixel was copied green.
    const labels = plane(20, 10, 1, (x) => (x < 10 ? 1 : 2));
    const warped = plane(20, 10, 3, (x, y, c) => (x === 12 && y === 5 ? [0, 1, 0][c] : x < 10 ? [1, 0, 0][c] : [0, 0, 1][c]));
    const flagged = new Uint8Array(200);
    flagged[5 * 20 + 12] = 1;
    const out = fillFromClass(warped, labels, flagged);
    const at = (x: number, y: number): number[] => [0, 1, 2].map((c) => out.data[c * 200 + y * 20 + x]);
    expect(at(12, 5)).toEqual([0, 0, 1]);
    expect(at(3, 5)).toEqual([1, 0, 0]); // unflagged pixels unchanged
  });
});
