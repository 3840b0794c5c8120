// The serialisable description of one edit: everything that affects the output. Pure data.
import { EditMaskOptions, LabelMap, RgbaImage } from '../layout';

/** A style source besides the photo: another image with its own (full or sparse) layout. */
export interface ReferenceSource {
  image: RgbaImage;
  layout: LabelMap;
}

export interface RelayoutJob {
  /** The photo, RGBA 8-bit. */
  image: RgbaImage;
  /** Layout of the photo as it was when editing began (same size as `image`). */
  original: LabelMap;
  /** The layout the output must follow (same size as `image`). */
  edited: LabelMap;
  /** Optional explicit region to regenerate (selection / --mask), 0/1 per pixel. */
  extraMask?: Uint8Array;
  references: ReferenceSource[];
  /** Seed for every random choice; the same job and seed give the same output. */
  seed: number;
  maskOptions?: EditMaskOptions;
  /**
   * How fine the search goes on wide edits: 'fine' searches one pyramid level finer than 'standard'
   * where standard's pixel budget stops it (see DETAIL_SEARCH_SCALE in engine.ts). Default 'standard'.
   */
  detail?: Detail;
  /**
   * What a reference lends looks like: 'matched' (default) moves its colours halfway towards this photo's
   * light, fitted on the classes both hold (src/inference/reference-light.ts); 'own' keeps them as they are,
   * for a reference picked for its look.
   */
  referenceLook?: ReferenceLook;
}

export type Detail = 'standard' | 'fine';

export const DETAILS: readonly Detail[] = ['standard', 'fine'];

export type ReferenceLook = 'matched' | 'own';

export const REFERENCE_LOOKS: readonly ReferenceLook[] = ['matched', 'own'];
