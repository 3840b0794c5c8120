// Loads a sample scene (photo and label image) into 8-bit RGBA, optionally downscaled: the photo
// smoothly, the labels by nearest neighbour so every pixel keeps an exact class colour. Browser only.
import { RgbaImage } from '../layout';

async function decode(url: string, scale: number, smooth: boolean): Promise<RgbaImage> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  // No colour management and no premultiplication: label colours must come through exactly.
  const bitmap = await createImageBitmap(await res.blob(), { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
  const width = Math.max(1, Math.round(bitmap.width * scale));
  const height = Math.max(1, Math.round(bitmap.height * scale));
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
  ctx.imageSmoothingEnabled = smooth;
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(bitmap, 0, 0, width, height);
  const data = ctx.getImageData(0, 0, width, height).data;
  return { width, height, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
}

export interface SampleScene {
  name: string;
  photo: RgbaImage;
  layout: RgbaImage;
}

/** `baseUrl` is the samples folder; `scale` 1 keeps the 1280×800 originals. */
export async function loadSample(baseUrl: string, name: string, scale: number): Promise<SampleScene> {
  const [photo, layout] = await Promise.all([decode(`${baseUrl}${name}/photo.jpg`, scale, true), decode(`${baseUrl}${name}/layout.png`, scale, false)]);
  return { name, photo, layout };
}
