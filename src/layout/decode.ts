// Label-layer decoding: RGBA pixels → class labels, tolerant of anti-aliasing and slightly-off colours,
// with a report of what was not exact. Pure typed-array code; imports nothing outside src/layout.
import { OffPaletteError } from './errors';
import { assertRgba, LabelMap, RgbaImage } from './image';
import { packRgb, Palette, Rgb } from './palette';

export interface DecodeOptions {
  /** Largest RGB (Euclidean) distance at which a non-exact colour still snaps to its nearest class. */
  snapTolerance?: number;
  /**
   * Largest distance from the straight line between two neighbouring classes' colours at which a pixel
   * counts as an anti-aliased blend of the two (it then takes the class it is closer to).
   */
  blendTolerance?: number;
  /** Pixels with alpha below this are transparent, i.e. unlabeled. */
  alphaThreshold?: number;
  /** Neighbourhood radius (px) searched for the classes an anti-aliased pixel may blend. */
  blendRadius?: number;
}

export interface OffPaletteColor {
  color: Rgb;
  count: number;
  nearestClass: string;
  distance: number;
}

export interface DecodeReport {
  pixels: number;
  exact: number;
  /** Slightly-off colours snapped to the nearest class within `snapTolerance`. */
  snapped: number;
  /** Anti-aliased pixels resolved to one of the two classes they blend. */
  blended: number;
  /** Transparent pixels: unlabeled by intent (a sparse layout). */
  transparent: number;
  /** Opaque pixels too far from every class: unlabeled, and worth telling the user about. */
  offPalette: number;
  /** The most frequent off-palette colours, most frequent first (at most 8). */
  worstColors: OffPaletteColor[];
}

export interface DecodeResult {
  map: LabelMap;
  report: DecodeReport;
}

const DEFAULTS: Required<DecodeOptions> = {
  snapTolerance: 24,
  blendTolerance: 16,
  alphaThreshold: 128,
  blendRadius: 2,
};

/** Marks a pixel that pass 1 could not decode exactly (resolved in pass 2). */
const PENDING = 0xffff;

interface Nearest {
  label: number;
  distance: number;
}

/**
 * Decodes an RGBA label image. Runs anywhere (panel, webview, Node).
 *
 * Pass 1 takes exact palette colours and transparent pixels. Pass 2 resolves every other opaque pixel:
 * if it lies (within `blendTolerance`) on the line between the colours of two classes found within
 * `blendRadius` px, and that explains it better than the nearest palette colour, it is an anti-aliased
 * edge and takes the closer of the two classes; else it snaps to the nearest class within
 * `snapTolerance`; else it is off-palette and left unlabeled. Shared colours decode to the first class
 * that has them (see PaletteClass.aliasOf).
 */
export function decodeLabels(img: RgbaImage, palette: Palette, options: DecodeOptions = {}): DecodeResult {
  assertRgba(img, 'label image');
  const opts = { ...DEFAULTS, ...options };
  const { width, height, data } = img;
  const n = width * height;
  const exactLut = new Map<number, number>();
  for (const c of palette.classes) {
    const key = packRgb(c.color[0], c.color[1], c.color[2]);
    if (!exactLut.has(key)) exactLut.set(key, c.aliasOf ?? c.label);
  }

  // Pass 1: exact and transparent.
  const work = new Uint16Array(n);
  let exact = 0;
  let transparent = 0;
  let pending = 0;
  for (let i = 0, p = 0; i < n; i++, p += 4) {
    if (data[p + 3] < opts.alphaThreshold) {
      transparent++;
      continue; // work[i] stays 0 = unlabeled
    }
    const hit = exactLut.get(packRgb(data[p], data[p + 1], data[p + 2]));
    if (hit !== undefined) {
      work[i] = hit;
      exact++;
    } else {
      work[i] = PENDING;
      pending++;
    }
  }

  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) labels[i] = work[i] === PENDING ? 0 : work[i];
  let snapped = 0;
  let blended = 0;
  let offPalette = 0;
  const offCounts = new Map<number, number>();

  if (pending > 0) {
    const nearestCache = new Map<number, Nearest>();
    const colors = palette.classes.map((c) => c.color);
    const r = opts.blendRadius;
    const neigh: number[] = [];
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const i = y * width + x;
        if (work[i] !== PENDING) continue;
        const p = i * 4;
        const cr = data[p], cg = data[p + 1], cb = data[p + 2];
        const key = packRgb(cr, cg, cb);
        let near = nearestCache.get(key);
        if (!near) {
          near = nearestClass(palette, cr, cg, cb);
          nearestCache.set(key, near);
        }
        // Classes decoded exactly in the neighbourhood: the candidates for an anti-aliased blend.
        neigh.length = 0;
        for (let yy = Math.max(0, y - r); yy <= Math.min(height - 1, y + r); yy++) {
          for (let xx = Math.max(0, x - r); xx <= Math.min(width - 1, x + r); xx++) {
            const l = work[yy * width + xx];
            if (l !== 0 && l !== PENDING && !neigh.includes(l)) neigh.push(l);
          }
        }
        let bestBlend = Infinity;
        let blendLabel = 0;
        for (let a = 0; a < neigh.length; a++) {
          for (let b = a + 1; b < neigh.length; b++) {
            const res = blendResidual(cr, cg, cb, colors[neigh[a] - 1], colors[neigh[b] - 1]);
            if (res.distance < bestBlend) {
              bestBlend = res.distance;
              blendLabel = res.t >= 0.5 ? neigh[a] : neigh[b];
            }
          }
        }
        if (bestBlend <= opts.blendTolerance && bestBlend < near.distance) {
          labels[i] = blendLabel;
          blended++;
        } else if (near.distance <= opts.snapTolerance) {
          labels[i] = near.label;
          snapped++;
        } else {
          offPalette++;
          offCounts.set(key, (offCounts.get(key) ?? 0) + 1);
        }
      }
    }
  }

  const worstColors: OffPaletteColor[] = [...offCounts.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 8)
    .map(([key, count]) => {
      const color: Rgb = [(key >> 16) & 255, (key >> 8) & 255, key & 255];
      const near = nearestClass(palette, color[0], color[1], color[2]);
      return {
        color,
        count,
        nearestClass: palette.classes[near.label - 1].name,
        distance: Math.round(near.distance * 10) / 10,
      };
    });

  return {
    map: { width, height, labels },
    report: { pixels: n, exact, snapped, blended, transparent, offPalette, worstColors },
  };
}

function nearestClass(palette: Palette, r: number, g: number, b: number): Nearest {
  let best = Infinity;
  let label = 0;
  for (const c of palette.classes) {
    if (c.aliasOf !== undefined) continue;
    const dr = r - c.color[0], dg = g - c.color[1], db = b - c.color[2];
    const d = dr * dr + dg * dg + db * db;
    if (d < best) {
      best = d;
      label = c.label;
    }
  }
  return { label, distance: Math.sqrt(best) };
}

/** Distance from colour c to the segment between colours a and b, and the blend weight t of a. */
function blendResidual(r: number, g: number, b: number, ca: Rgb, cb: Rgb): { distance: number; t: number } {
  const ux = ca[0] - cb[0], uy = ca[1] - cb[1], uz = ca[2] - cb[2];
  const vx = r - cb[0], vy = g - cb[1], vz = b - cb[2];
  const len2 = ux * ux + uy * uy + uz * uz;
  let t = len2 > 0 ? (vx * ux + vy * uy + vz * uz) / len2 : 0;
  t = Math.min(1, Math.max(0, t));
  const dx = vx - t * ux, dy = vy - t * uy, dz = vz - t * uz;
  return { distance: Math.sqrt(dx * dx + dy * dy + dz * dz), t };
}

/** A one-line human summary of a decode report, e.g. for the panel's status line or the CLI. */
export function describeReport(report: DecodeReport): string {
  const pct = (k: number): string => `${((100 * k) / Math.max(1, report.pixels)).toFixed(2)}%`;
  const parts = [`${pct(report.exact)} exact`];
  if (report.snapped) parts.push(`${report.snapped} px snapped`);
  if (report.blended) parts.push(`${report.blended} px anti-aliased`);
  if (report.transparent) parts.push(`${pct(report.transparent)} unlabeled (transparent)`);
  if (report.offPalette) {
    const worst = report.worstColors
      .slice(0, 3)
      .map((w) => `rgb(${w.color.join(',')})×${w.count} (nearest ${w.nearestClass}, Δ${w.distance})`)
      .join('; ');
    parts.push(`${report.offPalette} px off-palette: ${worst}`);
  }
  return parts.join(', ');
}

/**
 * Throws OffPaletteError when more than `maxFraction` of the pixels are off-palette: the label image was
 * probably painted with the wrong palette or with soft brushes over a photo.
 */
export function assertMostlyOnPalette(report: DecodeReport, paletteName: string, maxFraction = 0.005): void {
  if (report.offPalette <= maxFraction * report.pixels) return;
  const worst = report.worstColors
    .slice(0, 5)
    .map((w) => `rgb(${w.color.join(',')}) ×${w.count}, nearest "${w.nearestClass}" at distance ${w.distance}`)
    .join('; ');
  throw new OffPaletteError(
    `${report.offPalette} of ${report.pixels} label pixels (${((100 * report.offPalette) / report.pixels).toFixed(1)}%) match no class of palette "${paletteName}": ${worst}. Paint with the palette's exact colours (pencil tool) or choose the palette the layer was made with.`,
  );
}
