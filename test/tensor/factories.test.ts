import { describe, expect, it } from 'vitest';
import { Tensor } from '../../src/tensor/tensor';
import { Rng } from '../../src/tensor/random';
import { ShapeError } from '../../src/errors';

describe('Tensor factories', () => {
  it('zeros, ones, full: shape and dtype (both argument orders of zeros)', () => {
    expect(Tensor.zeros([2, 3]).dtype).toBe('float32');
    expect(Array.from(Tensor.zeros([2, 3]).data)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(Tensor.zeros('int64', [2]).data).toBeInstanceOf(BigInt64Array);
    expect(Tensor.zeros([2], 'int32').data).toBeInstanceOf(Int32Array);
    const o = Tensor.ones([2, 2]);
    expect([o.dims, Array.from(o.data)]).toEqual([[2, 2], [1, 1, 1, 1]]);
    expect(Array.from(Tensor.ones([3], 'int64').data)).toEqual([1n, 1n, 1n]);
    expect(Array.from(Tensor.full([2], 0.5).data)).toEqual([0.5, 0.5]);
  });

  it('arange as torch.arange (values from start by step, end excluded)', () => {
    expect(Array.from(Tensor.arange(5).data)).toEqual([0, 1, 2, 3, 4]);
    expect(Array.from(Tensor.arange(1, 2, 0.25).data)).toEqual([1, 1.25, 1.5, 1.75]);
    expect(Array.from(Tensor.arange(5, 0, -2).data)).toEqual([5, 3, 1]);
    expect(Array.from(Tensor.arange(3, { dtype: 'int64' }).data)).toEqual([0n, 1n, 2n]);
    expect(Tensor.arange(3, 3).dims).toEqual([0]);
    expect(() => Tensor.arange(0, 1, 0)).toThrow(/non-zero step/);
  });

  it('from(nested arrays) as torch.tensor(list); ragged input names where', () => {
    const t = Tensor.from([[1, 2, 3], [4, 5, 6]]);
    expect([t.dtype, t.dims, Array.from(t.data)]).toEqual(['float32', [2, 3], [1, 2, 3, 4, 5, 6]]);
    expect(Tensor.from([[1n], [2n]]).dtype).toBe('int64');
    expect(Tensor.from([true, false]).dtype).toBe('bool');
    expect(Tensor.from(2.5).dims).toEqual([]);
    expect(Tensor.from([[1, 2], [3, 4]], 'int64').data).toEqual(new BigInt64Array([1n, 2n, 3n, 4n]));
    expect(String(Tensor.from([[1, 2], [3, 4]]))).toBe('tensor([[1., 2.],\n        [3., 4.]])');
    expect(() => Tensor.from([[1, 2], [3]])).toThrow(ShapeError);
    expect(() => Tensor.from([[1, 2], [3]])).toThrow(/data\[1\]/);
  });

  it('randn and rand are seeded: the same seed gives the same tensor; manualSeed resets the shared generator', () => {
    const a = Tensor.randn([2, 3, 4], { seed: 7 }), b = Tensor.randn([2, 3, 4], { seed: 7 });
    expect(a.data).toEqual(b.data);
    const ref = new Float32Array(24);
    new Rng(7).fillNormal(ref);
    expect(a.data).toEqual(ref);
    expect(Tensor.randn([24], { seed: 8 }).data).not.toEqual(a.data);
    Tensor.manualSeed(3);
    const c = Tensor.randn([10]);
    const d = Tensor.randn([10]);
    expect(c.data).not.toEqual(d.data);
    Tensor.manualSeed(3);
    expect(Tensor.randn([10]).data).toEqual(c.data);
    const u = Tensor.rand([1000], { seed: 1, low: -1, high: 1 });
    expect(Math.min(...u.data)).toBeGreaterThanOrEqual(-1);
    expect(Math.max(...u.data)).toBeLessThan(1);
    // large-sample moments of the normal generator
    const n = Tensor.randn([100000], { seed: 11 }).data;
    const mean = n.reduce((s, v) => s + v, 0) / n.length;
    const varr = n.reduce((s, v) => s + (v - mean) ** 2, 0) / n.length;
    expect(Math.abs(mean)).toBeLessThan(0.02);
    expect(Math.abs(varr - 1)).toBeLessThan(0.02);
  });
});
