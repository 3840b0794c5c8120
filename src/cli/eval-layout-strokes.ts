// Simulated user strokes for the layout-completion evaluation ("class-wise random patterns"): for each
// class of a full layout, random brush strokes (smoothly turning random walks stamped with a round
// brush) that stay inside the class and cover a given fraction of its pixels. Seeded, so every run sees
// the same strokes. Node-free.
import { connectedComponents, LabelMap, prng } from '../layout';

/** A stable 32-bit hash of a string (FNV-1a), to derive per-scene, per-class seeds. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

export interface StrokeOptions {
  /** Fraction of each class's pixels to keep, 0..1. */
  keep: number;
  seed: number;
  /** Largest brush radius in px (default: 0.6% of the shorter side, 5 px at 1280×800). */
  maxRadiusPx?: number;
}

/** Connected regions (8-connected) of each label: pixel lists and bounds (x1, y1 exclusive). */
function regionsOf(map: LabelMap): Map<number, ReturnType<typeof connectedComponents>> {
  const { width, height, labels } = map;
  const out = new Map<number, ReturnType<typeof connectedComponents>>();
  const present = new Set(labels);
  present.delete(0);
  for (const l of present) out.set(l, connectedComponents(Uint8Array.from(labels, (v) => (v === l ? 1 : 0)), width, height));
  return out;
}

/**
 * Keeps, for each class of `truth` separately, stroke-shaped pixels covering `keep` of that class. As a
 * person would, every separate region of a class (each boat, each patch of reeds) gets its share:
 * `keep` of its pixels, at least one. Strokes start at random pixels of the region, wander with a
 * slowly turning heading, turn away from the region's border, are stamped with a round brush no wider
 * than the budget allows, and are at most half the region's extent and a fifth of the image's shorter side long; only pixels of the class
 * are kept, so strokes never cross a class border. Returns the sparse layout.
 */
export function simulateStrokes(truth: LabelMap, opts: StrokeOptions): LabelMap {
  const { width, height, labels } = truth;
  const out = new Uint8Array(width * height);
  const maxRadius = opts.maxRadiusPx ?? Math.max(1, Math.round(0.006 * Math.min(width, height)));
  const regions = regionsOf(truth);
  for (const label of [...regions.keys()].sort((a, b) => a - b)) {
    const rand = prng(hashString(`${opts.seed}:${label}:${opts.keep}`));
    for (const { pixels, bounds: b } of regions.get(label)!) {
      const target = Math.max(1, Math.round(opts.keep * pixels.length));
      const radius = Math.max(1, Math.min(maxRadius, Math.round(Math.sqrt(target) / 8)));
      const maxLength = Math.max(4 * radius, Math.min(0.5 * Math.hypot(b.x1 - 1 - b.x0, b.y1 - 1 - b.y0), 0.2 * Math.min(width, height)));
      const step = Math.max(1, radius * 0.75);
      let kept = 0;
      for (let attempt = 0; kept < target && attempt < 10000; attempt++) {
        const start = pixels[Math.floor(rand() * pixels.length)];
        let x = (start % width) + 0.5;
        let y = Math.floor(start / width) + 0.5;
        let heading = rand() * 2 * Math.PI;
        for (let travelled = 0; travelled < maxLength && kept < target; travelled += step) {
          const cx = Math.floor(x), cy = Math.floor(y);
          for (let dy = -radius; dy <= radius && kept < target; dy++) {
            const yy = cy + dy;
            if (yy < 0 || yy >= height) continue;
            for (let dx = -radius; dx <= radius && kept < target; dx++) {
              const xx = cx + dx;
              if (xx < 0 || xx >= width || dx * dx + dy * dy > radius * radius) continue;
              const i = yy * width + xx;
              if (labels[i] === label && out[i] === 0) {
                out[i] = label;
                kept++;
              }
            }
          }
          // Wander; near the border turn (as a painter would) rather than leave the class.
          heading += (rand() - 0.5) * 0.3;
          let turned = false;
          for (let t = 0; t < 12 && !turned; t++) {
            const h = heading + (t % 2 ? 1 : -1) * Math.ceil(t / 2) * (Math.PI / 6);
            const ix = Math.floor(x + Math.cos(h) * step), iy = Math.floor(y + Math.sin(h) * step);
            if (ix >= 0 && iy >= 0 && ix < width && iy < height && labels[iy * width + ix] === label) {
              heading = h;
              turned = true;
            }
          }
          if (!turned) break;
          x += Math.cos(heading) * step;
          y += Math.sin(heading) * step;
        }
      }
    }
  }
  return { width, height, labels: out };
}
