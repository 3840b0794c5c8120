// Webpack-handled imports (style-loader injects CSS; the module has no exports we use).
declare module '*.css';
