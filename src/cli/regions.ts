// Regions for the reconstruction evaluation: seeded blob-shaped masks of a chosen share of the image,
// either inside one class (the blob clipped to the class under its centre) or across a class border.
import { LabelMap, prng, squaredDistanceTransform } from '../layout';

export type RegionKind = 'within' | 'across';

export interface EvalRegion {
  name: string;
  kind: RegionKind;
  /** Share of the image actually covered. */
  fraction: number;
  mask: Uint8Array;
}

interface Blob {
  cx: number;
  cy: number;
  aspect: number;
  angle: number;
  phase: number;
}

/** Rasterises a wobbly ellipse of radius `s` (geometric mean of its axes), optionally clipped to a class. */
function rasterBlob(b: Blob, s: number, map: LabelMap, clipLabel: number, out?: Uint8Array): number {
  const { width: W, height: H } = map;
  const ext = Math.ceil(s * Math.max(b.aspect, 1 / b.aspect) * 1.2) + 1;
  const cos = Math.cos(b.angle), sin = Math.sin(b.angle);
  let n = 0;
  for (let y = Math.max(0, Math.floor(b.cy - ext)); y < Math.min(H, Math.ceil(b.cy + ext)); y++) {
    for (let x = Math.max(0, Math.floor(b.cx - ext)); x < Math.min(W, Math.ceil(b.cx + ext)); x++) {
      const dx = x + 0.5 - b.cx, dy = y + 0.5 - b.cy;
      const u = (dx * cos + dy * sin) / b.aspect, v = (-dx * sin + dy * cos) * b.aspect;
      const wobble = 1 + 0.15 * Math.sin(3 * Math.atan2(v, u) + b.phase);
      if (u * u + v * v > (s * wobble) ** 2) continue;
      if (clipLabel && map.labels[y * W + x] !== clipLabel) continue;
      n++;
      if (out) out[y * W + x] = 1;
    }
  }
  return n;
}

/** Scale so that the blob covers `target` pixels (bisection), or null when it cannot reach 90% of it. */
function fitBlob(b: Blob, target: number, map: LabelMap, clipLabel: number): Uint8Array | null {
  let lo = 1, hi = Math.hypot(map.width, map.height);
  if (rasterBlob(b, hi, map, clipLabel) < 0.9 * target) return null;
  for (let it = 0; it < 24; it++) {
    const mid = (lo + hi) / 2;
    if (rasterBlob(b, mid, map, clipLabel) < target) lo = mid;
    else hi = mid;
  }
  const mask = new Uint8Array(map.width * map.height);
  rasterBlob(b, hi, map, clipLabel, mask);
  return mask;
}

/** True when some class has no pixel outside the mask (nothing left to copy it from). */
function swallowsAClass(mask: Uint8Array, labels: Uint8Array): boolean {
  const inside = new Uint8Array(256), outside = new Uint8Array(256);
  for (let i = 0; i < mask.length; i++) (mask[i] ? inside : outside)[labels[i]] = 1;
  for (let l = 1; l < 256; l++) if (inside[l] && !outside[l]) return true;
  return false;
}

/**
 * `count` regions for one layout, sizes log-spaced from 2% to 20% of the image, alternating inside one
 * class and across a class border. Deterministic for a seed.
 */
export function evalRegions(map: LabelMap, count: number, seed: number, prefix: string): EvalRegion[] {
  const { width: W, height: H, labels } = map;
  const n = W * H;
  const rand = prng(seed);
  const areas = new Map<number, number>();
  for (const l of labels) if (l) areas.set(l, (areas.get(l) ?? 0) + 1);
  // Pixels on a border between two labeled classes, away from the image edge.
  const borders: number[] = [];
  const m = Math.round(0.08 * Math.min(W, H));
  for (let y = m; y < H - m; y++) {
    for (let x = m; x < W - m; x++) {
      const i = y * W + x, l = labels[i];
      if (l && ((labels[i + 1] && labels[i + 1] !== l) || (labels[i + W] && labels[i + W] !== l))) borders.push(i);
    }
  }
  const regions: EvalRegion[] = [];
  for (let k = 0; k < count; k++) {
    const fraction = 0.02 * Math.pow(10, count > 1 ? k / (count - 1) : 0);
    const target = fraction * n;
    const shape = { aspect: 0.65 + rand() * 0.9, angle: rand() * Math.PI, phase: rand() * 2 * Math.PI };
    let mask: Uint8Array | null = null;
    let kind: RegionKind = k % 2 === 0 ? 'within' : 'across';
    if (kind === 'within') {
      // A class large enough, and a centre deep inside it.
      const big = [...areas].filter(([, a]) => a >= 1.4 * target).map(([l]) => l);
      if (big.length) {
        const label = big[Math.floor(rand() * big.length)];
        const d2 = squaredDistanceTransform(W, H, (i) => labels[i] !== label);
        let best = 0;
        for (let i = 0; i < n; i++) if (d2[i] > best) best = d2[i];
        const deep: number[] = [];
        for (let i = 0; i < n; i++) if (d2[i] >= 0.5 * best) deep.push(i);
        for (let tries = 0; tries < 6 && !mask; tries++) {
          const c = deep[Math.floor(rand() * deep.length)];
          mask = fitBlob({ cx: (c % W) + 0.5, cy: Math.floor(c / W) + 0.5, ...shape }, target, map, label);
        }
      }
      if (!mask) kind = 'across';
    }
    for (let tries = 0; tries < 12 && !mask && borders.length; tries++) {
      const c = borders[Math.floor(rand() * borders.length)];
      mask = fitBlob({ cx: (c % W) + 0.5, cy: Math.floor(c / W) + 0.5, ...shape }, target, map, 0);
      // A region that swallows every pixel of a class (the kite) cannot be reconstructed from the photo.
      if (mask && swallowsAClass(mask, labels)) mask = null;
    }
    if (!mask) continue;
    let covered = 0;
    for (const v of mask) covered += v;
    regions.push({ name: `${prefix}-${String(k + 1).padStart(2, '0')}-${kind}`, kind, fraction: covered / n, mask });
  }
  return regions;
}

/** One blob across a class border covering `fraction` of the image (the benchmark's masked region). */
export function regionOfFraction(map: LabelMap, fraction: number, seed: number): Uint8Array {
  const rand = prng(seed);
  const { width: W, height: H, labels } = map;
  const shape = { aspect: 0.8 + rand() * 0.4, angle: rand() * Math.PI, phase: rand() * 2 * Math.PI };
  // Start from the image centre and walk to the nearest class border, so the blob spans two classes.
  let c = Math.floor(H / 2) * W + Math.floor(W / 2);
  for (let y = Math.floor(H / 2); y < H - 1; y++) {
    const i = y * W + Math.floor(W / 2);
    if (labels[i] !== labels[i + W]) {
      c = i;
      break;
    }
  }
  const mask = fitBlob({ cx: (c % W) + 0.5, cy: Math.floor(c / W) + 0.5, ...shape }, fraction * W * H, map, 0);
  if (!mask) throw new Error(`cannot place a ${Math.round(fraction * 100)}% region`);
  return mask;
}
