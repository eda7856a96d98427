import { describe, expect, it } from 'vitest';
import { ConfigError, Session, zoo } from '../../src';
import { graphCost } from '../../src/graph/cost';
import { toOnnx } from '../../src/graph/onnx';
import { randn } from '../helpers/models';

/** conv MACs by hand: Cout·Hout·Wout·(Cin/groups)·k² */
const convMacs = (cin: number, cout: number, k: number, out: number, groups = 1) => cout * out * out * (cin / groups) * k * k;

/** AlexNet at 224×224 by hand: 55 → pool 27 → 27 → pool 13 → 13, 13, 13 → pool 6; three FC layers. */
function alexnetMacs(g: number): number {
  return convMacs(3, 64, 11, 55) + convMacs(64, 192, 5, 27, g) + convMacs(192, 384, 3, 13) + convMacs(384, 256, 3, 13, g)
    + convMacs(256, 256, 3, 13, g) + 9216 * 4096 + 4096 * 4096 + 4096 * 1000;
}

describe('alexnet', () => {
  it('has torchvision\'s 61,100,840 parameters and the MACs counted by hand (0.714 G, torchvision\'s GFLOPS)', () => {
    const m = zoo.create('alexnet');
    expect(m.numParameters()).toBe(61_100_840);
    const macs = graphCost(m.trace(zoo.inputShape('alexnet'))).macs;
    expect(macs).toBe(alexnetMacs(1));
    expect(macs).toBe(714_188_480);
    expect((macs / 1e9).toFixed(3)).toBe('0.714');
  });

  it("groups: 2 — the paper's two-GPU towers halve conv2/conv4/conv5 weights", () => {
    const m = zoo.create('alexnet', { groups: 2 });
    const saved = (64 * 192 * 25 + 384 * 256 * 9 + 256 * 256 * 9) / 2;
    expect(m.numParameters()).toBe(61_100_840 - saved);
    expect(m.numParameters()).toBe(60_209_960);
    expect(graphCost(m.trace([1, 3, 224, 224])).macs).toBe(alexnetMacs(2));
    const shapes = new Map(m.namedParameters().map(([k, p]) => [k, [...p.shape]]));
    expect(shapes.get('features.3.weight')).toEqual([192, 32, 5, 5]);
    expect(shapes.get('features.6.weight')).toEqual([384, 192, 3, 3]);
  });

  for (const opts of [{}, { groups: 2 }]) {
    it(`builds, traces, exports and runs on CPU ${JSON.stringify(opts)} (64×64)`, async () => {
      const m = zoo.create('alexnet', opts);
      const bytes = toOnnx(m.trace([2, 3, 64, 64]));
      const s = await Session.create(bytes, { device: 'cpu' });
      const y = (await s.run({ input: randn([2, 3, 64, 64], 1) })).output;
      await s.release();
      expect(y.dims).toEqual([2, 1000]);
      expect((y.data as Float32Array).every(Number.isFinite)).toBe(true);
    });
  }

  it('keys are torchvision\'s', () => {
    const keys = zoo.create('alexnet').namedParameters().map(([k]) => k);
    expect(keys).toEqual(['features.0.weight', 'features.0.bias', 'features.3.weight', 'features.3.bias', 'features.6.weight', 'features.6.bias',
      'features.8.weight', 'features.8.bias', 'features.10.weight', 'features.10.bias', 'classifier.1.weight', 'classifier.1.bias',
      'classifier.4.weight', 'classifier.4.bias', 'classifier.6.weight', 'classifier.6.bias']);
  });

  it('bad options fail with the allowed values', () => {
    expect(() => zoo.create('alexnet', { groups: 5 })).toThrow(ConfigError);
    expect(() => zoo.create('alexnet', { groups: 5 })).toThrow(/one of 1, 2/);
    expect(() => zoo.create('alexnet', { width: 2 })).toThrow(/unknown option 'width'.*groups/);
    expect(() => zoo.create('alexnett')).toThrow(/unknown model 'alexnett'/);
  });

  it('is listed with its paper', () => {
    expect(zoo.list('*alex*')).toEqual(['alexnet']);
    const inf = zoo.info('alexnet');
    expect(inf.paper.year).toBe(2012);
    expect(inf.options?.groups.allowed).toEqual([1, 2]);
  });
});
