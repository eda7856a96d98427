import { ConfigError, ShapeError, fmtShape } from '../errors';
import { Tensor } from '../tensor/tensor';
import { imageNormalization } from '../tensor/normalization';
import { DisplayObject, MimeBundle } from './bundle';
import { Canvas, COLORMAPS } from './png';
import { featureMapsSvg } from './render/featuremaps-svg';
import { svgToPngBase64 } from './render/raster';
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
  /** PNG tile size in pixels (default: about 200k heatmap pixels in all, 48–160 px a tile) */
  tile?: number;
}

function toRgb(img: Tensor, where: string): { w: number; h: number; rgb: Uint8Array } {
  const d = img.dims.length === 4 ? img.dims.slice(1) : img.dims;
  if (d.length !== 3 || d[0] !== 3) throw new ShapeError('overlay must be an RGB image', { expected: '[3, H, W] or [1, 3, H, W]', got: fmtShape(img.dims), where });
  const [, h, w] = d;
  const src = img.data as ArrayLike<number>;
  const rgb = new Uint8Array(w * h * 3);
  // an image loadImage normalised ((x − mean) / std) is shown as the photo: x = v · std + mean, in [0, 1]
  const norm = imageNormalization(img);
  if (norm) {
    for (let c = 0; c < 3; c++) for (let i = 0; i < h * w; i++) {
      rgb[i * 3 + c] = Math.max(0, Math.min(255, Math.round((Number(src[c * h * w + i]) * norm.std[c] + norm.mean[c]) * 255)));
    }
    return { w, h, rgb };
  }
  let mx = 0;
  for (let i = 0; i < src.length; i++) mx = Math.max(mx, Number(src[i]));
  const k = img.dtype === 'uint8' || mx > 1.5 ? 1 : 255;
  for (let c = 0; c < 3; c++) for (let i = 0; i < h * w; i++) rgb[i * 3 + c] = Math.max(0, Math.min(255, Math.round(Number(src[c * h * w + i]) * k)));
  return { w, h, rgb };
}

/** Text fallback: the shape, the range and each map's statistics (the first 8). */
export function featureMapsText(d: FeatureMapsData): string {
  const [c, h, w] = d.shape;
  const n = d.maps.length;
  return [`FeatureMaps${d.name ? ` '${d.name}'` : ''}: ${c}×${h}×${w} (item ${d.batchIndex}), showing ${n} channel${n === 1 ? '' : 's'}, ${d.scale} scale [${d.range[0].toPrecision(4)}, ${d.range[1].toPrecision(4)}]${d.overlay ? `, over a ${d.overlay.width}×${d.overlay.height} image (alpha ${d.overlay.alpha})` : ''}`,
    ...d.maps.slice(0, 8).map((m) => `  channel ${String(m.channel).padStart(4)}: min ${m.min.toPrecision(4)}  mean ${m.mean.toPrecision(4)}  max ${m.max.toPrecision(4)}`),
    ...(n > 8 ? [`  … ${n - 8} more`] : [])].join('\n');
}

/** The bundle of feature-map data: MIME data, the labelled heatmap grid with its colour bar as PNG, text. */
export function featureMapsBundle(d: FeatureMapsData, opts: { tile?: number } = {}): MimeBundle {
  return { [MIME.featuremaps]: d, 'image/png': svgToPngBase64(featureMapsSvg(d, opts)), 'text/plain': featureMapsText(d) };
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
  const tile = opts.tile;
  if (tile !== undefined && !(Number.isInteger(tile) && tile >= 8 && tile <= 512)) throw new ConfigError('tile out of range', { expected: 'an integer from 8 to 512 (px)', got: String(tile), where });
  if (!(alpha >= 0 && alpha <= 1)) throw new ConfigError('alpha out of range', { expected: '0 ≤ alpha ≤ 1', got: String(opts.alpha), where });
  let overlayData: FeatureMapsData['overlay'] = null;
  if (overlay) {
    const oc = new Canvas(overlay.w, overlay.h);
    for (let i = 0; i < overlay.w * overlay.h; i++) oc.set(i % overlay.w, Math.floor(i / overlay.w), overlay.rgb[i * 3], overlay.rgb[i * 3 + 1], overlay.rgb[i * 3 + 2]);
    overlayData = { width: overlay.w, height: overlay.h, png: oc.base64(), alpha };
  }
  const data: FeatureMapsData = {
    version: 1, name: opts.name ?? '', shape: [c, h, w], batchIndex: b, channels, colormap: cmap, scale, range,
    maps: maps.map((m) => ({ channel: m.channel, min: m.min, max: m.max, mean: m.mean, data: Buffer.from(m.values.buffer).toString('base64') })),
    overlay: overlayData,
  };
  const make = (): MimeBundle => featureMapsBundle(data, { tile });
  return Object.assign(new DisplayObject(make), { data });
}
