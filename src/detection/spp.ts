/**
 * Spatial pyramid pooling (He et al., SPP-net): max pooling of a feature map (or of each RoI)
 * into n×n bins for each pyramid level n, flattened per level as [C, n, n] and concatenated:
 * a fixed-length vector of C·Σn² values (levels [1, 2, 3, 6] on 256 channels → 12,800;
 * [4, 2, 1] → 21·C).
 *
 * Bin rules (`mode`):
 * - 'adaptive' (default; torch `adaptive_max_pool2d`, and RoI pooling's rule): bin i of n
 *   over a side of length a covers [⌊i·a/n⌋, ⌈(i+1)·a/n⌉) — always exactly n bins, for any
 *   a ≥ 1 (bins overlap when a is not a multiple of n, and repeat cells when a < n).
 * - 'paper' (the SPP-net paper): window = ⌈a/n⌉, stride = ⌊a/n⌋, bins at i·stride, i.e.
 *   `max_pool2d(kernel=window, stride=stride)`. That gives ⌊(a − window)/stride⌋ + 1 bins,
 *   which is n only for some sizes: e.g. a = 13 gives n bins for n = 1, 2, 3, 4, 6 (SPP-net's
 *   conv5) but a = 5, n = 3 gives 4 bins and any a < n gives stride 0. `sppPaperBins(a, n)`
 *   tells; pooling a size where it is not n raises a ShapeError naming the size and level.
 *
 * With `rois` ([K, 5] as in roiPool), each RoI is pooled instead of the whole map; output
 * [K, C·Σn²]. In 'adaptive' mode each level is exactly torchvision's `roi_pool` with output
 * n×n (a one-level SPP is Fast R-CNN's RoI pooling). In 'paper' mode the RoI's extent on the
 * map (scaled, rounded half away from zero, malformed RoIs 1×1, as roi_pool) is split by the
 * window/stride rule and each bin is clamped to the map (an empty bin gives 0).
 */
import { ConfigError, ShapeError, fmtShape } from '../errors';
import { Tensor } from '../tensor/tensor';
import { roiPool, roundHalfAwayFromZero, type RoisLike } from './roi';

export interface SppOptions {
  mode?: 'adaptive' | 'paper';
  rois?: RoisLike;
  spatialScale?: number;
}

/** Window, stride and resulting bin count of the paper's rule for a side of length a and level n. */
export function sppPaperBins(a: number, n: number): { window: number; stride: number; bins: number } {
  const window = Math.ceil(a / n), stride = Math.floor(a / n);
  const bins = stride > 0 ? Math.floor((a - window) / stride) + 1 : 0;
  return { window, stride, bins };
}

/** Length of the SPP vector: C·Σn². */
export function sppLength(channels: number, levels: readonly number[]): number {
  return channels * levels.reduce((s, n) => s + n * n, 0);
}

function binRanges(a: number, n: number, mode: 'adaptive' | 'paper', where: string): Int32Array {
  const r = new Int32Array(2 * n);
  if (mode === 'adaptive') {
    for (let i = 0; i < n; i++) { r[2 * i] = Math.floor((i * a) / n); r[2 * i + 1] = Math.ceil(((i + 1) * a) / n); }
    return r;
  }
  const { window, stride, bins } = sppPaperBins(a, n);
  if (bins !== n) {
    throw new ShapeError(`the paper's SPP rule (window ⌈a/n⌉ = ${window}, stride ⌊a/n⌋ = ${stride}) does not give ${n} bins on a side of ${a}`, {
      expected: `${n} bins`, got: `${bins} bins`, where,
    });
  }
  for (let i = 0; i < n; i++) { r[2 * i] = i * stride; r[2 * i + 1] = Math.min(i * stride + window, a); }
  return r;
}

/** Spatial pyramid pooling of features [N, C, H, W] (or of RoIs) → Tensor [N or K, C·Σn²], same dtype. */
export function spp(features: Tensor, levels: readonly number[], opts: SppOptions = {}): Tensor<'float32' | 'float64'> {
  if (!(features instanceof Tensor) || features.dims.length !== 4) throw new ShapeError('features must be NCHW', { expected: '[N, C, H, W]', got: features instanceof Tensor ? fmtShape(features.dims) : typeof features, where: 'spp(features)' });
  if (features.dtype !== 'float32' && features.dtype !== 'float64') throw new ShapeError('features must be float32 or float64', { expected: 'float32 | float64', got: features.dtype, where: 'spp(features)' });
  if (!Array.isArray(levels) || levels.length === 0 || levels.some((n) => !(Number.isInteger(n) && n > 0))) throw new ConfigError('levels must be positive integers', { expected: 'e.g. [1, 2, 3, 6]', got: JSON.stringify(levels), where: 'spp(levels)' });
  const mode = opts.mode ?? 'adaptive';
  if (mode !== 'adaptive' && mode !== 'paper') throw new ConfigError('unknown SPP mode', { expected: "'adaptive' | 'paper'", got: String(mode), where: 'spp(mode)' });
  const [N, C, H, W] = features.dims;
  const data = features.data as Float32Array | Float64Array;
  const f32 = features.dtype === 'float32';
  // regions: [batch, y0, x0, h, w]
  const regions: number[][] = [];
  if (opts.rois === undefined) {
    for (let b = 0; b < N; b++) regions.push([b, 0, 0, H, W]);
  } else {
    const rows: number[][] = opts.rois instanceof Tensor ? [] : (opts.rois as number[][]).map((r) => [...r]);
    if (opts.rois instanceof Tensor) {
      if (opts.rois.dims.length !== 2 || opts.rois.dims[1] !== 5) throw new ShapeError('rois must have shape [K, 5]', { expected: '[K, 5]', got: fmtShape(opts.rois.dims), where: 'spp(rois)' });
      const d = opts.rois.data as ArrayLike<number>;
      for (let i = 0; i < opts.rois.dims[0]; i++) rows.push([d[i * 5], d[i * 5 + 1], d[i * 5 + 2], d[i * 5 + 3], d[i * 5 + 4]].map(Number));
    }
    const F = f32 ? Math.fround : (x: number) => x;
    const scale = F(opts.spatialScale ?? 1);
    rows.forEach((r, i) => {
      if (!Array.isArray(r) || r.length !== 5 || r.some((v) => !Number.isFinite(v))) throw new ShapeError('each RoI must be [batch, x1, y1, x2, y2] of finite numbers', { expected: '5 finite numbers', got: JSON.stringify(r), where: `spp(rois)[${i}]` });
      const b = Math.trunc(r[0]);
      if (!(b >= 0 && b < N)) throw new ShapeError('RoI batch index out of range', { expected: `0 ≤ index < ${N}`, got: String(r[0]), where: `spp(rois)[${i}][0]` });
      const x1 = roundHalfAwayFromZero(F(F(r[1]) * scale)), y1 = roundHalfAwayFromZero(F(F(r[2]) * scale));
      const x2 = roundHalfAwayFromZero(F(F(r[3]) * scale)), y2 = roundHalfAwayFromZero(F(F(r[4]) * scale));
      regions.push([b, y1, x1, Math.max(y2 - y1 + 1, 1), Math.max(x2 - x1 + 1, 1)]);
    });
    if (mode === 'adaptive') {
      const L = sppLength(C, levels);
      const out = f32 ? new Float32Array(rows.length * L) : new Float64Array(rows.length * L);
      let off = 0;
      for (const n of levels) {
        const r = roiPool(features, opts.rois, { outputSize: n, spatialScale: opts.spatialScale ?? 1 }).data;
        const per = C * n * n;
        for (let k = 0; k < rows.length; k++) out.set(r.subarray(k * per, (k + 1) * per), k * L + off);
        off += per;
      }
      return f32 ? new Tensor('float32', out as Float32Array, [rows.length, L]) : new Tensor('float64', out as Float64Array, [rows.length, L]);
    }
  }
  const L = sppLength(C, levels);
  const out = f32 ? new Float32Array(regions.length * L) : new Float64Array(regions.length * L);
  regions.forEach(([b, y0, x0, h, w], ri) => {
    let o = ri * L;
    for (const n of levels) {
      const where = opts.rois === undefined ? `spp level ${n}, feature map ${H}×${W}` : `spp level ${n}, RoI ${ri} (${h}×${w} cells)`;
      const rh = binRanges(h, n, mode, where), rw = binRanges(w, n, mode, where);
      for (let c = 0; c < C; c++) {
        const base = (b * C + c) * H * W;
        for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
          const ys = Math.max(y0 + rh[2 * i], 0), ye = Math.min(y0 + rh[2 * i + 1], H);
          const xs = Math.max(x0 + rw[2 * j], 0), xe = Math.min(x0 + rw[2 * j + 1], W);
          let mx = ys < ye && xs < xe ? -Infinity : 0;
          for (let y = ys; y < ye; y++) for (let x = xs; x < xe; x++) {
            const v = data[base + y * W + x];
            if (v > mx || v !== v) mx = v;
          }
          out[o++] = mx;
        }
      }
    }
  });
  return f32 ? new Tensor('float32', out as Float32Array, [regions.length, L]) : new Tensor('float64', out as Float64Array, [regions.length, L]);
}
