// Public face of src/inference: the job type, the generators, the engine and its runtime. Imports only
// src/layout and models/ contracts (never src/host, src/panels or React).
export * from './job';
export * from './composite';
export * from './baseline';
export * from './edit';
export * from './engine';
export * from './errors';
export * from './tensor';
export * from './planes';
export { OrtRunner } from './ort-runtime';
export type { OrtRunnerOptions } from './ort-runtime';
export * from './remote';
