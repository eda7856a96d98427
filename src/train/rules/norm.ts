/**
 * BatchNorm2d in training mode and Dropout.
 *
 * BatchNorm: the batch mean and biased variance (ReduceMean over N, H, W), then ONNX BatchNormalization in its
 * inference form with those statistics. Running statistics follow PyTorch:
 * r ← (1 − m)·r + m·batch, with the unbiased variance (× M/(M−1), M = N·H·W) for running_var. Backward:
 * dβ = Σ dY, dγ = Σ dY·x̂, dX = γ·σ⁻¹/M · (M·dY − dβ − x̂·dγ), sums over N, H, W.
 *
 * Dropout: y = x·mask with the mask (0 or 1/(1−p), seeded per step by the trainer) fed as a graph input.
 */
import { ConfigError } from '../../errors';
import { GradRule, float, int, intAttr, ints } from './types';

export const batchNorm: GradRule = {
  forward(c) {
    const { b, node, m } = c;
    const [x, , , rm, rv] = node.inputs;
    const xs = b.shape(x);
    if (xs.length !== 4) throw new ConfigError('BatchNormalization training needs NCHW input', { got: `rank ${xs.length}`, where: m || '<root>' });
    const eps = intAttr(node, 'epsilon', 1e-5);
    const C = xs[1];
    // batch statistics computed here, then the inference-form BatchNormalization with them. (ONNX Runtime's
    // training_mode kernel writes its statistics into its input buffers in place, which breaks as soon as two
    // nodes' inputs share a buffer after its constant folding and sharing.)
    const mean = b.op('ReduceMean', [x], { axes: ints([0, 2, 3]), keepdims: int(0) }, m);
    const xc = b.op('Sub', [x, b.reshape(mean, [1, C, 1, 1], m)], {}, m, xs);
    const variance = b.op('ReduceMean', [b.op('Mul', [xc, xc], {}, m)], { axes: ints([0, 2, 3]), keepdims: int(0) }, m);
    b.node('BatchNormalization', [x, node.inputs[1], node.inputs[2], mean, variance], { epsilon: float(eps) }, { module: m, outputs: [node.outputs[0]], tag: 'f' });
    c.saved.xc = xc;
    b.shapes.set(mean, [C]); b.shapes.set(variance, [C]);
    c.saved.mean = mean; c.saved.var = variance;
    const mom = c.bnMomentum(m);
    const M = xs[0] * xs[2] * xs[3];
    const keep = b.f32(1 - mom);
    const upd = (r: string, batch: string, scale: number) => b.op('Add', [b.op('Mul', [r, keep], {}, m), b.op('Mul', [batch, b.f32(mom * scale)], {}, m)], {}, m, [C]);
    if (b.g.initializers.get(rm)?.kind !== 'constant') c.updateBuffer(rm, upd(rm, mean, 1));
    if (b.g.initializers.get(rv)?.kind !== 'constant') c.updateBuffer(rv, upd(rv, variance, M > 1 ? M / (M - 1) : 1));
  },
  backward(c, [dy], need) {
    const { b, node, m } = c;
    const [x, gamma] = node.inputs;
    const xs = b.shape(x);
    const C = xs[1], M = xs[0] * xs[2] * xs[3];
    const res: (string | null)[] = [null, null, null, null, null];
    if (!dy) return res;
    const eps = intAttr(node, 'epsilon', 1e-5);
    const col = (v: string) => b.reshape(v, [1, C, 1, 1], m);
    const axes = b.i64([0, 2, 3]);
    const invstd = b.op('Reciprocal', [b.op('Sqrt', [b.op('Add', [c.saved.var, b.f32(eps)], {}, m)], {}, m)], {}, m);
    const xhat = b.op('Mul', [c.saved.xc, col(invstd)], {}, m, xs);
    const dbeta = b.op('ReduceSum', [dy, axes], { keepdims: int(0) }, m, [C]);
    const dgamma = b.op('ReduceSum', [b.op('Mul', [dy, xhat], {}, m), axes], { keepdims: int(0) }, m, [C]);
    if (need[1]) res[1] = dgamma;
    if (need[2]) res[2] = dbeta;
    if (need[0]) {
      const k = b.op('Mul', [b.op('Mul', [gamma, invstd], {}, m), b.f32(1 / M)], {}, m);
      const inner = b.op('Sub', [b.op('Sub', [b.op('Mul', [dy, b.f32(M)], {}, m), col(dbeta)], {}, m), b.op('Mul', [xhat, col(dgamma)], {}, m)], {}, m);
      res[0] = b.op('Mul', [inner, col(k)], {}, m, xs);
    }
    return res;
  },
};

export const dropout: GradRule = {
  forward(c) {
    const { b, node, m } = c;
    const x = node.inputs[0];
    const ratio = node.inputs[1] ? b.g.initializers.get(node.inputs[1])?.value().toArray()[0] : 0.5;
    const p = ratio ?? 0.5;
    const mask = `dropout_mask:${m || node.name}`;
    c.addInput(mask, b.shape(x), { kind: 'dropout', p });
    b.node('Mul', [x, mask], {}, { module: m, outputs: [node.outputs[0]], tag: 'f' });
    c.saved.mask = mask;
  },
  backward(c, [dy], need) {
    if (!dy || !need[0]) return [null, null];
    return [c.b.op('Mul', [dy, c.saved.mask], {}, c.m, c.b.shape(c.node.inputs[0])), null];
  },
};

/**
 * LRN across channels (ONNX: window [c − ⌊(n−1)/2⌋, c + ⌈(n−1)/2⌉]): D = bias + α/n·Σ_window x², y = x·D^−β,
 * dx_i = dY_i·D_i^−β − (2αβ/n)·x_i·Σ_{c ∋ i} dY_c·y_c/D_c (the window transposed). Channel-window sums are an
 * AveragePool over [N, 1, C, H·W] (count_include_pad) times n.
 */
export const lrn: GradRule = {
  backward(c, [dy], need) {
    const { b, node, m } = c;
    if (!dy || !need[0]) return [null];
    const x = node.inputs[0], y = node.outputs[0];
    const xs = b.shape(x);
    const [N, C] = xs, HW = xs.slice(2).reduce((a, d) => a * d, 1);
    const n = intAttr(node, 'size', 1), alpha = intAttr(node, 'alpha', 1e-4), beta = intAttr(node, 'beta', 0.75), bias = intAttr(node, 'bias', 1);
    const lo = Math.floor((n - 1) / 2), hi = Math.ceil((n - 1) / 2);
    const windowSum = (v: string, before: number, after: number) => b.reshape(b.op('Mul', [b.op('AveragePool', [b.reshape(v, [N, 1, C, HW], m)], {
      kernel_shape: ints([n, 1]), strides: ints([1, 1]), pads: ints([before, 0, after, 0]), count_include_pad: int(1),
    }, m), b.f32(n)], {}, m), xs, m);
    const D = b.op('Add', [b.op('Mul', [windowSum(b.op('Mul', [x, x], {}, m), lo, hi), b.f32(alpha / n)], {}, m), b.f32(bias)], {}, m);
    const direct = b.op('Mul', [dy, b.op('Pow', [D, b.f32(-beta)], {}, m)], {}, m);
    const t = b.op('Div', [b.op('Mul', [dy, y], {}, m), D], {}, m);
    const back = b.op('Mul', [b.op('Mul', [x, windowSum(t, hi, lo)], {}, m), b.f32((2 * alpha * beta) / n)], {}, m);
    return [b.op('Sub', [direct, back], {}, m, xs)];
  },
};
