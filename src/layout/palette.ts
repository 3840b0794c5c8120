// Palettes: named class colours, the three built-in tables, and validation of user palette files.
// Pure data and typed arrays; imports nothing outside src/layout.
import { PaletteError } from './errors';
import ade20kData from './palettes/ade20k.json';
import cocoData from './palettes/coco.json';
import cityscapesData from './palettes/cityscapes.json';

export type Rgb = readonly [number, number, number];

export interface PaletteClass {
  /** Label value in a LabelMap: palette index + 1 (0 is unlabeled). */
  readonly label: number;
  readonly name: string;
  readonly color: Rgb;
  /**
   * When this class shares its colour with an earlier class, the label that colour decodes to.
   * ADE20K's skyscraper shares (140,140,140) with road; a label image cannot tell them apart, so the
   * decoder returns road and the panel marks skyscraper as an alias.
   */
  readonly aliasOf?: number;
}

export interface Palette {
  readonly name: string;
  readonly title: string;
  readonly classes: readonly PaletteClass[];
}

/** The most classes a palette may have: labels are stored as Uint8 with 0 reserved for unlabeled. */
export const MAX_CLASSES = 255;

interface PaletteData {
  name?: unknown;
  title?: unknown;
  classes?: unknown;
  /** Tolerated only for built-ins: some reference tables share one colour between two classes. */
  allowSharedColors?: unknown;
}

export function packRgb(r: number, g: number, b: number): number {
  return (r << 16) | (g << 8) | b;
}

function isByte(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 255;
}

/**
 * Validates palette data (already parsed JSON) and builds a Palette. Throws PaletteError naming the
 * offending entry for: missing or empty class list, more than 255 classes, bad names, colours that are
 * not three integers 0..255, duplicate names, and duplicate colours (unless `allowSharedColors`).
 */
export function paletteFromData(data: unknown, fallbackName = 'custom', allowSharedColors = false): Palette {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new PaletteError('Palette must be a JSON object with a "classes" list');
  }
  const d = data as PaletteData;
  const name = typeof d.name === 'string' && d.name.trim() ? d.name.trim() : fallbackName;
  const title = typeof d.title === 'string' && d.title.trim() ? d.title.trim() : name;
  if (!Array.isArray(d.classes) || d.classes.length === 0) {
    throw new PaletteError(`Palette "${name}": "classes" must be a non-empty list of {"name", "color": [r, g, b]}`);
  }
  if (d.classes.length > MAX_CLASSES) {
    throw new PaletteError(`Palette "${name}" has ${d.classes.length} classes; at most ${MAX_CLASSES} are supported`);
  }
  const shared = allowSharedColors || d.allowSharedColors === true;
  const byName = new Map<string, number>();
  const byColor = new Map<number, number>();
  const classes: PaletteClass[] = [];
  d.classes.forEach((entry: unknown, i: number) => {
    const where = `Palette "${name}", class #${i + 1}`;
    if (typeof entry !== 'object' || entry === null) throw new PaletteError(`${where}: expected {"name", "color"}`);
    const e = entry as { name?: unknown; color?: unknown };
    if (typeof e.name !== 'string' || !e.name.trim()) throw new PaletteError(`${where}: "name" must be a non-empty string`);
    const cname = e.name.trim();
    if (!Array.isArray(e.color) || e.color.length !== 3 || !e.color.every(isByte)) {
      throw new PaletteError(`${where} ("${cname}"): "color" must be [r, g, b] with integers 0–255, got ${JSON.stringify(e.color)}`);
    }
    const key = cname.toLowerCase();
    if (byName.has(key)) {
      throw new PaletteError(`${where}: duplicate class name "${cname}" (also class #${byName.get(key)! + 1})`);
    }
    byName.set(key, i);
    const [r, g, b] = e.color as number[];
    const packed = packRgb(r, g, b);
    const label = i + 1;
    const first = byColor.get(packed);
    if (first !== undefined && !shared) {
      throw new PaletteError(
        `${where} ("${cname}"): colour (${r},${g},${b}) is already used by "${classes[first].name}"; every class needs its own colour`,
      );
    }
    if (first === undefined) byColor.set(packed, i);
    classes.push(first === undefined ? { label, name: cname, color: [r, g, b] } : { label, name: cname, color: [r, g, b], aliasOf: first + 1 });
  });
  return { name, title, classes };
}

/** Parses and validates the text of a user palette JSON file. */
export function parsePaletteJson(text: string, fallbackName = 'custom'): Palette {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new PaletteError(`Palette file is not valid JSON: ${(err as Error).message}`, { cause: err });
  }
  return paletteFromData(data, fallbackName);
}

export const ADE20K: Palette = paletteFromData(ade20kData, 'ade20k', true);
export const COCO: Palette = paletteFromData(cocoData, 'coco');
export const CITYSCAPES: Palette = paletteFromData(cityscapesData, 'cityscapes');

export const BUILTIN_PALETTES: Readonly<Record<string, Palette>> = {
  ade20k: ADE20K,
  coco: COCO,
  cityscapes: CITYSCAPES,
};

/** Looks a class up by name (case-insensitive); returns its label or throws a PaletteError listing near names. */
export function labelOf(palette: Palette, className: string): number {
  const key = className.trim().toLowerCase();
  const hit = palette.classes.find((c) => c.name.toLowerCase() === key);
  if (!hit) {
    const near = palette.classes.filter((c) => c.name.toLowerCase().includes(key.slice(0, 3))).slice(0, 5);
    throw new PaletteError(
      `Class "${className}" is not in palette "${palette.name}"${near.length ? ` (did you mean ${near.map((c) => `"${c.name}"`).join(', ')}?)` : ''}`,
    );
  }
  return hit.label;
}

/** Name of a label (`unlabeled` for 0). */
export function classNameOf(palette: Palette, label: number): string {
  if (label === 0) return 'unlabeled';
  return palette.classes[label - 1]?.name ?? `label ${label}`;
}
