// Builds the plugin exactly as `npm run package` does and checks what Photoshop will load.
import { execSync } from 'child_process';
import { existsSync, readdirSync, readFileSync } from 'fs';
import JSZip from 'jszip';
import { join } from 'path';

const ROOT = join(__dirname, '..', '..');
const dist = (...p: string[]): string => join(ROOT, 'dist', ...p);

beforeAll(() => {
  execSync('npm run package', { cwd: ROOT, stdio: 'pipe' });
}, 240000);

interface Icon { path: string; scale: number[] }
interface Manifest {
  manifestVersion: number;
  version: string;
  main: string;
  host: { app: string; minVersion: string };
  entrypoints: { type: string; id: string; icons: Icon[] }[];
  icons: Icon[];
  requiredPermissions: { network: { domains: unknown }; localFileSystem: string; webview: { allowLocalRendering: string; enableMessageBridge: string } };
}

describe('the built plugin folder', () => {
  const manifest = (): Manifest => JSON.parse(readFileSync(dist('manifest.json'), 'utf8')) as Manifest;

  test('manifest v5 with one Relayout panel whose id the bundle registers', () => {
    const m = manifest();
    expect(m.manifestVersion).toBe(5);
    expect(m.host.app).toBe('PS');
    expect(m.version).toBe(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version);
    expect(m.entrypoints).toHaveLength(1);
    expect(m.entrypoints[0].type).toBe('panel');
    const bundle = readFileSync(dist(m.main === 'index.html' ? 'index.js' : m.main), 'utf8');
    expect(bundle).toContain(m.entrypoints[0].id);
    expect(existsSync(dist(m.main))).toBe(true);
  });

  test('every icon exists at every declared scale', () => {
    const m = manifest();
    const icons = [...m.icons, ...m.entrypoints.flatMap((e) => e.icons)];
    for (const icon of icons) {
      for (const s of icon.scale) expect(existsSync(dist(icon.path.replace(/\.png$/, `@${s}x.png`)))).toBe(true);
    }
  });

  test('permissions: any endpoint, plugin files, local webview with a local-only bridge', () => {
    const p = manifest().requiredPermissions;
    expect(p.network.domains).toBe('all');
    expect(p.localFileSystem).toBe('plugin');
    expect(p.webview).toMatchObject({ allowLocalRendering: 'yes', enableMessageBridge: 'localOnly' });
  });

  test('host modules stay external (required at run time, not bundled)', () => {
    const bundle = readFileSync(dist('index.js'), 'utf8');
    expect(bundle).toMatch(/require\("uxp"\)/);
  });

  test('the engine ships inside: webview engine page, ort .wasm for it and for the in-UXP fallback, every model', () => {
    expect(existsSync(dist('engine', 'index.html'))).toBe(true);
    expect(readFileSync(dist('engine', 'index.html'), 'utf8')).toContain('engine.js');
    expect(existsSync(dist('engine', 'ort-wasm-simd-threaded.jsep.wasm'))).toBe(true);
    expect(existsSync(dist('ort-uxp', 'ort-wasm-simd-threaded.wasm'))).toBe(true);
    for (const id of readdirSync(join(ROOT, 'models')).filter((n) => existsSync(join(ROOT, 'models', n, 'model.onnx')))) {
      expect(existsSync(dist('models', id, 'model.onnx'))).toBe(true);
      expect(existsSync(dist('models', id, 'contract.json'))).toBe(true);
    }
    // Built bundles must not carry this machine's paths, and UXP forbids `new Function` in the panel.
    for (const f of [dist('index.js'), dist('engine', 'engine.js')]) expect(readFileSync(f, 'utf8')).not.toContain('file:///');
    expect(readFileSync(dist('index.js'), 'utf8')).not.toContain('new Function');
  });

  test('the .ccx is a zip with the manifest at its root', async () => {
    const m = manifest();
    const zip = await JSZip.loadAsync(readFileSync(dist(`relayout-${m.version}.ccx`)));
    const names = Object.keys(zip.files);
    expect(names).toContain('manifest.json');
    expect(names).toContain('index.js');
    expect(names).toContain('index.html');
    expect(names.some((n) => n.startsWith('icons/'))).toBe(true);
    expect(names.some((n) => n.endsWith('.ccx'))).toBe(false);
  });
});
