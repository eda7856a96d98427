/**
 * The summary display bundle: `application/vnd.cnnlab.summary+json` (SummaryData) and a torchinfo-like
 * `text/plain` table.
 */
import { JUPYTER_DISPLAY, MimeBundle, Displayable } from './bundle';
import { MIME } from './schema';
import { summarySvg } from './render/summary-svg';
import { svgToPngBase64 } from './render/raster';
import type { Dim, OtherOpCategory, SummaryData, SummaryRow } from './analysis-schema';

const OTHER_LABELS: Record<OtherOpCategory, string> = {
  bn: 'BatchNorm/LRN', activation: 'activations', pooling: 'pooling', add: 'add', mul: 'mul', concat: 'concat', other: 'other',
};

/** The footer line of a model whose weights were never loaded or trained. */
export const RANDOM_WEIGHTS_FOOTER = 'Weights: random (initialised, not loaded or trained): costs and shapes hold, outputs are not a trained model\'s';

const int = (n: number) => n.toLocaleString('en-US');

/** Papers' units: 25.6M, 4.09G, 300M, 1.2K. */
export function paperUnits(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)}G`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(n >= 1e8 ? 0 : 1)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)}K`;
  return String(n);
}

export function megabytes(b: number): string {
  return (b / 1e6).toFixed(2);
}

function shape(s: Dim[] | null): string {
  return s ? `[${s.join(', ')}]` : '--';
}

/** Tree labels: '│    ' under open ancestors, '├─' / '└─' before the row. */
function labels(rows: SummaryRow[]): string[] {
  const isLast = rows.map((r, i) => {
    for (let j = i + 1; j < rows.length; j++) if (rows[j].depth <= r.depth) return rows[j].depth < r.depth;
    return true;
  });
  const open: boolean[] = [];
  return rows.map((r, i) => {
    if (r.depth === 0) return r.type;
    open[r.depth] = !isLast[i];
    let prefix = '';
    for (let d = 1; d < r.depth; d++) prefix += open[d] ? '│    ' : '     ';
    const name = r.kind === 'op' ? `(${r.type})` : `${r.name}: ${r.type}`;
    return `${prefix}${isLast[i] ? '└─' : '├─'}${name}`;
  });
}

/** torchinfo-like table of a summary. */
export function summaryText(d: SummaryData): string {
  const paper = d.paperConvention;
  const num = paper ? paperUnits : int;
  const head = ['Layer (name: type)', 'Output Shape', 'Param #', paper ? 'Mult-Adds' : 'MACs', '% MACs'];
  const names = labels(d.rows);
  const shared = new Set(d.rows.filter((r) => r.call === 1 && r.params > 0).map((r) => r.path));
  const body = d.rows.map((r, i) => [
    names[i], shape(r.outputShape),
    r.call !== undefined && r.call > 1 && shared.has(r.path) ? '(recursive)'
      : r.params || r.buffers || r.kind === 'module' ? (r.params ? num(r.params) : '--') : '--',
    r.macs ? num(r.macs) : '--',
    r.macs ? `${r.macsPercent.toFixed(2)}%` : '--',
  ]);
  const widths = head.map((h, c) => Math.max(h.length, ...body.map((b) => b[c].length)));
  const fmt = (cells: string[]) => cells.map((s, c) => (c === 0 ? s.padEnd(widths[c]) : s.padStart(widths[c]))).join('  ');
  const total = widths.reduce((a, b) => a + b, 0) + 2 * (widths.length - 1);
  const rule = '='.repeat(total);
  const t = d.totals;
  const lines = [rule, fmt(head), rule, ...body.map(fmt), rule];
  lines.push(`Trainable params: ${num(t.params)}`);
  lines.push(`Buffers (BN running statistics, not trainable): ${num(t.buffers)}`);
  if (paper) {
    lines.push(`Mult-Adds (conv + FC; the papers' "FLOPs"): ${paperUnits(t.macs)} (${int(t.macs)})`);
  } else {
    lines.push(`Total MACs: ${int(t.macs)} (${paperUnits(t.macs)})`);
    lines.push(`Total FLOPs (2·MACs): ${int(t.flops)} (${paperUnits(t.flops)})`);
    if (t.otherOps) {
      lines.push('Other ops (not in MACs):');
      for (const [k, v] of Object.entries(t.otherOps) as [OtherOpCategory, number][]) if (v) lines.push(`  ${OTHER_LABELS[k]}: ${int(v)}`);
    }
  }
  lines.push(rule);
  lines.push(`Input size (MB): ${megabytes(t.inputBytes)}`);
  lines.push(`Activations, sum of outputs (MB): ${megabytes(t.activationBytes)}`);
  lines.push(`Peak live activations (MB): ${megabytes(t.peakActivationBytes)}${t.peakAt ? ` at node ${t.peakAt.index} ${t.peakAt.op} (${t.peakAt.module || 'model'})` : ''}; inputs ${t.peakIncludesInputs ? 'included' : 'excluded'}, outputs ${t.peakIncludesOutputs ? 'kept live to the end' : 'freed after last use'}`);
  lines.push(`Params size (MB): ${megabytes(t.paramBytes)}; buffers (MB): ${megabytes(t.bufferBytes)}`);
  lines.push(`Estimated total size (MB): ${megabytes(t.inputBytes + t.activationBytes + t.paramBytes + t.bufferBytes)}`);
  lines.push(rule);
  lines.push(`Convention: ${d.convention.macs}; ${d.convention.flops}.${d.convention.paper ? ` ${d.convention.paper}.` : ''}`);
  if (d.weights === 'random') lines.push(RANDOM_WEIGHTS_FOOTER);
  return lines.join('\n');
}

/** A summary as a display object: Jupyter shows the table; `.json()` is the CLI's `--json` data. */
export class Summary implements Displayable {
  constructor(readonly data: SummaryData) {}
  get rows(): SummaryRow[] { return this.data.rows; }
  get totals(): SummaryData['totals'] { return this.data.totals; }
  /** the data of `application/vnd.cnnlab.summary+json` (a deep copy, JSON-safe) */
  json(): SummaryData { return JSON.parse(JSON.stringify(this.data)) as SummaryData; }
  text(): string { return summaryText(this.data); }
  /** the table as an SVG document (the PNG is this rasterised) */
  svg(): string { return summarySvg(this.data, this.data.weights === 'random' ? [RANDOM_WEIGHTS_FOOTER] : []); }
  toString(): string { return this.text(); }
  [JUPYTER_DISPLAY](): MimeBundle {
    return { [MIME.summary]: this.json(), 'image/png': svgToPngBase64(this.svg()), 'text/plain': this.text() };
  }
}
