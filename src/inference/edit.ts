// One edit, end to end, for any caller (CLI, webview, server): decode-free, mask, generate, composite.
import { computeEditMask, EditMaskResult, Palette, RgbaImage, sameSize, SizeMismatchError } from '../layout';
import { baselineFill } from './baseline';
import { RelayoutJob } from './job';

export type EditMethod = 'baseline';
export const EDIT_METHODS: readonly EditMethod[] = ['baseline'];

export interface EditResult {
  image: RgbaImage;
  mask: EditMaskResult;
  /** True when nothing was regenerated (empty mask): `image` is the input, unchanged. */
  unchanged: boolean;
  method: EditMethod;
  timings: Record<string, number>;
}

/** Runs one edit with the chosen method. An empty mask returns the input unchanged and says so. */
export function runEdit(job: RelayoutJob, palette: Palette, method: EditMethod = 'baseline'): EditResult {
  if (!sameSize(job.image, job.original)) throw new SizeMismatchError('photo and original layout', job.image, job.original);
  if (!sameSize(job.image, job.edited)) throw new SizeMismatchError('photo and edited layout', job.image, job.edited);
  const t0 = Date.now();
  const mask = computeEditMask(job.original, job.edited, { ...job.maskOptions, extra: job.extraMask });
  const t1 = Date.now();
  if (mask.maskedPixels === 0) {
    return { image: job.image, mask, unchanged: true, method, timings: { mask: t1 - t0 } };
  }
  const image = baselineFill(job, mask, palette);
  return { image, mask, unchanged: false, method, timings: { mask: t1 - t0, generate: Date.now() - t1 } };
}
