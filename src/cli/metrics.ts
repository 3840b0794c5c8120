// Reconstruction metrics inside a region (the patent's protocol): PSNR over RGB, SSIM over luma, the
// sharpness ratio (mean gradient magnitude, output ÷ truth) and the seam score (gradient energy on the
// one-pixel ring at the region border, output ÷ truth), and how strongly a fill's fine detail repeats
// itself. Pure typed-array code.
import { Bounds, boxMean, RgbaImage, squaredDistanceTransform } from '../layout';

export interface RegionMetrics {
  psnr: number;
  ssim: number;
  sharpness: number;
  seam: number;
  repetition: number;
}

function luma(img: RgbaImage, b: Bounds): Float32Array {
  const w = b.x1 - b.x0, h = b.y1 - b.y0;
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const p = ((y + b.y0) * img.width + x + b.x0) * 4;
      out[y * w + x] = 0.299 * img.data[p] + 0.587 * img.data[p + 1] + 0.114 * img.data[p + 2];
    }
  }
  return out;
}

/**
 * The image with the region filled by the image itself shifted by (dx, dy) (source clamped at the image's
 * edge): a perfect texture of the right kind and light, only out of place. Its scores say what the
 * metrics give a fill that is plausible but not pixel-aligned with the hidden truth.
 */
export function misalignedCopy(img: RgbaImage, region: Uint8Array, dx: number, dy: number): RgbaImage {
  const { width: w, height: h } = img;
  const out = new Uint8Array(img.data);
  for (let y = 0; y < h; y++) {
    const sy = Math.min(h - 1, Math.max(0, y + dy));
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      if (!region[i]) continue;
      const j = sy * w + Math.min(w - 1, Math.max(0, x + dx));
      for (let c = 0; c < 3; c++) out[i * 4 + c] = img.data[j * 4 + c];
    }
  }
  return { width: w, height: h, data: out };
}

/** Bounds of the region grown by `pad`, clipped to the image. */
export function regionBounds(region: Uint8Array, width: number, height: number, pad: number): Bounds {
  let x0 = width, y0 = height, x1 = 0, y1 = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (!region[y * width + x]) continue;
      if (x < x0) x0 = x;
      if (x >= x1) x1 = x + 1;
      if (y < y0) y0 = y;
      if (y >= y1) y1 = y + 1;
    }
  }
  return { x0: Math.max(0, x0 - pad), y0: Math.max(0, y0 - pad), x1: Math.min(width, x1 + pad), y1: Math.min(height, y1 + pad) };
}

export function psnr(out: RgbaImage, truth: RgbaImage, region: Uint8Array): number {
  let se = 0, n = 0;
  for (let i = 0; i < region.length; i++) {
    if (!region[i]) continue;
    for (let c = 0; c < 3; c++) {
      const d = out.data[i * 4 + c] - truth.data[i * 4 + c];
      se += d * d;
    }
    n += 3;
  }
  const mse = se / Math.max(1, n);
  return mse === 0 ? 99 : 10 * Math.log10((255 * 255) / mse);
}

/** Separable Gaussian blur (σ 1.5, 11 taps) of a w×h plane, borders clamped. */
function gaussian(src: Float32Array, w: number, h: number): Float32Array {
  const r = 5, sigma = 1.5;
  const k = new Float32Array(2 * r + 1);
  let sum = 0;
  for (let i = -r; i <= r; i++) sum += k[i + r] = Math.exp(-(i * i) / (2 * sigma * sigma));
  for (let i = 0; i < k.length; i++) k[i] /= sum;
  const tmp = new Float32Array(w * h);
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let s = 0;
      for (let i = -r; i <= r; i++) s += k[i + r] * src[y * w + Math.min(w - 1, Math.max(0, x + i))];
      tmp[y * w + x] = s;
    }
  }
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let s = 0;
      for (let i = -r; i <= r; i++) s += k[i + r] * tmp[Math.min(h - 1, Math.max(0, y + i)) * w + x];
      out[y * w + x] = s;
    }
  }
  return out;
}

/** SSIM (Wang et al. 2004, Gaussian window, luma 0..255) at every pixel of the region's box (grown by 6 px). */
function ssimMap(out: RgbaImage, truth: RgbaImage, region: Uint8Array): { b: Bounds; values: Float32Array } {
  const b = regionBounds(region, out.width, out.height, 6);
  const w = b.x1 - b.x0, h = b.y1 - b.y0;
  const a = luma(out, b), t = luma(truth, b);
  const aa = new Float32Array(w * h), tt = new Float32Array(w * h), at = new Float32Array(w * h);
  for (let i = 0; i < w * h; i++) {
    aa[i] = a[i] * a[i];
    tt[i] = t[i] * t[i];
    at[i] = a[i] * t[i];
  }
  const [ma, mt, saa, stt, sat] = [a, t, aa, tt, at].map((p) => gaussian(p, w, h));
  const c1 = (0.01 * 255) ** 2, c2 = (0.03 * 255) ** 2;
  const values = new Float32Array(w * h);
  for (let i = 0; i < w * h; i++) {
    const va = saa[i] - ma[i] * ma[i], vt = stt[i] - mt[i] * mt[i], cov = sat[i] - ma[i] * mt[i];
    values[i] = ((2 * ma[i] * mt[i] + c1) * (2 * cov + c2)) / ((ma[i] * ma[i] + mt[i] * mt[i] + c1) * (va + vt + c2));
  }
  return { b, values };
}

/** Mean SSIM (Wang et al. 2004, Gaussian window, luma 0..255) over the region's pixels. */
export function ssim(out: RgbaImage, truth: RgbaImage, region: Uint8Array): number {
  const { b, values } = ssimMap(out, truth, region);
  const w = b.x1 - b.x0;
  let s = 0, n = 0;
  for (let y = b.y0; y < b.y1; y++) {
    for (let x = b.x0; x < b.x1; x++) {
      if (!region[y * out.width + x]) continue;
      s += values[(y - b.y0) * w + x - b.x0];
      n++;
    }
  }
  return s / Math.max(1, n);
}

/**
 * Mean SSIM over the region's pixels in bands of distance (px, Euclidean) from the nearest pixel outside
 * it: band k holds depths in (edges[k−1], edges[k]] (edges ascending, the first band from 0). NaN for a
 * band without pixels. Near the border SSIM's window takes in untouched pixels and a fill that continues
 * them scores; deeper, only pixel-aligned structure does, which a plausible texture has by chance only.
 */
export function ssimByDepth(out: RgbaImage, truth: RgbaImage, region: Uint8Array, edges: readonly number[]): number[] {
  const { b, values } = ssimMap(out, truth, region);
  const w = b.x1 - b.x0, h = b.y1 - b.y0;
  const inRegion = (i: number): boolean => region[(Math.floor(i / w) + b.y0) * out.width + (i % w) + b.x0] === 1;
  const d2 = squaredDistanceTransform(w, h, (i) => !inRegion(i));
  const sum = new Float64Array(edges.length), count = new Float64Array(edges.length);
  for (let i = 0; i < w * h; i++) {
    if (!inRegion(i)) continue;
    const d = Math.sqrt(d2[i]);
    const k = edges.findIndex((e) => d <= e);
    if (k < 0) continue;
    sum[k] += values[i];
    count[k]++;
  }
  return Array.from(sum, (v, k) => (count[k] ? v / count[k] : NaN));
}

/** Squared luma gradient (central differences, clamped at the image border) at every pixel of a box. */
function gradientEnergy(img: RgbaImage, b: Bounds): Float32Array {
  const pad: Bounds = { x0: Math.max(0, b.x0 - 1), y0: Math.max(0, b.y0 - 1), x1: Math.min(img.width, b.x1 + 1), y1: Math.min(img.height, b.y1 + 1) };
  const L = luma(img, pad);
  const pw = pad.x1 - pad.x0, ph = pad.y1 - pad.y0;
  const w = b.x1 - b.x0, h = b.y1 - b.y0;
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const px = x + b.x0 - pad.x0, py = y + b.y0 - pad.y0;
      const gx = (L[py * pw + Math.min(pw - 1, px + 1)] - L[py * pw + Math.max(0, px - 1)]) / 2;
      const gy = (L[Math.min(ph - 1, py + 1) * pw + px] - L[Math.max(0, py - 1) * pw + px]) / 2;
      out[y * w + x] = gx * gx + gy * gy;
    }
  }
  return out;
}

/** Mean gradient magnitude inside the region, output ÷ truth (1 = as sharp as the photo). */
export function sharpness(out: RgbaImage, truth: RgbaImage, region: Uint8Array): number {
  const b = regionBounds(region, out.width, out.height, 0);
  const go = gradientEnergy(out, b), gt = gradientEnergy(truth, b);
  const w = b.x1 - b.x0;
  let so = 0, st = 0;
  for (let y = b.y0; y < b.y1; y++) {
    for (let x = b.x0; x < b.x1; x++) {
      if (!region[y * out.width + x]) continue;
      const i = (y - b.y0) * w + x - b.x0;
      so += Math.sqrt(go[i]);
      st += Math.sqrt(gt[i]);
    }
  }
  return so / Math.max(1e-9, st);
}

/**
 * Gradient energy on the one-pixel ring just inside the region border (region pixels with a 4-neighbour
 * outside it), output ÷ truth. Central differences there straddle the border, so a step between the
 * regenerated pixels and the untouched ones raises it.
 */
export function seam(out: RgbaImage, truth: RgbaImage, region: Uint8Array): number {
  const W = out.width, H = out.height;
  const b = regionBounds(region, W, H, 0);
  const go = gradientEnergy(out, b), gt = gradientEnergy(truth, b);
  const w = b.x1 - b.x0;
  let so = 0, st = 0;
  const inside = (x: number, y: number): boolean => x >= 0 && y >= 0 && x < W && y < H && region[y * W + x] === 1;
  for (let y = b.y0; y < b.y1; y++) {
    for (let x = b.x0; x < b.x1; x++) {
      if (!region[y * W + x]) continue;
      const border = [[1, 0], [-1, 0], [0, 1], [0, -1]].some(([dx, dy]) => {
        const nx = x + dx, ny = y + dy;
        return nx >= 0 && ny >= 0 && nx < W && ny < H && !inside(nx, ny);
      });
      if (!border) continue;
      const i = (y - b.y0) * w + x - b.x0;
      so += go[i];
      st += gt[i];
    }
  }
  return so / Math.max(1e-9, st);
}

/** Offsets (px, along each axis) at which `repetition` looks for a repeated copy, in four directions. */
const REPEAT_OFFSETS: [number, number] = [6, 40];

/**
 * How strongly the region's fine detail repeats itself: the largest normalised autocorrelation of the
 * luma minus its 9×9 mean, over horizontal, vertical and diagonal offsets of 6–40 px (nearer, a blurred fill correlates with itself), between pixels at least 6 px
 * inside the region and, given the layout's `labels`, at least 6 px from a class border (a border is
 * detail that repeats along itself, not a copied texture). A fill that copies one source tile at every
 * location (a lattice) scores near 1; the photos' own textures about 0.1; a flat fill 0 (no detail).
 */
export function repetition(img: RgbaImage, region: Uint8Array, labels?: Uint8Array): number {
  return fineDetail(img, region, labels).repetition;
}

/**
 * RMS (0..255 levels) of the luma minus its 9×9 mean over the same pixels as `repetition`: below about 3
 * levels a texture is too faint for a repeated copy to show, and the normalised autocorrelation of what
 * is left (gentle curvature of a sky) is high whatever fills it.
 */
export function detailRms(img: RgbaImage, region: Uint8Array, labels?: Uint8Array): number {
  return fineDetail(img, region, labels).rms;
}

/** `repetition` and `detailRms` from one pass over the region. */
export function fineDetail(img: RgbaImage, region: Uint8Array, labels?: Uint8Array): { repetition: number; rms: number } {
  const b = regionBounds(region, img.width, img.height, 4);
  const w = b.x1 - b.x0, h = b.y1 - b.y0;
  if (w <= 0 || h <= 0) return { repetition: 0, rms: 0 };
  const L = luma(img, b), m = boxMean(L, w, h, 4);
  const W = img.width;
  const inRegion = new Float32Array(w * h), border = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const gi = (y + b.y0) * W + x + b.x0, l = labels?.[gi];
      inRegion[y * w + x] = region[gi];
      if (labels && ((x > 0 && labels[gi - 1] !== l) || (y > 0 && labels[gi - W] !== l))) border[y * w + x] = 1;
    }
  }
  const share = boxMean(inRegion, w, h, 6), nearBorder = boxMean(border, w, h, 6);
  const detail = new Float32Array(w * h);
  const inner = new Uint8Array(w * h);
  for (let i = 0; i < w * h; i++) {
    detail[i] = L[i] - m[i];
    inner[i] = share[i] > 0.9999 && nearBorder[i] < 1e-4 ? 1 : 0;
  }
  let energy = 0, count = 0;
  for (let i = 0; i < w * h; i++) {
    if (!inner[i]) continue;
    energy += detail[i] * detail[i];
    count++;
  }
  let best = 0;
  for (const [ax, ay] of [[1, 0], [0, 1], [1, 1], [1, -1]]) {
    for (let d = REPEAT_OFFSETS[0]; d <= REPEAT_OFFSETS[1]; d++) {
      const dx = d * ax, dy = d * ay, step = dy * w + dx;
      let sab = 0, saa = 0, sbb = 0;
      for (let y = Math.max(0, -dy); y < Math.min(h, h - dy); y++) {
        for (let x = 0, i = y * w; x < w - dx; x++, i++) {
          if (!inner[i] || !inner[i + step]) continue;
          const a = detail[i], c = detail[i + step];
          sab += a * c;
          saa += a * a;
          sbb += c * c;
        }
      }
      if (saa > 1e-6 && sbb > 1e-6) best = Math.max(best, sab / Math.sqrt(saa * sbb));
    }
  }
  return { repetition: best, rms: Math.sqrt(energy / Math.max(1, count)) };
}

export function regionMetrics(out: RgbaImage, truth: RgbaImage, region: Uint8Array, labels?: Uint8Array): RegionMetrics {
  return {
    psnr: psnr(out, truth, region),
    ssim: ssim(out, truth, region),
    sharpness: sharpness(out, truth, region),
    seam: seam(out, truth, region),
    repetition: repetition(out, region, labels),
  };
}
