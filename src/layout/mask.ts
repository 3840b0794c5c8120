// Edit masks: where the edited layout differs from the original, dilated per changed region (the patent's
// "about 10% of the edited region's extent") and feathered inward. Pure typed-array code.
import { squaredDistanceTransform } from './distance';
import { InputError, SizeMismatchError } from './errors';
import { Bounds, EditMask, LabelMap, sameSize } from './image';

export interface EditMaskOptions {
  /** Dilation as a fraction of each changed region's larger bounding-box side. Default 0.1. */
  dilateFraction?: number;
  /** Fixed dilation radius in px; overrides `dilateFraction` when set. */
  dilatePx?: number;
  /** Bounds for the per-region radius, px. Defaults 4 and 256. */
  minDilatePx?: number;
  maxDilatePx?: number;
  /** Width of the inward alpha ramp at the mask border, px. Default: half the smallest region radius, ≥ 2. */
  featherPx?: number;
  /**
   * An explicit region to regenerate (a Photoshop selection or `--mask`), 0/1 per pixel, united with the
   * layout-derived mask before feathering. It is not dilated: the user drew its extent.
   */
  extra?: Uint8Array;
}

export interface ChangedRegion {
  bounds: Bounds;
  pixels: number;
  dilatePx: number;
}

export interface EditMaskResult extends EditMask {
  /**
   * 0/1 per pixel: the *hole*, pixels whose label changed plus the explicit region. Their content is
   * unknown to the generator; the rest of the mask (the dilation band) is regenerated but guided by the
   * pixels it had.
   */
  hole: Uint8Array;
  /** Pixels whose label changed (before dilation). */
  changedPixels: number;
  /** Pixels in the final mask. */
  maskedPixels: number;
  regions: ChangedRegion[];
  featherPx: number;
  /** Bounding box of the mask, or null when it is empty. */
  bounds: Bounds | null;
}

/** Whether pixel `i` was re-labelled: the edited layout gives it a class different from the original's. */
export function isRelabelled(original: Uint8Array, edited: Uint8Array, i: number): boolean {
  return edited[i] !== 0 && edited[i] !== original[i];
}

/**
 * Builds the edit mask from the original and edited layouts (same size; 0 = unlabeled).
 *
 * A pixel is *changed* when the edited layout labels it with a class other than the original's. Erasing a
 * label (edited = unlabeled) is not a change: unlabeled means "don't care", so it never pulls a pixel into
 * the mask, and dilation does not spread onto pixels the edited layout leaves unlabeled. Each 8-connected
 * changed region is dilated by its own radius; the result's `alpha` ramps from 0 at the mask border to 255
 * `featherPx` inside it (never below 255 on changed pixels), so outside `mask` nothing is touched.
 */
export function computeEditMask(original: LabelMap, edited: LabelMap, options: EditMaskOptions = {}): EditMaskResult {
  if (!sameSize(original, edited)) throw new SizeMismatchError('original and edited layouts', original, edited);
  const { width, height } = edited;
  const n = width * height;
  if (options.extra && options.extra.length !== n) {
    throw new InputError(`extra mask holds ${options.extra.length} pixels, expected ${n} (${width}×${height})`);
  }
  const fraction = options.dilateFraction ?? 0.1;
  const minR = options.minDilatePx ?? 4;
  const maxR = options.maxDilatePx ?? 256;

  const changed = new Uint8Array(n);
  let changedPixels = 0;
  for (let i = 0; i < n; i++) {
    if (isRelabelled(original.labels, edited.labels, i)) {
      changed[i] = 1;
      changedPixels++;
    }
  }

  const mask = new Uint8Array(n);
  const regions: ChangedRegion[] = [];
  for (const comp of connectedComponents(changed, width, height)) {
    // Extent = the longer side of the region's box, but at most twice the side of a square of its area:
    // a long thin stroke (a 5 px stream across a photo) is not a 270 px region and must not regenerate
    // a quarter of the image; compact regions keep the patent's ~10% of their extent.
    const side = Math.min(Math.max(comp.bounds.x1 - comp.bounds.x0, comp.bounds.y1 - comp.bounds.y0), 2 * Math.sqrt(comp.pixels.length));
    const r = options.dilatePx ?? Math.min(maxR, Math.max(minR, Math.round(fraction * side)));
    regions.push({ bounds: comp.bounds, pixels: comp.pixels.length, dilatePx: r });
    dilateInto(mask, comp.pixels, comp.bounds, r, width, height);
  }
  // Dilation never spreads onto pixels the edited layout leaves unlabeled.
  for (let i = 0; i < n; i++) if (mask[i] && !changed[i] && edited.labels[i] === 0) mask[i] = 0;
  const hole = new Uint8Array(changed);
  if (options.extra) for (let i = 0; i < n; i++) if (options.extra[i]) mask[i] = hole[i] = 1;

  const minRegionR = regions.length ? Math.min(...regions.map((r) => r.dilatePx)) : minR;
  const featherPx = Math.max(0, options.featherPx ?? Math.max(2, Math.round(minRegionR / 2)));

  let maskedPixels = 0;
  let x0 = width, y0 = height, x1 = 0, y1 = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (!mask[y * width + x]) continue;
      maskedPixels++;
      if (x < x0) x0 = x;
      if (x >= x1) x1 = x + 1;
      if (y < y0) y0 = y;
      if (y >= y1) y1 = y + 1;
    }
  }
  const bounds = maskedPixels ? { x0, y0, x1, y1 } : null;
  const alpha = featherAlpha(mask, changed, width, height, featherPx, bounds);
  return {
    width,
    height,
    mask,
    alpha,
    hole,
    changedPixels,
    maskedPixels,
    regions,
    featherPx,
    bounds,
  };
}

/** Alpha 0..255: distance to the nearest unmasked pixel over `featherPx`, 255 on `forceFull` pixels. */
function featherAlpha(mask: Uint8Array, forceFull: Uint8Array, width: number, height: number, featherPx: number, bounds: Bounds | null): Uint8Array {
  const alpha = new Uint8Array(mask.length);
  if (!bounds) return alpha;
  if (featherPx <= 0) {
    for (let i = 0; i < mask.length; i++) alpha[i] = mask[i] ? 255 : 0;
    return alpha;
  }
  // Distances only inside the mask's box grown by one pixel: that ring is unmasked, so no masked pixel's
  // nearest unmasked pixel lies beyond it (the exact result at a fraction of the cost for small edits).
  const bx0 = Math.max(0, bounds.x0 - 1), by0 = Math.max(0, bounds.y0 - 1);
  const bw = Math.min(width, bounds.x1 + 1) - bx0, bh = Math.min(height, bounds.y1 + 1) - by0;
  const unmasked = new Uint8Array(bw * bh);
  for (let y = 0; y < bh; y++) for (let x = 0, i = y * bw, gi = (y + by0) * width + bx0; x < bw; x++, i++, gi++) unmasked[i] = mask[gi] === 0 ? 1 : 0;
  const d2 = squaredDistanceTransform(bw, bh, (i) => unmasked[i] === 1);
  for (let y = 0; y < bh; y++) {
    for (let x = 0; x < bw; x++) {
      const gi = (y + by0) * width + x + bx0;
      if (!mask[gi]) continue;
      // Distance ≥ 1 for every masked pixel; a pixel touching the border gets 1/featherPx.
      const a = forceFull[gi] ? 255 : Math.round((255 * Math.min(Math.sqrt(d2[y * bw + x]), featherPx)) / featherPx);
      alpha[gi] = Math.max(1, a);
    }
  }
  return alpha;
}

interface Component {
  pixels: Int32Array;
  bounds: Bounds;
}

/** 8-connected components of the pixels where `bits[i] !== 0`. */
export function connectedComponents(bits: Uint8Array, width: number, height: number): Component[] {
  const seen = new Uint8Array(bits.length);
  const stack = new Int32Array(bits.length);
  const comps: Component[] = [];
  for (let start = 0; start < bits.length; start++) {
    if (!bits[start] || seen[start]) continue;
    let top = 0;
    const members: number[] = [];
    stack[top++] = start;
    seen[start] = 1;
    let x0 = width, y0 = height, x1 = 0, y1 = 0;
    while (top > 0) {
      const i = stack[--top];
      members.push(i);
      const x = i % width;
      const y = (i - x) / width;
      if (x < x0) x0 = x;
      if (x >= x1) x1 = x + 1;
      if (y < y0) y0 = y;
      if (y >= y1) y1 = y + 1;
      for (let dy = -1; dy <= 1; dy++) {
        const yy = y + dy;
        if (yy < 0 || yy >= height) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const xx = x + dx;
          if (xx < 0 || xx >= width) continue;
          const j = yy * width + xx;
          if (bits[j] && !seen[j]) {
            seen[j] = 1;
            stack[top++] = j;
          }
        }
      }
    }
    comps.push({ pixels: Int32Array.from(members), bounds: { x0, y0, x1, y1 } });
  }
  return comps;
}

/** Sets mask to 1 within Euclidean distance r of any of `pixels` (computed in the region's window only). */
function dilateInto(mask: Uint8Array, pixels: Int32Array, b: Bounds, r: number, width: number, height: number): void {
  const wx0 = Math.max(0, b.x0 - r), wy0 = Math.max(0, b.y0 - r);
  const wx1 = Math.min(width, b.x1 + r), wy1 = Math.min(height, b.y1 + r);
  const ww = wx1 - wx0, wh = wy1 - wy0;
  const seed = new Uint8Array(ww * wh);
  for (const i of pixels) {
    const x = i % width;
    const y = (i - x) / width;
    seed[(y - wy0) * ww + (x - wx0)] = 1;
  }
  const d2 = squaredDistanceTransform(ww, wh, (i) => seed[i] === 1);
  const r2 = r * r;
  for (let y = 0; y < wh; y++) {
    for (let x = 0; x < ww; x++) {
      if (d2[y * ww + x] <= r2) mask[(y + wy0) * width + (x + wx0)] = 1;
    }
  }
}
