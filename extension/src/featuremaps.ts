/**
 * `application/vnd.cnnlab.featuremaps+json`: a grid of heatmaps on one canvas — shared or per-map colour
 * scale with a colour bar, sequential and diverging colormaps (diverging: symmetric around 0), value under
 * the pointer, a channel picker, and the input image under the maps with an alpha slider (CAM, occlusion).
 */
import type { FeatureMapsData } from '../../src/display/schema';
import { button, cssVar, download, el, fileName, select } from './common';
import { DIVERGING, isDiverging, lut, SEQUENTIAL } from './colormap';

function decodeF32(b64: string): Float32Array {
  const bin = atob(b64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return new Float32Array(bytes.buffer, 0, bytes.length >> 2);
}

/** "0-3, 7" → [0, 1, 2, 3, 7] (only channels the data has). */
export function parseChannels(s: string, have: number[]): number[] {
  const set = new Set(have);
  const out: number[] = [];
  for (const part of s.split(',').map((p) => p.trim()).filter(Boolean)) {
    const m = /^(\d+)\s*(?:-\s*(\d+))?$/.exec(part);
    if (!m) continue;
    const a = Number(m[1]), b = m[2] === undefined ? a : Number(m[2]);
    for (let c = Math.min(a, b); c <= Math.max(a, b); c++) if (set.has(c) && !out.includes(c)) out.push(c);
  }
  return out;
}

const fmt = (v: number) => (Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(2) : v.toPrecision(4));

export function renderFeatureMaps(d: FeatureMapsData, host: HTMLElement): void {
  const [, H, W] = d.shape;
  const values = d.maps.map((m) => decodeF32(m.data));
  const anyNeg = d.range[0] < 0 && d.range[1] > 0;
  const state = {
    cmap: anyNeg && !isDiverging(d.colormap) ? 'RdBu' : (d.colormap as string),
    scale: d.scale as 'shared' | 'per-map',
    shown: d.maps.map((_, i) => i),
    alpha: d.overlay ? d.overlay.alpha : 1,
    tile: [48, 96, 160, 256].reduce((best, t) => (Math.abs(t - Math.max(H, W) * 2) < Math.abs(best - Math.max(H, W) * 2) ? t : best), 96),
  };
  const canvas = el('canvas', { class: 'cl-fm-canvas' });
  const bar = el('canvas', { class: 'cl-fm-bar' });
  const tip = el('div', { class: 'cl-tip' });
  tip.style.display = 'none';
  let image: HTMLImageElement | null = null;
  const LABEL = 16, GAP = 6;
  const layout = () => {
    const n = state.shown.length;
    const cols = Math.max(1, Math.min(n, Math.floor((Math.max(320, host.clientWidth || 800) - 90) / (state.tile + GAP)) || 1));
    return { cols, rows: Math.ceil(n / cols) };
  };
  const rangeOf = (k: number): [number, number] => {
    let [lo, hi] = state.scale === 'shared' ? d.range : [d.maps[k].min, d.maps[k].max];
    if (isDiverging(state.cmap)) { const m = Math.max(Math.abs(lo), Math.abs(hi)) || 1; lo = -m; hi = m; }
    return [lo, hi];
  };
  const draw = () => {
    const { cols, rows } = layout();
    const T = state.tile;
    canvas.width = cols * (T + GAP);
    canvas.height = rows * (T + LABEL + GAP);
    const ctx = canvas.getContext('2d')!;
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    ctx.imageSmoothingEnabled = false;
    ctx.font = `11px ${cssVar('--jp-ui-font-family', 'sans-serif', host)}`;
    ctx.fillStyle = cssVar('--jp-ui-font-color1', '#333', host);
    ctx.textBaseline = 'top';
    const table = lut(state.cmap);
    const off = document.createElement('canvas');
    off.width = W; off.height = H;
    const octx = off.getContext('2d')!;
    const img = octx.createImageData(W, H);
    state.shown.forEach((k, i) => {
      const x0 = (i % cols) * (T + GAP), y0 = Math.floor(i / cols) * (T + LABEL + GAP);
      const [lo, hi] = rangeOf(k);
      const v = values[k];
      const s = hi > lo ? 255 / (hi - lo) : 0;
      for (let p = 0; p < H * W; p++) {
        const q = Math.max(0, Math.min(255, Math.round((v[p] - lo) * s))) * 3;
        img.data[p * 4] = table[q]; img.data[p * 4 + 1] = table[q + 1]; img.data[p * 4 + 2] = table[q + 2]; img.data[p * 4 + 3] = 255;
      }
      octx.putImageData(img, 0, 0);
      const m = d.maps[k];
      ctx.fillText(`ch ${m.channel}${state.scale === 'per-map' ? ` [${fmt(m.min)}, ${fmt(m.max)}]` : ''}`, x0, y0 + 2, T);
      if (image && image.complete) { ctx.globalAlpha = 1; ctx.imageSmoothingEnabled = true; ctx.drawImage(image, x0, y0 + LABEL, T, T); ctx.imageSmoothingEnabled = false; }
      ctx.globalAlpha = image ? state.alpha : 1;
      ctx.drawImage(off, x0, y0 + LABEL, T, T);
      ctx.globalAlpha = 1;
    });
    drawBar();
  };
  const drawBar = () => {
    const h = Math.min(240, Math.max(120, canvas.height)), w = 70;
    bar.width = w; bar.height = h;
    const ctx = bar.getContext('2d')!;
    ctx.clearRect(0, 0, w, h);
    const table = lut(state.cmap);
    for (let y = 0; y < h - 20; y++) {
      const q = Math.round((1 - y / (h - 21)) * 255) * 3;
      ctx.fillStyle = `rgb(${table[q]},${table[q + 1]},${table[q + 2]})`;
      ctx.fillRect(4, y + 10, 16, 1);
    }
    ctx.fillStyle = cssVar('--jp-ui-font-color1', '#333', host);
    ctx.font = `11px ${cssVar('--jp-ui-font-family', 'sans-serif', host)}`;
    ctx.textBaseline = 'middle';
    if (state.scale === 'shared') {
      const [lo, hi] = rangeOf(state.shown[0] ?? 0);
      for (let i = 0; i <= 4; i++) ctx.fillText(fmt(hi - ((hi - lo) * i) / 4), 24, 10 + ((h - 21) * i) / 4);
    } else {
      ctx.fillText('max', 24, 10); ctx.fillText('per map', 24, h / 2); ctx.fillText('min', 24, h - 11);
    }
  };
  canvas.addEventListener('mousemove', (ev) => {
    const r = canvas.getBoundingClientRect();
    const x = (ev.clientX - r.left) * (canvas.width / r.width), y = (ev.clientY - r.top) * (canvas.height / r.height);
    const { cols } = layout();
    const T = state.tile;
    const i = Math.floor(y / (T + LABEL + GAP)) * cols + Math.floor(x / (T + GAP));
    const tx = x % (T + GAP), ty = (y % (T + LABEL + GAP)) - LABEL;
    if (i >= state.shown.length || tx >= T || ty < 0 || ty >= T) { tip.style.display = 'none'; return; }
    const k = state.shown[i];
    const px = Math.floor((tx / T) * W), py = Math.floor((ty / T) * H);
    tip.textContent = `channel ${d.maps[k].channel} (y ${py}, x ${px}) = ${fmt(values[k][py * W + px])}`;
    tip.style.display = 'block';
    tip.style.left = `${ev.clientX - host.getBoundingClientRect().left + 12}px`;
    tip.style.top = `${ev.clientY - host.getBoundingClientRect().top + 12}px`;
  });
  canvas.addEventListener('mouseleave', () => { tip.style.display = 'none'; });

  const chan = el('input', { class: 'cl-input', type: 'text', title: 'channels to show, e.g. 0-7, 12', size: '14' });
  const all = d.maps.map((m) => m.channel);
  chan.value = all.length && all.every((c, i) => i === 0 || c === all[i - 1] + 1) ? `${all[0]}-${all[all.length - 1]}` : all.join(',');
  chan.addEventListener('change', () => {
    const want = parseChannels(chan.value, all);
    state.shown = want.map((c) => all.indexOf(c));
    draw();
  });
  const bar0 = el('div', { class: 'cl-toolbar' },
    el('label', {}, 'colormap '),
    select([...SEQUENTIAL.map((c) => [c, c] as [string, string]), ...DIVERGING.map((c) => [c, `${c} (diverging, 0 centred)`] as [string, string])], state.cmap, (v) => { state.cmap = v; draw(); }, 'colormap'),
    el('label', {}, ' scale '),
    select([['shared', 'shared'], ['per-map', 'per map']], state.scale, (v) => { state.scale = v as 'shared' | 'per-map'; draw(); }, 'colour scale'),
    el('label', {}, ' channels '), chan,
    el('label', {}, ' size '),
    select([['48', 'S'], ['96', 'M'], ['160', 'L'], ['256', 'XL']].map(([v, l]) => [v, l] as [string, string]), String(state.tile), (v) => { state.tile = Number(v); draw(); }, 'tile size'),
    button('PNG', 'download the grid as PNG', () => canvas.toBlob((b) => b && download(fileName(d.name || 'featuremaps', 'png'), b))),
  );
  if (d.overlay) {
    const slider = el('input', { type: 'range', min: '0', max: '1', step: '0.05', title: 'heatmap opacity over the image' });
    slider.value = String(state.alpha);
    slider.addEventListener('input', () => { state.alpha = Number(slider.value); draw(); });
    bar0.append(el('label', {}, ' alpha '), slider);
    image = new Image();
    image.onload = () => draw();
    image.src = `data:image/png;base64,${d.overlay.png}`;
  }
  const title = `${d.name ? `${d.name}: ` : ''}${d.shape.join('×')} (item ${d.batchIndex}), ${d.maps.length} channel${d.maps.length === 1 ? '' : 's'}; range [${fmt(d.range[0])}, ${fmt(d.range[1])}]`;
  host.replaceChildren(el('div', { class: 'cl-title' }, title), bar0, el('div', { class: 'cl-fm-body' }, canvas, bar), tip);
  draw();
}
