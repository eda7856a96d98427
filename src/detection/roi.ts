/**
 * RoI pooling (Fast R-CNN) and RoI Align (Mask R-CNN) with torchvision.ops 0.14's CPU kernels'
 * arithmetic: float64 features give torchvision's results bit for bit; float32 features are
 * computed in float32 (each operation rounded with Math.fround, as the C++ kernel does).
 *
 * features: Tensor [N, C, H, W] float32/float64; rois: Tensor [K, 5] (batch index, x1, y1,
 * x2, y2) of the same dtype, or number[][] rows of 5, in input-image coordinates that
 * `spatialScale` maps onto the feature map. Output: Tensor [K, C, outH, outW], same dtype.
 *
 * RoI pooling rounds the scaled coordinates half away from zero (C's `round`, unlike
 * JavaScript's Math.round(−0.5) = −0), makes malformed RoIs 1×1, splits the RoI into
 * floor/ceil bins and takes the max (0 for an empty bin).
 */
import { ConfigError, ShapeError, fmtShape } from '../errors';
import { Tensor } from '../tensor/tensor';

export type RoisLike = Tensor | readonly (readonly number[])[];

export interface RoiPoolOptions {
  outputSize: number | [number, number];
  spatialScale?: number;
}

export interface RoiAlignOptions extends RoiPoolOptions {
  /** sampling points per bin side; ≤ 0 means adaptive ceil(roi / output) (torchvision's −1, default) */
  samplingRatio?: number;
  /** pixel shift of −0.5 (torchvision `aligned=True`); default false */
  aligned?: boolean;
}

/** C/C++ `round`: half away from zero. */
export function roundHalfAwayFromZero(x: number): number {
  return x < 0 ? -Math.floor(-x + 0.5) : Math.floor(x + 0.5);
}

function checkFeatures(features: Tensor, where: string): { f32: boolean; N: number; C: number; H: number; W: number; data: Float32Array | Float64Array } {
  if (!(features instanceof Tensor)) throw new ShapeError('features must be a Tensor', { expected: 'Tensor [N, C, H, W]', got: typeof features, where });
  if (features.dtype !== 'float32' && features.dtype !== 'float64') throw new ShapeError('features must be float32 or float64', { expected: 'float32 | float64', got: features.dtype, where });
  if (features.dims.length !== 4) throw new ShapeError('features must be NCHW', { expected: '[N, C, H, W]', got: fmtShape(features.dims), where });
  const [N, C, H, W] = features.dims;
  return { f32: features.dtype === 'float32', N, C, H, W, data: features.data as Float32Array | Float64Array };
}

function roisArray(rois: RoisLike, f32: boolean, N: number, where: string): { K: number; r: Float64Array } {
  let r: Float64Array;
  let K: number;
  if (rois instanceof Tensor) {
    if (rois.dims.length !== 2 || rois.dims[1] !== 5) throw new ShapeError('rois must have shape [K, 5]', { expected: '[K, 5] (batch index, x1, y1, x2, y2)', got: fmtShape(rois.dims), where });
    if ((rois.dtype === 'float32') !== f32 && (rois.dtype === 'float32' || rois.dtype === 'float64')) {
      throw new ShapeError('rois must have the features\' dtype', { expected: f32 ? 'float32' : 'float64', got: rois.dtype, where });
    }
    K = rois.dims[0];
    r = Float64Array.from(rois.data as ArrayLike<number>, Number);
  } else {
    if (!Array.isArray(rois)) throw new ShapeError('rois must be a Tensor [K, 5] or rows of 5 numbers', { expected: 'Tensor [K, 5] | number[][]', got: typeof rois, where });
    K = rois.length;
    r = new Float64Array(K * 5);
    rois.forEach((row, i) => {
      if (!Array.isArray(row) || row.length !== 5) throw new ShapeError('each RoI must be [batch, x1, y1, x2, y2]', { expected: '5 numbers', got: Array.isArray(row) ? `${row.length} numbers` : typeof row, where: `${where}[${i}]` });
      for (let k = 0; k < 5; k++) r[i * 5 + k] = f32 ? Math.fround(row[k]) : row[k];
    });
  }
  for (let i = 0; i < K; i++) {
    const b = Math.trunc(r[i * 5]);
    if (!(b >= 0 && b < N)) throw new ShapeError('RoI batch index out of range', { expected: `0 ≤ index < ${N}`, got: String(r[i * 5]), where: `${where}[${i}][0]` });
    for (let k = 1; k < 5; k++) if (!Number.isFinite(r[i * 5 + k])) throw new ShapeError('RoI coordinates must be finite', { expected: 'finite numbers', got: String(r[i * 5 + k]), where: `${where}[${i}][${k}]` });
  }
  return { K, r };
}

function outSize(o: number | [number, number], where: string): [number, number] {
  const s: [number, number] = typeof o === 'number' ? [o, o] : [o[0], o[1]];
  if (!(Number.isInteger(s[0]) && Number.isInteger(s[1]) && s[0] > 0 && s[1] > 0)) throw new ConfigError('outputSize must be positive integers', { expected: 'n or [h, w] with positive integers', got: JSON.stringify(o), where });
  return s;
}

const ident = (x: number) => x;

/** torchvision `roi_pool(features, rois, output_size, spatial_scale)`. */
export function roiPool(features: Tensor, rois: RoisLike, opts: RoiPoolOptions): Tensor<'float32' | 'float64'> {
  const { f32, N, C, H, W, data } = checkFeatures(features, 'roiPool(features)');
  const [PH, PW] = outSize(opts.outputSize, 'roiPool(outputSize)');
  const { K, r } = roisArray(rois, f32, N, 'roiPool(rois)');
  const F = f32 ? Math.fround : ident;
  const scale = F(opts.spatialScale ?? 1);
  const out = f32 ? new Float32Array(K * C * PH * PW) : new Float64Array(K * C * PH * PW);
  const NEG_FLT_MAX = -3.4028234663852886e38;
  for (let n = 0; n < K; n++) {
    const b = Math.trunc(r[n * 5]);
    const sw = roundHalfAwayFromZero(F(r[n * 5 + 1] * scale));
    const sh = roundHalfAwayFromZero(F(r[n * 5 + 2] * scale));
    const ew = roundHalfAwayFromZero(F(r[n * 5 + 3] * scale));
    const eh = roundHalfAwayFromZero(F(r[n * 5 + 4] * scale));
    const rw = Math.max(ew - sw + 1, 1), rh = Math.max(eh - sh + 1, 1);
    const bh = F(rh / PH), bw = F(rw / PW);
    for (let ph = 0; ph < PH; ph++) {
      let hs = Math.floor(F(ph * bh)), he = Math.ceil(F((ph + 1) * bh));
      hs = Math.min(Math.max(hs + sh, 0), H); he = Math.min(Math.max(he + sh, 0), H);
      for (let pw = 0; pw < PW; pw++) {
        let ws = Math.floor(F(pw * bw)), we = Math.ceil(F((pw + 1) * bw));
        ws = Math.min(Math.max(ws + sw, 0), W); we = Math.min(Math.max(we + sw, 0), W);
        const empty = he <= hs || we <= ws;
        for (let c = 0; c < C; c++) {
          const base = (b * C + c) * H * W;
          let mx = empty ? 0 : NEG_FLT_MAX;
          for (let h = hs; h < he; h++) for (let w = ws; w < we; w++) {
            const v = data[base + h * W + w];
            if (v > mx) mx = v;
          }
          out[((n * C + c) * PH + ph) * PW + pw] = mx;
        }
      }
    }
  }
  return f32 ? new Tensor('float32', out as Float32Array, [K, C, PH, PW]) : new Tensor('float64', out as Float64Array, [K, C, PH, PW]);
}

/** torchvision `roi_align(features, rois, output_size, spatial_scale, sampling_ratio, aligned)`. */
export function roiAlign(features: Tensor, rois: RoisLike, opts: RoiAlignOptions): Tensor<'float32' | 'float64'> {
  const { f32, N, C, H, W, data } = checkFeatures(features, 'roiAlign(features)');
  const [PH, PW] = outSize(opts.outputSize, 'roiAlign(outputSize)');
  const { K, r } = roisArray(rois, f32, N, 'roiAlign(rois)');
  const F = f32 ? Math.fround : ident;
  const scale = F(opts.spatialScale ?? 1);
  const sr = opts.samplingRatio ?? -1;
  if (!Number.isInteger(sr)) throw new ConfigError('samplingRatio must be an integer', { expected: 'an integer (≤ 0: adaptive)', got: String(sr), where: 'roiAlign(samplingRatio)' });
  const aligned = opts.aligned ?? false;
  const off = aligned ? 0.5 : 0;
  const out = f32 ? new Float32Array(K * C * PH * PW) : new Float64Array(K * C * PH * PW);
  for (let n = 0; n < K; n++) {
    const b = Math.trunc(r[n * 5]);
    const x1 = F(F(r[n * 5 + 1] * scale) - off), y1 = F(F(r[n * 5 + 2] * scale) - off);
    const x2 = F(F(r[n * 5 + 3] * scale) - off), y2 = F(F(r[n * 5 + 4] * scale) - off);
    let rw = F(x2 - x1), rh = F(y2 - y1);
    if (!aligned) { rw = Math.max(rw, 1); rh = Math.max(rh, 1); }
    const bh = F(rh / PH), bw = F(rw / PW);
    const gh = sr > 0 ? sr : Math.ceil(F(rh / PH));
    const gw = sr > 0 ? sr : Math.ceil(F(rw / PW));
    const count = Math.max(gh * gw, 1);
    // precomputed bilinear taps per (ph, pw, iy, ix)
    const nt = PH * PW * gh * gw;
    const pos = new Int32Array(nt * 4), wt = new Float64Array(nt * 4);
    let p = 0;
    for (let ph = 0; ph < PH; ph++) for (let pw = 0; pw < PW; pw++) {
      for (let iy = 0; iy < gh; iy++) {
        const yy = F(F(y1 + F(ph * bh)) + F(F(F(iy + 0.5) * bh) / gh));
        for (let ix = 0; ix < gw; ix++, p++) {
          const xx = F(F(x1 + F(pw * bw)) + F(F(F(ix + 0.5) * bw) / gw));
          let x = xx, y = yy;
          if (y < -1.0 || y > H || x < -1.0 || x > W) { for (let q = 0; q < 4; q++) { pos[p * 4 + q] = 0; wt[p * 4 + q] = 0; } continue; }
          if (y <= 0) y = 0;
          if (x <= 0) x = 0;
          let yl = Math.trunc(y), xl = Math.trunc(x), yh: number, xh: number;
          if (yl >= H - 1) { yh = yl = H - 1; y = yl; } else yh = yl + 1;
          if (xl >= W - 1) { xh = xl = W - 1; x = xl; } else xh = xl + 1;
          const ly = F(y - yl), lx = F(x - xl);
          const hy = F(1 - ly), hx = F(1 - lx);
          pos[p * 4] = yl * W + xl; pos[p * 4 + 1] = yl * W + xh; pos[p * 4 + 2] = yh * W + xl; pos[p * 4 + 3] = yh * W + xh;
          wt[p * 4] = F(hy * hx); wt[p * 4 + 1] = F(hy * lx); wt[p * 4 + 2] = F(ly * hx); wt[p * 4 + 3] = F(ly * lx);
        }
      }
    }
    for (let c = 0; c < C; c++) {
      const base = (b * C + c) * H * W;
      let q = 0;
      for (let ph = 0; ph < PH; ph++) for (let pw = 0; pw < PW; pw++) {
        let acc = 0;
        for (let s = 0; s < gh * gw; s++, q++) {
          const k = q * 4;
          const v = F(F(F(F(wt[k] * data[base + pos[k]]) + F(wt[k + 1] * data[base + pos[k + 1]])) + F(wt[k + 2] * data[base + pos[k + 2]])) + F(wt[k + 3] * data[base + pos[k + 3]]));
          acc = F(acc + v);
        }
        out[((n * C + c) * PH + ph) * PW + pw] = F(acc / count);
      }
    }
  }
  return f32 ? new Tensor('float32', out as Float32Array, [K, C, PH, PW]) : new Tensor('float64', out as Float64Array, [K, C, PH, PW]);
}
