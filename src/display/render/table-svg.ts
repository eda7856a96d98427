/** Tables for the PNG fallbacks (summary, mAP table, comparison): header, zebra rows, aligned columns, notes. */
import { el, fit, text, textWidth } from './svg';

export interface TableColumn {
  label: string;
  align?: 'left' | 'right';
  /** width cap in px (long cells are shortened with '…') */
  max?: number;
}

export interface TableRow {
  cells: string[];
  /** indent of the first cell in levels (summary depth) */
  indent?: number;
  bold?: boolean;
  /** a rule above the row */
  rule?: boolean;
  /** monospace-like emphasis colour of the row */
  fill?: string;
}

export interface TableSpec {
  columns: TableColumn[];
  rows: TableRow[];
  /** rows beyond this are left out and counted in a last line */
  maxRows?: number;
}

const FONT = 12, ROW = 20, PAD = 10, INDENT = 14;

/** Draws a table with its top-left at (x, y); returns its SVG and size. */
export function tableSvg(spec: TableSpec, x: number, y: number): { svg: string; width: number; height: number } {
  const max = spec.maxRows ?? 80;
  const rows = spec.rows.slice(0, max);
  const omitted = spec.rows.length - rows.length;
  const widths = spec.columns.map((c, j) => {
    const w = Math.max(textWidth(c.label, FONT, true), ...rows.map((r) => textWidth(r.cells[j] ?? '', FONT, r.bold) + (j === 0 ? (r.indent ?? 0) * INDENT : 0)));
    return Math.min(c.max ?? 420, Math.ceil(w)) + 2 * PAD;
  });
  const width = widths.reduce((a, b) => a + b, 0);
  const parts: string[] = [];
  const lefts = widths.map((_, j) => x + widths.slice(0, j).reduce((a, b) => a + b, 0));
  const cell = (j: number, s: string, cy: number, bold: boolean, fill: string | undefined, indent = 0) => {
    const c = spec.columns[j];
    const avail = widths[j] - 2 * PAD - indent;
    const str = fit(s, avail, FONT, bold);
    return c.align === 'right'
      ? text(lefts[j] + widths[j] - PAD, cy, str, { size: FONT, anchor: 'end', middle: true, bold, fill })
      : text(lefts[j] + PAD + indent, cy, str, { size: FONT, middle: true, bold, fill });
  };
  parts.push(el('rect', { x, y, width, height: ROW + 4, fill: '#eef1f5' }));
  spec.columns.forEach((c, j) => parts.push(cell(j, c.label, y + (ROW + 4) / 2, true, '#222')));
  let cy = y + ROW + 4;
  parts.push(el('path', { d: `M${x},${cy}h${width}`, stroke: '#888', 'stroke-width': 1 }));
  rows.forEach((r, i) => {
    if (i % 2 === 1) parts.push(el('rect', { x, y: cy, width, height: ROW, fill: '#f7f7f7' }));
    if (r.rule) parts.push(el('path', { d: `M${x},${cy}h${width}`, stroke: '#888', 'stroke-width': 1 }));
    r.cells.forEach((s, j) => parts.push(cell(j, s, cy + ROW / 2, !!r.bold, r.fill, j === 0 ? (r.indent ?? 0) * INDENT : 0)));
    cy += ROW;
  });
  parts.push(el('path', { d: `M${x},${cy}h${width}`, stroke: '#888', 'stroke-width': 1 }));
  if (omitted > 0) {
    parts.push(text(x + PAD, cy + ROW / 2 + 2, `… ${omitted} more row${omitted === 1 ? '' : 's'} (the interactive table and text/plain have all)`, { size: FONT, middle: true, fill: '#666' }));
    cy += ROW + 4;
  }
  return { svg: parts.join(''), width, height: cy - y };
}

/** Lines of notes (totals, conventions) under a table; returns SVG and height. */
export function notesSvg(lines: { text: string; bold?: boolean }[], x: number, y: number, maxWidth: number): { svg: string; height: number; width: number } {
  const parts: string[] = [];
  let cy = y;
  let width = 0;
  for (const l of lines) {
    const s = fit(l.text, maxWidth, FONT, l.bold);
    width = Math.max(width, textWidth(s, FONT, l.bold));
    parts.push(text(x, cy + FONT, s, { size: FONT, bold: l.bold, fill: l.bold ? '#222' : '#444' }));
    cy += FONT + 6;
  }
  return { svg: parts.join(''), height: cy - y, width };
}
