// The Host interface: everything the panel needs from Photoshop, in plain data. Implementations:
// UxpHost (Photoshop, the only importer of `photoshop`/`uxp`) and BrowserHost (playground and tests).
// They are built by the panel issue; this file fixes the contract the panel codes against.
import { Bounds, LabelMap, RgbaImage } from '../layout';

export interface DocumentInfo {
  id: number;
  title: string;
  width: number;
  height: number;
  /** 'RGB' is supported; other modes are refused with a message saying how to convert. */
  mode: string;
  bitsPerChannel: 8 | 16 | 32;
}

export interface LayerRef {
  documentId: number;
  layerId: number;
  name: string;
}

export interface ResultLayer {
  name: string;
  image: RgbaImage;
  /** Layer mask, 0..255 per pixel, document size. */
  mask: Uint8Array;
  bounds: Bounds;
}

export interface Host {
  listDocuments(): Promise<DocumentInfo[]>;
  activeDocument(): Promise<DocumentInfo | null>;
  /** The document composite (or a layer), padded to document bounds, 8-bit RGBA. */
  readImage(documentId: number, layer?: LayerRef): Promise<RgbaImage>;
  /** The label layer at full resolution, without colour conversion; null when the document has none. */
  readLabelLayer(documentId: number): Promise<RgbaImage | null>;
  readOriginalLayout(documentId: number): Promise<LabelMap | null>;
  setForegroundColor(rgb: readonly [number, number, number]): Promise<void>;
  /** Writes result layers in one modal scope and one undo step. */
  writeResults(documentId: number, layers: ResultLayer[], opts?: { signal?: AbortSignal }): Promise<LayerRef[]>;
}
