// The Relayout panel UI (React). Talks only to the Host interface and the engine facade.
import React, { useMemo, useState } from 'react';
import { BUILTIN_PALETTES, Palette, PaletteClass } from '../layout';

export interface AppProps {
  /** Called when the user picks a class (sets Photoshop's foreground colour through the host). */
  onPickClass?: (cls: PaletteClass, palette: Palette) => void;
}

function hex(c: readonly number[]): string {
  return `#${c.map((v) => v.toString(16).padStart(2, '0')).join('')}`;
}

export function App({ onPickClass }: AppProps): React.JSX.Element {
  const [paletteName, setPaletteName] = useState('ade20k');
  const [query, setQuery] = useState('');
  const [picked, setPicked] = useState<PaletteClass | null>(null);
  const palette = BUILTIN_PALETTES[paletteName];
  const classes = useMemo(() => {
    const q = query.trim().toLowerCase();
    return palette.classes.filter((c) => !q || c.name.toLowerCase().includes(q));
  }, [palette, query]);

  return (
    <div className="relayout">
      <h2 className="title">Relayout</h2>
      <div className="row">
        {Object.values(BUILTIN_PALETTES).map((p) => (
          <button key={p.name} className={p.name === paletteName ? 'tab active' : 'tab'} onClick={() => setPaletteName(p.name)}>
            {p.name}
          </button>
        ))}
      </div>
      <input className="search" placeholder={`Search ${palette.classes.length} classes`} value={query} onChange={(e) => setQuery(e.target.value)} />
      <ul className="classes">
        {classes.map((c) => (
          <li
            key={c.label}
            className={picked?.label === c.label ? 'class picked' : 'class'}
            title={c.aliasOf ? `Same colour as ${palette.classes[c.aliasOf - 1].name}: decodes as it` : `rgb(${c.color.join(', ')})`}
            onClick={() => {
              setPicked(c);
              onPickClass?.(c, palette);
            }}
          >
            <span className="swatch" style={{ background: hex(c.color) }} />
            {c.name}
            {c.aliasOf ? ' *' : ''}
          </li>
        ))}
      </ul>
      <p className="status">
        {picked ? `Paint with ${picked.name} rgb(${picked.color.join(',')}) using the pencil.` : 'Pick a class to paint with.'} Generate arrives with the
        engine and host work (see README, "Status").
      </p>
    </div>
  );
}
