/**
 * Option checks shared by the layers: each failure is a ConfigError saying which option of which
 * layer (its constructor call, or the module path at trace time), what came and what was expected.
 */
import { ConfigError, ShapeError, fmtShape } from '../../errors';
import { Pair, pair } from '../functional';
import { SymTensor } from '../trace';

/** Where a traced tensor is: the module path of the running forward. */
export function whereOf(x: SymTensor): string {
  return x.tracer.path || '<root>';
}

/** Each of a number or pair is an integer ≥ min (1 for sizes, 0 for paddings). */
export function checkIntPair(v: Pair, name: string, where: string, min = 1): [number, number] {
  const ok = typeof v === 'number' || (Array.isArray(v) && v.length === 2);
  const p = ok ? pair(v) : [NaN, NaN] as [number, number];
  if (!ok || p.some((d) => !Number.isInteger(d) || d < min)) {
    throw new ConfigError(`${name} must be ${min === 0 ? 'non-negative' : 'positive'} integers`, {
      expected: `an integer ≥ ${min} or a pair of them`, got: JSON.stringify(v), where,
    });
  }
  return p;
}

/** One of the allowed strings. */
export function checkChoice<T extends string>(v: unknown, name: string, allowed: readonly T[], where: string): T {
  if (typeof v !== 'string' || !allowed.includes(v as T)) {
    throw new ConfigError(`unknown ${name}`, { expected: `one of ${allowed.map((a) => `'${a}'`).join(', ')}`, got: JSON.stringify(v), where });
  }
  return v as T;
}

/** A finite number in [lo, hi]. */
export function checkRange(v: number, name: string, lo: number, hi: number, where: string): void {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < lo || v > hi) {
    throw new ConfigError(`${name} out of range`, { expected: `a number in [${lo}, ${hi}]`, got: String(v), where });
  }
}

/** Input is NCHW with (optionally) the given channel count. */
export function checkNCHW(x: SymTensor, layer: string, channels?: number): void {
  if (x.ndim !== 4) {
    throw new ShapeError(`${layer} expects NCHW input (rank 4)`, { expected: `[N, ${channels ?? 'C'}, H, W]`, got: fmtShape(x.shape), where: whereOf(x) });
  }
  if (channels !== undefined && x.shape[1] !== channels) {
    throw new ShapeError(`${layer}: input has ${x.shape[1]} channels`, { expected: `[N, ${channels}, H, W]`, got: fmtShape(x.shape), where: whereOf(x) });
  }
}

/** A dimension index valid for a tensor of rank `ndim` (torch's dim wrapping), normalised to ≥ 0. */
export function checkDim(dim: number, ndim: number, name: string, where: string): number {
  if (!Number.isInteger(dim) || dim < -ndim || dim >= ndim) {
    throw new ShapeError(`${name} out of range`, { expected: `an integer in [${-ndim}, ${ndim - 1}] for a rank-${ndim} input`, got: String(dim), where });
  }
  return dim < 0 ? dim + ndim : dim;
}

/** A number as Python's repr prints a float (1.0, 0.0001, 1e-05), for torch-style reprs. */
export function pyFloat(v: number): string {
  if (!Number.isFinite(v)) return Number.isNaN(v) ? 'nan' : v > 0 ? 'inf' : '-inf';
  if (Number.isInteger(v) && Math.abs(v) < 1e16) return `${v}.0`;
  const a = Math.abs(v);
  if (a < 1e-4 || a >= 1e16) return v.toExponential().replace(/e([+-])(\d)$/, 'e$10$2');
  return String(v);
}

/** A size argument as torch prints it: a number as given, a pair as a tuple. */
export function pyPair(v: number | readonly number[]): string {
  return typeof v === 'number' ? String(v) : `(${v.join(', ')})`;
}
