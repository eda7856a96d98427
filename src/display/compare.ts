/**
 * A model comparison (analysis/compare.ts's rows, Canziani et al. 2016's quantities) as a display bundle:
 * `application/vnd.cnnlab.compare+json` (CompareData), a PNG of the Canziani-style chart (operations against
 * accuracy when given, else latency; bubble area ∝ parameters) with the table, `text/plain` and a script-free
 * `text/html` table.
 */
import { ConfigError, fmtShape } from '../errors';
import type { ComparisonRow } from '../analysis/compare';
import { Displayable, JUPYTER_DISPLAY, MimeBundle } from './bundle';
import type { CompareData } from './compare-schema';
import { MIME } from './schema';
import { compareSvg } from './render/compare-svg';
import { svgToPngBase64 } from './render/raster';

const int = (n: number) => n.toLocaleString('en-US');
const mb = (b: number) => (b / 1e6).toFixed(2);
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export interface CompareDisplayOptions {
  /** chart title (default 'Model comparison') */
  title?: string;
  /** accuracy per model name (e.g. the papers' top-1 %): the chart's y axis when given */
  accuracy?: Record<string, number>;
  /** what the accuracy is (default 'top-1 accuracy (%)') */
  accuracyLabel?: string;
}

/** The compare MIME data of comparison rows; accuracies are matched to rows by name. */
export function compareData(rows: readonly ComparisonRow[], opts: CompareDisplayOptions = {}): CompareData {
  const acc = opts.accuracy ?? {};
  if (acc === null || typeof acc !== 'object') throw new ConfigError('compare: accuracy must map model names to numbers', { expected: "{ resnet50: 76.1, … }", got: String(acc), where: 'options.accuracy' });
  const names = new Set(rows.map((r) => r.name));
  for (const [k, v] of Object.entries(acc)) {
    if (!names.has(k)) throw new ConfigError('compare: accuracy given for a model that is not compared', { expected: [...names].join(' | '), got: k, where: `options.accuracy['${k}']` });
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new ConfigError('compare: accuracy must be a finite number', { got: String(v), where: `options.accuracy['${k}']` });
  }
  const withAcc = Object.keys(acc).length > 0;
  return {
    version: 1, title: opts.title ?? 'Model comparison',
    rows: rows.map((r) => ({ ...r, inputShape: [...r.inputShape], ...(withAcc ? { accuracy: acc[r.name] ?? null } : {}) })),
    ...(withAcc ? { accuracyLabel: opts.accuracyLabel ?? 'top-1 accuracy (%)' } : {}),
    y: withAcc ? 'accuracy' : rows.some((r) => r.latencyMs !== null) ? 'latency' : 'params',
  };
}

/** The comparison as a display object (chart and table). */
export class Comparison implements Displayable {
  readonly data: CompareData;
  constructor(readonly rows: ComparisonRow[], private readonly opts: CompareDisplayOptions = {}) {
    this.data = compareData(rows, opts);
  }
  json(): ComparisonRow[] { return JSON.parse(JSON.stringify(this.rows)) as ComparisonRow[]; }
  /** the same rows with accuracies (or a title) added: `c.with({ accuracy: { resnet50: 76.1 } })` */
  with(opts: CompareDisplayOptions): Comparison { return new Comparison(this.rows, { ...this.opts, ...opts }); }

  private cells(): { head: string[]; body: string[][] } {
    const timed = this.rows.some((r) => r.latencyMs !== null);
    const acc = this.data.accuracyLabel !== undefined;
    const head = ['model', 'input', 'params', 'MACs', 'params MB', 'peak act. MB', ...(acc ? [this.data.accuracyLabel!] : []), ...(timed ? ['latency ms', 'images/s', 'GFLOP/s', 'device'] : [])];
    const body = this.data.rows.map((r) => [
      r.name, fmtShape(r.inputShape), int(r.params), int(r.macs), mb(r.paramBytes), mb(r.peakActivationBytes),
      ...(acc ? [r.accuracy === undefined || r.accuracy === null ? '--' : String(r.accuracy)] : []),
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
    return { [MIME.compare]: JSON.parse(JSON.stringify(this.data)), 'image/png': svgToPngBase64(compareSvg(this.data)), 'text/plain': this.text(), 'text/html': html };
  }
}
