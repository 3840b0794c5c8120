// BrowserHost: the Host over an in-memory document (photo, label layer, original layout, result layers)
// for the playground and tests. Same behaviour as UxpHost: Relayout layers found by name, results
// written atomically as one history entry, nothing written on cancel. Pure data; no DOM, no canvas.
import { CancelledError, RgbaImage } from '../layout';
import { HostError, checkLabelImageSize, noLabelLayerError } from './errors';
import { DocumentInfo, Host, HostEnvironment, LayerRef, ResultLayer, WriteLabelOptions, WriteOptions } from './host';
import { CHECK_LAYER_NAME, isRelayoutLayer, LABEL_LAYER_NAME, nextResultNumber, ORIGINAL_LAYER_NAME, resultLayerName } from './naming';
import { checkLayerImage } from './pixels';

export interface BrowserLayer {
  id: number;
  name: string;
  visible: boolean;
  locked: boolean;
  /** 0..1, as the layers list shows it. */
  opacity: number;
  /** Document size, 8-bit RGBA. */
  image: RgbaImage;
  /** Layer mask, document size, 0..255; null = none. */
  mask: Uint8Array | null;
}

export interface BrowserDocument {
  id: number;
  title: string;
  width: number;
  height: number;
  /** Topmost first, like Photoshop's Layers panel. */
  layers: BrowserLayer[];
  /** 0/1 per pixel, or null when nothing is selected. */
  selection: Uint8Array | null;
  /** History entries, oldest first (one per undoable action). */
  history: string[];
}

/** localStorage-shaped settings storage (tests pass a Map-backed one). */
export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export class MemoryStore implements KeyValueStore {
  private readonly map = new Map<string, string>();
  getItem(key: string): string | null {
    return this.map.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.map.set(key, value);
  }
  removeItem(key: string): void {
    this.map.delete(key);
  }
}

const SETTINGS_KEY = 'relayout.settings';

function blank(width: number, height: number): RgbaImage {
  return { width, height, data: new Uint8Array(width * height * 4) };
}

function copyImage(img: RgbaImage): RgbaImage {
  return { width: img.width, height: img.height, data: new Uint8Array(img.data) };
}

export class BrowserHost implements Host {
  readonly kind = 'browser' as const;
  readonly documents: BrowserDocument[] = [];
  activeDocumentId: number | null = null;
  foreground: [number, number, number] = [0, 0, 0];
  tool = 'brush';
  private nextId = 1;
  private readonly listeners = new Set<() => void>();
  /** Secrets (remote tokens) stay in memory: a page has no secure storage, and localStorage is readable by any script. */
  private readonly secrets = new Map<string, string>();

  /**
   * `assetBase`: where the plugin's files are served (the playground serves dist-like folders);
   * `fetchFn`: how to get them.
   */
  constructor(
    private readonly store: KeyValueStore = new MemoryStore(),
    private readonly assetBase = '/',
    private readonly fetchFn: (url: string) => Promise<{ ok: boolean; status: number; arrayBuffer(): Promise<ArrayBuffer> }> = (u) => fetch(u),
  ) {}

  // ---- playground API (not part of Host) ----

  /** Opens a document whose only layer is the photo. */
  addDocument(title: string, photo: RgbaImage): BrowserDocument {
    const doc: BrowserDocument = { id: this.nextId++, title, width: photo.width, height: photo.height, layers: [], selection: null, history: [] };
    doc.layers.push(this.layer('Background', copyImage(photo)));
    this.documents.push(doc);
    this.activeDocumentId ??= doc.id;
    this.changed();
    return doc;
  }

  /** Calls `listener` after every change; returns the unsubscribe function. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Tells listeners the document changed (after painting, or toggling a layer in the view). */
  changed(): void {
    for (const l of this.listeners) l();
  }

  doc(documentId: number): BrowserDocument {
    const d = this.documents.find((x) => x.id === documentId);
    if (!d) throw new HostError(`document ${documentId} is not open`, { userMessage: 'That document is no longer open.' });
    return d;
  }

  findLayer(d: BrowserDocument, name: string): BrowserLayer | null {
    return d.layers.find((l) => l.name === name) ?? null;
  }

  /**
   * Paints a hard-edged (pencil) stroke in the foreground colour on the label layer: discs of `radius` px
   * along the polyline, no anti-aliasing, so every painted pixel carries the exact class colour.
   */
  paintStroke(documentId: number, points: readonly { x: number; y: number }[], radius: number): number {
    const d = this.doc(documentId);
    const layer = this.findLayer(d, LABEL_LAYER_NAME);
    if (!layer) throw new HostError('no label layer', { userMessage: 'Press "New label layer" before painting.' });
    const { width, height, data } = layer.image;
    const [r, g, b] = this.foreground;
    const r2 = radius * radius;
    let painted = 0;
    const disc = (cx: number, cy: number): void => {
      for (let y = Math.max(0, Math.floor(cy - radius)); y <= Math.min(height - 1, Math.ceil(cy + radius)); y++) {
        for (let x = Math.max(0, Math.floor(cx - radius)); x <= Math.min(width - 1, Math.ceil(cx + radius)); x++) {
          if ((x - cx) * (x - cx) + (y - cy) * (y - cy) > r2) continue;
          const p = (y * width + x) * 4;
          data[p] = r; data[p + 1] = g; data[p + 2] = b; data[p + 3] = 255;
          painted++;
        }
      }
    };
    for (let i = 0; i < points.length; i++) {
      const a = points[i], z = points[Math.min(i + 1, points.length - 1)];
      const steps = Math.max(1, Math.ceil(Math.hypot(z.x - a.x, z.y - a.y) / Math.max(1, radius / 2)));
      for (let s = 0; s <= steps; s++) disc(a.x + ((z.x - a.x) * s) / steps, a.y + ((z.y - a.y) * s) / steps);
    }
    d.history.push('Pencil');
    this.changed();
    return painted;
  }

  /** The playground's "Clear labels": every label pixel transparent, as Select All + Delete in Photoshop. */
  clearLabelLayer(documentId: number): void {
    const d = this.doc(documentId);
    const layer = this.findLayer(d, LABEL_LAYER_NAME);
    if (!layer) throw new HostError('no label layer', { userMessage: 'There is no label layer to clear.' });
    layer.image = blank(d.width, d.height);
    d.history.push('Clear');
    this.changed();
  }

  /** Test and playground setup: puts pixels into the label layer (creating it) as if the user had painted them. */
  setLabelLayer(documentId: number, image: RgbaImage): void {
    const d = this.doc(documentId);
    const layer = this.findLayer(d, LABEL_LAYER_NAME) ?? this.insertLabelLayer(d);
    layer.image = copyImage(image);
    this.changed();
  }

  private layer(name: string, image: RgbaImage): BrowserLayer {
    return { id: this.nextId++, name, visible: true, locked: false, opacity: 1, image, mask: null };
  }

  private insertLabelLayer(d: BrowserDocument): BrowserLayer {
    const layer = this.layer(LABEL_LAYER_NAME, blank(d.width, d.height));
    d.layers.unshift(layer);
    return layer;
  }

  private info(d: BrowserDocument): DocumentInfo {
    return {
      id: d.id,
      title: d.title,
      width: d.width,
      height: d.height,
      mode: 'RGB',
      bitsPerChannel: 8,
      supported: true,
      hasLabelLayer: !!this.findLayer(d, LABEL_LAYER_NAME),
      hasOriginalLayout: !!this.findLayer(d, ORIGINAL_LAYER_NAME),
    };
  }

  // ---- Host ----

  async listDocuments(): Promise<DocumentInfo[]> {
    return this.documents.map((d) => this.info(d));
  }

  async activeDocument(): Promise<DocumentInfo | null> {
    const d = this.documents.find((x) => x.id === this.activeDocumentId);
    return d ? this.info(d) : null;
  }

  /** Composite of the visible layers that are not Relayout's, bottom to top, normal blending. */
  async readPhoto(documentId: number): Promise<RgbaImage> {
    const d = this.doc(documentId);
    const out = blank(d.width, d.height);
    const o = out.data;
    for (const layer of [...d.layers].reverse()) {
      if (!layer.visible || isRelayoutLayer(layer.name)) continue;
      const s = layer.image.data;
      for (let i = 0, p = 0; i < d.width * d.height; i++, p += 4) {
        const a = (s[p + 3] / 255) * layer.opacity * (layer.mask ? layer.mask[i] / 255 : 1);
        if (a <= 0) continue;
        for (let c = 0; c < 3; c++) o[p + c] = Math.round(s[p + c] * a + o[p + c] * (1 - a));
        o[p + 3] = Math.round(255 * (a + (o[p + 3] / 255) * (1 - a)));
      }
    }
    return out;
  }

  async readLabelLayer(documentId: number): Promise<RgbaImage | null> {
    const layer = this.findLayer(this.doc(documentId), LABEL_LAYER_NAME);
    return layer ? copyImage(layer.image) : null;
  }

  async readOriginalLayout(documentId: number): Promise<RgbaImage | null> {
    const layer = this.findLayer(this.doc(documentId), ORIGINAL_LAYER_NAME);
    return layer ? copyImage(layer.image) : null;
  }

  async readSelection(documentId: number): Promise<Uint8Array | null> {
    const sel = this.doc(documentId).selection;
    return sel && sel.some((v) => v) ? new Uint8Array(sel) : null;
  }

  async createLabelLayer(documentId: number): Promise<LayerRef> {
    const d = this.doc(documentId);
    const layer = this.findLayer(d, LABEL_LAYER_NAME) ?? (d.history.push('Relayout: new label layer'), this.insertLabelLayer(d));
    this.changed();
    return { documentId, layerId: layer.id, name: layer.name };
  }

  async markOriginalLayout(documentId: number): Promise<void> {
    const d = this.doc(documentId);
    const label = this.findLayer(d, LABEL_LAYER_NAME);
    if (!label) throw noLabelLayerError();
    let original = this.findLayer(d, ORIGINAL_LAYER_NAME);
    if (!original) {
      original = this.layer(ORIGINAL_LAYER_NAME, blank(d.width, d.height));
      d.layers.splice(d.layers.indexOf(label) + 1, 0, original);
    }
    original.image = copyImage(label.image);
    original.visible = false;
    original.locked = true;
    d.history.push('Relayout: mark original layout');
    this.changed();
  }

  async resetLabelLayer(documentId: number): Promise<void> {
    const d = this.doc(documentId);
    const label = this.findLayer(d, LABEL_LAYER_NAME);
    const original = this.findLayer(d, ORIGINAL_LAYER_NAME);
    if (!label || !original) {
      throw new HostError('nothing to reset', { userMessage: 'There is no original layout to go back to: press "Mark current layout as original" first.' });
    }
    label.image = copyImage(original.image);
    d.layers = d.layers.filter((l) => l.name !== CHECK_LAYER_NAME);
    d.history.push('Relayout: reset label layer');
    this.changed();
  }

  async writeLabelLayer(documentId: number, image: RgbaImage, opts: WriteLabelOptions = {}): Promise<void> {
    const d = this.doc(documentId);
    const label = this.findLayer(d, LABEL_LAYER_NAME);
    if (!label) throw noLabelLayerError();
    checkLabelImageSize(image, d);
    const marks = checkLayerImage(opts.checkHere, d.width, d.height);
    if (opts.signal?.aborted) throw new CancelledError();
    label.image = copyImage(image);
    d.layers = d.layers.filter((l) => l.name !== CHECK_LAYER_NAME);
    if (marks) d.layers.splice(d.layers.indexOf(label), 0, this.layer(CHECK_LAYER_NAME, marks));
    d.history.push('Relayout: complete layout');
    this.changed();
  }

  async pickPaintColor(rgb: readonly [number, number, number]): Promise<void> {
    this.foreground = [rgb[0], rgb[1], rgb[2]];
    this.tool = 'pencil';
    this.changed();
  }

  async writeResults(documentId: number, layers: ResultLayer[], opts: WriteOptions = {}): Promise<LayerRef[]> {
    const d = this.doc(documentId);
    if (opts.signal?.aborted) throw new CancelledError();
    if (!layers.length) return [];
    // Build every layer first and commit them together: all or nothing, like the Photoshop host.
    const first = nextResultNumber(d.layers.map((l) => l.name));
    const made: BrowserLayer[] = [];
    for (let i = 0; i < layers.length; i++) {
      const r = layers[i];
      if (r.image.width !== d.width || r.image.height !== d.height || r.mask.length !== d.width * d.height) {
        throw new HostError('result size differs from the document', { userMessage: 'The document changed size while Relayout was working. Generate again.' });
      }
      if (opts.signal?.aborted) throw new CancelledError();
      const layer = this.layer(resultLayerName(first + i, r.classNames), copyImage(r.image));
      layer.mask = new Uint8Array(r.mask);
      made.push(layer);
    }
    const label = this.findLayer(d, LABEL_LAYER_NAME);
    const at = label ? d.layers.indexOf(label) + 1 : 0;
    // Each new result sits right below the label layer, above the previous ones (as in Photoshop).
    d.layers.splice(at, 0, ...[...made].reverse());
    d.history.push(layers.length === 1 ? 'Relayout: generate' : `Relayout: generate ${layers.length} variations`);
    this.changed();
    return made.map((l) => ({ documentId, layerId: l.id, name: l.name }));
  }

  async readPluginFile(path: string): Promise<Uint8Array> {
    const res = await this.fetchFn(this.assetBase + path);
    if (!res.ok) throw new HostError(`${path}: HTTP ${res.status}`, { userMessage: `The file "${path}" could not be loaded.` });
    return new Uint8Array(await res.arrayBuffer());
  }

  async environment(): Promise<HostEnvironment> {
    const ua = typeof navigator === 'undefined' ? 'unknown' : navigator.userAgent;
    return { app: 'browser', version: ua, uxpVersion: '', localWebview: false };
  }

  async loadSettings(): Promise<unknown> {
    const text = this.store.getItem(SETTINGS_KEY);
    try {
      return text ? JSON.parse(text) : null;
    } catch {
      return null;
    }
  }

  async saveSettings(value: unknown): Promise<void> {
    this.store.setItem(SETTINGS_KEY, JSON.stringify(value));
  }

  async readSecret(key: string): Promise<string | null> {
    return this.secrets.get(key) ?? null;
  }

  async writeSecret(key: string, value: string | null): Promise<void> {
    if (value) this.secrets.set(key, value);
    else this.secrets.delete(key);
  }
}
