/**
 * The PNG fallback of `application/vnd.cnnlab.graph+json`: the diagram as `layoutGraph` lays it out at the
 * data's depth (the interactive view's first state), op nodes coloured by category with a legend, closed blocks
 * as double-bordered boxes, open blocks as named frames. A diagram taller than a page is cut between ranks into
 * columns set side by side, so the text stays at 100 %.
 */
import { line, curveBasis } from 'd3-shape';
import type { GraphData } from '../analysis-schema';
import { layoutGraph, LAYOUT_FONT, compactCount, type GraphLayout, type LayoutOptions } from '../layout';
import { BLOCK_STYLE, CATEGORY_STYLE, CLUSTER_STYLE, categoryText } from '../palette';
import { fitScale } from './raster';
import { el, fit, fmt, svgDoc, text, textWidth } from './svg';

const EDGE = '#6b6b6b', CARRY = '#9b6b92';
/** a column is at most this tall (px); taller diagrams are cut into columns */
const COLUMN_HEIGHT = 2400;
const COLUMN_GAP = 36;

/** The diagram's elements that meet the band y0…y1 (layout space). */
function diagram(l: GraphLayout, y0 = -Infinity, y1 = Infinity): string {
  const parts: string[] = [];
  const meets = (top: number, bottom: number) => bottom >= y0 && top <= y1;
  for (const c of l.clusters) {
    if (!meets(c.y, c.y + c.height)) continue;
    parts.push(el('rect', { x: c.x, y: c.y, width: c.width, height: c.height, rx: 6, fill: CLUSTER_STYLE.fill, 'fill-opacity': 0.55, stroke: CLUSTER_STYLE.stroke, 'stroke-dasharray': '5 3' }));
    parts.push(text(c.x + 7, c.y + 14, fit(c.label, c.width - 12, LAYOUT_FONT.cluster, true), { size: LAYOUT_FONT.cluster, bold: true, fill: CLUSTER_STYLE.text }));
  }
  const path = line<{ x: number; y: number }>().x((p) => p.x).y((p) => p.y).curve(curveBasis).digits(1);
  for (const e of l.edges) {
    const carry = e.kind === 'carry';
    if (e.points.length < 2 || !meets(Math.min(...e.points.map((p) => p.y)), Math.max(...e.points.map((p) => p.y)))) continue;
    parts.push(el('path', { d: path(e.points) ?? '', fill: 'none', stroke: carry ? CARRY : EDGE, 'stroke-width': e.count > 1 ? 1.8 : 1.2, 'stroke-dasharray': carry ? '4 3' : undefined }));
    parts.push(arrowHead(e.points, carry ? CARRY : EDGE));
    if (e.label) {
      const w = textWidth(e.label.text, LAYOUT_FONT.detail) + 4;
      parts.push(el('rect', { x: e.label.x - w / 2, y: e.label.y - 7, width: w, height: 14, fill: '#fff', 'fill-opacity': 0.85 }));
      parts.push(text(e.label.x, e.label.y, e.label.text, { size: LAYOUT_FONT.detail, anchor: 'middle', middle: true, fill: '#555' }));
    }
  }
  for (const n of l.nodes) {
    if (!meets(n.y, n.y + n.height)) continue;
    const cx = n.x + n.width / 2;
    const [title, ...rest] = n.lines;
    if (n.kind === 'block') {
      const s = n.category ? CATEGORY_STYLE[n.category] : { fill: BLOCK_STYLE.fill, stroke: BLOCK_STYLE.stroke };
      parts.push(el('rect', { x: n.x, y: n.y, width: n.width, height: n.height, rx: 5, fill: s.fill, stroke: s.stroke, 'stroke-width': 1.4 }));
      parts.push(el('rect', { x: n.x + 2.5, y: n.y + 2.5, width: n.width - 5, height: n.height - 5, rx: 3.5, fill: 'none', stroke: n.category ? '#ffffff' : BLOCK_STYLE.stroke, 'stroke-opacity': n.category ? 0.7 : 1, 'stroke-width': 0.7 }));
    } else {
      const s = CATEGORY_STYLE[n.category ?? 'other'];
      parts.push(el('rect', { x: n.x, y: n.y, width: n.width, height: n.height, rx: n.kind === 'io' ? n.height / 2 : 4, fill: s.fill, stroke: s.stroke, 'stroke-width': 1 }));
    }
    const fill = n.kind === 'block' && !n.category ? BLOCK_STYLE.text : categoryText(n.category ?? 'other');
    parts.push(text(cx, n.y + 6 + LAYOUT_FONT.title - 1, title, { size: LAYOUT_FONT.title, bold: true, anchor: 'middle', fill }));
    rest.forEach((r, i) => parts.push(text(cx, n.y + 6 + LAYOUT_FONT.title + (i + 1) * (LAYOUT_FONT.detail + 3), r, { size: LAYOUT_FONT.detail, anchor: 'middle', fill })));
  }
  return parts.join('');
}

/** A filled arrowhead at the end of a polyline (drawn, not an SVG marker: resvg aborts on some markers). */
function arrowHead(pts: { x: number; y: number }[], fill: string): string {
  const b = pts[pts.length - 1];
  let a = pts[pts.length - 2];
  for (let i = pts.length - 2; i >= 0 && Math.hypot(b.x - a.x, b.y - a.y) < 1e-3; i--) a = pts[i];
  const len = Math.hypot(b.x - a.x, b.y - a.y);
  if (len < 1e-3) return '';
  const ux = (b.x - a.x) / len, uy = (b.y - a.y) / len, L = 7, W = 3.5;
  const bx = b.x - ux * L, by = b.y - uy * L;
  return el('path', { d: `M${fmt(b.x)},${fmt(b.y)}L${fmt(bx - uy * W)},${fmt(by + ux * W)}L${fmt(bx + uy * W)},${fmt(by - ux * W)}Z`, fill });
}

/** y positions (in layout space) where the diagram is cut into columns: in gaps between node boxes. */
function cuts(l: GraphLayout): number[] {
  if (l.height <= COLUMN_HEIGHT * 1.25) return [];
  const spans = l.nodes.map((n) => [n.y - 2, n.y + n.height + 2] as const).sort((a, b) => a[0] - b[0]);
  // free gaps between the union of node spans
  const gaps: number[] = [];
  let end = -Infinity;
  for (const [a, b] of spans) { if (a > end && end > -Infinity) gaps.push((a + end) / 2); end = Math.max(end, b); }
  const out: number[] = [];
  let start = 0;
  while (l.height - start > COLUMN_HEIGHT) {
    const target = start + COLUMN_HEIGHT;
    const cut = gaps.filter((g) => g > start + COLUMN_HEIGHT / 2 && g <= target).pop();
    if (cut === undefined) break;
    out.push(cut);
    start = cut;
  }
  return out;
}

function legend(l: GraphLayout, width: number): { svg: string; height: number } {
  const items: { label: string; draw: (x: number, y: number) => string }[] = l.categories.map((c) => ({
    label: CATEGORY_STYLE[c].label,
    draw: (x, y) => el('rect', { x, y: y - 6, width: 16, height: 12, rx: c === 'io' ? 6 : 2, fill: CATEGORY_STYLE[c].fill, stroke: CATEGORY_STYLE[c].stroke }),
  }));
  if (l.nodes.some((n) => n.kind === 'block')) items.push({ label: 'module (closed; a one-op module in its op colour)', draw: (x, y) => el('rect', { x, y: y - 6, width: 16, height: 12, rx: 2, fill: BLOCK_STYLE.fill, stroke: BLOCK_STYLE.stroke, 'stroke-width': 1.4 }) });
  if (l.clusters.length) items.push({ label: 'module block (open)', draw: (x, y) => el('rect', { x, y: y - 6, width: 16, height: 12, rx: 2, fill: CLUSTER_STYLE.fill, stroke: CLUSTER_STYLE.stroke, 'stroke-dasharray': '3 2' }) });
  if (l.edges.some((e) => e.kind === 'carry')) items.push({ label: "concat: earlier concat's inputs carried", draw: (x, y) => el('path', { d: `M${x},${y}h16`, stroke: CARRY, 'stroke-dasharray': '4 3', 'stroke-width': 1.5 }) });
  const parts: string[] = [];
  let x = 16, y = 9;
  for (const it of items) {
    const w = 22 + textWidth(it.label, 11) + 16;
    if (x + w > width && x > 16) { x = 16; y += 18; }
    parts.push(it.draw(x, y), text(x + 22, y, it.label, { size: 11, middle: true, fill: '#333' }));
    x += w;
  }
  return { svg: parts.join(''), height: y + 12 };
}

/** The diagram of graph display data as an SVG document (see the module comment). */
export function graphSvg(d: GraphData, opts: LayoutOptions = {}): { svg: string; layout: GraphLayout; scale: number } {
  const l = layoutGraph(d, opts);
  const depth = opts.depth ?? d.depth;
  const title = `${d.name}: ${d.totals.nodes.toLocaleString('en-US')} nodes, ${compactCount(d.totals.params)} params, ${compactCount(d.totals.macs)} MACs`;
  const ys = [0, ...cuts(l), l.height];
  const cols = ys.length - 1;
  // each column as wide as what it holds
  const spans = ys.slice(1).map((y1, i) => {
    const y0 = ys[i];
    let x0 = Infinity, x1 = -Infinity;
    const take = (a: number, b: number) => { x0 = Math.min(x0, a); x1 = Math.max(x1, b); };
    for (const n of l.nodes) if (n.y + n.height >= y0 && n.y <= y1) take(n.x, n.x + n.width);
    for (const c of l.clusters) if (c.y + c.height >= y0 && c.y <= y1) take(c.x, c.x + c.width);
    for (const e of l.edges) for (const p of e.points) if (p.y >= y0 && p.y <= y1) take(p.x, p.x);
    return cols === 1 || !(x1 > x0) ? { x0: 0, x1: l.width } : { x0: Math.max(0, x0 - 6), x1: Math.min(l.width, x1 + 6) };
  });
  const lefts = spans.map((_, i) => 4 + spans.slice(0, i).reduce((a, s) => a + (s.x1 - s.x0) + COLUMN_GAP, 0));
  const diagramW = lefts[cols - 1] + spans[cols - 1].x1 - spans[cols - 1].x0;
  const colH = Math.max(...ys.slice(1).map((y, i) => y - ys[i]));
  const width = Math.max(diagramW + 4, textWidth(title, 15, true) + 32, 360);
  // legend rows are estimated for the scale; the exact height follows
  const scale = fitScale(width, colH + 160);
  const sub = `module blocks open to depth ${depth} · ${l.nodes.length} boxes${cols > 1 ? ` in ${cols} columns` : ''}${scale < 1 ? ` · PNG scaled to ${Math.floor(scale * 100)} % (the interactive view has it all)` : ''}`;
  const leg = legend(l, width - 16);
  const top = 54 + leg.height + 6;
  const defs = [
    ...ys.slice(1).map((y, i) => el('clipPath', { id: `col${i}` }, el('rect', { x: spans[i].x0, y: ys[i], width: spans[i].x1 - spans[i].x0, height: y - ys[i] }))),
  ];
  const body: string[] = [el('defs', {}, ...defs)];
  body.push(text(16, 28, title, { size: 15, bold: true }), text(16, 46, sub, { size: 12, fill: '#555' }));
  body.push(el('g', { transform: `translate(0,${fmt(54)})` }, leg.svg));
  for (let i = 0; i < cols; i++) {
    const w = spans[i].x1 - spans[i].x0;
    const dx = lefts[i] - spans[i].x0, dy = top - ys[i];
    body.push(el('g', { transform: `translate(${fmt(dx)},${fmt(dy)})`, 'clip-path': cols > 1 ? `url(#col${i})` : undefined }, diagram(l, ys[i], ys[i + 1])));
    if (i < cols - 1) body.push(text(lefts[i] + w + COLUMN_GAP / 2, top + 12, '→', { size: 16, anchor: 'middle', fill: '#999' }), text(lefts[i] + w / 2, top + (ys[i + 1] - ys[i]) + 14, 'continues in the next column', { size: 10, anchor: 'middle', fill: '#999' }));
  }
  const height = top + colH + (cols > 1 ? 22 : 8);
  return { svg: svgDoc(width, height, title, body.join('')), layout: l, scale: Math.min(scale, fitScale(width, height)) };
}
