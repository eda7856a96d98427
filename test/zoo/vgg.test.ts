import { describe, expect, it } from 'vitest';
import { ConfigError, Session, zoo } from '../../src';
import { graphCost } from '../../src/graph/cost';
import { toOnnx } from '../../src/graph/onnx';
import { randn } from '../helpers/models';

// torchvision's documented figures: num_params and GFLOPS (multiply-adds) of each model
const TV: Record<string, [number, string]> = {
  vgg11: [132_863_336, '7.609'], vgg11_bn: [132_868_840, '7.609'],
  vgg13: [133_047_848, '11.308'], vgg13_bn: [133_053_736, '11.308'],
  vgg16: [138_357_544, '15.470'], vgg16_bn: [138_365_992, '15.470'],
  vgg19: [143_667_240, '19.632'], vgg19_bn: [143_678_248, '19.632'],
};
// convs per stage (Table 1, configurations A, B, D, E)
const STAGES: Record<string, number[]> = { vgg11: [1, 1, 2, 2, 2], vgg13: [2, 2, 2, 2, 2], vgg16: [2, 2, 3, 3, 3], vgg19: [2, 2, 4, 4, 4] };

/** 3×3 convs (pad 1) at 224, 112, 56, 28, 14 plus the three FC layers, counted by hand. */
function vggMacs(stages: number[]): number {
  const widths = [64, 128, 256, 512, 512];
  let macs = 0, cin = 3;
  stages.forEach((n, i) => {
    const hw = 224 >> i;
    for (let j = 0; j < n; j++) { macs += widths[i] * hw * hw * cin * 9; cin = widths[i]; }
  });
  return macs + 25088 * 4096 + 4096 * 4096 + 4096 * 1000;
}

describe('vgg', () => {
  it('vgg16 has 138,357,544 parameters', () => {
    expect(zoo.create('vgg16').numParameters()).toBe(138_357_544);
  });

  for (const [name, [params, gflops]] of Object.entries(TV)) {
    it(`${name}: torchvision's parameter count and MACs (hand count, ${gflops} G)`, () => {
      const m = zoo.create(name);
      expect(m.numParameters()).toBe(params);
      const macs = graphCost(m.trace(zoo.inputShape(name))).macs;
      expect(macs).toBe(vggMacs(STAGES[name.replace('_bn', '')]));
      expect((macs / 1e9).toFixed(3)).toBe(gflops);
    });
  }

  it('every name builds, traces, exports and runs on CPU (32×32, VGG\'s smallest input)', async () => {
    // the three FC layers (119.5 M weights) are shared between the eight models to keep this fast
    const shared = new Map<string, Float32Array>();
    for (const name of Object.keys(TV)) {
      const m = zoo.create(name);
      for (const [k, p] of m.namedParameters()) {
        if (!k.startsWith('classifier.')) continue;
        if (!shared.has(k)) shared.set(k, p.data);
        p.set(shared.get(k)!);
      }
      const bytes = toOnnx(m.trace([1, 3, 32, 32]));
      const s = await Session.create(bytes, { device: 'cpu' });
      const y = (await s.run({ input: randn([1, 3, 32, 32], 2) })).output;
      await s.release();
      expect(y.dims, name).toEqual([1, 1000]);
      expect((y.data as Float32Array).every(Number.isFinite), name).toBe(true);
    }
  });

  it('features follow make_layers: conv [+ BN] + ReLU per width, 2×2 max pool per M', () => {
    const m = zoo.create('vgg11_bn') as zoo.VGG;
    const keys = new Set(m.namedParameters().map(([k]) => k));
    expect(m.features.length).toBe(8 * 3 + 5);
    expect(keys.has('features.1.running_var')).toBe(true);
    expect(keys.has('classifier.6.weight')).toBe(true);
    expect((zoo.create('vgg16') as zoo.VGG).features.length).toBe(13 * 2 + 5);
  });

  it('bad options fail and all eight are listed', () => {
    expect(() => zoo.create('vgg16', { batchNorm: true })).toThrow(ConfigError);
    expect(() => zoo.create('vgg16', { batchNorm: true })).toThrow(/numClasses/);
    expect(() => zoo.create('vgg16', { numClasses: 0 })).toThrow(ConfigError);
    expect(zoo.list('vgg*')).toEqual(Object.keys(TV).sort());
    expect(zoo.list('*_bn')).toEqual(expect.arrayContaining(['vgg11_bn', 'vgg19_bn']));
    expect(zoo.info('vgg19').reported?.config).toBe('E');
  });
});
