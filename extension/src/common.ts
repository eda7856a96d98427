/**
 * Small DOM helpers shared by the renderers. Every string from data goes into the page through
 * `textContent` or an attribute set with `setAttribute` — never through innerHTML — so a class named
 * `<img src=x onerror=alert(1)>` shows as text and runs nothing.
 */
export type Child = Node | string | null | undefined | false;

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  for (const c of children) if (c !== null && c !== undefined && c !== false) e.append(typeof c === 'string' ? document.createTextNode(c) : c);
  return e;
}

const SVG_NS = 'http://www.w3.org/2000/svg';
export function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number> = {}): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  return e;
}

export function button(label: string, title: string, onClick: () => void): HTMLButtonElement {
  const b = el('button', { class: 'cl-btn', type: 'button', title }, label);
  b.addEventListener('click', (ev) => { ev.stopPropagation(); onClick(); });
  return b;
}

export function select(options: [string, string][], value: string, onChange: (v: string) => void, title: string): HTMLSelectElement {
  const s = el('select', { class: 'cl-select', title });
  for (const [v, label] of options) {
    const o = el('option', { value: v }, label);
    if (v === value) o.selected = true;
    s.append(o);
  }
  s.addEventListener('change', () => onChange(s.value));
  return s;
}

export function checkbox(label: string, checked: boolean, onChange: (v: boolean) => void): HTMLLabelElement {
  const i = el('input', { type: 'checkbox' });
  i.checked = checked;
  i.addEventListener('change', () => onChange(i.checked));
  return el('label', { class: 'cl-check' }, i, ' ' + label);
}

/** A computed JupyterLab CSS variable (theme colours), with a fallback outside JupyterLab. */
export function cssVar(name: string, fallback: string, from: Element = document.body): string {
  const v = getComputedStyle(from).getPropertyValue(name).trim();
  return v || fallback;
}

export const int = (n: number): string => Math.round(n).toLocaleString('en-US');

/** Papers' units: 25.6M, 4.09G, 1.2K. */
export function units(n: number): string {
  const a = Math.abs(n);
  if (a >= 1e9) return `${(n / 1e9).toFixed(2)}G`;
  if (a >= 1e6) return `${(n / 1e6).toFixed(a >= 1e8 ? 0 : 1)}M`;
  if (a >= 1e3) return `${(n / 1e3).toFixed(1)}K`;
  return String(Math.round(n * 100) / 100);
}

export function shapeText(s: readonly (number | string)[] | null | undefined): string {
  return s ? `[${s.join(', ')}]` : '--';
}

export function download(name: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const a = el('a', { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** A filename from data text. */
export function fileName(s: string, ext: string): string {
  return `${(s || 'cnnlab').replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 60)}.${ext}`;
}

/** A message in place of a rendering (bad data): text only. */
export function errorBox(message: string): HTMLElement {
  return el('div', { class: 'cl-error' }, message);
}

const FALLBACK: Record<string, string> = {
  '--jp-brand-color1': '#1976d2', '--jp-success-color1': '#388e3c', '--jp-warn-color1': '#f57c00', '--jp-error-color1': '#d32f2f', '--jp-accent-color2': '#66bb6a',
};

/** Series colours from the theme (plots): JupyterLab's brand, warn, success, error, accent ... then fixed hues. */
export function seriesColors(from?: Element): string[] {
  const vars = ['--jp-brand-color1', '--jp-warn-color1', '--jp-success-color1', '--jp-error-color1', '--jp-accent-color2'];
  const extra = ['#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];
  return [...vars.map((v) => cssVar(v, FALLBACK[v] ?? '#1976d2', from)), ...extra];
}

/** A table as Markdown or CSV (for the copy buttons). */
export function tableText(head: string[], rows: string[][], kind: 'markdown' | 'csv'): string {
  if (kind === 'csv') {
    const q = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
    return [head, ...rows].map((r) => r.map(q).join(',')).join('\n') + '\n';
  }
  const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  return [`| ${head.map(cell).join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`)].join('\n') + '\n';
}

export async function copyText(text: string, status: HTMLElement): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
    status.textContent = 'copied';
  } catch {
    // clipboard refused (no focus / permission): select the text in a box instead
    const ta = el('textarea', { class: 'cl-copybox', rows: '6' });
    ta.value = text;
    status.replaceChildren(ta);
    ta.select();
  }
}
