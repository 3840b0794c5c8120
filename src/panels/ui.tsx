// Small controls that render Spectrum UXP widgets inside Photoshop and plain HTML in a browser. In UXP,
// React attaches no handlers to `sp-*` web components, so events are wired with refs; `class` replaces
// `className` on them; no `sp-*` tag is self-closing; sp-dropdown rather than sp-picker (UXP docs).
import React, { createContext, useContext, useEffect, useRef } from 'react';

export type Platform = 'uxp' | 'web';
export const PlatformContext = createContext<Platform>('web');

/** Adds a DOM listener through a ref, always calling the latest handler. */
function useDomEvent(ref: React.RefObject<HTMLElement | null>, event: string, handler: (e: Event) => void): void {
  const latest = useRef(handler);
  latest.current = handler;
  useEffect(() => {
    const el = ref.current;
    if (!el) return undefined;
    const h = (e: Event): void => latest.current(e);
    el.addEventListener(event, h);
    return () => el.removeEventListener(event, h);
  }, [ref, event]);
}

export function Button(props: { label: string; onClick: () => void; disabled?: boolean; primary?: boolean; testId?: string; title?: string }): React.JSX.Element {
  const platform = useContext(PlatformContext);
  const ref = useRef<HTMLElement>(null);
  useDomEvent(ref, 'click', () => {
    if (!props.disabled) props.onClick();
  });
  if (platform === 'uxp') {
    return (
      <sp-button ref={ref} variant={props.primary ? 'cta' : 'secondary'} disabled={props.disabled ? true : undefined} data-testid={props.testId} title={props.title}>
        {props.label}
      </sp-button>
    );
  }
  return (
    <button ref={ref as React.RefObject<HTMLButtonElement>} className={props.primary ? 'btn primary' : 'btn'} disabled={props.disabled} data-testid={props.testId} title={props.title}>
      {props.label}
    </button>
  );
}

export function TextField(props: { value: string; onChange: (v: string) => void; placeholder?: string; type?: 'text' | 'number' | 'password'; testId?: string; width?: string }): React.JSX.Element {
  const platform = useContext(PlatformContext);
  const ref = useRef<HTMLElement>(null);
  useDomEvent(ref, 'input', (e) => props.onChange(String((e.target as HTMLInputElement).value ?? '')));
  // Keep the element's value in step with state (sp-textfield is not a React-controlled input).
  useEffect(() => {
    const el = ref.current as HTMLInputElement | null;
    if (el && el.value !== props.value) el.value = props.value;
  }, [props.value]);
  const style = props.width ? { width: props.width } : undefined;
  if (platform === 'uxp') return <sp-textfield ref={ref} type={props.type ?? 'text'} placeholder={props.placeholder} data-testid={props.testId} style={style}></sp-textfield>;
  return <input ref={ref as React.RefObject<HTMLInputElement>} className="field" type={props.type ?? 'text'} placeholder={props.placeholder} data-testid={props.testId} defaultValue={props.value} style={style} />;
}

export interface Option<T extends string> {
  value: T;
  label: string;
}

export function Dropdown<T extends string>(props: { value: T; options: Option<T>[]; onChange: (v: T) => void; testId?: string }): React.JSX.Element {
  const platform = useContext(PlatformContext);
  const ref = useRef<HTMLElement>(null);
  useDomEvent(ref, 'change', (e) => {
    const i = (e.target as HTMLSelectElement).selectedIndex;
    const o = props.options[i];
    if (o) props.onChange(o.value);
  });
  if (platform === 'uxp') {
    return (
      <sp-dropdown ref={ref} data-testid={props.testId} style={{ width: '100%' }}>
        <sp-menu slot="options">
          {props.options.map((o) => (
            <sp-menu-item key={o.value} selected={o.value === props.value ? true : undefined}>
              {o.label}
            </sp-menu-item>
          ))}
        </sp-menu>
      </sp-dropdown>
    );
  }
  return (
    <select ref={ref as React.RefObject<HTMLSelectElement>} className="field" value={props.value} data-testid={props.testId} onChange={() => undefined}>
      {props.options.map((o) => (
        <option key={o.value} value={o.value}>
          {o.label}
        </option>
      ))}
    </select>
  );
}

/** 0..1 progress with a label. */
export function ProgressBar(props: { value: number; label: string; testId?: string }): React.JSX.Element {
  const platform = useContext(PlatformContext);
  const pct = Math.round(props.value * 100);
  return (
    <div className="progress" data-testid={props.testId} data-value={pct}>
      {platform === 'uxp' ? (
        <sp-progressbar max={100} value={pct} style={{ width: '100%' }}></sp-progressbar>
      ) : (
        <progress max={100} value={pct} />
      )}
      <div className="progress-label">
        {props.label} — {pct}%
      </div>
    </div>
  );
}
