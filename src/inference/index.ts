// Public face of src/inference: the job type, the generators and the output contract. Imports only
// src/layout (never src/host, src/panels or React).
export * from './job';
export * from './composite';
export * from './baseline';
export * from './edit';
