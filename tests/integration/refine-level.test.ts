// The refine-level stage graph on its own (onnxruntime-web, WASM): where `inherit` says a class is
// copied coherently, a child starts from its parent's best match instead of choosing among the parent's
// particles by its own features.
import { nodeRunner } from '../../src/cli/models-node';
import { tensor } from '../../src/inference/tensor';
import { FEATURE_DIM, PARTICLES } from '../../models/stages';

const runner = nodeRunner(1);
afterAll(() => runner.dispose());

const TW = 8, TH = 8, SW = 32, SH = 8, D = FEATURE_DIM;

/** A unit feature vector with the given leading components. */
function unit(...v: number[]): number[] {
  const n = Math.hypot(...v);
  return Array.from({ length: D }, (_, k) => (k < v.length ? v[k] / n : 0));
}

/**
 * Targets (8×8, at atlas columns 0–7) that look more like the sources 16 columns to their right (B)
 * than like those 8 columns to the right (A); the parent level's best match is A everywhere (a coherent
 * copy), its second B. Returns the best displacement's dx at every target.
 */
async function bestDx(inherit: number): Promise<number[]> {
  const tgt = new Float32Array(D * TW * TH), src = new Float32Array(D * SW * SH);
  const target = unit(0.7, 0.7), A = unit(1, 0), B = unit(0.8, 0.6), other = unit(0, 0, 1);
  for (let i = 0; i < TW * TH; i++) for (let k = 0; k < D; k++) tgt[k * TW * TH + i] = target[k];
  for (let y = 0; y < SH; y++) {
    for (let x = 0; x < SW; x++) {
      const f = x >= 8 && x < 16 ? A : x >= 16 && x < 24 ? B : other;
      for (let k = 0; k < D; k++) src[k * SW * SH + y * SW + x] = f[k];
    }
  }
  const home = new Float32Array(2 * TW * TH);
  for (let y = 0; y < TH; y++) for (let x = 0; x < TW; x++) { home[y * TW + x] = y; home[TW * TH + y * TW + x] = x; }
  // Parent particles (parent pixels, half the child's): A at +4, B at +8, then two others.
  const HP = TH / 2, WP = TW / 2, P = HP * WP;
  const parent = new Float32Array(PARTICLES * 2 * P);
  [4, 8, 12, 0].forEach((dx, m) => parent.fill(dx, (2 * m + 1) * P, (2 * m + 2) * P));
  const ones = (n: number) => new Float32Array(n).fill(1);
  const out = await runner.run('refine-level', {
    tgtFeatures: tensor(tgt, [1, D, TH, TW]), srcFeatures: tensor(src, [1, D, SH, SW]),
    tgtLabels: tensor(ones(TW * TH), [1, 1, TH, TW]), srcLabels: tensor(ones(SW * SH), [1, 1, SH, SW]), srcValid: tensor(ones(SW * SH), [1, 1, SH, SW]),
    tgtHome: tensor(home, [1, 2, TH, TW]), parentParticles: tensor(parent, [PARTICLES, 2, HP, WP]),
    inherit: tensor(new Float32Array(TW * TH).fill(inherit), [1, 1, TH, TW]),
    noise: tensor(new Float32Array(2 * 3 * 2 * TW * TH), [2, 3, 2, TH, TW]),
    // labelPenalty, scale, window0 (no random search), decay, coherence
    params: tensor(Float32Array.from([4, 2, 0, 0.5, 1]), [5]),
  });
  return Array.from(out.particles.data.subarray(TW * TH, 2 * TW * TH));
}

test('inheriting, every child keeps the parent\'s coherent copy; choosing, each takes the better-looking source', async () => {
  expect(new Set(await bestDx(1))).toEqual(new Set([8]));
  expect(new Set(await bestDx(0))).toEqual(new Set([16]));
});
