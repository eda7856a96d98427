/** Paths of data series for the PNG charts: d3-shape lines, with points closer than a pixel merged. */
import { line, curveLinear, curveStepBefore, curveStepAfter, type CurveFactory } from 'd3-shape';
import type { Scale } from './chart';

export type Curve = 'linear' | 'step-before' | 'step-after';
const CURVES: Record<Curve, CurveFactory> = { linear: curveLinear, 'step-before': curveStepBefore, 'step-after': curveStepAfter };

/**
 * The `d` of a line through (xs[i], ys[i]) in pixel space. Non-finite points break the line. Runs of points
 * that fall on the same pixel column are thinned to their first, minimum, maximum and last point (the drawn
 * line is the same; a detector's 10⁴-point PR curve stays a small path).
 */
export function linePath(xs: ArrayLike<number>, ys: ArrayLike<number>, sx: Scale, sy: Scale, curve: Curve = 'linear'): string {
  const pts: [number, number][] = [];
  let col = NaN;
  let run: [number, number][] = [];
  const flush = () => {
    if (!run.length) return;
    if (run.length <= 4 || curve !== 'linear') { pts.push(...run); run = []; return; }
    let lo = run[0], hi = run[0];
    for (const p of run) { if (p[1] < lo[1]) lo = p; if (p[1] > hi[1]) hi = p; }
    const keep = [run[0], lo, hi, run[run.length - 1]];
    for (let i = 0; i < keep.length; i++) if (i === 0 || keep[i] !== keep[i - 1]) pts.push(keep[i]);
    run = [];
  };
  const n = Math.min(xs.length, ys.length);
  for (let i = 0; i < n; i++) {
    const x = sx(xs[i]), y = sy(ys[i]);
    if (!Number.isFinite(x) || !Number.isFinite(y)) { flush(); pts.push([NaN, NaN]); col = NaN; continue; }
    const c = Math.round(x);
    if (c !== col) { flush(); col = c; }
    run.push([x, y]);
  }
  flush();
  const gen = line<[number, number]>().defined((p) => Number.isFinite(p[0])).curve(CURVES[curve]).digits(1);
  return gen(pts) ?? '';
}
