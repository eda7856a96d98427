/**
 * A sortable HTML table with copy-as-Markdown/CSV buttons, shared by the summary and mAP-table renderers.
 * Cells are text (textContent); each column knows how to compare its values.
 */
import { button, copyText, el, tableText } from './common';

export interface Column<R> {
  label: string;
  text: (r: R) => string;
  /** the value sorted on (numbers sort numerically; null last) */
  value?: (r: R) => number | string | null;
  align?: 'left' | 'right';
  title?: string;
}

export interface SortableTableOptions<R> {
  columns: Column<R>[];
  /** rows shown (already filtered by the caller) in their natural order */
  rows: () => R[];
  /** a row's first-cell decoration (indent, expand toggle) when unsorted */
  decorate?: (r: R, td: HTMLTableCellElement, sorted: boolean) => void;
  footer?: R[];
  /** all rows for copy (default: the visible ones) */
  copyRows?: () => R[];
  className?: string;
}

export class SortableTable<R> {
  readonly node: HTMLElement;
  private sortCol = -1;
  private sortDir = 1;
  private table: HTMLTableElement;

  constructor(private readonly opts: SortableTableOptions<R>) {
    this.table = el('table', { class: `cl-table ${opts.className ?? ''}` });
    const status = el('span', { class: 'cl-status' });
    const copy = (kind: 'markdown' | 'csv') => {
      const rows = (opts.copyRows ?? (() => this.sorted()))();
      const all = [...rows, ...(opts.footer ?? [])];
      return copyText(tableText(opts.columns.map((c) => c.label), all.map((r) => opts.columns.map((c) => c.text(r))), kind), status);
    };
    const bar = el('div', { class: 'cl-toolbar' },
      button('Copy Markdown', 'copy the table as Markdown', () => void copy('markdown')),
      button('Copy CSV', 'copy the table as CSV', () => void copy('csv')), status);
    this.node = el('div', { class: 'cl-table-wrap' }, bar, this.table);
    this.render();
  }

  private sorted(): R[] {
    const rows = this.opts.rows();
    if (this.sortCol < 0) return rows;
    const c = this.opts.columns[this.sortCol];
    const v = c.value ?? c.text;
    return rows.map((r, i) => ({ r, i, k: v(r) })).sort((a, b) => {
      if (a.k === null && b.k === null) return a.i - b.i;
      if (a.k === null) return 1;
      if (b.k === null) return -1;
      const d = typeof a.k === 'number' && typeof b.k === 'number' ? a.k - b.k : String(a.k).localeCompare(String(b.k));
      return d * this.sortDir || a.i - b.i;
    }).map((x) => x.r);
  }

  render(): void {
    const { columns } = this.opts;
    const head = el('tr');
    columns.forEach((c, i) => {
      const arrow = this.sortCol === i ? (this.sortDir > 0 ? ' ▲' : ' ▼') : '';
      const th = el('th', { class: c.align === 'left' ? 'cl-left' : 'cl-right', title: c.title ?? `sort by ${c.label}` }, c.label + arrow);
      th.addEventListener('click', () => {
        if (this.sortCol === i) { if (this.sortDir > 0) this.sortDir = -1; else { this.sortCol = -1; this.sortDir = 1; } } else { this.sortCol = i; this.sortDir = 1; }
        this.render();
      });
      head.append(th);
    });
    const body = el('tbody');
    const sorted = this.sortCol >= 0;
    for (const r of this.sorted()) {
      const tr = el('tr');
      columns.forEach((c, i) => {
        const td = el('td', { class: c.align === 'left' ? 'cl-left' : 'cl-right' });
        if (i === 0 && this.opts.decorate) this.opts.decorate(r, td, sorted);
        td.append(c.text(r));
        tr.append(td);
      });
      body.append(tr);
    }
    const foot = el('tfoot');
    for (const r of this.opts.footer ?? []) foot.append(el('tr', {}, ...columns.map((c) => el('td', { class: c.align === 'left' ? 'cl-left' : 'cl-right' }, c.text(r)))));
    this.table.replaceChildren(el('thead', {}, head), body, foot);
  }
}
