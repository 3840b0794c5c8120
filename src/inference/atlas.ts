// The source atlas: the photo and any references side by side, as planar colour, compact class ids and
// validity (which pixels may be copied), and the class-relative positions the features match on, per
// source and per level. Pure typed-array code.
import { dilateCells } from '../layout';
import { RelayoutJob } from './job';
import { applyLight, referenceLight } from './reference-light';
import { nearestPixels, PixelWindow, Plane, plane, UNIT } from './planes';

/** Sources sit at multiples of this in the atlas, so pyramid boxes never straddle two. */
export const ALIGN = 256;

export interface Atlas {
  width: number;
  height: number;
  image: Plane; // 3ch
  labels: Plane; // 1ch compact ids
  valid: Plane; // 1ch
  /** Each source's layout and class boxes, for the positions sampled at each level (atlasPositions). */
  sources: PositionSource[];
  /** x of each source's left edge in the atlas: the photo at 0, then the references. */
  offsets: number[];
}

/** A source's original labels (raw palette indices) and their class boxes (`classBoxes`). */
export interface PositionSource {
  labels: Uint8Array;
  boxes: Int32Array;
  width: number;
  height: number;
}

/**
 * 1 for pixels within `r` px (Chebyshev) of another label: those with a 4-neighbour of another label,
 * grown r − 1 times. (Not `borderCells` of the completion: that one also marks the pixel beside a
 * vertical step, a ring one pixel wider in places.)
 */
function classEdges(labels: Uint8Array, w: number, h: number, r: number): Uint8Array {
  let edge: Uint8Array = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x, l = labels[i];
      if ((x + 1 < w && labels[i + 1] !== l) || (x > 0 && labels[i - 1] !== l) || (y + 1 < h && labels[i + w] !== l) || (y > 0 && labels[i - w] !== l)) edge[i] = 1;
    }
  }
  for (let k = 1; k < r; k++) edge = dilateCells(edge, w, h);
  return edge;
}

/**
 * Replaces, in a source's slice of the atlas image (starting at column `x0`), the colour of every pixel
 * within `r` px of another label by the mean of its already-filled same-label 8-neighbours, one ring at
 * a time from the class's inner pixels outward. A class with no pixel farther inside keeps its colours.
 */
function fillClassEdges(image: Plane, width: number, x0: number, labels: Uint8Array, w: number, h: number, r: number): void {
  const edge = classEdges(labels, w, h, r);
  const an = image.width * image.height;
  const filled = Uint8Array.from(edge, (e) => (e ? 0 : 1));
  let todo: number[] = [];
  for (let i = 0; i < w * h; i++) if (edge[i]) todo.push(i);
  // Ring by ring inward-out: a pixel is filled once a same-class 8-neighbour is; r + 1 rounds reach every
  // edge pixel that has its class's inner pixels within r.
  for (let ring = 0; ring <= r && todo.length; ring++) {
    const now: number[] = [], later: number[] = [];
    for (const i of todo) {
      const x = i % w, y = (i - x) / w;
      let n = 0, s0 = 0, s1 = 0, s2 = 0;
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const X = x + dx, Y = y + dy, j = Y * w + X;
          if (X < 0 || Y < 0 || X >= w || Y >= h || !filled[j] || labels[j] !== labels[i]) continue;
          const aj = Y * width + x0 + X;
          s0 += image.data[aj];
          s1 += image.data[an + aj];
          s2 += image.data[2 * an + aj];
          n++;
        }
      }
      if (!n) {
        later.push(i);
        continue;
      }
      const ai = y * width + x0 + x;
      image.data[ai] = s0 / n;
      image.data[an + ai] = s1 / n;
      image.data[2 * an + ai] = s2 / n;
      now.push(i);
    }
    for (const i of now) filled[i] = 1;
    todo = later;
  }
}

/**
 * Photo and references side by side (each at a multiple of ALIGN), with labels, validity and positions.
 * A reference's pixels are valid only for the classes in `fromReference` (those the photo lacks or the
 * edit paints): everything else keeps the photo's own look, so the sky regenerated around a hill taken
 * from a sunset does not turn into that sunset's glow. A reference's pixels take the photo's light at
 * `referenceLightStrength` (reference-light.ts).
 */
export function buildAtlas(job: RelayoutJob, compact: Uint8Array, sourceBoxes: Int32Array[], fromReference: Uint8Array, referenceEdgePx: number, referenceLightStrength: number): Atlas {
  // Copyable source pixels: everything but an explicit region to regenerate (see runEngine).
  const sources = [{ image: job.image, labels: job.original.labels, masked: job.extraMask ?? null }, ...job.references.map((r) => ({ image: r.image, labels: r.layout.labels, masked: null }))];
  const offsets: number[] = [];
  let width = 0;
  let height = 0;
  for (const s of sources) {
    offsets.push(width);
    width += Math.ceil(s.image.width / ALIGN) * ALIGN;
    height = Math.max(height, s.image.height);
  }
  width = offsets[offsets.length - 1] + sources[sources.length - 1].image.width;
  const an = width * height;
  const image = plane(width, height, 3);
  const labels = plane(width, height, 1);
  const valid = plane(width, height, 1);
  sources.forEach((s, k) => {
    const { width: sw, height: sh, data } = s.image;
    // Per class: may its pixels be copied from this source (before an explicit region to regenerate)?
    const copyable = Uint8Array.from(fromReference, (f) => (k === 0 || f ? 1 : 0));
    const sl = s.labels, masked = s.masked;
    for (let y = 0; y < sh; y++) {
      const row = y * width + offsets[k];
      for (let x = 0, si = y * sw, ai = row; x < sw; x++, si++, ai++) {
        image.data[ai] = UNIT[data[si * 4]];
        image.data[an + ai] = UNIT[data[si * 4 + 1]];
        image.data[2 * an + ai] = UNIT[data[si * 4 + 2]];
        const l = sl[si];
        labels.data[ai] = compact[l];
        valid.data[ai] = (masked && masked[si]) || !copyable[l] ? 0 : 1;
      }
    }
    if (k > 0 && referenceLightStrength > 0) {
      const light = referenceLight(job.image, job.original.labels, s.image, sl);
      if (light) applyLight(image, offsets[k], sw, sh, light, referenceLightStrength);
    }
    if (k > 0 && referenceEdgePx > 0) fillClassEdges(image, width, offsets[k], sl, sw, sh, referenceEdgePx);
  });
  const positions = sources.map((s, k) => ({ labels: s.labels, boxes: sourceBoxes[k], width: s.image.width, height: s.image.height }));
  return { width, height, image, labels, valid, sources: positions, offsets };
}

/**
 * Class-relative position: a pixel's position (y, x in 0..1) inside the bounding box of all pixels of its
 * class in the whole layout (unlabeled pixels: inside the image). Matching on it maps a moved or resized
 * object onto its own pixels at the same relative place (a kite moved across the sky is copied whole, not
 * as a mosaic), and for large background classes it stays close to plain position. Writes that of pixel
 * (x, y) of a w×h layout, times `t`, at out[i] (y) and out[n + i] (x).
 */
function writePosition(out: Float32Array, i: number, n: number, labels: Uint8Array, boxes: Int32Array, w: number, h: number, x: number, y: number, t: number): void {
  const l = labels[y * w + x], o = l * 4;
  const bx0 = l ? boxes[o] : 0, by0 = l ? boxes[o + 1] : 0, bx1 = l ? boxes[o + 2] : w - 1, by1 = l ? boxes[o + 3] : h - 1;
  out[i] = Math.fround((y - by0 + 0.5) / (by1 - by0 + 1)) * t;
  out[n + i] = Math.fround((x - bx0 + 0.5) / (bx1 - bx0 + 1)) * t;
}

/**
 * The edited layout's class-relative positions (times the trust in each class, by compact id) at a level of
 * tw × th over the photo's window `win`, at the pixels sampleNearest(…, win) picks: computed there rather
 * than sampled from a full-resolution plane of the crop (8 bytes a pixel, read at a few pixels a block).
 */
export function targetPositions(labels: Uint8Array, boxes: Int32Array, W: number, H: number, compact: Uint8Array, trust: Float32Array, win: PixelWindow, tw: number, th: number): Plane {
  const out = plane(tw, th, 2), n = tw * th;
  const { rows, cols } = nearestPixels(win, tw, th);
  for (let y = 0; y < th; y++) {
    for (let x = 0; x < tw; x++) writePosition(out.data, y * tw + x, n, labels, boxes, W, H, cols[x], rows[y], trust[compact[labels[rows[y] * W + cols[x]]]]);
  }
  return out;
}

/**
 * How far to trust class-relative position per compact class, from the classBoxes of the original (`a`)
 * and the edited (`e`) layout: the ratio of the class's bounding-box extent in the original to that in
 * the edited one (the smaller axis), capped at 1 (position weight, a squared distance, then falls with
 * the square of the growth ratio), for classes the frame cuts (stuff: water, sky, hills). Where such a class
 * grows a lot (flooding a shore with water) position inside its box squeezes the new area onto the old
 * one — a smooth, compressed map that coherence turns into stripes — so it should count less. Objects
 * wholly inside the frame keep full trust: a bigger kite should still put its red panel bottom left.
 */
export function positionTrust(a: Int32Array, e: Int32Array, W: number, H: number, compact: Uint8Array): Float32Array {
  const trust = new Float32Array(256).fill(1);
  for (let l = 1; l < 256; l++) {
    const o = l * 4;
    if (!compact[l] || a[o + 2] < 0 || e[o + 2] < 0) continue;
    // A class that lies wholly inside the frame is an object: resized, it should map in proportion.
    const cutByFrame = a[o] === 0 || a[o + 1] === 0 || a[o + 2] === W - 1 || a[o + 3] === H - 1;
    if (!cutByFrame) continue;
    const rx = (a[o + 2] - a[o] + 1) / (e[o + 2] - e[o] + 1), ry = (a[o + 3] - a[o + 1] + 1) / (e[o + 3] - e[o + 1] + 1);
    trust[compact[l]] = Math.min(1, rx, ry);
  }
  return trust;
}

/**
 * The atlas's positions (class-relative in each source, times the class's trust) at a level of
 * w × h, at the atlas pixels sampleNearest would pick: computed there rather than sampled from a
 * full-resolution plane (16 bytes a pixel that no level but the finest reads, and only at 16 MP's cost).
 */
export function atlasPositions(atlas: Atlas, trust: Float32Array, w: number, h: number): Plane {
  const out = plane(w, h, 2);
  const sx = atlas.width / w, sy = atlas.height / h;
  const col = new Int32Array(w), src = new Int32Array(w).fill(-1);
  for (let x = 0; x < w; x++) {
    const xx = Math.min(atlas.width - 1, Math.floor((x + 0.5) * sx));
    for (let k = 0; k < atlas.sources.length; k++) {
      if (xx >= atlas.offsets[k] && xx < atlas.offsets[k] + atlas.sources[k].width) {
        src[x] = k;
        col[x] = xx - atlas.offsets[k];
      }
    }
  }
  for (let y = 0; y < h; y++) {
    const yy = Math.min(atlas.height - 1, Math.floor((y + 0.5) * sy));
    for (let x = 0; x < w; x++) {
      const k = src[x];
      if (k < 0 || yy >= atlas.sources[k].height) continue; // padding between sources: position 0
      const { labels, boxes, width: sw, height: sh } = atlas.sources[k];
      writePosition(out.data, y * w + x, w * h, labels, boxes, sw, sh, col[x], yy, trust[atlas.labels.data[yy * atlas.width + atlas.offsets[k] + col[x]]]);
    }
  }
  return out;
}
