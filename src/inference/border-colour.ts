// Per-class colour continuity across the mask border, before harmonize. The warp copies a class from
// wherever its features match, and the copy can differ in light from the same class right outside the
// hole (water from the lake's blue part meeting its golden part, sky from a darker stretch of the same
// sky). harmonize corrects only small offsets, since across a border
// between two classes (new tree against old sky) a difference is content; between pixels of one class it
// is light, whatever its size. So here each class's offset from its own known pixels along the border is
// spread over its regenerated pixels (push-pull, as harmonize does) and added. Pure typed-array code.
import { Plane, plane, pushPull } from './planes';
import { classRowSums, rowMeans } from './row-grading';

export interface BorderColourBox {
  /** The warp over the box (3 ch), the input photo over it (3 ch), 1 where a pixel's colour is known (never a regenerated one). */
  warped: Plane;
  image: Plane;
  known: Plane;
  /** Compact class id per box pixel (the edited layout) and 1 per pixel regenerated. */
  labels: Plane;
  regen: Uint8Array;
}

/** Side (px) of the grid's cells, at least: the offsets are measured and spread on it (they are smooth). */
const MIN_CELL = 4;
/** Most cells of that grid; larger boxes get larger cells. */
const GRID_CELLS = 1 << 16;
/** Weak prior of no correction (as in harmonize): a few border pixels are not normalised up far away. */
const PRIOR = 0.002;
/**
 * Rows (px) either side over which a row-graded class's row colour is averaged. None: averaged over two
 * rows either side, a dark line's colour leaked into the rows beside it, whose pixels then measured as
 * lighter than their row and lightened the fill.
 */
const ROW_SPAN = 0;

/**
 * The warp with each class's offset from its own known pixels across the border spread over the class's
 * regenerated pixels. An offset is measured in every grid cell whose 3 × 3 cells hold both known and
 * regenerated pixels of the class (the difference of their means, trusted by the lesser share, as
 * harmonize does), spread by push-pull and added bilinearly. Classes in `skip` (objects copied whole by
 * their maps) are left as they are. A class in `rowGraded` is measured less its colour row by row (the
 * mean of its known pixels in each row of the box): the known and regenerated pixels of a window lie in
 * different rows wherever the border runs along a row, and there the difference of their plain means is
 * the rows' own difference, not light (known pink water above a hole against a fill that continued the
 * dark reflection line across it made the whole fill darker). Returns a new plane.
 */
export function matchBorderColours(box: BorderColourBox, skip: ReadonlySet<number>, rowGraded: ReadonlySet<number> = new Set()): Plane {
  const { width: bw, height: bh } = box.warped, B = bw * bh;
  const out: Plane = { ...box.warped, data: new Float32Array(box.warped.data) };
  // A slot per regenerated class (compact class ids are small integers: a table, not a map per pixel).
  const regenerated = new Uint8Array(256);
  for (let i = 0; i < B; i++) if (box.regen[i]) regenerated[box.labels.data[i]] = 1;
  const slotTable = new Int16Array(256).fill(-1);
  let S = 0;
  for (let l = 0; l < 256; l++) if (regenerated[l] && !skip.has(l)) slotTable[l] = S++;
  if (!S) return out;
  let s = MIN_CELL;
  while (Math.ceil(bw / s) * Math.ceil(bh / s) > GRID_CELLS) s *= 2;
  const gw = Math.ceil(bw / s), gh = Math.ceil(bh / s), G = gw * gh;
  const slots = new Int16Array(B);
  for (let i = 0; i < B; i++) slots[i] = slotTable[box.labels.data[i]];
  // Per slot of a row-graded class: its colour per row of the box (its known pixels), else null.
  const rowColour: (Float64Array | null)[] = new Array(S).fill(null);
  const graded = [...rowGraded].filter((l) => slotTable[l] >= 0);
  for (const l of graded) {
    const sums = classRowSums(box.image, box.known, box.labels, l);
    rowColour[slotTable[l]] = sums ? rowMeans(sums, ROW_SPAN) : null;
  }
  // Per slot and cell: summed colour and count of its known pixels, and of its regenerated ones.
  const knownSum = new Float32Array(S * 4 * G), warpSum = new Float32Array(S * 4 * G);
  for (let y = 0, i = 0; y < bh; y++) {
    for (let x = 0; x < bw; x++, i++) {
      const slot = slots[i];
      if (slot < 0) continue;
      const regen = box.regen[i];
      if (!regen && box.known.data[i] < 1) continue;
      const c = ((y / s) | 0) * gw + ((x / s) | 0), sums = regen ? warpSum : knownSum, src = regen ? box.warped : box.image;
      const row = rowColour[slot];
      for (let k = 0; k < 3; k++) sums[(slot * 4 + k) * G + c] += src.data[k * B + i] - (row ? row[y * 3 + k] : 0);
      sums[(slot * 4 + 3) * G + c]++;
    }
  }
  const windowPx = 9 * s * s;
  const membranes: (Plane | null)[] = [];
  for (let slot = 0; slot < S; slot++) {
    const kb = boxSums3(knownSum, slot, G, gw, gh), wb = boxSums3(warpSum, slot, G, gw, gh);
    const premultiplied = plane(gw, gh, 3), weight = plane(gw, gh, 1, PRIOR);
    let any = false;
    for (let c = 0; c < G; c++) {
      const nk = kb[3 * G + c], nw = wb[3 * G + c];
      if (!nk || !nw) continue;
      const w = Math.min(1, (4 * Math.min(nk, nw)) / windowPx);
      weight.data[c] += w;
      any = true;
      for (let k = 0; k < 3; k++) premultiplied.data[k * G + c] = w * (kb[k * G + c] / nk - wb[k * G + c] / nw);
    }
    membranes.push(any ? pushPull(premultiplied, weight) : null);
  }
  // Bilinear between cell centres, clamped at the grid's edge.
  for (let y = 0, i = 0; y < bh; y++) {
    const fy = Math.min(gh - 1, Math.max(0, (y + 0.5) / s - 0.5)), y0 = Math.min(gh - 2, Math.floor(fy)), ty = fy - Math.max(0, y0);
    for (let x = 0; x < bw; x++, i++) {
      const slot = slots[i];
      if (slot < 0 || !box.regen[i]) continue;
      const m = membranes[slot];
      if (!m) continue;
      const fx = Math.min(gw - 1, Math.max(0, (x + 0.5) / s - 0.5)), x0 = Math.min(gw - 2, Math.floor(fx)), tx = fx - Math.max(0, x0);
      const xa = Math.max(0, x0), xb = Math.min(gw - 1, xa + 1), ya = Math.max(0, y0), yb = Math.min(gh - 1, ya + 1);
      const a = ya * gw + xa, b = ya * gw + xb, c = yb * gw + xa, d = yb * gw + xb;
      const wa = (1 - tx) * (1 - ty), wb = tx * (1 - ty), wc = (1 - tx) * ty, wd = tx * ty;
      for (let k = 0, o = 0; k < 3; k++, o += G) {
        const md = m.data;
        const v = out.data[k * B + i] + wa * md[o + a] + wb * md[o + b] + wc * md[o + c] + wd * md[o + d];
        out.data[k * B + i] = v < 0 ? 0 : v > 1 ? 1 : v;
      }
    }
  }
  return out;
}

/** Sums of a slot's four channels over the 3 × 3 cells around each cell. */
function boxSums3(sums: Float32Array, slot: number, G: number, gw: number, gh: number): Float32Array {
  const rows = new Float32Array(4 * G), out = new Float32Array(4 * G);
  for (let k = 0; k < 4; k++) {
    const src = (slot * 4 + k) * G, dst = k * G;
    for (let y = 0; y < gh; y++) {
      for (let x = 0; x < gw; x++) {
        let v = sums[src + y * gw + x];
        if (x > 0) v += sums[src + y * gw + x - 1];
        if (x < gw - 1) v += sums[src + y * gw + x + 1];
        rows[dst + y * gw + x] = v;
      }
    }
    for (let y = 0; y < gh; y++) {
      for (let x = 0; x < gw; x++) {
        let v = rows[dst + y * gw + x];
        if (y > 0) v += rows[dst + (y - 1) * gw + x];
        if (y < gh - 1) v += rows[dst + (y + 1) * gw + x];
        out[dst + y * gw + x] = v;
      }
    }
  }
  return out;
}
