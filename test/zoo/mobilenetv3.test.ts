import { describe, expect, it } from 'vitest';
import { zoo, nn, ConfigError } from '../../src';
import { graphCost } from '../../src/graph/cost';
import { loadReference, compareWithReference, buildTraceExportRun } from './cifar-fill';

describe('MobileNetV3 Large/Small (torchvision names)', () => {
  it('parameters: torchvision\'s 5,483,032 and 2,542,856; MACs within 2% of the paper\'s 219 M / 56 M MAdds', () => {
    const large = zoo.create('mobilenet_v3_large'), small = zoo.create('mobilenet_v3_small');
    expect(large.numParameters()).toBe(5_483_032);
    expect(small.numParameters()).toBe(2_542_856);
    const ml = graphCost(large.trace(zoo.inputShape('mobilenet_v3_large'))).macs;
    const ms = graphCost(small.trace(zoo.inputShape('mobilenet_v3_small'))).macs;
    expect(ml).toBe(216_589_760);
    expect(ms).toBe(56_510_400);
    expect(Math.abs(ml / 1e6 - 219) / 219).toBeLessThan(0.02);
    expect(Math.abs(ms / 1e6 - 56) / 56).toBeLessThan(0.02);
    expect((ml / 1e9).toFixed(2)).toBe(String(zoo.info('mobilenet_v3_large').reported?.torchvision_gflops));
    expect((ms / 1e9).toFixed(2)).toBe('0.06');
  });

  it('structure: SE with a hard-sigmoid gate and make_divisible(exp/4, 8) squeeze; h-swish; BN eps 1e-3; keys', () => {
    const m = zoo.create('mobilenet_v3_large') as zoo.MobileNetV3;
    const sd = m.stateDict();
    expect(sd.get('features.4.block.2.fc1.weight')!.dims).toEqual([24, 72, 1, 1]); // 72/4 = 18 → 24
    expect(sd.get('features.13.block.2.fc2.weight')!.dims).toEqual([672, 168, 1, 1]);
    expect(sd.get('classifier.0.weight')!.dims).toEqual([1280, 960]);
    expect(sd.get('classifier.3.weight')!.dims).toEqual([1000, 1280]);
    expect(sd.get('features.1.block.0.0.weight')!.dims).toEqual([16, 1, 3, 3]); // first bneck: exp = in → no expand conv,
    expect(sd.has('features.1.block.2.0.weight')).toBe(false); // just depthwise + project
    const se = (m.features.at(4) as nn.InvertedResidualV3).block.at(2) as nn.SqueezeExcitation;
    expect(se.scale_activation).toBeInstanceOf(nn.Hardsigmoid);
    expect(((m.features.at(0) as nn.Sequential).at(1) as nn.BatchNorm2d).eps).toBe(1e-3);
    const g = m.trace([1, 3, 64, 64]);
    expect(g.nodes.filter((n) => n.op === 'HardSigmoid').length).toBe(8);
    expect(g.nodes.filter((n) => n.op === 'Add').length).toBe(10); // bnecks with stride 1 and in = out (Table 1)
    expect(zoo.create('mobilenet_v3_small').trace([1, 3, 64, 64]).nodes.filter((n) => n.op === 'HardSigmoid').length).toBe(9);
  });

  it('logits match torchvision\'s mobilenet_v3_small and _large (deterministic weights, committed fixture)', async () => {
    const ref = loadReference();
    for (const name of ['mobilenet_v3_small', 'mobilenet_v3_large']) {
      const c = ref.cases.find((k) => k.name === name)!;
      const m = zoo.create(name);
      expect([...m.stateDict().keys()]).toEqual(c.keys);
      const { maxAbs, scale } = await compareWithReference(m, c);
      expect(scale).toBeGreaterThan(0.1);
      expect(maxAbs).toBeLessThanOrEqual(1e-5 * Math.max(1, scale));
    }
  });

  it('builds, traces, exports and runs on CPU; reducedTail/dilated variants', async () => {
    for (const name of ['mobilenet_v3_large', 'mobilenet_v3_small']) {
      const r = await buildTraceExportRun(name, [2, 3, 64, 64]);
      expect(r.dims).toEqual([2, 1000]);
      expect(r.finite).toBe(true);
    }
    const d = zoo.create('mobilenet_v3_large', { dilated: true, reducedTail: true }) as zoo.MobileNetV3;
    const g = d.trace([1, 3, 224, 224]);
    expect(g.values.get(g.moduleOutputs.get('features.16')!)!.shape).toEqual([1, 480, 14, 14]);
    expect(d.numParameters()).toBeLessThan(5_483_032);
  });

  it('registry and bad options', () => {
    expect(zoo.list('mobilenet_v3*')).toEqual(['mobilenet_v3_large', 'mobilenet_v3_small']);
    expect(zoo.list('*mobilenet*')).toEqual(expect.arrayContaining(['mobilenet_v3_large', 'mobilenet_v3_small']));
    expect(zoo.mobilenetV3Small().numParameters()).toBe(2_542_856);
    expect(() => zoo.create('mobilenet_v3_small', { dilated: 'yes' })).toThrow(ConfigError);
    expect(() => zoo.create('mobilenet_v3_small', { dilated: 'yes' })).toThrow(/one of false, true/);
    expect(() => zoo.create('mobilenet_v3_small', { alpha: 0.3 })).toThrow(/unknown option 'alpha'/);
    expect(() => zoo.create('mobilenet_v3_small', { widthMult: -1 })).toThrow(ConfigError);
    expect(() => zoo.create('mobilenet_v3_medium')).toThrow(/unknown model/);
  });
});
