// UxpHost: the Host inside Photoshop, and the only module that touches `photoshop`/`uxp`. The modules are
// passed in (createUxpHost requires them at run time), so tests drive it with a fake of both.
// Every change to a document runs in one executeAsModal with history suspended: one undo step, rolled back
// on error or cancellation. Reads never leave a history entry.
import { CancelledError, RelayoutError, RgbaImage } from '../layout';
import { HostError, UnsupportedDocumentError, checkLabelImageSize, noLabelLayerError } from './errors';
import { BitDepth, DocumentInfo, Host, HostEnvironment, LayerRef, ResultLayer, WriteLabelOptions, WriteOptions } from './host';
import { CHECK_LAYER_NAME, isRelayoutLayer, LABEL_LAYER_NAME, nextResultNumber, ORIGINAL_LAYER_NAME, resultLayerName } from './naming';
import { boundsOfPlane, checkLayerImage, ComponentSize, grayTo8, grayToDepth, padGray, padRgba, PixelArray, rgbaToDepth, toPsRect, toRgba8 } from './pixels';
import { utf8Decode, utf8Encode } from '../layout/utf8';
import { ExecutionContext, PsApi, PsDocument, PsImageData, PsLayer, UxpApi } from './uxp-api';

const MODES: Record<string, string> = {
  RGBColorMode: 'RGB',
  CMYKColorMode: 'CMYK',
  labColorMode: 'Lab',
  indexedColorMode: 'Indexed',
  grayscaleMode: 'Grayscale',
  bitmapMode: 'Bitmap',
  duotoneMode: 'Duotone',
  multichannelMode: 'Multichannel',
};
const DEPTHS: Record<string, BitDepth> = { bitDepth1: 1, bitDepth8: 8, bitDepth16: 16, bitDepth32: 32 };

const SETTINGS_FILE = 'settings.json';
const SECRET_PREFIX = 'relayout.';

/** Throws CancelledError when the panel's signal or Photoshop's own cancel (Esc, progress bar) fired. */
type CancelCheck = () => void;

function flatten(layers: readonly PsLayer[]): PsLayer[] {
  const out: PsLayer[] = [];
  for (const l of layers) {
    out.push(l);
    if (l.layers) out.push(...flatten(l.layers));
  }
  return out;
}

export class UxpHost implements Host {
  readonly kind = 'photoshop' as const;

  constructor(
    private readonly ps: PsApi,
    private readonly uxp: UxpApi,
  ) {}

  // ---- documents ------------------------------------------------------------------------------------

  private doc(documentId: number): PsDocument {
    const d = this.ps.app.documents.find((x) => x.id === documentId);
    if (!d) throw new HostError(`document ${documentId} is not open`, { userMessage: 'That document is no longer open.' });
    return d;
  }

  private info(d: PsDocument): DocumentInfo {
    const mode = MODES[d.mode] ?? d.mode;
    const bits = DEPTHS[d.bitsPerChannel] ?? 8;
    const names = flatten(d.layers).map((l) => l.name);
    return {
      id: d.id,
      title: d.title,
      width: d.width,
      height: d.height,
      mode,
      bitsPerChannel: bits,
      supported: mode === 'RGB' && bits !== 1,
      hasLabelLayer: names.includes(LABEL_LAYER_NAME),
      hasOriginalLayout: names.includes(ORIGINAL_LAYER_NAME),
    };
  }

  /** The document's depth, or an UnsupportedDocumentError saying how to convert. */
  private supportedDepth(d: PsDocument): ComponentSize {
    const i = this.info(d);
    if (!i.supported) throw new UnsupportedDocumentError(d.title, i.mode, i.bitsPerChannel);
    return i.bitsPerChannel as ComponentSize;
  }

  private findLayer(d: PsDocument, name: string): PsLayer | null {
    return flatten(d.layers).find((l) => l.name === name) ?? null;
  }

  async listDocuments(): Promise<DocumentInfo[]> {
    return this.ps.app.documents.map((d) => this.info(d));
  }

  async activeDocument(): Promise<DocumentInfo | null> {
    // NOTE: app.activeDocument is typed non-null but is null/undefined when no document is open.
    const d = this.ps.app.activeDocument;
    return d ? this.info(d) : null;
  }

  // ---- modal scopes ---------------------------------------------------------------------------------

  /** Runs `fn` in a modal scope; Photoshop's errors become HostErrors with a plain-words message. */
  private async modal<T>(commandName: string, fn: (ctx: ExecutionContext) => Promise<T>): Promise<T> {
    try {
      return await this.ps.core.executeAsModal((ctx) => fn(ctx), { commandName });
    } catch (err) {
      if (err instanceof RelayoutError) throw err;
      const msg = (err as Error)?.message ?? String(err);
      const busy = (err as { number?: number })?.number === 9 || /modal/i.test(msg);
      throw new HostError(`${commandName}: ${msg}`, {
        cause: err,
        retryable: busy,
        userMessage: busy
          ? 'Photoshop is busy (a dialog or another plugin is working). Finish that, then try again.'
          : `Photoshop could not complete "${commandName}": ${msg}`,
      });
    }
  }

  /**
   * One undo step: a modal scope with the document's history suspended, committed when `fn` succeeds and
   * rolled back (nothing kept) when it throws or is cancelled.
   */
  private historyStep<T>(documentId: number, name: string, fn: (ctx: ExecutionContext, check: CancelCheck) => Promise<T>, signal?: AbortSignal): Promise<T> {
    return this.modal(name, async (ctx) => {
      let cancelled = false;
      ctx.onCancel = () => {
        cancelled = true;
      };
      const check: CancelCheck = () => {
        if (cancelled || ctx.isCancelled || signal?.aborted) throw new CancelledError();
      };
      check();
      const suspension = await ctx.hostControl.suspendHistory({ documentID: documentId, name });
      let result: T;
      try {
        result = await fn(ctx, check);
        check();
      } catch (err) {
        await ctx.hostControl.resumeHistory(suspension, false);
        throw err;
      }
      await ctx.hostControl.resumeHistory(suspension, true);
      return result;
    });
  }

  // ---- reading --------------------------------------------------------------------------------------

  /** Reads pixels (a layer, or the composite when `layer` is undefined), padded to document bounds. */
  private async readRgba(d: PsDocument, layer: PsLayer | undefined): Promise<RgbaImage> {
    const empty = (): RgbaImage => ({ width: d.width, height: d.height, data: new Uint8Array(d.width * d.height * 4) });
    // An empty layer (a new label layer) has no pixels to trim to: don't ask Photoshop for them.
    if (layer && (layer.bounds.right <= layer.bounds.left || layer.bounds.bottom <= layer.bounds.top)) return empty();
    const { imageData, sourceBounds } = await this.ps.imaging.getPixels({
      documentID: d.id,
      layerID: layer?.id,
      sourceBounds: { left: 0, top: 0, right: d.width, bottom: d.height },
      // No colorSpace/colorProfile: no colour conversion, so label colours stay exact. No componentSize:
      // the document's own depth (asking 8-bit of a 16-bit document fails on some versions).
    });
    try {
      if (imageData.width === 0 || imageData.height === 0) return empty();
      const raw = (await imageData.getData({ chunky: true })) as PixelArray; // 16-bit: 0..32768 (no fullRange)
      const rgba = toRgba8(raw, imageData.width, imageData.height, imageData.components);
      return padRgba(rgba, { left: sourceBounds.left, top: sourceBounds.top, right: sourceBounds.left + imageData.width, bottom: sourceBounds.top + imageData.height }, d.width, d.height);
    } finally {
      await imageData.dispose();
    }
  }

  async readPhoto(documentId: number): Promise<RgbaImage> {
    const d = this.doc(documentId);
    this.supportedDepth(d);
    return this.modal('Relayout: read photo', async (ctx) => {
      const shown = flatten(d.layers).filter((l) => isRelayoutLayer(l.name) && l.visible);
      if (!shown.length) return this.readRgba(d, undefined);
      // Hide our layers for the read inside a suspended history that is then dropped: the document
      // ends exactly as it was and the History panel shows nothing.
      const suspension = await ctx.hostControl.suspendHistory({ documentID: d.id, name: 'Relayout: read photo' });
      try {
        for (const l of shown) l.visible = false;
        return await this.readRgba(d, undefined);
      } finally {
        await ctx.hostControl.resumeHistory(suspension, false);
      }
    });
  }

  private async readNamedLayer(documentId: number, name: string): Promise<RgbaImage | null> {
    const d = this.doc(documentId);
    this.supportedDepth(d);
    const layer = this.findLayer(d, name);
    if (!layer) return null;
    return this.modal(`Relayout: read ${name}`, () => this.readRgba(d, layer));
  }

  readLabelLayer(documentId: number): Promise<RgbaImage | null> {
    return this.readNamedLayer(documentId, LABEL_LAYER_NAME);
  }

  readOriginalLayout(documentId: number): Promise<RgbaImage | null> {
    return this.readNamedLayer(documentId, ORIGINAL_LAYER_NAME);
  }

  async readSelection(documentId: number): Promise<Uint8Array | null> {
    const d = this.doc(documentId);
    const b = d.selection.bounds;
    if (!b) return null;
    return this.modal('Relayout: read selection', async () => {
      const { imageData, sourceBounds } = await this.ps.imaging.getSelection({
        documentID: d.id,
        sourceBounds: { left: b.left, top: b.top, right: b.right, bottom: b.bottom },
      });
      try {
        const gray = grayTo8((await imageData.getData({ chunky: true })) as PixelArray);
        // Half-selected (feathered) pixels count as selected: the user asked for that area.
        for (let i = 0; i < gray.length; i++) gray[i] = gray[i] >= 128 ? 1 : 0;
        return padGray(gray, { left: sourceBounds.left, top: sourceBounds.top, right: sourceBounds.left + imageData.width, bottom: sourceBounds.top + imageData.height }, d.width, d.height);
      } finally {
        await imageData.dispose();
      }
    });
  }

  // ---- writing --------------------------------------------------------------------------------------

  private async newLayer(d: PsDocument, name: string): Promise<PsLayer> {
    const layer = await d.createPixelLayer({ name });
    if (!layer) throw new HostError(`createPixelLayer returned no layer for "${name}"`, { userMessage: `Photoshop could not create the layer "${name}".` });
    return layer;
  }

  /** Makes `layerId` the active layer without showing it (so the user's next stroke lands on it). */
  private async selectLayer(layerId: number): Promise<void> {
    await this.ps.action.batchPlay([{ _obj: 'select', _target: [{ _ref: 'layer', _id: layerId }], makeVisible: false }], {});
  }

  /** Writes an RGBA image (document size) into a layer, alpha included, replacing what it held. */
  private async putLayerPixels(d: PsDocument, layer: PsLayer, img: RgbaImage, depth: ComponentSize): Promise<void> {
    const rect = { x0: 0, y0: 0, x1: d.width, y1: d.height };
    const imageData = await this.createImageData(rgbaToDepth(img, rect, depth, true), d.width, d.height, 4, 'RGB');
    try {
      await this.ps.imaging.putPixels({ documentID: d.id, layerID: layer.id, imageData, replace: true, targetBounds: toPsRect(rect) });
    } finally {
      await imageData.dispose();
    }
  }

  private createImageData(data: PixelArray, width: number, height: number, components: number, colorSpace: 'RGB' | 'Grayscale'): Promise<PsImageData> {
    return this.ps.imaging.createImageDataFromBuffer(data, {
      width,
      height,
      components,
      colorSpace,
      // RGB: no profile, so the document's own is used (no conversion). Masks: the documented grey profile.
      ...(colorSpace === 'Grayscale' ? { colorProfile: 'Gray Gamma 2.2' } : {}),
    });
  }

  async createLabelLayer(documentId: number): Promise<LayerRef> {
    const d = this.doc(documentId);
    this.supportedDepth(d);
    const existing = this.findLayer(d, LABEL_LAYER_NAME);
    if (existing) return { documentId, layerId: existing.id, name: existing.name };
    return this.historyStep(documentId, 'Relayout: new label layer', async () => {
      const top = d.layers[0];
      const layer = await this.newLayer(d, LABEL_LAYER_NAME);
      if (top && top.id !== layer.id) layer.move(top, this.ps.constants.ElementPlacement.PLACEBEFORE);
      await this.selectLayer(layer.id);
      return { documentId, layerId: layer.id, name: layer.name };
    });
  }

  async markOriginalLayout(documentId: number): Promise<void> {
    const d = this.doc(documentId);
    const depth = this.supportedDepth(d);
    const label = this.findLayer(d, LABEL_LAYER_NAME);
    if (!label) throw noLabelLayerError();
    const pixels = await this.modal('Relayout: read label layer', () => this.readRgba(d, label));
    await this.historyStep(documentId, 'Relayout: mark original layout', async () => {
      let original = this.findLayer(d, ORIGINAL_LAYER_NAME);
      if (!original) {
        original = await this.newLayer(d, ORIGINAL_LAYER_NAME);
        original.move(label, this.ps.constants.ElementPlacement.PLACEAFTER);
      }
      original.allLocked = false;
      await this.putLayerPixels(d, original, pixels, depth);
      // Hidden and locked: it is the reference the edit mask is measured against, not something to paint.
      original.visible = false;
      original.allLocked = true;
      await this.selectLayer(label.id);
    });
  }

  async resetLabelLayer(documentId: number): Promise<void> {
    const d = this.doc(documentId);
    const depth = this.supportedDepth(d);
    const label = this.findLayer(d, LABEL_LAYER_NAME);
    const original = this.findLayer(d, ORIGINAL_LAYER_NAME);
    if (!label || !original) {
      throw new HostError('nothing to reset', { userMessage: 'There is no original layout to go back to: press "Mark current layout as original" first.' });
    }
    const pixels = await this.modal('Relayout: read original layout', () => this.readRgba(d, original));
    await this.historyStep(documentId, 'Relayout: reset label layer', async () => {
      await this.putLayerPixels(d, label, pixels, depth);
      // Its marks described the labels just replaced.
      this.findLayer(d, CHECK_LAYER_NAME)?.delete();
    });
  }

  async writeLabelLayer(documentId: number, image: RgbaImage, opts: WriteLabelOptions = {}): Promise<void> {
    const d = this.doc(documentId);
    const depth = this.supportedDepth(d);
    const label = this.findLayer(d, LABEL_LAYER_NAME);
    if (!label) throw noLabelLayerError();
    checkLabelImageSize(image, d);
    const marks = checkLayerImage(opts.checkHere, d.width, d.height);
    if (opts.signal?.aborted) throw new CancelledError();
    await this.historyStep(documentId, 'Relayout: complete layout', async (_ctx, check) => {
      check();
      await this.putLayerPixels(d, label, image, depth);
      const stale = this.findLayer(d, CHECK_LAYER_NAME);
      stale?.delete();
      if (marks) {
        check();
        const layer = await this.newLayer(d, CHECK_LAYER_NAME);
        layer.move(label, this.ps.constants.ElementPlacement.PLACEBEFORE);
        await this.putLayerPixels(d, layer, marks, depth);
      }
      // The user goes on painting labels, not on a new (or deleted) check layer.
      if (marks || stale) await this.selectLayer(label.id);
    }, opts.signal);
  }

  async pickPaintColor(rgb: readonly [number, number, number]): Promise<void> {
    await this.modal('Relayout: pick class colour', async () => {
      const color = new this.ps.app.SolidColor();
      color.rgb.red = rgb[0];
      color.rgb.green = rgb[1];
      color.rgb.blue = rgb[2];
      this.ps.app.foregroundColor = color;
      // The pencil has no anti-aliasing, so strokes carry the exact class colour.
      await this.ps.action.batchPlay([{ _obj: 'select', _target: [{ _ref: 'pencilTool' }] }], {});
      const d = this.ps.app.activeDocument;
      const label = d ? this.findLayer(d, LABEL_LAYER_NAME) : null;
      if (label) await this.selectLayer(label.id);
    });
  }

  async writeResults(documentId: number, layers: ResultLayer[], opts: WriteOptions = {}): Promise<LayerRef[]> {
    const d = this.doc(documentId);
    const depth = this.supportedDepth(d);
    if (opts.signal?.aborted) throw new CancelledError();
    if (!layers.length) return [];
    for (const r of layers) {
      if (r.image.width !== d.width || r.image.height !== d.height || r.mask.length !== d.width * d.height) {
        throw new HostError(`result is ${r.image.width}×${r.image.height}, document is ${d.width}×${d.height}`, {
          userMessage: 'The document changed size while Relayout was working. Generate again.',
        });
      }
    }
    const name = layers.length === 1 ? 'Relayout: generate' : `Relayout: generate ${layers.length} variations`;
    return this.historyStep(
      documentId,
      name,
      async (ctx, check) => {
        const first = nextResultNumber(flatten(d.layers).map((l) => l.name));
        const label = this.findLayer(d, LABEL_LAYER_NAME);
        const refs: LayerRef[] = [];
        for (let i = 0; i < layers.length; i++) {
          const r = layers[i];
          const rect = boundsOfPlane(r.mask, d.width, d.height) ?? r.bounds;
          const w = rect.x1 - rect.x0, h = rect.y1 - rect.y0;
          check();
          const layer = await this.newLayer(d, resultLayerName(first + i, r.classNames));
          // Below the label layer: the label overlay stays on top, the result over the photo.
          if (label) layer.move(label, this.ps.constants.ElementPlacement.PLACEAFTER);
          const pixels = await this.createImageData(rgbaToDepth(r.image, rect, depth, false), w, h, 3, 'RGB');
          try {
            await this.ps.imaging.putPixels({ documentID: d.id, layerID: layer.id, imageData: pixels, replace: true, targetBounds: toPsRect(rect) });
          } finally {
            await pixels.dispose();
          }
          check();
          const mask = await this.createImageData(grayToDepth(r.mask, d.width, rect, 8), w, h, 1, 'Grayscale');
          try {
            await this.ps.imaging.putLayerMask({ documentID: d.id, layerID: layer.id, imageData: mask, replace: true, targetBounds: toPsRect(rect) });
          } finally {
            await mask.dispose();
          }
          refs.push({ documentId, layerId: layer.id, name: layer.name });
          ctx.reportProgress({ value: (i + 1) / layers.length });
        }
        return refs;
      },
      opts.signal,
    );
  }

  // ---- plugin files and environment ---------------------------------------------------------------

  async readPluginFile(path: string): Promise<Uint8Array> {
    const { localFileSystem, formats } = this.uxp.storage;
    try {
      const folder = await localFileSystem.getPluginFolder();
      const file = await folder.getEntry(path);
      const data = await file.read({ format: formats.binary });
      return typeof data === 'string' ? utf8Encode(data) : new Uint8Array(data);
    } catch (err) {
      throw new HostError(`cannot read plugin file ${path}: ${(err as Error)?.message ?? String(err)}`, {
        cause: err,
        userMessage: `The plugin file "${path}" is missing or unreadable. Reinstall the plugin.`,
      });
    }
  }

  async environment(): Promise<HostEnvironment> {
    const uxpVersion = this.uxp.versions.uxp;
    const major = Number(/(\d+)\./.exec(uxpVersion)?.[1] ?? 0);
    // Local content in a webview arrived with UXP 8.0 (Photoshop 26.0): HTMLWebViewElement docs.
    return { app: this.uxp.host.name, version: this.uxp.host.version, uxpVersion, localWebview: major >= 8 };
  }

  // ---- settings -------------------------------------------------------------------------------------

  async loadSettings(): Promise<unknown> {
    const { localFileSystem, formats } = this.uxp.storage;
    try {
      const folder = await localFileSystem.getDataFolder();
      const file = await folder.getEntry(SETTINGS_FILE);
      return JSON.parse(String(await file.read({ format: formats.utf8 })));
    } catch {
      return null; // none saved yet, or unreadable: the panel starts from defaults
    }
  }

  async saveSettings(value: unknown): Promise<void> {
    const { localFileSystem, formats } = this.uxp.storage;
    const folder = await localFileSystem.getDataFolder();
    const file = await folder.createFile(SETTINGS_FILE, { overwrite: true });
    await file.write(JSON.stringify(value, null, 2), { format: formats.utf8 });
  }

  async readSecret(key: string): Promise<string | null> {
    try {
      const bytes = await this.uxp.storage.secureStorage.getItem(SECRET_PREFIX + key);
      return bytes && bytes.length ? utf8Decode(bytes) : null;
    } catch {
      return null; // secure storage "should be regarded as a cache" (UXP docs): missing is normal
    }
  }

  async writeSecret(key: string, value: string | null): Promise<void> {
    const store = this.uxp.storage.secureStorage;
    if (value) await store.setItem(SECRET_PREFIX + key, value);
    else await store.removeItem(SECRET_PREFIX + key).catch(() => undefined);
  }
}

/** The Photoshop host, with the real modules (only callable inside UXP). */
export function createUxpHost(): UxpHost {
  // Required here, not imported at the top, so bundles that never run in Photoshop can include src/host.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ps = require('photoshop') as PsApi;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const uxp = require('uxp') as UxpApi;
  return new UxpHost(ps, uxp);
}
