// Telea inpainting (OpenCV's INPAINT_TELEA through @techstark/opencv-js): the classical reference the
// evaluation compares against. Loaded lazily; the WASM module takes a fraction of a second to start.
import { RgbaImage } from '../layout';

interface CvMat {
  data: Uint8Array;
  delete(): void;
}
interface Cv {
  Mat: { new (rows: number, cols: number, type: number): CvMat; new (): CvMat };
  CV_8UC3: number;
  CV_8UC1: number;
  INPAINT_TELEA: number;
  inpaint(src: CvMat, mask: CvMat, dst: CvMat, radius: number, flags: number): void;
  onRuntimeInitialized?: () => void;
}

// The Emscripten module is a thenable whose then() hands back itself, so it must never be returned from an
// async function or resolved directly (that loops forever): it travels wrapped in an object.
let loading: Promise<{ cv: Cv }> | null = null;

function loadCv(): Promise<{ cv: Cv }> {
  if (!loading) {
    loading = (async () => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const cv = require('@techstark/opencv-js') as Cv;
      if (typeof cv.inpaint !== 'function') await new Promise<void>((resolve) => (cv.onRuntimeInitialized = resolve));
      return { cv };
    })();
  }
  return loading;
}

/** Fills the region (1 = unknown) by Telea's fast-marching inpainting with the given radius. */
export async function teleaInpaint(image: RgbaImage, region: Uint8Array, radius = 5): Promise<RgbaImage> {
  const { cv } = await loadCv();
  const { width: W, height: H } = image;
  const src = new cv.Mat(H, W, cv.CV_8UC3);
  const mask = new cv.Mat(H, W, cv.CV_8UC1);
  const dst = new cv.Mat();
  try {
    for (let i = 0; i < W * H; i++) {
      src.data[i * 3] = image.data[i * 4];
      src.data[i * 3 + 1] = image.data[i * 4 + 1];
      src.data[i * 3 + 2] = image.data[i * 4 + 2];
      mask.data[i] = region[i] ? 255 : 0;
    }
    cv.inpaint(src, mask, dst, radius, cv.INPAINT_TELEA);
    const out = new Uint8Array(image.data);
    for (let i = 0; i < W * H; i++) {
      if (!region[i]) continue;
      out[i * 4] = dst.data[i * 3];
      out[i * 4 + 1] = dst.data[i * 3 + 1];
      out[i * 4 + 2] = dst.data[i * 3 + 2];
    }
    return { width: W, height: H, data: out };
  } finally {
    src.delete();
    mask.delete();
    dst.delete();
  }
}
