// The tone of a class copied from a thin band. Raising hills over a photo whose mountains are a ridge a
// few dozen pixels high copies every new hill from that ridge, many times over: each copy brings the
// light of the row it came from (dark core, hazy top, the sunset glow that a loosely painted label
// holds along its lower edge), so the hills came back as horizontal bricks in the ridge's mean colour,
// a grey-brown that no part of the real ridge has, with golden streaks where a copy came from the glow.
// Here such a class keeps the copies' fine detail only, over its tone: the colour deep inside its source
// regions, where the pixels are its own and not a neighbour's, and (from the photo itself) how that colour
// changes with depth below the class's top edge. Pure typed-array code.
import { boxMean, squaredDistanceTransform } from '../layout';
import { Plane } from './planes';

/** Where a class may be copied from: the atlas (3 ch), its compact class ids and 1 where valid. */
export interface ToneSource {
  image: Plane;
  labels: Plane;
  valid: Plane;
}

/** A class's core colour (3 ch, 0..1), its fine detail's scale (per channel, robust RMS) and its box in the source. */
export interface CoreTone {
  colour: [number, number, number];
  detailRms: [number, number, number];
  /** x0, y0, x1, y1 (inclusive) of the class's valid pixels plus one pixel, in source pixels. */
  box: [number, number, number, number];
  /**
   * Colour (3 ch per entry) by depth below the class's upper border, one entry per `profileStep` px, from
   * the upper halves of its vertical runs in the source (a ridge lit from behind is lighter at its top).
   */
  profile: Float32Array;
  profileStep: number;
}

/** Radius (px) of the class-restricted window whose mean is a pixel's tone; the rest is its detail. */
const TONE_RADIUS = 3;
/** Detail up to this many of the core's detail RMS is kept; it fades out up to DETAIL_DROP. */
const DETAIL_KEEP = 2;
const DETAIL_DROP = 4;
/** Depth (px) of a class's rim, which has no detail (a lit ridge's edge is not its texture). */
const RIM_PX = 3;
/** Most pixels of a class's box the core is measured on (larger boxes are sampled with a stride). */
const MAX_SAMPLES = 1 << 20;
/**
 * The profile starts this many px below the border: above, the pixels are lit by what lies above the
 * class (the photo's ridge has a golden rim of sunset, which drawn along every new ridge read as a halo).
 */
const PROFILE_SKIP_PX = 5;
/** A depth enters a class's profile while it holds at least this share of the most populated depth's pixels. */
const PROFILE_SHARE = 0.1;

/**
 * Per class in `classes`, its core tone in the source: the mean colour of its valid pixels weighted by
 * their squared distance to the nearest pixel of another class or an invalid one (the frame's edge is no
 * border: the class goes on beyond it); the robust RMS of their detail (rimDetail) past the rim; and,
 * where all its sources lie in the photo (atlas x < `photoWidth`), its profile by depth (depthProfile):
 * a reference's ridge is lit by the reference's sky, whose glow would rim new hills under another sky.
 * Classes with no valid pixel are left out.
 */
export function coreTones(src: ToneSource, classes: readonly number[], photoWidth: number): Map<number, CoreTone> {
  const out = new Map<number, CoreTone>();
  const boxes = validBoxes(src, classes);
  for (const c of classes) {
    const box = boxes.get(c);
    if (!box) continue;
    const [x0, y0, x1, y1] = box;
    const s = Math.max(1, Math.ceil(Math.sqrt(((x1 - x0 + 1) * (y1 - y0 + 1)) / MAX_SAMPLES)));
    const { inClass, rgb, w, h } = classCrop(src, c, box, s), n = w * h;
    const { d2, detail } = rimDetail(inClass, rgb, w, h, s);
    let sw = 0;
    const sum = [0, 0, 0];
    for (let i = 0; i < n; i++) {
      if (!inClass[i]) continue;
      const wt = d2[i] >= 1e19 ? (w * w + h * h) * s * s : d2[i] * s * s;
      sw += wt;
      for (let k = 0; k < 3; k++) sum[k] += wt * rgb[k][i];
    }
    // The detail's scale, robustly (1.4826 × the median absolute detail) over the pixels past the rim, or
    // all where the class is too thin to have any: a lit rim copied into the fill is an outlier of it.
    const inner: number[] = [];
    for (let i = 0; i < n; i++) if (inClass[i] && Math.sqrt(d2[i]) * s > RIM_PX + 1) inner.push(i);
    const over = inner.length ? inner : Array.from({ length: n }, (_, i) => i).filter((i) => inClass[i]);
    const spread = detail.map((ch) => 1.4826 * median(Float32Array.from(over, (i) => Math.abs(ch[i]))));
    out.set(c, {
      colour: [sum[0] / sw, sum[1] / sw, sum[2] / sw],
      profile: x1 < photoWidth ? depthProfile(inClass, rgb, w, h).slice(3 * Math.ceil(PROFILE_SKIP_PX / s)) : new Float32Array(0),
      profileStep: s,
      detailRms: [spread[0], spread[1], spread[2]],
      box,
    });
  }
  return out;
}

/** The median of `v` (sorted in place); 0 when empty. */
function median(v: Float32Array): number {
  if (!v.length) return 0;
  v.sort();
  return v.length % 2 ? v[v.length >> 1] : 0.5 * (v[v.length / 2 - 1] + v[v.length / 2]);
}

/**
 * Mean colour by depth below the upper border of the class (`inClass`, w × h), over the pixels in the
 * upper half of their vertical run (the lower half nears the next border: the glow under a ridge, the
 * trees), smoothed over 3 depths, up to the last depth with PROFILE_SHARE of the most populated one's pixels.
 */
function depthProfile(inClass: Float32Array, rgb: Float32Array[], w: number, h: number): Float32Array {
  const sum = new Float64Array(3 * h), count = new Float64Array(h);
  for (let x = 0; x < w; x++) {
    for (let y = 0; y < h; ) {
      if (!inClass[y * w + x]) {
        y++;
        continue;
      }
      let end = y;
      while (end + 1 < h && inClass[(end + 1) * w + x]) end++;
      for (let d = 0; y + d <= end - d; d++) {
        const i = (y + d) * w + x;
        for (let k = 0; k < 3; k++) sum[3 * d + k] += rgb[k][i];
        count[d]++;
      }
      y = end + 1;
    }
  }
  let most = 0;
  for (let d = 0; d < h; d++) most = Math.max(most, count[d]);
  let last = 0;
  while (last + 1 < h && count[last + 1] >= PROFILE_SHARE * most) last++;
  const out = new Float32Array(3 * (last + 1));
  for (let d = 0; d <= last; d++) {
    let n = 0;
    const acc = [0, 0, 0];
    for (let e = Math.max(0, d - 1); e <= Math.min(last, d + 1); e++) {
      n += count[e];
      for (let k = 0; k < 3; k++) acc[k] += sum[3 * e + k];
    }
    for (let k = 0; k < 3; k++) out[3 * d + k] = n ? acc[k] / n : 0;
  }
  return out;
}

/**
 * A class's tone at `depth` px below its upper border: its profile there (the core colour if it has none); past the profile's end a ramp
 * over as many px again into the core colour, then the core colour.
 */
export function toneAtDepth(tone: CoreTone, depth: number, k: number): number {
  const entries = tone.profile.length / 3, d = depth / tone.profileStep;
  if (!entries) return tone.colour[k];
  if (d <= entries - 1) return tone.profile[3 * Math.floor(d) + k];
  const t = Math.min(1, (d - (entries - 1)) / entries);
  return (1 - t) * tone.profile[3 * (entries - 1) + k] + t * tone.colour[k];
}

/**
 * Per pixel of the box (bx0, by0, bw, bh) of a label map (W wide), how many px it lies below the nearest
 * pixel above it of another label (the map's top edge counts as a border).
 */
export function depthBelowBorder(labels: Uint8Array, W: number, bx0: number, by0: number, bw: number, bh: number): Float32Array {
  const out = new Float32Array(bw * bh);
  for (let x = 0; x < bw; x++) {
    const col = bx0 + x;
    let top = by0;
    while (top > 0 && labels[(top - 1) * W + col] === labels[by0 * W + col]) top--;
    for (let y = 0; y < bh; y++) {
      const i = (by0 + y) * W + col;
      if (y > 0 && labels[i] !== labels[i - W]) top = by0 + y;
      out[y * bw + x] = by0 + y - top;
    }
  }
  return out;
}

/**
 * The source image with the valid pixels of each class in `tones` replaced by their local tone (colour
 * minus rimDetail's detail: the class's mean over a TONE_RADIUS window past its rim; the rim as it is).
 * Warped with the same particles as the image, it gives the light that each copy brought. Returns a new plane.
 */
export function toneAtlas(src: ToneSource, tones: ReadonlyMap<number, CoreTone>): Plane {
  const { width: W, height: H } = src.labels, N = W * H;
  const out: Plane = { ...src.image, data: new Float32Array(src.image.data) };
  for (const [c, { box }] of tones) {
    const [x0, y0] = box;
    const { inClass: mine, rgb, w, h } = classCrop(src, c, box, 1), n = w * h;
    const { detail } = rimDetail(mine, rgb, w, h, 1);
    for (let i = 0; i < n; i++) {
      if (!mine[i]) continue;
      const a = (y0 + ((i / w) | 0)) * W + x0 + (i % w);
      for (let k = 0; k < 3; k++) out.data[k * N + a] = rgb[k][i] - detail[k][i];
    }
  }
  return out;
}

/**
 * Per class in `classes`: the box (x0, y0, x1, y1 inclusive) of its valid pixels plus one pixel round
 * it where the source has it, so that the class's own edge is a border; one pass over the source.
 */
function validBoxes(src: ToneSource, classes: readonly number[]): Map<number, [number, number, number, number]> {
  const { width: W, height: H } = src.labels;
  const wanted = new Uint8Array(256);
  for (const c of classes) wanted[c] = 1;
  const lo = new Int32Array(512).fill(1 << 30), hi = new Int32Array(512).fill(-1);
  for (let i = 0; i < W * H; i++) {
    const c = src.labels.data[i];
    if (!wanted[c] || src.valid.data[i] < 0.5) continue;
    const x = i % W, y = (i / W) | 0;
    lo[2 * c] = Math.min(lo[2 * c], x);
    lo[2 * c + 1] = Math.min(lo[2 * c + 1], y);
    hi[2 * c] = Math.max(hi[2 * c], x);
    hi[2 * c + 1] = Math.max(hi[2 * c + 1], y);
  }
  const out = new Map<number, [number, number, number, number]>();
  for (const c of classes) {
    if (hi[2 * c] < 0) continue;
    out.set(c, [Math.max(0, lo[2 * c] - 1), Math.max(0, lo[2 * c + 1] - 1), Math.min(W - 1, hi[2 * c] + 1), Math.min(H - 1, hi[2 * c + 1] + 1)]);
  }
  return out;
}

/** Class c over its box, every `step` px: 1 where a sample is a valid pixel of c, and its colours (0 elsewhere). */
function classCrop(src: ToneSource, c: number, box: readonly number[], step: number): { inClass: Float32Array; rgb: Float32Array[]; w: number; h: number } {
  const W = src.labels.width, N = W * src.labels.height, [x0, y0, x1, y1] = box;
  const w = Math.floor((x1 - x0) / step) + 1, h = Math.floor((y1 - y0) / step) + 1, n = w * h;
  const inClass = new Float32Array(n);
  const rgb = [new Float32Array(n), new Float32Array(n), new Float32Array(n)];
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const a = (y0 + y * step) * W + x0 + x * step, i = y * w + x;
      inClass[i] = src.labels.data[a] === c && src.valid.data[a] >= 0.5 ? 1 : 0;
      for (let k = 0; k < 3; k++) rgb[k][i] = inClass[i] * src.image.data[k * N + a];
    }
  }
  return { inClass, rgb, w, h };
}

/**
 * A class's detail (`inClass`, its colours `rgb` 0 elsewhere, w × h sampled every `step` px): colour
 * minus its tone, the mean over a TONE_RADIUS window of the class's pixels more than RIM_PX inside it;
 * 0 on that rim, which is partly its neighbour's, neither texture nor the tone of the pixels next to it
 * (a ridge's sunlit top rows, weighed in, made the row under them read as a dark line). Also the squared distances (px², sampled).
 */
function rimDetail(inClass: Float32Array, rgb: Float32Array[], w: number, h: number, step: number): { d2: Float64Array; detail: Float32Array[] } {
  const n = w * h;
  const d2 = squaredDistanceTransform(w, h, (i) => !inClass[i]);
  const rim = new Float32Array(n);
  for (let i = 0; i < n; i++) rim[i] = inClass[i] && Math.sqrt(d2[i]) * step > RIM_PX ? 1 : 0;
  const r = Math.max(1, Math.round(TONE_RADIUS / step));
  const share = boxMean(rim, w, h, r);
  const weighted = new Float32Array(n);
  const detail = rgb.map((ch) => {
    for (let i = 0; i < n; i++) weighted[i] = rim[i] * ch[i];
    const mean = boxMean(weighted, w, h, r), out = new Float32Array(n);
    for (let i = 0; i < n; i++) if (rim[i] > 0) out[i] = rim[i] * (ch[i] - mean[i] / share[i]);
    return out;
  });
  return { d2, detail };
}

/**
 * The warp over the box with the regenerated pixels of each class in `tones` set to the class's tone at
 * their depth below its upper border (`depth`, toneAtDepth) plus their own detail, faded out where it
 * is far larger than the core's (DETAIL_KEEP, DETAIL_DROP). The detail is the warp
 * minus `warpedTone` (the same copies of the sources' local tones, toneAtlas) where given, else minus
 * the warp's own mean over a TONE_RADIUS window of the class's regenerated pixels (which keeps the steps
 * between neighbouring copies). Returns a new plane.
 */
export function applyCoreTones(warped: Plane, warpedTone: Plane | null, labels: Plane, depth: Float32Array, regen: Uint8Array, tones: ReadonlyMap<number, CoreTone>): Plane {
  const { width: w, height: h } = warped, n = w * h;
  const out: Plane = { ...warped, data: new Float32Array(warped.data) };
  const mine = new Float32Array(n), masked = new Float32Array(n);
  for (const [c, tone] of tones) {
    let any = false;
    for (let i = 0; i < n; i++) {
      mine[i] = regen[i] && labels.data[i] === c ? 1 : 0;
      if (mine[i]) any = true;
    }
    if (!any) continue;
    const share = warpedTone ? null : boxMean(mine, w, h, TONE_RADIUS);
    const detail = [0, 1, 2].map((k) => {
      const ch = warped.data.subarray(k * n, (k + 1) * n);
      let base: Float32Array;
      if (warpedTone) base = warpedTone.data.subarray(k * n, (k + 1) * n);
      else {
        for (let i = 0; i < n; i++) masked[i] = mine[i] * ch[i];
        base = boxMean(masked, w, h, TONE_RADIUS);
        for (let i = 0; i < n; i++) if (mine[i]) base[i] /= share![i];
      }
      const d = new Float32Array(n);
      for (let i = 0; i < n; i++) if (mine[i]) d[i] = ch[i] - base[i];
      return d;
    });
    for (let i = 0; i < n; i++) {
      if (!mine[i]) continue;
      // Detail far outside the core's (a copy of a sunlit rim, a golden streak) is no texture of the
      // class: it fades out between DETAIL_KEEP and DETAIL_DROP times the core's RMS (the worst channel).
      let u = 0;
      for (let k = 0; k < 3; k++) u = Math.max(u, Math.abs(detail[k][i]) / Math.max(tone.detailRms[k], 1 / 255));
      const keep = Math.min(1, Math.max(0, (DETAIL_DROP - u) / (DETAIL_DROP - DETAIL_KEEP)));
      for (let k = 0; k < 3; k++) {
        const v = toneAtDepth(tone, depth[i], k) + keep * detail[k][i];
        out.data[k * n + i] = v < 0 ? 0 : v > 1 ? 1 : v;
      }
    }
  }
  return out;
}
