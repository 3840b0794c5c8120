// The Relayout panel (React): label layer workflow, class list, style source, backend, Generate with
// progress and Cancel. Talks only to the Host interface and an EditEngine; the only place errors become
// UI state (plain words in the message area, "Cancelled" not shown as a failure).
import React, { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { BUILTIN_PALETTES, PaletteClass } from '../layout';
import { DocumentInfo, Host } from '../host';
import { Detail, DETAILS, REFERENCE_LOOKS, ReferenceLook } from '../inference/job';
import { EditEngine, EngineFactories, engineFor } from './engines';
import { CompletionState, completeLabelLayer, completionWords } from './complete';
import { errorWords, generate, GenerateProgress } from './generate';
import { testRemoteConnection } from './remote';
import { BACKEND_LABELS, BackendChoice, DEFAULT_SETTINGS, DETAIL_LABELS, MAX_VARIATIONS, REFERENCE_LOOK_LABELS, readSettings, Settings, withRecent } from './settings';
import { LabelStatus, readStatus } from './status';
import { Button, Dropdown, Platform, PlatformContext, ProgressBar, TextField } from './ui';

export interface AppProps {
  host: Host;
  engines: EngineFactories;
  platform: Platform;
  /** Document-change notifications (the playground); in Photoshop the refresh button re-reads. */
  subscribe?: (listener: () => void) => () => void;
  log?: (message: string) => void;
}

type Message = { kind: 'error' | 'warning' | 'info'; text: string };

const TOKEN_KEY = 'remoteToken';
const PROGRESS_INTERVAL_MS = 100; // about 10 updates a second

function hex(c: readonly number[]): string {
  return `#${c.map((v) => v.toString(16).padStart(2, '0')).join('')}`;
}

function stageWords(p: GenerateProgress): string {
  const v = p.variations > 1 ? ` (variation ${p.variation + 1} of ${p.variations})` : '';
  switch (p.phase) {
    case 'read': return 'Reading the document';
    case 'send': return `Sending to the engine${v}`;
    case 'engine': return `Engine: ${p.stageId}${v}`;
    case 'receive': return `Receiving the result${v}`;
    case 'write': return 'Writing layers';
    default: return 'Done';
  }
}

function docLine(d: DocumentInfo | null): string {
  if (!d) return 'Open an RGB document to start.';
  const size = `${d.width}×${d.height}`;
  if (!d.supported) return `"${d.title}" is ${d.mode} ${d.bitsPerChannel}-bit: Relayout needs RGB (Image > Mode > RGB Color).`;
  return `${d.title} · ${size} · ${d.mode} ${d.bitsPerChannel}-bit`;
}

export function App({ host, engines, platform, subscribe, log }: AppProps): React.JSX.Element {
  const [settings, setSettings] = useState<Settings>(DEFAULT_SETTINGS);
  const [loaded, setLoaded] = useState(false);
  const [token, setToken] = useState('');
  const [docs, setDocs] = useState<DocumentInfo[]>([]);
  const [active, setActive] = useState<DocumentInfo | null>(null);
  const [referenceId, setReferenceId] = useState<number | null>(null);
  const [status, setStatus] = useState<LabelStatus | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [progress, setProgress] = useState<GenerateProgress | null>(null);
  const [message, setMessage] = useState<Message | null>(null);
  const [engineLabel, setEngineLabel] = useState('starting…');
  const [query, setQuery] = useState('');
  const [picked, setPicked] = useState<number | null>(null);
  const [completeFraction, setCompleteFraction] = useState(0);
  const [connection, setConnection] = useState<{ ok: boolean; text: string } | null>(null);
  // The last completion and its strokes: the next "Complete layout" changes only what new strokes affect.
  const completion = useRef<CompletionState | null>(null);
  const controller = useRef<AbortController | null>(null);
  const engineRef = useRef<{ key: string; engine: EditEngine } | null>(null);
  const lastProgress = useRef(0);

  const palette = BUILTIN_PALETTES[settings.palette] ?? BUILTIN_PALETTES.ade20k;

  const showError = useCallback(
    (err: unknown) => {
      const w = errorWords(err);
      setMessage({ kind: w.cancelled ? 'info' : 'error', text: w.text });
      if (!w.cancelled) log?.(`error: ${(err as Error)?.message ?? String(err)}`);
    },
    [log],
  );

  // ---- settings: load once, save on change ----
  useEffect(() => {
    void (async () => {
      setSettings(readSettings(await host.loadSettings().catch(() => null)));
      setToken((await host.readSecret(TOKEN_KEY).catch(() => null)) ?? '');
      setLoaded(true);
    })();
  }, [host]);
  useEffect(() => {
    if (!loaded) return undefined;
    const t = setTimeout(() => void host.saveSettings(settings).catch(showError), 300);
    return () => clearTimeout(t);
  }, [host, settings, loaded, showError]);
  useEffect(() => {
    if (!loaded) return undefined;
    const t = setTimeout(() => void host.writeSecret(TOKEN_KEY, token || null).catch(showError), 300);
    return () => clearTimeout(t);
  }, [host, token, loaded, showError]);

  // ---- document and label status ----
  const refresh = useCallback(async () => {
    try {
      const list = await host.listDocuments();
      const a = await host.activeDocument();
      setDocs(list);
      setActive(a);
      setStatus(a && a.supported ? await readStatus(host, a.id, palette) : null);
    } catch (err) {
      showError(err);
    }
  }, [host, palette, showError]);
  useEffect(() => {
    void refresh();
  }, [refresh]);
  // In Photoshop the user paints outside the panel: re-read when the pointer comes back (at most every 2 s).
  const lastEnter = useRef(0);
  const onPointerEnter = (): void => {
    if (subscribe || busy || Date.now() - lastEnter.current < 2000) return;
    lastEnter.current = Date.now();
    void refresh();
  };
  useEffect(() => {
    if (!subscribe) return undefined;
    let t: ReturnType<typeof setTimeout> | null = null;
    const off = subscribe(() => {
      if (t) clearTimeout(t);
      t = setTimeout(() => void refresh(), 250);
    });
    return () => {
      off();
      if (t) clearTimeout(t);
    };
  }, [subscribe, refresh]);

  // ---- engine: one per backend choice, started early so it is warm by Generate ----
  const remote = useMemo(() => ({ url: settings.remoteUrl, model: settings.remoteModel, token: token || null }), [settings.remoteUrl, settings.remoteModel, token]);
  useEffect(() => setConnection(null), [remote]); // an old result would describe other settings
  const getEngine = useCallback((): EditEngine => {
    const key = settings.backend === 'remote' ? `remote|${remote.url}|${remote.model}|${remote.token ?? ''}` : settings.backend;
    if (engineRef.current?.key === key) return engineRef.current.engine;
    engineRef.current?.engine.dispose();
    engineRef.current = null;
    const engine = engineFor(settings.backend, engines, remote);
    engineRef.current = { key, engine };
    return engine;
  }, [settings.backend, engines, remote]);
  useEffect(() => {
    if (!loaded) return;
    if (settings.backend === 'remote') {
      setEngineLabel('remote (connects on Generate)');
      return;
    }
    let alive = true;
    setEngineLabel('starting…');
    try {
      getEngine()
        .ready()
        .then((b) => alive && setEngineLabel(b))
        .catch((err: unknown) => {
          if (!alive) return;
          setEngineLabel('unavailable');
          showError(err);
        });
    } catch (err) {
      setEngineLabel('unavailable');
      showError(err);
    }
    return () => {
      alive = false;
    };
  }, [loaded, settings.backend, getEngine, showError]);
  useEffect(() => () => engineRef.current?.engine.dispose(), []);

  // ---- actions ----
  const act = useCallback(
    async (name: string, fn: () => Promise<unknown>, done?: string) => {
      setBusy(name);
      setMessage(null);
      try {
        await fn();
        if (done) setMessage({ kind: 'info', text: done });
      } catch (err) {
        showError(err);
      } finally {
        setBusy(null);
        await refresh();
      }
    },
    [refresh, showError],
  );

  const pickClass = (c: PaletteClass): void => {
    setPicked(c.label);
    setSettings((s) => withRecent(s, c.label));
    host.pickPaintColor(c.color).catch(showError);
  };

  const onGenerate = async (): Promise<void> => {
    if (!active) return;
    const ac = new AbortController();
    controller.current = ac;
    setBusy('generate');
    setMessage(null);
    setProgress(null);
    lastProgress.current = 0;
    const warnings: string[] = [];
    try {
      const engine = getEngine();
      const out = await generate(
        host,
        engine,
        { documentId: active.id, referenceId, palette, seed: settings.seed, variations: settings.variations, detail: settings.detail, referenceLook: settings.referenceLook },
        {
          signal: ac.signal,
          onWarning: (w) => warnings.push(w),
          onProgress: (p) => {
            const now = Date.now();
            if (now - lastProgress.current < PROGRESS_INTERVAL_MS && p.phase !== 'done' && p.phase !== 'write') return;
            lastProgress.current = now;
            setProgress(p);
          },
        },
      );
      const names = out.layers.map((l) => `"${l.name}"`).join(', ');
      setMessage({ kind: warnings.length ? 'warning' : 'info', text: `Added ${names} in ${out.seconds.toFixed(1)} s.${warnings.length ? ` ${warnings.join(' ')}` : ''}` });
    } catch (err) {
      showError(err);
    } finally {
      controller.current = null;
      setBusy(null);
      setProgress(null);
      await refresh();
    }
  };

  const onComplete = async (): Promise<void> => {
    if (!active) return;
    const ac = new AbortController();
    controller.current = ac;
    setBusy('complete');
    setMessage(null);
    setCompleteFraction(0);
    try {
      const out = await completeLabelLayer(host, { documentId: active.id, palette, previous: completion.current }, { signal: ac.signal, onProgress: setCompleteFraction });
      completion.current = out.state;
      setMessage({ kind: out.lowConfidencePixels ? 'warning' : 'info', text: completionWords(out) });
    } catch (err) {
      const w = errorWords(err);
      setMessage({ kind: w.cancelled ? 'info' : 'error', text: w.cancelled ? 'Cancelled. The label layer is unchanged.' : w.text });
      if (!w.cancelled) log?.(`error: ${(err as Error)?.message ?? String(err)}`);
    } finally {
      controller.current = null;
      setBusy(null);
      await refresh();
    }
  };

  const onTestConnection = async (): Promise<void> => {
    setBusy('connection');
    setConnection({ ok: true, text: `Connecting to ${remote.url}…` });
    try {
      setConnection(await testRemoteConnection(remote));
    } finally {
      setBusy(null);
    }
  };

  // ---- derived view data ----
  const classes = useMemo(() => {
    const q = query.trim().toLowerCase();
    return palette.classes.filter((c) => !q || c.name.toLowerCase().includes(q));
  }, [palette, query]);
  const recent = (settings.recent[settings.palette] ?? []).map((l) => palette.classes[l - 1]).filter((c): c is PaletteClass => !!c);
  const references = docs.filter((d) => d.supported && d.id !== active?.id);
  const canEdit = !!active?.supported && !busy;
  const update = (patch: Partial<Settings>): void => setSettings((s) => ({ ...s, ...patch }));

  return (
    <PlatformContext.Provider value={platform}>
      <div className="relayout" onPointerEnter={onPointerEnter}>
        <div className="header">
          <h2 className="title">Relayout</h2>
          <span className="engine" data-testid="engine-status" title="Where the engine runs">
            Engine: {engineLabel}
          </span>
        </div>
        <p className="doc" data-testid="document">
          {docLine(active)}
        </p>

        <section>
          <h3>Label layer</h3>
          <div className="row wrap">
            <Button label="New label layer" testId="new-label-layer" disabled={!canEdit || !!status?.hasLabelLayer} onClick={() => active && act('label', () => host.createLabelLayer(active.id), 'Label layer added: paint the layout with the classes below.')} />
            <Button label="Mark current layout as original" title="Store the label layer as it is now; edits are measured against it (replaces a stored original)" testId="mark-original" disabled={!canEdit || !status?.hasLabelLayer} onClick={() => active && act('label', () => host.markOriginalLayout(active.id), 'Original layout stored (hidden, locked layer). Now repaint what should change.')} />
            <Button label="Reset" title="Put the original layout back into the label layer" testId="reset-labels" disabled={!canEdit || !status?.hasOriginal} onClick={() => active && act('label', () => host.resetLabelLayer(active.id), 'Label layer reset to the original layout.')} />
            <Button label="Complete layout" title="Grow the strokes on the label layer (transparent = unlabeled) into a full layout that follows the photo's edges" testId="complete-layout" disabled={!canEdit || !status?.hasLabelLayer} onClick={() => void onComplete()} />
            <Button label="↻" title="Read the document again" testId="refresh" disabled={!!busy} onClick={() => void refresh()} />
          </div>
          {busy === 'complete' && (
            <div className="row">
              <ProgressBar testId="complete-progress" value={completeFraction} label="Completing the layout" />
              <Button label="Cancel" testId="cancel-complete" onClick={() => controller.current?.abort()} />
            </div>
          )}
          <p className="status" data-testid="status-labels">
            {status?.labelsLine ?? ''}
          </p>
          <p className="status" data-testid="status-edit">
            {status?.editLine ?? ''}
          </p>
        </section>

        <section>
          <h3>Classes</h3>
          <Dropdown
            value={settings.palette}
            testId="palette"
            options={Object.values(BUILTIN_PALETTES).map((p) => ({ value: p.name, label: `${p.title} (${p.classes.length})` }))}
            onChange={(v) => update({ palette: v })}
          />
          <TextField value={query} onChange={setQuery} placeholder={`Search ${palette.classes.length} classes`} testId="class-search" />
          {recent.length > 0 && (
            <div className="recent" data-testid="recent">
              {recent.map((c) => (
                <span key={c.label} className="chip" title={c.name} onClick={() => pickClass(c)}>
                  <span className="swatch" style={{ background: hex(c.color) }} />
                  {c.name}
                </span>
              ))}
            </div>
          )}
          <ul className="classes" data-testid="classes">
            {classes.map((c) => (
              <li
                key={c.label}
                data-testid={`class-${c.name}`}
                className={picked === c.label ? 'class picked' : 'class'}
                title={c.aliasOf ? `Same colour as ${palette.classes[c.aliasOf - 1].name}: decodes as it` : `rgb(${c.color.join(', ')})`}
                onClick={() => pickClass(c)}
              >
                <span className="swatch" style={{ background: hex(c.color) }} />
                {c.name}
                {c.aliasOf ? ' *' : ''}
              </li>
            ))}
          </ul>
          <p className="hint">{picked ? `Painting with ${palette.classes[picked - 1].name}: ${platform === 'uxp' ? 'pencil tool, exact colour' : 'drag on the picture'}.` : 'Pick a class: it becomes the foreground colour, with the pencil tool.'}</p>
        </section>

        <section>
          <h3>Style from</h3>
          <Dropdown
            value={String(referenceId ?? 'self')}
            testId="reference"
            options={[{ value: 'self', label: 'This document' }, ...references.map((d) => ({ value: String(d.id), label: `${d.title}${d.hasLabelLayer ? ' (with labels)' : ' (no label layer)'}` }))]}
            onChange={(v) => setReferenceId(v === 'self' ? null : Number(v))}
          />
          {referenceId !== null && (
            <Dropdown<ReferenceLook>
              value={settings.referenceLook}
              testId="reference-look"
              options={REFERENCE_LOOKS.map((l) => ({ value: l, label: REFERENCE_LOOK_LABELS[l] }))}
              onChange={(v) => update({ referenceLook: v })}
            />
          )}
        </section>

        <section>
          <h3>Engine</h3>
          <Dropdown<BackendChoice>
            value={settings.backend}
            testId="backend"
            options={(Object.keys(BACKEND_LABELS) as BackendChoice[]).map((b) => ({ value: b, label: BACKEND_LABELS[b] }))}
            onChange={(v) => update({ backend: v })}
          />
          {settings.backend === 'remote' && (
            <div className="remote">
              <TextField value={settings.remoteUrl} onChange={(v) => update({ remoteUrl: v })} placeholder="https://server:8000" testId="remote-url" />
              <TextField value={settings.remoteModel} onChange={(v) => update({ remoteModel: v })} placeholder="model name" testId="remote-model" />
              <TextField value={token} onChange={setToken} placeholder={platform === 'uxp' ? 'token (kept in secure storage)' : 'token (kept in memory only)'} type="password" testId="remote-token" />
              <div className="row">
                <Button label="Test connection" testId="test-connection" disabled={!!busy} onClick={() => void onTestConnection()} />
              </div>
              {connection && (
                <p className={`message ${connection.ok ? 'info' : 'error'}`} data-testid="connection">
                  {connection.text}
                </p>
              )}
            </div>
          )}
          <Dropdown<Detail>
            value={settings.detail}
            testId="detail"
            options={DETAILS.map((d) => ({ value: d, label: DETAIL_LABELS[d] }))}
            onChange={(v) => update({ detail: v })}
          />
          <div className="row">
            <label className="small">Seed</label>
            <TextField value={String(settings.seed)} type="number" width="70px" testId="seed" onChange={(v) => update({ seed: Math.max(0, Math.floor(Number(v) || 0)) })} />
            <label className="small">Variations</label>
            <TextField value={String(settings.variations)} type="number" width="50px" testId="variations" onChange={(v) => update({ variations: Math.min(MAX_VARIATIONS, Math.max(1, Math.floor(Number(v) || 1))) })} />
          </div>
        </section>

        <section>
          {status?.selectionLine && (
            <p className="note" data-testid="selection-note">
              {status.selectionLine}
            </p>
          )}
          <div className="row">
            <Button label="Generate" primary testId="generate" disabled={!canEdit || !status?.hasLabelLayer} onClick={() => void onGenerate()} />
            <Button label="Cancel" testId="cancel" disabled={busy !== 'generate'} onClick={() => controller.current?.abort()} />
          </div>
          {busy === 'generate' && <ProgressBar testId="progress" value={progress?.fraction ?? 0} label={progress ? stageWords(progress) : 'Starting'} />}
          {message && (
            <p className={`message ${message.kind}`} data-testid="message">
              {message.text}
            </p>
          )}
        </section>
      </div>
    </PlatformContext.Provider>
  );
}
