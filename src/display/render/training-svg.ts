/** The PNG fallback of `application/vnd.cnnlab.training+json`: loss and error curves, train solid, test dashed. */
import type { TrainingData, TrainingSeries } from '../training-schema';
import { chart, flowLegend, seriesColor, type LegendItem } from './chart';
import { linePath } from './polyline';
import { el, svgDoc, text } from './svg';

const METRIC_LABEL = { loss: 'loss', error: 'error (%)' } as const;

function finiteRange(vals: number[]): [number, number] {
  let lo = Infinity, hi = -Infinity;
  for (const v of vals) if (Number.isFinite(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  return lo <= hi ? [lo, hi] : [0, 1];
}

export function trainingSvg(d: TrainingData): string {
  const names = [...new Set(d.series.map((s) => s.name))];
  const metrics = (['loss', 'error'] as const).filter((m) => d.series.some((s) => s.metric === m));
  if (!metrics.length) metrics.push('loss');
  const allX = d.series.flatMap((s) => s.x);
  const [x0, x1] = finiteRange(allX.length ? allX : [0, 1]);
  const xMax = Math.max(x1, d.total ?? x1);
  const status = d.done ? 'done' : `training… ${d.x} ${x1 === -Infinity ? 0 : x1}${d.total !== undefined ? ` of ${d.total}` : ''}`;
  const last = (s: TrainingSeries) => (s.y.length ? s.y[s.y.length - 1] : NaN);
  const fmtLast = (s: TrainingSeries) => (s.metric === 'error' ? `${(last(s) * 100).toFixed(2)} %` : last(s).toPrecision(4));
  const panels = metrics.map((m, k) => {
    const series = d.series.filter((s) => s.metric === m);
    const ys = series.flatMap((s) => s.y).map((v) => (m === 'error' ? v * 100 : v));
    const [lo, hi] = finiteRange(ys);
    const c = chart({
      title: k === 0 ? `${d.title}${d.model ? ` (${d.model})` : ''}` : '',
      subtitle: k === 0 ? status : undefined,
      plotWidth: 360, plotHeight: 240,
      x: { label: d.x, domain: [Math.min(x0, 0), xMax] },
      y: { label: METRIC_LABEL[m], domain: [m === 'error' ? 0 : Math.min(lo, 0), Math.max(hi, m === 'error' ? 1 : hi)] },
    });
    const marks = series.map((s) => el('path', {
      d: linePath(s.x, m === 'error' ? s.y.map((v) => v * 100) : s.y, c.x, c.y), stroke: seriesColor(names.indexOf(s.name)),
      'stroke-width': 2, 'stroke-dasharray': s.split === 'test' ? '6 4' : undefined, fill: 'none', 'stroke-linejoin': 'round',
    }));
    if (!series.some((s) => s.x.length)) marks.push(text(c.left + c.width / 2, c.top + c.height / 2, 'no points yet', { size: 13, anchor: 'middle', fill: '#888' }));
    return { c, body: c.back + marks.join('') + c.front };
  });
  let x = 0;
  const body: string[] = [];
  for (const p of panels) { body.push(el('g', { transform: `translate(${x},0)` }, p.body)); x += p.c.docWidth; }
  // one legend under the panels: colour = run, solid = train, dashed = test; the last value of each curve
  const items: LegendItem[] = d.series.map((s) => ({
    label: `${names.length > 1 ? `${s.name} · ` : ''}${s.split} ${s.metric}${s.y.length ? ` ${fmtLast(s)}` : ''}`,
    color: seriesColor(names.indexOf(s.name)), dash: s.split === 'test' ? '6 4' : undefined,
  }));
  const top = Math.max(...panels.map((p) => p.c.docHeight));
  const leg = flowLegend(items, 16, top, Math.max(x, 420) - 16);
  return svgDoc(Math.max(x, 420), top + leg.height + 8, d.title, body.join('') + leg.svg);
}
