// PNG and JPEG files ↔ RgbaImage for the CLI and Node tools (pngjs, jpeg-js). Node only.
import { readFileSync, writeFileSync, mkdirSync, existsSync } from 'fs';
import { dirname, extname } from 'path';
import { PNG } from 'pngjs';
import * as jpeg from 'jpeg-js';
import { InputError, RgbaImage } from '../layout';

/** Largest image the CLI decodes, in pixels (guards against decompression bombs). */
export const MAX_PIXELS = 200_000_000;

/** Reads a PNG or JPEG file (detected by content, not extension) as 8-bit RGBA. */
export function readImage(path: string, what = 'image'): RgbaImage {
  if (!existsSync(path)) throw new InputError(`${what}: file not found: ${path}`);
  const buf = readFileSync(path);
  try {
    if (buf.length > 8 && buf.readUInt32BE(0) === 0x89504e47) {
      const png = PNG.sync.read(buf);
      if (png.width * png.height > MAX_PIXELS) throw new InputError(`${what} is ${png.width}×${png.height}, over the ${MAX_PIXELS / 1e6} MP limit`);
      return { width: png.width, height: png.height, data: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.length) };
    }
    if (buf.length > 3 && buf[0] === 0xff && buf[1] === 0xd8) {
      const img = jpeg.decode(buf, { useTArray: true, formatAsRGBA: true, maxResolutionInMP: MAX_PIXELS / 1e6, maxMemoryUsageInMB: 4096 });
      return { width: img.width, height: img.height, data: img.data };
    }
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError(`${what}: cannot decode ${path}: ${(err as Error).message}`, { cause: err });
  }
  throw new InputError(`${what}: ${path} is neither a PNG nor a JPEG file`);
}

/** Writes PNG (lossless, default) or JPEG (quality 92) by the file's extension, creating folders. */
export function writeImage(path: string, img: RgbaImage): void {
  mkdirSync(dirname(path), { recursive: true });
  const ext = extname(path).toLowerCase();
  if (ext === '.jpg' || ext === '.jpeg') {
    const out = jpeg.encode({ width: img.width, height: img.height, data: Buffer.from(img.data.buffer, img.data.byteOffset, img.data.length) }, 92);
    writeFileSync(path, out.data);
    return;
  }
  const png = new PNG({ width: img.width, height: img.height });
  Buffer.from(img.data.buffer, img.data.byteOffset, img.data.length).copy(png.data);
  writeFileSync(path, PNG.sync.write(png));
}
