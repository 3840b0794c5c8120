// Serves the browser playground (`npm start`): the bundle in out/playground/ and the sample scenes, on
// loopback, with the cross-origin isolation headers that let onnxruntime-web use WASM threads.
// Also used by the end-to-end test (startPlaygroundServer). Node only; fastify, no static plugin.
const { createReadStream, existsSync, statSync } = require('fs');
const { extname, join, resolve, sep } = require('path');
const Fastify = require('fastify');

const ROOT = resolve(__dirname, '..');
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.onnx': 'application/octet-stream',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.map': 'application/json; charset=utf-8',
};

/** The file under `dir` for a URL path, or null when it is outside `dir` or missing. */
function fileFor(dir, urlPath) {
  const clean = decodeURIComponent(urlPath.split('?')[0]).replace(/^\/+/, '');
  const full = resolve(dir, clean || 'index.html');
  if (full !== dir && !full.startsWith(dir + sep)) return null;
  if (!existsSync(full) || !statSync(full).isFile()) return null;
  return full;
}

/**
 * Starts the server. `bundleDir` holds the built playground (webpack --env playground).
 * Resolves with { url, close }.
 */
async function startPlaygroundServer({ port = 8080, host = '127.0.0.1', bundleDir = join(ROOT, 'out', 'playground') } = {}) {
  if (!existsSync(bundleDir)) {
    throw new Error(`${bundleDir} is missing: build the playground first (npm run build:playground)`);
  }
  const mounts = [
    ['/samples/', join(ROOT, 'samples')],
    ['/', bundleDir],
  ];
  const app = Fastify({ logger: false });
  app.get('/*', (req, reply) => {
    const [prefix, dir] = mounts.find(([p]) => req.url.startsWith(p));
    const file = fileFor(dir, req.url.slice(prefix.length));
    if (!file) return reply.code(404).type('text/plain').send(`not found: ${req.url}`);
    return reply
      .header('Cross-Origin-Opener-Policy', 'same-origin')
      .header('Cross-Origin-Embedder-Policy', 'require-corp')
      .header('Cache-Control', 'no-cache')
      .type(TYPES[extname(file)] ?? 'application/octet-stream')
      .send(createReadStream(file));
  });
  const address = await app.listen({ port, host });
  return { url: address.replace(/\/?$/, '/'), close: () => app.close() };
}

module.exports = { startPlaygroundServer };

if (require.main === module) {
  const i = process.argv.indexOf('--port');
  const port = Number(i > 0 ? process.argv[i + 1] : process.env.PORT ?? 8080);
  startPlaygroundServer({ port })
    .then(({ url }) => console.log(`Relayout playground: ${url}  (smaller and faster: ${url}?scale=0.5)`))
    .catch((err) => {
      console.error(err.message);
      process.exit(1);
    });
}
