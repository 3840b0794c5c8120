// Side-by-side comparison sheets (photo, layouts, mask, result) for people to look at. Node-free, but
// used by the CLI and the evaluation only.
import { EditMask, encodeLabels, LabelMap, Palette, RgbaImage } from '../layout';

/** Box-filter downscale by an integer factor (keeps sheets a viewable size). */
export function downscale(img: RgbaImage, factor: number): RgbaImage {
  if (factor <= 1) return img;
  const w = Math.floor(img.width / factor), h = Math.floor(img.height / factor);
  const out = new Uint8Array(w * h * 4);
  const area = factor * factor;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const acc = [0, 0, 0, 0];
      for (let dy = 0; dy < factor; dy++) {
        for (let dx = 0; dx < factor; dx++) {
          const p = ((y * factor + dy) * img.width + x * factor + dx) * 4;
          for (let c = 0; c < 4; c++) acc[c] += img.data[p + c];
        }
      }
      const q = (y * w + x) * 4;
      for (let c = 0; c < 4; c++) out[q + c] = Math.round(acc[c] / area);
    }
  }
  return { width: w, height: h, data: out };
}

/** Label colours over the photo where labeled, the photo darkened where unlabeled (for sheets). */
export function overlayLabels(photo: RgbaImage, labelsRgba: RgbaImage): RgbaImage {
  const out = new Uint8Array(photo.data.length);
  for (let p = 0; p < out.length; p += 4) {
    const a = labelsRgba.data[p + 3];
    for (let c = 0; c < 3; c++) {
      out[p + c] = a ? labelsRgba.data[p + c] : Math.round(photo.data[p + c] * 0.35);
    }
    out[p + 3] = 255;
  }
  return { width: photo.width, height: photo.height, data: out };
}

/** The photo dimmed outside the mask, with the feather band tinted, to show what will be regenerated. */
export function visualizeMask(photo: RgbaImage, mask: EditMask): RgbaImage {
  const out = new Uint8Array(photo.data.length);
  for (let i = 0, p = 0; i < mask.mask.length; i++, p += 4) {
    const a = mask.alpha[i] / 255;
    for (let c = 0; c < 3; c++) {
      const v = photo.data[p + c];
      const tint = c === 0 ? 255 : 60;
      out[p + c] = mask.mask[i] ? Math.round(v * 0.4 + tint * 0.6 * a + v * 0.6 * (1 - a)) : Math.round(v * 0.3);
    }
    out[p + 3] = 255;
  }
  return { width: photo.width, height: photo.height, data: out };
}

/** Places images left to right (top-aligned) on a dark background with a gap, after downscaling. */
export function sideBySide(images: RgbaImage[], maxPanelWidth = 640, gap = 8): RgbaImage {
  const factor = Math.max(1, Math.ceil(Math.max(...images.map((i) => i.width)) / maxPanelWidth));
  const panels = images.map((i) => downscale(i, factor));
  const width = panels.reduce((s, p) => s + p.width, 0) + gap * (panels.length + 1);
  const height = Math.max(...panels.map((p) => p.height)) + 2 * gap;
  const data = new Uint8Array(width * height * 4);
  for (let p = 0; p < data.length; p += 4) {
    data[p] = 32; data[p + 1] = 32; data[p + 2] = 36; data[p + 3] = 255;
  }
  let x0 = gap;
  for (const panel of panels) {
    for (let y = 0; y < panel.height; y++) {
      const src = panel.data.subarray(y * panel.width * 4, (y + 1) * panel.width * 4);
      const dst = ((y + gap) * width + x0) * 4;
      for (let k = 0; k < src.length; k += 4) {
        const a = src[k + 3] / 255;
        for (let c = 0; c < 3; c++) data[dst + k + c] = Math.round(src[k + c] * a + data[dst + k + c] * (1 - a));
      }
    }
    x0 += panel.width + gap;
  }
  return { width, height, data };
}

/** photo | original layout | edited layout | mask | result, for the CLI's --compare, the demo and the gallery. */
export function compareSheet(photo: RgbaImage, original: LabelMap, edited: LabelMap, palette: Palette, result: { image: RgbaImage; mask: EditMask }): RgbaImage {
  return sideBySide([
    photo,
    overlayLabels(photo, encodeLabels(original, palette)),
    overlayLabels(photo, encodeLabels(edited, palette)),
    visualizeMask(photo, result.mask),
    result.image,
  ]);
}
