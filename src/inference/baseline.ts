// The baseline generator: fills the mask with the mean colour of each class's known pixels. Kept as
// `--method baseline` for comparisons; it honours the same output contract as the engine. Pure code.
import {
  ClassMissingError,
  classNameOf,
  EditMaskResult,
  InputError,
  Palette,
  RgbaImage,
  sameSize,
  SizeMismatchError,
} from '../layout';
import { compositeMasked } from './composite';
import { RelayoutJob } from './job';

/**
 * Class-mean fill. For each class the edited layout asks for inside the mask, the mean colour of the
 * photo's pixels of that class outside the mask (from the original layout); when the dilated mask swallows
 * every such pixel, of the class's pixels inside it; else of the references' pixels of that class. Masked pixels the edited layout leaves unlabeled take their original class, or
 * the mean of all known pixels. Throws ClassMissingError when no source has a required class.
 */
export function baselineFill(job: RelayoutJob, mask: EditMaskResult, palette: Palette): RgbaImage {
  const { image, original, edited } = job;
  if (!sameSize(image, original)) throw new SizeMismatchError('photo and original layout', image, original);
  if (!sameSize(image, edited)) throw new SizeMismatchError('photo and edited layout', image, edited);
  const n = image.width * image.height;
  const sums = new Float64Array(256 * 3);
  const counts = new Float64Array(256);
  let all = [0, 0, 0, 0];
  const add = (img: RgbaImage, label: number, p: number): void => {
    sums[label * 3] += img.data[p];
    sums[label * 3 + 1] += img.data[p + 1];
    sums[label * 3 + 2] += img.data[p + 2];
    counts[label]++;
  };
  for (let i = 0; i < n; i++) {
    if (mask.mask[i]) continue;
    const p = i * 4;
    all = [all[0] + image.data[p], all[1] + image.data[p + 1], all[2] + image.data[p + 2], all[3] + 1];
    if (original.labels[i]) add(image, original.labels[i], p);
  }
  // Classes seen only inside the mask: their pixels there still show the class (the photo is unedited).
  const insideOnly = new Uint8Array(256);
  for (let i = 0; i < n; i++) if (mask.mask[i] && original.labels[i] && counts[original.labels[i]] === 0) insideOnly[original.labels[i]] = 1;
  for (let i = 0; i < n; i++) if (mask.mask[i] && insideOnly[original.labels[i]]) add(image, original.labels[i], i * 4);
  for (const ref of job.references) {
    if (!sameSize(ref.image, ref.layout)) throw new SizeMismatchError('reference image and its layout', ref.image, ref.layout);
    const fromRef = new Float64Array(256);
    for (let i = 0; i < ref.layout.labels.length; i++) {
      const l = ref.layout.labels[i];
      if (l && counts[l] === 0) fromRef[l] = 1;
    }
    for (let i = 0; i < ref.layout.labels.length; i++) {
      const l = ref.layout.labels[i];
      if (l && fromRef[l]) add(ref.image, l, i * 4);
    }
  }
  if (all[3] === 0 && job.references.length === 0) {
    throw new InputError('The mask covers the whole image and no reference image was given: there is no style to copy from.');
  }

  const missing = new Set<number>();
  const fill = new Uint8Array(image.data);
  for (let i = 0; i < n; i++) {
    if (!mask.mask[i]) continue;
    const label = edited.labels[i] || original.labels[i];
    const p = i * 4;
    if (label && counts[label] > 0) {
      for (let c = 0; c < 3; c++) fill[p + c] = Math.round(sums[label * 3 + c] / counts[label]);
    } else if (label && edited.labels[i]) {
      missing.add(label);
    } else {
      for (let c = 0; c < 3; c++) fill[p + c] = Math.round(all[c] / Math.max(1, all[3]));
    }
  }
  if (missing.size) throw new ClassMissingError([...missing].map((l) => classNameOf(palette, l)));
  return compositeMasked(image, { width: image.width, height: image.height, data: fill }, mask);
}
