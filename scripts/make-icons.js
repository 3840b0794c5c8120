// Draws the plugin and panel icons (simple geometric PNGs) into icons/. Run: node scripts/make-icons.js
// The committed PNGs are this script's output.
const { writeFileSync } = require('fs');
const { join } = require('path');
const { PNG } = require('pngjs');

// A stylised label map: sky, a mountain ridge, water: the product in one glyph.
function pluginIcon(size) {
  const png = new PNG({ width: size, height: size });
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const u = (x + 0.5) / size, v = (y + 0.5) / size;
      const ridge = 0.55 - 0.3 * Math.max(0, 1 - Math.abs(u - 0.4) * 2.2);
      let c = [6, 230, 230]; // sky
      if (v > ridge) c = [143, 255, 140]; // mountain
      if (v > 0.7) c = [61, 230, 250]; // water
      const border = x === 0 || y === 0 || x === size - 1 || y === size - 1;
      const i = (y * size + x) * 4;
      png.data[i] = border ? 40 : c[0];
      png.data[i + 1] = border ? 40 : c[1];
      png.data[i + 2] = border ? 40 : c[2];
      png.data[i + 3] = 255;
    }
  }
  return png;
}

// Monochrome panel glyph: a square split by a ridge line, in the theme's foreground colour.
function panelIcon(size, grey) {
  const png = new PNG({ width: size, height: size });
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const u = (x + 0.5) / size, v = (y + 0.5) / size;
      const ridge = 0.6 - 0.35 * Math.max(0, 1 - Math.abs(u - 0.45) * 2.2);
      const inFrame = u > 0.08 && u < 0.92 && v > 0.08 && v < 0.92;
      const frame = inFrame && (u < 0.16 || u > 0.84 || v < 0.16 || v > 0.84);
      const on = frame || (inFrame && v > ridge);
      const i = (y * size + x) * 4;
      png.data[i] = png.data[i + 1] = png.data[i + 2] = grey;
      png.data[i + 3] = on ? 255 : 0;
    }
  }
  return png;
}

const out = join(__dirname, '..', 'icons');
const write = (name, png) => writeFileSync(join(out, name), PNG.sync.write(png));
write('plugin@1x.png', pluginIcon(24));
write('plugin@2x.png', pluginIcon(48));
write('panel-dark@1x.png', panelIcon(23, 230));
write('panel-dark@2x.png', panelIcon(46, 230));
write('panel-light@1x.png', panelIcon(23, 40));
write('panel-light@2x.png', panelIcon(46, 40));
console.log('icons written to', out);
