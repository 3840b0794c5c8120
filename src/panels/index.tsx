// Panel entry (composition root inside Photoshop): registers the UXP panel and renders the React app.
import React from 'react';
import { createRoot, Root } from 'react-dom/client';
import { entrypoints } from 'uxp';
import { App } from './App';
import './panel.css';

let root: Root | null = null;

// The declared type is wrong (see types/uxp-entrypoints.d.ts), so call through the correct signature.
const setup = entrypoints.setup.bind(entrypoints) as unknown as (e: UxpEntrypointsSetup) => void;

setup({
  panels: {
    relayoutPanel: {
      show(node: HTMLElement) {
        if (root) return;
        const mount = document.createElement('div');
        node.appendChild(mount);
        root = createRoot(mount);
        root.render(<App />);
      },
      destroy() {
        root?.unmount();
        root = null;
      },
    },
  },
});
