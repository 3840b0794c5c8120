// One edit on a remote Open Inference Protocol server (model `relayout`): the edit mask is computed here,
// only the crop around it is sent (or overlapping tiles when it exceeds the server's pixel limit), and the
// results are blended back so pixels outside the mask stay the input's bytes. Platform-neutral (fetch).
import { CancelledError, computeEditMask, LabelMap, Palette, RgbaImage, sameSize, SizeMismatchError, resizeLabels } from '../../layout';
import type { EditResult } from '../edit';
import type { ProgressEvent } from '../engine';
import type { ReferenceSource, RelayoutJob } from '../job';
import { CallOptions, KserveClient, TransferProgressEvent } from './kserve-client';
import { WireFormatError } from './kserve-wire';
import {
  advertisedLimits,
  decodePipelineOutputs,
  encodePipelineInputs,
  encodePipelineParameters,
  MAX_REFERENCES,
  RELAYOUT_MODEL,
} from './pipeline-contract';
import { RemoteError } from './remote-error';
import { cropJob, downscaleRgba, fitPixels, planTiles, TileCompositor, TilePlan } from './tiling';

/** Progress of a remote edit: transfer phases of each request, folded into one overall fraction. */
export type RemoteProgressEvent = ProgressEvent | (Omit<TransferProgressEvent, 'fraction'> & { fraction: number; phaseFraction: number; tile: number; tiles: number });

export interface RemoteEditOptions {
  client: KserveClient;
  /** Model name on the server. Default `relayout`. */
  model?: string;
  signal?: AbortSignal;
  onProgress?: (e: RemoteProgressEvent) => void;
  /** Pixel limit per request when the server does not advertise one (Triton, KServe). Default 4 MP. */
  maxPixels?: number;
  /** Overlap between tiles, px. Default 96. */
  overlapPx?: number;
  /** Context around the mask in a crop, px (default: max(128, ¼ of the mask's larger side)). */
  paddingPx?: number;
  /** Give every tile the whole photo, downscaled, as a reference (default true). */
  tileReference?: boolean;
  /** Deadline of each request, ms (the client's default otherwise). */
  timeoutMs?: number;
}

/** What the remote path adds to an EditResult. */
export interface RemoteEditResult extends EditResult {
  remote: {
    mode: TilePlan['mode'];
    requests: number;
    bytesSent: number;
    uncoveredPixels: number;
  };
}

const DEFAULT_MAX_PIXELS = 4 * 1024 * 1024;
// Shares of one request's time in the overall fraction: transfer dominates on slow links.
const PHASE_SPAN: Record<TransferProgressEvent['stageId'], [number, number]> = { upload: [0, 0.4], waiting: [0.4, 0.8], download: [0.8, 1] };
// Bytes per pixel of a request: RGBA + original + edited + mask.
const BYTES_PER_PIXEL = 7;

/** The server's advertised limits, read once per client. */
const limitsCache = new WeakMap<KserveClient, Map<string, Promise<{ maxPixels?: number; maxBodyBytes?: number }>>>();

function serverLimits(client: KserveClient, model: string, opts: CallOptions): Promise<{ maxPixels?: number; maxBodyBytes?: number }> {
  let perModel = limitsCache.get(client);
  if (!perModel) limitsCache.set(client, (perModel = new Map()));
  let p = perModel.get(model);
  if (!p) {
    p = client.modelMetadata(model, opts).then(advertisedLimits);
    p.catch(() => perModel!.delete(model));
    perModel.set(model, p);
  }
  return p;
}

function shrinkReference(r: ReferenceSource, maxPixels: number): ReferenceSource {
  const size = fitPixels(r.image, maxPixels);
  if (size.width === r.image.width && size.height === r.image.height) return r;
  return { image: downscaleRgba(r.image, size.width, size.height), layout: resizeLabels(r.layout, size.width, size.height) };
}

/**
 * Runs one edit on the server. Same contract as `runEdit`: outside the mask the output equals the input
 * byte for byte; an empty mask returns the input unchanged without contacting the server.
 */
export async function runRemoteEdit(job: RelayoutJob, palette: Palette, opts: RemoteEditOptions): Promise<RemoteEditResult> {
  const t0 = Date.now();
  const model = opts.model ?? RELAYOUT_MODEL;
  const { image, original, edited } = job;
  if (!sameSize(image, original)) throw new SizeMismatchError('photo and original layout', image, original);
  if (!sameSize(image, edited)) throw new SizeMismatchError('photo and edited layout', image, edited);
  const mask = computeEditMask(original, edited, { ...job.maskOptions, extra: job.extraMask });
  const timings: Record<string, number> = { mask: Date.now() - t0 };
  const empty = { mode: 'whole' as const, requests: 0, bytesSent: 0, uncoveredPixels: 0 };
  if (!mask.bounds) return { image, mask, unchanged: true, method: 'relayout', timings, remote: empty };
  if (opts.signal?.aborted) throw new CancelledError();

  const call: CallOptions = { signal: opts.signal, timeoutMs: opts.timeoutMs };
  const limits = await serverLimits(opts.client, model, call);
  let maxPixels = limits.maxPixels ?? opts.maxPixels ?? DEFAULT_MAX_PIXELS;
  let references = job.references.map((r) => shrinkReference(r, maxPixels));
  const refBytes = (refs: ReferenceSource[]): number => refs.reduce((a, r) => a + r.image.width * r.image.height * 5, 0);
  if (limits.maxBodyBytes) {
    // Leave room for the JSON header and the references in every request.
    const room = Math.floor((limits.maxBodyBytes - 64 * 1024 - refBytes(references)) / BYTES_PER_PIXEL);
    if (room < 4096) throw new RemoteError(413, `the server accepts at most ${limits.maxBodyBytes} bytes per request; the reference images alone need ${refBytes(references)}`, { endpoint: opts.client.endpoint, retryable: false });
    maxPixels = Math.min(maxPixels, room);
  }

  const maxRadius = Math.max(0, ...mask.regions.map((r) => r.dilatePx));
  const plan = planTiles(image, mask.bounds, {
    maxPixels,
    overlapPx: opts.overlapPx,
    paddingPx: opts.paddingPx,
    marginPx: maxRadius + mask.featherPx + 2,
  });
  const tiled = plan.mode === 'tiles';
  // Tiles cannot see changes beyond their edges: give each tile the whole photo (downscaled) as a
  // reference, so a class missing from the tile's own pixels can still be copied.
  if (tiled && opts.tileReference !== false && references.length < MAX_REFERENCES) {
    const size = fitPixels(image, Math.floor(maxPixels / 4));
    references = [...references, { image: downscaleRgba(image, size.width, size.height), layout: resizeLabels(original, size.width, size.height) as LabelMap }];
  }
  // A single request gets the job's own mask options, so the server's mask equals ours; tiles get the
  // largest radius and our feather width, so each tile's mask covers ours where its weight is nonzero.
  const maskOptions = tiled ? { dilatePx: maxRadius, featherPx: mask.featherPx } : job.maskOptions;
  const parameters = encodePipelineParameters(palette.name, maskOptions, job.detail, job.referenceLook);
  timings.plan = Date.now() - t0 - timings.mask;

  const compositor = new TileCompositor(image, mask.alpha, mask.bounds);
  let bytesSent = 0;
  const tiles = plan.tiles.length;
  for (let k = 0; k < tiles; k++) {
    if (opts.signal?.aborted) throw new CancelledError();
    const tile = plan.tiles[k];
    const part = cropJob({ ...job, references }, tile.box);
    const inputs = encodePipelineInputs(part);
    bytesSent += inputs.reduce((a, t) => a + t.data.byteLength, 0);
    const onProgress = opts.onProgress
      ? (e: TransferProgressEvent): void => {
          const [a, b] = PHASE_SPAN[e.stageId];
          const fraction = Math.min(0.99, (k + a + (b - a) * e.fraction) / tiles);
          opts.onProgress!({ ...e, fraction, phaseFraction: e.fraction, tile: k + 1, tiles });
        }
      : undefined;
    const tr = Date.now();
    const res = await opts.client.infer(
      model,
      { inputs, parameters, outputs: [{ name: 'RESULT', binary: true }, { name: 'EDIT_MASK', binary: true }] },
      { ...call, onProgress },
    );
    timings.remote = (timings.remote ?? 0) + Date.now() - tr;
    let out: { image: RgbaImage; maskAlpha: Uint8Array };
    try {
      out = decodePipelineOutputs(res.outputs, part.image);
    } catch (err) {
      if (err instanceof WireFormatError) throw new RemoteError(200, `the server's answer does not fit the request: ${err.message}`, { endpoint: opts.client.endpoint, cause: err, retryable: false });
      throw err;
    }
    const tb = Date.now();
    compositor.add(tile, out.image, out.maskAlpha);
    timings.blend = (timings.blend ?? 0) + Date.now() - tb;
  }
  const tf = Date.now();
  const { image: result, uncoveredPixels } = compositor.finish();
  timings.blend = (timings.blend ?? 0) + Date.now() - tf;
  opts.onProgress?.({ type: 'stage', stageId: 'done', fraction: 1 });
  return { image: result, mask, unchanged: false, method: 'relayout', timings, remote: { mode: plan.mode, requests: tiles, bytesSent, uncoveredPixels } };
}
