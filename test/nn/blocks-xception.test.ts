import { describe, expect, it } from 'vitest';
import { nn, ConfigError } from '../../src';
import { graphCost } from '../../src/graph/cost';
import { randn } from '../helpers/models';
import { T, fromTensor, conv, bn, relu, add, pool, randomizeBatchNorm, runOrt, maxDiff } from './blocks-naive';

const { XceptionBlock, SeparableConv2d, BatchNorm2d, ReLU, MaxPool2d, xceptionEntryBlock, xceptionMiddleBlock, xceptionExitBlock } = nn;

/** timm's legacy Xception Block by hand: walk `rep` (ReLU | SeparableConv2d | BN | MaxPool) and add the skip. */
function naiveBlock(x: T, m: nn.XceptionBlock): T {
  let y = x;
  for (const [, mod] of m.rep.namedChildren()) {
    if (mod instanceof ReLU) y = relu(y);
    else if (mod instanceof SeparableConv2d) {
      y = conv(y, mod.conv1);
      if (mod.middleKind === 'relu') y = relu(y);
      y = conv(y, mod.pointwise);
    } else if (mod instanceof BatchNorm2d) y = bn(y, mod);
    else if (mod instanceof MaxPool2d) y = pool(y, 'max', 3, 2, 1);
    else throw new Error(`unexpected ${mod.typeName}`);
  }
  const s = m.skip && m.skipbn ? bn(conv(x, m.skip), m.skipbn) : x;
  return add(y, s);
}

describe('Xception blocks against naive loops', () => {
  const cases: [string, () => nn.XceptionBlock, number[]][] = [
    ['entry block after the stem (no leading ReLU), stride 2, odd map', () => xceptionEntryBlock(4, 8, { startWithRelu: false }), [2, 4, 9, 7]],
    ['entry block, stride 2', () => xceptionEntryBlock(6, 10), [1, 6, 8, 8]],
    ['middle block: 3 × (ReLU, SepConv, BN), identity shortcut', () => xceptionMiddleBlock(8), [1, 8, 5, 6]],
    ['exit block: grow last (in → in → out), stride 2', () => xceptionExitBlock(6, 12), [1, 6, 7, 7]],
    ["middle block with middle 'relu' (Figure 10)", () => xceptionMiddleBlock(8, { middle: 'relu' }), [1, 8, 5, 5]],
  ];
  for (const [name, make, shape] of cases) {
    it(name, async () => {
      const m = make();
      randomizeBatchNorm(m, shape[1]);
      const x = randn(shape, shape[2]);
      const y = (await runOrt(m, x)).output;
      const ref = naiveBlock(fromTensor(x), m);
      expect(y.dims).toEqual(ref.dims);
      expect(maxDiff(y.data as Float32Array, ref.data)).toBeLessThan(1e-5);
    });
  }

  it("keys and layout are timm's legacy Block: rep indices, skip/skipbn only when the shape changes", () => {
    const w = (m: nn.Module) => [...m.stateDict().keys()].filter((k) => k.endsWith('weight'));
    expect(w(xceptionEntryBlock(64, 128, { startWithRelu: false }))).toEqual(['skip.weight', 'skipbn.weight',
      'rep.0.conv1.weight', 'rep.0.pointwise.weight', 'rep.1.weight', 'rep.3.conv1.weight', 'rep.3.pointwise.weight', 'rep.4.weight']);
    expect(w(xceptionMiddleBlock(728))).toEqual(['rep.1.conv1.weight', 'rep.1.pointwise.weight', 'rep.2.weight',
      'rep.4.conv1.weight', 'rep.4.pointwise.weight', 'rep.5.weight', 'rep.7.conv1.weight', 'rep.7.pointwise.weight', 'rep.8.weight']);
    const exit = xceptionExitBlock(728, 1024);
    expect(exit.stateDict().get('rep.1.pointwise.weight')!.dims).toEqual([728, 728, 1, 1]);
    expect(exit.stateDict().get('rep.4.pointwise.weight')!.dims).toEqual([1024, 728, 1, 1]);
    expect(exit.rep.at(-1)).toBeInstanceOf(MaxPool2d);
    expect(exit.typeName).toBe('Block');
    // parameters by hand: separable convs (dw 9·cin + cin·cout), BNs (2·c), projection (cin·cout + 2·cout)
    expect(xceptionMiddleBlock(728).numParameters()).toBe(3 * (728 * 9 + 728 * 728 + 2 * 728));
    expect(exit.numParameters()).toBe((728 * 9 + 728 * 728 + 2 * 728) + (728 * 9 + 728 * 1024 + 2 * 1024) + 728 * 1024 + 2 * 1024);
  });

  it('MACs by hand for an entry block (separable convs at full size, skip at the pooled size)', () => {
    const m = xceptionEntryBlock(64, 128);
    const H = 147, Ho = 74;
    expect(graphCost(m.trace([1, 64, H, H])).macs).toBe(H * H * (64 * 9 + 64 * 128) + H * H * (128 * 9 + 128 * 128) + Ho * Ho * 64 * 128);
  });

  it('bad configuration fails', () => {
    expect(() => new XceptionBlock(8, 8, 0)).toThrow(ConfigError);
    expect(() => new XceptionBlock(8, 8, 0)).toThrow(/reps must be a positive integer/);
    expect(() => new nn.Sequential(xceptionMiddleBlock(8)).trace([1, 4, 5, 5])).toThrow(/0\.rep\.1\.conv1/);
  });
});
