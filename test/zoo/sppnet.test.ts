import { describe, expect, it } from 'vitest';
import { ConfigError, ShapeError, Session, nn, zoo } from '../../src';
import { graphCost } from '../../src/graph/cost';
import { toOnnx } from '../../src/graph/onnx';
import { sppHead } from '../../src/zoo/sppnet';
import { seeded, allFinite } from '../fixtures/nn/blocks/fixtures';

describe('sppnet_zf5', () => {
  it('parameters, MACs and map sizes of Table 1 (55×55 after pool1, 13×13 conv5 at 224) by hand', () => {
    const m = zoo.create('sppnet_zf5');
    const convs = [[3, 96, 7], [96, 256, 5], [256, 384, 3], [384, 384, 3], [384, 256, 3]];
    const params = convs.reduce((a, [ci, co, k]) => a + ci * co * k * k + co, 0) + 12800 * 4096 + 4096 + 4096 * 4096 + 4096 + 4096 * 1000 + 1000;
    expect(m.numParameters()).toBe(params);
    expect(m.numParameters()).toBe(77_037_672);
    const g = m.trace(zoo.inputShape('sppnet_zf5'));
    const shape = (p: string) => g.values.get(g.moduleOutputs.get(p)!)!.shape;
    expect(shape('features.conv1')).toEqual([1, 96, 110, 110]);
    expect(shape('features.pool1')).toEqual([1, 96, 55, 55]);
    expect(shape('features.pool2')).toEqual([1, 256, 13, 13]);
    expect(shape('features.relu5')).toEqual([1, 256, 13, 13]);
    expect(shape('spp')).toEqual([1, 12800]);
    const macs = 110 * 110 * 96 * 3 * 49 + 27 * 27 * 256 * 96 * 25 + 169 * (384 * 256 + 384 * 384 + 256 * 384) * 9 + 12800 * 4096 + 4096 * 4096 + 4096 * 1000;
    expect(graphCost(g).macs).toBe(macs);
  });

  it('fixed-length output for any input size; runs on CPU', async () => {
    const m = zoo.create('sppnet_zf5', { numClasses: 10 });
    for (const hw of [[224, 224], [180, 250], [64, 64]]) {
      const g = m.trace([1, 3, hw[0], hw[1]]);
      expect(g.values.get(g.moduleOutputs.get('spp')!)!.shape).toEqual([1, 12800]);
      if (hw[0] === 180) continue;
      const x = seeded([1, 3, hw[0], hw[1]], 2);
      const s = await Session.create(toOnnx(g), { device: 'cpu' });
      const y = (await s.run({ input: x })).output;
      await s.release();
      expect(y.dims).toEqual([1, 10]);
      expect(allFinite(y)).toBe(true);
    }
  });

  it("the paper's bin rule works at 224 (conv5 13×13) and fails where it does not give n bins", () => {
    const m = zoo.create('sppnet_zf5', { sppRule: 'paper' });
    expect(m.trace([1, 3, 224, 224]).outputs[0].shape!.slice(1)).toEqual([1000]);
    expect(() => m.trace([1, 3, 180, 180])).toThrow(ShapeError);
    expect(() => m.trace([1, 3, 180, 180])).toThrow(/SPP level 6/);
  });

  it('an SPP head on any trunk', () => {
    const trunk = new nn.Sequential(new nn.Conv2d(3, 8, 3, { stride: 2 }), new nn.ReLU());
    const m = sppHead(trunk, 8, { levels: [4, 2, 1], hidden: 32, numClasses: 7 });
    expect(m.numParameters()).toBe(3 * 8 * 9 + 8 + 8 * 21 * 32 + 32 + 32 * 32 + 32 + 32 * 7 + 7);
    expect(m.trace([1, 3, 41, 29]).outputs[0].shape!.slice(1)).toEqual([7]);
  });

  it('list and bad options', () => {
    expect(zoo.list('*spp*')).toEqual(['sppnet_zf5']);
    expect(() => zoo.create('sppnet_zf5', { sppRule: 'caffe' })).toThrow(ConfigError);
    expect(() => zoo.create('sppnet_zf5', { sppRule: 'caffe' })).toThrow(/one of "adaptive", "paper"/);
  });
});
