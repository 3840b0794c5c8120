// The sparse-layout evaluation: simulated strokes (in-process, small maps) and `relayout eval-layout`
// on a tiny scene written to a temporary folder (a child process, like users run it).
import { spawnSync } from 'child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { PNG } from 'pngjs';
import { simulateStrokes } from '../../src/cli/eval-layout-strokes';
import { classIous, scoreLayout } from '../../src/cli/eval-layout';
import { labelMap, rect } from '../helpers/images';

const ROOT = join(__dirname, '..', '..');

describe('simulated strokes', () => {
  // Class 1 everywhere, class 2 a block, class 3 two separate blocks.
  const truth = labelMap(120, 80, 1);
  rect(truth, 10, 10, 50, 40, 2);
  rect(truth, 70, 50, 90, 70, 3);
  rect(truth, 100, 5, 115, 20, 3);

  test.each([0.02, 0.1, 0.2])('keep %p of every class, inside the class, in every separate region', (keep) => {
    const strokes = simulateStrokes(truth, { keep, seed: 4 });
    const kept = new Map<number, number>(), total = new Map<number, number>();
    for (let i = 0; i < truth.labels.length; i++) {
      total.set(truth.labels[i], (total.get(truth.labels[i]) ?? 0) + 1);
      const s = strokes.labels[i];
      if (!s) continue;
      expect(s).toBe(truth.labels[i]);
      kept.set(s, (kept.get(s) ?? 0) + 1);
    }
    for (const [label, count] of total) {
      // Rounded per region, so within one pixel per region of the fraction.
      expect(Math.abs((kept.get(label) ?? 0) - keep * count)).toBeLessThanOrEqual(2);
    }
    const inRect = (x0: number, y0: number, x1: number, y1: number): number => {
      let n = 0;
      for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) if (strokes.labels[y * 120 + x]) n++;
      return n;
    };
    expect(inRect(70, 50, 90, 70)).toBeGreaterThan(0);
    expect(inRect(100, 5, 115, 20)).toBeGreaterThan(0);
  });

  test('the same seed gives the same strokes; another seed others', () => {
    const a = simulateStrokes(truth, { keep: 0.1, seed: 1 });
    const b = simulateStrokes(truth, { keep: 0.1, seed: 1 });
    const c = simulateStrokes(truth, { keep: 0.1, seed: 2 });
    expect(Buffer.compare(Buffer.from(a.labels), Buffer.from(b.labels))).toBe(0);
    expect(Buffer.compare(Buffer.from(a.labels), Buffer.from(c.labels))).not.toBe(0);
  });

  test('scores: mean IoU over the truth classes and pixel accuracy', () => {
    const t = labelMap(10, 2, 1);
    rect(t, 5, 0, 10, 2, 2);
    const p = labelMap(10, 2, 1);
    rect(p, 6, 0, 10, 2, 2);
    const s = scoreLayout(t, p);
    expect(s.accuracy).toBeCloseTo(18 / 20);
    expect(s.miou).toBeCloseTo((10 / 12 + 8 / 10) / 2);
    const ious = classIous(t, p);
    expect([...ious.keys()]).toEqual([1, 2]);
    expect(ious.get(1)).toBeCloseTo(10 / 12);
    expect(ious.get(2)).toBeCloseTo(8 / 10);
  });
});

describe('relayout eval-layout', () => {
  test('scores a scene, writes overlay sheets and the JSON summary in the documented shape', () => {
    // One scene: a photo whose colour regions are exactly the authored layout (a wedge of water under sky).
    const dir = mkdtempSync(join(tmpdir(), 'relayout-eval-layout-'));
    const sceneDir = join(dir, 'scenes', 'wedge');
    mkdirSync(sceneDir, { recursive: true });
    const width = 160, height = 100;
    const png = new PNG({ width, height });
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const water = y + 0.5 > 40 + ((x + 0.5) * 40) / width;
        png.data.set(water ? [40, 90, 150, 255] : [200, 210, 230, 255], (y * width + x) * 4);
      }
    }
    writeFileSync(join(sceneDir, 'photo.png'), PNG.sync.write(png, { filterType: 0 }));
    writeFileSync(
      join(sceneDir, 'scene.json'),
      JSON.stringify({
        name: 'wedge',
        title: 'Wedge',
        photo: 'photo.png',
        palette: 'ade20k',
        frame: [width, height],
        layout: [
          { class: 'sky', polygon: [[0, 0], [width, 0], [width, height], [0, height]] },
          { class: 'water', polygon: [[0, 40], [width, 80], [width, height], [0, height]] },
        ],
        edits: [],
      }),
    );
    const json = join(dir, 'summary.json');
    const out = join(dir, 'sheets');
    const r = spawnSync(
      process.execPath,
      [join(ROOT, 'bin', 'relayout.js'), 'eval-layout', '--samples', join(dir, 'scenes'), '--out', out, '--keep', '0.02,0.2', '--seeds', '1,2', '--json', json],
      { encoding: 'utf8', cwd: ROOT },
    );
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/wedge +0\.02 +\d\.\d{3} +\(\d\.\d{3}\)/);
    expect(r.stdout).toMatch(/Ceiling check/);
    expect(r.stdout).toMatch(/wedge +0\.20 +sky \d\.\d{3}, water \d\.\d{3}/); // the per-class table
    const summary = JSON.parse(readFileSync(json, 'utf8')) as { keep: Record<string, Record<string, number>> };
    expect(Object.keys(summary)).toEqual(['keep']);
    expect(Object.keys(summary.keep)).toEqual(['0.02', '0.2']);
    for (const entry of Object.values(summary.keep)) {
      expect(Object.keys(entry).sort()).toEqual(['accuracy', 'baselineMiou', 'miou']);
      // The colour edge is the authored border, so following it beats splitting between strokes.
      expect(entry.miou).toBeGreaterThan(0.97);
      expect(entry.miou).toBeGreaterThanOrEqual(entry.baselineMiou);
      expect(entry.accuracy).toBeLessThanOrEqual(1);
    }
    expect(existsSync(join(out, 'wedge-keep2.png'))).toBe(true);
    expect(existsSync(join(out, 'wedge-keep20.png'))).toBe(true);
  });
});
