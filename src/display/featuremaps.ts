import { ConfigError, ShapeError, fmtShape } from '../errors';
import { Tensor } from '../tensor/tensor';
import { DisplayObject, MimeBundle } from './bundle';
import { Canvas, COLORMAPS, colorOf } from './png';
import { MIME } from './schema';
import type { Colormap, FeatureMapsData } from './featuremaps-schema';

export type { FeatureMapsData } from './featuremaps-schema';

export interface FeatureMapsOptions {
  name?: string;
  /** channels to show (default: the first 16) */
  channels?: number[];
  /** how many channels when `channels` is not given (default 16) */
  max?: number;
  batchIndex?: number;
  colormap?: Colormap;
  scale?: 'shared' | 'per-map';
  /** an image to draw the maps over: [3, H, W] or [1, 3, H, W], uint8 0–255 or float 0–1 */
  overlay?: Tensor;
  alpha?: number;
  /** PNG tile size in pixels (default: maps scaled to at least 64 px) */
  tile?: number;
}

function toRgb(img: Tensor, where: string): { w: number; h: number; rgb: Uint8Array } {
  const d = img.dims.length === 4 ? img.dims.slice(1) : img.dims;
  if (d.length !== 3 || d[0] !== 3) throw new ShapeError('overlay must be an RGB image', { expected: '[3, H, W] or [1, 3, H, W]', got: fmtShape(img.dims), where });
  const [, h, w] = d;
  const src = img.data as ArrayLike<number>;
  let mx = 0;
  for (let i = 0; i < src.length; i++) mx = Math.max(mx, Number(src[i]));
  const k = img.dtype === 'uint8' || mx > 1.5 ? 1 : 255;
  const rgb = new Uint8Array(w * h * 3);
  for (let c = 0; c < 3; c++) for (let i = 0; i < h * w; i++) rgb[i * 3 + c] = Math.max(0, Math.min(255, Math.round(Number(src[c * h * w + i]) * k)));
  return { w, h, rgb };
}

/** Heatmap grid of feature maps: the featuremaps MIME data, a PNG grid and a text summary. */
export function featureMaps(t: Tensor, opts: FeatureMapsOptions = {}): DisplayObject & { data: FeatureMapsData } {
  const where = `featureMaps(${opts.name ?? ''})`;
  if (t.dims.length !== 3 && t.dims.length !== 4) throw new ShapeError('feature maps must be [C, H, W] or [N, C, H, W]', { got: fmtShape(t.dims), where });
  const b = opts.batchIndex ?? 0;
  const [n, c, h, w] = t.dims.length === 4 ? t.dims : [1, ...t.dims];
  if (!Number.isInteger(b) || b < 0 || b >= n) throw new ConfigError('batchIndex out of range', { expected: `0 ≤ batchIndex < ${n}`, got: String(b), where });
  const cmap = opts.colormap ?? 'viridis';
  if (!COLORMAPS.includes(cmap)) throw new ConfigError('unknown colormap', { expected: COLORMAPS.join(' | '), got: String(cmap), where });
  const scale = opts.scale ?? 'shared';
  if (scale !== 'shared' && scale !== 'per-map') throw new ConfigError('unknown scale', { expected: "'shared' | 'per-map'", got: String(scale), where });
  const channels = opts.channels ?? Array.from({ length: Math.min(c, opts.max ?? 16) }, (_, i) => i);
  for (const ch of channels) if (!Number.isInteger(ch) || ch < 0 || ch >= c) throw new ConfigError('channel out of range', { expected: `0 ≤ channel < ${c}`, got: String(ch), where });
  const src = t.data as ArrayLike<number>;
  const maps = channels.map((ch) => {
    const a = new Float32Array(h * w);
    const off = (b * c + ch) * h * w;
    let mn = Infinity, mx = -Infinity, sum = 0;
    for (let i = 0; i < h * w; i++) { const v = Number(src[off + i]); a[i] = v; mn = Math.min(mn, v); mx = Math.max(mx, v); sum += v; }
    return { channel: ch, min: mn, max: mx, mean: sum / (h * w), values: a };
  });
  const range: [number, number] = [Math.min(...maps.map((m) => m.min)), Math.max(...maps.map((m) => m.max))];
  const alpha = opts.alpha ?? 0.5;
  const overlay = opts.overlay ? toRgb(opts.overlay, where) : null;
  const data: FeatureMapsData = {
    version: 1, name: opts.name ?? '', shape: [c, h, w], batchIndex: b, channels, colormap: cmap, scale, range,
    maps: maps.map((m) => ({ channel: m.channel, min: m.min, max: m.max, mean: m.mean, data: Buffer.from(m.values.buffer).toString('base64') })),
    overlay: null,
  };
  const make = (): MimeBundle => {
    const tile = opts.tile ?? Math.max(64, Math.min(160, Math.max(h, w)));
    const cols = Math.ceil(Math.sqrt(maps.length)), rows = Math.ceil(maps.length / cols);
    const gap = 4;
    const canvas = new Canvas(cols * tile + (cols + 1) * gap, rows * tile + (rows + 1) * gap);
    maps.forEach((m, k) => {
      const [lo, hi] = scale === 'shared' ? range : [m.min, m.max];
      const x0 = gap + (k % cols) * (tile + gap), y0 = gap + Math.floor(k / cols) * (tile + gap);
      for (let y = 0; y < tile; y++) for (let x = 0; x < tile; x++) {
        const v = m.values[Math.min(h - 1, Math.floor((y * h) / tile)) * w + Math.min(w - 1, Math.floor((x * w) / tile))];
        let [r, g, bl] = colorOf(cmap, hi > lo ? (v - lo) / (hi - lo) : 0.5);
        if (overlay) {
          const p = (Math.min(overlay.h - 1, Math.floor((y * overlay.h) / tile)) * overlay.w + Math.min(overlay.w - 1, Math.floor((x * overlay.w) / tile))) * 3;
          r = Math.round(alpha * r + (1 - alpha) * overlay.rgb[p]);
          g = Math.round(alpha * g + (1 - alpha) * overlay.rgb[p + 1]);
          bl = Math.round(alpha * bl + (1 - alpha) * overlay.rgb[p + 2]);
        }
        canvas.set(x0 + x, y0 + y, r, g, bl);
      }
    });
    if (overlay && !data.overlay) {
      const oc = new Canvas(overlay.w, overlay.h);
      for (let i = 0; i < overlay.w * overlay.h; i++) oc.set(i % overlay.w, Math.floor(i / overlay.w), overlay.rgb[i * 3], overlay.rgb[i * 3 + 1], overlay.rgb[i * 3 + 2]);
      data.overlay = { width: overlay.w, height: overlay.h, png: oc.base64(), alpha };
    }
    const text = [`FeatureMaps${data.name ? ` '${data.name}'` : ''}: ${c}×${h}×${w} (item ${b}), showing ${channels.length} channel${channels.length === 1 ? '' : 's'}, ${scale} scale [${range[0].toPrecision(4)}, ${range[1].toPrecision(4)}]`,
      ...maps.slice(0, 8).map((m) => `  channel ${String(m.channel).padStart(4)}: min ${m.min.toPrecision(4)}  mean ${m.mean.toPrecision(4)}  max ${m.max.toPrecision(4)}`),
      ...(maps.length > 8 ? [`  … ${maps.length - 8} more`] : [])].join('\n');
    return { [MIME.featuremaps]: data, 'image/png': canvas.base64(), 'text/plain': text };
  };
  return Object.assign(new DisplayObject(make), { data });
}
