// The sparse-attention engine: prepares pyramids on the host (pure typed arrays) and runs the stage graphs
// coarse to fine: context → features → coarse dense attention → PatchMatch refinement per level → warp →
// harmonize. Imports src/layout and the Runner interface only.
import {
  Bounds,
  CancelledError,
  ClassMissingError,
  classNameOf,
  computeEditMask,
  EditMaskResult,
  InputError,
  isRelabelled,
  Palette,
  prng,
  RgbaImage,
  sameSize,
  SizeMismatchError,
  squaredDistanceTransform,
} from '../layout';
import { Detail, RelayoutJob } from './job';
import { compositeKnown, cropPlane, downsample2, downsample2ByLabel, nearestPixels, PixelWindow, Plane, plane, resizeBilinear, sampleNearest, UNIT } from './planes';
import { Atlas, atlasPositions, buildAtlas, positionTrust, targetPositions } from './atlas';
import { classMeanColours, sameClassColour } from './colour-guess';
import { matchBorderColours } from './border-colour';
import { addSeamOffsets, blendableLabels, classTones, SeamLevel, seamBlendable, seamOffsets, thinlySourced } from './seam-blend';
import { applyCoreTones, CoreTone, coreTones, depthBelowBorder, toneAtlas } from './core-tone';
import { mappedX, mappedY, ObjectMap, resampleObjects } from './object-map';
import { fillFromClass, unusablePixels } from './label-fallback';
import { classTexture, coherentShifts, DEFAULT_SHIFT_MAP_PARAMS, isShifted } from './shift-map';
import { FloatTensor, Runner, tensor } from './tensor';
import { BandParticles, bandWindow, shiftParticles, Window, windowArea, windowOf } from './warp-window';

export interface EngineParams {
  /** Softmax temperature of the warp: large keeps texture sharp (≈ pick the best candidate). */
  gamma: number;
  /** Weight of coherence with the lower-level synthesis when scoring warp candidates. */
  beta: number;
  /** Coarse-level radius (px) in which a hole's colour is guessed from known pixels of its own class. */
  colourRadius: number;
  /** Trust in the class's mean colour where no such pixel is near (0 = colour does not steer the match). */
  classColourTrust: number;
  /** Score bonus (at full agreement) for a match that continues the neighbours' displacement. */
  coherence: number;
  /** Score penalty for copying from a source pixel of another class. */
  labelPenalty: number;
  /** Feature weights: colour, context colour, class, label context, y, x. */
  featureWeights: [number, number, number, number, number, number];
  /** Most source locations attended densely at the coarse level. */
  coarseTokens: number;
  /** Most target pixels searched at the finest PatchMatch level (larger edits stop searching earlier). */
  searchPixels: number;
  /**
   * Scale of seeded noise on coarse scores (how much seeds vary the result). Small: the scores are
   * cosine similarities of normalised features, in which two shades of one class differ by about
   * 0.001, so noise of 0.1 (the old default) chose among a class's locations at random, and a hole in a
   * smooth lake came back as blotches copied from other heights of its gradient.
   */
  noiseScale: number;
  /** Random-search window at the first iteration of each level (level px) and its decay per iteration. */
  window0: number;
  windowDecay: number;
  /**
   * Depth (px) of the band on the mask's inner border where regenerated (not re-labelled) pixels fade into
   * the smooth continuation of the untouched ones, so copied texture does not end in a step. 0 = none.
   */
  seamPx: number;
  /**
   * Coherent shifts at the coarse level (src/inference/shift-map.ts): the most displacements proposed for
   * a textured hole; 0 turns them off, and every location keeps its own best matches, which deep in a
   * large hole of gravel or forest are all the same source (a lattice of one repeated tile).
   */
  shiftLabels: number;
  /** Cost of a change of displacement between neighbouring coarse locations. */
  shiftCoherence: number;
  /** Weight of the seam cost: how differently two displacements colour a pair (squared RGB, 0..1 units). */
  shiftSeam: number;
  /**
   * Mean luma gradient (levels per pixel) from which a class counts as textured. Smoother classes (skies,
   * calm or rippled water) keep their own matches: a repeated smooth patch does not show, and coherent
   * copies of a lake's golden and blue parts came back as a patchwork.
   */
  shiftTexture: number;
  /** Weight of the colour guide in choosing shifts (squared RGB distance, 0..1 units). */
  shiftColour: number;
  /** Grid (coarse level px) the proposed shifts are rounded to, where they stay on their source (ShiftMapParams.quantum). */
  shiftQuantum: number;
  /**
   * Whether each class's colour offset from its own known pixels across the mask border is spread over
   * its fill before harmonize (src/inference/border-colour.ts); harmonize alone corrects small offsets
   * only, since across a border between two classes a difference is content.
   */
  borderColour: boolean;
  /**
   * Whether the tone jumps between neighbouring copies of one class inside the fill are blended away
   * (src/inference/seam-blend.ts), for smooth classes (`seamBlendable`): a lake refilled from golden and
   * blue parts of itself came back as tinted blocks. A class copied many times over from a thin band onto
   * new ground is left alone: its measured jumps blotched hill-below's new hills.
   */
  seamBlend: boolean;
  /**
   * A reference's pixels within this many px of another class of its layout take the colour of their
   * class's pixels just inside: their own colour is partly that neighbour's (the evening-glow ridge's top
   * pixels are half sunset), which in this photo borders something else (the kite photo's new hills came
   * with a golden rim under a blue sky). The photo's own pixels stay: their neighbours are the same scene's.
   */
  referenceEdgePx: number;
  /**
   * How fully a reference's pixels take the photo's light (0 = their own, 1 = fully; a job whose
   * referenceLook is 'own' keeps them at 0): the map between the
   * two scenes' light is fitted on the classes both hold (src/inference/reference-light.ts). Hills from
   * a sunset were an olive-grey cut-out under the kite photo's midday sky and in summer-night's violet
   * dusk. Half: a shared sky's colours differ by more than the light on the ground does (fully, the hills
   * took the sky's own navy and lavender and all but vanished into it).
   */
  referenceLight: number;
  /**
   * Whether regenerated pixels that the full-resolution warp had no copy of their own class for (a block
   * straddling a new ridge, all of whose candidates land on the source's sky) take their class's colour
   * nearby instead (src/inference/label-fallback.ts).
   */
  labelFallback: boolean;
  /**
   * Whether target pixels the edit re-labelled describe their label context as the interior of their new
   * class. Their 9×9 label context otherwise reads the edit's new borders, and they match the source
   * pixels along a border of the same two classes: new water below a removed boat row came back with the
   * shore's golden rim, and new hills with the rim of sky-lit trees along the original ridge.
   */
  interiorContext: boolean;
  /**
   * Whether a smooth class copied from a thin band (fewer valid sources than half its regenerated
   * locations at the finest searched level) that the edit gives new ground keeps only its copies' fine
   * detail, over the colour deep inside its source regions (src/inference/core-tone.ts): raised hills
   * copied from a narrow ridge came back as horizontal bricks in a grey-brown mean of the ridge and glow.
   */
  coreTone: boolean;
  /**
   * Whether the pixels of an object moved or resized as a whole (object maps) are resampled from the
   * source at their mapped position at full resolution (src/inference/object-map.ts) instead of copied
   * block by block at 1 : 1: a kite made twice as big had diagonal streaks inside its panels.
   */
  resampleObjects: boolean;
  /**
   * Whether classes whose rows explain most of their colour in the coarse crop (a sky's gradient, a calm
   * lake's bands of reflection; src/inference/row-grading.ts) take their coarse guess's near colour from
   * their own row only, and have their border colours measured less their colour row by row.
   */
  rowGraded: boolean;
  /**
   * Most full-resolution pixels warped in one call: bounds the warp's intermediates in the WASM heap
   * (which never shrinks). The result does not depend on it: each band overlaps its neighbours by a row of particle blocks.
   */
  warpBandPixels: number;
}

export const DEFAULT_ENGINE_PARAMS: EngineParams = {
  gamma: 20,
  beta: 0,
  coherence: 0.1,
  colourRadius: 2,
  classColourTrust: 1,
  labelPenalty: 4,
  featureWeights: [1, 0.4, 0.5, 2, 0.6, 0.3],
  coarseTokens: 4096,
  searchPixels: 40_000,
  noiseScale: 0.001,
  window0: 6,
  windowDecay: 0.5,
  seamPx: 5,
  shiftLabels: DEFAULT_SHIFT_MAP_PARAMS.labels,
  shiftCoherence: DEFAULT_SHIFT_MAP_PARAMS.coherence,
  shiftSeam: DEFAULT_SHIFT_MAP_PARAMS.seam,
  shiftTexture: DEFAULT_SHIFT_MAP_PARAMS.textureThreshold,
  shiftColour: DEFAULT_SHIFT_MAP_PARAMS.colour,
  shiftQuantum: DEFAULT_SHIFT_MAP_PARAMS.quantum,
  borderColour: true,
  seamBlend: true,
  referenceEdgePx: 3,
  referenceLight: 0.5,
  labelFallback: true,
  interiorContext: true,
  coreTone: true,
  resampleObjects: true,
  rowGraded: true,
  warpBandPixels: 1 << 19,
};

/**
 * The PatchMatch pixel budget (`searchPixels`) is multiplied by this for each `RelayoutJob.detail`. Each
 * finer level has four times the pixels, so 'fine' searches one level more where standard's budget stops
 * the descent: a wide edit (raising hills across the photo, removing a row of boats) is searched at half
 * instead of quarter resolution, so shores and ridges come without 4 px steps and blocks, at about 40 %
 * more time on such edits. Edits small enough to reach full resolution anyway are unchanged.
 */
export const DETAIL_SEARCH_SCALE: Readonly<Record<Detail, number>> = { standard: 1, fine: 4 };

export type ProgressEvent =
  | { type: 'load'; stageId: string; fraction: number }
  | { type: 'stage'; stageId: string; fraction: number; level?: number };

export interface EngineOptions {
  signal?: AbortSignal;
  onProgress?: (e: ProgressEvent) => void;
  params?: Partial<EngineParams>;
}

export interface EngineResult {
  image: RgbaImage;
  mask: EditMaskResult;
  unchanged: boolean;
  timings: Record<string, number>;
  levels: number[];
}

/** Distance (px) from re-labelled pixels beyond which a dilation-band pixel's own colour guides the search. */
const BAND_GUIDE_PX = 32;
/** Margin (level pixels) around the mask's box searched at every level finer than the coarsest. */
const LEVEL_MARGIN = 12;
/** Score margin by which an object's map beats the best match found for it at each level. */
const MAP_MARGIN = 0.25;


/** What the search and full-resolution warp hand to refinement: the box they regenerated, ready for harmonize. */
interface BoxSynthesis {
  /** The box in photo pixels. */
  box: { x0: number; y0: number; w: number; h: number };
  /** Warped colours over the box, with the corrections that need the sources applied (3ch). */
  warped: Plane;
  /** The photo's colours over the box (3ch) and where they guide (1 = known, 1ch). */
  photo: Plane;
  known: Plane;
  /** 1 per box pixel that is regenerated. */
  regen: Uint8Array;
  /** The pyramid's levels, full resolution (1) last when it was warped separately. */
  levels: number[];
}


/** A rectangle of the photo in full-resolution pixels, x1 and y1 exclusive. */
interface Rect {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** Particles [M, 2, H, W] cropped by a plane crop (as M·2 channels). */
function cropParticles(particles: FloatTensor, crop: (pl: Plane) => Plane): FloatTensor {
  const [M, , h, w] = particles.dims;
  const out = crop({ width: w, height: h, channels: M * 2, data: particles.data });
  return tensor(out.data, [M, 2, out.height, out.width]);
}

function checkCancel(signal?: AbortSignal): void {
  if (signal?.aborted) throw new CancelledError();
}

/** Runs the engine on one job. Pixels outside the mask are copied bit for bit from the input. */
export async function runEngine(job: RelayoutJob, palette: Palette, runner: Runner, opts: EngineOptions = {}): Promise<EngineResult> {
  const merged: EngineParams = { ...DEFAULT_ENGINE_PARAMS, ...opts.params };
  const p: EngineParams = { ...merged, searchPixels: merged.searchPixels * DETAIL_SEARCH_SCALE[job.detail ?? 'standard'] };
  const timings: Record<string, number> = {};
  let t = Date.now();
  const lap = (name: string): void => {
    const now = Date.now();
    timings[name] = (timings[name] ?? 0) + now - t;
    t = now;
  };
  const { image, original, edited } = job;
  if (!sameSize(image, original)) throw new SizeMismatchError('photo and original layout', image, original);
  if (!sameSize(image, edited)) throw new SizeMismatchError('photo and edited layout', image, edited);
  const mask = computeEditMask(original, edited, { ...job.maskOptions, extra: job.extraMask });
  lap('mask');
  if (!mask.bounds) return { image, mask, unchanged: true, timings, levels: [] };
  const b = mask.bounds;
  checkCancel(opts.signal);

  const W = image.width, H = image.height, n = W * H;
  // Every photo pixel may be copied under its original label, even where the layout changed (moving an
  // object copies its own pixels); only an explicit region to regenerate (selection / --mask) is off limits.
  const { inPhoto, painted, firstMasked, order, anyValid } = scanClasses(original.labels, edited.labels, mask.mask, mask.bounds, W, job.extraMask);
  if (!anyValid && !job.references.length) {
    throw new InputError('The mask covers the whole image and no reference image was given: there is no style to copy from. Add a reference image.');
  }
  const refClasses = job.references.map((r) => {
    if (!sameSize(r.image, r.layout)) throw new SizeMismatchError('reference image and its layout', r.image, r.layout);
    return classesInOrder(r.layout.labels);
  });
  // Compact class ids shared by every source and the target, in the order the scan met them (references
  // after): the class embeddings follow the ids, so the order is part of the result.
  const compact = new Uint8Array(256);
  let K = 0;
  for (const l of order.concat(...refClasses)) if (l && !compact[l]) compact[l] = ++K;

  // Which classes can be copied from somewhere valid? A reference supplies those the photo lacks and
  // those the edit paints.
  const available = inPhoto.slice();
  const fromReference = new Uint8Array(256);
  for (let l = 0; l < 256; l++) fromReference[l] = !inPhoto[l] || painted[l] ? 1 : 0;
  for (const classes of refClasses) for (const l of classes) available[l] = 1;
  const missing: number[] = [];
  for (let l = 1; l < 256; l++) if (firstMasked[l] && !available[l]) missing.push(l);
  missing.sort((a, b) => firstMasked[a] - firstMasked[b]);
  if (missing.length) throw new ClassMissingError(missing.map((l) => classNameOf(palette, l)));

  const run = async (stage: string, feeds: Record<string, FloatTensor>, fraction: number, level?: number): Promise<Record<string, FloatTensor>> => {
    checkCancel(opts.signal);
    opts.onProgress?.({ type: 'stage', stageId: stage, fraction, level });
    // Host work since the last lap is preparation: a stage's time is its graph's alone.
    lap('prepare');
    const out = await runner.run(stage, feeds);
    lap(stage);
    return out;
  };
  const T = (pl: Plane): FloatTensor => tensor(pl.data, [1, pl.channels, pl.height, pl.width]);

  // Search and full-resolution warp in a function of their own: the atlas, its pyramids and the level
  // planes (about 600 MB at 16 MP) are garbage once it returns, before refinement allocates its planes.
  const synthesise = async (): Promise<BoxSynthesis> => {
    const originalStats = classStats(job.original.labels, W, H), editedStats = classStats(edited.labels, W, H);
    const refStats = job.references.map((r) => classStats(r.layout.labels, r.layout.width, r.layout.height));
    const originalBoxes = originalStats.boxes, editedBoxes = editedStats.boxes;
    const atlas = buildAtlas(job, compact, [originalBoxes, ...refStats.map((r) => r.boxes)], fromReference, p.referenceEdgePx, job.referenceLook === 'own' ? 0 : p.referenceLight);

    // Pyramid plan: dense attention over the crop where the atlas has ≤ coarseTokens locations; PatchMatch
    // levels over shrinking rectangles (below) while they have ≤ searchPixels pixels; then the
    // full-resolution warp.
    let fc = 1;
    while (Math.ceil(atlas.width / fc) * Math.ceil(atlas.height / fc) > p.coarseTokens) fc *= 2;
    const side = Math.max(b.x1 - b.x0, b.y1 - b.y0);
    const margin = Math.max(48, Math.round(0.2 * side));
    const x0 = Math.max(0, Math.floor((b.x0 - margin) / fc) * fc);
    const y0 = Math.max(0, Math.floor((b.y0 - margin) / fc) * fc);
    const x1 = Math.min(W, Math.ceil((b.x1 + margin) / fc) * fc);
    const y1 = Math.min(H, Math.ceil((b.y1 + margin) / fc) * fc);
    const cw = x1 - x0, ch = y1 - y0;
    // The coarsest level searches the whole crop (its margin is the dense attention's context); each finer
    // level only the mask's box plus LEVEL_MARGIN level pixels, inside its parent's rectangle and on the
    // parent's grid, since pixels outside the mask only keep their own colour. Levels go down while the
    // next rectangle has ≤ searchPixels level pixels: a wide edit then still reaches a fine level, where
    // jumping from 8 px particles straight to full resolution stacked copies in terraces and blocks.
    const rects = new Map<number, Rect>([[fc, { x0, y0, x1, y1 }]]);
    const levels: number[] = [fc];
    for (let f = fc / 2; f >= 1; f /= 2) {
      const parent = rects.get(2 * f)!, m = LEVEL_MARGIN * f, g = 2 * f;
      const r: Rect = {
        x0: Math.max(parent.x0, Math.floor((b.x0 - m) / g) * g),
        y0: Math.max(parent.y0, Math.floor((b.y0 - m) / g) * g),
        x1: Math.min(parent.x1, Math.ceil((b.x1 + m) / g) * g),
        y1: Math.min(parent.y1, Math.ceil((b.y1 + m) / g) * g),
      };
      if (Math.ceil((r.x1 - r.x0) / f) * Math.ceil((r.y1 - r.y0) / f) > p.searchPixels) break;
      rects.set(f, r);
      levels.push(f);
    }
    const fs = levels[levels.length - 1];

    // Atlas pyramids by repeated 2× reduction, colour and validity by class: a coarse pixel is made of the
    // pixels of its own class only, so a thin class (a distant ridge under a bright sky) keeps its colour
    // at coarse levels instead of a blend with its neighbour, which the finer levels would then reproduce
    // as a glowing band along every copied ridge; and it is a valid source when its own class's pixels
    // are (a reference's ridge stays copyable when the sky around it is not).
    const imgPyr = new Map<number, Plane>([[1, atlas.image]]);
    const validPyr = new Map<number, Plane>([[1, atlas.valid]]);
    const labelPyr = new Map<number, Plane>([[1, atlas.labels]]);
    // Target pixels whose colour guides the search: everything outside the mask, and the part of the
    // dilation band that keeps its class and lies more than BAND_GUIDE_PX from any pixel re-labelled from
    // another class (unless the user asked to regenerate it). Nearer, the band holds the fringe of whatever was removed
    // (and, where a label layer is painted loosely, parts of the object itself), which must not be
    // reproduced; farther, its own colours keep a wide regenerated band consistent with the photo
    // (raising hills regenerates 128 px of sky around them, which came back as a patchwork of blocks
    // copied from anywhere in the sky). At 12 px the path that lies outside its polygon came back as a
    // ghost in remove-path; at 32 px it does not.
    const guideKnown = bandGuide(job, edited.labels, mask.mask, W, x0, y0, cw, ch);
    const guideKnownPyr = new Map<number, Plane>([[1, guideKnown]]);
    for (let f = 2; f <= fc; f *= 2) {
      const [lw, lh] = [Math.ceil(atlas.width / f), Math.ceil(atlas.height / f)];
      labelPyr.set(f, sampleNearest(atlas.labels, lw, lh));
      imgPyr.set(f, downsample2ByLabel(imgPyr.get(f / 2)!, labelPyr.get(f / 2)!, labelPyr.get(f)!));
      validPyr.set(f, downsample2ByLabel(validPyr.get(f / 2)!, labelPyr.get(f / 2)!, labelPyr.get(f)!, 'min'));
      guideKnownPyr.set(f, downsample2(guideKnownPyr.get(f / 2)!, 'min'));
    }
    const levelSize = (f: number): [number, number] => [Math.ceil(atlas.width / f), Math.ceil(atlas.height / f)];
    // A level's rectangle in level pixels of the atlas: [x, y, width, height].
    const cropAt = (f: number): [number, number, number, number] => {
      const r = rects.get(f)!;
      return [r.x0 / f, r.y0 / f, Math.ceil(r.x1 / f) - r.x0 / f, Math.ceil(r.y1 / f) - r.y0 / f];
    };
    // Level f's rectangle as a window of the photo (full-resolution pixels).
    const levelWindow = (f: number): PixelWindow => {
      const r = rects.get(f)!;
      return { x0: r.x0, y0: r.y0, w: r.x1 - r.x0, h: r.y1 - r.y0 };
    };
    // A value of every photo pixel (by its index), sampled to level f's pixels over its rectangle.
    const atLevel = (f: number, tw: number, th: number, value: (i: number) => number): Plane => {
      const out = plane(tw, th, 1);
      const { rows, cols } = nearestPixels(levelWindow(f), tw, th);
      for (let y = 0; y < th; y++) for (let x = 0; x < tw; x++) out.data[y * tw + x] = value(rows[y] * W + cols[x]);
      return out;
    };
    const compactEdited = (i: number): number => compact[edited.labels[i]];
    const relabelledAt = (i: number): number => (isRelabelled(original.labels, edited.labels, i) ? 1 : 0);
    const trust = positionTrust(originalBoxes, editedBoxes, W, H, compact);
    const classTable = classEmbeddings(K);
    const weights = tensor(Float32Array.from(p.featureWeights), [6]);
    const rand = prng(job.seed >>> 0);

    // Context colour at the coarse level (holes filled by push-pull, blurred).
    const [cW, cH] = levelSize(fc);
    const ctxCoarse = (await run('context', { image: T(imgPyr.get(fc)!), known: T(validPyr.get(fc)!) }, 0.02)).context;
    const contextC: Plane = { width: cW, height: cH, channels: 3, data: ctxCoarse.data };

    let particles: FloatTensor | null = null;
    let scores: FloatTensor | null = null;
    let warped: Plane | null = null;
    let prevF = 0;
    let finest: SeamLevel | null = null;
    let thin: number[] = [];
    // Classes whose rows explain their colour in the coarse crop (with rowGraded on): guessed and matched along rows.
    let rowGraded = new Set<number>();
    const maps = objectMaps(job, compact, originalStats, editedStats, refStats, inPhoto, atlas.offsets);
    // Per class, how textured it is (which hole locations coherent shifts label); an object with a map is
    // copied by its map instead.
    const texture = p.shiftLabels > 0 ? classTexture(atlas.image, atlas.labels, atlas.valid, K) : null;
    if (texture) for (const c of maps.keys()) texture[c] = 0;
    for (let li = 0; li < levels.length; li++) {
      const f = levels[li];
      const [lw, lh] = levelSize(f);
      const [tx, ty, tw, th] = cropAt(f);
      const context = f === fc ? contextC : resizeBilinear(contextC, lw, lh);
      const valid = validPyr.get(f)!;
      const srcImg = compositeKnown(imgPyr.get(f)!, context, valid);
      const labels = labelPyr.get(f)!;
      const pos = atlasPositions(atlas, trust, lw, lh);
      const known = cropPlane(guideKnownPyr.get(f)!, tx - x0 / f, ty - y0 / f, tw, th);
      const base = compositeKnown(cropPlane(imgPyr.get(f)!, tx, ty, tw, th), cropPlane(context, tx, ty, tw, th), known);
      const tgtLabels = atLevel(f, tw, th, compactEdited);
      // The parent level's planes over this level's rectangle (which lies on the parent's grid).
      const fromParent = (pl: Plane): Plane => {
        const [px, py, pw, ph] = cropAt(2 * f);
        const ox = tx / 2 - px, oy = ty / 2 - py;
        return cropPlane(pl, ox, oy, Math.min(Math.ceil(tw / 2), pw - ox), Math.min(Math.ceil(th / 2), ph - oy));
      };
      // At the coarsest level a hole's colour is guessed from nearby known pixels of its own class; where
      // there are none (a kite inserted into sky) the colour must not steer the match, or the kite would be
      // copied from its sky-blue part. Finer levels trust the synthesis so far.
      const coarseGuess = warped ? null : sameClassColour(base, known, tgtLabels, p.colourRadius, withoutMapped(classMeanColours(srcImg, labels, valid, K), maps), p.classColourTrust, p.rowGraded);
      if (coarseGuess) rowGraded = coarseGuess.rowGraded;
      const guide = warped ? compositeKnown(base, resizeBilinear(fromParent(warped), tw, th), known) : coarseGuess!.colour;
      const tgtColourWeight = coarseGuess ? coarseGuess.trust : plane(tw, th, 1, 1);
      const tgtPos = targetPositions(edited.labels, editedBoxes, W, H, compact, trust, levelWindow(f), tw, th);
      const home = homeMap(tx, ty, tw, th);
      const frac = 0.05 + (0.7 * li) / levels.length;
      const srcFeat = (await run('features', { image: T(srcImg), context: T(context), labels: T(labels), classTable: classTable, pos: T(pos), weights, colourWeight: T(plane(lw, lh, 1, 1)) }, frac, f)).features;
      const tgtFeeds = { image: T(guide), context: T(cropPlane(context, tx, ty, tw, th)), labels: T(tgtLabels), classTable, pos: T(tgtPos), weights, colourWeight: T(tgtColourWeight) };
      let tgtFeat = (await run('features', tgtFeeds, frac, f)).features;
      // The classes the edit gives new ground here, and where.
      const relabelledHere = atLevel(f, tw, th, relabelledAt);
      const grown = classesWhere(tgtLabels, relabelledHere);
      if (p.interiorContext && grown.length) {
        // Re-labelled pixels of class c take the features computed as if the whole crop were c.
        const spliced = tgtFeat.data.slice();
        for (const c of grown) {
          const interior = (await run('features', { ...tgtFeeds, labels: T(plane(tw, th, 1, c)) }, frac, f)).features;
          spliceFeatures(spliced, interior.data, tgtLabels, relabelledHere, c);
        }
        tgtFeat = tensor(spliced, tgtFeat.dims);
      }
      let found: Record<string, FloatTensor>;
      if (!particles) {
        const noise: Plane = { width: lw, height: lh, channels: 1, data: uniformNoise(lw * lh, rand, 0, 1) };
        found = await run('coarse-attention', {
          tgtFeatures: tgtFeat, srcFeatures: srcFeat, tgtLabels: T(tgtLabels), srcLabels: T(labels), srcValid: T(valid),
          srcNoise: T(noise), tgtHome: T(home), params: tensor(Float32Array.from([p.labelPenalty, p.noiseScale]), [2]),
        }, frac, f);
        if (texture) {
          const shifted = coherentShifts({
            particles: found.particles, scores: found.scores, tgtFeatures: tgtFeat, srcFeatures: srcFeat, tgtLabels, srcLabels: labels,
            srcValid: valid, srcImage: srcImg, known, guide, guideTrust: tgtColourWeight, x0: tx, y0: ty, texture, rand,
            params: { labels: p.shiftLabels, coherence: p.shiftCoherence, seam: p.shiftSeam, textureThreshold: p.shiftTexture, colour: p.shiftColour, quantum: p.shiftQuantum },
          });
          found = { ...found, particles: shifted.particles, scores: shifted.scores };
          lap('shift-map');
        }
      } else {
        const noise = uniformNoise(2 * 3 * 2 * tw * th, rand, -1, 1);
        found = await run('refine-level', {
          tgtFeatures: tgtFeat, srcFeatures: srcFeat, tgtLabels: T(tgtLabels), srcLabels: T(labels), srcValid: T(valid),
          tgtHome: T(home), parentParticles: cropParticles(particles, fromParent), inherit: T(inheritPlane(tgtLabels, texture, p.shiftTexture)), noise: tensor(noise, [2, 3, 2, th, tw]),
          params: tensor(Float32Array.from([p.labelPenalty, prevF / f, p.window0, p.windowDecay, p.coherence]), [5]),
        }, frac, f);
      }
      ({ particles, scores } = withObjectMaps(found.particles, found.scores, tgtLabels, [tx, ty, tw, th], f, maps, { labels, valid }));
      // Only classes the edit gives new ground: a hole inside a class's own region keeps its copies' light
      // (a lake refilled from the rest of itself keeps its gradient from the horizon's pink down).
      if (f === fs && p.coreTone) thin = thinlySourced(tgtLabels, known, labels, valid, K, texture, p.shiftTexture).filter((c) => !maps.has(c) && grown.includes(c));
      if (f === fs && p.seamBlend) {
        const blended = blendableLabels(tgtLabels, seamBlendable(tgtLabels, known, labels, valid, K, texture, p.shiftTexture, grown));
        finest = { displacement: particles.data.slice(0, 2 * tw * th), labels: blended, known, tones: classTones(srcImg, labels, 2), sourceLabels: labels, sourceValid: valid, x0: tx, y0: ty, scale: f };
      }
      const w = await run('warp', {
        srcImage: T(srcImg), guide: T(guide), tgtHome: T(home), tgtLabels: T(tgtLabels), srcLabels: T(labels), srcValid: T(valid),
        particles, scores: scores!, params: tensor(Float32Array.from([p.gamma, p.beta, p.labelPenalty, 1]), [4]),
      }, frac, f);
      warped = { width: tw, height: th, channels: 3, data: w.warped.data };
      prevF = f;
    }

    // Full resolution, only over the mask's box (plus a border for harmonize to measure colour offsets
    // across): the finest particles, upsampled, pick full-resolution source pixels. The box starts on the
    // particle grid so that each pixel keeps its own parent.
    const PAD = 8;
    const rs = rects.get(fs)!;
    const bx0 = rs.x0 + Math.floor((Math.max(rs.x0, b.x0 - PAD) - rs.x0) / fs) * fs;
    const by0 = rs.y0 + Math.floor((Math.max(rs.y0, b.y0 - PAD) - rs.y0) / fs) * fs;
    const bw = Math.min(rs.x1, b.x1 + PAD) - bx0, bh = Math.min(rs.y1, b.y1 + PAD) - by0;
    const photoBox = cropPlane(atlas.image, bx0, by0, bw, bh);
    const knownBox = cropPlane(guideKnown, bx0 - x0, by0 - y0, bw, bh);
    // The pixels actually regenerated: the mask less the band pixels that guide. Those keep their class
    // with nothing foreign near them, so their own bytes are the best answer; regenerated, the sky right
    // around a moved kite took the lighter sky from around the original kite (a halo), and the sky right
    // above raised hills the glow along the original ridge (a bright rim). The seam rings are counted from
    // the regenerated pixels' border, so they fade into kept band pixels as into untouched ones.
    const regen = regenerated(mask.mask, knownBox.data, W, bx0, by0, bw, bh);
    const labelsBox = targetLabels(edited, compact, bx0, by0, bw, bh);
    let warpedFull: Plane;
    const thinTones = thin.length ? coreTones(atlas, thin, atlas.offsets[1] ?? atlas.width) : new Map<number, CoreTone>();
    let warpedTone: Plane | null = null;
    if (fs > 1) {
      const [, , tw, th] = cropAt(fs);
      const px0 = (bx0 - rs.x0) / fs, py0 = (by0 - rs.y0) / fs;
      const pw = Math.min(Math.ceil(bw / fs), tw - px0), ph = Math.min(Math.ceil(bh / fs), th - py0);
      const M = particles!.dims[0];
      const partPlane: Plane = { width: tw, height: th, channels: M * 2, data: particles!.data };
      const scorePlane: Plane = { width: tw, height: th, channels: M, data: scores!.data };
      // With beta = 0 the guide does not enter the score, so the (costly) upsampled synthesis is skipped.
      const guide = p.beta > 0 ? compositeKnown(photoBox, cropPlane(resizeBilinear(warped!, tw * fs, th * fs), bx0 - rs.x0, by0 - rs.y0, bw, bh), knownBox) : photoBox;
      // In bands of whole particle rows, so the graph's intermediates (candidates × pixels) stay bounded:
      // at 16 MP one call over the whole box would hold gigabytes in the WASM heap, which never shrinks.
      // Each band is warped with one more particle row above and below it (kept off the output): the
      // warp blends a block's copy with its neighbours' near their common edge, and without the halo
      // the blocks on either side of a band's edge did not blend (a faint line every band).
      // Each band is whole blocks high (rows past the box repeat its last), so every pixel's block is
      // floor(row / fs) whatever the band: the result does not depend on the band size.
      const bandRows = Math.max(1, Math.floor(p.warpBandPixels / (bw * fs)));
      const bands: { r0: number; nr: number; yA: number; keep: [number, number]; parts: BandParticles; win: Window | null }[] = [];
      for (let k0 = 0; k0 < ph; k0 += bandRows) {
        const r0 = Math.max(0, k0 - 1), r1 = Math.min(ph, k0 + bandRows + 1), nr = r1 - r0;
        const yA = r0 * fs, hb = nr * fs;
        const parts = { data: cropPlane(partPlane, px0, py0 + r0, pw, nr).data, M, w: pw, h: nr };
        const keep: [number, number] = [k0 * fs - yA, Math.min(bh, (k0 + bandRows) * fs) - yA];
        bands.push({ r0, nr, yA, keep, parts, win: bandWindow(parts, fs, bx0, by0 + yA, bw, hb, atlas.width, atlas.height) });
      }
      // Each band gets only the window of the sources it reads (warp-window.ts): the same pixels. The
      // windows are copied into buffers reused by every band: fresh ones cost more than the copy (at
      // 16 MP, 90 MB a band, their first touch took 0.3 s on the benchmark's machine).
      const largest = Math.max(0, ...bands.map((bd) => (bd.win ? windowArea(bd.win) : 0)));
      const scratch = { image: new Float32Array(3 * largest), labels: new Float32Array(largest), valid: new Float32Array(largest) };
      const warpBox = async (srcImage: Plane): Promise<Plane> => {
        const out = plane(bw, bh, 3);
        for (const { r0, nr, yA, keep, parts, win } of bands) {
          const hb = nr * fs;
          const band = (pl: Plane): Plane => rowsOf(pl, yA, hb);
          const src = (pl: Plane, into: Float32Array): Plane => (win ? windowOf(pl, win, into) : pl);
          const w = await run('warp', {
            srcImage: T(src(srcImage, scratch.image)), guide: T(band(guide)), tgtHome: T(homeMap(bx0, by0 + yA, bw, hb)), tgtLabels: T(band(labelsBox)),
            srcLabels: T(src(atlas.labels, scratch.labels)), srcValid: T(src(atlas.valid, scratch.valid)),
            particles: tensor(win ? shiftParticles(parts, win, fs) : parts.data, [M, 2, nr, pw]),
            scores: tensor(cropPlane(scorePlane, px0, py0 + r0, pw, nr).data, [M, nr, pw]),
            params: tensor(Float32Array.from([p.gamma, p.beta, p.labelPenalty, fs]), [4]),
          }, 0.8 + (0.1 * r0) / ph, 1);
          const [k0, k1] = keep;
          for (let c = 0; c < 3; c++) out.data.set(w.warped.data.subarray(c * bw * hb + k0 * bw, c * bw * hb + k1 * bw), c * bw * bh + (yA + k0) * bw);
        }
        return out;
      };
      warpedFull = await warpBox(atlas.image);
      // The same copies of the sources' local tones, where thin classes are regenerated: what each pixel's
      // copy brought as light, to be taken out of it (core-tone.ts). With beta 0 the warp's weights do not
      // depend on the source image, so this is exactly the tone of what warpedFull holds.
      if (thinTones.size && p.beta === 0) warpedTone = await warpBox(toneAtlas(atlas, thinTones));
      if (p.labelFallback) {
        const flagged = unusablePixels({
          particles: particles!.data, M, tw, th, scale: fs, px0, py0, bx0, by0, labels: labelsBox, regen, srcLabels: atlas.labels, srcValid: atlas.valid,
        });
        warpedFull = fillFromClass(warpedFull, labelsBox, flagged);
        if (warpedTone) warpedTone = fillFromClass(warpedTone, labelsBox, flagged);
        lap('label-fallback');
      }
    } else {
      warpedFull = cropPlane(warped!, bx0 - rs.x0, by0 - rs.y0, bw, bh);
    }
    if (maps.size && p.resampleObjects) {
      warpedFull = resampleObjects(warpedFull, labelsBox, regen, bx0, by0, maps, atlas);
      lap('object-map');
    }
    if (finest) {
      warpedFull = addSeamOffsets(warpedFull, labelsBox, regen, bx0, by0, finest, seamOffsets(finest));
      lap('seam-blend');
    }
    if (thinTones.size) {
      warpedFull = applyCoreTones(warpedFull, warpedTone, labelsBox, depthBelowBorder(edited.labels, W, bx0, by0, bw, bh), regen, thinTones);
      lap('core-tone');
    }
    if (p.borderColour) {
      warpedFull = matchBorderColours({ warped: warpedFull, image: photoBox, known: knownBox, labels: labelsBox, regen }, new Set(maps.keys()), rowGraded);
      lap('border-colour');
    }
    return { box: { x0: bx0, y0: by0, w: bw, h: bh }, warped: warpedFull, photo: photoBox, known: knownBox, regen, levels: [...levels, ...(fs > 1 ? [1] : [])] };
  };
  const { box, warped, photo, known, regen, levels } = await synthesise();
  const { x0: bx0, y0: by0, w: bw, h: bh } = box;
  const alpha: Plane = { width: bw, height: bh, channels: 1, data: boxUnit(mask.alpha, W, bx0, by0, bw, bh) };
  const seam = seamWeights(regen, original.labels, edited.labels, W, bx0, by0, bw, bh, p.seamPx);
  // Colour offsets are measured across the mask's border and spread over it (see models/README.md).
  const refined = (await run('harmonize', { warped: T(warped), image: T(photo), known: T(known), alpha: T(alpha), seam: T(seam) }, 0.9)).refined;

  const out = writeBack(image.data, refined.data, regen, W, bx0, by0, bw, bh);
  lap('write');
  opts.onProgress?.({ type: 'stage', stageId: 'done', fraction: 1 });
  return { image: { width: W, height: H, data: out }, mask, unchanged: false, timings, levels };
}

/**
 * The harmonize stage's `seam` input over a box: regenerated pixels (`regen`, 1 per box pixel) on the
 * r-th 4-connected ring inside their border get min(1, (depth + 1 − r) / (depth − 1)): 1 on the first two rings, fading to 0 past `depth`. Pixels whose label
 * changed get 0: an inserted object keeps its crisp edge against what surrounds it.
 */
function seamWeights(regen: Uint8Array, original: Uint8Array, edited: Uint8Array, W: number, bx0: number, by0: number, bw: number, bh: number, depth: number): Plane {
  const out = plane(bw, bh, 1);
  if (depth <= 0) return out;
  // Grow ring by ring from the unmasked pixels, visiting only each ring's neighbours (not the whole box).
  // The first ring grows from the kept pixels that touch a regenerated one (the others reach nothing).
  const reached = new Uint8Array(bw * bh);
  let frontier: number[] = [];
  for (let y = 0, i = 0; y < bh; y++) {
    for (let x = 0; x < bw; x++, i++) {
      if (regen[i]) continue;
      reached[i] = 1;
      if ((x > 0 && regen[i - 1]) || (x < bw - 1 && regen[i + 1]) || (y > 0 && regen[i - bw]) || (y < bh - 1 && regen[i + bw])) frontier.push(i);
    }
  }
  for (let r = 1; r <= depth && frontier.length; r++) {
    const next: number[] = [];
    for (const i of frontier) {
      const x = i % bw;
      for (const j of [x > 0 ? i - 1 : -1, x < bw - 1 ? i + 1 : -1, i - bw, i + bw]) {
        if (j < 0 || j >= bw * bh || reached[j]) continue;
        reached[j] = 1;
        next.push(j);
        const gi = (Math.floor(j / bw) + by0) * W + (j % bw) + bx0;
        out.data[j] = isRelabelled(original, edited, gi) ? 0 : Math.min(1, (depth + 1 - r) / Math.max(1, depth - 1));
      }
    }
    frontier = next;
  }
  return out;
}

/**
 * See the call in runEngine: 1 where a pixel's own colour may guide the search, per crop pixel. The
 * fringe that must not guide is that of another class: a band pixel is measured only from re-labelled
 * pixels that were of a class other than its own (the sky around raised hills was sky, and its own
 * colours keep the clouds at that height instead of the horizon glow that borders the original ridge).
 */
function bandGuide(job: RelayoutJob, edited: Uint8Array, mask: Uint8Array, W: number, x0: number, y0: number, cw: number, ch: number): Plane {
  const original = job.original.labels;
  const at = (i: number): number => ((i / cw) | 0) * W + (i % cw) + x0 + y0 * W;
  const out = plane(cw, ch, 1);
  const far = BAND_GUIDE_PX * BAND_GUIDE_PX;
  // Band pixels that may guide, by class (unchanged, in the mask, not explicitly regenerated), and the
  // classes the re-labelled pixels had.
  const bandClasses = new Set<number>();
  const changedFrom = new Set<number>();
  for (let i = 0; i < cw * ch; i++) {
    const j = at(i);
    if (!mask[j]) out.data[i] = 1;
    else if (!job.extraMask?.[j] && edited[j] === original[j]) bandClasses.add(edited[j]);
    else if (isRelabelled(original, edited, j)) changedFrom.add(original[j]);
  }
  // One distance map from every re-labelled pixel serves each class none of them had; a class some of
  // them had gets its own, from the others.
  let fromAll: Float64Array | null = null;
  for (const c of bandClasses) {
    let d2: Float64Array | null = null;
    if (changedFrom.has(c)) d2 = squaredDistanceTransform(cw, ch, (i) => isRelabelled(original, edited, at(i)) && original[at(i)] !== c);
    else if (changedFrom.size) d2 = fromAll ??= squaredDistanceTransform(cw, ch, (i) => isRelabelled(original, edited, at(i)));
    for (let i = 0; i < cw * ch; i++) {
      const j = at(i);
      if (mask[j] && !job.extraMask?.[j] && edited[j] === c && original[j] === c && (!d2 || d2[i] > far)) out.data[i] = 1;
    }
  }
  return out;
}

// The per-pixel loops of runEngine live in small functions of their own: inside the long async
// runEngine they ran several times slower (it is compiled as a whole, late, if at all).

/**
 * One scan of the layouts: the classes copyable from the photo (outside an explicit region to
 * regenerate), the classes the edit paints, where each class is first masked (+1, so a missing class is
 * named in that order), and every class (labels 1..255) in the order a row-major scan meets it, each
 * pixel's original label before its edited one inside the mask (the compact ids follow that order).
 */
function scanClasses(ol: Uint8Array, el: Uint8Array, mm: Uint8Array, b: Bounds, W: number, blocked: Uint8Array | undefined): {
  inPhoto: Uint8Array;
  painted: Uint8Array;
  firstMasked: Int32Array;
  order: number[];
  anyValid: boolean;
} {
  const inPhoto = new Uint8Array(256), painted = new Uint8Array(256);
  const firstMasked = new Int32Array(256);
  const firstMet = new Float64Array(256).fill(Infinity);
  let anyValid = false;
  for (let i = 0; i < ol.length; i++) {
    if (blocked && blocked[i]) continue;
    const l = ol[i];
    anyValid = true;
    if (!inPhoto[l]) {
      inPhoto[l] = 1;
      firstMet[l] = 2 * i;
    }
  }
  for (let y = b.y0; y < b.y1; y++) {
    for (let i = y * W + b.x0, end = y * W + b.x1; i < end; i++) {
      if (!mm[i]) continue;
      const e = el[i];
      if (!firstMasked[e]) {
        firstMasked[e] = i + 1;
        if (2 * i + 1 < firstMet[e]) firstMet[e] = 2 * i + 1;
      }
      if (!painted[e] && isRelabelled(ol, el, i)) painted[e] = 1;
    }
  }
  // First met at 2i as an original label, 2i + 1 as an edited one.
  const order: number[] = [];
  for (let l = 1; l < 256; l++) if (firstMet[l] < Infinity) order.push(l);
  order.sort((x, y) => firstMet[x] - firstMet[y]);
  return { inPhoto, painted, firstMasked, order, anyValid };
}

/** `n` draws of `rand` scaled to [lo, hi). */
function uniformNoise(n: number, rand: () => number, lo: number, hi: number): Float32Array {
  const out = new Float32Array(n);
  const span = hi - lo;
  for (let i = 0; i < n; i++) out[i] = rand() * span + lo;
  return out;
}

/** A box of a full-size byte plane as 0..1 floats. */
function boxUnit(bytes: Uint8Array, W: number, bx0: number, by0: number, bw: number, bh: number): Float32Array {
  const out = new Float32Array(bw * bh);
  for (let y = 0; y < bh; y++) for (let x = 0, i = y * bw, gi = (y + by0) * W + bx0; x < bw; x++, i++, gi++) out[i] = UNIT[bytes[gi]];
  return out;
}

/**
 * refine-level's `inherit` input: 1 on the targets of a class that coherent shifts label (textured, not
 * copied by an object map: `texture` has mapped classes zeroed), whose children start from their
 * parent's best match; 0 elsewhere, and everywhere when shifts are off (`texture` null).
 */
function inheritPlane(labels: Plane, texture: Float32Array | null, threshold: number): Plane {
  const out = plane(labels.width, labels.height, 1);
  if (!texture) return out;
  for (let i = 0; i < out.data.length; i++) if (isShifted(texture, labels.data[i], threshold)) out.data[i] = 1;
  return out;
}

/** 1 per box pixel that is masked and does not guide (its own bytes are not kept). */
function regenerated(mask: Uint8Array, known: Float32Array, W: number, bx0: number, by0: number, bw: number, bh: number): Uint8Array {
  const out = new Uint8Array(bw * bh);
  for (let y = 0; y < bh; y++) for (let x = 0, i = y * bw, gi = (y + by0) * W + bx0; x < bw; x++, i++, gi++) out[i] = mask[gi] && known[i] < 1 ? 1 : 0;
  return out;
}

/** The input bytes with the refined pixels (planar 0..1 over the box) written where regenerated. */
function writeBack(input: Uint8Array | Uint8ClampedArray, refined: Float32Array, regen: Uint8Array, W: number, bx0: number, by0: number, bw: number, bh: number): Uint8Array {
  const out = new Uint8Array(input);
  const bn = bw * bh;
  for (let y = 0; y < bh; y++) {
    for (let x = 0, li = y * bw, gi = (y + by0) * W + bx0; x < bw; x++, li++, gi++) {
      if (!regen[li]) continue;
      for (let c = 0; c < 3; c++) {
        // 0..1 to bytes; NaN and ±Infinity (never expected) write 0.
        const v = refined[c * bn + li];
        out[gi * 4 + c] = v >= 1 ? (v === Infinity ? 0 : 255) : v > 0 ? Math.round(v * 255) : 0;
      }
    }
  }
  return out;
}

/** The labels present in `labels`, in the order a row-major scan first meets them. */
function classesInOrder(labels: Uint8Array): number[] {
  const seen = new Uint8Array(256);
  const out: number[] = [];
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i];
    if (!seen[l]) {
      seen[l] = 1;
      out.push(l);
    }
  }
  return out;
}




function targetLabels(edited: { width: number; labels: Uint8Array }, compact: Uint8Array, x0: number, y0: number, w: number, h: number): Plane {
  const out = plane(w, h, 1);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) out.data[y * w + x] = compact[edited.labels[(y + y0) * edited.width + x + x0]];
  return out;
}

/** The classes (compact ids) that occur where `where` is set, in ascending order. */
function classesWhere(labels: Plane, where: Plane): number[] {
  const seen = new Set<number>();
  for (let i = 0; i < where.data.length; i++) if (where.data[i] && labels.data[i]) seen.add(labels.data[i]);
  return [...seen].sort((a, b) => a - b);
}

/** Writes `other`'s feature vectors into `into` (both [D, h, w]) at the pixels of class c where `take` is set. */
function spliceFeatures(into: Float32Array, other: Float32Array, labels: Plane, take: Plane, c: number): void {
  const n = labels.data.length, D = into.length / n;
  for (let i = 0; i < n; i++) {
    if (!take.data[i] || labels.data[i] !== c) continue;
    for (let d = 0; d < D; d++) into[d * n + i] = other[d * n + i];
  }
}

/** Rows [y0, y0 + h) of a plane, the rows past its bottom repeating its last. */
function rowsOf(p: Plane, y0: number, h: number): Plane {
  const out = plane(p.width, h, p.channels), w = p.width;
  for (let c = 0; c < p.channels; c++) {
    for (let y = 0; y < h; y++) {
      const s = c * w * p.height + Math.min(p.height - 1, y0 + y) * w;
      out.data.set(p.data.subarray(s, s + w), c * w * h + y * w);
    }
  }
  return out;
}

function homeMap(x0: number, y0: number, w: number, h: number): Plane {
  const out = plane(w, h, 2);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      out.data[y * w + x] = y0 + y;
      out.data[w * h + y * w + x] = x0 + x;
    }
  }
  return out;
}

/** A fixed unit vector per compact class id (row 0, unlabeled, is zero), the same for every run. */
function classEmbeddings(K: number): FloatTensor {
  const data = new Float32Array((K + 1) * 4);
  for (let k = 1; k <= K; k++) {
    const r = prng(0x9e3779b9 ^ (k * 2654435761));
    let norm = 0;
    for (let j = 0; j < 4; j++) {
      data[k * 4 + j] = r() * 2 - 1;
      norm += data[k * 4 + j] ** 2;
    }
    for (let j = 0; j < 4; j++) data[k * 4 + j] /= Math.sqrt(norm) || 1;
  }
  return tensor(data, [K + 1, 4]);
}


/** Per label value: its bounding box (`classBoxes`) and its pixel count. */
interface ClassStats {
  boxes: Int32Array;
  counts: Float64Array;
}

/** Bounding box and pixel count of every label value, in one pass. */
function classStats(labels: Uint8Array, W: number, H: number): ClassStats {
  const b = new Int32Array(256 * 4);
  const counts = new Float64Array(256);
  for (let l = 0; l < 256; l++) b.set([W, H, -1, -1], l * 4);
  for (let y = 0, i = 0; y < H; y++) {
    for (let x = 0; x < W; x++, i++) {
      const o = labels[i] * 4;
      counts[labels[i]]++;
      if (x < b[o]) b[o] = x;
      if (y < b[o + 1]) b[o + 1] = y;
      if (x > b[o + 2]) b[o + 2] = x;
      if (y > b[o + 3]) b[o + 3] = y;
    }
  }
  return { boxes: b, counts };
}

/** Bounding box of every label value, 4 ints per label: x0, y0, x1, y1 (inclusive; x1 = −1 when absent). */
export function classBoxes(labels: Uint8Array, W: number, H: number): Int32Array {
  return classStats(labels, W, H).boxes;
}

/**
 * One box-to-box map per compact class that is an object (its source box lies wholly inside its source
 * image) and whose box in the edited layout differs from it: a moved or resized object of the photo, or an
 * object only a reference has (its first reference holding it). Its pixels are best copied as one
 * translation (and scale) of the source object, which the patch search, assembling the copy piece by
 * piece, does not find by itself; withObjectMaps offers it as a candidate.
 */
function objectMaps(
  job: RelayoutJob,
  compact: Uint8Array,
  photo: ClassStats,
  edited: ClassStats,
  refs: ClassStats[],
  inPhoto: Uint8Array,
  offsets: number[],
): Map<number, ObjectMap> {
  const maps = new Map<number, ObjectMap>();
  for (let l = 1; l < 256; l++) {
    const o = l * 4;
    if (!compact[l] || edited.boxes[o + 2] < 0) continue;
    let source = photo, offset = 0, sw = job.image.width, sh = job.image.height;
    if (!inPhoto[l]) {
      const k = refs.findIndex((r) => r.boxes[o + 2] >= 0);
      if (k < 0) continue;
      [source, offset, sw, sh] = [refs[k], offsets[k + 1], job.references[k].image.width, job.references[k].image.height];
    }
    const [x0, y0, x1, y1] = source.boxes.subarray(o, o + 4);
    if (x1 < 0 || x0 === 0 || y0 === 0 || x1 === sw - 1 || y1 === sh - 1) continue; // absent, or stuff cut by the frame
    const [ex0, ey0, ex1, ey1] = edited.boxes.subarray(o, o + 4);
    if (inPhoto[l] && ex0 === x0 && ey0 === y0 && ex1 === x1 && ey1 === y1) continue; // not moved
    const kx = (x1 - x0 + 1) / (ex1 - ex0 + 1), ky = (y1 - y0 + 1) / (ey1 - ey0 + 1);
    // One object moved or scaled keeps its area in proportion; otherwise (one of two boats removed, an
    // object repainted in another shape) the boxes do not describe one object's move.
    if (Math.abs(edited.counts[l] * kx * ky - source.counts[l]) > 0.3 * source.counts[l]) continue;
    maps.set(compact[l], { ex: ex0, ey: ey0, sx: x0 + offset, sy: y0, kx, ky });
  }
  return maps;
}

/**
 * A level's candidates (`particles`, `scores` over its rectangle [x, y, w, h]) with the last of each
 * pixel's M replaced by its class's object map, where the class has one, scored best (+ MAP_MARGIN)
 * where the map lands on a valid source pixel of the same class and worst elsewhere. The level's warp
 * then copies the object along its map, and the next level searches around it. Offered only as one more
 * candidate, the map lost at the coarse level to pixels of the object that match its features as well
 * (every place inside a kite looks alike to them), and at finer levels to candidates that agree with that
 * mottled coarse copy.
 */
function withObjectMaps(
  particles: FloatTensor,
  scored: FloatTensor,
  labels: Plane,
  rect: [number, number, number, number],
  f: number,
  maps: Map<number, ObjectMap>,
  src: { labels: Plane; valid: Plane },
): { particles: FloatTensor; scores: FloatTensor } {
  if (!maps.size) return { particles, scores: scored };
  const [M, , h, w] = particles.dims;
  const [tx, ty] = rect;
  const data = new Float32Array(particles.data);
  const scores = new Float32Array(scored.data);
  const n = w * h, last = (M - 1) * 2 * n;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x, l = labels.data[i];
      const m = maps.get(l);
      if (!m) continue;
      // Full-resolution centre of this level pixel, mapped into the source box, back in level pixels.
      const X = (tx + x + 0.5) * f, Y = (ty + y + 0.5) * f;
      const sy = Math.round(mappedY(m, Y) / f - 0.5), sx = Math.round(mappedX(m, X) / f - 0.5);
      data[last + i] = sy - (ty + y);
      data[last + n + i] = sx - (tx + x);
      const j = sy * src.labels.width + sx;
      const fits = sy >= 0 && sy < src.labels.height && sx >= 0 && sx < src.labels.width && src.labels.data[j] === l && src.valid.data[j] >= 1;
      let best = -Infinity;
      for (let k = 0; k < M; k++) best = Math.max(best, scores[k * n + i]);
      scores[(M - 1) * n + i] = fits ? best + MAP_MARGIN : -1e4;
    }
  }
  return { particles: tensor(data, particles.dims), scores: tensor(scores, scored.dims) };
}




/**
 * `means` (class mean colours) with those of mapped objects set to NaN, in place: an object copied along
 * its map should not be steered towards its average colour, which pulled a moved kite's panels towards
 * its mean purple.
 */
function withoutMapped(means: Float32Array, maps: Map<number, ObjectMap>): Float32Array {
  for (const k of maps.keys()) means.fill(NaN, k * 3, k * 3 + 3);
  return means;
}



