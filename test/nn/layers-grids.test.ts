/**
 * Exhaustive small grids against PyTorch (test/fixtures/nn/grids.json, from test/fixtures/gen_layers.py):
 * pooling with and without ceil_mode for every kernel 1–4, stride 1–3, padding ≤ k/2, dilation 1–2 (max),
 * count_include_pad (avg) on inputs of height 1–9 — including the rule that the last window must start
 * inside the input or the left padding — and resizing every height 1–7 to every size 1–9 and by scale
 * factors (nearest, nearest-exact, bilinear with and without align_corners). Shapes are checked at trace
 * time and the values from ONNX Runtime; the points of one input height share one graph.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nn, Session, Tensor } from '../../src';

/** `out` holds numbers, or '-inf' where a dilated max window sees only padding (PyTorch gives −∞). */
interface PoolPoint { mode: 'max' | 'avg'; H: number; k: number; s: number; p: number; d: number; ceil: boolean; cip: boolean | null; out: (number | string)[] }
interface ResizePoint { H: number; size?: number; scale?: number; mode: nn.UpsampleMode; ac: boolean | null; out: number[] }

const grids = JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'nn', 'grids.json'), 'utf8')) as { pools: PoolPoint[]; resizes: ResizePoint[] };

/** The generator's input: x_i = ((7·i) mod 11 − 5) / 4, as [1, 1, H, 1]. */
function ramp(h: number): Tensor<'float32'> {
  return new Tensor('float32', Float32Array.from({ length: h }, (_, i) => (((7 * i) % 11) - 5) / 4), [1, 1, h, 1]);
}

/** Several layers applied to the same input, one graph output each. */
class Fan extends nn.Module {
  constructor(layers: nn.Module[]) {
    super();
    layers.forEach((m, i) => { (this as unknown as Record<string, nn.Module>)[`l${i}`] = m; });
  }
  forward(x: nn.SymTensor): Record<string, nn.SymTensor> {
    return Object.fromEntries(this.namedChildren().map(([k, m]) => [k, m.call(x) as nn.SymTensor]));
  }
}

async function check<P extends { H: number; out: (number | string)[] }>(points: P[], build: (p: P) => nn.Module, label: (p: P) => string): Promise<number> {
  const byH = new Map<number, P[]>();
  for (const p of points) byH.set(p.H, [...(byH.get(p.H) ?? []), p]);
  let worst = 0;
  for (const [h, ps] of byH) {
    const fan = new Fan(ps.map(build));
    const g = fan.trace([1, 1, h, 1]);
    ps.forEach((p, i) => expect(g.values.get(`l${i}`)?.shape, label(p)).toEqual([1, 1, p.out.length, 1]));
    const s = await Session.create(g, { device: 'cpu' });
    const out = await s.run({ input: ramp(h) });
    await s.release();
    ps.forEach((p, i) => {
      const y = out[`l${i}`];
      expect(y.dims, label(p)).toEqual([1, 1, p.out.length, 1]);
      const d = Math.max(...Array.from(y.data as Float32Array, (v, j) => {
        const r = p.out[j];
        return typeof r === 'string' ? (v === Number(r.replace('inf', 'Infinity')) ? 0 : Infinity) : Math.abs(v - r);
      }));
      worst = Math.max(worst, d);
      expect(d, label(p)).toBeLessThanOrEqual(1e-5);
    });
  }
  return worst;
}

describe('pooling grid against PyTorch', () => {
  it('has points for ceil mode where the last window would start in the right padding', () => {
    const dropped = grids.pools.filter((p) => p.ceil && (Math.ceil((p.H + 2 * p.p - p.d * (p.k - 1) - 1) / p.s) + 1) !== p.out.length);
    expect(dropped.length).toBeGreaterThan(10);
    expect(grids.pools.length).toBeGreaterThan(1000);
  });
  const pool = (p: PoolPoint) => (p.mode === 'max'
    ? new nn.MaxPool2d([p.k, 1], { stride: [p.s, 1], padding: [p.p, 0], dilation: [p.d, 1], ceilMode: p.ceil })
    : new nn.AvgPool2d([p.k, 1], { stride: [p.s, 1], padding: [p.p, 0], ceilMode: p.ceil, countIncludePad: p.cip ?? true }));
  /** PyTorch accepts a window larger than the padded input in ceil mode (stride > 1); cnnlab refuses it. */
  const oversized = (p: PoolPoint) => p.H + 2 * p.p < p.d * (p.k - 1) + 1;
  for (const mode of ['max', 'avg'] as const) {
    it(`${mode} pool: every point`, async () => {
      const pts = grids.pools.filter((p) => p.mode === mode && !oversized(p));
      expect(pts.length).toBeGreaterThan(500);
      await check(pts, pool, (p) => JSON.stringify({ ...p, out: undefined }));
    }, 60_000);
  }
  it('a window larger than the padded input fails at trace time (PyTorch pads on in ceil mode)', () => {
    const pts = grids.pools.filter(oversized);
    expect(pts.length).toBeGreaterThan(0);
    for (const p of pts) {
      expect(() => pool(p).trace([1, 1, p.H, 1]), JSON.stringify(p)).toThrow(/kernel larger than the padded input/);
    }
  });
});

describe('resize grid against PyTorch', () => {
  for (const mode of ['nearest', 'nearest-exact', 'bilinear'] as const) {
    it(`${mode}: every size and scale factor`, async () => {
      const pts = grids.resizes.filter((p) => p.mode === mode);
      expect(pts.length).toBeGreaterThan(100);
      await check(pts, (p) => new nn.Upsample({
        size: p.size !== undefined ? [p.size, 1] : undefined, scaleFactor: p.scale !== undefined ? [p.scale, 1] : undefined,
        mode: p.mode, alignCorners: p.ac ?? undefined,
      }), (p) => JSON.stringify({ ...p, out: undefined }));
    }, 60_000);
  }
});
