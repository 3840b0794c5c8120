// The Host interface: everything the panel needs from Photoshop, in plain data. Implementations:
// UxpHost (Photoshop, the only importer of `photoshop`/`uxp`) and BrowserHost (playground and tests).
// Imports only src/layout types; never React, the engine or a platform API.
import { Bounds, RgbaImage } from '../layout';

export type BitDepth = 1 | 8 | 16 | 32;

export interface DocumentInfo {
  id: number;
  title: string;
  width: number;
  height: number;
  /** Photoshop's mode name: 'RGB', 'CMYK', 'Lab', 'Indexed', 'Grayscale', … Only 'RGB' is supported. */
  mode: string;
  bitsPerChannel: BitDepth;
  /** RGB at 8, 16 or 32 bits per channel; anything else is refused with a message saying how to convert. */
  supported: boolean;
  hasLabelLayer: boolean;
  hasOriginalLayout: boolean;
}

export interface LayerRef {
  documentId: number;
  layerId: number;
  name: string;
}

/** One generated result, written as a new masked layer. */
export interface ResultLayer {
  /** Classes the edit paints, most pixels first; they name the layer (`Relayout 1 — sky, water`). */
  classNames: string[];
  /** The generated image, document size, 8-bit RGBA. */
  image: RgbaImage;
  /** The layer mask, document size, 0..255 per pixel (0 = hidden). */
  mask: Uint8Array;
  /** Where the mask is non-zero; pixels outside are neither written nor shown. */
  bounds: Bounds;
}

/** What the platform offers the engine. */
export interface HostEnvironment {
  /** 'photoshop' or 'browser'. */
  app: string;
  /** Photoshop's version ("26.0.0"), or the browser's user agent. */
  version: string;
  /** UXP's version ("uxp-8.0.0"); empty in a browser. */
  uxpVersion: string;
  /** True when a hidden webview can load the plugin's own engine page (UXP 8.0, Photoshop 26.0+). */
  localWebview: boolean;
}

export interface WriteOptions {
  signal?: AbortSignal;
}

export interface WriteLabelOptions extends WriteOptions {
  /**
   * Pixels worth checking (non-zero = yes), document size: shown as the translucent magenta layer
   * `CHECK_LAYER_NAME` above the label layer, in the same undo step. An earlier check layer is removed
   * either way: it described labels that are now replaced.
   */
  checkHere?: Uint8Array;
}

export interface Host {
  /** 'photoshop' or 'browser': lets the panel word its hints (e.g. "use the pencil"). */
  readonly kind: 'photoshop' | 'browser';
  listDocuments(): Promise<DocumentInfo[]>;
  activeDocument(): Promise<DocumentInfo | null>;
  /**
   * The photo: the document composite without Relayout's own layers (label layer, original layout,
   * results), padded to document bounds, 8-bit RGBA. Refuses unsupported modes with a HostError.
   */
  readPhoto(documentId: number): Promise<RgbaImage>;
  /** The label layer at full resolution, without colour conversion, padded; null when there is none. */
  readLabelLayer(documentId: number): Promise<RgbaImage | null>;
  /** The stored original layout (label colours), document size; null when none was marked. */
  readOriginalLayout(documentId: number): Promise<RgbaImage | null>;
  /** The active selection as 0/1 per pixel (document size), or null when nothing is selected. */
  readSelection(documentId: number): Promise<Uint8Array | null>;
  /** Adds the empty label layer above the photo (or returns the existing one). One undo step. */
  createLabelLayer(documentId: number): Promise<LayerRef>;
  /** Stores the label layer's current pixels as the original layout, in a hidden locked layer. One undo step. */
  markOriginalLayout(documentId: number): Promise<void>;
  /** Puts the stored original layout back into the label layer (removing the check layer). One undo step. */
  resetLabelLayer(documentId: number): Promise<void>;
  /**
   * Replaces the label layer's pixels with `image` (document size, label colours; e.g. a completed
   * layout), with the check layer of `opts.checkHere`, as one undo step; the label layer stays the
   * active layer. On error or cancellation nothing is written.
   */
  writeLabelLayer(documentId: number, image: RgbaImage, opts?: WriteLabelOptions): Promise<void>;
  /** Makes the next strokes carry an exact class colour: foreground colour plus a hard-edged (pencil) tool. */
  pickPaintColor(rgb: readonly [number, number, number]): Promise<void>;
  /**
   * Writes every result as a new masked layer named after its classes, in one modal scope and one undo
   * step. On error or cancellation nothing is written (the history step is rolled back).
   */
  writeResults(documentId: number, layers: ResultLayer[], opts?: WriteOptions): Promise<LayerRef[]>;
  /** Bytes of a file shipped with the plugin, by relative path (e.g. 'models/warp/model.onnx'). */
  readPluginFile(path: string): Promise<Uint8Array>;
  environment(): Promise<HostEnvironment>;
  /** Panel settings (JSON-compatible), or null when none were saved. */
  loadSettings(): Promise<unknown>;
  saveSettings(value: unknown): Promise<void>;
  /** Secrets (remote tokens) live apart from settings; null removes. */
  readSecret(key: string): Promise<string | null>;
  writeSecret(key: string, value: string | null): Promise<void>;
}
