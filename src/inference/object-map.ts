// Objects moved or resized as a whole. The patch search copies a mapped object (object maps, see
// engine.ts) block by block, each block a 1 : 1 copy of the source at the mapped place: a moved object
// comes back exactly, but a kite made twice as big came back as 2 × 2 px blocks of the small kite side
// by side, diagonal streaks inside its panels. Here, at full resolution, the pixels of a mapped class
// are resampled from the source at their mapped position instead: a magnification. Pure typed-array code.
import { Plane } from './planes';

/** Where a moved, resized or inserted object's pixels come from: its box in the target → its box in a source. */
export interface ObjectMap {
  /** Target box (full-resolution photo pixels): origin. */
  ex: number;
  ey: number;
  /** Source box origin in the atlas (full resolution) and source pixels per target pixel. */
  sx: number;
  sy: number;
  kx: number;
  ky: number;
}

/** A full-resolution target coordinate (pixel edges at integers, centres at +0.5) mapped into the source. */
export function mappedX(m: ObjectMap, X: number): number {
  return m.sx + (X - m.ex) * m.kx;
}
export function mappedY(m: ObjectMap, Y: number): number {
  return m.sy + (Y - m.ey) * m.ky;
}

/** The atlas the maps point into: its image (3 ch), compact class ids and validity. */
export interface ObjectSource {
  image: Plane;
  labels: Plane;
  valid: Plane;
}

/**
 * The warp over the box (bx0, by0 in the photo) with each regenerated pixel of a mapped class replaced
 * by the source sampled bilinearly at its mapped position, from the source pixels of that class only
 * (renormalised), so an object's edge does not bring its source's background along. Pixels whose four
 * neighbours there hold none of the class keep the warp (the edited shape reaches past the scaled
 * source's). For a move (scale 1) the sample is the source pixel itself. Returns a new plane.
 */
export function resampleObjects(warped: Plane, labels: Plane, regen: Uint8Array, bx0: number, by0: number, maps: ReadonlyMap<number, ObjectMap>, src: ObjectSource): Plane {
  const { width: bw, height: bh } = warped, B = bw * bh;
  const { width: W, height: H } = src.labels, N = W * H;
  const out: Plane = { ...warped, data: new Float32Array(warped.data) };
  for (let y = 0, i = 0; y < bh; y++) {
    for (let x = 0; x < bw; x++, i++) {
      if (!regen[i]) continue;
      const l = labels.data[i], m = maps.get(l);
      if (!m) continue;
      const u = mappedX(m, bx0 + x + 0.5) - 0.5, v = mappedY(m, by0 + y + 0.5) - 0.5;
      const u0 = Math.floor(u), v0 = Math.floor(v), fu = u - u0, fv = v - v0;
      let sw = 0, r = 0, g = 0, b = 0;
      for (let dy = 0; dy < 2; dy++) {
        const sy = v0 + dy;
        if (sy < 0 || sy >= H) continue;
        for (let dx = 0; dx < 2; dx++) {
          const sx = u0 + dx;
          if (sx < 0 || sx >= W) continue;
          const j = sy * W + sx;
          if (src.labels.data[j] !== l || src.valid.data[j] < 1) continue;
          const w = (dy ? fv : 1 - fv) * (dx ? fu : 1 - fu) + 1e-6;
          sw += w;
          r += w * src.image.data[j];
          g += w * src.image.data[N + j];
          b += w * src.image.data[2 * N + j];
        }
      }
      if (!sw) continue;
      out.data[i] = r / sw;
      out.data[B + i] = g / sw;
      out.data[2 * B + i] = b / sw;
    }
  }
  return out;
}
