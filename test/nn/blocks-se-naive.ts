/** Naive float64 references for the SE and MBConv block tests (paper equations, plain loops). */
import { nn } from '../../src';
import { T, conv, adaptiveAvg } from './blocks-naive';

export const sigmoid = (x: T): T => ({ data: x.data.map((v) => 1 / (1 + Math.exp(-v))), dims: x.dims });
export const silu = (x: T): T => ({ data: x.data.map((v) => v / (1 + Math.exp(-v))), dims: x.dims });
export const hardsigmoid = (x: T): T => ({ data: x.data.map((v) => Math.min(Math.max(v + 3, 0), 6) / 6), dims: x.dims });

/** x · s with s [N, C, 1, 1] broadcast over H, W. */
export function scaleChannels(x: T, s: T): T {
  const [N, C, H, W] = x.dims;
  const out = new Float64Array(x.data.length);
  for (let n = 0; n < N; n++) for (let c = 0; c < C; c++) for (let k = 0; k < H * W; k++) {
    const i = (n * C + c) * H * W + k;
    out[i] = x.data[i] * s.data[n * C + c];
  }
  return { data: out, dims: x.dims };
}

/** SE by the paper's eq. 2–4: z = GAP(x); s = σ(W2 δ(W1 z)); x̃ = s · x. */
export function naiveSE(x: T, fc1: nn.Conv2d, fc2: nn.Conv2d, delta: (t: T) => T, sigma: (t: T) => T): T {
  const z = adaptiveAvg(x, 1, 1);
  return scaleChannels(x, sigma(conv(delta(conv(z, fc1)), fc2)));
}

