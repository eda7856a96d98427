import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nn, ConfigError, NotFoundError } from '../../src';
import { fromOnnx } from '../../src/graph/onnx';
import { receptiveField, receptiveFieldOfStack } from '../../src/api/analysis';
import { SymTensor } from '../../src/nn/trace';
import * as zoo from '../../src/zoo';

const { Module, Conv2d, ReLU, MaxPool2d, Sequential, AdaptiveAvgPool2d, Linear, Flatten, F } = nn;

/** Hand rules, one axis: a layer (k, s, d, p) maps r → r + (d(k−1))·j, j → j·s, start → start + (d(k−1)/2 − p)·j. */
interface L { k: number; s?: number; d?: number; p?: number }
function hand(layers: L[], r0 = { r: 1, j: 1, start: 0 }): { r: number; j: number; start: number }[] {
  let { r, j, start } = r0;
  return layers.map(({ k, s = 1, d = 1, p = 0 }) => {
    const eff = d * (k - 1) + 1;
    r += (eff - 1) * j;
    start += ((eff - 1) / 2 - p) * j;
    j *= s;
    return { r, j, start };
  });
}

describe('receptive fields', () => {
  it('three 3×3 convs with dilations 1, 2, 4: 15', () => {
    const stack = new Sequential(
      new Conv2d(1, 2, 3, { padding: 1 }), new ReLU(),
      new Conv2d(2, 2, 3, { padding: 2, dilation: 2 }), new ReLU(),
      new Conv2d(2, 1, 3, { padding: 4, dilation: 4 }));
    const rf = receptiveField(stack, [1, 1, 40, 40]);
    expect(rf.get('0').size).toEqual([3, 3]);
    expect(rf.get('2').size).toEqual([7, 7]);
    expect(rf.get('4')).toEqual({ size: [15, 15], jump: [1, 1], start: [0, 0] });
    expect(receptiveFieldOfStack([{ kernel: 3 }, { kernel: 3, dilation: 2 }, { kernel: 3, dilation: 4 }]).map((x) => x.size)).toEqual([3, 7, 15]);
    expect(rf.text()).toContain('15');
  });

  it('VGG16: conv5_3 = 196, pool5 = 212, every layer by the hand rules', () => {
    const cfg = [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 'M', 512, 512, 512, 'M', 512, 512, 512, 'M'] as const;
    const mods: nn.Module[] = [];
    const layers: L[] = [];
    const convIdx: number[] = [];
    let cin = 3;
    for (const v of cfg) {
      if (v === 'M') { mods.push(new MaxPool2d(2, { stride: 2 })); layers.push({ k: 2, s: 2 }); continue; }
      convIdx.push(mods.length);
      mods.push(new Conv2d(cin, v, 3, { padding: 1 }), new ReLU(true));
      layers.push({ k: 3, p: 1 }, { k: 1 });
      cin = v;
    }
    const vgg = new Sequential(...mods);
    const rf = receptiveField(vgg, [1, 3, 224, 224]);
    const h = hand(layers);
    h.forEach((e, i) => expect(rf.get(String(i))).toEqual({ size: [e.r, e.r], jump: [e.j, e.j], start: [e.start, e.start] }));
    const conv5_3 = convIdx[12];
    expect(rf.get(String(conv5_3)).size[0]).toBe(196);
    expect(rf.get(String(mods.length - 1)).size[0]).toBe(212);
    expect(rf.get(String(mods.length - 1)).jump[0]).toBe(32);
    // start: pools shift the centre by half a window: 0.5 + 1 + 2 + 4 + 8
    expect(rf.get(String(mods.length - 1)).start[0]).toBe(15.5);
  });

  it('AlexNet (torchvision layout): pool5 = 195', () => {
    const features = new Sequential(
      new Conv2d(3, 64, 11, { stride: 4, padding: 2 }), new ReLU(), new MaxPool2d(3, { stride: 2 }),
      new Conv2d(64, 192, 5, { padding: 2 }), new ReLU(), new MaxPool2d(3, { stride: 2 }),
      new Conv2d(192, 384, 3, { padding: 1 }), new ReLU(),
      new Conv2d(384, 256, 3, { padding: 1 }), new ReLU(),
      new Conv2d(256, 256, 3, { padding: 1 }), new ReLU(), new MaxPool2d(3, { stride: 2 }));
    class AlexNetLike extends Module {
      features = features;
      avgpool = new AdaptiveAvgPool2d(6);
      forward(x: SymTensor): SymTensor { return this.avgpool.call(this.features.call(x)); }
    }
    const rf = receptiveField(new AlexNetLike(), [1, 3, 224, 224]);
    const h = hand([{ k: 11, s: 4, p: 2 }, { k: 3, s: 2 }, { k: 5, p: 2 }, { k: 3, s: 2 }, { k: 3, p: 1 }, { k: 3, p: 1 }, { k: 3, p: 1 }, { k: 3, s: 2 }]);
    expect(h.map((e) => e.r)).toEqual([11, 19, 51, 67, 99, 131, 163, 195]);
    expect(rf.get('features.12').size).toEqual([195, 195]);
    expect(rf.get('features.12')).toEqual({ size: [195, 195], jump: [32, 32], start: [h[7].start, h[7].start] });
    expect(rf.get('features.10').size[0]).toBe(163);
  });

  it('the zoo\'s AlexNet and VGG16 (torchvision module paths): pool5 195; conv5_3 196, pool5 212', () => {
    const alex = receptiveField(zoo.create('alexnet'), [1, 3, 224, 224]);
    expect(alex.get('features.12').size).toEqual([195, 195]);
    const vgg = receptiveField(zoo.create('vgg16'), [1, 3, 224, 224]);
    expect(vgg.get('features.28').size).toEqual([196, 196]);
    expect(vgg.get('features.30')).toEqual({ size: [212, 212], jump: [32, 32], start: [15.5, 15.5] });
  });

  it('ResNet-50 stages by the hand rules (v1.5 and the paper\'s stride-in-1×1 layout: 483)', () => {
    for (const strideIn of ['3x3', '1x1'] as const) {
      const rf = receptiveField(zoo.create('resnet50', { strideIn }), [1, 3, 224, 224], { depth: 1 });
      // main path: stem 7/2 p3, pool 3/2 p1, then per bottleneck 1×1, 3×3 p1, 1×1 with the stage's stride on
      // the 3×3 (v1.5) or the first 1×1 (paper); the 1×1 downsample branch is never larger (max over branches)
      const layers: L[] = [{ k: 7, s: 2, p: 3 }, { k: 3, s: 2, p: 1 }];
      const ends: number[] = [];
      [3, 4, 6, 3].forEach((blocks, stage) => {
        for (let b = 0; b < blocks; b++) {
          const s = stage > 0 && b === 0 ? 2 : 1;
          layers.push(strideIn === '3x3' ? { k: 1 } : { k: 1, s }, strideIn === '3x3' ? { k: 3, s, p: 1 } : { k: 3, p: 1 }, { k: 1 });
        }
        ends.push(layers.length - 1);
      });
      const h = hand(layers);
      ['layer1', 'layer2', 'layer3', 'layer4'].forEach((name, i) => {
        const e = h[ends[i]];
        expect(rf.get(name)).toEqual({ size: [e.r, e.r], jump: [e.j, e.j], start: [e.start, e.start] });
      });
      expect(rf.get('layer4').size[0]).toBe(strideIn === '1x1' ? 483 : 427);
      // global pooling: the whole 7×7 map
      expect(rf.get('avgpool').size[0]).toBe(h[ends[3]].r + 6 * 32);
    }
  });

  it('the maximum over branches (per axis) at Concat and Add; asymmetric kernels; stride moves the start', () => {
    class Branches extends Module {
      stem = new Conv2d(3, 4, 3, { stride: 2 });      // r 3, j 2, start 1
      b1 = new Conv2d(4, 4, 1);
      b3 = new Conv2d(4, 4, 3, { padding: 1 });      // r 3 + 2·2 = 7
      b5 = new Conv2d(4, 4, [5, 1], { padding: [2, 0] }); // r (3 + 4·2, 3) = (11, 3)
      forward(x: SymTensor): SymTensor {
        const s = this.stem.call(x);
        const c = F.concat([this.b1.call(s), this.b5.call(s)], 1);
        return F.add(F.concat([this.b3.call(s), this.b3.call(s)], 1), c);
      }
    }
    const rf = receptiveField(new Branches(), [1, 3, 21, 21]);
    expect(rf.get('stem')).toEqual({ size: [3, 3], jump: [2, 2], start: [1, 1] });
    expect(rf.get('b3').size).toEqual([7, 7]);
    expect(rf.get('b5').size).toEqual([11, 3]);
    // per axis: h from the 5×1 branch (11), w from the 3×3 branch (7)
    expect(rf.get('')).toEqual({ size: [11, 7], jump: [2, 2], start: [1, 1] });
  });

  it('an imported ONNX graph (tinycnn): torch node names give the module paths', () => {
    const rf = receptiveField(fromOnnx(readFileSync(join(__dirname, '..', 'fixtures', 'onnx', 'tinycnn.onnx'))));
    // stem 3/2 p1 → (3, 2, 0); branch_b 3×3 dilation 2 → 3 + 4·2 = 11; the add keeps the max; pool 3/2 → 11 + 2·2 = 15, start 0 + 1·2
    expect(rf.get('stem')).toEqual({ size: [3, 3], jump: [2, 2], start: [0, 0] });
    expect(rf.get('branch_b')).toEqual({ size: [11, 11], jump: [2, 2], start: [0, 0] });
    expect(rf.get('pool')).toEqual({ size: [15, 15], jump: [4, 4], start: [2, 2] });
  });

  it('flattening sees the whole map; bad input is typed', () => {
    const m = new Sequential(new Conv2d(1, 1, 3), new Flatten(), new Linear(36, 2));
    const rf = receptiveField(m, [1, 1, 8, 8]);
    expect(rf.get('1').size).toEqual([3 + 5, 3 + 5]);
    expect(() => rf.get('nope')).toThrow(NotFoundError);
    expect(() => receptiveField(m)).toThrow(ConfigError);
    expect(() => receptiveFieldOfStack([{ kernel: 0 }])).toThrow(ConfigError);
  });
});
