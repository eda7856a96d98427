import { ShapeError, fmtShape } from '../errors';
import { DType, Tensor } from '../tensor/tensor';
import { AttrValue, Dim } from './ir';

/** What shape inference sees of one node. */
export interface ShapeContext {
  op: string;
  inputs: ({ shape: Dim[] | null; dtype: DType } | null)[];
  attrs: Record<string, AttrValue>;
  /** constant value of input i when it is an initializer (Reshape's shape, Resize's scales, Slice's starts...) */
  constant(i: number): Tensor | undefined;
  /** number of outputs the node declares */
  nOutputs: number;
  where: string;
}
export type OutInfo = { shape: Dim[] | null; dtype: DType };

type Rule = (c: ShapeContext) => OutInfo[];

function ai(c: ShapeContext, name: string, def: number): number {
  const a = c.attrs[name];
  return a && (a.type === 'int' || a.type === 'float') ? a.value : def;
}
function ais(c: ShapeContext, name: string): number[] | undefined {
  const a = c.attrs[name];
  return a && (a.type === 'ints' || a.type === 'floats') ? a.value : undefined;
}
function as_(c: ShapeContext, name: string, def: string): string {
  const a = c.attrs[name];
  return a && a.type === 'string' ? a.value : def;
}
function inShape(c: ShapeContext, i: number): Dim[] | null {
  return c.inputs[i]?.shape ?? null;
}
function inType(c: ShapeContext, i = 0): DType {
  return c.inputs[i]?.dtype ?? 'float32';
}
function fail(c: ShapeContext, msg: string, expected: string, got: string): never {
  throw new ShapeError(`${c.op}: ${msg}`, { expected, got, where: c.where });
}
const isNum = (d: Dim | undefined): d is number => typeof d === 'number';

/** Numpy-style broadcasting. */
export function broadcast(a: Dim[], b: Dim[], c?: ShapeContext): Dim[] {
  const n = Math.max(a.length, b.length);
  const out: Dim[] = [];
  for (let i = 0; i < n; i++) {
    const x = a[a.length - n + i] ?? 1;
    const y = b[b.length - n + i] ?? 1;
    if (x === y) out.push(x);
    else if (x === 1) out.push(y);
    else if (y === 1) out.push(x);
    else if (!isNum(x)) out.push(x);
    else if (!isNum(y)) out.push(y);
    else if (c) fail(c, 'shapes do not broadcast', 'equal dimensions or 1', `${fmtShape(a)} and ${fmtShape(b)}`);
    else throw new ShapeError('shapes do not broadcast', { got: `${fmtShape(a)} and ${fmtShape(b)}` });
  }
  return out;
}

/** Output size of a sliding window (conv/pool), ONNX/PyTorch rule. */
export function windowOut(size: number, k: number, stride: number, padBegin: number, padEnd: number, dilation: number, ceil: boolean): number {
  const eff = dilation * (k - 1) + 1;
  const num = size + padBegin + padEnd - eff;
  if (num < 0) return 0;
  let out = ceil ? Math.ceil(num / stride) + 1 : Math.floor(num / stride) + 1;
  // PyTorch/ONNX: the last window must start inside the input or left padding
  if (ceil && (out - 1) * stride >= size + padBegin) out--;
  return out;
}

function spatialWindow(c: ShapeContext, x: Dim[], kernel: number[], ceil: boolean): Dim[] {
  const nsp = kernel.length;
  const strides = ais(c, 'strides') ?? new Array(nsp).fill(1);
  const dil = ais(c, 'dilations') ?? new Array(nsp).fill(1);
  let pads = ais(c, 'pads') ?? new Array(2 * nsp).fill(0);
  const autoPad = as_(c, 'auto_pad', 'NOTSET');
  const out: Dim[] = [];
  for (let i = 0; i < nsp; i++) {
    const s = x[2 + i];
    if (!isNum(s)) { out.push(s); continue; }
    if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') { out.push(Math.ceil(s / strides[i])); continue; }
    if (autoPad === 'VALID') pads = new Array(2 * nsp).fill(0);
    const eff = dil[i] * (kernel[i] - 1) + 1;
    if (s + pads[i] + pads[i + nsp] < eff) {
      fail(c, 'kernel larger than the padded input', `padded input ≥ ${eff} on spatial axis ${i}`, `input ${fmtShape(x)} with pads ${fmtShape(pads)}`);
    }
    out.push(windowOut(s, kernel[i], strides[i], pads[i], pads[i + nsp], dil[i], ceil));
  }
  return out;
}

function conv(c: ShapeContext): OutInfo[] {
  const x = inShape(c, 0), w = inShape(c, 1);
  if (!x || !w) return [{ shape: null, dtype: inType(c) }];
  if (x.length !== w.length) fail(c, 'input and weight ranks differ', `rank ${w.length} input`, fmtShape(x));
  const group = ai(c, 'group', 1);
  const cin = x[1], wcin = w[1];
  if (isNum(cin) && isNum(wcin) && cin !== wcin * group) {
    fail(c, 'input channels do not match the weight', `${wcin}·${group} = ${(wcin as number) * group} channels (weight ${fmtShape(w)}, group ${group})`, `input ${fmtShape(x)}`);
  }
  if (isNum(w[0]) && w[0] % group !== 0) fail(c, 'output channels not divisible by group', `a multiple of ${group}`, `${w[0]}`);
  const kernel = ais(c, 'kernel_shape') ?? (w.slice(2) as number[]);
  return [{ shape: [x[0], w[0], ...spatialWindow(c, x, kernel, false)], dtype: inType(c) }];
}

function convTranspose(c: ShapeContext): OutInfo[] {
  const x = inShape(c, 0), w = inShape(c, 1);
  if (!x || !w) return [{ shape: null, dtype: inType(c) }];
  const group = ai(c, 'group', 1);
  if (isNum(x[1]) && isNum(w[0]) && x[1] !== w[0]) fail(c, 'input channels do not match the weight', `${w[0]} channels`, `input ${fmtShape(x)}`);
  const nsp = x.length - 2;
  const kernel = ais(c, 'kernel_shape') ?? (w.slice(2) as number[]);
  const strides = ais(c, 'strides') ?? new Array(nsp).fill(1);
  const dil = ais(c, 'dilations') ?? new Array(nsp).fill(1);
  const pads = ais(c, 'pads') ?? new Array(2 * nsp).fill(0);
  const outPad = ais(c, 'output_padding') ?? new Array(nsp).fill(0);
  const given = ais(c, 'output_shape');
  const sp: Dim[] = [];
  for (let i = 0; i < nsp; i++) {
    const s = x[2 + i];
    if (given) { sp.push(given[i]); continue; }
    sp.push(isNum(s) ? strides[i] * (s - 1) + outPad[i] + dil[i] * (kernel[i] - 1) + 1 - pads[i] - pads[i + nsp] : s);
  }
  return [{ shape: [x[0], isNum(w[1]) ? w[1] * group : w[1], ...sp], dtype: inType(c) }];
}

function pool(c: ShapeContext): OutInfo[] {
  const x = inShape(c, 0);
  if (!x) return [{ shape: null, dtype: inType(c) }];
  const kernel = ais(c, 'kernel_shape');
  if (!kernel) fail(c, 'missing kernel_shape', 'kernel_shape attribute', 'none');
  const out = { shape: [x[0], x[1], ...spatialWindow(c, x, kernel, ai(c, 'ceil_mode', 0) === 1)], dtype: inType(c) };
  return c.nOutputs > 1 ? [out, { shape: out.shape, dtype: 'int64' }] : [out];
}

function globalPool(c: ShapeContext): OutInfo[] {
  const x = inShape(c, 0);
  return [{ shape: x ? [x[0], x[1], ...x.slice(2).map(() => 1)] : null, dtype: inType(c) }];
}

function same(c: ShapeContext): OutInfo[] {
  return [{ shape: inShape(c, 0), dtype: inType(c) }];
}

function elementwise(c: ShapeContext): OutInfo[] {
  let s: Dim[] | null = [];
  for (let i = 0; i < c.inputs.length; i++) {
    const x = inShape(c, i);
    if (!x) { s = null; break; }
    s = broadcast(s, x, c);
  }
  const dtype = ['Equal', 'Less', 'Greater', 'And', 'Or', 'Not', 'LessOrEqual', 'GreaterOrEqual'].includes(c.op) ? 'bool' : inType(c);
  return [{ shape: s, dtype }];
}

function normAxis(axis: number, rank: number, c: ShapeContext): number {
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= Math.max(rank, 1)) fail(c, 'axis out of range', `-${rank} ≤ axis < ${rank}`, `${axis}`);
  return a;
}

function flatten(c: ShapeContext): OutInfo[] {
  const x = inShape(c, 0);
  if (!x) return [{ shape: null, dtype: inType(c) }];
  const axis = ai(c, 'axis', 1);
  const a = axis < 0 ? axis + x.length : axis;
  const prod = (d: Dim[]): Dim => (d.every(isNum) ? (d as number[]).reduce((p, q) => p * q, 1) : '?');
  return [{ shape: [prod(x.slice(0, a)), prod(x.slice(a))], dtype: inType(c) }];
}

function gemm(c: ShapeContext): OutInfo[] {
  const a = inShape(c, 0), b = inShape(c, 1);
  if (!a || !b) return [{ shape: null, dtype: inType(c) }];
  const ta = ai(c, 'transA', 0), tb = ai(c, 'transB', 0);
  const [m, ka] = ta ? [a[1], a[0]] : [a[0], a[1]];
  const [kb, n] = tb ? [b[1], b[0]] : [b[0], b[1]];
  if (isNum(ka) && isNum(kb) && ka !== kb) {
    fail(c, 'inner dimensions differ', `${kb} input features (weight ${fmtShape(b)})`, `input ${fmtShape(a)}`);
  }
  return [{ shape: [m, n], dtype: inType(c) }];
}

function matmul(c: ShapeContext): OutInfo[] {
  const a = inShape(c, 0), b = inShape(c, 1);
  if (!a || !b) return [{ shape: null, dtype: inType(c) }];
  const a2 = a.length === 1 ? [1, a[0]] : a, b2 = b.length === 1 ? [b[0], 1] : b;
  const k1 = a2[a2.length - 1], k2 = b2[b2.length - 2];
  if (isNum(k1) && isNum(k2) && k1 !== k2) fail(c, 'inner dimensions differ', `${k2}`, `${fmtShape(a)} × ${fmtShape(b)}`);
  const batch = broadcast(a2.slice(0, -2), b2.slice(0, -2), c);
  const out: Dim[] = [...batch];
  if (a.length > 1) out.push(a2[a2.length - 2]);
  if (b.length > 1) out.push(b2[b2.length - 1]);
  return [{ shape: out, dtype: inType(c) }];
}

function concat(c: ShapeContext): OutInfo[] {
  const shapes = c.inputs.map((_, i) => inShape(c, i));
  if (shapes.some((s) => !s)) return [{ shape: null, dtype: inType(c) }];
  const first = shapes[0] as Dim[];
  const axis = normAxis(ai(c, 'axis', 0), first.length, c);
  const out = [...first];
  for (let k = 1; k < shapes.length; k++) {
    const s = shapes[k] as Dim[];
    if (s.length !== first.length) fail(c, 'ranks differ', `rank ${first.length}`, `${fmtShape(s)} (input ${k})`);
    for (let d = 0; d < s.length; d++) {
      if (d === axis) continue;
      if (isNum(s[d]) && isNum(first[d]) && s[d] !== first[d]) {
        fail(c, `inputs differ off the concat axis ${axis}`, `${fmtShape(first)} apart from axis ${axis}`, `${fmtShape(s)} (input ${k})`);
      }
    }
    out[axis] = isNum(out[axis]) && isNum(s[axis]) ? (out[axis] as number) + (s[axis] as number) : '?';
  }
  return [{ shape: out, dtype: inType(c) }];
}

function constInts(c: ShapeContext, i: number): number[] | undefined {
  const t = c.constant(i);
  return t ? t.toArray() : undefined;
}

function reshape(c: ShapeContext): OutInfo[] {
  const x = inShape(c, 0);
  const target = constInts(c, 1);
  if (!target) return [{ shape: null, dtype: inType(c) }];
  const out: Dim[] = target.map((d, i) => (d === 0 && ai(c, 'allowzero', 0) === 0 ? (x ? x[i] : '?') : d));
  const neg = out.indexOf(-1);
  if (x && x.every(isNum)) {
    const total = (x as number[]).reduce((a, b) => a * b, 1);
    const known = out.reduce<number>((a, b, i) => (i === neg || !isNum(b) ? a : a * b), 1);
    if (neg >= 0) {
      if (known === 0 || total % known !== 0) fail(c, 'cannot infer -1', `a divisor of ${total}`, fmtShape(target));
      out[neg] = total / known;
    } else if (out.every(isNum) && known !== total) {
      fail(c, 'element count changes', `${total} elements (${fmtShape(x)})`, fmtShape(out));
    }
  } else if (neg >= 0) out[neg] = '?';
  return [{ shape: out, dtype: inType(c) }];
}

function transpose(c: ShapeContext): OutInfo[] {
  const x = inShape(c, 0);
  if (!x) return [{ shape: null, dtype: inType(c) }];
  const perm = ais(c, 'perm') ?? x.map((_, i) => x.length - 1 - i);
  return [{ shape: perm.map((p) => x[p]), dtype: inType(c) }];
}

function split(c: ShapeContext): OutInfo[] {
  const x = inShape(c, 0);
  const n = c.nOutputs;
  if (!x) return new Array(n).fill({ shape: null, dtype: inType(c) });
  const axis = normAxis(ai(c, 'axis', 0), x.length, c);
  const sizes = constInts(c, 1) ?? ais(c, 'split');
  const dim = x[axis];
  return Array.from({ length: n }, (_, k) => {
    const s = [...x];
    if (sizes) s[axis] = sizes[k];
    else if (isNum(dim)) {
      if (dim % n !== 0) fail(c, 'axis not divisible by the number of outputs', `a multiple of ${n}`, `${dim}`);
      s[axis] = dim / n;
    } else s[axis] = '?';
    return { shape: s, dtype: inType(c) };
  });
}

function slice(c: ShapeContext): OutInfo[] {
  const x = inShape(c, 0);
  const starts = constInts(c, 1), ends = constInts(c, 2);
  if (!x || !starts || !ends) return [{ shape: null, dtype: inType(c) }];
  const axes = constInts(c, 3) ?? starts.map((_, i) => i);
  const steps = constInts(c, 4) ?? starts.map(() => 1);
  const out = [...x];
  axes.forEach((a0, k) => {
    const a = a0 < 0 ? a0 + x.length : a0;
    const d = x[a];
    if (!isNum(d)) { out[a] = '?'; return; }
    const step = steps[k];
    const clampIdx = (v: number, lo: number, hi: number) => Math.min(Math.max(v < 0 ? v + d : v, lo), hi);
    if (step > 0) {
      const s = clampIdx(starts[k], 0, d), e = clampIdx(ends[k], 0, d);
      out[a] = Math.max(0, Math.ceil((e - s) / step));
    } else {
      const s = clampIdx(starts[k], -1, d - 1), e = clampIdx(ends[k], -1, d - 1);
      out[a] = Math.max(0, Math.ceil((e - s) / step));
    }
  });
  return [{ shape: out, dtype: inType(c) }];
}

function resize(c: ShapeContext): OutInfo[] {
  const x = inShape(c, 0);
  if (!x) return [{ shape: null, dtype: inType(c) }];
  const sizes = constInts(c, 3);
  if (sizes && sizes.length) return [{ shape: sizes, dtype: inType(c) }];
  const scales = c.constant(2);
  if (scales && scales.size) {
    const s = scales.toArray();
    return [{ shape: x.map((d, i) => (isNum(d) ? Math.floor(d * s[i]) : d)), dtype: inType(c) }];
  }
  return [{ shape: null, dtype: inType(c) }];
}

function reduce(c: ShapeContext): OutInfo[] {
  const x = inShape(c, 0);
  if (!x) return [{ shape: null, dtype: inType(c) }];
  const axes = (ais(c, 'axes') ?? constInts(c, 1) ?? x.map((_, i) => i)).map((a) => (a < 0 ? a + x.length : a));
  const keep = ai(c, 'keepdims', 1) === 1;
  const out: Dim[] = [];
  x.forEach((d, i) => { if (axes.includes(i)) { if (keep) out.push(1); } else out.push(d); });
  return [{ shape: out, dtype: inType(c) }];
}

function squeezeLike(c: ShapeContext, un: boolean): OutInfo[] {
  const x = inShape(c, 0);
  if (!x) return [{ shape: null, dtype: inType(c) }];
  const axesRaw = constInts(c, 1) ?? ais(c, 'axes');
  if (un) {
    if (!axesRaw) return [{ shape: null, dtype: inType(c) }];
    const r = x.length + axesRaw.length;
    const axes = axesRaw.map((a) => (a < 0 ? a + r : a));
    const out: Dim[] = [];
    let j = 0;
    for (let i = 0; i < r; i++) out.push(axes.includes(i) ? 1 : x[j++]);
    return [{ shape: out, dtype: inType(c) }];
  }
  const axes = axesRaw ? axesRaw.map((a) => (a < 0 ? a + x.length : a)) : x.map((d, i) => (d === 1 ? i : -1)).filter((i) => i >= 0);
  return [{ shape: x.filter((_, i) => !axes.includes(i)), dtype: inType(c) }];
}

function pad(c: ShapeContext): OutInfo[] {
  const x = inShape(c, 0);
  const pads = constInts(c, 1) ?? ais(c, 'pads');
  if (!x || !pads) return [{ shape: null, dtype: inType(c) }];
  const r = x.length;
  return [{ shape: x.map((d, i) => (isNum(d) ? d + pads[i] + pads[i + r] : d)), dtype: inType(c) }];
}

function gather(c: ShapeContext): OutInfo[] {
  const x = inShape(c, 0), idx = inShape(c, 1);
  if (!x || !idx) return [{ shape: null, dtype: inType(c) }];
  const axis = normAxis(ai(c, 'axis', 0), x.length, c);
  return [{ shape: [...x.slice(0, axis), ...idx, ...x.slice(axis + 1)], dtype: inType(c) }];
}

function roi(c: ShapeContext): OutInfo[] {
  const x = inShape(c, 0), r = inShape(c, 1);
  const oh = c.op === 'MaxRoiPool' ? (ais(c, 'pooled_shape') ?? [1, 1])[0] : ai(c, 'output_height', 1);
  const ow = c.op === 'MaxRoiPool' ? (ais(c, 'pooled_shape') ?? [1, 1])[1] : ai(c, 'output_width', 1);
  return [{ shape: [r ? r[0] : '?', x ? x[1] : '?', oh, ow], dtype: inType(c) }];
}

function gridSample(c: ShapeContext): OutInfo[] {
  const x = inShape(c, 0), g = inShape(c, 1);
  if (!x || !g) return [{ shape: null, dtype: inType(c) }];
  return [{ shape: [x[0], x[1], g[1], g[2]], dtype: inType(c) }];
}

function constantOfShape(c: ShapeContext): OutInfo[] {
  const s = constInts(c, 0);
  const v = c.attrs.value;
  return [{ shape: s ?? null, dtype: v && v.type === 'tensor' ? v.value.dtype : 'float32' }];
}

const RULES: Record<string, Rule> = {
  Conv: conv,
  DeformConv: (c) => {
    const r = conv({ ...c, attrs: { ...c.attrs } });
    return r;
  },
  ConvTranspose: convTranspose,
  MaxPool: pool,
  AveragePool: pool,
  LpPool: pool,
  GlobalAveragePool: globalPool,
  GlobalMaxPool: globalPool,
  BatchNormalization: (c) => [{ shape: inShape(c, 0), dtype: inType(c) }],
  InstanceNormalization: same,
  LRN: same,
  Relu: same, Clip: same, LeakyRelu: same, Elu: same, Selu: same, Sigmoid: same, Tanh: same, HardSigmoid: same,
  HardSwish: same, Softplus: same, Softmax: same, LogSoftmax: same, Dropout: (c) => (c.nOutputs > 1 ? [same(c)[0], { shape: inShape(c, 0), dtype: 'bool' }] : same(c)),
  Identity: same, Neg: same, Abs: same, Exp: same, Log: same, Sqrt: same, Reciprocal: same, Erf: same, Floor: same, Ceil: same, Round: same, Not: same,
  Cast: (c) => {
    const to = ai(c, 'to', 1);
    const map: Record<number, DType> = { 1: 'float32', 11: 'float64', 7: 'int64', 6: 'int32', 2: 'uint8', 9: 'bool' };
    return [{ shape: inShape(c, 0), dtype: map[to] ?? 'float32' }];
  },
  Add: elementwise, Sub: elementwise, Mul: elementwise, Div: elementwise, Pow: elementwise, Max: elementwise, Min: elementwise,
  Sum: elementwise, Mean: elementwise, Where: (c) => { const r = elementwise(c); r[0].dtype = inType(c, 1); return r; },
  Equal: elementwise, Less: elementwise, Greater: elementwise, And: elementwise, Or: elementwise, PRelu: elementwise,
  LessOrEqual: elementwise, GreaterOrEqual: elementwise,
  Flatten: flatten,
  Gemm: gemm,
  MatMul: matmul,
  Concat: concat,
  Reshape: reshape,
  Transpose: transpose,
  Split: split,
  Slice: slice,
  Resize: resize,
  Upsample: (c) => {
    const x = inShape(c, 0), s = c.constant(1);
    if (!x || !s) return [{ shape: null, dtype: inType(c) }];
    const sc = s.toArray();
    return [{ shape: x.map((d, i) => (isNum(d) ? Math.floor(d * sc[i]) : d)), dtype: inType(c) }];
  },
  ReduceMean: reduce, ReduceMax: reduce, ReduceSum: reduce, ReduceMin: reduce, ReduceL2: reduce,
  Squeeze: (c) => squeezeLike(c, false),
  Unsqueeze: (c) => squeezeLike(c, true),
  Pad: pad,
  Gather: gather,
  Shape: (c) => [{ shape: [inShape(c, 0)?.length ?? '?'], dtype: 'int64' }],
  Size: () => [{ shape: [], dtype: 'int64' }],
  Constant: (c) => {
    const v = c.attrs.value;
    if (v && v.type === 'tensor') return [{ shape: [...v.value.dims], dtype: v.value.dtype }];
    if (c.attrs.value_float) return [{ shape: [], dtype: 'float32' }];
    if (c.attrs.value_int) return [{ shape: [], dtype: 'int64' }];
    if (c.attrs.value_ints) return [{ shape: [(ais(c, 'value_ints') ?? []).length], dtype: 'int64' }];
    return [{ shape: null, dtype: 'float32' }];
  },
  ConstantOfShape: constantOfShape,
  RoiAlign: roi,
  MaxRoiPool: roi,
  GridSample: gridSample,
};

/** Infers the output shapes and dtypes of one node; unknown ops give unknown shapes. */
export function inferShapes(c: ShapeContext): OutInfo[] {
  const rule = RULES[c.op];
  if (!rule) return Array.from({ length: c.nOutputs }, () => ({ shape: null, dtype: inType(c) }));
  return rule(c);
}
