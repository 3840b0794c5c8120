// The panel's persisted settings: their shape, defaults, and a forgiving reader (a settings file from an
// older or newer version, or edited by hand, never stops the panel from opening). Tokens are not here:
// they go to the host's secret storage.
import { Detail, DETAILS, REFERENCE_LOOKS, ReferenceLook } from '../inference/job';
import { BUILTIN_PALETTES } from '../layout';

export type BackendChoice = 'local-auto' | 'local-wasm' | 'remote';

export const BACKEND_LABELS: Record<BackendChoice, string> = {
  'local-auto': 'Local (WebGPU, else WASM)',
  'local-wasm': 'Local, WASM only',
  remote: 'Remote server',
};

export const DETAIL_LABELS: Record<Detail, string> = {
  standard: 'Standard detail',
  fine: 'Fine detail (slower on wide edits)',
};

export const REFERENCE_LOOK_LABELS: Record<ReferenceLook, string> = {
  matched: "Match this photo's light",
  own: "Keep the reference's colours",
};

export interface Settings {
  palette: string;
  backend: BackendChoice;
  remoteUrl: string;
  remoteModel: string;
  seed: number;
  /** Results per Generate, each from seed, seed + 1, … */
  variations: number;
  /** Search detail on wide edits (RelayoutJob.detail). */
  detail: Detail;
  /** What the reference lends looks like (RelayoutJob.referenceLook). */
  referenceLook: ReferenceLook;
  /** Recently picked class labels per palette, most recent first. */
  recent: Record<string, number[]>;
}

export const MAX_VARIATIONS = 8;
export const MAX_RECENT = 8;

export const DEFAULT_SETTINGS: Settings = {
  palette: 'ade20k',
  backend: 'local-auto',
  remoteUrl: 'http://localhost:8000',
  remoteModel: 'relayout',
  seed: 0,
  variations: 1,
  detail: 'standard',
  referenceLook: 'matched',
  recent: {},
};

const clampInt = (v: unknown, lo: number, hi: number, dflt: number): number =>
  typeof v === 'number' && Number.isFinite(v) ? Math.min(hi, Math.max(lo, Math.round(v))) : dflt;

/** `v` when it is one of `choices`, else `dflt`. */
const oneOf = <T extends string>(v: unknown, choices: readonly T[], dflt: T): T => (choices.includes(v as T) ? (v as T) : dflt);

/** Reads saved settings, keeping every valid field and defaulting the rest. */
export function readSettings(raw: unknown): Settings {
  const s = raw && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
  const recent: Record<string, number[]> = {};
  if (s.recent && typeof s.recent === 'object') {
    for (const [k, v] of Object.entries(s.recent as Record<string, unknown>)) {
      if (Array.isArray(v)) recent[k] = v.filter((x): x is number => Number.isInteger(x) && x > 0 && x < 256).slice(0, MAX_RECENT);
    }
  }
  return {
    palette: typeof s.palette === 'string' && s.palette in BUILTIN_PALETTES ? s.palette : DEFAULT_SETTINGS.palette,
    backend: s.backend === 'local-auto' || s.backend === 'local-wasm' || s.backend === 'remote' ? s.backend : DEFAULT_SETTINGS.backend,
    remoteUrl: typeof s.remoteUrl === 'string' ? s.remoteUrl : DEFAULT_SETTINGS.remoteUrl,
    remoteModel: typeof s.remoteModel === 'string' && s.remoteModel ? s.remoteModel : DEFAULT_SETTINGS.remoteModel,
    seed: clampInt(s.seed, 0, 2 ** 31 - 1, DEFAULT_SETTINGS.seed),
    variations: clampInt(s.variations, 1, MAX_VARIATIONS, DEFAULT_SETTINGS.variations),
    detail: oneOf(s.detail, DETAILS, DEFAULT_SETTINGS.detail),
    referenceLook: oneOf(s.referenceLook, REFERENCE_LOOKS, DEFAULT_SETTINGS.referenceLook),
    recent,
  };
}

/** Puts `label` first in the palette's recent list. */
export function withRecent(s: Settings, label: number): Settings {
  const list = [label, ...(s.recent[s.palette] ?? []).filter((l) => l !== label)].slice(0, MAX_RECENT);
  return { ...s, recent: { ...s.recent, [s.palette]: list } };
}
