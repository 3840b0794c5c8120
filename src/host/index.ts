// Public face of src/host: the Host interface, its errors and layer names, and both implementations.
// UxpHost requires `photoshop`/`uxp` only when createUxpHost() runs, so browser bundles can import this.
export * from './host';
export * from './errors';
export * from './naming';
export { BrowserHost, MemoryStore } from './browser-host';
export type { BrowserDocument, BrowserLayer, KeyValueStore } from './browser-host';
export { UxpHost, createUxpHost } from './uxp-host';
