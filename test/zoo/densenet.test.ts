import { describe, expect, it } from 'vitest';
import { ConfigError, Session, zoo } from '../../src';
import { graphCost } from '../../src/graph/cost';
import { toOnnx } from '../../src/graph/onnx';
import { randn } from '../helpers/models';

// torchvision's documented num_params and GFLOPS; growth rate, blocks, stem width
const TV: Record<string, [number, string, number, number[], number]> = {
  densenet121: [7_978_856, '2.834', 32, [6, 12, 24, 16], 64],
  densenet161: [28_681_000, '7.728', 48, [6, 12, 36, 24], 96],
  densenet169: [14_149_480, '3.360', 32, [6, 12, 32, 32], 64],
  densenet201: [20_013_928, '4.291', 32, [6, 12, 48, 32], 64],
};

/** Width after the last block: k0 + L·k per block, ⌊θ·m⌋ at each transition. */
function finalWidth(k: number, blocks: number[], k0: number, theta: number): number {
  let c = k0;
  blocks.forEach((n, i) => { c += n * k; if (i < blocks.length - 1) c = Math.floor(c * theta); });
  return c;
}

describe('densenet', () => {
  it('densenet121 has 7,978,856 parameters', () => {
    expect(zoo.create('densenet121').numParameters()).toBe(7_978_856);
  });

  for (const [name, [params, gflops, k, blocks, k0]] of Object.entries(TV)) {
    it(`${name}: torchvision's parameters, ${gflops} GMACs, final width`, () => {
      const m = zoo.create(name) as zoo.DenseNet;
      expect(m.numParameters()).toBe(params);
      expect((graphCost(m.trace(zoo.inputShape(name))).macs / 1e9).toFixed(3)).toBe(gflops);
      expect(m.classifier.inFeatures).toBe(finalWidth(k, blocks, k0, 0.5));
    });
  }

  it('every name builds, traces, exports and runs on CPU (64×64)', async () => {
    for (const name of Object.keys(TV)) {
      const m = zoo.create(name);
      const s = await Session.create(toOnnx(m.trace([1, 3, 64, 64])), { device: 'cpu' });
      const y = (await s.run({ input: randn([1, 3, 64, 64], 4) })).output;
      await s.release();
      expect(y.dims, name).toEqual([1, 1000]);
      expect((y.data as Float32Array).every(Number.isFinite)).toBe(true);
    }
  });

  it('options: no bottleneck and no compression (plain DenseNet) change widths and weights', async () => {
    const m = zoo.create('densenet121', { bottleneck: false, compression: 1 }) as zoo.DenseNet;
    expect(m.classifier.inFeatures).toBe(finalWidth(32, [6, 12, 24, 16], 64, 1));
    const shapes = new Map(m.namedParameters().map(([key, p]) => [key, [...p.shape]]));
    expect(shapes.get('features.denseblock1.denselayer1.conv1.weight')).toEqual([32, 64, 3, 3]);
    expect(shapes.has('features.denseblock1.denselayer1.conv2.weight')).toBe(false);
    expect(shapes.get('features.transition1.conv.weight')).toEqual([256, 256, 1, 1]);
    const s = await Session.create(m.trace([1, 3, 64, 64]), { device: 'cpu' });
    expect((await s.run({ input: randn([1, 3, 64, 64], 5) })).output.dims).toEqual([1, 1000]);
    await s.release();
  });

  it('keys are torchvision\'s', () => {
    const keys = new Set(zoo.create('densenet121').namedParameters().map(([k]) => k));
    for (const k of ['features.conv0.weight', 'features.norm0.running_var', 'features.denseblock1.denselayer6.conv2.weight',
      'features.transition3.norm.bias', 'features.denseblock4.denselayer16.norm1.weight', 'features.norm5.weight', 'classifier.bias']) {
      expect(keys.has(k), k).toBe(true);
    }
  });

  it('bad options fail with what is allowed; listed', () => {
    expect(() => zoo.create('densenet121', { bottleneck: 'no' })).toThrow(ConfigError);
    expect(() => zoo.create('densenet121', { bottleneck: 'no' })).toThrow(/one of true, false/);
    expect(() => zoo.create('densenet121', { compression: 0 })).toThrow(/0 < θ ≤ 1/);
    expect(() => zoo.create('densenet264')).toThrow(/unknown model/);
    expect(zoo.list('densenet*')).toEqual(['densenet121', 'densenet161', 'densenet169', 'densenet201']);
  });
});
