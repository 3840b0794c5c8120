// Planar float images (C×H×W, values 0..1) and the pyramid operations the engine prepares feeds with.
// Pure typed-array code; runs in the panel, webview, CLI and server alike.

export interface Plane {
  width: number;
  height: number;
  channels: number;
  data: Float32Array;
}

/** Byte → 0..1 (float32), as `byte / 255`. */
export const UNIT = Float32Array.from({ length: 256 }, (_, v) => v / 255);

export function plane(width: number, height: number, channels: number, fill = 0): Plane {
  const data = new Float32Array(width * height * channels);
  if (fill) data.fill(fill);
  return { width, height, channels, data };
}

/** 2× box downsampling; odd edges average the pixels that exist (size = ceil(size / 2)). */
export function downsample2(p: Plane, reduce: 'mean' | 'min' = 'mean'): Plane {
  const w = Math.ceil(p.width / 2), h = Math.ceil(p.height / 2);
  const out = plane(w, h, p.channels);
  const sn = p.width * p.height, dn = w * h;
  for (let c = 0; c < p.channels; c++) {
    const src = p.data.subarray(c * sn, (c + 1) * sn);
    const dst = out.data.subarray(c * dn, (c + 1) * dn);
    for (let y = 0; y < h; y++) {
      const y0 = 2 * y, y1 = Math.min(p.height - 1, 2 * y + 1);
      for (let x = 0; x < w; x++) {
        const x0 = 2 * x, x1 = Math.min(p.width - 1, 2 * x + 1);
        const a = src[y0 * p.width + x0], b = src[y0 * p.width + x1], cc = src[y1 * p.width + x0], d = src[y1 * p.width + x1];
        dst[y * w + x] = reduce === 'min' ? Math.min(a, b, cc, d) : (a + b + cc + d) / 4;
      }
    }
  }
  return out;
}

/**
 * 2× downsampling by class: each output pixel reduces (mean or min) only those of its 2×2 children whose
 * label equals its own (`labels` at this size, `parentLabels` at the output size), or all of them when
 * none does. Chained level by level, a coarse pixel is made of the pixels of its own class only.
 */
export function downsample2ByLabel(p: Plane, labels: Plane, parentLabels: Plane, reduce: 'mean' | 'min' = 'mean'): Plane {
  const w = Math.ceil(p.width / 2), h = Math.ceil(p.height / 2);
  const out = plane(w, h, p.channels);
  const sn = p.width * p.height, dn = w * h;
  const lab = labels.data, own = parentLabels.data;
  const min = reduce === 'min';
  for (let y = 0; y < h; y++) {
    const r0 = 2 * y * p.width, r1 = Math.min(p.height - 1, 2 * y + 1) * p.width;
    for (let x = 0; x < w; x++) {
      const x0 = 2 * x, x1 = Math.min(p.width - 1, 2 * x + 1);
      const a = r0 + x0, b = r0 + x1, c = r1 + x0, d = r1 + x1, l = own[y * w + x];
      let ma = lab[a] === l, mb = lab[b] === l, mc = lab[c] === l, md = lab[d] === l;
      if (!(ma || mb || mc || md)) ma = mb = mc = md = true;
      const k = +ma + +mb + +mc + +md;
      for (let ch = 0; ch < p.channels; ch++) {
        const s0 = ch * sn;
        const va = p.data[s0 + a], vb = p.data[s0 + b], vc = p.data[s0 + c], vd = p.data[s0 + d];
        out.data[ch * dn + y * w + x] = min
          ? Math.min(ma ? va : Infinity, mb ? vb : Infinity, mc ? vc : Infinity, md ? vd : Infinity)
          : ((ma ? va : 0) + (mb ? vb : 0) + (mc ? vc : 0) + (md ? vd : 0)) / k;
      }
    }
  }
  return out;
}

/** A window of a plane or of the photo: its top-left corner and size, in its pixels. */
export interface PixelWindow {
  x0: number;
  y0: number;
  w: number;
  h: number;
}

/**
 * The rows and columns nearest sampling takes from `win` for a width × height result: the pixels at the
 * centres of its blocks (labels are never averaged), in the window's own coordinates plus its corner.
 */
export function nearestPixels(win: PixelWindow, width: number, height: number): { rows: Int32Array; cols: Int32Array } {
  const sx = win.w / width, sy = win.h / height;
  const cols = Int32Array.from({ length: width }, (_, x) => win.x0 + Math.min(win.w - 1, Math.floor((x + 0.5) * sx)));
  const rows = Int32Array.from({ length: height }, (_, y) => win.y0 + Math.min(win.h - 1, Math.floor((y + 0.5) * sy)));
  return { rows, cols };
}

/** Nearest sampling of a plane (or of its window `from`, without copying it) at width × height (nearestPixels). */
export function sampleNearest(p: Plane, width: number, height: number, from?: PixelWindow): Plane {
  const out = plane(width, height, p.channels);
  const { rows, cols } = nearestPixels(from ?? { x0: 0, y0: 0, w: p.width, h: p.height }, width, height);
  for (let c = 0; c < p.channels; c++) {
    for (let y = 0; y < height; y++) {
      const row = c * p.width * p.height + rows[y] * p.width, o = c * width * height + y * width;
      for (let x = 0; x < width; x++) out.data[o + x] = p.data[row + cols[x]];
    }
  }
  return out;
}

/** Bilinear resize with half-pixel centres. */
export function resizeBilinear(p: Plane, width: number, height: number): Plane {
  const out = plane(width, height, p.channels);
  const sx = p.width / width, sy = p.height / height;
  for (let y = 0; y < height; y++) {
    const fy = Math.min(p.height - 1, Math.max(0, (y + 0.5) * sy - 0.5));
    const y0 = Math.floor(fy), y1 = Math.min(p.height - 1, y0 + 1), ty = fy - y0;
    for (let x = 0; x < width; x++) {
      const fx = Math.min(p.width - 1, Math.max(0, (x + 0.5) * sx - 0.5));
      const x0 = Math.floor(fx), x1 = Math.min(p.width - 1, x0 + 1), tx = fx - x0;
      for (let c = 0; c < p.channels; c++) {
        const base = c * p.width * p.height;
        const a = p.data[base + y0 * p.width + x0], b = p.data[base + y0 * p.width + x1];
        const cc = p.data[base + y1 * p.width + x0], d = p.data[base + y1 * p.width + x1];
        out.data[c * width * height + y * width + x] = (a * (1 - tx) + b * tx) * (1 - ty) + (cc * (1 - tx) + d * tx) * ty;
      }
    }
  }
  return out;
}

/** The window [x0, x0+w) × [y0, y0+h) of a plane (must lie inside it), in a new buffer or in the front of `into`. */
export function cropPlane(p: Plane, x0: number, y0: number, w: number, h: number, into?: Float32Array): Plane {
  const out = into ? { width: w, height: h, channels: p.channels, data: into.subarray(0, w * h * p.channels) } : plane(w, h, p.channels);
  for (let c = 0; c < p.channels; c++) {
    for (let y = 0; y < h; y++) {
      const s = c * p.width * p.height + (y0 + y) * p.width + x0;
      out.data.set(p.data.subarray(s, s + w), c * w * h + y * w);
    }
  }
  return out;
}

/** Where `known` (1 channel) is 1 keep `a`, else take `b`; all the same size. */
export function compositeKnown(a: Plane, b: Plane, known: Plane): Plane {
  const out = plane(a.width, a.height, a.channels);
  const n = a.width * a.height;
  for (let c = 0; c < a.channels; c++) {
    for (let i = 0; i < n; i++) {
      const k = known.data[i];
      out.data[c * n + i] = a.data[c * n + i] * k + b.data[c * n + i] * (1 - k);
    }
  }
  return out;
}

/** Push-pull interpolation: `premultiplied` (value × weight) spread smoothly over the pixels of weight 0. */
export function pushPull(premultiplied: Plane, weight: Plane): Plane {
  const vs = [premultiplied], ws = [weight];
  while (vs[vs.length - 1].width > 1 || vs[vs.length - 1].height > 1) {
    vs.push(downsample2(vs[vs.length - 1]));
    ws.push(downsample2(ws[ws.length - 1]));
  }
  const ratio = (v: Plane, wt: Plane): Plane => {
    const out = plane(v.width, v.height, v.channels);
    const k = v.width * v.height;
    for (let c = 0; c < v.channels; c++) for (let i = 0; i < k; i++) out.data[c * k + i] = v.data[c * k + i] / Math.max(wt.data[i], 1e-8);
    return out;
  };
  let est = ratio(vs[vs.length - 1], ws[ws.length - 1]);
  for (let lv = vs.length - 2; lv >= 0; lv--) {
    const here = ratio(vs[lv], ws[lv]);
    const up = resizeBilinear(est, here.width, here.height);
    const k = here.width * here.height;
    for (let c = 0; c < here.channels; c++) {
      for (let i = 0; i < k; i++) {
        const conf = Math.min(1, 4 * ws[lv].data[i]);
        here.data[c * k + i] = here.data[c * k + i] * conf + up.data[c * k + i] * (1 - conf);
      }
    }
    est = here;
  }
  return est;
}
