// The photo's light on what a reference lends it. A class taken from a reference comes with the
// reference's light: hills copied from a sunset into a photo of a midday sky came back as a dark grey
// cut-out. Where the two photos share classes (both have sky), how each shared class's colours differ
// between them (mean and spread, per channel in YCbCr) says how the two scenes' light differs; that map
// is applied to the reference's pixels before they are copied (Reinhard et al.'s colour transfer,
// fitted on the shared classes instead of the whole images). Pure typed-array code.
import { RgbaImage } from '../layout';
import { Plane } from './planes';

/** Per YCbCr channel: v' = scale · v + offset (values 0..1). */
export interface LightMap {
  scale: [number, number, number];
  offset: [number, number, number];
}

/** A shared class counts with at least this many sampled pixels in each photo. */
const MIN_SAMPLES = 200;
/** Pixels sampled on a grid of this step (px), in each photo. */
const STEP = 4;
/** Bounds of a channel's spread ratio: a sky's spread says little about a hill's. */
const MIN_SCALE = 0.5;
const MAX_SCALE = 2;

function toYCbCr(r: number, g: number, b: number): [number, number, number] {
  const y = 0.299 * r + 0.587 * g + 0.114 * b;
  return [y, 0.5 + 0.564 * (b - y), 0.5 + 0.713 * (r - y)];
}


/** Per label: sampled count and the sums and squared sums of its YCbCr channels. */
function classSums(img: RgbaImage, labels: Uint8Array): Float64Array {
  const out = new Float64Array(256 * 7);
  for (let y = 0; y < img.height; y += STEP) {
    for (let x = 0; x < img.width; x += STEP) {
      const i = y * img.width + x, l = labels[i], o = l * 7;
      const v = toYCbCr(img.data[i * 4] / 255, img.data[i * 4 + 1] / 255, img.data[i * 4 + 2] / 255);
      out[o]++;
      for (let c = 0; c < 3; c++) {
        out[o + 1 + c] += v[c];
        out[o + 4 + c] += v[c] * v[c];
      }
    }
  }
  return out;
}

/**
 * The map from the reference's light to the photo's, fitted on the labelled classes both layouts hold (a
 * class the edit takes from the reference because the photo lacks it is not among them): per channel the
 * count-weighted geometric mean of the classes' spread ratios (bounded) and the mean of their offsets.
 * Null when they share no class with enough pixels: then nothing says how the light differs.
 */
export function referenceLight(photo: RgbaImage, photoLabels: Uint8Array, ref: RgbaImage, refLabels: Uint8Array): LightMap | null {
  const t = classSums(photo, photoLabels), r = classSums(ref, refLabels);
  const stats = (s: Float64Array, l: number, c: number): [number, number] => {
    const n = s[l * 7], m = s[l * 7 + 1 + c] / n;
    return [m, Math.sqrt(Math.max(0, s[l * 7 + 4 + c] / n - m * m))];
  };
  const shared: { l: number; w: number }[] = [];
  for (let l = 1; l < 256; l++) if (t[l * 7] >= MIN_SAMPLES && r[l * 7] >= MIN_SAMPLES) shared.push({ l, w: Math.min(t[l * 7], r[l * 7]) });
  if (!shared.length) return null;
  const total = shared.reduce((a, s) => a + s.w, 0);
  const scale: [number, number, number] = [1, 1, 1], offset: [number, number, number] = [0, 0, 0];
  for (let c = 0; c < 3; c++) {
    let logScale = 0;
    for (const { l, w } of shared) {
      const [, sr] = stats(r, l, c), [, st] = stats(t, l, c);
      logScale += (w / total) * Math.log(Math.min(MAX_SCALE, Math.max(MIN_SCALE, (st + 1e-3) / (sr + 1e-3))));
    }
    scale[c] = Math.exp(logScale);
    for (const { l, w } of shared) {
      const [mr] = stats(r, l, c), [mt] = stats(t, l, c);
      offset[c] += (w / total) * (mt - scale[c] * mr);
    }
  }
  return { scale, offset };
}

/**
 * Applies `map` at `strength` (0 = unchanged, 1 = fully) to the columns [x0, x0 + w) and rows [0, h) of a
 * planar RGB image (values 0..1, clamped), in place.
 */
export function applyLight(image: Plane, x0: number, w: number, h: number, map: LightMap, strength: number): void {
  const n = image.width * image.height, d = image.data;
  // v + strength · (scale · v + offset − v), per channel: one scale and offset.
  const [sy, sb, sr] = map.scale.map((s) => 1 + strength * (s - 1)), [oy, ob, or] = map.offset.map((o) => strength * o);
  const clamp = (v: number): number => (v < 0 ? 0 : v > 1 ? 1 : v);
  for (let y = 0; y < h; y++) {
    for (let x = x0, i = y * image.width + x0; x < x0 + w; x++, i++) {
      const r = d[i], g = d[n + i], b = d[2 * n + i];
      const l = 0.299 * r + 0.587 * g + 0.114 * b;
      const Y = sy * l + oy, cb = sb * (0.5 + 0.564 * (b - l)) + ob, cr = sr * (0.5 + 0.713 * (r - l)) + or;
      const R = Y + (cr - 0.5) / 0.713, B = Y + (cb - 0.5) / 0.564;
      d[i] = clamp(R);
      d[n + i] = clamp((Y - 0.299 * R - 0.114 * B) / 0.587);
      d[2 * n + i] = clamp(B);
    }
  }
}
