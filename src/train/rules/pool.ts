/**
 * Pooling gradients. MaxPool: the training forward asks MaxPool for its Indices output (flat positions in the
 * input, N and C included), and dY is scattered back with ScatterElements(reduction='add'), so overlapping
 * windows add up. AveragePool: dY divided by each window's divisor (PyTorch's rule, computed here), spread
 * over the window by a depthwise ConvTranspose with a kernel of ones. Global pools and ReduceMean/ReduceSum
 * expand dY back.
 */
import { ConfigError } from '../../errors';
import { Tensor } from '../../tensor/tensor';
import { transposeFit } from './conv';
import { GradRule, int, intAttr, ints, intsAttr, strAttr } from './types';

function noAutoPad(op: string, auto: string, m: string): void {
  if (auto !== 'NOTSET') throw new ConfigError(`${op} with auto_pad has no gradient here`, { expected: 'explicit pads', got: auto, where: m || '<root>' });
}

export const maxPool: GradRule = {
  forward(c) {
    const { b, node, m } = c;
    noAutoPad('MaxPool', strAttr(node, 'auto_pad', 'NOTSET'), m);
    const [, idx] = b.node('MaxPool', [node.inputs[0]], node.attrs, { module: m, outputs: [node.outputs[0], `${node.outputs[0]}:indices`], tag: 'f' });
    c.saved.indices = idx;
  },
  backward(c, [dy], need) {
    const { b, node, m } = c;
    if (!dy || !need[0]) return [null];
    const xs = b.shape(node.inputs[0]);
    const total = xs.reduce((a, d) => a * d, 1);
    const zeros = b.op('ConstantOfShape', [b.i64([total])], {}, m);
    const flat = b.op('ScatterElements', [zeros, b.reshape(c.saved.indices, [-1], m), b.reshape(dy, [-1], m)], { axis: int(0), reduction: { type: 'string', value: 'add' } }, m);
    return [b.reshape(flat, xs, m)];
  },
};

/** PyTorch's avg_pool2d divisor for each output position (count_include_pad, ceil-mode windows clipped). */
export function avgPoolDivisors(size: readonly number[], k: readonly number[], s: readonly number[], pads: readonly number[], out: readonly number[], includePad: boolean): Float32Array {
  const [H, W] = size, [oh, ow] = out;
  const div = new Float32Array(oh * ow);
  for (let i = 0; i < oh; i++) {
    for (let j = 0; j < ow; j++) {
      let h0 = i * s[0] - pads[0], w0 = j * s[1] - pads[1];
      let h1 = Math.min(h0 + k[0], H + pads[2]), w1 = Math.min(w0 + k[1], W + pads[3]);
      let n = (h1 - h0) * (w1 - w0);
      if (!includePad) {
        h0 = Math.max(h0, 0); w0 = Math.max(w0, 0); h1 = Math.min(h1, H); w1 = Math.min(w1, W);
        n = (h1 - h0) * (w1 - w0);
      }
      div[i * ow + j] = n;
    }
  }
  return div;
}

export const avgPool: GradRule = {
  backward(c, [dy], need) {
    const { b, node, m } = c;
    if (!dy || !need[0]) return [null];
    noAutoPad('AveragePool', strAttr(node, 'auto_pad', 'NOTSET'), m);
    const xs = b.shape(node.inputs[0]), ys = b.shape(node.outputs[0]);
    if (xs.length !== 4) throw new ConfigError('AveragePool gradient needs NCHW', { got: `rank ${xs.length}`, where: m || '<root>' });
    const k = intsAttr(node, 'kernel_shape', []);
    const s = intsAttr(node, 'strides', [1, 1]);
    const pads = intsAttr(node, 'pads', [0, 0, 0, 0]);
    const d = intsAttr(node, 'dilations', [1, 1]);
    if (d.some((v) => v !== 1)) throw new ConfigError('AveragePool with dilations has no gradient here', { got: `dilations ${d.join('×')}`, where: m || '<root>' });
    const div = avgPoolDivisors(xs.slice(2), k, s, pads, ys.slice(2), intAttr(node, 'count_include_pad', 0) === 1);
    const inv = new Float32Array(div.length).map((_, i) => 1 / div[i]);
    const scaled = b.op('Mul', [dy, b.constant(new Tensor('float32', inv, [1, 1, ys[2], ys[3]]))], {}, m);
    const C = xs[1];
    const ones = b.constant(new Tensor('float32', new Float32Array(C * k[0] * k[1]).fill(1), [C, 1, k[0], k[1]]));
    const fit = transposeFit({ k, s, d: [1, 1], pads, group: C }, ys.slice(2), xs.slice(2));
    return [b.op('ConvTranspose', [scaled, ones], {
      kernel_shape: ints(k), strides: ints(s), pads: ints(fit.pads), group: int(C),
      ...(fit.outPad.some((p) => p) ? { output_padding: ints(fit.outPad) } : {}),
    }, m, xs)];
  },
};

export const globalAvgPool: GradRule = {
  backward(c, [dy], need) {
    const { b, node, m } = c;
    if (!dy || !need[0]) return [null];
    const xs = b.shape(node.inputs[0]);
    const n = xs.slice(2).reduce((a, v) => a * v, 1);
    return [b.op('Expand', [b.op('Mul', [dy, b.f32(1 / n)], {}, m), b.i64(xs)], {}, m, xs)];
  },
};

/** ReduceMean / ReduceSum (axes as attribute or constant input). */
export function reduce(mean: boolean): GradRule {
  return {
    backward(c, [dy], need) {
      const { b, node, m } = c;
      const res: (string | null)[] = node.inputs.map(() => null);
      if (!dy || !need[0]) return res;
      const xs = b.shape(node.inputs[0]);
      let axes = intsAttr(node, 'axes', []);
      if (!axes.length && node.inputs[1]) axes = b.g.initializers.get(node.inputs[1])?.value().toArray() ?? [];
      if (!axes.length) axes = xs.map((_, i) => i);
      axes = axes.map((a) => (a < 0 ? a + xs.length : a));
      const kept = xs.map((d, i) => (axes.includes(i) ? 1 : d));
      let g = intAttr(node, 'keepdims', 1) ? dy : b.reshape(dy, kept, m);
      if (mean) g = b.op('Mul', [g, b.f32(1 / axes.reduce((a, i) => a * xs[i], 1))], {}, m);
      res[0] = b.op('Expand', [g, b.i64(xs)], {}, m, xs);
      return res;
    },
  };
}

/**
 * RoiAlign (mode 'avg', a fixed sampling_ratio ≥ 1) w.r.t. the feature map. The op is linear in X and separable per
 * RoI: Y[r, c] = Ty[r] · X[b_r, c] · Tx[r]ᵀ / s², where Ty[r, i, h] sums the bilinear tent weights max(0, 1 − |y − h|)
 * of bin i's s sample rows (y clamped to [0, H − 1], samples outside [−1, H] dropped, as torchvision/ONNX Runtime do).
 * So dX_r = Ty[r]ᵀ · dY[r] · Tx[r] / s², added into image b_r (a one-hot MatMul). Boxes get no gradient.
 */
export const roiAlign: GradRule = {
  backward(c, [dy], need) {
    const { b, node, m } = c;
    const res: (string | null)[] = node.inputs.map(() => null);
    if (!dy || !need[0]) return res;
    const where = m || '<root>';
    if (strAttr(node, 'mode', 'avg') !== 'avg') throw new ConfigError("RoiAlign mode 'max' has no gradient here", { expected: "mode 'avg'", where });
    const sr = intAttr(node, 'sampling_ratio', 0);
    if (sr < 1) throw new ConfigError('RoiAlign with an adaptive sampling ratio has no gradient here', { expected: 'samplingRatio ≥ 1 (e.g. 2)', got: String(sr), where });
    const [x, boxes, idx] = node.inputs;
    const [N, C, H, W] = b.shape(x);
    const R = b.shape(boxes)[0];
    const ph = intAttr(node, 'output_height', 1), pw = intAttr(node, 'output_width', 1);
    const scale = intAttr(node, 'spatial_scale', 1);
    const half = strAttr(node, 'coordinate_transformation_mode', 'half_pixel') === 'half_pixel';
    const op = (o: string, ins: string[], a: Record<string, import('../../graph/ir').AttrValue> = {}) => b.op(o, ins, a, m);
    const bx = op('Sub', [op('Mul', [boxes, b.f32(scale)]), b.f32(half ? 0.5 : 0)]);
    const col = (k: number) => op('Slice', [bx, b.i64([k]), b.i64([k + 1]), b.i64([1])]);
    const tents = (lo: string, hi: string, bins: number, size: number): string => {
      let len = op('Sub', [hi, lo]);
      if (!half) len = op('Max', [len, b.f32(1)]);
      const bin = op('Div', [len, b.f32(bins)]);
      const grid = new Float32Array(bins * sr);
      for (let i = 0; i < bins; i++) for (let k = 0; k < sr; k++) grid[i * sr + k] = i + (k + 0.5) / sr;
      const pos = op('Add', [lo, op('Mul', [bin, b.constant(new Tensor('float32', grid, [1, bins * sr]))])]); // [R, bins·s]
      const valid = op('Cast', [op('And', [op('GreaterOrEqual', [pos, b.f32(-1)]), op('LessOrEqual', [pos, b.f32(size)])])], { to: int(1) });
      const clamped = op('Clip', [pos, b.f32(0), b.f32(size - 1)]);
      const px = b.constant(new Tensor('float32', Float32Array.from({ length: size }, (_, i) => i), [1, 1, size]));
      const dist = op('Abs', [op('Sub', [b.reshape(clamped, [R, bins * sr, 1], m), px])]);
      const tent = op('Mul', [op('Relu', [op('Sub', [b.f32(1), dist])]), b.reshape(valid, [R, bins * sr, 1], m)]);
      return op('ReduceSum', [b.reshape(tent, [R, bins, sr, size], m), b.i64([2])], { keepdims: int(0) }); // [R, bins, size]
    };
    const ty = tents(col(1), col(3), ph, H), tx = tents(col(0), col(2), pw, W);
    const tyT = b.reshape(op('Transpose', [ty], { perm: ints([0, 2, 1]) }), [R, 1, H, ph], m);
    const left = op('MatMul', [tyT, dy]); // [R, C, H, pw]
    const dxr = op('Mul', [op('MatMul', [left, b.reshape(tx, [R, 1, pw, W], m)]), b.f32(1 / (sr * sr))]); // [R, C, H, W]
    const onehot = op('OneHot', [idx, b.i64([N]), b.constant(new Tensor('float32', Float32Array.of(0, 1), [2]))], { axis: int(-1) }); // [R, N]
    const dx = op('MatMul', [op('Transpose', [onehot], { perm: ints([1, 0]) }), b.reshape(dxr, [R, C * H * W], m)]);
    res[0] = b.reshape(dx, [N, C, H, W], m);
    return res;
  },
};

/**
 * Per-axis interpolation matrix of ONNX Resize as ONNX Runtime computes it (out × in): nearest (floor or
 * round_prefer_ceil) and linear, with the half_pixel, asymmetric and align_corners coordinate transforms.
 */
export function resizeMatrix(inSize: number, outSize: number, scale: number, mode: string, coord: string, nearest: string): Float32Array {
  const a = new Float32Array(outSize * inSize);
  for (let o = 0; o < outSize; o++) {
    let src = coord === 'align_corners' ? (outSize > 1 ? (o * (inSize - 1)) / (outSize - 1) : 0)
      : coord === 'asymmetric' ? o / scale
        : coord === 'pytorch_half_pixel' && outSize === 1 ? 0 : (o + 0.5) / scale - 0.5;
    if (mode === 'nearest') {
      let i = nearest === 'floor' ? Math.floor(src) : nearest === 'ceil' ? Math.ceil(src) : nearest === 'round_prefer_floor' ? (src % 1 === 0.5 ? Math.floor(src) : Math.round(src)) : (Math.abs(src % 1) === 0.5 ? Math.ceil(src) : Math.round(src));
      i = Math.min(Math.max(i, 0), inSize - 1);
      a[o * inSize + i] = 1;
    } else {
      src = Math.min(Math.max(src, 0), inSize - 1);
      const i0 = Math.floor(src), i1 = Math.min(i0 + 1, inSize - 1), f = src - i0;
      a[o * inSize + i0] += 1 - f;
      a[o * inSize + i1] += f;
    }
  }
  return a;
}

/** Resize (nearest / linear on H and W, constant scales): dX = Ayᵀ · dY · Ax with the interpolation matrices. */
export const resize: GradRule = {
  backward(c, [dy], need) {
    const { b, node, m } = c;
    const res: (string | null)[] = node.inputs.map(() => null);
    if (!dy || !need[0]) return res;
    const where = m || '<root>';
    const xs = b.shape(node.inputs[0]), ys = b.shape(node.outputs[0]);
    const mode = strAttr(node, 'mode', 'nearest');
    if ((mode !== 'nearest' && mode !== 'linear') || xs.length !== 4 || xs[0] !== ys[0] || xs[1] !== ys[1]) {
      throw new ConfigError(`Resize (${mode}, ${xs.length}-D) has no gradient here`, { expected: 'nearest or linear resizing of H and W', where });
    }
    const scalesName = node.inputs[2];
    const sc = scalesName ? b.g.initializers.get(scalesName)?.value().toArray() : undefined;
    const scale = (k: number) => (sc && sc.length === 4 ? sc[k] : ys[k] / xs[k]);
    const coord = strAttr(node, 'coordinate_transformation_mode', 'half_pixel'), nearest = strAttr(node, 'nearest_mode', 'round_prefer_floor');
    const ay = resizeMatrix(xs[2], ys[2], scale(2), mode, coord, nearest);
    const ax = resizeMatrix(xs[3], ys[3], scale(3), mode, coord, nearest);
    // dX[h, w] = Σ dY[o, p] Ay[o, h] Ax[p, w]  →  Ayᵀ · dY · Ax
    const ayT = b.constant(new Tensor('float32', transpose2(ay, ys[2], xs[2]), [xs[2], ys[2]]));
    const axM = b.constant(new Tensor('float32', ax, [ys[3], xs[3]]));
    res[0] = b.op('MatMul', [b.op('MatMul', [ayT, dy], {}, m), axM], {}, m, xs);
    return res;
  },
};

function transpose2(a: Float32Array, rows: number, cols: number): Float32Array {
  const t = new Float32Array(a.length);
  for (let r = 0; r < rows; r++) for (let k = 0; k < cols; k++) t[k * rows + r] = a[r * cols + k];
  return t;
}
