// Planning what a remote edit sends (whole image, crop, or tiles) and blending tiles back. Pure code.
import { Bounds } from '../../src/layout';
import { planTiles, TileCompositor, tileWeight } from '../../src/inference';

const box = (x0: number, y0: number, x1: number, y1: number): Bounds => ({ x0, y0, x1, y1 });

test('the whole image when it fits and the crop would cover most of it', () => {
  const p = planTiles({ width: 400, height: 300 }, box(100, 100, 200, 200), { maxPixels: 1e6, marginPx: 10 });
  expect(p.mode).toBe('whole');
  expect(p.tiles.map((t) => t.box)).toEqual([box(0, 0, 400, 300)]);
});

test('only a padded crop around a small edit in a large image', () => {
  const p = planTiles({ width: 10000, height: 10000 }, box(5000, 6000, 5100, 6050), { maxPixels: 4e6, marginPx: 10 });
  expect(p.mode).toBe('crop');
  expect(p.tiles.map((t) => t.box)).toEqual([box(4872, 5872, 5228, 6178)]); // 128 px of context each side
});

describe('overlapping tiles for an edit larger than the limit', () => {
  const size = { width: 3000, height: 2000 };
  const mask = box(200, 300, 2800, 1700);
  const margin = 30;
  const p = planTiles(size, mask, { maxPixels: 1_000_000, marginPx: margin });

  test('every tile fits the limit and neighbours overlap by at least the overlap', () => {
    expect(p.mode).toBe('tiles');
    expect(p.overlapPx).toBe(96);
    for (const t of p.tiles) expect((t.box.x1 - t.box.x0) * (t.box.y1 - t.box.y0)).toBeLessThanOrEqual(1_000_000);
    const xs = [...new Set(p.tiles.map((t) => t.box.x0))].sort((a, b) => a - b);
    const w = p.tiles[0].box.x1 - p.tiles[0].box.x0;
    for (let i = 1; i < xs.length; i++) expect(xs[i - 1] + w - xs[i]).toBeGreaterThanOrEqual(96);
  });

  test('weights sum to 1 everywhere in the region and vanish near cut edges', () => {
    const r = p.region;
    for (let y = r.y0; y < r.y1; y += 13) {
      for (let x = r.x0; x < r.x1; x += 13) {
        let sum = 0;
        for (const t of p.tiles) {
          const inside = x >= t.box.x0 && x < t.box.x1 && y >= t.box.y0 && y < t.box.y1;
          const w = inside ? tileWeight(t, x, y) : 0;
          if (inside) {
            // Within `margin` of an edge shared with a neighbour, a tile's result is not trusted.
            const nearCut = (t.rampLeft && x < t.box.x0 + margin) || (t.rampRight && x >= t.box.x1 - margin) ||
              (t.rampTop && y < t.box.y0 + margin) || (t.rampBottom && y >= t.box.y1 - margin);
            if (nearCut) expect(w).toBe(0);
          }
          sum += w;
        }
        expect(sum).toBeCloseTo(1, 6);
      }
    }
  });
});

test('tiles reassemble the image exactly where every tile agrees', () => {
  // An 80×60 "server result" that every tile reproduces: the blend must give it back byte for byte.
  const W = 80, H = 60;
  const input = { width: W, height: H, data: new Uint8Array(W * H * 4).fill(10) };
  const truth = new Uint8Array(W * H * 4);
  for (let i = 0; i < truth.length; i++) truth[i] = (i * 37) % 256;
  const alpha = new Uint8Array(W * H).fill(255);
  const p = planTiles({ width: W, height: H }, box(0, 0, W, H), { maxPixels: 1600, overlapPx: 12, marginPx: 2, paddingPx: 0 });
  expect(p.tiles.length).toBeGreaterThan(2);
  const c = new TileCompositor(input, alpha, box(0, 0, W, H));
  for (const t of p.tiles) {
    const tw = t.box.x1 - t.box.x0, th = t.box.y1 - t.box.y0;
    const out = new Uint8Array(tw * th * 4);
    for (let y = 0; y < th; y++) out.set(truth.subarray(((y + t.box.y0) * W + t.box.x0) * 4, ((y + t.box.y0) * W + t.box.x1) * 4), y * tw * 4);
    c.add(t, { width: tw, height: th, data: out }, new Uint8Array(tw * th).fill(255));
  }
  const { image, uncoveredPixels } = c.finish();
  expect(uncoveredPixels).toBe(0);
  for (let i = 0; i < W * H; i++) for (let k = 0; k < 3; k++) expect(image.data[i * 4 + k]).toBe(truth[i * 4 + k]);
});

test('a tile composited with a wider mask is re-weighted to the global mask weight', () => {
  // Server: out = x + αt·(r − x) with αt = 255; global αg = 51 (20%): result x + 0.2·(r − x).
  const input = { width: 1, height: 1, data: Uint8Array.of(100, 100, 100, 255) };
  const c = new TileCompositor(input, Uint8Array.of(51), box(0, 0, 1, 1));
  c.add({ box: box(0, 0, 1, 1) }, { width: 1, height: 1, data: Uint8Array.of(200, 0, 100, 255) }, Uint8Array.of(255));
  expect([...c.finish().image.data]).toEqual([120, 80, 100, 255]);
});
