import { inspect } from 'util';
import { CnnlabError, ShapeError, fmtShape } from '../errors';
import { tensorRepr } from './repr';
import { Rng } from './random';
import { flattenNested, type NestedArray, type Scalar } from './nested';

export type DType = 'float32' | 'float64' | 'int64' | 'int32' | 'uint8' | 'bool';
export const DTYPES: readonly DType[] = ['float32', 'float64', 'int64', 'int32', 'uint8', 'bool'];

export interface DataTypeMap {
  float32: Float32Array;
  float64: Float64Array;
  int64: BigInt64Array;
  int32: Int32Array;
  uint8: Uint8Array;
  bool: Uint8Array;
}
export type TypedArray = DataTypeMap[DType];

export const BYTES_PER_ELEMENT: Record<DType, number> = {
  float32: 4, float64: 8, int64: 8, int32: 4, uint8: 1, bool: 1,
};

export function isDType(s: unknown): s is DType {
  return typeof s === 'string' && (DTYPES as readonly string[]).includes(s);
}

/** Allocates a zeroed typed array of the dtype's class. */
export function allocData<D extends DType>(dtype: D, size: number): DataTypeMap[D] {
  switch (dtype) {
    case 'float32': return new Float32Array(size) as DataTypeMap[D];
    case 'float64': return new Float64Array(size) as DataTypeMap[D];
    case 'int64': return new BigInt64Array(size) as DataTypeMap[D];
    case 'int32': return new Int32Array(size) as DataTypeMap[D];
    default: return new Uint8Array(size) as DataTypeMap[D];
  }
}

/** Views little-endian bytes as the dtype's typed array (copies when unaligned). */
export function dataFromBytes<D extends DType>(dtype: D, bytes: Uint8Array): DataTypeMap[D] {
  const bpe = BYTES_PER_ELEMENT[dtype];
  if (bytes.byteLength % bpe !== 0) {
    throw new CnnlabError('byte length is not a multiple of the element size', {
      expected: `a multiple of ${bpe} for ${dtype}`, got: `${bytes.byteLength} bytes`,
    });
  }
  let src = bytes;
  if (bytes.byteOffset % bpe !== 0) { src = new Uint8Array(bytes.byteLength); src.set(bytes); } // Buffer.slice is a view: copy explicitly
  const n = bytes.byteLength / bpe;
  switch (dtype) {
    case 'float32': return new Float32Array(src.buffer, src.byteOffset, n) as DataTypeMap[D];
    case 'float64': return new Float64Array(src.buffer, src.byteOffset, n) as DataTypeMap[D];
    case 'int64': return new BigInt64Array(src.buffer, src.byteOffset, n) as DataTypeMap[D];
    case 'int32': return new Int32Array(src.buffer, src.byteOffset, n) as DataTypeMap[D];
    default: return new Uint8Array(src.buffer, src.byteOffset, n) as DataTypeMap[D];
  }
}

/** Product of dims; throws on negative, fractional or unsafe sizes. */
export function shapeSize(dims: readonly number[], where?: string): number {
  let n = 1;
  for (const d of dims) {
    if (!Number.isInteger(d) || d < 0) {
      throw new ShapeError('invalid dimension', { expected: 'non-negative integers', got: fmtShape(dims), where });
    }
    n *= d;
    if (n > Number.MAX_SAFE_INTEGER) throw new ShapeError('tensor too large', { got: fmtShape(dims), where });
  }
  return n;
}

/** Row-major strides in elements. */
export function stridesOf(dims: readonly number[]): number[] {
  const s = new Array<number>(dims.length);
  let acc = 1;
  for (let i = dims.length - 1; i >= 0; i--) { s[i] = acc; acc *= dims[i]; }
  return s;
}

/**
 * An n-dimensional array: dtype, dims (shape) and a typed array in C order.
 * The constructor takes onnxruntime's argument order: `new Tensor('float32', data, [1, 3, 224, 224])`.
 * int64 data is a BigInt64Array; bool data is a Uint8Array of 0/1.
 */
export class Tensor<D extends DType = DType> {
  readonly dtype: D;
  readonly data: DataTypeMap[D];
  readonly dims: readonly number[];

  constructor(dtype: D, data: DataTypeMap[D] | readonly number[] | readonly bigint[], dims?: readonly number[]) {
    if (!isDType(dtype)) throw new CnnlabError('unknown dtype', { expected: DTYPES.join(' | '), got: String(dtype) });
    let arr: DataTypeMap[D];
    if (Array.isArray(data)) {
      arr = allocData(dtype, data.length);
      if (dtype === 'int64') {
        for (let i = 0; i < data.length; i++) (arr as BigInt64Array)[i] = BigInt(data[i] as number | bigint);
      } else {
        for (let i = 0; i < data.length; i++) (arr as Float64Array)[i] = Number(data[i]);
      }
    } else {
      arr = data as DataTypeMap[D];
      const ok = dtype === 'float32' ? arr instanceof Float32Array
        : dtype === 'float64' ? arr instanceof Float64Array
        : dtype === 'int64' ? arr instanceof BigInt64Array
        : dtype === 'int32' ? arr instanceof Int32Array
        : arr instanceof Uint8Array;
      if (!ok) throw new CnnlabError('data does not match dtype', { expected: `typed array for ${dtype}`, got: (data as object)?.constructor?.name ?? typeof data });
    }
    const d = dims ? [...dims] : [arr.length];
    const n = shapeSize(d);
    if (n !== arr.length) {
      throw new ShapeError('data length does not match shape', { expected: `${n} elements for ${fmtShape(d)}`, got: `${arr.length}` });
    }
    this.dtype = dtype;
    this.data = arr;
    this.dims = Object.freeze(d);
  }

  /** Alias of dims (PyTorch's name). */
  get shape(): readonly number[] { return this.dims; }
  get size(): number { return this.data.length; }
  get ndim(): number { return this.dims.length; }

  /** Zeros: `Tensor.zeros([2, 3])` (float32), `Tensor.zeros([2, 3], 'int64')`, or `Tensor.zeros('int64', [2, 3])`. */
  static zeros(dims: readonly number[]): Tensor<'float32'>;
  static zeros<D extends DType>(dims: readonly number[], dtype: D): Tensor<D>;
  static zeros<D extends DType>(dtype: D, dims: readonly number[]): Tensor<D>;
  static zeros(a: DType | readonly number[], b?: DType | readonly number[]): Tensor {
    const [dims, dtype] = typeof a === 'string' ? [b as readonly number[], a] : [a, (b as DType | undefined) ?? 'float32'];
    return new Tensor(dtype, allocData(dtype, shapeSize(dims, 'Tensor.zeros')), dims);
  }

  /** Ones: `Tensor.ones([2, 3])` (float32) or `Tensor.ones([2, 3], 'int64')`. */
  static ones(dims: readonly number[]): Tensor<'float32'>;
  static ones<D extends DType>(dims: readonly number[], dtype: D): Tensor<D>;
  static ones(dims: readonly number[], dtype: DType = 'float32'): Tensor {
    return Tensor.full(dims, 1, dtype);
  }

  /** Every element `value`: `Tensor.full([2, 2], 0.5)`. */
  static full(dims: readonly number[], value: number): Tensor<'float32'>;
  static full<D extends DType>(dims: readonly number[], value: number, dtype: D): Tensor<D>;
  static full(dims: readonly number[], value: number, dtype: DType = 'float32'): Tensor {
    const t = Tensor.zeros(dims, dtype);
    if (dtype === 'int64') (t.data as BigInt64Array).fill(BigInt(Math.trunc(value)));
    else (t.data as Float64Array).fill(dtype === 'bool' ? (value ? 1 : 0) : value);
    return t;
  }

  private static rng = new Rng(0);
  /** Seeds the generator of `randn`/`rand` that have no `seed` option (torch.manual_seed); it starts at 0. */
  static manualSeed(seed: number): void { Tensor.rng = new Rng(seed); }

  /**
   * Standard normal samples (float32): `Tensor.randn([1, 3, 224, 224])`; reproducible: `{ seed: 7 }`
   * gives the same tensor each time, and without it the shared generator (see `manualSeed`) is used.
   */
  static randn(dims: readonly number[], opts: { seed?: number; mean?: number; std?: number } = {}): Tensor<'float32'> {
    const t = Tensor.zeros(dims);
    (opts.seed === undefined ? Tensor.rng : new Rng(opts.seed)).fillNormal(t.data, opts.mean ?? 0, opts.std ?? 1);
    return t;
  }

  /** Uniform samples in [low, high) (default [0, 1)), float32; `{ seed }` as for randn. */
  static rand(dims: readonly number[], opts: { seed?: number; low?: number; high?: number } = {}): Tensor<'float32'> {
    const t = Tensor.zeros(dims);
    (opts.seed === undefined ? Tensor.rng : new Rng(opts.seed)).fillUniform(t.data, opts.low ?? 0, opts.high ?? 1);
    return t;
  }

  /**
   * `Tensor.arange(5)` → [0, 1, 2, 3, 4]; `arange(start, end, step)` as torch.arange. float32 unless a dtype
   * is given (torch picks int64 for integer arguments; here name it: `arange(5, { dtype: 'int64' })`).
   */
  static arange(end: number): Tensor<'float32'>;
  static arange<D extends DType = 'float32'>(end: number, opts: { dtype: D }): Tensor<D>;
  static arange(start: number, end: number, step?: number): Tensor<'float32'>;
  static arange<D extends DType = 'float32'>(start: number, end: number, step: number, opts: { dtype: D }): Tensor<D>;
  static arange(a: number, b?: number | { dtype: DType }, c?: number, d?: { dtype: DType }): Tensor {
    const [start, end, step, dtype] = typeof b === 'number' ? [a, b, c ?? 1, d?.dtype ?? 'float32'] : [0, a, 1, b?.dtype ?? 'float32'];
    if (![start, end, step].every(Number.isFinite) || step === 0) {
      throw new CnnlabError('arange needs finite start, end and a non-zero step', { got: `start ${start}, end ${end}, step ${step}`, where: 'Tensor.arange' });
    }
    const n = Math.max(0, Math.ceil((end - start) / step));
    const values = Array.from({ length: n }, (_, i) => start + i * step);
    return new Tensor(dtype, dtype === 'int64' ? values.map((v) => BigInt(Math.trunc(v))) : values, [n]);
  }

  /**
   * From nested arrays, as torch.tensor(list): `Tensor.from([[1, 2], [3, 4]])` is float32 [2, 2];
   * bigints make int64, booleans bool; a dtype may be named. Ragged arrays are a ShapeError.
   */
  static from(data: NestedArray<number>): Tensor<'float32'>;
  static from(data: NestedArray<bigint>): Tensor<'int64'>;
  static from(data: NestedArray<boolean>): Tensor<'bool'>;
  static from<D extends DType>(data: NestedArray<number | bigint | boolean>, dtype: D): Tensor<D>;
  static from(data: NestedArray<Scalar>, dtype?: DType): Tensor {
    const { dims, values } = flattenNested(data);
    const kind = values.length ? typeof values[0] : 'number';
    const dt: DType = dtype ?? (kind === 'bigint' ? 'int64' : kind === 'boolean' ? 'bool' : 'float32');
    const nums = dt === 'int64' ? values.map((v) => (typeof v === 'bigint' ? v : BigInt(Math.trunc(Number(v))))) : values.map(Number);
    return new Tensor(dt, nums as number[] | bigint[], dims);
  }
  static fromArray(data: readonly number[], dims?: readonly number[]): Tensor<'float32'> {
    return new Tensor('float32', Float32Array.from(data), dims ?? [data.length]);
  }

  /** Same data, new shape (one -1 allowed). */
  reshape(dims: readonly number[]): Tensor<D> {
    const d = [...dims];
    const neg = d.indexOf(-1);
    if (neg >= 0) {
      const rest = d.reduce((a, b, i) => (i === neg ? a : a * b), 1);
      d[neg] = rest === 0 ? 0 : this.size / rest;
    }
    if (shapeSize(d) !== this.size) {
      throw new ShapeError('cannot reshape', { expected: `${this.size} elements`, got: `${fmtShape(dims)}` });
    }
    return new Tensor(this.dtype, this.data, d);
  }

  /** Element at a multi-index, as a number (int64 converted). */
  get(...index: number[]): number {
    if (index.length !== this.dims.length) throw new ShapeError('wrong number of indices', { expected: `${this.dims.length}`, got: `${index.length}` });
    let off = 0;
    for (let i = 0; i < index.length; i++) {
      if (index[i] < 0 || index[i] >= this.dims[i]) throw new ShapeError('index out of range', { expected: `< ${this.dims[i]} on axis ${i}`, got: `${index[i]}` });
      off = off * this.dims[i] + index[i];
    }
    return Number(this.data[off]);
  }

  /** Converts to another dtype (copy). */
  to<E extends DType>(dtype: E): Tensor<E> {
    const out = allocData(dtype, this.size);
    const src = this.data;
    if (dtype === 'int64') for (let i = 0; i < src.length; i++) (out as BigInt64Array)[i] = BigInt(Math.trunc(Number(src[i])));
    else if (dtype === 'bool') for (let i = 0; i < src.length; i++) (out as Uint8Array)[i] = Number(src[i]) ? 1 : 0;
    else for (let i = 0; i < src.length; i++) (out as Float64Array)[i] = Number(src[i]);
    return new Tensor(dtype, out, this.dims);
  }

  /** The data as plain numbers. */
  toArray(): number[] {
    return Array.from(this.data as ArrayLike<number | bigint>, Number);
  }

  /** Little-endian bytes of the data (a view, no copy). */
  bytes(): Uint8Array {
    return new Uint8Array(this.data.buffer, this.data.byteOffset, this.data.byteLength);
  }

  /** As PyTorch prints it: `tensor([[ 0.1234, -1.5000]])`, with `dtype=torch.int32` when not float32/int64/bool. */
  toString(): string {
    return tensorRepr(this);
  }

  /** The notebook/REPL form: torch's repr, plus `size=(…)` when summarised with `...`. */
  [inspect.custom](): string {
    return tensorRepr(this, { sizeWhenSummarized: true });
  }
}
