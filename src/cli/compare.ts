// Pixel-exact image comparison for checks and tests. Pure code.
import { RgbaImage } from '../layout';

export function equalImages(a: RgbaImage, b: RgbaImage): boolean {
  if (a.width !== b.width || a.height !== b.height || a.data.length !== b.data.length) return false;
  for (let i = 0; i < a.data.length; i++) if (a.data[i] !== b.data[i]) return false;
  return true;
}
