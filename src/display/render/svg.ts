/**
 * A few helpers to write SVG as strings. Every piece of text that comes from data goes through `esc`
 * (text nodes and attribute values alike), so a class named `<img src=x onerror=alert(1)>` is drawn as
 * those characters and never becomes markup.
 */
import { FONT_FAMILY } from './font';
import { textWidth } from '../text-width';

/** Escapes text for an SVG text node or a double-quoted attribute. */
export function esc(s: string): string {
  return String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)
    // characters XML 1.0 does not allow (control codes) would make the document invalid
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '\ufffd');
}

export type Attrs = Record<string, string | number | undefined | null | false>;

function attrs(a: Attrs): string {
  let s = '';
  for (const [k, v] of Object.entries(a)) {
    if (v === undefined || v === null || v === false) continue;
    s += ` ${k}="${typeof v === 'number' ? fmt(v) : esc(v)}"`;
  }
  return s;
}

/** A number for a coordinate: at most two decimals. */
export function fmt(v: number): string {
  return Number.isFinite(v) ? String(Math.round(v * 100) / 100) : '0';
}

/** `<tag a="…">children</tag>`; children are SVG already (built by these helpers). */
export function el(tag: string, a: Attrs = {}, ...children: string[]): string {
  return children.length ? `<${tag}${attrs(a)}>${children.join('')}</${tag}>` : `<${tag}${attrs(a)}/>`;
}

export interface TextStyle {
  size?: number;
  bold?: boolean;
  anchor?: 'start' | 'middle' | 'end';
  fill?: string;
  /** vertical placement of `y`: the baseline (default) or the middle of the line */
  middle?: boolean;
  rotate?: number;
}

/** A line of text (escaped). With `middle`, `y` is the centre of the line. */
export function text(x: number, y: number, s: string, st: TextStyle = {}): string {
  const size = st.size ?? 12;
  const yy = st.middle ? y + size * 0.36 : y;
  return el('text', {
    x, y: yy, 'font-size': size, 'font-weight': st.bold ? 'bold' : undefined,
    'text-anchor': st.anchor && st.anchor !== 'start' ? st.anchor : undefined, fill: st.fill,
    transform: st.rotate ? `rotate(${fmt(st.rotate)} ${fmt(x)} ${fmt(y)})` : undefined,
  }, esc(s));
}

/** Shortens `s` with '…' to fit `width` px at `size`. */
export function fit(s: string, width: number, size: number, bold = false): string {
  if (textWidth(s, size, bold) <= width) return s;
  let lo = 0, hi = s.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (textWidth(`${s.slice(0, mid)}…`, size, bold) <= width) lo = mid; else hi = mid - 1;
  }
  return `${s.slice(0, lo)}…`;
}

/** The whole document: white background, the shipped font, a title for screen readers. */
export function svgDoc(width: number, height: number, title: string, body: string): string {
  const w = Math.ceil(width), h = Math.ceil(height);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" font-family="${FONT_FAMILY}" fill="#222">`
    + `<title>${esc(title)}</title><rect width="${w}" height="${h}" fill="#fff"/>${body}</svg>`;
}

export { textWidth };
