import { describe, expect, it } from 'vitest';
import { zoo, nn, ConfigError } from '../../src';
import { graphCost } from '../../src/graph/cost';
import { loadReference, compareWithReference, buildTraceExportRun } from './cifar-fill';

/** SE parameters added by hand: per bottleneck with C = 4·planes channels, fc1 C→C/16 (+bias), fc2 C/16→C (+bias). */
function seParams(): number {
  let p = 0;
  for (const [blocks, c] of [[3, 256], [4, 512], [6, 1024], [3, 2048]]) p += blocks * (2 * c * (c / 16) + c / 16 + c);
  return p;
}

describe('SE-ResNet-50 and SE-ResNeXt-50 (timm seresnet50 / seresnext50_32x4d names)', () => {
  it('parameters: timm\'s 28,088,024 and 27,559,896 = the plain nets + the SE blocks counted by hand', () => {
    expect(seParams()).toBe(2_530_992);
    const se = zoo.create('se_resnet50').numParameters();
    expect(se).toBe(28_088_024);
    expect(se).toBe(zoo.create('resnet50').numParameters() + seParams());
    const sx = zoo.create('se_resnext50_32x4d').numParameters();
    expect(sx).toBe(27_559_896);
    expect(sx).toBe(25_028_904 + seParams());
    expect(zoo.info('se_resnet50').reported?.params).toBe(se);
  });

  it('MACs: the SE blocks add their 1×1 convs on 1×1 maps only (2·C²/16 per block); 1x1 layout is the paper\'s 3.86 G', () => {
    const seMacs = [[3, 256], [4, 512], [6, 1024], [3, 2048]].reduce((a, [b, c]) => a + b * 2 * c * (c / 16), 0);
    expect(seMacs).toBe(2_514_944);
    const base = graphCost(zoo.create('resnet50').trace([1, 3, 224, 224])).macs;
    const se = graphCost(zoo.create('se_resnet50').trace(zoo.inputShape('se_resnet50'))).macs;
    expect(se).toBe(4_091_699_200);
    expect(se - base).toBe(seMacs);
    const se11 = graphCost(zoo.create('se_resnet50', { strideIn: '1x1' }).trace([1, 3, 224, 224])).macs;
    expect(se11).toBe(3_860_488_192);
    expect((se11 / 1e9).toFixed(2)).toBe('3.86'); // paper Table 2: ResNet-50 3.86, SE-ResNet-50 3.87 GFLOPs
    const sx = graphCost(zoo.create('se_resnext50_32x4d').trace([1, 3, 224, 224])).macs;
    expect(sx - graphCost(zoo.create('resnext50_32x4d').trace([1, 3, 224, 224])).macs).toBe(seMacs);
  });

  it('state-dict keys are timm\'s (layerL.B.se.fc1/fc2), equal to an independent torch model\'s, and logits match it', async () => {
    const ref = loadReference();
    for (const name of ['se_resnet50', 'se_resnext50_32x4d']) {
      const c = ref.cases.find((k) => k.name === name)!;
      const m = zoo.create(name);
      expect([...m.stateDict().keys()].sort()).toEqual([...c.keys].sort());
      expect(c.params).toBe(m.numParameters());
      const { maxAbs, scale } = await compareWithReference(m, c);
      expect(scale).toBeGreaterThan(0.5);
      expect(maxAbs).toBeLessThanOrEqual(1e-5 * Math.max(1, scale));
    }
    const sd = zoo.create('se_resnet50').stateDict();
    expect(sd.get('layer1.0.se.fc1.weight')!.dims).toEqual([16, 256, 1, 1]);
    expect(sd.get('layer4.2.se.fc2.weight')!.dims).toEqual([2048, 128, 1, 1]);
    expect(sd.has('layer1.0.se.fc2.bias')).toBe(true);
    expect(sd.has('layer0.conv1.weight') || sd.has('last_linear.weight')).toBe(false); // not the legacy (Cadene) names
  });

  it('the SE block sits after bn3, before the residual addition (paper Fig. 3)', () => {
    const g = zoo.create('se_resnet50').trace([1, 3, 64, 64]);
    const add = g.nodes.find((n) => n.op === 'Add' && n.module.startsWith('layer1.0'))!;
    const producers = add.inputs.map((i) => g.nodes.find((n) => n.outputs.includes(i))!);
    expect(producers.map((p) => p.op).sort()).toEqual(['BatchNormalization', 'Mul']);
    expect(producers.find((p) => p.op === 'Mul')!.module).toBe('layer1.0.se');
  });

  it('builds, traces, exports and runs on CPU; options and errors', async () => {
    for (const name of ['se_resnet50', 'se_resnext50_32x4d']) {
      const r = await buildTraceExportRun(name, [1, 3, 64, 64]);
      expect(r.dims).toEqual([1, 1000]);
      expect(r.finite).toBe(true);
    }
    expect(zoo.list('se_*')).toEqual(['se_resnet50', 'se_resnext50_32x4d']);
    expect(zoo.list('*resnext*')).toContain('se_resnext50_32x4d');
    const r8 = zoo.create('se_resnet50', { reduction: 8 }) as zoo.ResNet;
    expect((r8.layer1.at(0) as nn.Bottleneck).se).toBeInstanceOf(nn.SEModule);
    expect(r8.stateDict().get('layer1.0.se.fc1.weight')!.dims).toEqual([32, 256, 1, 1]);
    expect(() => zoo.create('se_resnet50', { reduction: 5 })).toThrow(ConfigError);
    expect(() => zoo.create('se_resnet50', { reduction: 5 })).toThrow(/one of 2, 4, 8, 16, 32/);
    expect(() => zoo.create('se_resnet50', { strideIn: '2x2' })).toThrow(/"3x3", "1x1"/);
    expect(zoo.create('se_resnet50', { numClasses: 7 }).trace([1, 3, 32, 32]).outputs[0].shape).toEqual([1, 7]);
    expect(zoo.info('se_resnext50_32x4d').paper.citation).toMatch(/Hu et al/);
  });
});
