// `relayout eval` and `relayout bench` end to end (the compiled bin as a child process), on a reduced
// run: the JSON they write has the documented shape and plausible values, and the sheets exist.
import { spawnSync } from 'child_process';
import { existsSync, mkdtempSync, readFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { readImage } from '../../src/cli/image-io';

const ROOT = join(__dirname, '..', '..');

function run(...args: string[]): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'relayout.js'), ...args], { encoding: 'utf8', cwd: ROOT });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

test('eval regenerates regions with three methods, writes contact sheets and the JSON means', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'relayout-eval-'));
  const json = join(tmp, 'eval.json');
  const r = run('eval', '--scenes', 'path', '--per-scene', '2', '--no-gallery', '--out', tmp, '--json', json);
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  const res = JSON.parse(readFileSync(json, 'utf8'));
  expect(res.regions).toBe(2);
  for (const m of ['relayout', 'baseline', 'telea']) {
    const v = res.methods[m];
    expect(v.psnr).toBeGreaterThan(8);
    expect(v.psnr).toBeLessThan(60);
    expect(v.ssim).toBeGreaterThan(-1);
    expect(v.ssim).toBeLessThan(1);
    expect(v.sharpness).toBeGreaterThan(0);
    expect(v.seam).toBeGreaterThan(0);
  }
  // The reference: the photo's own texture, 4 and 16 px out of place (closer is more alike).
  expect(res.misalignedPhoto['4'].ssim).toBeLessThan(1);
  expect(res.misalignedPhoto['4'].psnr).toBeGreaterThan(res.misalignedPhoto['16'].psnr);
  expect(res.perRegion[0].misaligned['16'].ssim).toBeGreaterThan(-1);
  expect(r.stdout).toMatch(/the photo itself shifted 4 \/ 16 px sideways/);
  // The class fill is flat; the engine copies texture.
  expect(res.methods.baseline.sharpness).toBeLessThan(0.3);
  expect(res.methods.relayout.sharpness).toBeGreaterThan(res.methods.baseline.sharpness);
  const sheet = readImage(join(tmp, 'path-01-within.png'));
  expect(sheet.width).toBeGreaterThan(sheet.height); // truth | relayout | baseline | telea side by side
  expect(r.stdout).toMatch(/targets: /);
}, 180_000);

test('bench measures one small size with one thread and writes the JSON runs', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'relayout-bench-'));
  const json = join(tmp, 'bench.json');
  const r = run('bench', '--sizes', '0.1', '--threads', '1', '--repeats', '1', '--no-dense', '--json', json);
  expect(r.status).toBe(0);
  expect(existsSync(json)).toBe(true);
  const res = JSON.parse(readFileSync(json, 'utf8'));
  expect(res.runs).toHaveLength(1);
  const run0 = res.runs[0];
  expect(run0.megapixels).toBeGreaterThan(0.09);
  expect(run0.megapixels).toBeLessThan(0.11);
  expect(run0.maskFraction).toBeGreaterThan(0.14);
  expect(run0.maskFraction).toBeLessThan(0.16);
  expect(run0.threads).toBe(1);
  expect(run0.medianSeconds).toBeGreaterThan(0);
  expect(run0.peakRssMB).toBeGreaterThan(20);
  expect(Object.keys(run0.stages)).toEqual(expect.arrayContaining(['warp', 'harmonize']));
}, 180_000);
