import { describe, expect, it } from 'vitest';
import { nn, ConfigError } from '../../src';
import { randn } from '../helpers/models';
import { T, fromTensor, conv, relu, cat, add, runOrt, maxDiff } from './blocks-naive';

const { FireModule } = nn;

/** Fire by hand: squeeze 1×1 + ReLU, expand 1×1 and 3×3 (pad 1) + ReLU, concatenated; plus the bypass. */
function naiveFire(x: T, m: nn.FireModule): T {
  const s = relu(conv(x, m.squeeze));
  const y = cat([relu(conv(s, m.expand1x1)), relu(conv(s, m.expand3x3))]);
  if (m.bypassKind === 'simple') return add(y, x);
  if (m.bypass) return add(y, conv(x, m.bypass));
  return y;
}

describe('FireModule against naive loops', () => {
  const cases: [string, number, number, number, number, nn.FireBypass, number[]][] = [
    ['no bypass, odd map, batch 2', 6, 3, 4, 5, 'none', [2, 6, 7, 5]],
    ['simple bypass (in = e1x1 + e3x3)', 8, 2, 4, 4, 'simple', [1, 8, 6, 6]],
    ['complex bypass (1×1 conv to the output width)', 5, 3, 6, 4, 'complex', [1, 5, 5, 9]],
  ];
  for (const [name, cin, s, e1, e3, bypass, shape] of cases) {
    it(name, async () => {
      const m = new FireModule(cin, s, e1, e3, { bypass });
      const x = randn(shape, cin);
      const y = (await runOrt(m, x)).output;
      const ref = naiveFire(fromTensor(x), m);
      expect(y.dims).toEqual([shape[0], e1 + e3, shape[2], shape[3]]);
      expect(ref.data.some((v) => v !== 0)).toBe(true);
      expect(maxDiff(y.data as Float32Array, ref.data)).toBeLessThan(1e-5);
    });
  }

  it('the bypass changes the output exactly by the input (simple)', async () => {
    const a = new FireModule(8, 2, 4, 4);
    const b = new FireModule(8, 2, 4, 4, { bypass: 'simple' });
    b.loadStateDict(a.stateDict());
    const x = randn([1, 8, 5, 5], 3);
    const ya = (await runOrt(a, x)).output.data as Float32Array;
    const yb = (await runOrt(b, x)).output.data as Float32Array;
    const diff = Array.from(yb, (v, i) => v - ya[i]);
    expect(maxDiff(diff, x.data as Float32Array)).toBeLessThan(1e-6);
  });

  it('parameters and keys: torchvision names; complex bypass adds a 1×1 conv with bias', () => {
    const m = new FireModule(96, 16, 64, 64);
    expect(m.numParameters()).toBe(96 * 16 + 16 + 16 * 64 + 64 + 16 * 64 * 9 + 64);
    expect([...m.stateDict().keys()]).toEqual(['squeeze.weight', 'squeeze.bias', 'expand1x1.weight', 'expand1x1.bias', 'expand3x3.weight', 'expand3x3.bias']);
    const c = new FireModule(96, 16, 64, 64, { bypass: 'complex' });
    expect(c.numParameters() - m.numParameters()).toBe(96 * 128 + 128);
    expect(c.stateDict().has('bypass.weight')).toBe(true);
    expect(new FireModule(128, 16, 64, 64, { bypass: 'simple' }).numParameters()).toBe(new FireModule(128, 16, 64, 64).numParameters());
    expect(m.typeName).toBe('Fire');
  });

  it('bad bypass options fail with what was expected', () => {
    expect(() => new FireModule(96, 16, 64, 64, { bypass: 'simple' })).toThrow(ConfigError);
    expect(() => new FireModule(96, 16, 64, 64, { bypass: 'simple' })).toThrow(/inplanes = expand1x1 \+ expand3x3 = 128/);
    expect(() => new FireModule(96, 16, 64, 64, { bypass: 'full' as nn.FireBypass })).toThrow(/'none' \| 'simple' \| 'complex'/);
  });

  it('a wrong input width fails at trace time with the module path', () => {
    const m = new nn.Sequential(new FireModule(8, 2, 4, 4));
    expect(() => m.trace([1, 6, 5, 5])).toThrow(/0\.squeeze/);
  });
});
