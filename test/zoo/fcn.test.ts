import { describe, expect, it } from 'vitest';
import { ConfigError, Session, zoo } from '../../src';
import { graphCost } from '../../src/graph/cost';
import { toOnnx } from '../../src/graph/onnx';
import { seeded, allFinite } from '../fixtures/nn/blocks/fixtures';

describe('fcn_resnet50 (torchvision)', () => {
  it('parameters and MACs at 520×520 (torchvision: 35,322,218 params and 152.72 GFLOPS with aux)', () => {
    expect(zoo.create('fcn_resnet50').numParameters()).toBe(32_957_013);
    const aux = zoo.create('fcn_resnet50', { auxLoss: true });
    expect(aux.numParameters()).toBe(35_322_218);
    const macs = graphCost(aux.trace(zoo.inputShape('fcn_resnet50'))).macs;
    expect(macs).toBe(152_716_512_000);
    expect((macs / 1e9).toFixed(2)).toBe('152.72');
  });

  it('torchvision keys and classifier layout', () => {
    const sd = zoo.create('fcn_resnet50').stateDict();
    expect(sd.get('classifier.0.weight')!.dims).toEqual([512, 2048, 3, 3]);
    expect(sd.get('classifier.4.weight')!.dims).toEqual([21, 512, 1, 1]);
    expect(sd.has('classifier.0.bias')).toBe(false);
    expect(sd.has('backbone.layer4.0.downsample.0.weight')).toBe(true);
  });

  it('builds, traces, exports and runs on CPU', async () => {
    const m = zoo.create('fcn_resnet50', { auxLoss: true });
    const x = seeded([2, 3, 64, 72], 9);
    const s = await Session.create(toOnnx(m.trace([...x.dims])), { device: 'cpu' });
    const r = await s.run({ input: x });
    await s.release();
    expect(r.out.dims).toEqual([2, 21, 64, 72]);
    expect(r.aux.dims).toEqual([2, 21, 64, 72]);
    expect(allFinite(r.out)).toBe(true);
  });

  it('list and bad options', () => {
    expect(zoo.list('fcn*')).toEqual(['fcn_resnet50']);
    expect(() => zoo.create('fcn_resnet50', { auxLoss: 'yes' })).toThrow(ConfigError);
    expect(() => zoo.create('fcn_resnet50', { auxLoss: 'yes' })).toThrow(/one of false, true/);
  });
});
