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
    // SSIM by depth from the region's border: the bands the runs reach, each a valid SSIM.
    expect(Object.keys(v.ssimByDepth)).toEqual(res.depthBandsPx);
    expect(v.ssimByDepth['≤4']).toBeGreaterThan(-1);
    expect(v.ssimByDepth['≤4']).toBeLessThanOrEqual(1);
  }
  expect(r.stdout).toMatch(/SSIM by depth from the region border/);
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

test('bench-layout times one small completion and writes the JSON runs with the time by stage', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'relayout-bench-layout-'));
  const json = join(tmp, 'bench-layout.json');
  const r = run('bench-layout', '--sizes', '0.3', '--keep', '0.05', '--repeats', '1', '--json', json);
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  expect(r.stdout).toMatch(/0\.3 +0\.05 +5\.\d% +\d+\.\d\d +\d+ +forest\+flood \d+%/);
  const res = JSON.parse(readFileSync(json, 'utf8'));
  expect(res.runs).toHaveLength(1);
  const m = res.runs[0];
  expect(m.megapixels).toBeGreaterThan(0.29);
  expect(m.megapixels).toBeLessThan(0.31);
  expect(m.keep).toBe(0.05);
  expect(m.strokeFraction).toBeGreaterThan(0.03); // about 5 % of every class
  expect(m.strokeFraction).toBeLessThan(0.07);
  expect(m.medianSeconds).toBeGreaterThan(0);
  expect(m.peakRssMB).toBeGreaterThan(10);
  // Every stage is timed, and together they are the completion's time (within the timer's rounding).
  expect(Object.keys(m.stages)).toEqual(['forest+flood', 'self-training+islands+closure', 'confidence', 'upsample', 'border pass', 'strokes+finish']);
  const total = Object.values(m.stages as Record<string, number>).reduce((a, b) => a + b, 0);
  expect(total).toBeGreaterThan(0.8 * m.medianSeconds);
  expect(total).toBeLessThanOrEqual(m.medianSeconds * 1.001);
}, 120_000);
