// Builds the loadable plugin folder dist/: manifest, index.html, index.js (the React panel), icons and
// models. photoshop, uxp, fs and os are provided by the UXP host at run time (externals).
const path = require('path');
const CopyPlugin = require('copy-webpack-plugin');

module.exports = (_env, argv) => ({
  mode: argv.mode || 'production',
  target: 'web',
  entry: { index: './src/panels/index.tsx' },
  output: {
    path: path.resolve(__dirname, 'dist'),
    filename: '[name].js',
    clean: { keep: /\.ccx$/ },
  },
  devtool: argv.mode === 'development' ? 'cheap-source-map' : false,
  externals: {
    photoshop: 'commonjs2 photoshop',
    uxp: 'commonjs2 uxp',
    fs: 'commonjs2 fs',
    os: 'commonjs2 os',
  },
  externalsType: 'commonjs2',
  resolve: { extensions: ['.tsx', '.ts', '.js', '.json'] },
  module: {
    rules: [
      { test: /\.tsx?$/, use: { loader: 'ts-loader', options: { configFile: 'tsconfig.json', onlyCompileBundledFiles: true } }, exclude: /node_modules/ },
      { test: /\.css$/, use: ['style-loader', 'css-loader'] },
    ],
  },
  plugins: [
    new CopyPlugin({
      patterns: [
        { from: 'manifest.json' },
        { from: 'src/panels/index.html' },
        { from: 'icons', to: 'icons' },
        { from: 'models', to: 'models', noErrorOnMissing: true, globOptions: { ignore: ['**/*.ts', '**/*.py'] } },
      ],
    }),
  ],
  performance: { hints: false },
});
