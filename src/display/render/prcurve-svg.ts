/** The PNG fallback of `application/vnd.cnnlab.prcurve+json`: every class's raw and interpolated PR curve. */
import type { PrCurveData } from '../det-schema';
import { chart, clipTo, seriesColor, type LegendItem } from './chart';
import { linePath } from './polyline';
import { el, fmt, svgDoc } from './svg';

const STYLE_NAME = { coco: 'COCO', voc07: 'VOC2007', voc: 'VOC2010+' } as const;

export function prCurveSvg(d: PrCurveData): string {
  const sub = [`IoU ${d.iouThreshold}`, `${d.interpolation} interpolation (thick), raw precision (thin)`, ...(d.areaRange ? [`area ${d.areaRange}`, `maxDets ${d.maxDets}`] : [])].join(' · ');
  const classes = d.classes;
  const mean = classes.filter((c) => c.ap !== null);
  const mAP = mean.length ? mean.reduce((a, c) => a + c.ap!, 0) / mean.length : null;
  const legend: LegendItem[] = classes.map((c, i) => ({ label: `${c.name}: AP ${c.ap === null ? 'n/a' : c.ap.toFixed(3)}`, color: seriesColor(i), width: 3 }));
  const c = chart({
    title: `Precision–recall curves, ${STYLE_NAME[d.style] ?? d.style}${mAP === null ? '' : `, mAP ${mAP.toFixed(3)}`}`,
    subtitle: sub, plotWidth: 440, plotHeight: 360,
    x: { label: 'recall', domain: [0, 1], format: (v) => v.toFixed(1) },
    y: { label: 'precision', domain: [0, 1], format: (v) => v.toFixed(1) },
    legend, legendTitle: `${classes.length} class${classes.length === 1 ? '' : 'es'} (AP)`, legendMax: 28,
  });
  const clip = clipTo(c, 'plot');
  const marks: string[] = [];
  classes.forEach((k, i) => {
    const col = seriesColor(i);
    marks.push(el('path', { d: linePath(k.recall, k.precision, c.x, c.y), stroke: col, 'stroke-width': 1, 'stroke-opacity': 0.6, fill: 'none' }));
    // all-point: the envelope holds p[i+1] on (r[i], r[i+1]]; 11/101 points: p(t) holds from t to the next t
    const curve = d.interpolation === 'all-point' ? 'step-before' : 'step-after';
    marks.push(el('path', { d: linePath(k.interpolatedRecall, k.interpolatedPrecision, c.x, c.y, curve), stroke: col, 'stroke-width': 2.5, fill: 'none', 'stroke-linejoin': 'round' }));
    if (d.interpolation === '11-point') {
      marks.push(k.interpolatedRecall.map((r, j) => el('circle', { cx: fmt(c.x(r)), cy: fmt(c.y(k.interpolatedPrecision[j])), r: 3, fill: col })).join(''));
    }
  });
  return svgDoc(c.docWidth, c.docHeight, 'precision-recall curves', el('defs', {}, clip.def) + c.back + el('g', { 'clip-path': clip.attr }, ...marks) + c.front);
}
