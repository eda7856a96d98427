/**
 * Floating-point helpers that reproduce numpy's arithmetic exactly, so that cnnlab's COCO/VOC
 * numbers are bit-identical to pycocotools' and the Python VOC evaluators'.
 */

/**
 * numpy's pairwise summation of float64 (`np.add.reduce` on a contiguous array):
 * blocks of < 8 summed in order, blocks ≤ 128 with 8 interleaved accumulators, larger ones
 * split in two halves (first half a multiple of 8). The reduction starts from 0 (identity).
 */
export function pairwiseSum(a: ArrayLike<number>, start = 0, n = a.length - start): number {
  return 0 + pw(a, start, n);
}

function pw(a: ArrayLike<number>, s: number, n: number): number {
  if (n < 8) {
    let r = 0;
    for (let i = 0; i < n; i++) r += a[s + i];
    return r;
  }
  if (n <= 128) {
    let r0 = a[s], r1 = a[s + 1], r2 = a[s + 2], r3 = a[s + 3];
    let r4 = a[s + 4], r5 = a[s + 5], r6 = a[s + 6], r7 = a[s + 7];
    let i = 8;
    const lim = n - (n % 8);
    for (; i < lim; i += 8) {
      r0 += a[s + i]; r1 += a[s + i + 1]; r2 += a[s + i + 2]; r3 += a[s + i + 3];
      r4 += a[s + i + 4]; r5 += a[s + i + 5]; r6 += a[s + i + 6]; r7 += a[s + i + 7];
    }
    let res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7));
    for (; i < n; i++) res += a[s + i];
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return pw(a, s, n2) + pw(a, s + n2, n - n2);
}

/** `np.mean` of a float64 vector: pairwise sum divided by the count (NaN when empty). */
export function npMean(a: ArrayLike<number>): number {
  return pairwiseSum(a) / a.length;
}

/** `np.linspace(start, stop, num)` (endpoint=True): `i * ((stop - start) / (num - 1)) + start`, last = stop. */
export function linspace(start: number, stop: number, num: number): number[] {
  const out: number[] = [];
  if (num <= 0) return out;
  if (num === 1) return [start];
  const step = (stop - start) / (num - 1);
  for (let i = 0; i < num; i++) out.push(i * step + start);
  out[num - 1] = stop;
  return out;
}

/** `np.arange(start, stop, step)` for floats: `start + i * step` while below stop (numpy's length rule). */
export function arange(start: number, stop: number, step: number): number[] {
  const n = Math.ceil((stop - start) / step);
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(start + i * step);
  return out;
}

/** Machine epsilon of float64 (`np.spacing(1)`, `np.finfo(np.float64).eps`). */
export const EPS = 2.220446049250313e-16;
