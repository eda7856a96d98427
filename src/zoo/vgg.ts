import * as F from '../nn/functional';
import { Module } from '../nn/module';
import { Conv2d } from '../nn/layers/conv';
import { BatchNorm2d } from '../nn/layers/norm';
import { ReLU } from '../nn/layers/activation';
import { MaxPool2d, AdaptiveAvgPool2d } from '../nn/layers/pooling';
import { Linear, Dropout } from '../nn/layers/linear';
import { Sequential } from '../nn/layers/container';
import { SymTensor } from '../nn/trace';
import { registerFamily, numClassesOption, PaperRef } from './registry';

/** The paper's Table 1 configurations: numbers are 3×3 conv widths, 'M' a 2×2/2 max pool. */
export const VGG_CFGS: Record<'A' | 'B' | 'D' | 'E', readonly (number | 'M')[]> = {
  A: [64, 'M', 128, 'M', 256, 256, 'M', 512, 512, 'M', 512, 512, 'M'],
  B: [64, 64, 'M', 128, 128, 'M', 256, 256, 'M', 512, 512, 'M', 512, 512, 'M'],
  D: [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 'M', 512, 512, 512, 'M', 512, 512, 512, 'M'],
  E: [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 256, 'M', 512, 512, 512, 512, 'M', 512, 512, 512, 512, 'M'],
};

/** torchvision's make_layers: conv3×3 (pad 1, bias) [+ BN] + ReLU per number, MaxPool2d(2, 2) per 'M'. */
export function makeVggLayers(cfg: readonly (number | 'M')[], batchNorm = false): Sequential {
  const layers: Module[] = [];
  let c = 3;
  for (const v of cfg) {
    if (v === 'M') { layers.push(new MaxPool2d(2, { stride: 2 })); continue; }
    layers.push(new Conv2d(c, v, 3, { padding: 1 }));
    if (batchNorm) layers.push(new BatchNorm2d(v));
    layers.push(new ReLU(true));
    c = v;
  }
  return new Sequential(...layers);
}

export interface VGGOptions {
  numClasses?: number;
  dropout?: number;
}

/** VGG as in torchvision: `features` (make_layers), `avgpool` (adaptive 7×7), `classifier.0/3/6`. */
export class VGG extends Module {
  features: Sequential;
  avgpool: AdaptiveAvgPool2d;
  classifier: Sequential;
  constructor(features: Sequential, o: VGGOptions = {}) {
    super();
    this.features = features;
    const p = o.dropout ?? 0.5;
    this.avgpool = new AdaptiveAvgPool2d([7, 7]);
    this.classifier = new Sequential(
      new Linear(512 * 7 * 7, 4096), new ReLU(true), new Dropout(p),
      new Linear(4096, 4096), new ReLU(true), new Dropout(p),
      new Linear(4096, o.numClasses ?? 1000),
    );
  }
  forward(x: SymTensor): SymTensor {
    return this.classifier.call(F.flatten(this.avgpool.call(this.features.call(x)), 1));
  }
}

export const VGG_PAPER: PaperRef = {
  title: 'Very Deep Convolutional Networks for Large-Scale Image Recognition',
  authors: 'Karen Simonyan, Andrew Zisserman', year: 2015, citation: 'Simonyan & Zisserman, ICLR 2015',
  url: 'https://arxiv.org/abs/1409.1556',
};

/** configuration of Table 1, BatchNorm, torchvision params, torchvision GMACs, paper Table 2 params (M) */
const row = (cfg: keyof typeof VGG_CFGS, bn: boolean, depth: number, params: number, gmacs: number, paperParams: number) => ({
  config: { cfg, bn },
  reported: { params, gmacs_torchvision: gmacs, params_paper_millions: paperParams, config: cfg },
  description: `VGG-${depth} (configuration ${cfg} of Table 1${bn ? ', with BatchNorm after every conv as in torchvision' : ''})`,
});

export const { vgg11, vgg11Bn, vgg13, vgg13Bn, vgg16, vgg16Bn, vgg19, vgg19Bn } = registerFamily({
  family: 'vgg', paper: VGG_PAPER, inputSize: [3, 224, 224],
  options: { numClasses: numClassesOption(1000) },
  build: (c: { cfg: keyof typeof VGG_CFGS; bn: boolean }, o) => new VGG(makeVggLayers(VGG_CFGS[c.cfg], c.bn), o),
  variants: {
    vgg11: row('A', false, 11, 132_863_336, 7.609, 133),
    vgg11_bn: row('A', true, 11, 132_868_840, 7.609, 133),
    vgg13: row('B', false, 13, 133_047_848, 11.308, 133),
    vgg13_bn: row('B', true, 13, 133_053_736, 11.308, 133),
    vgg16: row('D', false, 16, 138_357_544, 15.47, 138),
    vgg16_bn: row('D', true, 16, 138_365_992, 15.47, 138),
    vgg19: row('E', false, 19, 143_667_240, 19.632, 144),
    vgg19_bn: row('E', true, 19, 143_678_248, 19.632, 144),
  },
});
