/**
 * The PNG fallback of `application/vnd.cnnlab.compare+json`, after Canziani et al. 2016 (Fig. 2 / Fig. 5):
 * operations on x, accuracy or latency on y, bubble area proportional to parameters; the table below.
 */
import type { CompareData, CompareRow } from '../compare-schema';
import { chart, seriesColor } from './chart';
import { tableSvg } from './table-svg';
import { el, fmt, svgDoc, text, textWidth } from './svg';

const int = (n: number) => n.toLocaleString('en-US');
const mb = (b: number) => (b / 1e6).toFixed(1);
const units = (n: number) => (n >= 1e9 ? `${(n / 1e9).toFixed(2)} G` : n >= 1e6 ? `${(n / 1e6).toFixed(2)} M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)} K` : String(n));

export function compareTableRows(d: CompareData): { head: string[]; body: string[][] } {
  const timed = d.rows.some((r) => r.latencyMs !== null);
  const acc = d.rows.some((r) => r.accuracy !== undefined && r.accuracy !== null);
  const head = ['model', 'input', 'params', 'MACs', 'params MB', 'peak act. MB', ...(acc ? [d.accuracyLabel ?? 'accuracy'] : []), ...(timed ? ['latency ms', 'images/s', 'GFLOP/s', 'device'] : [])];
  const body = d.rows.map((r) => [
    r.name, `[${r.inputShape.join(', ')}]`, int(r.params), int(r.macs), mb(r.paramBytes), mb(r.peakActivationBytes),
    ...(acc ? [r.accuracy === undefined || r.accuracy === null ? '--' : String(r.accuracy)] : []),
    ...(timed ? [r.latencyMs === null ? '--' : r.latencyMs.toFixed(2), r.imagesPerSecond === null ? '--' : r.imagesPerSecond.toFixed(1),
      r.gflopsPerSecond === null ? '--' : r.gflopsPerSecond.toFixed(1), r.device ?? '--'] : []),
  ]);
  return { head, body };
}

const yOf = (d: CompareData, r: CompareRow): number | null =>
  d.y === 'accuracy' ? r.accuracy ?? null : d.y === 'latency' ? r.latencyMs : r.params;

export function compareSvg(d: CompareData): string {
  const gops = d.rows.map((r) => r.flops / 1e9);
  const ys = d.rows.map((r) => yOf(d, r));
  const finite = ys.filter((v): v is number => v !== null && Number.isFinite(v));
  const xLo = Math.min(...gops), xHi = Math.max(...gops);
  const logX = xLo > 0 && xHi / xLo > 50;
  const yLabel = d.y === 'accuracy' ? d.accuracyLabel ?? 'accuracy' : d.y === 'latency' ? `latency per batch (ms)` : 'parameters';
  const maxP = Math.max(1, ...d.rows.map((r) => r.params));
  const R = 30;
  const radius = (p: number) => (d.y === 'params' ? 7 : Math.max(3, R * Math.sqrt(p / maxP)));
  const yLo = Math.min(...(finite.length ? finite : [0])), yHi = Math.max(...(finite.length ? finite : [1]));
  const pad = (hi: number, lo: number) => (hi - lo || Math.abs(hi) || 1) * 0.12;
  const c = chart({
    title: d.title,
    subtitle: d.y === 'params' ? 'no latency or accuracy given: parameters against operations' : 'bubble area ∝ parameters (Canziani et al. 2016)',
    plotWidth: 520, plotHeight: 320,
    x: { label: 'operations (G-FLOPs = 2·MACs)', domain: logX ? [xLo / 1.5, xHi * 1.5] : [Math.max(0, xLo - pad(xHi, xLo)), xHi + pad(xHi, xLo)], log: logX },
    y: { label: yLabel, domain: [d.y === 'accuracy' ? yLo - pad(yHi, yLo) : Math.max(0, yLo - pad(yHi, yLo)), yHi + pad(yHi, yLo)] },
    legend: d.rows.map((r, i) => ({ label: `${r.name} (${units(r.params)} params)`, color: seriesColor(i), mark: 'dot' as const })),
    legendTitle: 'models',
  });
  const marks: string[] = [];
  // big bubbles first so small ones stay visible
  const order = d.rows.map((_, i) => i).sort((a, b) => d.rows[b].params - d.rows[a].params);
  for (const i of order) {
    const v = ys[i];
    if (v === null || !Number.isFinite(v)) continue;
    const cx = c.x(gops[i]), cy = c.y(v), r = radius(d.rows[i].params);
    marks.push(el('circle', { cx: fmt(cx), cy: fmt(cy), r: fmt(r), fill: seriesColor(i), 'fill-opacity': 0.45, stroke: seriesColor(i), 'stroke-width': 1.5 }));
  }
  for (const i of order) {
    const v = ys[i];
    if (v === null || !Number.isFinite(v)) continue;
    const cx = c.x(gops[i]), cy = c.y(v), r = radius(d.rows[i].params);
    const right = cx + r + 4 + textWidth(d.rows[i].name, 11) < c.left + c.width;
    marks.push(text(right ? cx + r + 3 : cx - r - 3, cy, d.rows[i].name, { size: 11, anchor: right ? 'start' : 'end', middle: true }));
  }
  const { head, body } = compareTableRows(d);
  const t = tableSvg({ columns: head.map((h, j) => ({ label: h, align: j <= 1 ? 'left' : 'right' })), rows: body.map((cells) => ({ cells })) }, 16, c.docHeight + 4);
  return svgDoc(Math.max(c.docWidth, t.width + 32), c.docHeight + t.height + 20, d.title, c.back + marks.join('') + c.front + t.svg);
}
