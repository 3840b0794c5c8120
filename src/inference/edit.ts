// One edit, end to end, for any caller (CLI, webview, server): mask, generate with the chosen method,
// composite. The engine needs a Runner; the baseline needs none.
import { computeEditMask, EditMaskResult, Palette, RgbaImage } from '../layout';
import { baselineFill } from './baseline';
import { EngineOptions, runEngine } from './engine';
import { RelayoutJob } from './job';
import { Runner } from './tensor';

export type EditMethod = 'relayout' | 'baseline';
export const EDIT_METHODS: readonly EditMethod[] = ['relayout', 'baseline'];

export interface EditResult {
  image: RgbaImage;
  mask: EditMaskResult;
  /** True when nothing was regenerated (empty mask): `image` is the input, unchanged. */
  unchanged: boolean;
  method: EditMethod;
  timings: Record<string, number>;
}

export interface EditOptions extends EngineOptions {
  method?: EditMethod;
  /** Required for the relayout method. */
  runner?: Runner;
}

/** Runs one edit. An empty mask returns the input unchanged and says so. */
export async function runEdit(job: RelayoutJob, palette: Palette, opts: EditOptions = {}): Promise<EditResult> {
  const method = opts.method ?? 'relayout';
  // Sizes are checked by runEngine and baselineFill themselves.
  if (method === 'relayout') {
    if (!opts.runner) throw new Error('runEdit: the relayout method needs a runner');
    const r = await runEngine(job, palette, opts.runner, opts);
    return { image: r.image, mask: r.mask, unchanged: r.unchanged, method, timings: r.timings };
  }
  const t0 = Date.now();
  const mask = computeEditMask(job.original, job.edited, { ...job.maskOptions, extra: job.extraMask });
  const t1 = Date.now();
  if (mask.maskedPixels === 0) return { image: job.image, mask, unchanged: true, method, timings: { mask: t1 - t0 } };
  const image = baselineFill(job, mask, palette);
  return { image, mask, unchanged: false, method, timings: { mask: t1 - t0, generate: Date.now() - t1 } };
}
