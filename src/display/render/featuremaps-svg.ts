/**
 * The PNG fallback of `application/vnd.cnnlab.featuremaps+json`: a labelled grid of heatmaps (drawn over the
 * overlay image when there is one: CAM, occlusion), the value range, and a colour bar with ticks.
 */
import { PNG } from 'pngjs';
import { scaleLinear } from 'd3-scale';
import type { FeatureMapsData } from '../featuremaps-schema';
import { colorOf, encodePng } from '../png';
import { el, fit, fmt, svgDoc, text, textWidth } from './svg';

/** colour levels of the heatmaps: fewer than 256 keep smooth maps compressible (a PNG under 200 KB) */
const LEVELS = 48;
const b64png = (w: number, h: number, rgba: Uint8Array) => `data:image/png;base64,${Buffer.from(encodePng(w, h, rgba)).toString('base64')}`;
const num = (v: number) => (Number.isFinite(v) ? (Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(2) : v.toPrecision(3)) : String(v));

function floats(b64: string): Float32Array {
  const buf = Buffer.from(b64, 'base64');
  const out = new Float32Array(buf.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = buf.readFloatLE(i * 4);
  return out;
}

/** The heatmap of one map as RGBA at (w, h), blended over the overlay's pixels when given (nearest neighbour). */
function tilePixels(d: FeatureMapsData, values: Float32Array, lo: number, hi: number, over: { w: number; h: number; rgba: Uint8Array } | null): { w: number; h: number; rgba: Uint8Array } {
  const [, mh, mw] = d.shape;
  const w = over ? over.w : mw, h = over ? over.h : mh;
  const a = over ? d.overlay!.alpha : 1;
  const rgba = new Uint8Array(w * h * 4);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    const v = values[Math.min(mh - 1, Math.floor((y * mh) / h)) * mw + Math.min(mw - 1, Math.floor((x * mw) / w))];
    const c = colorOf(d.colormap, hi > lo ? Math.round(((v - lo) / (hi - lo)) * LEVELS) / LEVELS : 0.5);
    const i = (y * w + x) * 4;
    for (let k = 0; k < 3; k++) rgba[i + k] = over ? Math.round(a * c[k] + (1 - a) * over.rgba[i + k]) : c[k];
    rgba[i + 3] = 255;
  }
  return { w, h, rgba };
}

export function featureMapsSvg(d: FeatureMapsData, opts: { tile?: number } = {}): string {
  return featureMapsFigure(d, opts).svg;
}

/** The SVG and where each map's tile and the colour bar sit in it (px). */
export function featureMapsFigure(d: FeatureMapsData, opts: { tile?: number } = {}): {
  svg: string; width: number; height: number; tiles: { x: number; y: number; width: number; height: number }[]; bar: { x: number; y: number; width: number; height: number };
} {
  const tiles: { x: number; y: number; width: number; height: number }[] = [];
  const [C, H, W] = d.shape;
  const n = d.maps.length;
  const cols = Math.max(1, Math.min(n, Math.ceil(Math.sqrt(n * 1.5))));
  const rows = Math.ceil(n / cols);
  // about 200k heatmap pixels in all (a typical PNG stays under 200 KB); an integer zoom of small maps keeps
  // their pixels square and the PNG small
  const target = Math.max(48, Math.min(d.overlay && n <= 4 ? 256 : 160, Math.sqrt(200_000 / n)));
  const tile = opts.tile ?? (W >= target ? Math.round(target) : W * Math.max(1, Math.round(target / W)));
  const tileH = Math.round((tile * H) / W) || tile;
  const perMap = d.scale === 'per-map';
  const labelH = perMap ? 30 : 16;
  const gap = 10;
  let over: { w: number; h: number; rgba: Uint8Array } | null = null;
  if (d.overlay) {
    const p = PNG.sync.read(Buffer.from(d.overlay.png, 'base64'));
    over = { w: p.width, h: p.height, rgba: new Uint8Array(p.data.buffer, p.data.byteOffset, p.data.length) };
    // the map is blended at the image's resolution, at most 2× the tile
    const f = Math.min(1, (2 * tile) / Math.max(p.width, p.height));
    if (f < 1) over = downsample(over, f);
  }
  const left = 16, top = 60;
  const parts: string[] = [];
  d.maps.forEach((m, k) => {
    const [lo, hi] = perMap ? [m.min, m.max] : d.range;
    const px = tilePixels(d, floats(m.data), lo, hi, over);
    const x = left + (k % cols) * (tile + gap), y = top + Math.floor(k / cols) * (tileH + labelH + gap);
    parts.push(text(x, y + 12, fit(`ch ${m.channel}`, tile, 11), { size: 11, fill: '#333' }));
    if (perMap) parts.push(text(x, y + 26, fit(`${num(m.min)} … ${num(m.max)}`, tile, 10), { size: 10, fill: '#666' }));
    tiles.push({ x, y: y + labelH, width: tile, height: tileH });
    parts.push(el('image', { x, y: y + labelH, width: tile, height: tileH, href: b64png(px.w, px.h, px.rgba), preserveAspectRatio: 'none', 'image-rendering': over ? undefined : 'optimizeSpeed' }));
    parts.push(el('rect', { x: x - 0.5, y: y + labelH - 0.5, width: tile + 1, height: tileH + 1, fill: 'none', stroke: '#999' }));
  });
  const gridW = cols * (tile + gap) - gap, gridH = rows * (tileH + labelH + gap) - gap;
  // colour bar
  const bx = left + gridW + 24, by = top + labelH, bh = Math.max(120, Math.min(gridH - labelH, 320)), bw = 16;
  const bar = new Uint8Array(256 * 4);
  for (let i = 0; i < 256; i++) { const c = colorOf(d.colormap, 1 - i / 255); bar.set([c[0], c[1], c[2], 255], i * 4); }
  parts.push(el('image', { x: bx, y: by, width: bw, height: bh, href: b64png(1, 256, bar), preserveAspectRatio: 'none' }));
  parts.push(el('rect', { x: bx - 0.5, y: by - 0.5, width: bw + 1, height: bh + 1, fill: 'none', stroke: '#555' }));
  let barW = 0;
  if (perMap) {
    parts.push(text(bx + bw + 6, by + 10, 'max of each map', { size: 11, fill: '#333' }));
    parts.push(text(bx + bw + 6, by + bh, 'min of each map', { size: 11, fill: '#333' }));
    barW = 110;
  } else {
    const s = scaleLinear().domain(d.range[1] > d.range[0] ? d.range : [d.range[0] - 0.5, d.range[0] + 0.5]).range([by + bh, by]);
    const ticks = s.ticks(6);
    const f = s.tickFormat(6);
    parts.push(el('path', { d: ticks.map((t) => `M${fmt(bx + bw)},${fmt(s(t))}h5`).join(''), stroke: '#555' }));
    for (const t of ticks) { const l = f(t); parts.push(text(bx + bw + 8, s(t), l, { size: 11, middle: true, fill: '#333' })); barW = Math.max(barW, l.length * 7 + 12); }
  }
  parts.push(text(bx, by - 8, d.colormap, { size: 11, fill: '#555' }));
  const title = `Feature maps${d.name ? ` ${d.name}` : ''}: ${C}×${H}×${W}${d.batchIndex ? ` (batch item ${d.batchIndex})` : ''}`;
  const sub = `${n} of ${C} channel${C === 1 ? '' : 's'} · ${perMap ? 'per-map scale' : `shared scale [${num(d.range[0])}, ${num(d.range[1])}]`}${d.overlay ? ` · over the ${d.overlay.width}×${d.overlay.height} image, alpha ${d.overlay.alpha}` : ''}`;
  parts.push(text(16, 28, title, { size: 15, bold: true }), text(16, 46, sub, { size: 12, fill: '#555' }));
  const width = Math.ceil(Math.max(bx + bw + 24 + barW, 16 + textWidth(title, 15, true) + 16, 16 + textWidth(sub, 12) + 16));
  const height = Math.ceil(top + Math.max(gridH, labelH + bh + 10) + 16);
  return { svg: svgDoc(width, height, title, parts.join('')), width, height, tiles, bar: { x: bx, y: by, width: bw, height: bh } };
}

/** Box-filter downsampling of RGBA by factor f < 1. */
function downsample(img: { w: number; h: number; rgba: Uint8Array }, f: number): { w: number; h: number; rgba: Uint8Array } {
  const w = Math.max(1, Math.round(img.w * f)), h = Math.max(1, Math.round(img.h * f));
  const out = new Uint8Array(w * h * 4);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    const y0 = Math.floor((y * img.h) / h), y1 = Math.max(y0 + 1, Math.floor(((y + 1) * img.h) / h));
    const x0 = Math.floor((x * img.w) / w), x1 = Math.max(x0 + 1, Math.floor(((x + 1) * img.w) / w));
    const acc = [0, 0, 0, 0];
    for (let yy = y0; yy < y1; yy++) for (let xx = x0; xx < x1; xx++) for (let k = 0; k < 4; k++) acc[k] += img.rgba[(yy * img.w + xx) * 4 + k];
    const cnt = (y1 - y0) * (x1 - x0);
    for (let k = 0; k < 4; k++) out[(y * w + x) * 4 + k] = Math.round(acc[k] / cnt);
  }
  return { w, h, rgba: out };
}
