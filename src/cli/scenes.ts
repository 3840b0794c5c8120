// Authored scenes: a photo plus its original layout and edits, written as polygons in scene.json and
// rasterised reproducibly to PNG label images. Node only (reads files).
import { readFileSync, readdirSync, existsSync } from 'fs';
import { join } from 'path';
import { BUILTIN_PALETTES, fillPolygon, InputError, labelOf, LabelMap, Palette, Point, scalePolygon } from '../layout';

export interface ScenePaint {
  class: string;
  polygon: Point[];
}

export interface SceneEdit {
  name: string;
  description: string;
  /** Polygons painted over the original layout, in order. */
  paint: ScenePaint[];
  /** Name of another scene whose photo and layout supply classes this photo lacks. */
  reference?: string;
}

export interface SceneFile {
  name: string;
  title: string;
  photo: string;
  palette: string;
  /** The coordinate frame the polygons are written in, e.g. [1280, 800]. */
  frame: [number, number];
  /** Polygons painted in order (later over earlier) to make the original layout. */
  layout: ScenePaint[];
  edits: SceneEdit[];
}

export interface Scene extends SceneFile {
  dir: string;
}

export function loadScene(dir: string): Scene {
  const path = join(dir, 'scene.json');
  if (!existsSync(path)) throw new InputError(`No scene.json in ${dir}`);
  const data = JSON.parse(readFileSync(path, 'utf8')) as SceneFile;
  return { ...data, dir };
}

/** Every scene under `root` (folders holding a scene.json), sorted by name. */
export function listScenes(root: string): Scene[] {
  return readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(root, d.name, 'scene.json')))
    .map((d) => loadScene(join(root, d.name)))
    .sort((a, b) => a.name.localeCompare(b.name));
}

export function scenePalette(scene: SceneFile): Palette {
  const p = BUILTIN_PALETTES[scene.palette];
  if (!p) throw new InputError(`Scene ${scene.name}: unknown palette "${scene.palette}"`);
  return p;
}

function paint(map: LabelMap, scene: SceneFile, palette: Palette, strokes: ScenePaint[]): void {
  for (const s of strokes) fillPolygon(map, scalePolygon(s.polygon, scene.frame, map.width, map.height), labelOf(palette, s.class));
}

/** Rasterises the original layout at width×height. */
export function rasterizeOriginal(scene: SceneFile, width: number, height: number): LabelMap {
  const map: LabelMap = { width, height, labels: new Uint8Array(width * height) };
  paint(map, scene, scenePalette(scene), scene.layout);
  return map;
}

/** Rasterises one edit: the original layout with the edit's polygons painted over it. */
export function rasterizeEdit(scene: SceneFile, edit: SceneEdit, width: number, height: number): LabelMap {
  const map = rasterizeOriginal(scene, width, height);
  paint(map, scene, scenePalette(scene), edit.paint);
  return map;
}
