// Public face of src/inference/remote: the Open Inference Protocol (KServe v2) wire format, the client,
// the `relayout` pipeline contract, remote edits with tiling, and "test connection". Platform-neutral.
export * from './kserve-wire';
export * from './kserve-client';
export * from './remote-error';
export * from './pipeline-contract';
export * from './tiling';
export * from './remote-edit';
export * from './connection-check';
export * from './stage-runner';
export * from './remote-engine';
