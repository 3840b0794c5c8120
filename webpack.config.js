// Builds the loadable plugin folder dist/: manifest, index.html, index.js (the React panel), icons, models,
// the engine page (dist/engine/: runs in a hidden webview) and onnxruntime-web's .wasm files.
// `--env playground` builds the browser playground into out/playground/ instead (served by `npm start`).
// photoshop, uxp, fs and os are provided by the UXP host at run time (externals).
const path = require('path');
const webpack = require('webpack');
const CopyPlugin = require('copy-webpack-plugin');

const ORT_DIST = path.resolve(__dirname, 'node_modules/onnxruntime-web/dist');

// transpileOnly: `npm run typecheck` type-checks the whole program with tsc. ts-loader's partial program
// resolves DOM globals differently where @adobe/cc-ext-uxp-types redeclares them (e.g. AbortSignal without
// addEventListener), so bundling does not type-check twice (isolatedModules keeps transpiling safe).
const tsRule = { test: /\.tsx?$/, use: { loader: 'ts-loader', options: { configFile: 'tsconfig.json', onlyCompileBundledFiles: true, transpileOnly: true } }, exclude: /node_modules/ };
const cssRule = { test: /\.css$/, use: ['style-loader', 'css-loader'] };
const modelsPattern = (to) => ({ from: 'models', to, noErrorOnMissing: true, globOptions: { ignore: ['**/*.ts', '**/*.py', '**/README.md'] } });

/**
 * onnxruntime-web flavours: the ESM "bundle" builds embed the Emscripten glue, so only the .wasm must be
 * found at run time (no dynamic import of a glue script, which UXP cannot do). WebGPU (JSEP) + WASM for
 * browsers and webviews; the WASM-only build inside UXP (it has no `new Function`, which UXP forbids).
 */
const ortAlias = (file) => ({ 'onnxruntime-web$': `${ORT_DIST}/${file}` });
// Leave `new URL(..., import.meta.url)` and `new Worker(...)` in ort's code alone: we tell ort where its
// .wasm is (wasmPaths / wasmBinary) and never use its proxy worker.
const ortParser = { javascript: { url: false, worker: false } };
// ort's bundles read `import.meta.url`, which webpack would replace with this machine's file path: use
// the running script's own location instead (the page, the worker, or UXP's plugin:/ panel).
const importMetaUrl = () => new webpack.DefinePlugin({ 'import.meta.url': '(typeof location !== "undefined" ? String(location.href) : "")' });

const common = (argv) => ({
  mode: argv.mode || 'production',
  devtool: argv.mode === 'development' ? 'cheap-source-map' : false,
  resolve: { extensions: ['.tsx', '.ts', '.js', '.json'] },
  performance: { hints: false },
});

const externals = { photoshop: 'commonjs2 photoshop', uxp: 'commonjs2 uxp', fs: 'commonjs2 fs', os: 'commonjs2 os' };

/** The panel that Photoshop loads (index.html → index.js). */
const panel = (argv) => ({
  ...common(argv),
  name: 'panel',
  target: 'web',
  entry: { index: './src/panels/index.tsx' },
  output: { path: path.resolve(__dirname, 'dist'), filename: '[name].js', clean: { keep: /\.ccx$/ } },
  externals,
  externalsType: 'commonjs2',
  resolve: { ...common(argv).resolve, alias: ortAlias('ort.wasm.bundle.min.mjs') },
  module: { parser: ortParser, rules: [tsRule, cssRule] },
  plugins: [
    importMetaUrl(),
    new CopyPlugin({
      patterns: [
        { from: 'manifest.json' },
        { from: 'src/panels/index.html' },
        { from: 'icons', to: 'icons' },
        modelsPattern('models'),
        // The in-UXP fallback engine reads this .wasm with the plugin file API and hands ort the bytes.
        { from: `${ORT_DIST}/ort-wasm-simd-threaded.wasm`, to: 'ort-uxp/' },
      ],
    }),
  ],
});

/**
 * The engine page loaded in a hidden webview (dist/engine/index.html → engine.js). `standalone` builds it
 * alone into out/engine-page/ (with the models beside it) for the browser test of the shipped page.
 */
const enginePage = (argv, standalone = false) => ({
  ...common(argv),
  name: 'engine-page',
  dependencies: standalone ? [] : ['panel'], // after the panel's build, which cleans dist/
  target: 'web',
  entry: { engine: './src/bridge/engine-page.ts' },
  output: { path: path.resolve(__dirname, standalone ? 'out/engine-page/engine' : 'dist/engine'), filename: '[name].js' },
  resolve: { ...common(argv).resolve, alias: ortAlias('ort.bundle.min.mjs') },
  module: { parser: ortParser, rules: [tsRule] },
  plugins: [
    importMetaUrl(),
    new CopyPlugin({
      patterns: [
        { from: 'src/bridge/engine.html', to: 'index.html' },
        { from: `${ORT_DIST}/ort-wasm-simd-threaded.jsep.wasm` },
        ...(standalone ? [modelsPattern('../models')] : []),
      ],
    }),
  ],
});

/** The browser playground: the panel beside a document view, the engine in a Web Worker. */
const playground = (argv) => ({
  ...common(argv),
  name: 'playground',
  target: 'web',
  entry: { playground: './src/playground/main.tsx', 'engine-worker': './src/playground/engine-worker.ts' },
  output: { path: path.resolve(__dirname, 'out/playground'), filename: '[name].js', globalObject: 'self', clean: true },
  externals,
  externalsType: 'commonjs2',
  resolve: { ...common(argv).resolve, alias: ortAlias('ort.bundle.min.mjs') },
  module: { parser: ortParser, rules: [tsRule, cssRule] },
  plugins: [
    importMetaUrl(),
    new CopyPlugin({
      patterns: [
        { from: 'src/playground/index.html' },
        modelsPattern('models'),
        { from: `${ORT_DIST}/ort-wasm-simd-threaded.jsep.wasm`, to: 'ort/' },
      ],
    }),
  ],
});

module.exports = (env = {}, argv = {}) => {
  if (env.playground) return playground(argv);
  if (env.enginePage) return enginePage(argv, true);
  return [panel(argv), enginePage(argv)];
};
