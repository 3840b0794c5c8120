// Coherent shifts at the coarse level: a hole whose matches all point at one "hub" source comes back as
// whole shifted copies, while smooth classes keep their own matches.
import { prng } from '../../../src/layout';
import { plane, Plane, tensor } from '../../../src/inference';
import { classTexture, coherentShifts, DEFAULT_SHIFT_MAP_PARAMS, ShiftMapInput } from '../../../src/inference/shift-map';

const W = 40, H = 24, D = 4, M = 4;
const HOLE = { x0: 4, y0: 6, x1: 20, y1: 18 };
const inHole = (x: number, y: number): boolean => x >= HOLE.x0 && x < HOLE.x1 && y >= HOLE.y0 && y < HOLE.y1;

/** One class everywhere; the hole is unknown and no source; every hole location's matches all copy (10, 24). */
function input(textureOfClass: number): ShiftMapInput {
  const rand = prng(5);
  const labels: Plane = plane(W, H, 1, 1);
  const valid = plane(W, H, 1, 1), known = plane(W, H, 1, 1);
  const image = plane(W, H, 3);
  for (let i = 0; i < image.data.length; i++) image.data[i] = rand();
  const particles = new Float32Array(M * 2 * W * H), scores = new Float32Array(M * W * H);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const i = y * W + x;
      if (!inHole(x, y)) continue;
      valid.data[i] = 0;
      known.data[i] = 0;
      for (let m = 0; m < M; m++) {
        particles[2 * m * W * H + i] = 10 - y; // every match lands on the one best-looking source, (y 10, x 24)
        particles[(2 * m + 1) * W * H + i] = 24 - x + m;
        scores[m * W * H + i] = 0.9;
      }
    }
  }
  // Uninformative features (every location alike, as deep in a large hole): only coherence can decide.
  const features = (w: number, h: number) => tensor(new Float32Array(D * w * h).fill(0.5), [1, D, h, w]);
  return {
    particles: tensor(particles, [M, 2, H, W]),
    scores: tensor(scores, [M, H, W]),
    tgtFeatures: features(W, H),
    srcFeatures: features(W, H),
    tgtLabels: labels,
    srcLabels: labels,
    srcValid: valid,
    srcImage: image,
    known,
    guide: plane(W, H, 3),
    guideTrust: plane(W, H, 1),
    x0: 0,
    y0: 0,
    texture: Float32Array.from([0, textureOfClass]),
    params: DEFAULT_SHIFT_MAP_PARAMS,
    rand,
  };
}

test('a textured hole whose matches share one source is relabelled with coherent, valid shifts', () => {
  const inp = input(20);
  const out = coherentShifts(inp);
  const T = W * H, p = out.particles.data;
  const sources = new Set<number>();
  let pairs = 0, same = 0, holeCount = 0;
  for (let y = HOLE.y0; y < HOLE.y1; y++) {
    for (let x = HOLE.x0; x < HOLE.x1; x++) {
      const i = y * W + x;
      holeCount++;
      const sy = y + p[i], sx = x + p[T + i];
      expect(inp.srcValid.data[sy * W + sx]).toBe(1); // the best match lands on a valid source of the class
      sources.add(sy * W + sx);
      if (x + 1 < HOLE.x1) {
        pairs++;
        if (p[i + 1] === p[i] && p[T + i + 1] === p[T + i]) same++;
      }
    }
  }
  expect(out.labelled).toBe(holeCount);
  // Before: all 192 locations copied one source. Now each copies its own: whole shifted pieces.
  expect(sources.size).toBe(holeCount);
  expect(same / pairs).toBeGreaterThan(0.9);
  // Known locations keep their particles (untouched bytes).
  expect(p[0]).toBe(inp.particles.data[0]);
});

test('a smooth class keeps coarse-attention\'s own matches (a repeated smooth patch does not show)', () => {
  const inp = input(2);
  const out = coherentShifts(inp);
  expect(out.labelled).toBe(0);
  expect(Buffer.from(out.particles.data.buffer).equals(Buffer.from(inp.particles.data.buffer))).toBe(true);
});

test('the same input and seed give the same shifts', () => {
  const a = coherentShifts(input(20)), b = coherentShifts(input(20));
  expect(Buffer.from(a.particles.data.buffer).equals(Buffer.from(b.particles.data.buffer))).toBe(true);
});

test('class texture: the mean luma gradient of each class\'s valid pixels', () => {
  const w = 16, h = 8;
  const image = plane(w, h, 3), labels = plane(w, h, 1), valid = plane(w, h, 1, 1);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      labels.data[i] = x < 8 ? 1 : 2;
      // Class 1 flat; class 2 stripes two columns wide, black and white: central differences of ±1 (0..1)
      // across every stripe border, i.e. 127.5 levels per pixel wherever they are taken.
      const v = x < 8 ? 0.5 : (x >> 1) % 2;
      for (let c = 0; c < 3; c++) image.data[c * w * h + i] = v;
    }
  }
  const t = classTexture(image, labels, valid, 2);
  expect(t[1]).toBeCloseTo(0);
  expect(t[2]).toBeCloseTo(127.5, 1);
});
