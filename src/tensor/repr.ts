/**
 * Tensors printed as PyTorch prints them (torch/_tensor_str.py, default print options): elements
 * formatted by one formatter per tensor (integer mode, fixed with 4 decimals, or scientific),
 * rows wrapped at 80 columns, tensors of more than 1000 elements summarised with `...` and
 * 3 edge items, and a `dtype=torch.…` suffix when the dtype is not float32, int64 or bool.
 * Numbers are rounded as Python's `format` rounds them (correctly, ties to even).
 */
import type { DType, Tensor } from './tensor';

export interface PrintOptions {
  /** digits after the point (default 4) */
  precision: number;
  /** element count above which the tensor is summarised (default 1000) */
  threshold: number;
  /** items kept at each end of a summarised dimension (default 3) */
  edgeitems: number;
  /** line width (default 80) */
  linewidth: number;
}

export const DEFAULT_PRINT_OPTIONS: Readonly<PrintOptions> = Object.freeze({ precision: 4, threshold: 1000, edgeitems: 3, linewidth: 80 });

const TORCH_DTYPE: Record<DType, string> = {
  float32: 'torch.float32', float64: 'torch.float64', int64: 'torch.int64', int32: 'torch.int32', uint8: 'torch.uint8', bool: 'torch.bool',
};

/** The exact decimal digits of a finite |x|: integer part and fraction part (up to 100 digits, exact for ties). */
function exactDigits(x: number): { int: string; frac: string } {
  const a = Math.abs(x);
  if (a >= 1e21) return { int: BigInt(a).toString(), frac: '' };
  const s = a.toFixed(100);
  const dot = s.indexOf('.');
  return { int: s.slice(0, dot), frac: s.slice(dot + 1).replace(/0+$/, '') };
}

/** Rounds a digit string to `keep` digits, ties to even; returns the digits and whether it carried. */
function roundDigits(digits: string, keep: number): { out: string; carry: boolean } {
  if (digits.length <= keep) return { out: digits.padEnd(keep, '0'), carry: false };
  const head = digits.slice(0, keep);
  const next = digits.charCodeAt(keep) - 48;
  const restNonZero = /[1-9]/.test(digits.slice(keep + 1));
  const lastOdd = keep > 0 && (head.charCodeAt(keep - 1) - 48) % 2 === 1;
  const up = next > 5 || (next === 5 && (restNonZero || lastOdd));
  if (!up) return { out: head, carry: false };
  const d = head.split('').map(Number);
  let i = d.length - 1;
  while (i >= 0 && d[i] === 9) { d[i] = 0; i--; }
  if (i < 0) return { out: '1' + d.join(''), carry: true };
  d[i]++;
  return { out: d.join(''), carry: false };
}

function nonFinite(x: number): string | null {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  return null;
}

/** Python's `'{:.Nf}'.format(x)`. */
export function pyFixed(x: number, precision: number): string {
  const nf = nonFinite(x);
  if (nf) return nf;
  const { int, frac } = exactDigits(x);
  const { out } = roundDigits(int + frac, int.length + precision);
  const intLen = out.length - precision;
  const body = precision > 0 ? `${out.slice(0, intLen)}.${out.slice(intLen)}` : out;
  const neg = x < 0 || Object.is(x, -0);
  return (neg ? '-' : '') + body.replace(/^0+(?=\d)/, '');
}

/** Python's `'{:.Ne}'.format(x)` (two-digit exponent at least). */
export function pyExp(x: number, precision: number): string {
  const nf = nonFinite(x);
  if (nf) return nf;
  const neg = x < 0 || Object.is(x, -0);
  let mant: string, exp: number;
  if (x === 0) { mant = '0'.repeat(precision + 1); exp = 0; } else {
    const { int, frac } = exactDigits(x);
    const all = int + frac;
    const first = all.search(/[1-9]/);
    exp = int.length - 1 - first;
    const r = roundDigits(all.slice(first), precision + 1);
    mant = r.out.slice(0, precision + 1);
    if (r.carry) exp++;
  }
  const e = `${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  return `${neg ? '-' : ''}${mant[0]}${precision > 0 ? '.' + mant.slice(1) : ''}e${e}`;
}

type Cell = number | bigint;

/** torch's _Formatter: one width and mode for all elements shown. */
class Formatter {
  private intMode = true;
  private sciMode = false;
  private maxWidth = 1;
  constructor(private readonly floating: boolean, private readonly dtype: DType, values: Cell[], private readonly p: PrintOptions) {
    if (!floating) {
      for (const v of values) this.maxWidth = Math.max(this.maxWidth, this.plain(v).length);
      return;
    }
    const nz = (values as number[]).filter((v) => Number.isFinite(v) && v !== 0);
    if (!nz.length) return;
    const abs = nz.map(Math.abs);
    const min = Math.min(...abs), max = Math.max(...abs);
    this.intMode = nz.every((v) => v === Math.ceil(v));
    if (this.intMode) {
      if (max / min > 1000 || max > 1e8) {
        this.sciMode = true;
        for (const v of nz) this.maxWidth = Math.max(this.maxWidth, pyExp(v, p.precision).length);
      } else {
        for (const v of nz) this.maxWidth = Math.max(this.maxWidth, pyFixed(v, 0).length + 1);
      }
    } else if (max / min > 1000 || max > 1e8 || min < 1e-4) {
      this.sciMode = true;
      for (const v of nz) this.maxWidth = Math.max(this.maxWidth, pyExp(v, p.precision).length);
    } else {
      for (const v of nz) this.maxWidth = Math.max(this.maxWidth, pyFixed(v, p.precision).length);
    }
  }
  get width(): number { return this.maxWidth; }
  private plain(v: Cell): string {
    if (this.dtype === 'bool') return v ? 'True' : 'False';
    return String(v);
  }
  format(v: Cell): string {
    let s: string;
    if (!this.floating) s = this.plain(v);
    else {
      const x = v as number;
      if (this.sciMode) s = pyExp(x, this.p.precision);
      else if (this.intMode) { s = pyFixed(x, 0); if (Number.isFinite(x)) s += '.'; } else s = pyFixed(x, this.p.precision);
    }
    return s.padStart(this.maxWidth, ' ');
  }
}

/** A view of the tensor's data as a nested index space (no copies). */
interface View { dims: readonly number[]; offset: number; strides: readonly number[]; data: ArrayLike<Cell> }

function sub(v: View, i: number): View {
  return { dims: v.dims.slice(1), strides: v.strides.slice(1), offset: v.offset + i * v.strides[0], data: v.data };
}

function edgeIndices(n: number, summarize: boolean, edge: number): (number | null)[] {
  if (!summarize || n <= 2 * edge) return [...Array(n).keys()];
  return [...Array(edge).keys(), null, ...Array.from({ length: edge }, (_, k) => n - edge + k)];
}

/** The values torch's formatter sees: the edge items of every dimension when summarised. */
function shownValues(v: View, summarize: boolean, edge: number, out: Cell[]): void {
  if (v.dims.length === 0) { out.push(v.data[v.offset]); return; }
  for (const i of edgeIndices(v.dims[0], summarize, edge)) if (i !== null) shownValues(sub(v, i), summarize, edge, out);
}

function tensorStr(v: View, indent: number, summarize: boolean, f: Formatter, p: PrintOptions): string {
  const dim = v.dims.length;
  if (dim === 0) return f.format(v.data[v.offset]);
  const idx = edgeIndices(v.dims[0], summarize, p.edgeitems);
  if (dim === 1) {
    const perLine = Math.max(1, Math.floor((p.linewidth - indent) / (f.width + 2)));
    const items = idx.map((i) => (i === null ? ' ...' : f.format(v.data[v.offset + i * v.strides[0]])));
    const lines: string[] = [];
    for (let i = 0; i < items.length; i += perLine) lines.push(items.slice(i, i + perLine).join(', '));
    return '[' + lines.join(',\n' + ' '.repeat(indent + 1)) + ']';
  }
  const slices = idx.map((i) => (i === null ? '...' : tensorStr(sub(v, i), indent + 1, summarize, f, p)));
  return '[' + slices.join(',' + '\n'.repeat(dim - 1) + ' '.repeat(indent + 1)) + ']';
}

function addSuffixes(body: string, suffixes: string[], indent: number, linewidth: number): string {
  const parts = [body];
  let last = body.length - body.lastIndexOf('\n') + 1;
  for (const s of suffixes) {
    if (last + s.length + 2 > linewidth) { parts.push(',\n' + ' '.repeat(indent) + s); last = indent + s.length; } else { parts.push(', ' + s); last += s.length + 2; }
  }
  return parts.join('') + ')';
}

function pyTuple(dims: readonly number[]): string {
  return dims.length === 1 ? `(${dims[0]},)` : `(${dims.join(', ')})`;
}

export interface ReprOptions extends Partial<PrintOptions> {
  /** append `size=(…)` when the tensor is summarised, so its shape shows (default false: exactly torch) */
  sizeWhenSummarized?: boolean;
}

/** `repr(torch.tensor(...))` of this tensor. */
export function tensorRepr(t: Tensor, opts: ReprOptions = {}): string {
  const p: PrintOptions = { ...DEFAULT_PRINT_OPTIONS, ...Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined)) } as PrintOptions;
  const prefix = 'tensor(';
  const indent = prefix.length;
  const suffixes: string[] = [];
  const defaultDtype = t.dtype === 'float32' || t.dtype === 'int64' || t.dtype === 'bool';
  let body: string;
  if (t.size === 0) {
    if (t.dims.length !== 1) suffixes.push(`size=${pyTuple(t.dims)}`);
    if (t.dtype !== 'float32') suffixes.push(`dtype=${TORCH_DTYPE[t.dtype]}`);
    body = '[]';
  } else {
    if (!defaultDtype) suffixes.push(`dtype=${TORCH_DTYPE[t.dtype]}`);
    const summarize = t.size > p.threshold;
    const strides: number[] = [];
    let acc = 1;
    for (let i = t.dims.length - 1; i >= 0; i--) { strides[i] = acc; acc *= t.dims[i]; }
    const view: View = { dims: t.dims, strides, offset: 0, data: t.data as ArrayLike<Cell> };
    const shown: Cell[] = [];
    shownValues(view, summarize, p.edgeitems, shown);
    const floating = t.dtype === 'float32' || t.dtype === 'float64';
    const f = new Formatter(floating, t.dtype, shown, p);
    body = tensorStr(view, indent, summarize, f, p);
    if (summarize && opts.sizeWhenSummarized) suffixes.push(`size=${pyTuple(t.dims)}`);
  }
  return addSuffixes(prefix + body, suffixes, indent, p.linewidth);
}
