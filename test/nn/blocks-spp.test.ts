import { describe, expect, it } from 'vitest';
import { nn, ShapeError, ConfigError } from '../../src';
import { cases, npy, runGraph, maxAbs } from '../fixtures/nn/blocks/fixtures';

const { SpatialPyramidPool, sppPaperWindow } = nn;

describe('SpatialPyramidPool vs torch max pooling', () => {
  for (const c of cases.spp) {
    it(`levels [${c.levels}], rule ${c.rule}, input ${npy(c.x).dims.join('×')}`, async () => {
      const x = npy(c.x), want = npy(c.y);
      const m = new SpatialPyramidPool(c.levels, c.rule);
      const g = m.trace([...x.dims]);
      expect(g.outputs[0].shape!.slice(1)).toEqual([m.outputLength(x.dims[1])]);
      const y = await runGraph(g, { input: x });
      expect(maxAbs(y, want)).toBe(0);
    });
  }

  it('both rules coincide on 13×13 (ZF-5 conv5 at 224) and trace to one MaxPool per level', () => {
    for (const rule of ['adaptive', 'paper'] as const) {
      const g = new SpatialPyramidPool([6, 3, 2, 1], rule).trace([1, 256, 13, 13]);
      const pools = g.nodes.filter((n) => n.op === 'MaxPool' || n.op === 'GlobalMaxPool');
      expect(pools.length).toBe(4);
      expect(g.outputs[0].shape![1]).toBe(12800);
    }
    expect(sppPaperWindow(13, 6)).toEqual({ window: 3, stride: 2, bins: 6 });
    expect(sppPaperWindow(10, 6)).toEqual({ window: 2, stride: 1, bins: 9 });
  });

  it('adaptive gives a fixed length for any size; the paper rule fails where it does not give n bins', () => {
    const m = new SpatialPyramidPool([4, 2, 1]);
    for (const s of [[1, 1], [5, 9], [17, 23]]) expect(m.trace([1, 8, ...s]).outputs[0].shape![1]).toBe(8 * 21);
    expect(() => new SpatialPyramidPool([6, 3, 2, 1], 'paper').trace([1, 8, 10, 10])).toThrow(ShapeError);
    expect(() => new SpatialPyramidPool([6, 3, 2, 1], 'paper').trace([1, 8, 10, 10])).toThrow(/9×9 bins/);
    expect(() => new SpatialPyramidPool([], 'paper')).toThrow(ConfigError);
    expect(() => new SpatialPyramidPool([2, 0])).toThrow(/positive integers/);
    expect(() => new SpatialPyramidPool([2], 'caffe' as never)).toThrow(/'adaptive', 'paper'/);
  });
});
