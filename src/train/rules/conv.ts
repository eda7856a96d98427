/**
 * Conv and ConvTranspose gradients as ONNX convolutions:
 * input gradient of a Conv = ConvTranspose of dY with the same weight; weight gradient = a Conv of the input
 * (batch and channel axes swapped, per group) with dY as the kernel, stride and dilation swapped; bias gradient
 * = dY summed over N, H, W.
 */
import { ConfigError } from '../../errors';
import { Tensor } from '../../tensor/tensor';
import { Builder } from '../builder';
import { GradRule, RuleCtx, int, intAttr, ints, intsAttr, strAttr } from './types';

interface ConvGeom { k: number[]; s: number[]; d: number[]; pads: number[]; group: number }

function geom(c: RuleCtx, wShape: readonly number[]): ConvGeom {
  const n = c.node;
  if (strAttr(n, 'auto_pad', 'NOTSET') !== 'NOTSET') {
    throw new ConfigError(`${n.op} with auto_pad has no gradient here`, { expected: 'explicit pads', got: strAttr(n, 'auto_pad', ''), where: c.m || '<root>' });
  }
  const nsp = wShape.length - 2;
  return {
    k: intsAttr(n, 'kernel_shape', wShape.slice(2)),
    s: intsAttr(n, 'strides', new Array(nsp).fill(1)),
    d: intsAttr(n, 'dilations', new Array(nsp).fill(1)),
    pads: intsAttr(n, 'pads', new Array(2 * nsp).fill(0)),
    group: intAttr(n, 'group', 1),
  };
}

/**
 * ConvTranspose attributes that map `small` (the conv output size) back to exactly `big` (the conv input size):
 * end pads grow when the transposed output would be too long, output_padding fills the rows the conv never read.
 */
export function transposeFit(g: ConvGeom, small: readonly number[], big: readonly number[]): { pads: number[]; outPad: number[] } {
  const nsp = g.k.length;
  const pads = [...g.pads];
  const outPad = new Array(nsp).fill(0);
  for (let i = 0; i < nsp; i++) {
    const full = g.s[i] * (small[i] - 1) + g.d[i] * (g.k[i] - 1) + 1 - pads[i] - pads[i + nsp];
    const diff = big[i] - full;
    if (diff >= 0) outPad[i] = diff; else pads[i + nsp] -= diff;
  }
  return { pads, outPad };
}

/** Slices the spatial axes (2..) of a rank-4 value down to `size` when they are longer. */
function sliceSpatial(b: Builder, x: string, have: readonly number[], size: readonly number[], m: string): string {
  if (have.every((h, i) => h === size[i])) return x;
  return b.op('Slice', [x, b.i64(size.map(() => 0)), b.i64(size), b.i64(size.map((_, i) => i + 2))], {}, m);
}

/**
 * Σ over n and output positions of a[n, g·ca + i, …window…] · kern[n, g·ck + o, pos] as a grouped Conv:
 * returns [ca, G·ck, k'…] (the caller transposes). `a` is the strided/dilated operand (the conv input),
 * `kern` the one whose positions become the kernel.
 */
function correlate(b: Builder, a: string, aShape: readonly number[], kern: string, kShape: readonly number[], g: ConvGeom, m: string): { out: string; size: number[] } {
  const [n, ca0] = aShape;
  const G = g.group, ca = ca0 / G, ck = kShape[1] / G;
  const spA = aShape.slice(2), spK = kShape.slice(2);
  let aT: string, kT: string;
  if (G === 1) {
    aT = b.op('Transpose', [a], { perm: ints([1, 0, 2, 3]) }, m);
    kT = b.op('Transpose', [kern], { perm: ints([1, 0, 2, 3]) }, m);
  } else {
    aT = b.reshape(b.op('Transpose', [b.reshape(a, [n, G, ca, ...spA], m)], { perm: ints([2, 1, 0, 3, 4]) }, m), [ca, G * n, ...spA], m);
    kT = b.reshape(b.op('Transpose', [b.reshape(kern, [n, G, ck, ...spK], m)], { perm: ints([1, 2, 0, 3, 4]) }, m), [G * ck, n, ...spK], m);
  }
  const nsp = spA.length;
  const size = spA.map((h, i) => Math.floor((h + g.pads[i] + g.pads[i + nsp] - g.s[i] * (spK[i] - 1) - 1) / g.d[i]) + 1);
  const out = b.op('Conv', [aT, kT], {
    kernel_shape: ints(spK), strides: ints(g.d), dilations: ints(g.s), pads: ints(g.pads), group: int(G),
  }, m);
  return { out, size };
}

/**
 * The weight gradient of a Conv as batched MatMuls over explicit patches: P[n, (i, kh, kw), (ho, wo)] =
 * Xpad[n, i, ho·s + kh·d, wo·s + kw·d] made by one grouped Conv with one-hot kernels (im2col by ONNX Runtime's own
 * conv, strides, dilations and pads included), then dW[g] = Σₙ P[n, g] · dY[n, g]ᵀ. About twice as fast on ONNX
 * Runtime's CPU kernels as a Conv whose kernel is dY (a GEMM with only kh·kw columns).
 */
function weightGradPatches(b: Builder, x: string, xs: readonly number[], dy: string, ys: readonly number[], g: ConvGeom, m: string): string {
  const [n, ci0] = xs, co0 = ys[1];
  const G = g.group, ci = ci0 / G, co = co0 / G;
  const [kh, kw] = g.k, K = kh * kw, L = ys[2] * ys[3];
  const eye = new Float32Array(ci0 * K * K);
  for (let c = 0; c < ci0; c++) for (let k = 0; k < K; k++) eye[(c * K + k) * K + k] = 1;
  const P = b.op('Conv', [x, b.constant(new Tensor('float32', eye, [ci0 * K, 1, kh, kw]))], {
    kernel_shape: ints(g.k), strides: ints(g.s), dilations: ints(g.d), pads: ints(g.pads), group: int(ci0),
  }, m);
  const dyt = b.op('Transpose', [b.reshape(dy, [n, G, co, L], m)], { perm: ints([0, 1, 3, 2]) }, m);
  const prod = b.op('MatMul', [b.reshape(P, [n, G, ci * K, L], m), dyt], {}, m); // [N, G, ci·k, co]
  const sum = b.op('ReduceSum', [prod, b.i64([0])], { keepdims: int(0) }, m);
  return b.reshape(b.op('Transpose', [sum], { perm: ints([0, 2, 1]) }, m), [co0, ci, kh, kw], m);
}

export const conv: GradRule = {
  backward(c, [dy], need) {
    const { b, node, m } = c;
    const [x, w, bias] = node.inputs;
    const xs = b.shape(x), ws = b.shape(w), ys = b.shape(node.outputs[0]);
    const g = geom(c, ws);
    const res: (string | null)[] = [null, null, null];
    if (!dy) return res;
    const nsp = g.k.length;
    const flipPads = [...g.pads.slice(0, nsp).map((p, i) => g.d[i] * (g.k[i] - 1) - p), ...g.pads.slice(nsp).map((p, i) => g.d[i] * (g.k[i] - 1) - p)];
    if (need[0] && nsp === 2 && g.s.every((v) => v === 1) && flipPads.every((p) => p >= 0)) {
      // stride 1: a Conv of dY with the spatially flipped, in/out-swapped weight (ONNX Runtime's Conv is about
      // twice as fast as its ConvTranspose)
      const G = g.group, co = ws[0] / G, ci = ws[1];
      const swapped = b.reshape(b.op('Transpose', [b.reshape(w, [G, co, ci, ...g.k], m)], { perm: ints([0, 2, 1, 3, 4]) }, m), [G * ci, co, ...g.k], m);
      const flipped = b.op('Slice', [swapped, b.i64([-1, -1]), b.i64([-(2 ** 31), -(2 ** 31)]), b.i64([2, 3]), b.i64([-1, -1])], {}, m);
      res[0] = b.op('Conv', [dy, flipped], {
        kernel_shape: ints(g.k), dilations: ints(g.d), pads: ints(flipPads), group: int(G),
      }, m, xs);
    } else if (need[0]) {
      const { pads, outPad } = transposeFit(g, ys.slice(2), xs.slice(2));
      res[0] = b.op('ConvTranspose', [dy, w], {
        kernel_shape: ints(g.k), strides: ints(g.s), dilations: ints(g.d), pads: ints(pads), group: int(g.group),
        ...(outPad.some((p) => p) ? { output_padding: ints(outPad) } : {}),
      }, m, xs);
    }
    if (need[1]) {
      // dW[o, i, kh, kw] = Σ_{n,ho,wo} dY[n, o, ho, wo] · Xpad[n, i, ho·s + kh·d, wo·s + kw·d]
      if (xs.length === 4) res[1] = weightGradPatches(b, x, xs, dy, ys, g, m);
      else {
        const { out, size } = correlate(b, x, xs, dy, ys, g, m);
        res[1] = sliceSpatial(b, b.op('Transpose', [out], { perm: ints([1, 0, 2, 3]) }, m), size, g.k, m);
      }
      b.shapes.set(res[1], ws);
    }
    if (bias && need[2]) res[2] = b.op('ReduceSum', [dy, b.i64([0, 2, 3])], { keepdims: int(0) }, m, [ys[1]]);
    return res;
  },
};

export const convTranspose: GradRule = {
  backward(c, [dy], need) {
    const { b, node, m } = c;
    const [x, w, bias] = node.inputs;
    const xs = b.shape(x), ws = b.shape(w), ys = b.shape(node.outputs[0]);
    const g = geom(c, ws);
    if (intsAttr(node, 'output_shape', []).length) {
      throw new ConfigError('ConvTranspose with output_shape has no gradient here', { expected: 'pads and output_padding', where: m || '<root>' });
    }
    const res: (string | null)[] = [null, null, null];
    if (!dy) return res;
    // y is the transposed conv of x: as a Conv, dY is the input and x the output
    const convPads = [...g.pads];
    if (need[0]) {
      res[0] = b.op('Conv', [dy, w], {
        kernel_shape: ints(g.k), strides: ints(g.s), dilations: ints(g.d), pads: ints(convPads), group: int(g.group),
      }, m, xs);
      // output_padding rows never reach x: a Conv with the same pads reads exactly x's size
    }
    if (need[1]) {
      // dW[i, o, kh, kw] = Σ dYpad[n, o, h·s + kh·d] · X[n, i, h]: correlate dY (strided operand) with X as kernel
      const { out, size } = correlate(b, dy, ys, x, xs, g, m);
      // out: [Cout/G, G·Cin/G, k'] → [Cin, Cout/G, k]
      const t = b.op('Transpose', [out], { perm: ints([1, 0, 2, 3]) }, m);
      res[1] = sliceSpatial(b, t, size, g.k, m);
      b.shapes.set(res[1], ws);
    }
    if (bias && need[2]) res[2] = b.op('ReduceSum', [dy, b.i64([0, 2, 3])], { keepdims: int(0) }, m, [ys[1]]);
    return res;
  },
};
