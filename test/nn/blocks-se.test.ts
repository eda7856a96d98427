import { describe, expect, it } from 'vitest';
import { nn, ConfigError } from '../../src';
import { graphCost } from '../../src/graph/cost';
import { randn } from '../helpers/models';
import { fromTensor, relu, runOrt, maxDiff } from './blocks-naive';
import { naiveSE, silu, sigmoid, hardsigmoid } from './blocks-se-naive';

describe('SqueezeExcitation (torchvision) against naive loops', () => {
  const cases: [string, number, number, number[], 'relu' | 'silu', 'sigmoid' | 'hardsigmoid'][] = [
    ['ReLU / sigmoid, batch 2, odd map', 12, 5, [2, 12, 7, 5], 'relu', 'sigmoid'],
    ['SiLU / sigmoid (EfficientNet)', 16, 4, [1, 16, 6, 6], 'silu', 'sigmoid'],
    ['ReLU / hard-sigmoid (MobileNetV3)', 24, 8, [2, 24, 3, 9], 'relu', 'hardsigmoid'],
    ['1×1 map, squeeze 1', 3, 1, [1, 3, 1, 1], 'relu', 'sigmoid'],
  ];
  for (const [name, c, sq, shape, act, gate] of cases) {
    it(name, async () => {
      const m = new nn.SqueezeExcitation(c, sq, {
        activation: act === 'silu' ? () => new nn.SiLU() : undefined,
        scaleActivation: gate === 'hardsigmoid' ? () => new nn.Hardsigmoid() : undefined,
      });
      const x = randn(shape, c + sq);
      const y = (await runOrt(m, x)).output;
      const ref = naiveSE(fromTensor(x), m.fc1, m.fc2, act === 'silu' ? silu : relu, gate === 'hardsigmoid' ? hardsigmoid : sigmoid);
      expect(y.dims).toEqual(shape);
      expect(maxDiff(y.data as Float32Array, ref.data)).toBeLessThan(1e-5);
      // the gate really scales: output differs from the input
      expect(maxDiff(y.data as Float32Array, x.data as Float32Array)).toBeGreaterThan(1e-3);
    });
  }

  it('torchvision keys and counts; MACs are the two 1×1 convs on a 1×1 map, the scaling is an "other" op', () => {
    const m = new nn.SqueezeExcitation(64, 16);
    expect([...m.stateDict().keys()]).toEqual(['fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias']);
    expect(m.numParameters()).toBe(64 * 16 + 16 + 16 * 64 + 64);
    const c = graphCost(m.trace([1, 64, 14, 14]));
    expect(c.macs).toBe(2 * 64 * 16);
    expect(c.other.mul).toBe(64 * 14 * 14);
    expect(m.typeName).toBe('SqueezeExcitation');
  });

  it('bad configurations fail with what was expected', () => {
    expect(() => new nn.SqueezeExcitation(0, 4)).toThrow(ConfigError);
    expect(() => new nn.SqueezeExcitation(8, 2.5)).toThrow(/squeeze_channels/);
    const m = new nn.SqueezeExcitation(8, 2);
    expect(() => m.trace([1, 6, 4, 4])).toThrow(/8/);
  });
});

describe("SEModule (timm's, as in seresnet50) against naive loops", () => {
  it('reduction 16 with timm rounding (multiples of 8), mean → fc1 → ReLU → fc2 → sigmoid → scale', async () => {
    const m = new nn.SEModule(64);
    expect(m.rdChannels).toBe(8); // 64/16 = 4 → make_divisible → 8
    const x = randn([2, 64, 5, 3], 5);
    const y = (await runOrt(m, x)).output;
    const ref = naiveSE(fromTensor(x), m.fc1, m.fc2, relu, sigmoid);
    expect(maxDiff(y.data as Float32Array, ref.data)).toBeLessThan(1e-5);
    expect([...m.stateDict().keys()]).toEqual(['fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias']);
  });

  it('channel rounding and options', () => {
    expect(new nn.SEModule(256).rdChannels).toBe(16);
    expect(new nn.SEModule(2048).rdChannels).toBe(128);
    expect(new nn.SEModule(40, { rdRatio: 0.25 }).rdChannels).toBe(8); // round_limit 0: 10 → 8
    expect(new nn.SEModule(40, { rdChannels: 10 }).rdChannels).toBe(10);
    expect(nn.timmMakeDivisible(10, 8)).toBe(16); // default round_limit 0.9: 8 < 9 → 16
    expect(nn.timmMakeDivisible(36, 8)).toBe(40);
    expect(() => new nn.SEModule(64, { rdRatio: 2 })).toThrow(ConfigError);
    expect(() => new nn.SEModule(64, { rdRatio: 2 })).toThrow(/\(0, 1\]/);
  });
});
