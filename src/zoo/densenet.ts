import { ConfigError } from '../errors';
import * as F from '../nn/functional';
import { Module } from '../nn/module';
import { Conv2d } from '../nn/layers/conv';
import { BatchNorm2d } from '../nn/layers/norm';
import { ReLU } from '../nn/layers/activation';
import { MaxPool2d } from '../nn/layers/pooling';
import { Linear } from '../nn/layers/linear';
import { Sequential } from '../nn/layers/container';
import { DenseBlock, Transition, compressedChannels } from '../nn/blocks/densenet';
import { SymTensor } from '../nn/trace';
import { registerFamily, numClassesOption, oneOf, value, PaperRef } from './registry';

export interface DenseNetOptions {
  /** k, the growth rate (32 for densenet121/169/201, 48 for densenet161) */
  growthRate?: number;
  /** layers per dense block, e.g. [6, 12, 24, 16] */
  blockConfig?: readonly number[];
  /** channels of the stem conv (2k in the paper) */
  numInitFeatures?: number;
  /** bottleneck factor (1×1 conv to bnSize·k channels); 4 in the paper */
  bnSize?: number;
  /** DenseNet-B bottleneck layers (default true) */
  bottleneck?: boolean;
  /** θ of the transitions (default 0.5, DenseNet-C); 1 = no compression */
  compression?: number;
  dropRate?: number;
  numClasses?: number;
}

/** DenseNet-BC for ImageNet as in torchvision: `features.{conv0,norm0,relu0,pool0,denseblockN,transitionN,norm5}`, `classifier`. */
export class DenseNet extends Module {
  features: Sequential;
  classifier: Linear;
  constructor(o: DenseNetOptions = {}) {
    super();
    const k = o.growthRate ?? 32;
    const blocks = o.blockConfig ?? [6, 12, 24, 16];
    if (!blocks.length || blocks.some((n) => !Number.isInteger(n) || n < 1)) {
      throw new ConfigError('blockConfig must be a non-empty list of positive integers', { got: JSON.stringify(blocks), where: 'DenseNet' });
    }
    const init = o.numInitFeatures ?? 64;
    const theta = o.compression ?? 0.5;
    const f = new Sequential({
      conv0: new Conv2d(3, init, 7, { stride: 2, padding: 3, bias: false }),
      norm0: new BatchNorm2d(init),
      relu0: new ReLU(true),
      pool0: new MaxPool2d(3, { stride: 2, padding: 1 }),
    });
    let c = init;
    blocks.forEach((n, i) => {
      const b = new DenseBlock(n, c, k, { bnSize: o.bnSize ?? 4, bottleneck: o.bottleneck ?? true, dropRate: o.dropRate ?? 0 });
      f.append(b, `denseblock${i + 1}`);
      c = b.outChannels;
      if (i !== blocks.length - 1) {
        const out = compressedChannels(c, theta);
        f.append(new Transition(c, out), `transition${i + 1}`);
        c = out;
      }
    });
    f.append(new BatchNorm2d(c), 'norm5');
    this.features = f;
    this.classifier = new Linear(c, o.numClasses ?? 1000);
  }
  forward(x: SymTensor): SymTensor {
    const y = F.relu(this.features.call(x));
    return this.classifier.call(F.flatten(F.globalAvgPool(y), 1));
  }
}

export const DENSENET_PAPER: PaperRef = {
  title: 'Densely Connected Convolutional Networks',
  authors: 'Gao Huang, Zhuang Liu, Laurens van der Maaten, Kilian Q. Weinberger', year: 2017,
  citation: 'Huang et al., CVPR 2017', url: 'https://arxiv.org/abs/1608.06993',
};

/** growth rate, blocks, init features, torchvision params and GMACs, paper top-1 error (single crop, Table 3; 161 is not in it) */
const row = (depth: number, k: number, blocks: number[], init: number, params: number, gmacs: number, err: number | null) => ({
  config: { growthRate: k, blockConfig: blocks, numInitFeatures: init },
  reported: { params, gmacs_torchvision: gmacs, ...(err === null ? {} : { top1_error_paper_single_crop: err }), growth_rate: k, blocks: blocks.join('-') },
  description: `DenseNet-BC-${depth} (k = ${k}, blocks ${blocks.join('-')})`,
});

export const { densenet121, densenet161, densenet169, densenet201 } = registerFamily({
  family: 'densenet', paper: DENSENET_PAPER, inputSize: [3, 224, 224],
  options: {
    bottleneck: oneOf([true, false], true, 'DenseNet-B 1×1 bottleneck (4k channels) in every layer'),
    compression: value(0.5, 'θ of the transition layers, 0 < θ ≤ 1 (DenseNet-C: 0.5)'),
    numClasses: numClassesOption(1000),
  },
  build: (c: Pick<DenseNetOptions, 'growthRate' | 'blockConfig' | 'numInitFeatures'>, o) => new DenseNet({ ...c, ...o }),
  variants: {
    densenet121: row(121, 32, [6, 12, 24, 16], 64, 7_978_856, 2.834, 25.02),
    densenet161: row(161, 48, [6, 12, 36, 24], 96, 28_681_000, 7.728, null),
    densenet169: row(169, 32, [6, 12, 32, 32], 64, 14_149_480, 3.36, 23.80),
    densenet201: row(201, 32, [6, 12, 48, 32], 64, 20_013_928, 4.291, 22.58),
  },
});
