// Public face of src/layout: palettes, label decoding/encoding, edit masks, polygons. Pure typed-array
// code that runs unchanged in the panel, the webview, the CLI and the server; imports no platform API.
export * from './errors';
export * from './image';
export * from './palette';
export * from './decode';
export * from './encode';
export * from './mask';
export * from './polygon';
export * from './resample';
export { boxMean } from './box-mean';
export { squaredDistanceTransform } from './distance';
export { dilateCells } from './complete-coarse';
export { prng } from './random';
export * from './complete';
export { utf8Decode, utf8Encode } from './utf8';
