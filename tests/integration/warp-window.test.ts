// The full-resolution warp graph (onnxruntime-web, WASM) fed only the window of the atlas that a band
// reads (src/inference/warp-window.ts) gives the same pixels, bit for bit, as fed the whole atlas:
// including reads that the graph clips at the atlas's edges.
import { nodeRunner } from '../../src/cli/models-node';
import { tensor } from '../../src/inference/tensor';
import { Plane } from '../../src/inference/planes';
import { bandWindow, shiftParticles, windowOf } from '../../src/inference/warp-window';
import { PARTICLES } from '../../models/stages';
import { prng } from '../../src/layout';

const runner = nodeRunner(1);
afterAll(() => runner.dispose());

const AW = 96, AH = 80, SCALE = 4;
const T = (pl: Plane) => tensor(pl.data, [1, pl.channels, pl.height, pl.width]);

function randomPlane(w: number, h: number, channels: number, value: () => number): Plane {
  return { width: w, height: h, channels, data: Float32Array.from({ length: w * h * channels }, value) };
}

/**
 * A band of bw × bh target pixels at (x0, y0), upsampled from ceil(bw / SCALE) × ceil(bh / SCALE) particle
 * blocks whose displacements stay within `reach` level pixels, a few of them far past the atlas's edges.
 */
function band(rand: () => number, x0: number, y0: number, bw: number, bh: number, reach: number) {
  const pw = Math.ceil(bw / SCALE), ph = Math.ceil(bh / SCALE), n = pw * ph;
  const data = new Float32Array(PARTICLES * 2 * n);
  for (let i = 0; i < data.length; i++) {
    const far = rand() < 0.03;
    data[i] = Math.round((rand() * 2 - 1) * (far ? 40 : reach));
  }
  const home = randomPlane(bw, bh, 2, () => 0);
  for (let y = 0; y < bh; y++) {
    for (let x = 0; x < bw; x++) {
      home.data[y * bw + x] = y0 + y;
      home.data[bw * bh + y * bw + x] = x0 + x;
    }
  }
  return {
    parts: { data, M: PARTICLES, w: pw, h: ph },
    home,
    guide: randomPlane(bw, bh, 3, rand),
    labels: randomPlane(bw, bh, 1, () => 1 + Math.floor(rand() * 2)),
    scores: tensor(Float32Array.from({ length: PARTICLES * n }, () => rand() * 2 - 1), [PARTICLES, ph, pw]),
  };
}

describe('the warp on a band reads only its window of the atlas', () => {
  const rand = prng(7);
  const atlas = {
    image: randomPlane(AW, AH, 3, rand),
    labels: randomPlane(AW, AH, 1, () => 1 + Math.floor(rand() * 2)),
    valid: randomPlane(AW, AH, 1, () => (rand() < 0.9 ? 1 : 0)),
  };

  /** The band warped from the whole atlas and from its window: both results. */
  async function bothWays(b: ReturnType<typeof band>, x0: number, y0: number, bw: number, bh: number, src = atlas): Promise<[number[], number[]]> {
    const win = bandWindow(b.parts, SCALE, x0, y0, bw, bh, AW, AH)!;
    expect(win).not.toBeNull();
    expect(win.x0 % SCALE).toBe(0);
    expect(win.y0 % SCALE).toBe(0);
    const warp = async (part: (p: Plane) => Plane, particles: Float32Array) =>
      Array.from((await runner.run('warp', {
        srcImage: T(part(src.image)), guide: T(b.guide), tgtHome: T(b.home), tgtLabels: T(b.labels),
        srcLabels: T(part(src.labels)), srcValid: T(part(src.valid)),
        particles: tensor(particles, [PARTICLES, 2, b.parts.h, b.parts.w]), scores: b.scores,
        // gamma, beta (the guide counts), labelPenalty, scale
        params: tensor(Float32Array.from([20, 0.5, 2, SCALE]), [4]),
      })).warped.data);
    return [await warp((p) => p, b.parts.data), await warp((p) => windowOf(p, win), shiftParticles(b.parts, win, SCALE))];
  }

  test.each([
    ['inside the atlas', 24, 28, 40, 16, 2],
    ['at its top-left corner, reads clipped there', 0, 0, 30, 13, 3],
    ['at its bottom-right corner, a partial last block', AW - 37, AH - 14, 37, 14, 3],
  ])('%s: the same pixels as with the whole atlas', async (_name, x0, y0, bw, bh, reach) => {
    const [whole, windowed] = await bothWays(band(rand, x0, y0, bw, bh, reach), x0, y0, bw, bh);
    expect(windowed).toEqual(whole);
  });

  test('copies that shift block by block: the neighbours\' reads, past each block\'s own, are in the window', async () => {
    // Block (i, j) copies from (−i, −j) blocks away: a pixel on a block's edge reads its neighbour's copy
    // one pixel beyond the block's own reads, on every side. One class, all valid, so every read counts.
    const x0 = 32, y0 = 32, bw = 24, bh = 16;
    const b = band(prng(11), x0, y0, bw, bh, 0);
    const { w, h } = b.parts, n = w * h;
    for (let m = 0; m < PARTICLES; m++) {
      for (let i = 0; i < n; i++) {
        b.parts.data[2 * m * n + i] = -Math.floor(i / w);
        b.parts.data[(2 * m + 1) * n + i] = -(i % w);
      }
    }
    b.labels.data.fill(1);
    const flat = { ...atlas, labels: randomPlane(AW, AH, 1, () => 1), valid: randomPlane(AW, AH, 1, () => 1) };
    const [whole, windowed] = await bothWays(b, x0, y0, bw, bh, flat);
    expect(windowed).toEqual(whole);
  });

  test('a band whose copies are local reads a small part of the atlas', () => {
    const b = band(prng(3), 40, 40, 16, 8, 0);
    b.parts.data.fill(1); // every copy one block down and to the right
    const win = bandWindow(b.parts, SCALE, 40, 40, 16, 8, AW, AH)!;
    // The band's pixels moved by 4 px, widened by the blocks' rounding and the neighbours' reads.
    expect(win).toEqual({ x0: 40, y0: 40, x1: 40 + 16 + 4 + 2, y1: 40 + 8 + 4 + 2 });
  });

  test('a window copied into a reused, larger buffer holds the same pixels as a fresh one', () => {
    const win = { x0: 8, y0: 4, x1: 40, y1: 30 };
    const into = new Float32Array(3 * 64 * 64).fill(-1); // left over from a bigger band
    const reused = windowOf(atlas.image, win, into);
    expect(reused.data.length).toBe(3 * 32 * 26);
    expect(Array.from(reused.data)).toEqual(Array.from(windowOf(atlas.image, win).data));
    expect(reused.data[2 * 32 * 26 + 5 * 32 + 7]).toBe(atlas.image.data[2 * AW * AH + 9 * AW + 15]);
  });

  test('particles that are not whole level pixels get no window (the band reads the whole atlas)', () => {
    const b = band(prng(5), 8, 8, 8, 8, 2);
    b.parts.data[3] = 0.5;
    expect(bandWindow(b.parts, SCALE, 8, 8, 8, 8, AW, AH)).toBeNull();
  });
});
