/**
 * A model comparison (analysis/compare.ts's rows, Canziani et al. 2016's quantities) as a table:
 * `text/plain` and a script-free `text/html` table.
 */
import { fmtShape } from '../errors';
import type { ComparisonRow } from '../analysis/compare';
import { Displayable, JUPYTER_DISPLAY, MimeBundle } from './bundle';

const int = (n: number) => n.toLocaleString('en-US');
const mb = (b: number) => (b / 1e6).toFixed(2);
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The comparison as a table (text/plain and a script-free text/html table). */
export class Comparison implements Displayable {
  constructor(readonly rows: ComparisonRow[]) {}
  json(): ComparisonRow[] { return JSON.parse(JSON.stringify(this.rows)) as ComparisonRow[]; }

  private cells(): { head: string[]; body: string[][] } {
    const timed = this.rows.some((r) => r.latencyMs !== null);
    const head = ['model', 'input', 'params', 'MACs', 'params MB', 'peak act. MB', ...(timed ? ['latency ms', 'images/s', 'GFLOP/s', 'device'] : [])];
    const body = this.rows.map((r) => [
      r.name, fmtShape(r.inputShape), int(r.params), int(r.macs), mb(r.paramBytes), mb(r.peakActivationBytes),
      ...(timed ? [r.latencyMs === null ? '--' : r.latencyMs.toFixed(2), r.imagesPerSecond === null ? '--' : r.imagesPerSecond.toFixed(1),
        r.gflopsPerSecond === null ? '--' : r.gflopsPerSecond.toFixed(1), r.device ?? '--'] : []),
    ]);
    return { head, body };
  }

  text(): string {
    const { head, body } = this.cells();
    const w = head.map((h, c) => Math.max(h.length, ...body.map((b) => b[c].length)));
    const fmt = (cells: string[]) => cells.map((s, c) => (c <= 1 ? s.padEnd(w[c]) : s.padStart(w[c]))).join('  ');
    return [fmt(head), w.map((x) => '-'.repeat(x)).join('  '), ...body.map(fmt)].join('\n');
  }

  toString(): string { return this.text(); }

  [JUPYTER_DISPLAY](): MimeBundle {
    const { head, body } = this.cells();
    const tr = (cells: string[], tag: string) => `<tr>${cells.map((c, i) => `<${tag}${i > 1 ? ' style="text-align:right"' : ''}>${esc(c)}</${tag}>`).join('')}</tr>`;
    const html = `<table><thead>${tr(head, 'th')}</thead><tbody>${body.map((b) => tr(b, 'td')).join('')}</tbody></table>`;
    return { 'text/plain': this.text(), 'text/html': html };
  }
}
