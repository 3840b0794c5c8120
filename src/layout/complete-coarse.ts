// Resampling helpers for coarse-to-fine layout completion: photo colours averaged per coarse cell,
// stroke labels by majority per cell, and the cells around label borders that are refined at full
// resolution.
// Pure typed-array code.
import { RgbaImage } from './image';

/** A coarse grid over a full-resolution image: `factor`×`factor` pixels per cell (edge cells smaller). */
export interface CoarseGrid {
  factor: number;
  /** Full-resolution size. */
  W: number;
  H: number;
  /** Grid size in cells. */
  w: number;
  h: number;
}

export function coarseGrid(W: number, H: number, factor: number): CoarseGrid {
  return { factor, W, H, w: Math.ceil(W / factor), h: Math.ceil(H / factor) };
}

/** Each class's index in `classes` (the order of per-class arrays), by label; −1 for labels not listed. */
export function classSlots(classes: readonly number[]): Int16Array {
  const slot = new Int16Array(256).fill(-1);
  classes.forEach((l, k) => (slot[l] = k));
  return slot;
}

/** RGB of an RGBA photo averaged over each cell (3 floats per cell, 0..255). */
export function downsampleRgb(photo: RgbaImage, g: CoarseGrid): Float32Array {
  const { W, H, w, h, factor } = g;
  const { data } = photo;
  const rgb = new Float32Array(w * h * 3);
  const count = new Float32Array(w * h);
  const cellOfX = new Int32Array(W);
  for (let X = 0; X < W; X++) cellOfX[X] = Math.floor(X / factor);
  for (let Y = 0; Y < H; Y++) {
    const row = Math.floor(Y / factor) * w;
    for (let X = 0, p = Y * W * 4; X < W; X++, p += 4) {
      const i = row + cellOfX[X];
      rgb[i * 3] += data[p];
      rgb[i * 3 + 1] += data[p + 1];
      rgb[i * 3 + 2] += data[p + 2];
      count[i]++;
    }
  }
  for (let i = 0; i < w * h; i++) {
    const c = count[i];
    rgb[i * 3] /= c;
    rgb[i * 3 + 1] /= c;
    rgb[i * 3 + 2] /= c;
  }
  return rgb;
}

/**
 * Stroke labels per cell: the label with most stroke pixels in the cell (0 if none). A label that wins no
 * cell anywhere (a thin post painted over a broad stroke of water, at 4×4 px per cell) takes every cell
 * it has strokes in: without a cell it would have no training samples and no flood, and survive only as
 * its own stroke pixels. The full-resolution border pass then sorts those cells out pixel by pixel.
 */
export function downsampleStrokes(strokes: Uint8Array, strokePixels: Int32Array, g: CoarseGrid): Uint8Array {
  const { W, w, h, factor } = g;
  const out = new Uint8Array(w * h);
  const counts = new Map<number, number>();
  for (let k = 0; k < strokePixels.length; k++) {
    const i = strokePixels[k];
    const X = i % W, Y = (i - X) / W;
    const key = (Math.floor(Y / factor) * w + Math.floor(X / factor)) * 256 + strokes[i];
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const best = new Float64Array(w * h);
  for (const [key, c] of counts) {
    const cell = Math.floor(key / 256);
    if (c > best[cell]) {
      best[cell] = c;
      out[cell] = key % 256;
    }
  }
  const wins = new Uint32Array(256);
  for (let i = 0; i < out.length; i++) wins[out[i]]++;
  for (const key of counts.keys()) {
    const l = key % 256;
    if (!wins[l]) out[Math.floor(key / 256)] = l;
  }
  return out;
}

/**
 * 3×3 box blur of a 3-values-per-pixel buffer (damps noise and texture before colour edges are
 * measured), returning a new buffer.
 */
export function blurRgb3x3(src: Float32Array, w: number, h: number): Float32Array {
  const n = w * h;
  const tmp = new Float32Array(n * 3);
  const out = new Float32Array(n * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const a = (y * w + (x > 0 ? x - 1 : x)) * 3, b = (y * w + x) * 3, c = (y * w + (x + 1 < w ? x + 1 : x)) * 3;
      tmp[b] = (src[a] + src[b] + src[c]) / 3;
      tmp[b + 1] = (src[a + 1] + src[b + 1] + src[c + 1]) / 3;
      tmp[b + 2] = (src[a + 2] + src[b + 2] + src[c + 2]) / 3;
    }
  }
  for (let y = 0; y < h; y++) {
    const up = (y > 0 ? y - 1 : y) * w, down = (y + 1 < h ? y + 1 : y) * w;
    for (let x = 0; x < w; x++) {
      const a = (up + x) * 3, b = (y * w + x) * 3, c = (down + x) * 3;
      out[b] = (tmp[a] + tmp[b] + tmp[c]) / 3;
      out[b + 1] = (tmp[a + 1] + tmp[b + 1] + tmp[c + 1]) / 3;
      out[b + 2] = (tmp[a + 2] + tmp[b + 2] + tmp[c + 2]) / 3;
    }
  }
  return out;
}

/** Cells within `radius` cells (8-neighbourhood) of a cell whose 4-neighbour has another label. */
export function borderCells(labels: Uint8Array, w: number, h: number, radius: number): Uint8Array {
  let mask: Uint8Array = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      const l = labels[i];
      if ((x + 1 < w && labels[i + 1] !== l) || (y + 1 < h && labels[i + w] !== l)) {
        mask[i] = 1;
        if (x + 1 < w) mask[i + 1] = 1;
        if (y + 1 < h) mask[i + w] = 1;
      }
    }
  }
  for (let r = 0; r < radius; r++) mask = dilateCells(mask, w, h);
  return mask;
}

/** One step of 8-neighbour dilation of a cell mask. */
export function dilateCells(mask: Uint8Array, w: number, h: number): Uint8Array {
  const out = new Uint8Array(mask);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (!mask[y * w + x]) continue;
      for (let yy = Math.max(0, y - 1); yy <= Math.min(h - 1, y + 1); yy++) {
        for (let xx = Math.max(0, x - 1); xx <= Math.min(w - 1, x + 1); xx++) out[yy * w + xx] = 1;
      }
    }
  }
  return out;
}

/** Calls `visit(X, Y, i)` for every full-resolution pixel of every cell set in `cells`, row by row. */
export function forEachPixelInCells(cells: Uint8Array, g: CoarseGrid, visit: (X: number, Y: number, i: number) => void): void {
  const { W, H, w, h, factor } = g;
  for (let cy = 0; cy < h; cy++) {
    const y1 = Math.min(H, (cy + 1) * factor);
    for (let cx = 0; cx < w; cx++) {
      if (!cells[cy * w + cx]) continue;
      const x1 = Math.min(W, (cx + 1) * factor);
      for (let Y = cy * factor; Y < y1; Y++) for (let X = cx * factor; X < x1; X++) visit(X, Y, Y * W + X);
    }
  }
}
