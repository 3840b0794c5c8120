// Small builders for synthetic test images and label maps.
import { LabelMap, Palette, RgbaImage } from '../../src/layout';

export function labelMap(width: number, height: number, fill = 0): LabelMap {
  return { width, height, labels: new Uint8Array(width * height).fill(fill) };
}

export function rect(map: LabelMap, x0: number, y0: number, x1: number, y1: number, label: number): void {
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) map.labels[y * map.width + x] = label;
}

/** An RGBA image where every pixel has colour `fill` (opaque). */
export function solid(width: number, height: number, rgb: readonly number[]): RgbaImage {
  const data = new Uint8Array(width * height * 4);
  for (let p = 0; p < data.length; p += 4) {
    data[p] = rgb[0]; data[p + 1] = rgb[1]; data[p + 2] = rgb[2]; data[p + 3] = 255;
  }
  return { width, height, data };
}

/** A deterministic textured photo-like image (gradients plus hashed noise). */
export function texture(width: number, height: number, seed = 1): RgbaImage {
  const data = new Uint8Array(width * height * 4);
  let s = seed >>> 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      s = (s * 1664525 + 1013904223) >>> 0;
      const p = (y * width + x) * 4;
      data[p] = (x * 3 + (s & 31)) & 255;
      data[p + 1] = (y * 5 + ((s >> 8) & 31)) & 255;
      data[p + 2] = ((x + y) * 2 + ((s >> 16) & 31)) & 255;
      data[p + 3] = 255;
    }
  }
  return { width, height, data };
}

export function colorOf(palette: Palette, label: number): readonly number[] {
  return palette.classes[label - 1].color;
}

/** Gravel-like texture: random grey pebbles (discs of radius 1–3.5 px) on dark ground; seeded. */
export function pebbles(width: number, height: number, seed = 11): RgbaImage {
  let s = seed >>> 0;
  const rand = (): number => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32;
  const grey = new Float32Array(width * height).fill(70);
  for (let k = 0; k < (width * height) / 30; k++) {
    const cx = rand() * width, cy = rand() * height, r = 1 + rand() * 2.5, v = 60 + rand() * 140;
    for (let y = Math.max(0, Math.floor(cy - r)); y <= Math.min(height - 1, Math.ceil(cy + r)); y++) {
      for (let x = Math.max(0, Math.floor(cx - r)); x <= Math.min(width - 1, Math.ceil(cx + r)); x++) {
        if ((x - cx) ** 2 + (y - cy) ** 2 <= r * r) grey[y * width + x] = v;
      }
    }
  }
  const data = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) data.set([grey[i], grey[i] * 0.95, grey[i] * 0.9 + 10, 255], 4 * i);
  return { width, height, data };
}
