// The browser playground (composition root): the Relayout panel beside a document view of a sample scene,
// an in-memory BrowserHost, and the engine in a Web Worker. Query: ?scale=0.25 (smaller, faster scene),
// ?scene=evening-glow, ?reference=summer-night|none.
import React from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserHost } from '../host';
import { App } from '../panels/App';
import '../panels/panel.css';
import './playground.css';
import { DocumentView } from './DocumentView';
import { loadSample } from './scene';
import { WorkerEngine } from './worker-engine';
import { remoteEditEngine } from '../panels/remote';

async function main(): Promise<void> {
  const params = new URLSearchParams(location.search);
  const scale = Math.min(1, Math.max(0.05, Number(params.get('scale') ?? 1) || 1));
  const sceneName = params.get('scene') ?? 'evening-glow';
  const referenceName = params.get('reference') ?? 'summer-night';
  const base = new URL('./', location.href).toString();

  const host = new BrowserHost(window.localStorage, base);
  // The user's first steps, done for them: the photo open, a label layer painted, marked as original.
  const scene = await loadSample(`${base}samples/`, sceneName, scale);
  const doc = host.addDocument(`${sceneName}.jpg`, scene.photo);
  host.setLabelLayer(doc.id, scene.layout);
  await host.markOriginalLayout(doc.id);
  if (referenceName !== 'none' && referenceName !== sceneName) {
    const ref = await loadSample(`${base}samples/`, referenceName, scale);
    const refDoc = host.addDocument(`${referenceName}.jpg`, ref.photo);
    host.setLabelLayer(refDoc.id, ref.layout);
  }
  doc.history.length = 0;

  // For the end-to-end test and for poking at it from the console.
  (window as unknown as { __relayout: unknown }).__relayout = { host, documentId: doc.id };

  const engines = { local: (choice: 'local-auto' | 'local-wasm') => new WorkerEngine({ wasmOnly: choice === 'local-wasm' }), remote: remoteEditEngine };
  createRoot(document.getElementById('app')!).render(
    <>
      <DocumentView host={host} documentId={doc.id} />
      <div className="panel-column">
        <App host={host} engines={engines} platform="web" subscribe={(l) => host.subscribe(l)} log={(m) => console.log(`[relayout] ${m}`)} />
      </div>
    </>,
  );
}

main().catch((err: unknown) => {
  document.body.textContent = `The playground could not start: ${(err as Error)?.message ?? String(err)}`;
  console.error(err);
});
