import { describe, expect, it } from 'vitest';
import { ConfigError, Session, zoo } from '../../src';
import { graphCost } from '../../src/graph/cost';
import { toOnnx } from '../../src/graph/onnx';
import { Graph } from '../../src/graph/ir';
import { seeded, allFinite } from '../fixtures/nn/blocks/fixtures';

/** dilations of the Conv nodes under a module path prefix */
const dilations = (g: Graph, prefix: string) => g.nodes.filter((n) => n.op === 'Conv' && n.module.startsWith(prefix)).map((n) => (n.attrs.dilations as { value: number[] }).value[0]);

async function runOnCpu(g: Graph, x: import('../../src').Tensor) {
  const s = await Session.create(toOnnx(g), { device: 'cpu' });
  try { return (await s.run({ input: x })).output; } finally { await s.release(); }
}

describe('deeplabv3_resnet50/101 (torchvision)', () => {
  // torchvision's documented num_params and GFLOPS are for the COCO_WITH_VOC_LABELS weights, which have the aux head
  for (const [name, params, paramsAux, macsAux, gflops] of [
    ['deeplabv3_resnet50', 39_638_869, 42_004_074, 178_721_945_088, '178.72'],
    ['deeplabv3_resnet101', 58_630_997, 60_996_202, 258_743_039_488, '258.74'],
  ] as const) {
    it(`${name}: parameters and MACs at 520×520 (torchvision: ${paramsAux} params, ${gflops} GFLOPS with aux)`, () => {
      expect(zoo.create(name).numParameters()).toBe(params);
      const aux = zoo.create(name, { auxLoss: true });
      expect(aux.numParameters()).toBe(paramsAux);
      expect(zoo.inputShape(name)).toEqual([1, 3, 520, 520]);
      const g = aux.trace(zoo.inputShape(name, { auxLoss: true }));
      expect(g.outputs.map((o) => o.name)).toEqual(['out', 'aux']);
      const macs = graphCost(g).macs;
      expect(macs).toBe(macsAux);
      expect((macs / 1e9).toFixed(2)).toBe(gflops);
    });
  }

  it('torchvision state-dict keys (backbone without fc, classifier.0 = ASPP with the pooling branch)', () => {
    const keys = [...zoo.create('deeplabv3_resnet50', { auxLoss: true }).stateDict().keys()];
    for (const k of ['backbone.conv1.weight', 'backbone.layer4.2.bn3.running_var', 'classifier.0.convs.0.0.weight', 'classifier.0.convs.3.0.weight',
      'classifier.0.convs.4.1.weight', 'classifier.0.convs.4.2.running_mean', 'classifier.0.project.0.weight', 'classifier.1.weight', 'classifier.2.bias',
      'classifier.4.weight', 'classifier.4.bias', 'aux_classifier.0.weight', 'aux_classifier.4.bias']) expect(keys).toContain(k);
    expect(keys.some((k) => k.startsWith('backbone.fc') || k.startsWith('backbone.avgpool'))).toBe(false);
  });

  it('outputStride 8 (default, rates 12/24/36) and 16 (rates 6/12/18): dilations and feature size', () => {
    const g8 = zoo.create('deeplabv3_resnet50').trace([1, 3, 520, 520]);
    expect(dilations(g8, 'classifier.0.convs')).toEqual([1, 12, 24, 36, 1]);
    expect(new Set(dilations(g8, 'backbone.layer3.1.'))).toEqual(new Set([1, 2]));
    expect(new Set(dilations(g8, 'backbone.layer4.1.'))).toEqual(new Set([1, 4]));
    expect(g8.values.get(g8.moduleOutputs.get('classifier')!)!.shape).toEqual([1, 21, 65, 65]);
    const g16 = zoo.create('deeplabv3_resnet50', { outputStride: 16 }).trace([1, 3, 520, 520]);
    expect(dilations(g16, 'classifier.0.convs')).toEqual([1, 6, 12, 18, 1]);
    expect(new Set(dilations(g16, 'backbone.layer3.1.'))).toEqual(new Set([1]));
    expect(new Set(dilations(g16, 'backbone.layer4.1.'))).toEqual(new Set([1, 2]));
    expect(g16.values.get(g16.moduleOutputs.get('classifier')!)!.shape).toEqual([1, 21, 33, 33]);
    expect(g16.outputs[0].shape!.slice(1)).toEqual([21, 520, 520]);
  });

  it('build, trace, export and run on CPU; logits upsampled to the input size (also odd sizes)', async () => {
    for (const [name, opts, hw] of [['deeplabv3_resnet50', {}, [66, 70]], ['deeplabv3_resnet101', { outputStride: 16, numClasses: 5 }, [64, 64]]] as const) {
      const m = zoo.create(name, opts);
      const x = seeded([1, 3, hw[0], hw[1]], 3);
      const y = await runOnCpu(m.trace([...x.dims]), x);
      expect(y.dims).toEqual([1, (opts as { numClasses?: number }).numClasses ?? 21, hw[0], hw[1]]);
      expect(allFinite(y)).toBe(true);
    }
  });
});

describe('deeplabv3plus', () => {
  it('decoder: 48-channel low-level projection, ASPP at OS 16, two 3×3 convs; three backbones', () => {
    const m = zoo.create('deeplabv3plus');
    const keys = [...m.stateDict().keys()];
    expect(keys).toContain('classifier.project.0.weight');
    expect(m.stateDict().get('classifier.project.0.weight')!.dims).toEqual([48, 256, 1, 1]);
    expect(m.stateDict().get('classifier.classifier.0.weight')!.dims).toEqual([256, 304, 3, 3]);
    expect(m.stateDict().get('classifier.classifier.3.weight')!.dims).toEqual([256, 256, 3, 3]);
    expect(m.stateDict().get('classifier.classifier.6.weight')!.dims).toEqual([21, 256, 1, 1]);
    const g = m.trace(zoo.inputShape('deeplabv3plus'));
    expect(dilations(g, 'classifier.aspp.convs')).toEqual([1, 6, 12, 18, 1]);
    expect(g.outputs[0].shape!.slice(1)).toEqual([21, 512, 512]);
    // parameters: ResNet-101 backbone + ASPP + decoder, counted from the parts
    expect(m.numParameters()).toBe(59_344_309);
    expect(zoo.create('deeplabv3plus', { backbone: 'resnet50' }).numParameters()).toBe(40_352_181);
    expect(zoo.create('deeplabv3plus', { decoderConvs: 1 }).numParameters()).toBe(59_344_309 - 256 * 256 * 9 - 512);
    const gx = zoo.create('deeplabv3plus', { backbone: 'xception' });
    expect(gx.stateDict().get('classifier.project.0.weight')!.dims).toEqual([48, 128, 1, 1]);
    expect([...gx.stateDict().keys()]).toContain('backbone.block12.rep.1.conv1.weight');
    expect(graphCost(m.trace([1, 3, 512, 512])).macs).toBe(88_617_779_200);
  });

  it('every backbone builds, traces, exports and runs on CPU', async () => {
    for (const backbone of ['resnet50', 'resnet101', 'xception']) {
      const m = zoo.create('deeplabv3plus', { backbone, numClasses: 3 });
      const x = seeded([1, 3, 64, 64], 5);
      const y = await runOnCpu(m.trace([...x.dims]), x);
      expect(y.dims, backbone).toEqual([1, 3, 64, 64]);
      expect(allFinite(y), backbone).toBe(true);
    }
  });
});

describe('segmentation zoo: names and bad options', () => {
  it('zoo.list finds them', () => {
    expect(zoo.list('*deeplab*')).toEqual(['deeplabv3_resnet101', 'deeplabv3_resnet50', 'deeplabv3plus']);
    expect(zoo.info('deeplabv3plus').paper.year).toBe(2018);
  });
  it('bad options fail with the allowed values', () => {
    expect(() => zoo.create('deeplabv3_resnet50', { outputStride: 4 })).toThrow(ConfigError);
    expect(() => zoo.create('deeplabv3_resnet50', { outputStride: 4 })).toThrow(/one of 8, 16/);
    expect(() => zoo.create('deeplabv3plus', { backbone: 'vgg16' })).toThrow(/"resnet101", "resnet50", "xception"/);
    expect(() => zoo.create('deeplabv3plus', { backbone: 'xception', outputStride: 8 })).toThrow(/output stride 16 only/);
    expect(() => zoo.create('deeplabv3plus', { decoderConvs: 3 })).toThrow(/one of 2, 1/);
    expect(() => zoo.create('deeplabv3_resnet101', { numClasses: 0 })).toThrow(ConfigError);
    expect(() => zoo.create('deeplabv3_resnet101', { alpha: 0.3 })).toThrow(/outputStride, numClasses, auxLoss/);
  });
});
