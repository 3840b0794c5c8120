// Public face of src/bridge: the engine bridge between the panel and an engine host (webview page, Web
// Worker) or the in-process engine. Imports src/inference and src/layout; never src/host or React.
export * from './protocol';
export * from './wire';
export * from './client';
export * from './server';
export * from './channels';
export * from './local-engine';
