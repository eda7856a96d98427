import { describe, expect, it } from 'vitest';
import { zoo, nn, ConfigError } from '../../src';
import { graphCost } from '../../src/graph/cost';
import { loadReference, compareWithReference, buildTraceExportRun } from './cifar-fill';

const macs = (name: string, opts: Record<string, unknown> = {}) => graphCost(zoo.create(name, opts).trace(zoo.inputShape(name, opts))).macs;

describe('ResNet-18…152, ResNeXt, Wide ResNet (torchvision)', () => {
  it("MACs with strideIn '3x3' (torchvision v1.5): exact counts, = 1.81/3.66/4.09/7.80/11.51 G to two decimals", () => {
    const exact: [string, number, string][] = [
      ['resnet18', 1_814_073_344, '1.81'], ['resnet34', 3_663_761_408, '3.66'], ['resnet50', 4_089_184_256, '4.09'],
      ['resnet101', 7_801_405_440, '7.80'], ['resnet152', 11_513_626_624, '11.51'],
    ];
    for (const [name, n, g] of exact) {
      const m = macs(name);
      expect(m).toBe(n);
      expect((m / 1e9).toFixed(2)).toBe(g);
    }
  });

  it("MACs with strideIn '1x1' (the paper): 3.858/7.570/11.282 G, each within 0.06 G of Table 1's 3.8/7.6/11.3", () => {
    const exact: [string, number, number][] = [['resnet50', 3_857_973_248, 3.8], ['resnet101', 7_570_194_432, 7.6], ['resnet152', 11_282_415_616, 11.3]];
    for (const [name, n, paper] of exact) {
      const m = macs(name, { strideIn: '1x1' });
      expect(m).toBe(n);
      expect(Math.abs(m / 1e9 - paper)).toBeLessThan(0.06);
      // moving the stride from the 3×3 to the first 1×1 of layer2–4's first block is the only difference
      expect(macs(name) - m).toBe(231_211_008);
    }
  });

  it('parameters: torchvision\'s counts (the layout of the stride does not change them)', () => {
    const p: [string, number][] = [
      ['resnet18', 11_689_512], ['resnet34', 21_797_672], ['resnet50', 25_557_032], ['resnet101', 44_549_160], ['resnet152', 60_192_808],
      ['resnext50_32x4d', 25_028_904], ['resnext101_32x8d', 88_791_336], ['wide_resnet50_2', 68_883_240],
    ];
    for (const [name, n] of p) expect(zoo.create(name).numParameters()).toBe(n);
    expect(zoo.create('resnet50', { strideIn: '1x1' }).numParameters()).toBe(25_557_032);
  });

  it("strideIn '1x1' puts the stride on conv1 of the first bottleneck of layer2–4", () => {
    const a = zoo.create('resnet50', { strideIn: '1x1' }) as zoo.ResNet;
    const b = zoo.create('resnet50') as zoo.ResNet;
    const blk = (m: zoo.ResNet) => m.layer2.at(0) as nn.Bottleneck;
    expect(blk(a).conv1.stride).toEqual([2, 2]);
    expect(blk(a).conv2.stride).toEqual([1, 1]);
    expect(blk(b).conv1.stride).toEqual([1, 1]);
    expect(blk(b).conv2.stride).toEqual([2, 2]);
    expect((b.layer2.at(0) as nn.Bottleneck).conv2.groups).toBe(1);
    expect(((zoo.create('resnext50_32x4d') as zoo.ResNet).layer1.at(0) as nn.Bottleneck).conv2.groups).toBe(32);
  });

  it("logits match torchvision's resnet18 (deterministic weights, committed fixture)", async () => {
    const c = loadReference().cases.find((k) => k.name === 'resnet18')!;
    const m = zoo.create('resnet18');
    expect([...m.stateDict().keys()]).toEqual(c.keys);
    const { maxAbs, scale } = await compareWithReference(m, c);
    expect(scale).toBeGreaterThan(1);
    expect(maxAbs).toBeLessThanOrEqual(1e-5 * scale);
  });

  it('every name builds, traces, exports and runs on CPU (64×64)', async () => {
    for (const name of ['resnet18', 'resnet34', 'resnet50', 'resnet101', 'resnet152', 'resnext50_32x4d', 'resnext101_32x8d', 'wide_resnet50_2']) {
      const r = await buildTraceExportRun(name, [1, 3, 64, 64]);
      expect(r.dims).toEqual([1, 1000]);
      expect(r.finite).toBe(true);
    }
  }, 120_000);

  it('registry; bad options fail with the allowed values', () => {
    expect(zoo.list('resnext*')).toEqual(['resnext101_32x8d', 'resnext50_32x4d']);
    expect(zoo.list('wide_*')).toEqual(['wide_resnet50_2']);
    expect(zoo.list('resnet1*')).toEqual(expect.arrayContaining(['resnet101', 'resnet152', 'resnet18']));
    expect(() => zoo.create('resnet50', { strideIn: '2x2' })).toThrow(ConfigError);
    expect(() => zoo.create('resnet50', { strideIn: '2x2' })).toThrow(/one of "3x3", "1x1"/);
    expect(() => zoo.create('resnet18', { strideIn: '1x1' })).toThrow(/unknown option 'strideIn'/);
    expect(() => zoo.create('resnet51')).toThrow(/unknown model 'resnet51'/);
  });
});
