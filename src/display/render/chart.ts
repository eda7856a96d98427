/**
 * An x/y chart frame for the PNG fallbacks: title, axes with d3-scale's ticks and labels, grid lines, a legend
 * to the right of the plot. Callers draw their marks with the scales it hands back.
 */
import { scaleLinear, scaleLog, type ScaleContinuousNumeric } from 'd3-scale';
import { el, esc, fit, fmt, text, textWidth } from './svg';

/** Tableau 10, the categorical colours of matplotlib and plotly's defaults. */
export const SERIES_COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

export const seriesColor = (i: number): string => SERIES_COLORS[((i % SERIES_COLORS.length) + SERIES_COLORS.length) % SERIES_COLORS.length];

export interface AxisSpec {
  label: string;
  domain: [number, number];
  log?: boolean;
  /** tick label format (default: d3's for the scale) */
  format?: (v: number) => string;
  ticks?: number;
}

export interface LegendItem {
  label: string;
  color: string;
  dash?: string;
  /** 'line' (default), 'dot' (a filled circle) or 'box' */
  mark?: 'line' | 'dot' | 'box';
  width?: number;
}

export interface ChartSpec {
  title: string;
  subtitle?: string;
  /** plot area size in px */
  plotWidth: number;
  plotHeight: number;
  x: AxisSpec;
  y: AxisSpec;
  legend?: LegendItem[];
  /** legend heading */
  legendTitle?: string;
  /** max legend entries shown; the rest are counted ("+ 12 more") */
  legendMax?: number;
}

export type Scale = ScaleContinuousNumeric<number, number>;

export interface Chart {
  x: Scale;
  y: Scale;
  /** top-left of the plot area in the document */
  left: number;
  top: number;
  width: number;
  height: number;
  /** axes, grid, title and legend; the caller's marks go between `back` and `front` */
  back: string;
  front: string;
}

const FONT = 12;
const TITLE = 15;

function makeScale(a: AxisSpec, range: [number, number]): Scale {
  let [lo, hi] = a.domain;
  if (!(Number.isFinite(lo) && Number.isFinite(hi))) { lo = 0; hi = 1; }
  if (a.log) {
    lo = Math.max(lo, 1e-12); hi = Math.max(hi, lo * 10);
    return scaleLog().domain([lo, hi]).range(range).nice() as Scale;
  }
  if (hi === lo) { hi = lo + (lo === 0 ? 1 : Math.abs(lo) * 0.1); lo = lo - (hi - lo); }
  return scaleLinear().domain([lo, hi]).range(range).nice();
}

function tickValues(s: Scale, a: AxisSpec): { v: number; label: string }[] {
  const n = a.ticks ?? 6;
  const ticks = s.ticks(n);
  const f = a.format ?? s.tickFormat(n, a.log ? '~s' : undefined);
  let out = ticks.map((v) => ({ v, label: f(v) }));
  // log scales label 1, 2, 5 × 10^k; keep the labelled ones
  if (a.log) out = out.filter((t) => t.label !== '');
  return out;
}

/** Lays out an x/y chart and draws its frame. */
export function chart(spec: ChartSpec): Chart & { docWidth: number; docHeight: number } {
  const y0 = makeScale(spec.y, [spec.plotHeight, 0]);
  const yTicks = tickValues(y0, spec.y);
  const yTickW = Math.max(20, ...yTicks.map((t) => textWidth(t.label, FONT)));
  const left = 16 + FONT + 8 + yTickW + 8;
  const top = 14 + TITLE + (spec.subtitle ? FONT + 8 : 0) + 14;
  const x = makeScale(spec.x, [left, left + spec.plotWidth]);
  const y = y0.copy().range([top + spec.plotHeight, top]);
  const xTicks = tickValues(x, spec.x);
  const bottom = top + spec.plotHeight;
  const parts: string[] = [];
  // grid and axes
  const grid = [...xTicks.map((t) => `M${fmt(x(t.v))},${fmt(top)}V${fmt(bottom)}`), ...yTicks.map((t) => `M${fmt(left)},${fmt(y(t.v))}H${fmt(left + spec.plotWidth)}`)].join('');
  parts.push(el('path', { d: grid, stroke: '#e6e6e6', 'stroke-width': 1, fill: 'none' }));
  parts.push(el('rect', { x: left, y: top, width: spec.plotWidth, height: spec.plotHeight, fill: 'none', stroke: '#555', 'stroke-width': 1 }));
  const tickMarks = [...xTicks.map((t) => `M${fmt(x(t.v))},${fmt(bottom)}v5`), ...yTicks.map((t) => `M${fmt(left)},${fmt(y(t.v))}h-5`)].join('');
  parts.push(el('path', { d: tickMarks, stroke: '#555', 'stroke-width': 1 }));
  for (const t of xTicks) parts.push(text(x(t.v), bottom + 8 + FONT, t.label, { size: FONT, anchor: 'middle', fill: '#333' }));
  for (const t of yTicks) parts.push(text(left - 8, y(t.v), t.label, { size: FONT, anchor: 'end', middle: true, fill: '#333' }));
  parts.push(text(left + spec.plotWidth / 2, bottom + 16 + 2 * FONT + 4, spec.x.label, { size: FONT + 1, anchor: 'middle', bold: true }));
  parts.push(text(16 + FONT, top + spec.plotHeight / 2, spec.y.label, { size: FONT + 1, anchor: 'middle', bold: true, rotate: -90 }));
  // legend
  const legend = spec.legend ?? [];
  const max = spec.legendMax ?? 24;
  const shown = legend.slice(0, max);
  const lw = shown.length ? Math.min(300, Math.max(textWidth(spec.legendTitle ?? '', FONT, true), ...shown.map((l) => textWidth(l.label, FONT))) + 34) : 0;
  const lx = left + spec.plotWidth + 20;
  let ly = top + 4;
  const front: string[] = [];
  if (spec.legendTitle && shown.length) { front.push(text(lx, ly + FONT, spec.legendTitle, { size: FONT, bold: true })); ly += FONT + 8; }
  for (const l of shown) {
    const cy = ly + FONT / 2;
    const mark = l.mark ?? 'line';
    if (mark === 'dot') front.push(el('circle', { cx: lx + 11, cy, r: 5, fill: l.color, 'fill-opacity': 0.7, stroke: l.color }));
    else if (mark === 'box') front.push(el('rect', { x: lx + 4, y: cy - 6, width: 14, height: 12, fill: l.color, stroke: '#0003' }));
    else front.push(el('path', { d: `M${fmt(lx)},${fmt(cy)}h22`, stroke: l.color, 'stroke-width': l.width ?? 2, 'stroke-dasharray': l.dash, fill: 'none' }));
    front.push(text(lx + 28, cy, fit(l.label, lw - 30, FONT), { size: FONT, middle: true }));
    ly += FONT + 7;
  }
  if (legend.length > shown.length) { front.push(text(lx + 28, ly + FONT / 2, `+ ${legend.length - shown.length} more`, { size: FONT, middle: true, fill: '#666' })); ly += FONT + 7; }
  // title
  front.push(text(16, 14 + TITLE, spec.title, { size: TITLE, bold: true }));
  if (spec.subtitle) front.push(text(16, 14 + TITLE + 8 + FONT, spec.subtitle, { size: FONT, fill: '#555' }));
  const docWidth = Math.max(lx + lw + 12, 16 + textWidth(spec.title, TITLE, true) + 16, spec.subtitle ? 16 + textWidth(spec.subtitle, FONT) + 16 : 0);
  const docHeight = Math.max(bottom + 16 + 2 * FONT + 16, ly + 12);
  return { x, y, left, top, width: spec.plotWidth, height: spec.plotHeight, back: parts.join(''), front: front.join(''), docWidth, docHeight };
}

/** Clip path id and element that keep marks inside the plot area. */
export function clipTo(c: Chart, id: string): { def: string; attr: string } {
  return { def: el('clipPath', { id }, el('rect', { x: c.left, y: c.top, width: c.width, height: c.height })), attr: `url(#${esc(id)})` };
}

/** Legend entries set in rows left to right (wrapping at `width`), from (x, y) down; returns SVG and height. */
export function flowLegend(items: LegendItem[], x: number, y: number, width: number): { svg: string; height: number } {
  const parts: string[] = [];
  let cx = x, cy = y + FONT / 2 + 2;
  for (const l of items) {
    const label = fit(l.label, width - 40, FONT);
    const w = 28 + textWidth(label, FONT) + 18;
    if (cx + w > x + width && cx > x) { cx = x; cy += FONT + 8; }
    parts.push(el('path', { d: `M${fmt(cx)},${fmt(cy)}h22`, stroke: l.color, 'stroke-width': l.width ?? 2, 'stroke-dasharray': l.dash, fill: 'none' }));
    parts.push(text(cx + 28, cy, label, { size: FONT, middle: true }));
    cx += w;
  }
  return { svg: parts.join(''), height: items.length ? cy - y + FONT / 2 + 4 : 0 };
}
