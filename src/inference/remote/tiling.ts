// What a remote edit sends: the whole image, one crop around the edit mask, or overlapping tiles when the
// crop exceeds the server's pixel limit; and how tile results are blended back. Pure typed-array code.
import { Bounds, InputError, LabelMap, RgbaImage } from '../../layout';
import type { RelayoutJob } from '../job';

export interface TilePlanOptions {
  /** Most pixels one request may carry (the server's limit). */
  maxPixels: number;
  /** Context around the mask bounds, px. Default max(128, a quarter of the mask's larger side). */
  paddingPx?: number;
  /** Overlap between neighbouring tiles, px (peers saw seams at 48, none at 96). Default 96. */
  overlapPx?: number;
  /**
   * Band along a tile's cut edges where its result is not trusted, px: the tile cannot see changes
   * beyond its edge, so its mask may miss pixels within a dilation radius (+ feather) of it.
   */
  marginPx: number;
  /** Send the whole image instead of a crop when the crop covers at least this share of it. Default 0.5. */
  wholeFraction?: number;
}

/** A linear ramp of a tile's weight along one axis: 0 at `from`, 1 at `to` (either direction). */
interface Ramp {
  from: number;
  to: number;
}

export interface Tile {
  box: Bounds;
  /** Weight ramps in along cut edges shared with a neighbour (absent on outer edges). */
  rampLeft?: Ramp;
  rampRight?: Ramp;
  rampTop?: Ramp;
  rampBottom?: Ramp;
}

export interface TilePlan {
  mode: 'whole' | 'crop' | 'tiles';
  /** The region that is sent, as one request or as tiles. */
  region: Bounds;
  tiles: Tile[];
  overlapPx: number;
}

/** Smallest step between neighbouring tiles, px. */
const MIN_STEP = 16;

const area = (b: Bounds): number => (b.x1 - b.x0) * (b.y1 - b.y0);

/** Positions of `n` tiles of length `t` covering [start, start + len), evenly spread, ends flush. */
function positions(start: number, len: number, n: number, t: number): number[] {
  if (n === 1) return [start];
  return Array.from({ length: n }, (_, i) => start + Math.round((i * (len - t)) / (n - 1)));
}

/** Plans the requests of one remote edit around the mask bounds. */
export function planTiles(size: { width: number; height: number }, maskBounds: Bounds, opts: TilePlanOptions): TilePlan {
  const { width: W, height: H } = size;
  const bw = maskBounds.x1 - maskBounds.x0, bh = maskBounds.y1 - maskBounds.y0;
  const pad = opts.paddingPx ?? Math.max(128, Math.round(0.25 * Math.max(bw, bh)));
  const region: Bounds = {
    x0: Math.max(0, maskBounds.x0 - pad),
    y0: Math.max(0, maskBounds.y0 - pad),
    x1: Math.min(W, maskBounds.x1 + pad),
    y1: Math.min(H, maskBounds.y1 + pad),
  };
  const whole: Bounds = { x0: 0, y0: 0, x1: W, y1: H };
  const overlap0 = opts.overlapPx ?? 96;
  if (W * H <= opts.maxPixels && area(region) >= (opts.wholeFraction ?? 0.5) * W * H) {
    return { mode: 'whole', region: whole, tiles: [{ box: whole }], overlapPx: 0 };
  }
  if (area(region) <= opts.maxPixels) return { mode: 'crop', region, tiles: [{ box: region }], overlapPx: 0 };

  // Overlap must leave a blend ramp between the two untrusted margins.
  const m = opts.marginPx;
  const O = Math.max(overlap0, 2 * m + 16);
  const rw = region.x1 - region.x0, rh = region.y1 - region.y0;
  let best: { nx: number; ny: number; tw: number; th: number } | null = null;
  for (let nx = 1; nx <= 256; nx++) {
    // Tiles must advance by a useful step; weights are normalised, so neighbours' ramps may overlap.
    const tw = nx === 1 ? rw : Math.ceil((rw + (nx - 1) * O) / nx);
    if (nx > 1 && tw < O + MIN_STEP) break;
    for (let ny = 1; ny <= 256; ny++) {
      const th = ny === 1 ? rh : Math.ceil((rh + (ny - 1) * O) / ny);
      if (ny > 1 && th < O + MIN_STEP) break;
      if (tw * th > opts.maxPixels) continue;
      if (!best || nx * ny < best.nx * best.ny) best = { nx, ny, tw, th };
      break; // more rows only add tiles
    }
  }
  if (!best) {
    throw new InputError(
      `The server accepts at most ${opts.maxPixels} pixels per request, too few for tiles overlapping by ${O} px. Use a server with a higher limit or a smaller edit.`,
    );
  }
  const xs = positions(region.x0, rw, best.nx, best.tw);
  const ys = positions(region.y0, rh, best.ny, best.th);
  const tiles: Tile[] = [];
  for (let j = 0; j < ys.length; j++) {
    for (let i = 0; i < xs.length; i++) {
      const box: Bounds = { x0: xs[i], y0: ys[j], x1: xs[i] + best.tw, y1: ys[j] + best.th };
      const tile: Tile = { box };
      // Neighbours share a ramp: it rises for one exactly where it falls for the other (weights sum to 1).
      if (i > 0) tile.rampLeft = { from: xs[i] + m, to: xs[i - 1] + best.tw - m };
      if (i < xs.length - 1) tile.rampRight = { from: xs[i + 1] + m, to: xs[i] + best.tw - m };
      if (j > 0) tile.rampTop = { from: ys[j] + m, to: ys[j - 1] + best.th - m };
      if (j < ys.length - 1) tile.rampBottom = { from: ys[j + 1] + m, to: ys[j] + best.th - m };
      tiles.push(tile);
    }
  }
  return { mode: 'tiles', region, tiles, overlapPx: O };
}

function rise(r: Ramp | undefined, v: number): number {
  if (!r) return 1;
  return Math.min(1, Math.max(0, (v + 0.5 - r.from) / (r.to - r.from)));
}

/** Blend weight of a tile at image pixel (x, y): 1 inside, ramps along shared edges, 0 near cut edges. */
export function tileWeight(tile: Tile, x: number, y: number): number {
  const wx = rise(tile.rampLeft, x) * (tile.rampRight ? 1 - rise(tile.rampRight, x) : 1);
  const wy = rise(tile.rampTop, y) * (tile.rampBottom ? 1 - rise(tile.rampBottom, y) : 1);
  return wx * wy;
}

// ---- crops -----------------------------------------------------------------------------------------

export function cropRgba(img: RgbaImage, b: Bounds): RgbaImage {
  const w = b.x1 - b.x0, h = b.y1 - b.y0;
  if (b.x0 === 0 && b.y0 === 0 && w === img.width && h === img.height) return img;
  const out = new Uint8Array(w * h * 4);
  for (let y = 0; y < h; y++) out.set(img.data.subarray(((y + b.y0) * img.width + b.x0) * 4, ((y + b.y0) * img.width + b.x1) * 4), y * w * 4);
  return { width: w, height: h, data: out };
}

export function cropPlane8(data: Uint8Array, width: number, b: Bounds): Uint8Array {
  const w = b.x1 - b.x0, h = b.y1 - b.y0;
  if (b.x0 === 0 && b.y0 === 0 && w === width && h * width === data.length) return data;
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) out.set(data.subarray((y + b.y0) * width + b.x0, (y + b.y0) * width + b.x1), y * w);
  return out;
}

export function cropLabels(map: LabelMap, b: Bounds): LabelMap {
  return { width: b.x1 - b.x0, height: b.y1 - b.y0, labels: cropPlane8(map.labels, map.width, b) };
}

/** The part of a job inside `b` (references unchanged). */
export function cropJob(job: RelayoutJob, b: Bounds): RelayoutJob {
  return {
    ...job,
    image: cropRgba(job.image, b),
    original: cropLabels(job.original, b),
    edited: cropLabels(job.edited, b),
    extraMask: job.extraMask ? cropPlane8(job.extraMask, job.image.width, b) : undefined,
  };
}

/** Box-filter downscale of an RGBA image (each output pixel averages the input pixels it covers). */
export function downscaleRgba(img: RgbaImage, width: number, height: number): RgbaImage {
  const out = new Uint8Array(width * height * 4);
  const sx = img.width / width, sy = img.height / height;
  for (let y = 0; y < height; y++) {
    const y0 = Math.floor(y * sy), y1 = Math.max(y0 + 1, Math.floor((y + 1) * sy));
    for (let x = 0; x < width; x++) {
      const x0 = Math.floor(x * sx), x1 = Math.max(x0 + 1, Math.floor((x + 1) * sx));
      const acc = [0, 0, 0, 0];
      for (let yy = y0; yy < y1; yy++) {
        for (let xx = x0; xx < x1; xx++) {
          const p = (yy * img.width + xx) * 4;
          acc[0] += img.data[p]; acc[1] += img.data[p + 1]; acc[2] += img.data[p + 2]; acc[3] += img.data[p + 3];
        }
      }
      const n = (y1 - y0) * (x1 - x0);
      for (let c = 0; c < 4; c++) out[(y * width + x) * 4 + c] = Math.round(acc[c] / n);
    }
  }
  return { width, height, data: out };
}

/** The size that keeps the aspect ratio and holds at most `maxPixels` pixels (never larger than the input). */
export function fitPixels(size: { width: number; height: number }, maxPixels: number): { width: number; height: number } {
  const n = size.width * size.height;
  if (n <= maxPixels) return { width: size.width, height: size.height };
  const s = Math.sqrt(maxPixels / n);
  return { width: Math.max(1, Math.floor(size.width * s)), height: Math.max(1, Math.floor(size.height * s)) };
}

// ---- blending results back -------------------------------------------------------------------------

/**
 * Accumulates tile results inside the global edit mask and writes the final image. Each tile was
 * composited by the server with its own mask weight αt; the result must use the global weight αg, so a
 * tile's pixel is re-weighted: x + (αg/αt)·(out − x). Where αt = αg (a single request) this is `out`
 * byte for byte.
 */
export class TileCompositor {
  private readonly box: Bounds;
  private readonly sums: Float32Array;
  private readonly weights: Float32Array;

  constructor(private readonly input: RgbaImage, private readonly maskAlpha: Uint8Array, maskBounds: Bounds) {
    this.box = maskBounds;
    const n = area(maskBounds);
    this.sums = new Float32Array(n * 3);
    this.weights = new Float32Array(n);
  }

  /** Adds one tile: `out` and `tileAlpha` cover `tile.box`. */
  add(tile: Tile, out: RgbaImage, tileAlpha: Uint8Array): void {
    const b = this.box, t = tile.box;
    const bw = b.x1 - b.x0, tw = t.x1 - t.x0;
    const W = this.input.width;
    const x0 = Math.max(b.x0, t.x0), x1 = Math.min(b.x1, t.x1);
    const y0 = Math.max(b.y0, t.y0), y1 = Math.min(b.y1, t.y1);
    for (let y = y0; y < y1; y++) {
      for (let x = x0; x < x1; x++) {
        const gi = y * W + x;
        const ag = this.maskAlpha[gi];
        if (!ag) continue;
        const ti = (y - t.y0) * tw + (x - t.x0);
        const at = tileAlpha[ti];
        if (!at) continue; // the tile did not regenerate this pixel: it has nothing to offer here
        const w = tileWeight(tile, x, y);
        if (w <= 0) continue;
        const bi = (y - b.y0) * bw + (x - b.x0);
        const k = ag / at;
        for (let c = 0; c < 3; c++) {
          const xin = this.input.data[gi * 4 + c];
          const v = ag === at ? out.data[ti * 4 + c] : xin + k * (out.data[ti * 4 + c] - xin);
          this.sums[bi * 3 + c] += w * v;
        }
        this.weights[bi] += w;
      }
    }
  }

  /** The final image and how many mask pixels no tile covered (kept as the input; 0 when planned right). */
  finish(): { image: RgbaImage; uncoveredPixels: number } {
    const out = new Uint8Array(this.input.data);
    const b = this.box, bw = b.x1 - b.x0, W = this.input.width;
    let uncovered = 0;
    for (let y = b.y0; y < b.y1; y++) {
      for (let x = b.x0; x < b.x1; x++) {
        const gi = y * W + x;
        if (!this.maskAlpha[gi]) continue;
        const bi = (y - b.y0) * bw + (x - b.x0);
        const w = this.weights[bi];
        if (w <= 0) {
          uncovered++;
          continue;
        }
        for (let c = 0; c < 3; c++) out[gi * 4 + c] = Math.min(255, Math.max(0, Math.round(this.sums[bi * 3 + c] / w)));
      }
    }
    return { image: { width: this.input.width, height: this.input.height, data: out }, uncoveredPixels: uncovered };
  }
}
