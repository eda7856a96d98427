import { ConfigError } from '../errors';
import * as F from '../nn/functional';
import { Module } from '../nn/module';
import { Linear, Dropout } from '../nn/layers/linear';
import { Sequential } from '../nn/layers/container';
import { InvertedResidual, makeDivisible } from '../nn/blocks/mobilenet';
import { convNormAct, relu6 } from '../nn/blocks/conv-norm-act';
import { SymTensor } from '../nn/trace';
import { registerFamily, numClassesOption, value, PaperRef } from './registry';

export interface MobileNetV2Options {
  numClasses?: number;
  widthMult?: number;
  roundNearest?: number;
  dropout?: number;
}

/** MobileNetV2 as in torchvision (`features.0..18`, `classifier.1`); Table 2 of the paper. */
export class MobileNetV2 extends Module {
  features: Sequential;
  classifier: Sequential;
  constructor(o: MobileNetV2Options = {}) {
    super();
    const width = o.widthMult ?? 1;
    if (!(width > 0)) throw new ConfigError('widthMult must be positive', { got: String(width), where: 'mobilenet_v2' });
    const rn = o.roundNearest ?? 8;
    // t (expansion), c (channels), n (repeats), s (stride): paper Table 2
    const setting = [[1, 16, 1, 1], [6, 24, 2, 2], [6, 32, 3, 2], [6, 64, 4, 2], [6, 96, 3, 1], [6, 160, 3, 2], [6, 320, 1, 1]];
    let inputChannel = makeDivisible(32 * width, rn);
    const lastChannel = makeDivisible(1280 * Math.max(1, width), rn);
    const feats: Module[] = [convNormAct(3, inputChannel, 3, { stride: 2, activation: relu6 })];
    for (const [t, c, n, s] of setting) {
      const out = makeDivisible(c * width, rn);
      for (let i = 0; i < n; i++) {
        feats.push(new InvertedResidual(inputChannel, out, i === 0 ? s : 1, t));
        inputChannel = out;
      }
    }
    feats.push(convNormAct(inputChannel, lastChannel, 1, { activation: relu6 }));
    this.features = new Sequential(...feats);
    this.classifier = new Sequential(new Dropout(o.dropout ?? 0.2), new Linear(lastChannel, o.numClasses ?? 1000));
  }
  forward(x: SymTensor): SymTensor {
    const f = this.features.call(x);
    return this.classifier.call(F.flatten(F.globalAvgPool(f), 1));
  }
}

export const MOBILENET_V2_PAPER: PaperRef = {
  title: 'MobileNetV2: Inverted Residuals and Linear Bottlenecks',
  authors: 'Mark Sandler, Andrew Howard, Menglong Zhu, Andrey Zhmoginov, Liang-Chieh Chen', year: 2018,
  citation: 'Sandler et al., CVPR 2018', url: 'https://arxiv.org/abs/1801.04381',
};

export const { mobilenetV2 } = registerFamily({
  family: 'mobilenet', paper: MOBILENET_V2_PAPER, inputSize: [3, 224, 224],
  options: { widthMult: value(1, 'width multiplier α'), numClasses: numClassesOption(1000) },
  build: (_: null, o) => new MobileNetV2(o),
  variants: {
    mobilenet_v2: { config: null, reported: { params: 3_504_872, mmacs: 300, top1: 72.0 }, description: 'MobileNetV2 (inverted residuals, linear bottlenecks)' },
  },
});
