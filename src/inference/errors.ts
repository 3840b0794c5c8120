// Engine-side error classes (the base classes live in src/layout/errors.ts).
import { RelayoutError, RelayoutErrorOptions } from '../layout';

export class ModelLoadError extends RelayoutError {
  constructor(stage: string, detail: string, cause?: unknown) {
    super('model-load', `Cannot load the model of stage "${stage}": ${detail}`, {
      cause,
      userMessage: `The engine's "${stage}" model could not be loaded. Reinstall the plugin.`,
    });
  }
}

export class BackendUnavailableError extends RelayoutError {
  constructor(message: string, opts: RelayoutErrorOptions = {}) {
    super('backend-unavailable', message, opts);
  }
}
