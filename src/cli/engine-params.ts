// Engine parameter overrides given on the command line (`--params JSON`), for tuning and experiments.
import { InputError } from '../layout';
import { DEFAULT_ENGINE_PARAMS, EngineParams } from '../inference';

/** Engine parameter overrides from a JSON object; unknown keys are an error, so typos do not pass silently. */
export function parseEngineParams(json?: string): Partial<EngineParams> | undefined {
  if (!json) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw new InputError(`--params is not valid JSON: ${json}`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new InputError('--params must be a JSON object');
  const unknown = Object.keys(parsed).filter((k) => !(k in DEFAULT_ENGINE_PARAMS));
  if (unknown.length) throw new InputError(`Unknown engine parameter(s) ${unknown.join(', ')}; known: ${Object.keys(DEFAULT_ENGINE_PARAMS).join(', ')}`);
  return parsed as Partial<EngineParams>;
}
