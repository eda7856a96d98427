/**
 * A bare page with the extension's renderers, outside JupyterLab: the benchmark (`npm run bench:ui`) and the
 * renderer tests draw fixture data here in headless Chromium. `window.cnnlab.render(kind, data)` resolves
 * with the milliseconds from data to drawn (renderModel's promise, then a frame).
 */
import { CnnlabRenderer, MIMES } from '../src/index';

type Kind = keyof typeof MIMES;

async function render(kind: Kind, data: unknown, width = 1000): Promise<{ ms: number; id: string }> {
  const w = new CnnlabRenderer(kind);
  const box = document.createElement('div');
  box.style.width = `${width}px`;
  box.className = 'harness-box';
  box.id = `out-${document.querySelectorAll('.harness-box').length}`;
  document.body.append(box);
  box.append(w.node);
  const t0 = performance.now();
  await w.renderModel({ data: { [MIMES[kind]]: data }, metadata: {}, trusted: true, setData: () => undefined } as never);
  await new Promise((r) => requestAnimationFrame(() => r(null)));
  return { ms: performance.now() - t0, id: box.id };
}

(window as unknown as { cnnlab: unknown }).cnnlab = { render, ready: true };

/** Clicks a graph output's "Expand all" and resolves with the ms until the expanded diagram is drawn. */
async function expandAll(id: string): Promise<{ ms: number; nodes: number }> {
  const box = document.getElementById(id)!;
  const g = box.querySelector('.cl-graph') as HTMLElement;
  const before = g.dataset.renderMs;
  const btn = [...box.querySelectorAll('button')].find((b) => b.textContent === 'Expand all')!;
  const t0 = performance.now();
  btn.click();
  while (g.dataset.renderMs === before) await new Promise((r) => setTimeout(r, 5));
  await new Promise((r) => requestAnimationFrame(() => r(null)));
  return { ms: performance.now() - t0, nodes: box.querySelectorAll('.cl-node').length };
}
(window as unknown as { cnnlab: Record<string, unknown> }).cnnlab.expandAll = expandAll;
