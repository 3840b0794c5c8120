// The --palette argument: a built-in palette name or the path of a palette JSON file (Node file I/O).
import { existsSync, readFileSync } from 'fs';
import { basename } from 'path';
import { BUILTIN_PALETTES, InputError, Palette, parsePaletteJson } from '../layout';

export function resolvePalette(spec: string): Palette {
  const builtin = BUILTIN_PALETTES[spec.toLowerCase()];
  if (builtin) return builtin;
  if (existsSync(spec)) return parsePaletteJson(readFileSync(spec, 'utf8'), basename(spec, '.json'));
  throw new InputError(`Unknown palette "${spec}": use ${Object.keys(BUILTIN_PALETTES).join(', ')} or the path of a palette JSON file`);
}
