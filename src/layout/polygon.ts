// Polygon rasterisation into label maps: how sample scenes and test layouts are authored reproducibly
// (polygons in JSON, never hand-edited pixels). Pure typed-array code.
import { InputError } from './errors';
import { LabelMap } from './image';

export type Point = readonly [number, number];

/**
 * Fills `polygon` (pixel coordinates, any winding, even-odd rule) with `label`, sampling at pixel
 * centres, so the same polygon always yields the same pixels.
 */
export function fillPolygon(map: LabelMap, polygon: readonly Point[], label: number): void {
  if (polygon.length < 3) throw new InputError(`A polygon needs at least 3 points, got ${polygon.length}`);
  const { width, height, labels } = map;
  let minY = Infinity, maxY = -Infinity;
  for (const [, y] of polygon) {
    minY = Math.min(minY, y);
    maxY = Math.max(maxY, y);
  }
  const yStart = Math.max(0, Math.ceil(minY - 0.5));
  const yEnd = Math.min(height - 1, Math.floor(maxY - 0.5));
  const xs: number[] = [];
  for (let y = yStart; y <= yEnd; y++) {
    const cy = y + 0.5;
    xs.length = 0;
    for (let k = 0; k < polygon.length; k++) {
      const [ax, ay] = polygon[k];
      const [bx, by] = polygon[(k + 1) % polygon.length];
      if ((ay <= cy && by > cy) || (by <= cy && ay > cy)) {
        xs.push(ax + ((cy - ay) / (by - ay)) * (bx - ax));
      }
    }
    xs.sort((a, b) => a - b);
    for (let k = 0; k + 1 < xs.length; k += 2) {
      const xa = Math.max(0, Math.ceil(xs[k] - 0.5));
      const xb = Math.min(width, Math.ceil(xs[k + 1] - 0.5));
      labels.fill(label, y * width + xa, y * width + Math.max(xa, xb));
    }
  }
}

/** Scales a polygon authored in a `frame` (e.g. 1280×800) to a target size. */
export function scalePolygon(polygon: readonly Point[], frame: Point, width: number, height: number): Point[] {
  const sx = width / frame[0], sy = height / frame[1];
  return polygon.map(([x, y]) => [x * sx, y * sy] as const);
}
