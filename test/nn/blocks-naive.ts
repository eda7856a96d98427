/**
 * Naive NCHW reference ops (plain loops in float64, PyTorch semantics) for the Inception, Fire and Dense
 * block tests, and helpers to run a module on ONNX Runtime with random BatchNorm statistics.
 */
import { nn, Session, Tensor } from '../../src';
import { Rng } from '../../src/tensor/random';

export interface T { data: Float64Array; dims: number[] }

export const fromTensor = (t: Tensor): T => ({ data: Float64Array.from(t.data as Float32Array), dims: [...t.dims] });

export function conv(x: T, c: nn.Conv2d): T {
  const [N, C, H, W] = x.dims;
  const [O, Cg, KH, KW] = c.weight.shape;
  const [sh, sw] = c.stride, [dh, dw] = c.dilation;
  const [pt, pl, pb, pr] = c.resolvePads();
  const G = c.groups;
  const OH = Math.floor((H + pt + pb - dh * (KH - 1) - 1) / sh) + 1;
  const OW = Math.floor((W + pl + pr - dw * (KW - 1) - 1) / sw) + 1;
  const w = c.weight.data, b = c.bias?.data;
  const out = new Float64Array(N * O * OH * OW);
  const og = O / G;
  for (let n = 0; n < N; n++) for (let o = 0; o < O; o++) {
    const g = Math.floor(o / og);
    for (let i = 0; i < OH; i++) for (let j = 0; j < OW; j++) {
      let s = b ? b[o] : 0;
      for (let ci = 0; ci < Cg; ci++) for (let p = 0; p < KH; p++) {
        const y = i * sh - pt + p * dh;
        if (y < 0 || y >= H) continue;
        for (let q = 0; q < KW; q++) {
          const xx = j * sw - pl + q * dw;
          if (xx < 0 || xx >= W) continue;
          s += x.data[((n * C + g * Cg + ci) * H + y) * W + xx] * w[((o * Cg + ci) * KH + p) * KW + q];
        }
      }
      out[((n * O + o) * OH + i) * OW + j] = s;
    }
  }
  return { data: out, dims: [N, O, OH, OW] };
}

export function bn(x: T, m: nn.BatchNorm2d): T {
  const [N, C, H, W] = x.dims;
  const out = new Float64Array(x.data.length);
  const g = m.weight.data, b = m.bias.data, mu = m.running_mean.data, v = m.running_var.data;
  for (let n = 0; n < N; n++) for (let c = 0; c < C; c++) {
    const scale = g[c] / Math.sqrt(v[c] + m.eps);
    for (let k = 0; k < H * W; k++) {
      const i = (n * C + c) * H * W + k;
      out[i] = (x.data[i] - mu[c]) * scale + b[c];
    }
  }
  return { data: out, dims: x.dims };
}

export const relu = (x: T): T => ({ data: x.data.map((v) => (v > 0 ? v : 0)), dims: x.dims });

export function add(a: T, b: T): T {
  if (a.dims.join() !== b.dims.join()) throw new Error(`add: ${a.dims} vs ${b.dims}`);
  return { data: a.data.map((v, i) => v + b.data[i]), dims: a.dims };
}

export function cat(xs: T[]): T {
  const [N, , H, W] = xs[0].dims;
  const C = xs.reduce((s, x) => s + x.dims[1], 0);
  const out = new Float64Array(N * C * H * W);
  for (let n = 0; n < N; n++) {
    let off = 0;
    for (const x of xs) {
      const cs = x.dims[1] * H * W;
      out.set(x.data.subarray(n * cs, (n + 1) * cs), (n * C * H * W) + off);
      off += cs;
    }
  }
  return { data: out, dims: [N, C, H, W] };
}

/** PyTorch's pooled size, ceil_mode included (the last window must start inside the input or left pad). */
export function pooledSize(size: number, k: number, s: number, p: number, ceil: boolean): number {
  let o = Math.floor((size + 2 * p - k + (ceil ? s - 1 : 0)) / s) + 1;
  if (ceil && (o - 1) * s >= size + p) o--;
  return o;
}

export function pool(x: T, mode: 'max' | 'avg', k: number, s: number, p = 0, ceil = false): T {
  const [N, C, H, W] = x.dims;
  const OH = pooledSize(H, k, s, p, ceil), OW = pooledSize(W, k, s, p, ceil);
  const out = new Float64Array(N * C * OH * OW);
  for (let nc = 0; nc < N * C; nc++) for (let i = 0; i < OH; i++) for (let j = 0; j < OW; j++) {
    let m = -Infinity, sum = 0;
    const y0 = i * s - p, x0 = j * s - p;
    for (let a = y0; a < y0 + k; a++) for (let b = x0; b < x0 + k; b++) {
      if (a < 0 || a >= H || b < 0 || b >= W) continue;
      const v = x.data[(nc * H + a) * W + b];
      m = Math.max(m, v); sum += v;
    }
    // count_include_pad: the divisor is the window clipped to the padded input
    const area = (Math.min(y0 + k, H + p) - y0) * (Math.min(x0 + k, W + p) - x0);
    out[(nc * OH + i) * OW + j] = mode === 'max' ? m : sum / area;
  }
  return { data: out, dims: [N, C, OH, OW] };
}

/** PyTorch's adaptive average pool: bin i covers [floor(i·in/out), ceil((i+1)·in/out)). */
export function adaptiveAvg(x: T, oh: number, ow: number): T {
  const [N, C, H, W] = x.dims;
  const out = new Float64Array(N * C * oh * ow);
  for (let nc = 0; nc < N * C; nc++) for (let i = 0; i < oh; i++) for (let j = 0; j < ow; j++) {
    const a0 = Math.floor((i * H) / oh), a1 = Math.ceil(((i + 1) * H) / oh);
    const b0 = Math.floor((j * W) / ow), b1 = Math.ceil(((j + 1) * W) / ow);
    let s = 0;
    for (let a = a0; a < a1; a++) for (let b = b0; b < b1; b++) s += x.data[(nc * H + a) * W + b];
    out[(nc * oh + i) * ow + j] = s / ((a1 - a0) * (b1 - b0));
  }
  return { data: out, dims: [N, C, oh, ow] };
}

export const flatten = (x: T): T => ({ data: x.data, dims: [x.dims[0], x.data.length / x.dims[0]] });

export function linear(x: T, l: nn.Linear): T {
  const [N, I] = x.dims;
  const O = l.outFeatures, w = l.weight.data, b = l.bias?.data;
  const out = new Float64Array(N * O);
  for (let n = 0; n < N; n++) for (let o = 0; o < O; o++) {
    let s = b ? b[o] : 0;
    for (let i = 0; i < I; i++) s += x.data[n * I + i] * w[o * I + i];
    out[n * O + o] = s;
  }
  return { data: out, dims: [N, O] };
}

/** torchvision's BasicConv2d: conv → BN (if any) → ReLU. */
export const basicConv = (x: T, m: nn.BasicConv2d): T => relu(m.bn ? bn(conv(x, m.conv), m.bn) : conv(x, m.conv));

/** Gives every BatchNorm of the tree random affine parameters and running statistics (so BN errors show). */
export function randomizeBatchNorm(m: nn.Module, seed = 11): void {
  const rng = new Rng(seed);
  for (const [, mod] of m.namedModules()) {
    if (!(mod instanceof nn.BatchNorm2d)) continue;
    const n = mod.numFeatures;
    const fill = (lo: number, hi: number) => { const a = new Float32Array(n); rng.fillUniform(a, lo, hi); return a; };
    mod.weight.set(fill(0.3, 0.7));
    mod.bias.set(fill(-0.1, 0.1));
    mod.running_mean.set(fill(-0.2, 0.2));
    mod.running_var.set(fill(0.5, 1.5));
  }
}

/** Traces `m` at the shape of `x`, runs it on ONNX Runtime (CPU) and returns the outputs. */
export async function runOrt(m: nn.Module, x: Tensor): Promise<Record<string, Tensor>> {
  const s = await Session.create(m.trace([...x.dims]), { device: 'cpu' });
  try {
    return await s.run({ input: x });
  } finally {
    await s.release();
  }
}

/** Largest |a − b| over both arrays (Infinity when the lengths differ). */
export function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}
