import { spawnSync } from 'child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { PNG } from 'pngjs';
import { join } from 'path';
import { readImage, writeImage } from '../../src/cli/image-io';
import { ADE20K, computeEditMask, decodeLabels, labelOf } from '../../src/layout';
import { solid } from '../helpers/images';

const ROOT = join(__dirname, '..', '..');
const SCENE = join(ROOT, 'samples', 'evening-glow');
const photo = join(SCENE, 'photo.jpg');
const layout = join(SCENE, 'layout.png');
const removeBoats = join(SCENE, 'edits', 'remove-boats.png');

// NOTE: the CLI runs as a real child process (the compiled bin). Besides being what users run, this keeps
// pixel loops out of jest's vm context, where every global lookup (Math, Buffer) is ~100× slower.
let tmp: string;
let out: string[];
let err: string[];

beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), 'relayout-cli-'));
});

function run(...args: string[]): number {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'relayout.js'), ...args], { encoding: 'utf8', cwd: ROOT });
  out = [r.stdout];
  err = [r.stderr];
  return r.status ?? -1;
}

describe('relayout edit', () => {
  test('regenerates the edited region, keeps every other pixel, writes a comparison sheet', () => {
    const dest = join(tmp, 'out.png');
    expect(run('edit', '--image', photo, '--layout', layout, '--edited', removeBoats, '--out', dest, '--compare')).toBe(0);
    const input = readImage(photo);
    const result = readImage(dest);
    expect([result.width, result.height]).toEqual([input.width, input.height]);
    const mask = computeEditMask(decodeLabels(readImage(layout), ADE20K).map, decodeLabels(readImage(removeBoats), ADE20K).map);
    let inside = 0, changed = 0, changedOutside = 0;
    for (let i = 0; i < mask.mask.length; i++) {
      const p = i * 4;
      const same = result.data[p] === input.data[p] && result.data[p + 1] === input.data[p + 1] && result.data[p + 2] === input.data[p + 2] && result.data[p + 3] === input.data[p + 3];
      if (!mask.mask[i]) { if (!same) changedOutside++; }
      else { inside++; if (!same) changed++; }
    }
    expect(changedOutside).toBe(0);
    expect(inside).toBeGreaterThan(10000);
    expect(changed / inside).toBeGreaterThan(0.5);
    const sheet = readImage(join(tmp, 'out-compare.png'));
    expect(sheet.width).toBeGreaterThan(4 * 640);
    // The classes inside the mask: the dilation band reaches the shore, the other boats and the plank (pier).
    expect(out.join('\n')).toMatch(/Regenerated .*% of 1280×800 \(water, earth, boat, pier\)/);
  });

  test('--mask with an unchanged layout regenerates just that region; JPEG output works', () => {
    const maskImg = solid(1280, 800, [0, 0, 0]);
    for (let y = 100; y < 200; y++) for (let x = 100; x < 300; x++) maskImg.data.set([255, 255, 255, 255], (y * 1280 + x) * 4);
    const maskPath = join(tmp, 'mask.png');
    const png = new PNG({ width: 1280, height: 800 });
    Buffer.from(maskImg.data).copy(png.data);
    writeFileSync(maskPath, PNG.sync.write(png, { filterType: 0 })); // unfiltered: fast inside jest
    const dest = join(tmp, 'out.jpg');
    expect(run('edit', '--image', photo, '--layout', layout, '--edited', layout, '--mask', maskPath, '--out', dest)).toBe(0);
    expect(readImage(dest).width).toBe(1280);
    expect(out.join('\n')).toMatch(/Regenerated 2\.0% of 1280×800/);
  });

  test('an unchanged layout without --mask writes the input and says nothing was regenerated', () => {
    const dest = join(tmp, 'same.png');
    expect(run('edit', '--image', photo, '--layout', layout, '--edited', layout, '--out', dest)).toBe(0);
    expect(out.join('\n')).toMatch(/Nothing to regenerate/);
    expect(Buffer.compare(Buffer.from(readImage(dest).data), Buffer.from(readImage(photo).data))).toBe(0);
  });

  test('--detail fine regenerates the same region; an unknown detail names the choices', () => {
    const dest = join(tmp, 'fine.png');
    expect(run('edit', '--image', photo, '--layout', layout, '--edited', removeBoats, '--detail', 'fine', '--out', dest, '-q')).toBe(0);
    const result = readImage(dest), input = readImage(photo);
    const mask = computeEditMask(decodeLabels(readImage(layout), ADE20K).map, decodeLabels(readImage(removeBoats), ADE20K).map);
    let outside = 0;
    for (let i = 0; i < mask.mask.length; i++) if (!mask.mask[i] && [0, 1, 2].some((c) => result.data[i * 4 + c] !== input.data[i * 4 + c])) outside++;
    expect(outside).toBe(0);
    expect(run('edit', '--image', photo, '--layout', layout, '--edited', removeBoats, '--detail', 'ultra', '--out', dest)).not.toBe(0);
    expect(err.join('\n')).toMatch(/--detail.*ultra.*standard, fine/s);
  });

  test("--reference-look: hills lent by a sunset photo take the kite photo's blue light (matched) or keep their grey (own)", () => {
    const kite = join(ROOT, 'samples', 'kite');
    const args = (look: string, dest: string): string[] => ['edit', '--image', join(kite, 'photo.jpg'), '--layout', join(kite, 'layout.png'), '--edited', join(kite, 'edits', 'hill-below.png'),
      '--reference', photo, '--reference-layout', layout, '--reference-look', look, '--out', dest, '-q'];
    const matched = join(tmp, 'matched.png'), own = join(tmp, 'own.png');
    expect(run(...args('matched', matched))).toBe(0);
    expect(run(...args('own', own))).toBe(0);
    // The new hills: the pixels painted mountain, blue minus red.
    const edited = decodeLabels(readImage(join(kite, 'edits', 'hill-below.png')), ADE20K).map;
    const mountain = labelOf(ADE20K, 'mountain');
    const blueness = (file: string): number => {
      const img = readImage(file);
      let s = 0, n = 0;
      for (let i = 0; i < edited.labels.length; i++) if (edited.labels[i] === mountain) { s += img.data[i * 4 + 2] - img.data[i * 4]; n++; }
      return s / Math.max(1, n);
    };
    expect(blueness(own)).toBeLessThan(15); // the sunset photo's own grey
    expect(blueness(matched)).toBeGreaterThan(blueness(own) + 20);
    expect(run(...args('bright', matched))).not.toBe(0);
    expect(err.join('\n')).toMatch(/--reference-look.*bright.*matched, own/s);
  });

  test('a missing file is a clear error with exit code 2', () => {
    expect(run('edit', '--image', join(tmp, 'nope.png'), '--layout', layout, '--edited', layout, '--out', join(tmp, 'o.png'))).toBe(2);
    expect(err.join('\n')).toMatch(/image: file not found: .*nope\.png/);
  });

  test('an unreadable image is a clear error', () => {
    const bad = join(tmp, 'bad.png');
    writeFileSync(bad, 'this is not an image');
    expect(run('edit', '--image', bad, '--layout', layout, '--edited', layout, '--out', join(tmp, 'o.png'))).toBe(2);
    expect(err.join('\n')).toMatch(/neither a PNG nor a JPEG/);
  });

  test('mismatched sizes name both sizes', () => {
    const small = join(tmp, 'small.png');
    writeImage(small, solid(64, 40, [6, 230, 230]));
    expect(run('edit', '--image', photo, '--layout', layout, '--edited', small, '--out', join(tmp, 'o.png'))).toBe(2);
    expect(err.join('\n')).toMatch(/1280×800 vs 64×40/);
  });

  test('labels outside the palette are rejected, naming the colours', () => {
    // Decoding (and its palette check) runs before any size check, so a small layer suffices.
    const img = solid(64, 40, [6, 230, 230]);
    for (let p = 0; p < img.data.length / 4; p += 4) img.data.set([128, 64, 200, 255], p);
    const bad = join(tmp, 'bad-labels.png');
    writeImage(bad, img);
    expect(run('edit', '--image', photo, '--layout', layout, '--edited', bad, '--out', join(tmp, 'o.png'))).toBe(2);
    expect(err.join('\n')).toMatch(/match no class of palette "ade20k": rgb\(128,64,200\)/);
    expect(existsSync(join(tmp, 'o.png'))).toBe(false);
  });

  test('an invalid palette file is a clear error', () => {
    const pal = join(tmp, 'pal.json');
    writeFileSync(pal, JSON.stringify({ classes: [{ name: 'a', color: [1, 2, 3] }, { name: 'b', color: [1, 2, 3] }] }));
    expect(run('edit', '--image', photo, '--layout', layout, '--edited', layout, '--palette', pal, '--out', join(tmp, 'o.png'))).toBe(2);
    expect(err.join('\n')).toMatch(/already used by "a"/);
  });
});

describe('scenes and the installed command', () => {
  test('every committed layout PNG is what its scene.json rasterises to', () => {
    expect(run('rasterize-scenes', '--root', join(ROOT, 'samples'), '--check')).toBe(0);
    expect(out.join('\n')).not.toMatch(/stale/);
  });

  test('palettes lists the built-in palettes', () => {
    expect(run('palettes')).toBe(0);
    const text = out.join('');
    expect(text).toMatch(/ade20k\s+150 classes/);
    expect(text).toMatch(/coco\s+133 classes/);
    expect(text).toMatch(/cityscapes\s+19 classes/);
  });
});
