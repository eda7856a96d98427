import { describe, expect, it } from 'vitest';
import { zoo, nn, ConfigError } from '../../src';
import { graphCost } from '../../src/graph/cost';
import { loadReference, compareWithReference, buildTraceExportRun } from './cifar-fill';

const NAMES = [0, 1, 2, 3, 4, 5, 6, 7].map((i) => `efficientnet_b${i}`);
/** torchvision 0.14's `num_params` of the b0–b7 weights (models/efficientnet.py). */
const TV_PARAMS = [5_288_548, 7_794_184, 9_109_994, 12_233_232, 19_341_616, 30_389_784, 43_040_704, 66_347_960];
/** paper Table 2 FLOPs (B) at the paper's resolutions (224, 240, 260, 300, 380, 456, 528, 600). */
const PAPER_GFLOPS = [0.39, 0.70, 1.0, 1.8, 4.2, 9.9, 19, 37];
const RESOLUTIONS = [224, 240, 260, 300, 380, 456, 528, 600];

describe('EfficientNet b0–b7 (torchvision names)', () => {
  it('b0: 5,288,548 params and ≈ 0.39 GMACs (385,814,752 at 224×224)', () => {
    const m = zoo.create('efficientnet_b0');
    expect(m.numParameters()).toBe(5_288_548);
    const macs = graphCost(m.trace(zoo.inputShape('efficientnet_b0'))).macs;
    expect(macs).toBe(385_814_752);
    expect((macs / 1e9).toFixed(2)).toBe('0.39');
  });

  it('b1–b7: torchvision\'s parameter counts exactly; MACs within 5% of the paper\'s Table 2 at the paper\'s resolutions', () => {
    NAMES.forEach((name, i) => {
      const m = zoo.create(name);
      expect(m.numParameters()).toBe(TV_PARAMS[i]);
      expect(zoo.inputShape(name)).toEqual([1, 3, RESOLUTIONS[i], RESOLUTIONS[i]]);
      const g = graphCost(m.trace(zoo.inputShape(name))).macs / 1e9;
      expect(Math.abs(g - PAPER_GFLOPS[i]) / PAPER_GFLOPS[i]).toBeLessThan(0.05);
      expect(zoo.info(name).reported?.params).toBe(TV_PARAMS[i]);
    });
  });

  it('compound scaling: α=1.2, β=1.1, γ=1.15 in info, α·β²·γ² ≈ 2, and γ^φ·224 gives the resolutions', () => {
    for (const name of NAMES) {
      const r = zoo.info(name).reported!;
      expect([r.alpha, r.beta, r.gamma]).toEqual([1.2, 1.1, 1.15]);
      expect(zoo.info(name).description).toMatch(/α=1\.2.*β=1\.1.*γ=1\.15/);
      expect(Math.abs(224 * zoo.compoundScaling(r.phi_from_resolution as number).resolution - (r.resolution as number))).toBeLessThan(0.2);
    }
    const c = zoo.compoundScaling(1);
    expect(c.depth).toBeCloseTo(1.2, 12);
    expect(c.width).toBeCloseTo(1.1, 12);
    expect(c.resolution).toBeCloseTo(1.15, 12);
    expect(c.flopsFactor).toBeCloseTo(1.2 * 1.21 * 1.3225, 12); // 1.92 ≈ 2 (paper eq. 3)
    expect(zoo.compoundScaling(0)).toEqual({ depth: 1, width: 1, resolution: 1, flopsFactor: 1 });
    expect(zoo.info('efficientnet_b1').reported?.phi_from_resolution).toBe(0.494); // log(240/224) / log(1.15)
  });

  it('structure: torchvision keys, depths ⌈n·d⌉, widths make_divisible(c·w, 8), BN eps 1e-3 for b5–b7', () => {
    const b0 = zoo.create('efficientnet_b0') as zoo.EfficientNet;
    const keys = [...b0.stateDict().keys()];
    expect(keys.slice(0, 5)).toEqual(['features.0.0.weight', 'features.0.1.weight', 'features.0.1.bias', 'features.0.1.running_mean', 'features.0.1.running_var']);
    expect(keys).toContain('features.1.0.block.1.fc1.weight'); // t = 1: no expand conv, SE is block.1
    expect(keys).toContain('features.2.0.block.2.fc2.bias');
    expect(keys).toContain('features.8.0.weight');
    expect(keys[keys.length - 1]).toBe('classifier.1.bias');
    expect(b0.features.length).toBe(9);
    const b7 = zoo.create('efficientnet_b7') as zoo.EfficientNet;
    const stageLens = [1, 2, 3, 4, 5, 6, 7].map((i) => (b7.features.at(i) as nn.Sequential).length);
    expect(stageLens).toEqual([1, 2, 2, 3, 3, 4, 1].map((n) => Math.ceil(n * 3.1)));
    // modules are callable (functions), so compare the fields themselves
    const bn7 = (b7.features.at(0) as nn.Sequential).at(1) as nn.BatchNorm2d;
    const bn0 = (b0.features.at(0) as nn.Sequential).at(1) as nn.BatchNorm2d;
    expect([bn7.eps, bn7.numFeatures]).toEqual([1e-3, 64]);
    expect([bn0.eps, bn0.numFeatures]).toEqual([1e-5, 32]);
    // stochastic depth grows linearly to 0.2 over the blocks and is the identity at inference (no node)
    const last = (b0.features.at(7) as nn.Sequential).at(0) as nn.MBConv;
    expect(last.stochastic_depth.p).toBeCloseTo(0.2 * 15 / 16, 12);
    expect(b0.trace([1, 3, 64, 64]).nodes.some((n) => n.module.endsWith('stochastic_depth'))).toBe(false);
  });

  it('logits match torchvision\'s efficientnet_b0 (deterministic weights, committed fixture)', async () => {
    const c = loadReference().cases.find((k) => k.name === 'efficientnet_b0')!;
    const m = zoo.create('efficientnet_b0');
    expect([...m.stateDict().keys()]).toEqual(c.keys);
    const { maxAbs, scale } = await compareWithReference(m, c);
    expect(scale).toBeGreaterThan(0.1);
    expect(maxAbs).toBeLessThanOrEqual(1e-5 * Math.max(1, scale));
  });

  it('every variant builds, traces, exports and runs on CPU (64×64)', async () => {
    for (const name of NAMES) {
      const r = await buildTraceExportRun(name, [1, 3, 64, 64]);
      expect(r.dims).toEqual([1, 1000]);
      expect(r.finite).toBe(true);
    }
  }, 120_000);

  it('registry and builders; bad options fail with what was expected', () => {
    expect(zoo.list('efficientnet_b*')).toEqual(NAMES);
    expect(zoo.list('*efficient*').length).toBeGreaterThanOrEqual(8);
    expect(zoo.efficientnetB3().numParameters()).toBe(TV_PARAMS[3]);
    expect(zoo.efficientnetB0({ numClasses: 10 }).trace([1, 3, 32, 32]).outputs[0].shape).toEqual([1, 10]);
    expect(() => zoo.create('efficientnet_b0', { widthMult: 2 })).toThrow(ConfigError);
    expect(() => zoo.create('efficientnet_b0', { widthMult: 2 })).toThrow(/one of numClasses/);
    expect(() => zoo.create('efficientnet_b8')).toThrow(/efficientnet_b0/);
    expect(() => zoo.create('efficientnet_b0', { numClasses: -1 })).toThrow(ConfigError);
  });
});
