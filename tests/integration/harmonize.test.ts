// The harmonize stage graph on its own (onnxruntime-web, WASM): the smooth continuation its border rings
// fade into depends on the pixels around the hole, not on where the caller's box begins.
import { nodeRunner } from '../../src/cli/models-node';
import { tensor } from '../../src/inference/tensor';

const runner = nodeRunner(1);
afterAll(() => runner.dispose());

const N = 72;
/** A textured 72×72 photo (0..1) and a round hole of radius 20 in its middle. */
function scene(): { image: Float32Array; hole: Uint8Array } {
  const image = new Float32Array(3 * N * N), hole = new Uint8Array(N * N);
  for (let y = 0; y < N; y++) {
    for (let x = 0; x < N; x++) {
      const i = y * N + x;
      for (let c = 0; c < 3; c++) image[c * N * N + i] = (((x * 7 + y * 13 + c * 5) % 17) / 17) * 0.6 + (0.3 * y) / N;
      hole[i] = (x - 36) ** 2 + (y - 36) ** 2 < 400 ? 1 : 0;
    }
  }
  return { image, hole };
}

/** harmonize over the box [x0, x0 + w) × [y0, y0 + w), every hole pixel given to the continuation. */
async function continuation(x0: number, y0: number, w: number): Promise<Float32Array> {
  const { image, hole } = scene();
  const img = new Float32Array(3 * w * w), known = new Float32Array(w * w), ones = new Float32Array(w * w);
  for (let y = 0; y < w; y++) {
    for (let x = 0; x < w; x++) {
      const i = (y0 + y) * N + x0 + x, j = y * w + x;
      for (let c = 0; c < 3; c++) img[c * w * w + j] = image[c * N * N + i];
      known[j] = hole[i] ? 0 : 1;
      ones[j] = hole[i] ? 1 : 0;
    }
  }
  const T = (d: Float32Array, ch: number) => tensor(d, [1, ch, w, w]);
  const out = await runner.run('harmonize', { warped: T(new Float32Array(3 * w * w), 3), image: T(img, 3), known: T(known, 1), alpha: T(ones, 1), seam: T(ones, 1) });
  return out.refined.data;
}

test('the border rings\' continuation is the same whichever box corner the caller starts from', async () => {
  const whole = await continuation(0, 0, N);
  const shifted = await continuation(3, 1, 64); // a box one pixel lower and three to the right
  const { hole } = scene();
  let compared = 0, worst = 0;
  // Pixels whose windows (up to 33 px wide, then a 5 px blur) lie inside both boxes.
  for (let y = 19; y <= 46; y++) {
    for (let x = 21; x <= 48; x++) {
      if (!hole[y * N + x] || (x - 36) ** 2 + (y - 36) ** 2 < 169) continue; // the 7 px inside the border
      for (let c = 0; c < 3; c++) worst = Math.max(worst, Math.abs(whole[c * N * N + y * N + x] - shifted[c * 64 * 64 + (y - 1) * 64 + (x - 3)]));
      compared++;
    }
  }
  expect(compared).toBeGreaterThan(200);
  expect(worst).toBeLessThan(1e-4); // 0.07 with the decimating push-pull it replaced
});
