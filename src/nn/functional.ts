/**
 * Functional ops on symbolic tensors: each emits standard ONNX nodes (opset 17) through the tracer.
 * Layers are thin modules over these.
 */
import { CnnlabError, ShapeError, fmtShape } from '../errors';
import { attr, AttrValue } from '../graph/ir';
import { Tensor } from '../tensor/tensor';
import { Parameter } from './parameter';
import { OpInput, SymTensor } from './trace';

export type Pair = number | readonly [number, number];
export const pair = (v: Pair): [number, number] => (typeof v === 'number' ? [v, v] : [v[0], v[1]]);

function one(xs: SymTensor[]): SymTensor {
  return xs[0];
}
function emit(x: SymTensor, op: string, inputs: OpInput[], attrs: Record<string, AttrValue> = {}): SymTensor {
  return one(x.tracer.emit(op, inputs, attrs));
}
const scalar = (v: number) => new Tensor('float32', Float32Array.of(v), []);
export const int64s = (v: readonly number[]) => new Tensor('int64', BigInt64Array.from(v.map((x) => BigInt(x))), [v.length]);

export interface Conv2dAttrs {
  stride?: Pair;
  /** symmetric padding (h, w), or explicit [top, left, bottom, right] */
  padding?: Pair | readonly [number, number, number, number];
  dilation?: Pair;
  groups?: number;
}

export function pads4(p: Conv2dAttrs['padding']): number[] {
  if (p === undefined) return [0, 0, 0, 0];
  if (typeof p === 'number') return [p, p, p, p];
  if (p.length === 2) return [p[0], p[1], p[0], p[1]];
  return [...p];
}

export function conv2d(x: SymTensor, weight: Parameter, bias: Parameter | null, a: Conv2dAttrs = {}): SymTensor {
  const [kh, kw] = weight.shape.slice(2);
  return emit(x, 'Conv', [x, weight, bias], {
    kernel_shape: attr.ints([kh, kw]),
    strides: attr.ints(pair(a.stride ?? 1)),
    pads: attr.ints(pads4(a.padding)),
    dilations: attr.ints(pair(a.dilation ?? 1)),
    group: attr.int(a.groups ?? 1),
  });
}

export function batchNorm(x: SymTensor, weight: Parameter, bias: Parameter, mean: Parameter, variance: Parameter, eps = 1e-5): SymTensor {
  return emit(x, 'BatchNormalization', [x, weight, bias, mean, variance], { epsilon: attr.float(eps) });
}

export function linear(x: SymTensor, weight: Parameter, bias: Parameter | null): SymTensor {
  if (x.ndim !== 2) {
    // nn.Linear on [..., in]: MatMul with the transposed weight
    const wt = emit(x, 'Transpose', [weight], { perm: attr.ints([1, 0]) });
    const y = emit(x, 'MatMul', [x, wt]);
    return bias ? emit(x, 'Add', [y, bias]) : y;
  }
  return emit(x, 'Gemm', [x, weight, bias], { transB: attr.int(1) });
}

export const relu = (x: SymTensor) => emit(x, 'Relu', [x]);
export const clip = (x: SymTensor, min: number, max: number) => emit(x, 'Clip', [x, scalar(min), scalar(max)]);
export const relu6 = (x: SymTensor) => clip(x, 0, 6);
export const sigmoid = (x: SymTensor) => emit(x, 'Sigmoid', [x]);
export const tanh = (x: SymTensor) => emit(x, 'Tanh', [x]);
export const hardswish = (x: SymTensor) => emit(x, 'HardSwish', [x]);
export const hardsigmoid = (x: SymTensor, alpha = 1 / 6, beta = 0.5) =>
  emit(x, 'HardSigmoid', [x], { alpha: attr.float(alpha), beta: attr.float(beta) });
export const leakyRelu = (x: SymTensor, slope = 0.01) => emit(x, 'LeakyRelu', [x], { alpha: attr.float(slope) });
export const elu = (x: SymTensor, alpha = 1) => emit(x, 'Elu', [x], { alpha: attr.float(alpha) });
/** SiLU / Swish: x·σ(x) */
export const silu = (x: SymTensor) => mul(x, sigmoid(x));
export const softmax = (x: SymTensor, axis = -1) => emit(x, 'Softmax', [x], { axis: attr.int(axis) });
export const identity = (x: SymTensor) => emit(x, 'Identity', [x]);
/** Dropout as traced for training: ONNX `Dropout` with the ratio (the trainer replaces it by a seeded mask). */
export const dropout = (x: SymTensor, p: number) => emit(x, 'Dropout', [x, scalar(p)]);

export function add(a: SymTensor, b: SymTensor | Parameter | Tensor): SymTensor {
  return emit(a, 'Add', [a, b]);
}
export function mul(a: SymTensor, b: SymTensor | Parameter | Tensor): SymTensor {
  return emit(a, 'Mul', [a, b]);
}

export function concat(xs: readonly SymTensor[], axis = 1): SymTensor {
  if (!xs.length) throw new CnnlabError('concat needs at least one tensor');
  return emit(xs[0], 'Concat', [...xs], { axis: attr.int(axis) });
}

export function flatten(x: SymTensor, axis = 1): SymTensor {
  return emit(x, 'Flatten', [x], { axis: attr.int(axis) });
}

export function reshape(x: SymTensor, shape: readonly number[]): SymTensor {
  return emit(x, 'Reshape', [x, int64s(shape)]);
}

export function transpose(x: SymTensor, perm: readonly number[]): SymTensor {
  return emit(x, 'Transpose', [x], { perm: attr.ints(perm) });
}

/** Splits along an axis into parts of the given sizes. */
export function split(x: SymTensor, sizes: readonly number[], axis = 1): SymTensor[] {
  const total = sizes.reduce((a, b) => a + b, 0);
  const ax = axis < 0 ? axis + x.ndim : axis;
  if (total !== x.shape[ax]) {
    throw new ShapeError('split sizes do not add up to the axis', { expected: `${x.shape[ax]} (axis ${axis} of ${fmtShape(x.shape)})`, got: `${sizes.join('+')} = ${total}` });
  }
  return x.tracer.emit('Split', [x, int64s(sizes)], { axis: attr.int(axis) }, sizes.length);
}

export function slice(x: SymTensor, starts: number[], ends: number[], axes: number[], steps?: number[]): SymTensor {
  return emit(x, 'Slice', [x, int64s(starts), int64s(ends), int64s(axes), steps ? int64s(steps) : null]);
}

export interface Pool2dAttrs {
  kernel: Pair;
  stride?: Pair;
  padding?: Pair | readonly [number, number, number, number];
  dilation?: Pair;
  ceilMode?: boolean;
  /** AvgPool only: include zero padding in the divisor (PyTorch default true) */
  countIncludePad?: boolean;
}

export function maxPool2d(x: SymTensor, a: Pool2dAttrs): SymTensor {
  return emit(x, 'MaxPool', [x], {
    kernel_shape: attr.ints(pair(a.kernel)),
    strides: attr.ints(pair(a.stride ?? a.kernel)),
    pads: attr.ints(pads4(a.padding)),
    dilations: attr.ints(pair(a.dilation ?? 1)),
    ceil_mode: attr.int(a.ceilMode ? 1 : 0),
  });
}

export function avgPool2d(x: SymTensor, a: Pool2dAttrs): SymTensor {
  return emit(x, 'AveragePool', [x], {
    kernel_shape: attr.ints(pair(a.kernel)),
    strides: attr.ints(pair(a.stride ?? a.kernel)),
    pads: attr.ints(pads4(a.padding)),
    ceil_mode: attr.int(a.ceilMode ? 1 : 0),
    count_include_pad: attr.int(a.countIncludePad === false ? 0 : 1),
  });
}

export const globalAvgPool = (x: SymTensor) => emit(x, 'GlobalAveragePool', [x]);
export const globalMaxPool = (x: SymTensor) => emit(x, 'GlobalMaxPool', [x]);

/** PyTorch's adaptive bins: [floor(i·in/out), ceil((i+1)·in/out)). */
export function adaptiveBins(size: number, out: number): [number, number][] {
  return Array.from({ length: out }, (_, i) => [Math.floor((i * size) / out), Math.ceil(((i + 1) * size) / out)]);
}

/**
 * AdaptiveAvg/MaxPool2d for any output size: global pooling for 1×1, one pooling op when the input
 * divides evenly, otherwise one reduction per bin (exactly PyTorch's bins) concatenated.
 */
export function adaptivePool2d(x: SymTensor, output: Pair, mode: 'avg' | 'max'): SymTensor {
  const [oh, ow] = pair(output);
  const [h, w] = x.shape.slice(2);
  if (oh <= 0 || ow <= 0) throw new ShapeError('adaptive pool output size must be positive', { got: `${oh}×${ow}`, where: x.tracer.path });
  if (oh === 1 && ow === 1) return mode === 'avg' ? globalAvgPool(x) : globalMaxPool(x);
  if (h % oh === 0 && w % ow === 0) {
    const k: [number, number] = [h / oh, w / ow];
    return mode === 'avg' ? avgPool2d(x, { kernel: k, stride: k }) : maxPool2d(x, { kernel: k, stride: k });
  }
  const reduceOp = mode === 'avg' ? 'ReduceMean' : 'ReduceMax';
  const rows: SymTensor[] = [];
  for (const [r0, r1] of adaptiveBins(h, oh)) {
    const cells: SymTensor[] = [];
    for (const [c0, c1] of adaptiveBins(w, ow)) {
      const s = slice(x, [r0, c0], [r1, c1], [2, 3]);
      cells.push(emit(x, reduceOp, [s], { axes: attr.ints([2, 3]), keepdims: attr.int(1) }));
    }
    rows.push(cells.length === 1 ? cells[0] : concat(cells, 3));
  }
  return rows.length === 1 ? rows[0] : concat(rows, 2);
}

/** Local response normalisation across channels (AlexNet, GoogLeNet), PyTorch's LocalResponseNorm. */
export function lrn(x: SymTensor, size: number, alpha = 1e-4, beta = 0.75, k = 1): SymTensor {
  return emit(x, 'LRN', [x], { size: attr.int(size), alpha: attr.float(alpha), beta: attr.float(beta), bias: attr.float(k) });
}

/** ShuffleNet's channel shuffle: [N, g·c, H, W] → reshape [N, g, c, H, W] → transpose → back. */
export function channelShuffle(x: SymTensor, groups: number): SymTensor {
  const [n, c, h, w] = x.shape;
  if (!Number.isInteger(groups) || groups <= 0 || c % groups !== 0) {
    throw new ShapeError('channel shuffle: channels not divisible by groups', { expected: `a multiple of ${groups}`, got: `${c} channels (${fmtShape(x.shape)})`, where: x.tracer.path });
  }
  const r = reshape(x, [0, groups, c / groups, h, w]);
  const t = transpose(r, [0, 2, 1, 3, 4]);
  void n;
  return reshape(t, [0, c, h, w]);
}

// ---- layer catalogue additions: transposed convolution, resize (Upsample), PyTorch-exact LRN ----

export interface ConvTranspose2dAttrs {
  stride?: Pair;
  /** PyTorch's `padding`: dilation·(k−1)−padding zeros are added on each side of the (strided) input */
  padding?: Pair;
  /** PyTorch's `output_padding`: extra rows/columns added at the bottom/right of the output */
  outputPadding?: Pair;
  dilation?: Pair;
  groups?: number;
}

/**
 * Transposed 2-D convolution (ONNX `ConvTranspose`); weight in PyTorch's layout [Cin, Cout/groups, kh, kw].
 * PyTorch allows output_padding < stride OR < dilation; ONNX Runtime only < stride. Otherwise the output
 * padding is expressed as a smaller end padding (when output_padding ≤ padding) or, beyond the full
 * output, as zero rows/columns appended before the bias is added (those positions receive only the bias).
 */
export function convTranspose2d(x: SymTensor, weight: Parameter, bias: Parameter | null, a: ConvTranspose2dAttrs = {}): SymTensor {
  const [kh, kw] = weight.shape.slice(2);
  const [ph, pw] = pair(a.padding ?? 0);
  const [oph, opw] = pair(a.outputPadding ?? 0);
  const stride = pair(a.stride ?? 1);
  const common = {
    kernel_shape: attr.ints([kh, kw]),
    strides: attr.ints(stride),
    dilations: attr.ints(pair(a.dilation ?? 1)),
    group: attr.int(a.groups ?? 1),
  };
  if (oph < stride[0] && opw < stride[1]) {
    return emit(x, 'ConvTranspose', [x, weight, bias], { ...common, pads: attr.ints([ph, pw, ph, pw]), output_padding: attr.ints([oph, opw]) });
  }
  const endH = Math.max(ph - oph, 0), endW = Math.max(pw - opw, 0);
  const extraH = Math.max(oph - ph, 0), extraW = Math.max(opw - pw, 0);
  if (!extraH && !extraW) return emit(x, 'ConvTranspose', [x, weight, bias], { ...common, pads: attr.ints([ph, pw, endH, endW]) });
  let y = emit(x, 'ConvTranspose', [x, weight, null], { ...common, pads: attr.ints([ph, pw, endH, endW]) });
  y = emit(x, 'Pad', [y, int64s([0, 0, 0, 0, 0, 0, extraH, extraW])], { mode: attr.string('constant') });
  if (!bias) return y;
  const b = one(x.tracer.emit('Reshape', [bias, int64s([bias.shape[0], 1, 1])]));
  return add(y, b);
}

/** PyTorch's output size of ConvTranspose2d along one axis. */
export function convTransposeOut(size: number, k: number, stride: number, padding: number, outputPadding: number, dilation: number): number {
  return (size - 1) * stride - 2 * padding + dilation * (k - 1) + outputPadding + 1;
}

export type ResizeMode = 'nearest' | 'nearest-exact' | 'bilinear';

export interface ResizeAttrs {
  /** output spatial size (torch's `size`) */
  size?: Pair;
  /** spatial scale factor (torch's `scale_factor`); output = floor(input · scale) */
  scale?: Pair;
  mode?: ResizeMode;
  /** bilinear only: corner pixels of input and output aligned (torch's `align_corners`) */
  alignCorners?: boolean;
}

/**
 * A float32 scale for one axis, as close to `scale` as possible, with which ONNX Runtime's output size
 * floor(in·s) (computed in float32) and the exact product floor(in·s) both give `out` (a few ulps away
 * from `scale` when its float32 rounding would lose or gain a pixel, e.g. 7/3 or 10·0.7).
 */
export function fitResizeScale(size: number, out: number, scale: number): number {
  const ok = (s: number) => Math.floor(size * s) === out && Math.floor(Math.fround(size * s)) === out;
  const s0 = Math.fround(scale);
  if (ok(s0)) return s0;
  const buf = new Float32Array(1), bits = new Uint32Array(buf.buffer);
  for (let k = 1; k <= 16; k++) {
    for (const dir of [1, -1]) {
      buf[0] = s0;
      bits[0] += dir * k;
      if (ok(buf[0])) return buf[0];
    }
  }
  throw new ShapeError('resize: no float32 scale gives the output size', { expected: `${out}`, got: `input ${size}, scale ${scale}` });
}

/** Scale out/in for a resize to a given size (see fitResizeScale). */
export function resizeScale(size: number, out: number): number {
  return fitResizeScale(size, out, out / size);
}

/**
 * torch.nn.functional.interpolate on NCHW as one ONNX `Resize` with per-axis scales (batch stays dynamic):
 * nearest → asymmetric + floor; nearest-exact → half_pixel + round_prefer_ceil; bilinear →
 * align_corners, or half_pixel (PyTorch's (i+0.5)/s−0.5 with negatives clamped, also for size 1).
 */
export function resize2d(x: SymTensor, a: ResizeAttrs): SymTensor {
  const [h, w] = x.shape.slice(2);
  const mode = a.mode ?? 'nearest';
  let scales: [number, number];
  if (a.size !== undefined) {
    const [oh, ow] = pair(a.size);
    scales = [resizeScale(h, oh), resizeScale(w, ow)];
  } else if (a.scale !== undefined) {
    const [sh, sw] = pair(a.scale);
    // PyTorch's output size: floor(in · scale) in double precision; its source index uses 1/scale
    scales = [fitResizeScale(h, Math.floor(h * sh), sh), fitResizeScale(w, Math.floor(w * sw), sw)];
  } else throw new CnnlabError('resize needs a size or a scale factor', { where: x.tracer.path || '<root>' });
  const attrs: Record<string, AttrValue> = mode === 'bilinear'
    ? { mode: attr.string('linear'), coordinate_transformation_mode: attr.string(a.alignCorners ? 'align_corners' : 'half_pixel') }
    : mode === 'nearest-exact'
      ? { mode: attr.string('nearest'), coordinate_transformation_mode: attr.string('half_pixel'), nearest_mode: attr.string('round_prefer_ceil') }
      : { mode: attr.string('nearest'), coordinate_transformation_mode: attr.string('asymmetric'), nearest_mode: attr.string('floor') };
  return emit(x, 'Resize', [x, null, new Tensor('float32', Float32Array.of(1, 1, scales[0], scales[1]), [4]), null], attrs);
}

/** Reverses one axis (Slice with step −1). */
export function flip(x: SymTensor, axis: number): SymTensor {
  return slice(x, [-1], [Number.MIN_SAFE_INTEGER], [axis], [-1]);
}

/**
 * PyTorch's LocalResponseNorm exactly: b_c = a_c / (k + α/n · Σ a_j²)^β over channels
 * j ∈ [c − ⌊n/2⌋, c + ⌊(n−1)/2⌋] (zeros outside). ONNX `LRN` sums over [c − ⌊(n−1)/2⌋, c + ⌈(n−1)/2⌉]
 * with the same α/n: identical for odd n, so odd sizes are one LRN node. For even n the window differs
 * (and ONNX Runtime's LRN only accepts odd sizes), so it is built as PyTorch does: x² viewed as
 * [N, 1, C, H·W], averaged over n channels with asymmetric zero padding (⌊n/2⌋ before, ⌊(n−1)/2⌋
 * after, padding counted), then x / (k + α·mean)^β.
 */
export function localResponseNorm(x: SymTensor, size: number, alpha = 1e-4, beta = 0.75, k = 1): SymTensor {
  if (size % 2 === 1) return lrn(x, size, alpha, beta, k);
  const c = x.shape[1];
  const sq = reshape(mul(x, x), [0, 1, c, -1]);
  const avg = emit(x, 'AveragePool', [sq], {
    kernel_shape: attr.ints([size, 1]),
    strides: attr.ints([1, 1]),
    pads: attr.ints([Math.floor(size / 2), 0, Math.floor((size - 1) / 2), 0]),
    count_include_pad: attr.int(1),
  });
  const den = emit(x, 'Pow', [add(mul(reshape(avg, [0, ...x.shape.slice(1)]), scalar(alpha)), scalar(k)), scalar(beta)]);
  return emit(x, 'Div', [x, den]);
}

export type PadMode = 'zeros' | 'reflect' | 'replicate' | 'circular';

/**
 * Pads H and W by [top, left, bottom, right] as torch.nn.functional.pad does: zeros → Pad constant,
 * reflect → Pad reflect, replicate → Pad edge, circular → wrap-around by Slice + Concat (ONNX's 'wrap'
 * needs opset 19). Reflect needs pads < the size, circular pads ≤ the size (PyTorch's rules).
 */
export function pad2d(x: SymTensor, pads: readonly [number, number, number, number], mode: PadMode = 'zeros'): SymTensor {
  const [t, l, b, r] = pads;
  if (!t && !l && !b && !r) return x;
  const [h, w] = x.shape.slice(2);
  const where = x.tracer.path || '<root>';
  const limit = mode === 'reflect' ? [h - 1, w - 1] : mode === 'circular' ? [h, w] : [Infinity, Infinity];
  if (Math.max(t, b) > limit[0] || Math.max(l, r) > limit[1]) {
    throw new ShapeError(`${mode} padding larger than the input allows`, {
      expected: `padding ≤ ${mode === 'reflect' ? 'size − 1' : 'size'} on each axis (input ${fmtShape(x.shape)})`, got: `pads [top ${t}, left ${l}, bottom ${b}, right ${r}]`, where,
    });
  }
  if (mode === 'circular') {
    let y = x;
    if (t || b) y = concat([...(t ? [slice(y, [h - t], [h], [2])] : []), y, ...(b ? [slice(y, [0], [b], [2])] : [])], 2);
    if (l || r) y = concat([...(l ? [slice(y, [w - l], [w], [3])] : []), y, ...(r ? [slice(y, [0], [r], [3])] : [])], 3);
    return y;
  }
  const onnxMode = mode === 'zeros' ? 'constant' : mode === 'replicate' ? 'edge' : 'reflect';
  return emit(x, 'Pad', [x, int64s([0, 0, t, l, 0, 0, b, r])], { mode: attr.string(onnxMode) });
}
