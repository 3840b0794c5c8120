// A fake of the `photoshop` and `uxp` modules for UxpHost's tests. It implements the surface in
// src/host/uxp-api.ts, which is checked at compile time against @types/photoshop, so the calls UxpHost
// makes have the real signatures. It holds pixels at the document's depth, records every call, enforces
// the rules Photoshop enforces (modal scope for changes, one modal at a time, locked layers, matching
// depths), keeps a History panel (suspended history = one entry, or none when rolled back), and can fail
// or be cancelled on a chosen call.
import type {
  ExecuteAsModalOptions,
  ExecutionContext,
  PixelLayerCreateOptions,
  PsApi,
  PsApp,
  PsDocument,
  PsGetPixelsOptions,
  PsImageData,
  PsImaging,
  PsLayer,
  PsRectLike,
  PsSolidColor,
  UxpApi,
  UxpFile,
  UxpFolder,
} from '../../src/host/uxp-api';
import type { ElementPlacement } from 'photoshop/dom/Constants';
import type { imaging } from 'photoshop/dom/ImagingModule';
import type { ActionDescriptor, BatchPlayCommandOptions } from 'photoshop/dom/CoreModules';

export type Depth = 8 | 16 | 32;
type PixelArray = Uint8Array | Uint16Array | Float32Array;

export interface Rect {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/** RGBA pixels at the document's depth (16-bit: 0..32768; 32-bit: linear floats), chunky. */
export interface Pixels {
  rect: Rect;
  data: PixelArray;
}

export interface Call {
  name: string;
  args: unknown[];
}

const PLACEMENT = { PLACEBEFORE: 'placeBefore' as ElementPlacement, PLACEAFTER: 'placeAfter' as ElementPlacement };

function alloc(n: number, depth: Depth): PixelArray {
  return depth === 8 ? new Uint8Array(n) : depth === 16 ? new Uint16Array(n) : new Float32Array(n);
}

function depthOfArray(a: PixelArray): Depth {
  return a instanceof Uint8Array ? 8 : a instanceof Uint16Array ? 16 : 32;
}

/** The "opaque" value of a channel at a depth. */
export function fullValue(depth: Depth): number {
  return depth === 8 ? 255 : depth === 16 ? 32768 : 1;
}

export class FakeLayer implements PsLayer {
  readonly kind = 'pixel';
  readonly layers: readonly PsLayer[] | null = null;
  pixels: Pixels | null = null;
  mask: Pixels | null = null;
  isBackground = false;
  private _name: string;
  private _visible = true;
  private _allLocked = false;

  constructor(
    private readonly fake: FakePhotoshop,
    readonly doc: FakeDocument,
    readonly id: number,
    name: string,
  ) {
    this._name = name;
  }

  get name(): string {
    return this._name;
  }
  set name(v: string) {
    this.fake.mutate(this.doc, 'rename layer');
    this._name = v;
  }
  get visible(): boolean {
    return this._visible;
  }
  set visible(v: boolean) {
    this.fake.mutate(this.doc, v ? 'show layer' : 'hide layer');
    this._visible = v;
  }
  get allLocked(): boolean {
    return this._allLocked;
  }
  set allLocked(v: boolean) {
    this.fake.mutate(this.doc, 'lock layer');
    this._allLocked = v;
  }

  /** Bounds of the non-transparent pixels (Photoshop trims layer bounds the same way). */
  get bounds(): PsRectLike {
    const p = this.pixels;
    if (!p) return { left: 0, top: 0, right: 0, bottom: 0 };
    const w = p.rect.right - p.rect.left, h = p.rect.bottom - p.rect.top;
    let x0 = w, y0 = h, x1 = 0, y1 = 0;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        if (!p.data[(y * w + x) * 4 + 3]) continue;
        x0 = Math.min(x0, x); x1 = Math.max(x1, x + 1); y0 = Math.min(y0, y); y1 = y + 1;
      }
    }
    if (x1 <= x0) return { left: 0, top: 0, right: 0, bottom: 0 };
    return { left: p.rect.left + x0, top: p.rect.top + y0, right: p.rect.left + x1, bottom: p.rect.top + y1 };
  }

  move(relativeObject: PsLayer, insertLocation: ElementPlacement): void {
    this.fake.record('Layer.move', [this.id, relativeObject.id, insertLocation]);
    this.fake.mutate(this.doc, 'move layer');
    const list = this.doc.layers;
    list.splice(list.indexOf(this), 1);
    const at = list.findIndex((l) => l.id === relativeObject.id);
    if (at < 0) throw new Error('move: relative layer not found');
    list.splice(insertLocation === PLACEMENT.PLACEBEFORE ? at : at + 1, 0, this);
  }

  delete(): void {
    this.fake.record('Layer.delete', [this.id]);
    this.fake.maybeFail('delete');
    this.fake.mutate(this.doc, 'delete layer');
    const list = this.doc.layers;
    const at = list.indexOf(this);
    if (at < 0) throw new Error('delete: layer not in the document');
    list.splice(at, 1);
    // Like Photoshop, deleting the active layer makes the one below it (or the new top) active.
    if (this.doc.activeLayerId === this.id) this.doc.activeLayerId = (list[at] ?? list[at - 1])?.id ?? null;
  }

  /** Pixel value (RGBA at doc depth) at document coordinates; transparent outside the layer. */
  at(x: number, y: number): number[] {
    const p = this.pixels;
    if (!p || x < p.rect.left || y < p.rect.top || x >= p.rect.right || y >= p.rect.bottom) return [0, 0, 0, 0];
    const i = ((y - p.rect.top) * (p.rect.right - p.rect.left) + (x - p.rect.left)) * 4;
    return [p.data[i], p.data[i + 1], p.data[i + 2], p.data[i + 3]];
  }

  clone(doc: FakeDocument): FakeLayer {
    const c = new FakeLayer(this.fake, doc, this.id, this._name);
    c._visible = this._visible;
    c._allLocked = this._allLocked;
    c.isBackground = this.isBackground;
    c.pixels = this.pixels && { rect: { ...this.pixels.rect }, data: this.pixels.data.slice() };
    c.mask = this.mask && { rect: { ...this.mask.rect }, data: this.mask.data.slice() };
    return c;
  }
}

export class FakeDocument implements PsDocument {
  layers: FakeLayer[] = [];
  /** Committed History panel entries, oldest first. */
  history: string[] = [];
  /** Active selection, 0..255 per pixel (document size), or null. */
  selectionMask: Uint8Array | null = null;
  activeLayerId: number | null = null;

  constructor(
    private readonly fake: FakePhotoshop,
    readonly id: number,
    readonly title: string,
    readonly width: number,
    readonly height: number,
    public mode: string,
    public bitsPerChannel: string,
  ) {}

  get depth(): Depth {
    return this.bitsPerChannel === 'bitDepth16' ? 16 : this.bitsPerChannel === 'bitDepth32' ? 32 : 8;
  }

  get selection(): { readonly bounds: PsRectLike | null } {
    const m = this.selectionMask;
    if (!m) return { bounds: null };
    let x0 = this.width, y0 = this.height, x1 = 0, y1 = 0;
    for (let y = 0; y < this.height; y++) {
      for (let x = 0; x < this.width; x++) {
        if (!m[y * this.width + x]) continue;
        x0 = Math.min(x0, x); x1 = Math.max(x1, x + 1); y0 = Math.min(y0, y); y1 = y + 1;
      }
    }
    return { bounds: x1 > x0 ? { left: x0, top: y0, right: x1, bottom: y1 } : null };
  }

  async createPixelLayer(options?: PixelLayerCreateOptions): Promise<PsLayer | null> {
    this.fake.record('Document.createPixelLayer', [options]);
    this.fake.maybeFail('createPixelLayer');
    this.fake.mutate(this, 'new layer');
    const layer = new FakeLayer(this.fake, this, this.fake.nextId++, options?.name ?? `Layer ${this.layers.length + 1}`);
    // Like Photoshop, a new layer lands on top of the stack and becomes the active layer.
    this.layers.unshift(layer);
    this.activeLayerId = layer.id;
    return layer;
  }

  /** Test setup: adds a layer with pixels without going through the API (no history, no modal). */
  addLayer(name: string, pixels: Pixels | null, opts: { background?: boolean; visible?: boolean } = {}): FakeLayer {
    const layer = new FakeLayer(this.fake, this, this.fake.nextId++, name);
    layer.pixels = pixels;
    layer.isBackground = !!opts.background;
    if (opts.visible === false) this.fake.withoutRules(() => (layer.visible = false));
    if (opts.background) this.layers.push(layer);
    else this.layers.unshift(layer);
    return layer;
  }

  layer(name: string): FakeLayer | undefined {
    return this.layers.find((l) => l.name === name);
  }

  snapshot(): { layers: FakeLayer[]; activeLayerId: number | null } {
    return { layers: this.layers.map((l) => l.clone(this)), activeLayerId: this.activeLayerId };
  }
}

class FakeImageData implements PsImageData {
  readonly type = 'image/uncompressed' as const;
  readonly chunky = true;
  disposed = false;

  constructor(
    private readonly fake: FakePhotoshop,
    readonly width: number,
    readonly height: number,
    readonly components: number,
    readonly colorSpace: imaging.ColorSpace,
    readonly colorProfile: string,
    readonly data: PixelArray,
  ) {
    fake.liveImageData++;
  }

  get componentSize(): 8 | 16 | 32 {
    return depthOfArray(this.data);
  }
  get hasAlpha(): boolean {
    return this.components === 2 || this.components === 4;
  }
  get pixelFormat(): imaging.PixelFormat {
    return this.colorSpace === 'Grayscale' ? (this.hasAlpha ? 'GrayscaleAlpha' : 'Grayscale') : this.hasAlpha ? 'RGBA' : 'RGB';
  }

  getData = async (options: imaging.GetDataOptions): Promise<Uint8Array | Uint16Array | Float32Array> => {
    this.fake.record('PhotoshopImageData.getData', [options]);
    if (this.disposed) throw new Error('image data used after dispose');
    if (options?.chunky === false) throw new Error('fake: planar data not supported');
    if (options?.fullRange && this.data instanceof Uint16Array) return this.data.map((v) => Math.min(65535, Math.round((v * 65535) / 32768)));
    return this.data.slice();
  };

  dispose = async (): Promise<void> => {
    if (!this.disposed) this.fake.liveImageData--;
    this.disposed = true;
  };
}

class FakeSolidColor implements PsSolidColor {
  readonly rgb = { red: 255, green: 255, blue: 255 };
}

type ModalContext = ExecutionContext & { suspensions: Map<number, { doc: FakeDocument; name: string; before: ReturnType<FakeDocument['snapshot']> }> };

export class FakePhotoshop implements PsApi {
  nextId = 1;
  calls: Call[] = [];
  documentsList: FakeDocument[] = [];
  activeDocumentId: number | null = null;
  foreground = { red: 0, green: 0, blue: 0 };
  currentTool = 'moveTool';
  /** Image data objects created and not yet disposed. */
  liveImageData = 0;
  modalCount = 0;
  private modal: ModalContext | null = null;
  private rulesOff = 0;
  private failures = new Map<string, Error>();
  private cancelOnCall: string | null = null;
  private nextSuspension = 1;

  // ---- test controls ----

  addDocument(title: string, width: number, height: number, opts: { mode?: string; bits?: Depth } = {}): FakeDocument {
    const d = new FakeDocument(this, this.nextId++, title, width, height, opts.mode ?? 'RGBColorMode', `bitDepth${opts.bits ?? 8}`);
    this.documentsList.push(d);
    this.activeDocumentId ??= d.id;
    return d;
  }

  /** The next call of `method` throws `error` (once). */
  failOn(method: string, error = new Error(`${method} failed`)): void {
    this.failures.set(method, error);
  }

  /** When `method` is next called inside a modal scope, the user presses Esc (isCancelled, onCancel). */
  cancelOn(method: string): void {
    this.cancelOnCall = method;
  }

  callNames(): string[] {
    return this.calls.map((c) => c.name);
  }

  // ---- internals used by the fake objects ----

  /** Test hook run after each recorded call (e.g. to abort the panel's signal mid-write). */
  onCall: ((name: string) => void) | null = null;

  record(name: string, args: unknown[]): void {
    this.calls.push({ name, args });
    this.onCall?.(name);
    if (this.cancelOnCall === name && this.modal) {
      this.cancelOnCall = null;
      (this.modal as { isCancelled: boolean }).isCancelled = true;
      this.modal.onCancel?.({ reason: 'user pressed Esc' });
    }
  }

  maybeFail(method: string): void {
    const e = this.failures.get(method);
    if (e) {
      this.failures.delete(method);
      throw e;
    }
  }

  withoutRules<T>(fn: () => T): T {
    this.rulesOff++;
    try {
      return fn();
    } finally {
      this.rulesOff--;
    }
  }

  /** Every change to a document: only inside a modal scope; outside suspended history it is its own step. */
  mutate(doc: FakeDocument, what: string): void {
    if (this.rulesOff) return;
    if (!this.modal) throw new Error(`${what}: modifying the document requires executeAsModal`);
    const suspended = [...this.modal.suspensions.values()].some((s) => s.doc === doc);
    if (!suspended) doc.history.push(what);
  }

  private doc(id: number | undefined): FakeDocument {
    const d = id === undefined || id < 0 ? this.documentsList.find((x) => x.id === this.activeDocumentId) : this.documentsList.find((x) => x.id === id);
    if (!d) throw new Error(`no document ${id}`);
    return d;
  }

  // ---- photoshop module surface ----

  get app(): PsApp {
    const fake = this;
    return {
      get documents(): readonly PsDocument[] {
        return fake.documentsList;
      },
      get activeDocument(): PsDocument | null {
        return fake.documentsList.find((d) => d.id === fake.activeDocumentId) ?? null;
      },
      get foregroundColor(): PsSolidColor {
        const c = new FakeSolidColor();
        Object.assign(c.rgb, fake.foreground);
        return c;
      },
      set foregroundColor(c: PsSolidColor) {
        fake.record('app.foregroundColor=', [{ ...c.rgb }]);
        if (!fake.modal) throw new Error('setting foregroundColor requires executeAsModal');
        fake.foreground = { red: c.rgb.red, green: c.rgb.green, blue: c.rgb.blue };
      },
      SolidColor: FakeSolidColor,
    };
  }

  readonly constants = { ElementPlacement: PLACEMENT };

  get core(): PsApi['core'] {
    return { executeAsModal: this.executeAsModal };
  }

  get action(): PsApi['action'] {
    return { batchPlay: this.batchPlay };
  }

  executeAsModal = async <T>(targetFunction: (executionContext: ExecutionContext, descriptor?: object) => Promise<T>, options: ExecuteAsModalOptions): Promise<T> => {
    this.record('core.executeAsModal', [options]);
    if (!options?.commandName) throw new Error('executeAsModal: commandName is required');
    if (this.modal) throw Object.assign(new Error('host is in a modal state'), { number: 9 });
    const fake = this;
    const ctx: ModalContext = {
      isCancelled: false,
      onCancel: undefined,
      reportProgress: (p) => fake.record('executionContext.reportProgress', [p]),
      suspensions: new Map(),
      hostControl: {
        suspendHistory: async (params) => {
          fake.record('hostControl.suspendHistory', [params]);
          const doc = fake.doc(params.documentID);
          const id = fake.nextSuspension++;
          ctx.suspensions.set(id, { doc, name: params.name, before: doc.snapshot() });
          return { historySuspensionID: id };
        },
        resumeHistory: async (params, commit) => {
          fake.record('hostControl.resumeHistory', [params, commit]);
          const s = ctx.suspensions.get(params.historySuspensionID);
          if (!s) throw new Error('resumeHistory: unknown suspension');
          ctx.suspensions.delete(params.historySuspensionID);
          if (commit === false) {
            s.doc.layers = s.before.layers;
            s.doc.activeLayerId = s.before.activeLayerId;
          } else {
            s.doc.history.push(params.finalName ?? s.name);
          }
        },
        registerAutoCloseDocument: async () => undefined,
        unregisterAutoCloseDocument: async () => undefined,
      },
    };
    this.modal = ctx;
    this.modalCount++;
    try {
      return await targetFunction(ctx);
    } finally {
      this.modal = null;
      // Photoshop commits a suspension left open when the scope ends; a well-behaved plugin never does.
      for (const s of ctx.suspensions.values()) s.doc.history.push(`${s.name} (left open)`);
    }
  };

  batchPlay = async (commands: ActionDescriptor[], options?: BatchPlayCommandOptions): Promise<ActionDescriptor[]> => {
    this.record('action.batchPlay', [commands, options]);
    const out: ActionDescriptor[] = [];
    for (const c of commands) {
      if (c._obj === 'select' && !this.modal) throw new Error('select may modify the state of Photoshop: only inside a modal scope');
      const ref = c._target?.[0]?._ref;
      if (c._obj === 'select' && typeof ref === 'string' && ref.endsWith('Tool')) this.currentTool = ref;
      else if (c._obj === 'select' && ref === 'layer') this.doc(undefined).activeLayerId = c._target[0]._id;
      else throw new Error(`fake batchPlay does not know ${JSON.stringify(c)}`);
      out.push({ _obj: 'result' });
    }
    return out;
  };

  // ---- imaging ----

  get imaging(): PsImaging {
    return {
      getPixels: this.getPixels,
      putPixels: this.putPixels,
      putLayerMask: this.putLayerMask,
      getSelection: this.getSelection,
      createImageDataFromBuffer: this.createImageDataFromBuffer,
    };
  }

  private getPixels = async (options: PsGetPixelsOptions): Promise<imaging.GetPixelsResult> => {
    this.record('imaging.getPixels', [options]);
    this.maybeFail('getPixels');
    if (options.targetSize || options.colorSpace || options.colorProfile) throw new Error('fake: scaled or converted reads are not modelled');
    const doc = this.doc(options.documentID);
    const depth = doc.depth;
    const req = options.sourceBounds ?? { left: 0, top: 0, right: doc.width, bottom: doc.height };
    let components = 4;
    let sample: (x: number, y: number) => number[];
    let trim: Rect;
    if (options.layerID !== undefined) {
      const layer = doc.layers.find((l) => l.id === options.layerID);
      if (!layer) throw new Error(`no layer ${options.layerID}`);
      sample = (x, y) => layer.at(x, y);
      trim = layer.bounds;
    } else {
      // Composite: visible layers, bottom to top, "normal" blending; a background layer makes it opaque RGB.
      const visible = doc.layers.filter((l) => l.visible).reverse();
      if (visible[0]?.isBackground) components = 3;
      const one = fullValue(depth);
      sample = (x, y) => {
        let acc = [0, 0, 0, 0];
        for (const l of visible) {
          const p = l.at(x, y);
          const a = p[3] / one;
          acc = [0, 1, 2].map((c) => p[c] * a + acc[c] * (1 - a)).concat([p[3] + acc[3] * (1 - a)]);
        }
        return acc;
      };
      const bs = visible.map((l) => l.bounds).filter((b) => b.right > b.left);
      trim = bs.length
        ? { left: Math.min(...bs.map((b) => b.left)), top: Math.min(...bs.map((b) => b.top)), right: Math.max(...bs.map((b) => b.right)), bottom: Math.max(...bs.map((b) => b.bottom)) }
        : { left: 0, top: 0, right: 0, bottom: 0 };
    }
    // Photoshop trims the requested bounds to where there are pixels.
    const r = { left: Math.max(req.left, trim.left), top: Math.max(req.top, trim.top), right: Math.min(req.right, trim.right), bottom: Math.min(req.bottom, trim.bottom) };
    const w = Math.max(0, r.right - r.left), h = Math.max(0, r.bottom - r.top);
    const data = alloc(w * h * components, depth);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const p = sample(x + r.left, y + r.top);
        for (let c = 0; c < components; c++) data[(y * w + x) * components + c] = depth === 32 ? p[c] : Math.round(p[c]);
      }
    }
    const imageData = new FakeImageData(this, w, h, components, 'RGB', 'sRGB IEC61966-2.1', data);
    return { imageData, sourceBounds: { left: r.left, top: r.top, right: r.left + w, bottom: r.top + h }, level: 0 };
  };

  private targetLayer(doc: FakeDocument, layerID: number): FakeLayer {
    const layer = doc.layers.find((l) => l.id === layerID);
    if (!layer) throw new Error(`no layer ${layerID}`);
    if (layer.allLocked) throw new Error(`layer "${layer.name}" is locked`);
    return layer;
  }

  private putPixels = async (options: imaging.PutPixelsOptions): Promise<void> => {
    this.record('imaging.putPixels', [options]);
    this.maybeFail('putPixels');
    const doc = this.doc(options.documentID);
    const layer = this.targetLayer(doc, options.layerID);
    const img = options.imageData as FakeImageData;
    if (img.disposed) throw new Error('putPixels: image data was disposed');
    if (img.colorSpace !== 'RGB' || (img.components !== 3 && img.components !== 4)) throw new Error('putPixels: RGB(A) data expected');
    if (img.componentSize !== doc.depth) throw new Error(`putPixels: ${img.componentSize}-bit data into a ${doc.depth}-bit document`);
    this.mutate(doc, options.commandName ?? 'put pixels');
    const left = options.targetBounds?.left ?? 0, top = options.targetBounds?.top ?? 0;
    const data = alloc(img.width * img.height * 4, doc.depth);
    for (let i = 0; i < img.width * img.height; i++) {
      for (let c = 0; c < 3; c++) data[i * 4 + c] = img.data[i * img.components + c];
      data[i * 4 + 3] = img.components === 4 ? img.data[i * 4 + 3] : fullValue(doc.depth);
    }
    if (options.replace === false) throw new Error('fake: replace:false is not modelled');
    layer.pixels = { rect: { left, top, right: left + img.width, bottom: top + img.height }, data };
  };

  private putLayerMask = async (options: imaging.PutLayerMaskOptions): Promise<void> => {
    this.record('imaging.putLayerMask', [options]);
    this.maybeFail('putLayerMask');
    const doc = this.doc(options.documentID);
    const layer = this.targetLayer(doc, options.layerID);
    const img = options.imageData as FakeImageData;
    if (img.disposed) throw new Error('putLayerMask: image data was disposed');
    if (img.components !== 1 || img.colorSpace !== 'Grayscale') throw new Error('putLayerMask: one grayscale component expected');
    this.mutate(doc, options.commandName ?? 'put layer mask');
    const left = options.targetBounds?.left ?? 0, top = options.targetBounds?.top ?? 0;
    layer.mask = { rect: { left, top, right: left + img.width, bottom: top + img.height }, data: img.data.slice() };
  };

  private getSelection = async (options: imaging.GetSelectionOptions): Promise<imaging.GetSelectionResult> => {
    this.record('imaging.getSelection', [options]);
    const doc = this.doc(options.documentID);
    if (!doc.selectionMask) throw new Error('no selection');
    const r = options.sourceBounds ?? { left: 0, top: 0, right: doc.width, bottom: doc.height };
    const w = r.right - r.left, h = r.bottom - r.top;
    const data = new Uint8Array(w * h);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data[y * w + x] = doc.selectionMask[(y + r.top) * doc.width + x + r.left];
    return { imageData: new FakeImageData(this, w, h, 1, 'Grayscale', 'Gray Gamma 2.2', data), sourceBounds: { ...r } };
  };

  private createImageDataFromBuffer = async (arrayBuffer: Uint8Array | Uint16Array | Float32Array, options: imaging.CreateImageDataFromBufferOptions): Promise<PsImageData> => {
    this.record('imaging.createImageDataFromBuffer', [{ length: arrayBuffer.length, type: arrayBuffer.constructor.name }, options]);
    if (arrayBuffer.length !== options.width * options.height * options.components) {
      throw new Error(`createImageDataFromBuffer: ${arrayBuffer.length} values for ${options.width}×${options.height}×${options.components}`);
    }
    if (options.colorSpace !== 'RGB' && options.colorSpace !== 'Grayscale') throw new Error(`fake: colour space ${options.colorSpace}`);
    return new FakeImageData(this, options.width, options.height, options.components, options.colorSpace, options.colorProfile ?? '', arrayBuffer.slice());
  };
}

// ---- uxp module -------------------------------------------------------------------------------------

class FakeFile implements UxpFile {
  constructor(
    private readonly files: Map<string, string | ArrayBuffer>,
    private readonly name: string,
  ) {}
  async read(): Promise<string | ArrayBuffer> {
    const v = this.files.get(this.name);
    if (v === undefined) throw new Error(`${this.name}: not found`);
    return v;
  }
  async write(data: string | ArrayBuffer): Promise<unknown> {
    this.files.set(this.name, data);
    return typeof data === 'string' ? data.length : data.byteLength;
  }
}

class FakeFolder implements UxpFolder {
  readonly files = new Map<string, string | ArrayBuffer>();
  async getEntry(path: string): Promise<UxpFile> {
    if (!this.files.has(path)) throw new Error(`${path}: no such entry`);
    return new FakeFile(this.files, path);
  }
  async createFile(name: string, options?: { overwrite?: boolean }): Promise<UxpFile> {
    if (this.files.has(name) && !options?.overwrite) throw new Error(`${name}: exists`);
    this.files.set(name, '');
    return new FakeFile(this.files, name);
  }
}

export class FakeUxp implements UxpApi {
  host = { name: 'photoshop', version: '26.0.0' };
  versions = { uxp: 'uxp-8.0.0' };
  readonly dataFolder = new FakeFolder();
  readonly pluginFolder = new FakeFolder();
  readonly secrets = new Map<string, Uint8Array>();
  readonly storage: UxpApi['storage'];

  constructor() {
    const secrets = this.secrets;
    this.storage = {
      localFileSystem: { getDataFolder: async () => this.dataFolder, getPluginFolder: async () => this.pluginFolder },
      formats: { utf8: Symbol('utf8'), binary: Symbol('binary') },
      secureStorage: {
        async setItem(key, value) {
          secrets.set(key, typeof value === 'string' ? new TextEncoder().encode(value) : new Uint8Array(value instanceof ArrayBuffer ? value : value.buffer));
        },
        async getItem(key) {
          return secrets.get(key) ?? null;
        },
        async removeItem(key) {
          if (!secrets.delete(key)) throw new Error('not found');
        },
      },
    };
  }
}
