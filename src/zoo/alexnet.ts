import { ConfigError } from '../errors';
import * as F from '../nn/functional';
import { Module } from '../nn/module';
import { Conv2d } from '../nn/layers/conv';
import { ReLU } from '../nn/layers/activation';
import { MaxPool2d, AdaptiveAvgPool2d } from '../nn/layers/pooling';
import { Linear, Dropout } from '../nn/layers/linear';
import { Sequential } from '../nn/layers/container';
import { SymTensor } from '../nn/trace';
import { registerFamily, numClassesOption, oneOf, PaperRef } from './registry';

export interface AlexNetOptions {
  numClasses?: number;
  dropout?: number;
  /**
   * 1: torchvision's single-tower AlexNet (default). 2: the paper's two-GPU split — conv2, conv4 and conv5
   * see only the kernel maps of their own GPU (Krizhevsky et al. 2012, Figure 2), i.e. grouped convs with
   * 2 groups; conv1, conv3 and the fully connected layers stay dense. Same keys, smaller conv weights.
   */
  groups?: 1 | 2;
}

/** AlexNet as in torchvision (`features.0..12`, `avgpool`, `classifier.1/4/6`). */
export class AlexNet extends Module {
  features: Sequential;
  avgpool: AdaptiveAvgPool2d;
  classifier: Sequential;
  constructor(o: AlexNetOptions = {}) {
    super();
    const g = o.groups ?? 1;
    if (g !== 1 && g !== 2) throw new ConfigError('invalid groups for alexnet', { expected: 'one of 1, 2', got: String(g), where: 'alexnet.groups' });
    const p = o.dropout ?? 0.5;
    this.features = new Sequential(
      new Conv2d(3, 64, 11, { stride: 4, padding: 2 }), new ReLU(true), new MaxPool2d(3, { stride: 2 }),
      new Conv2d(64, 192, 5, { padding: 2, groups: g }), new ReLU(true), new MaxPool2d(3, { stride: 2 }),
      new Conv2d(192, 384, 3, { padding: 1 }), new ReLU(true),
      new Conv2d(384, 256, 3, { padding: 1, groups: g }), new ReLU(true),
      new Conv2d(256, 256, 3, { padding: 1, groups: g }), new ReLU(true), new MaxPool2d(3, { stride: 2 }),
    );
    this.avgpool = new AdaptiveAvgPool2d([6, 6]);
    this.classifier = new Sequential(
      new Dropout(p), new Linear(256 * 6 * 6, 4096), new ReLU(true),
      new Dropout(p), new Linear(4096, 4096), new ReLU(true),
      new Linear(4096, o.numClasses ?? 1000),
    );
  }
  forward(x: SymTensor): SymTensor {
    return this.classifier.call(F.flatten(this.avgpool.call(this.features.call(x)), 1));
  }
}

export const ALEXNET_PAPER: PaperRef = {
  title: 'ImageNet Classification with Deep Convolutional Neural Networks',
  authors: 'Alex Krizhevsky, Ilya Sutskever, Geoffrey E. Hinton', year: 2012, citation: 'Krizhevsky et al., NeurIPS 2012',
  url: 'https://papers.nips.cc/paper/2012/hash/c399862d3b9d6b76c8436e924a68c45b-Abstract.html',
};

export const { alexnet } = registerFamily({
  family: 'alexnet', paper: ALEXNET_PAPER, inputSize: [3, 224, 224],
  options: {
    groups: oneOf([1, 2], 1, "1: torchvision's single tower; 2: the paper's two-GPU grouped conv2/conv4/conv5"),
    numClasses: numClassesOption(1000),
  },
  build: (_: null, o) => new AlexNet(o),
  variants: {
    alexnet: { config: null,
      reported: { params: 61_100_840, gmacs_torchvision: 0.714, params_paper: '60 M', top1_error_paper: 37.5, top5_error_paper: 17.0 },
      description: "AlexNet (torchvision's 64-192-384-256-256 variant of the one-weird-trick paper; `groups: 2` splits conv2/4/5 across two towers)" },
  },
});
