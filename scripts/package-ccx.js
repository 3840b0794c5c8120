// Zips the built plugin folder dist/ into dist/relayout-<version>.ccx (manifest at the zip's root), the
// format Creative Cloud and the UXP Developer Tool install. Run after `npm run build` (npm run package).
const { readFileSync, readdirSync, statSync, writeFileSync, existsSync } = require('fs');
const { join, relative } = require('path');
const JSZip = require('jszip');

const dist = join(__dirname, '..', 'dist');
if (!existsSync(join(dist, 'manifest.json'))) {
  console.error('dist/manifest.json missing: run `npm run build` first');
  process.exit(1);
}
const { version } = JSON.parse(readFileSync(join(dist, 'manifest.json'), 'utf8'));
const zip = new JSZip();
function add(dir) {
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) add(full);
    else if (!name.endsWith('.ccx')) zip.file(relative(dist, full).split('\\').join('/'), readFileSync(full));
  }
}
add(dist);
const out = join(dist, `relayout-${version}.ccx`);
zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' }).then((buf) => {
  writeFileSync(out, buf);
  console.log(`wrote ${relative(process.cwd(), out)} (${(buf.length / 1024).toFixed(0)} KiB)`);
});
