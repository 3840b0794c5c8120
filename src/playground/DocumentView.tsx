// The playground's stand-in for Photoshop's canvas: the photo with result layers (masked), the label
// layer as an overlay with adjustable opacity, the check layer of "Complete layout" above it, pencil painting with the mouse in the picked class colour,
// clearing the label layer (to paint strokes for Complete layout), and a layers list. Reads and changes only the BrowserHost's in-memory document.
import React, { useEffect, useReducer, useRef, useState } from 'react';
import { BrowserDocument, BrowserHost, CHECK_LAYER_NAME, LABEL_LAYER_NAME } from '../host';

function compositeBelowLabels(doc: BrowserDocument): ImageData {
  const { width, height } = doc;
  const out = new Uint8ClampedArray(width * height * 4);
  for (const layer of [...doc.layers].reverse()) {
    if (!layer.visible || layer.name === LABEL_LAYER_NAME || layer.name === CHECK_LAYER_NAME) continue;
    const s = layer.image.data;
    const m = layer.mask;
    for (let i = 0, p = 0; i < width * height; i++, p += 4) {
      const a = (s[p + 3] / 255) * layer.opacity * (m ? m[i] / 255 : 1);
      if (a <= 0) continue;
      out[p] = s[p] * a + out[p] * (1 - a);
      out[p + 1] = s[p + 1] * a + out[p + 1] * (1 - a);
      out[p + 2] = s[p + 2] * a + out[p + 2] * (1 - a);
      out[p + 3] = 255 * (a + (out[p + 3] / 255) * (1 - a));
    }
  }
  return new ImageData(out, width, height);
}

export function DocumentView({ host, documentId }: { host: BrowserHost; documentId: number }): React.JSX.Element {
  const [version, bump] = useReducer((x: number) => x + 1, 0);
  const [opacity, setOpacity] = useState(0.45);
  const doc = host.doc(documentId);
  const [brush, setBrush] = useState(Math.max(2, Math.round(doc.width / 64)));
  const baseRef = useRef<HTMLCanvasElement>(null);
  const labelRef = useRef<HTMLCanvasElement>(null);
  const checkRef = useRef<HTMLCanvasElement>(null);
  const stroke = useRef<{ x: number; y: number }[] | null>(null);

  useEffect(() => host.subscribe(bump), [host]);

  useEffect(() => {
    baseRef.current?.getContext('2d')?.putImageData(compositeBelowLabels(doc), 0, 0);
    const label = host.findLayer(doc, LABEL_LAYER_NAME);
    const ctx = labelRef.current?.getContext('2d');
    if (ctx) {
      ctx.clearRect(0, 0, doc.width, doc.height);
      if (label?.visible) ctx.putImageData(new ImageData(new Uint8ClampedArray(label.image.data), doc.width, doc.height), 0, 0);
    }
    // Above the label overlay and not faded with it, as in Photoshop's layer stack.
    const check = host.findLayer(doc, CHECK_LAYER_NAME);
    const cctx = checkRef.current?.getContext('2d');
    if (cctx) {
      cctx.clearRect(0, 0, doc.width, doc.height);
      if (check?.visible) cctx.putImageData(new ImageData(new Uint8ClampedArray(check.image.data), doc.width, doc.height), 0, 0);
    }
  }, [host, doc, version]);

  const toImage = (e: React.PointerEvent<HTMLCanvasElement>): { x: number; y: number } => {
    const r = e.currentTarget.getBoundingClientRect();
    return { x: ((e.clientX - r.left) * doc.width) / r.width, y: ((e.clientY - r.top) * doc.height) / r.height };
  };
  const preview = (a: { x: number; y: number }, b: { x: number; y: number }): void => {
    const ctx = labelRef.current?.getContext('2d');
    if (!ctx) return;
    ctx.strokeStyle = ctx.fillStyle = `rgb(${host.foreground.join(',')})`;
    ctx.lineWidth = brush * 2;
    ctx.lineCap = 'round';
    ctx.beginPath();
    ctx.moveTo(a.x, a.y);
    ctx.lineTo(b.x, b.y);
    ctx.stroke();
  };

  const hasLabels = !!host.findLayer(doc, LABEL_LAYER_NAME);
  return (
    <div className="docview">
      <div className="toolbar">
        <strong>{doc.title}</strong> {doc.width}×{doc.height}
        <label>
          Label opacity
          <input data-testid="label-opacity" type="range" min={0} max={1} step={0.05} value={opacity} onChange={(e) => setOpacity(Number(e.target.value))} />
        </label>
        <label>
          Pencil size
          <input data-testid="brush-size" type="range" min={1} max={Math.max(8, Math.round(doc.width / 8))} value={brush} onChange={(e) => setBrush(Number(e.target.value))} />
          {brush} px
        </label>
        <span className="fg" title="Foreground colour (pick a class in the panel)" style={{ background: `rgb(${host.foreground.join(',')})` }} />
        <button
          data-testid="clear-labels"
          disabled={!hasLabels}
          title="Make the whole label layer transparent (Select All + Delete in Photoshop), to paint strokes for Complete layout"
          onClick={() => host.clearLabelLayer(documentId)}
        >
          Clear labels
        </button>
      </div>
      <div className="stage" style={{ aspectRatio: `${doc.width} / ${doc.height}` }}>
        <canvas ref={baseRef} width={doc.width} height={doc.height} data-testid="photo-canvas" />
        <canvas
          ref={labelRef}
          width={doc.width}
          height={doc.height}
          data-testid="label-canvas"
          style={{ opacity, cursor: hasLabels ? 'crosshair' : 'not-allowed' }}
          onPointerDown={(e) => {
            if (!hasLabels) return;
            e.currentTarget.setPointerCapture(e.pointerId);
            const p = toImage(e);
            stroke.current = [p];
            preview(p, p);
          }}
          onPointerMove={(e) => {
            const s = stroke.current;
            if (!s) return;
            const p = toImage(e);
            preview(s[s.length - 1], p);
            s.push(p);
          }}
          onPointerUp={() => {
            const s = stroke.current;
            stroke.current = null;
            // The exact (hard-edged) stroke replaces the preview.
            if (s) host.paintStroke(documentId, s, brush);
          }}
        />
        <canvas ref={checkRef} width={doc.width} height={doc.height} data-testid="check-canvas" style={{ pointerEvents: 'none' }} />
      </div>
      <ul className="layers" data-testid="layers">
        {doc.layers.map((l) => (
          <li key={l.id} data-testid="layer" data-name={l.name}>
            <input
              type="checkbox"
              checked={l.visible}
              title={l.locked ? 'locked' : 'visible'}
              onChange={(e) => {
                l.visible = e.target.checked;
                host.changed();
              }}
            />
            {l.name}
            {l.locked ? ' (locked)' : ''}
            {l.mask ? ' (masked)' : ''}
          </li>
        ))}
      </ul>
    </div>
  );
}
