// The part of the `photoshop` and `uxp` modules that UxpHost uses, as types only (no runtime import).
// `photoshop`: picked from @types/photoshop, and the real module type is checked against this surface at
// compile time (end of file), so the test fake, which implements the surface, has the real signatures.
// `uxp`: written from the UXP docs (storage/localFileSystem, formats, secureStorage), because
// @adobe/cc-ext-uxp-types lacks `storage.localFileSystem` (see README, "Host adapter").
import type { ExecuteAsModalOptions, ExecutionContext } from 'photoshop/dom/CoreModules';
import type { ElementPlacement } from 'photoshop/dom/Constants';
import type { imaging } from 'photoshop/dom/ImagingModule';
import type { PixelLayerCreateOptions } from 'photoshop/dom/types/LayerTypes';

type PhotoshopModule = typeof import('photoshop');

export type PsImageData = imaging.PhotoshopImageData;
export type PsGetPixelsOptions = imaging.GetPixelsOptions;
export type PsImaging = Pick<PhotoshopModule['imaging'], 'getPixels' | 'putPixels' | 'putLayerMask' | 'getSelection' | 'createImageDataFromBuffer'>;
export type PsCore = Pick<PhotoshopModule['core'], 'executeAsModal'>;
export type PsAction = Pick<PhotoshopModule['action'], 'batchPlay'>;
export type { ExecuteAsModalOptions, ExecutionContext, PixelLayerCreateOptions };

export interface PsRectLike {
  readonly left: number;
  readonly top: number;
  readonly right: number;
  readonly bottom: number;
}

export interface PsLayer {
  readonly id: number;
  name: string;
  visible: boolean;
  allLocked: boolean;
  /** LayerKind value, e.g. 'pixel', 'group', 'smartObject'. */
  readonly kind: string;
  /** Pixel bounds in document coordinates (may reach outside the canvas; empty when the layer is). */
  readonly bounds: PsRectLike;
  /** Child layers of a group, else null. */
  readonly layers: readonly PsLayer[] | null;
  /** 'placeBefore' puts the layer above `relativeObject`, 'placeAfter' below. */
  move(relativeObject: PsLayer, insertLocation: ElementPlacement): void;
  /** Removes the layer from its document (Photoshop 23.0+). */
  delete(): void;
}

export interface PsDocument {
  readonly id: number;
  readonly title: string;
  /** Pixels. */
  readonly width: number;
  readonly height: number;
  /** DocumentMode value, e.g. 'RGBColorMode', 'CMYKColorMode'. */
  readonly mode: string;
  /** BitsPerChannelType value, e.g. 'bitDepth8'. */
  readonly bitsPerChannel: string;
  /** Top-level layers, topmost first. */
  readonly layers: readonly PsLayer[];
  readonly selection: { readonly bounds: PsRectLike | null };
  createPixelLayer(options?: PixelLayerCreateOptions): Promise<PsLayer | null>;
}

export interface PsRgb {
  red: number;
  green: number;
  blue: number;
}

export interface PsSolidColor {
  readonly rgb: PsRgb;
}

export interface PsApp {
  readonly documents: readonly PsDocument[];
  /** Null (at run time) when no document is open, although the types say Document. */
  readonly activeDocument: PsDocument | null;
  foregroundColor: PsSolidColor;
  SolidColor: new () => PsSolidColor;
}

export interface PsApi {
  app: PsApp;
  core: PsCore;
  action: PsAction;
  imaging: PsImaging;
  constants: { ElementPlacement: { readonly PLACEBEFORE: ElementPlacement; readonly PLACEAFTER: ElementPlacement } };
}

/** A file in a UXP folder (`uxp.storage` File). */
export interface UxpFile {
  read(options?: { format?: symbol }): Promise<string | ArrayBuffer>;
  write(data: string | ArrayBuffer, options?: { format?: symbol; append?: boolean }): Promise<unknown>;
}

export interface UxpFolder {
  /** Rejects when the entry does not exist. */
  getEntry(path: string): Promise<UxpFile>;
  createFile(name: string, options?: { overwrite?: boolean }): Promise<UxpFile>;
}

export interface UxpApi {
  /** `require('uxp').host`: the application, e.g. { name: 'photoshop', version: '26.0.0' }. */
  host: { readonly name: string; readonly version: string };
  /** `require('uxp').versions`: e.g. { uxp: 'uxp-8.0.0' }. */
  versions: { readonly uxp: string };
  storage: {
    localFileSystem: { getDataFolder(): Promise<UxpFolder>; getPluginFolder(): Promise<UxpFolder> };
    formats: { utf8: symbol; binary: symbol };
    secureStorage: {
      setItem(key: string, value: string | ArrayBuffer | Uint8Array): Promise<void>;
      getItem(key: string): Promise<Uint8Array | null | undefined>;
      removeItem(key: string): Promise<void>;
    };
  };
}

// Compile-time check: the real `photoshop` module (as @types/photoshop declares it) fits this surface.
// If a signature above drifts from the real one, `npm run typecheck` fails here.
type Fits<A, B> = [A] extends [B] ? true : false;
type Assert<T extends true> = T;
export type PhotoshopModuleFitsSurface = Assert<Fits<PhotoshopModule, PsApi>>;
// The modal context our fake hands out must be a real ExecutionContext (checked in the fake itself).
export type ModalCallback<T> = (executionContext: ExecutionContext, descriptor?: object) => Promise<T>;
export type ModalOptions = ExecuteAsModalOptions;
