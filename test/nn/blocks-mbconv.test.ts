import { describe, expect, it } from 'vitest';
import { nn, ConfigError } from '../../src';
import { randn } from '../helpers/models';
import { T, fromTensor, conv, bn, add, randomizeBatchNorm, runOrt, maxDiff } from './blocks-naive';
import { naiveSE, silu, sigmoid } from './blocks-se-naive';

const cna = (x: T, s: nn.Module, act: ((t: T) => T) | null): T => {
  const q = s as nn.Sequential;
  const y = bn(conv(x, q.at(0) as nn.Conv2d), q.at(1) as nn.BatchNorm2d);
  return act ? act(y) : y;
};

/** MBConv by the EfficientNet paper / torchvision: [expand 1×1 + SiLU] → depthwise k×k + SiLU → SE(SiLU) → 1×1 linear; + x. */
function naiveMBConv(x: T, m: nn.MBConv, t: number): T {
  const parts = m.block.namedChildren().map(([, c]) => c);
  let i = 0;
  let y = x;
  if (t !== 1) y = cna(y, parts[i++], silu);
  y = cna(y, parts[i++], silu);
  const se = parts[i++] as nn.SqueezeExcitation;
  y = naiveSE(y, se.fc1, se.fc2, silu, sigmoid);
  y = cna(y, parts[i++], null);
  expect(i).toBe(parts.length);
  return m.useResConnect ? add(y, x) : y;
}

describe('MBConv against naive loops', () => {
  const cases: [string, nn.MBConvConfig, number[], number][] = [
    ['t = 1, k3, s1, residual (no expand conv)', { expandRatio: 1, kernel: 3, stride: 1, inputChannels: 16, outChannels: 16 }, [1, 16, 9, 7], 1e-5],
    ['t = 6, k5, s2, 8 → 12, batch 2, odd map', { expandRatio: 6, kernel: 5, stride: 2, inputChannels: 8, outChannels: 12 }, [2, 8, 11, 10], 1e-5],
    ['t = 6, k3, s1, residual', { expandRatio: 6, kernel: 3, stride: 1, inputChannels: 8, outChannels: 8 }, [1, 8, 6, 6], 1e-5],
    ['t = 4, k5, s1, 12 → 20, BN eps 1e-3', { expandRatio: 4, kernel: 5, stride: 1, inputChannels: 12, outChannels: 20 }, [1, 12, 5, 8], 1e-3],
  ];
  for (const [name, cnf, shape, eps] of cases) {
    it(name, async () => {
      const m = new nn.MBConv(cnf, { eps, stochasticDepthProb: 0.1 });
      randomizeBatchNorm(m, shape[1]);
      const x = randn(shape, cnf.inputChannels * 3 + cnf.kernel);
      const y = (await runOrt(m, x)).output;
      const ref = naiveMBConv(fromTensor(x), m, cnf.expandRatio);
      const oh = Math.floor((shape[2] - 1) / cnf.stride) + 1, ow = Math.floor((shape[3] - 1) / cnf.stride) + 1;
      expect(y.dims).toEqual([shape[0], cnf.outChannels, oh, ow]);
      expect(maxDiff(y.data as Float32Array, ref.data)).toBeLessThan(1e-5);
      expect(m.useResConnect).toBe(cnf.stride === 1 && cnf.inputChannels === cnf.outChannels);
    });
  }

  it('torchvision structure and keys: block.{0..3}, SE squeeze = in/4, stochastic depth has no node at inference', () => {
    const m = new nn.MBConv({ expandRatio: 6, kernel: 3, stride: 2, inputChannels: 16, outChannels: 24 }, { stochasticDepthProb: 0.2 });
    expect(m.block.length).toBe(4);
    const sd = m.stateDict();
    expect(sd.get('block.0.0.weight')!.dims).toEqual([96, 16, 1, 1]);
    expect(sd.get('block.1.0.weight')!.dims).toEqual([96, 1, 3, 3]);
    expect(sd.get('block.2.fc1.weight')!.dims).toEqual([4, 96, 1, 1]);
    expect(sd.get('block.3.0.weight')!.dims).toEqual([24, 96, 1, 1]);
    expect(sd.has('block.3.2.weight')).toBe(false);
    const r = new nn.MBConv({ expandRatio: 6, kernel: 3, stride: 1, inputChannels: 16, outChannels: 16 }, { stochasticDepthProb: 0.2 });
    const g = r.trace([1, 16, 8, 8]);
    expect(g.nodes.some((n) => n.module === 'stochastic_depth')).toBe(false);
    expect(g.nodes.filter((n) => n.op === 'Add').length).toBe(1);
    expect(r.stochastic_depth.p).toBe(0.2);
    expect(new nn.MBConv({ expandRatio: 1, kernel: 3, stride: 1, inputChannels: 32, outChannels: 16 }).block.length).toBe(3);
    expect(nn.adjustChannels(32, 1.1)).toBe(32);
    expect(nn.adjustChannels(40, 1.4)).toBe(56);
    expect(nn.adjustDepth(3, 3.1)).toBe(10);
  });

  it('bad configurations fail with what was expected', () => {
    const base = { expandRatio: 6, kernel: 3, stride: 1, inputChannels: 8, outChannels: 8 };
    expect(() => new nn.MBConv({ ...base, stride: 3 })).toThrow(ConfigError);
    expect(() => new nn.MBConv({ ...base, stride: 3 })).toThrow(/1 \| 2/);
    expect(() => new nn.MBConv({ ...base, kernel: 4 })).toThrow(/odd/);
    expect(() => new nn.MBConv({ ...base, expandRatio: 0.5 })).toThrow(/≥ 1/);
    expect(() => new nn.MBConv({ ...base, inputChannels: 0 })).toThrow(ConfigError);
    expect(() => new nn.StochasticDepth(1.5)).toThrow(/\[0, 1\]/);
    expect(() => new nn.MBConv(base).trace([1, 6, 8, 8])).toThrow(/8/);
  });
});
