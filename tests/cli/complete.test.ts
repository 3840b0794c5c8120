// `relayout complete` as users run it: the compiled CLI in a child process (pixel loops stay out of
// jest's slow vm context; see tests/cli/cli.test.ts).
import { spawnSync } from 'child_process';
import { mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { PNG } from 'pngjs';
import { readImage } from '../../src/cli/image-io';
import { ADE20K, decodeLabels, labelOf, RgbaImage } from '../../src/layout';

const ROOT = join(__dirname, '..', '..');
const SKY = labelOf(ADE20K, 'sky');
const GRASS = labelOf(ADE20K, 'grass');
const KITE = labelOf(ADE20K, 'plaything');
const colour = (label: number): readonly number[] => ADE20K.classes[label - 1].color;

let tmp: string;
let stdout = '';
let stderr = '';

beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), 'relayout-complete-'));
});

function run(...args: string[]): number {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'relayout.js'), ...args], { encoding: 'utf8', cwd: ROOT });
  stdout = r.stdout;
  stderr = r.stderr;
  return r.status ?? -1;
}

/** Writes an RGBA buffer as PNG (unfiltered: quick to encode inside jest). */
function writePng(name: string, width: number, height: number, paint: (data: Buffer) => void): string {
  const png = new PNG({ width, height });
  png.data.fill(0);
  paint(png.data);
  const path = join(tmp, name);
  writeFileSync(path, PNG.sync.write(png, { filterType: 0 }));
  return path;
}

function box(data: Buffer, width: number, x0: number, y0: number, x1: number, y1: number, rgba: readonly number[]): void {
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) data.set(rgba, (y * width + x) * 4);
}

/** A 160×100 photo: warm left part, cool right part, split at x = 61. */
function twoColourPhoto(): string {
  return writePng('photo.png', 160, 100, (d) => {
    box(d, 160, 0, 0, 61, 100, [190, 90, 50, 255]);
    box(d, 160, 61, 0, 160, 100, [60, 120, 200, 255]);
  });
}

describe('relayout complete', () => {
  test('writes a full label PNG whose border follows the photo, and a confidence PNG', () => {
    const photo = twoColourPhoto();
    const strokes = writePng('strokes.png', 160, 100, (d) => {
      box(d, 160, 5, 40, 10, 60, [...colour(SKY), 255]);
      box(d, 160, 150, 40, 155, 60, [...colour(GRASS), 255]);
    });
    const out = join(tmp, 'labels.png');
    const conf = join(tmp, 'confidence.png');
    expect(run('complete', '--image', photo, '--strokes', strokes, '--out', out, '--confidence', conf)).toBe(0);
    const { map, report } = decodeLabels(readImage(out), ADE20K);
    expect(report.exact).toBe(160 * 100);
    for (let y = 0; y < 100; y++) for (let x = 0; x < 160; x++) expect(map.labels[y * 160 + x]).toBe(x < 61 ? SKY : GRASS);
    const c = readImage(conf);
    expect([c.width, c.height]).toEqual([160, 100]);
    expect(c.data[(50 * 160 + 7) * 4]).toBe(255); // on a stroke
    expect(c.data[(50 * 160 + 7) * 4 + 1]).toBe(255);
    expect(stdout).toMatch(/Completed 160×100 from .*% stroke pixels \(sky, grass\)/);
    expect(stdout).toMatch(/Completion \d+\.\d\d s/);
  });

  test('completes a full-size sample photo from a few strokes (coarse to fine)', () => {
    const photo: RgbaImage = readImage(join(ROOT, 'samples', 'kite', 'photo.jpg'));
    const strokes = writePng('kite-strokes.png', photo.width, photo.height, (d) => {
      box(d, photo.width, 100, 100, 600, 110, [...colour(SKY), 255]);
      box(d, photo.width, 700, 600, 1200, 610, [...colour(SKY), 255]);
      box(d, photo.width, 200, 400, 210, 700, [...colour(SKY), 255]);
      box(d, photo.width, 832, 262, 840, 300, [...colour(KITE), 255]); // inside the red part of the kite
    });
    const out = join(tmp, 'kite.png');
    expect(run('complete', '--image', join(ROOT, 'samples', 'kite', 'photo.jpg'), '--strokes', strokes, '--out', out, '-q')).toBe(0);
    expect(stdout).toBe('');
    const { map } = decodeLabels(readImage(out), ADE20K);
    const at = (x: number, y: number): number => map.labels[y * photo.width + x];
    expect(at(836, 280)).toBe(KITE);
    expect(at(828, 300)).toBe(KITE); // kite, away from the stroke
    expect(at(640, 400)).toBe(SKY);
    expect(at(1270, 790)).toBe(SKY);
    let kite = 0;
    for (const l of map.labels) if (l === KITE) kite++;
    expect(kite).toBeGreaterThan(800); // the kite, not just the stroke
    expect(kite).toBeLessThan(6000); // and not the sky around it
  });

  test('--previous: a correcting stroke changes only the area it reaches; the earlier completion stands elsewhere', () => {
    // Four flat quadrants; sky strokes on the left, grass top right; the bottom right goes to one of them.
    const photo = writePng('quads.png', 120, 80, (d) => {
      box(d, 120, 0, 0, 60, 40, [200, 60, 40, 255]);
      box(d, 120, 60, 0, 120, 40, [40, 60, 200, 255]);
      box(d, 120, 0, 40, 60, 80, [40, 190, 60, 255]);
      box(d, 120, 60, 40, 120, 80, [220, 210, 40, 255]);
    });
    const paintFirst = (d: Buffer): void => {
      box(d, 120, 5, 5, 15, 10, [...colour(SKY), 255]);
      box(d, 120, 5, 60, 15, 65, [...colour(SKY), 255]);
      box(d, 120, 95, 5, 105, 10, [...colour(GRASS), 255]);
    };
    const first = writePng('first.png', 120, 80, paintFirst);
    const second = writePng('second.png', 120, 80, (d) => {
      paintFirst(d);
      box(d, 120, 80, 55, 110, 60, [...colour(KITE), 255]);
    });
    const done = join(tmp, 'done.png');
    expect(run('complete', '--image', photo, '--strokes', first, '--out', done, '-q')).toBe(0);
    // Stand in for an earlier result a fresh run would not reproduce: the top-left corner is grass.
    const earlier = decodeLabels(readImage(done), ADE20K).map;
    const edited = writePng('edited.png', 120, 80, (d) => {
      for (let i = 0; i < earlier.labels.length; i++) d.set([...colour(earlier.labels[i]), 255], i * 4);
      box(d, 120, 0, 0, 4, 4, [...colour(GRASS), 255]);
    });
    const next = join(tmp, 'next.png');
    expect(run('complete', '--image', photo, '--strokes', second, '--out', next, '--previous', edited, '--previous-strokes', first)).toBe(0);
    expect(stdout).toMatch(/Incremental: \d+\.\d\d% of pixels changed/);
    const after = decodeLabels(readImage(next), ADE20K).map;
    const at = (x: number, y: number): number => after.labels[y * 120 + x];
    expect(at(90, 70)).toBe(KITE); // the new class took the bottom-right quadrant
    expect(at(1, 1)).toBe(GRASS); // the earlier result stands away from it
    for (let y = 0; y < 80; y++) for (let x = 0; x < 56; x++) if (x >= 4 || y >= 4) expect(after.labels[y * 120 + x]).toBe(earlier.labels[y * 120 + x]);

    expect(run('complete', '--image', photo, '--strokes', second, '--out', next, '--previous', edited)).toBe(2);
    expect(stderr).toMatch(/--previous and --previous-strokes go together/);
    expect(run('complete', '--image', photo, '--strokes', second, '--out', next, '--previous', first, '--previous-strokes', first)).toBe(2);
    expect(stderr).toMatch(/is not a completed label map/);
  });

  test('strokes of another size: exit code 2 and both sizes named', () => {
    const photo = twoColourPhoto();
    const strokes = writePng('small.png', 80, 50, (d) => box(d, 80, 0, 0, 4, 4, [...colour(SKY), 255]));
    expect(run('complete', '--image', photo, '--strokes', strokes, '--out', join(tmp, 'o.png'))).toBe(2);
    expect(stderr).toMatch(/sizes differ \(160×100 vs 80×50\)/);
  });

  test('strokes in colours outside the palette: exit code 2 naming the colour', () => {
    const photo = twoColourPhoto();
    const strokes = writePng('off.png', 160, 100, (d) => {
      box(d, 160, 5, 40, 10, 60, [...colour(SKY), 255]);
      box(d, 160, 100, 40, 110, 60, [1, 2, 3, 255]);
    });
    expect(run('complete', '--image', photo, '--strokes', strokes, '--out', join(tmp, 'o.png'))).toBe(2);
    expect(stderr).toMatch(/200 of 300 painted pixels match no class of palette "ade20k": rgb\(1,2,3\)/);
    expect(stderr).toMatch(/transparent layer/);
  });

  test('an empty strokes layer: exit code 2 with what to do', () => {
    const photo = twoColourPhoto();
    const strokes = writePng('empty.png', 160, 100, () => undefined);
    expect(run('complete', '--image', photo, '--strokes', strokes, '--out', join(tmp, 'o.png'))).toBe(2);
    expect(stderr).toMatch(/strokes layer is empty: paint at least one stroke/);
  });
});
