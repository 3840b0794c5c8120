/**
 * The part of the source atlas that one band of the full-resolution warp can read.
 *
 * The warp graph reads src(clip(home(p) + round(scale · d))) for each pixel p's candidates d: its parent
 * particle block's M particles and its 4 neighbours' best. Passing the whole atlas to every band copied
 * it (colour, labels, validity: 20 bytes a pixel) into the WASM heap for each call; at 16 MP that alone
 * grew the heap by half a gigabyte. A band only reads a window of it, so each band gets that window and
 * particles shifted to it. The output is the same bit for bit: particles are whole level pixels, so the
 * shift is exact, and the window holds every clipped read (where a read is clipped at the atlas's edge,
 * the window reaches that edge, so it is clipped to the same pixel).
 */
import { cropPlane, Plane } from './planes';

/** A window of the atlas, x1 and y1 exclusive. */
export interface Window {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export interface BandParticles {
  /** [M, 2, h, w] displacements (y then x) in particle-level pixels, whole numbers. */
  data: Float32Array;
  M: number;
  w: number;
  h: number;
}

/**
 * The window that a band reads: its pixels [x0, x0 + bw) × [y0, y0 + bh) in atlas coordinates, upsampled
 * from `parts` by `scale` (the graph's nearest Resize maps pixel t to block floor(t · w / bw)). Its origin
 * is a multiple of `scale`, so the shifted particles stay whole. Null when a particle is not a whole
 * number (nothing makes one today; the band then reads the whole atlas).
 */
export function bandWindow(parts: BandParticles, scale: number, x0: number, y0: number, bw: number, bh: number, atlasW: number, atlasH: number): Window | null {
  const { data, M, w, h } = parts, n = w * h;
  let wy0 = Infinity, wx0 = Infinity, wy1 = -Infinity, wx1 = -Infinity;
  // Pixel rows (and columns) that use block i: its own, widened by one for the Resize's rounding and one
  // for the neighbour candidates (a pixel next to the block reads the block's best at its own home).
  const span = (i: number, blocks: number, pixels: number): [number, number] => [Math.floor((i * pixels) / blocks) - 2, Math.ceil(((i + 1) * pixels) / blocks) + 1];
  for (let by = 0; by < h; by++) {
    const [ty0, ty1] = span(by, h, bh);
    for (let bx = 0; bx < w; bx++) {
      const [tx0, tx1] = span(bx, w, bw);
      const i = by * w + bx;
      let dy0 = Infinity, dy1 = -Infinity, dx0 = Infinity, dx1 = -Infinity;
      for (let m = 0; m < M; m++) {
        const dy = data[m * 2 * n + i], dx = data[(m * 2 + 1) * n + i];
        if (!Number.isInteger(dy) || !Number.isInteger(dx)) return null;
        dy0 = Math.min(dy0, dy);
        dy1 = Math.max(dy1, dy);
        dx0 = Math.min(dx0, dx);
        dx1 = Math.max(dx1, dx);
      }
      wy0 = Math.min(wy0, y0 + ty0 + dy0 * scale);
      wy1 = Math.max(wy1, y0 + ty1 + dy1 * scale);
      wx0 = Math.min(wx0, x0 + tx0 + dx0 * scale);
      wx1 = Math.max(wx1, x0 + tx1 + dx1 * scale);
    }
  }
  const clampTo = (v: number, hi: number): number => Math.min(hi, Math.max(0, v));
  const top = Math.floor(clampTo(wy0, atlasH - 1) / scale) * scale, left = Math.floor(clampTo(wx0, atlasW - 1) / scale) * scale;
  return { x0: left, y0: top, x1: clampTo(wx1, atlasW - 1) + 1, y1: clampTo(wy1, atlasH - 1) + 1 };
}

/** The particles shifted so that they point into `win` (whole multiples of `scale` off the atlas). */
export function shiftParticles(parts: BandParticles, win: Window, scale: number): Float32Array {
  const { data, M, w, h } = parts, n = w * h;
  const out = new Float32Array(data.length);
  const sy = win.y0 / scale, sx = win.x0 / scale;
  for (let m = 0; m < M; m++) {
    for (let i = 0; i < n; i++) {
      out[m * 2 * n + i] = data[m * 2 * n + i] - sy;
      out[(m * 2 + 1) * n + i] = data[(m * 2 + 1) * n + i] - sx;
    }
  }
  return out;
}

/** A plane's part inside the window, in a new buffer or in the front of `into` (reused across bands). */
export function windowOf(p: Plane, win: Window, into?: Float32Array): Plane {
  return cropPlane(p, win.x0, win.y0, win.x1 - win.x0, win.y1 - win.y0, into);
}

/** Pixels in a window. */
export function windowArea(win: Window): number {
  return (win.x1 - win.x0) * (win.y1 - win.y0);
}
