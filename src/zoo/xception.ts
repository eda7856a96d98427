/**
 * Xception (Chollet, CVPR 2017, Figure 5) with the parameter names of timm's legacy `xception`
 * (timm ≤ 0.6 `timm/models/xception.py`, `legacy_xception` in timm ≥ 0.9; ported from Cadene's
 * pretrainedmodels): conv1, bn1, conv2, bn2, block1..block12 (rep / skip / skipbn), conv3, bn3,
 * conv4, bn4 (SeparableConv2d: conv1 depthwise, pointwise), fc. Input 299×299.
 */
import { ConfigError } from '../errors';
import * as F from '../nn/functional';
import { Module } from '../nn/module';
import { BatchNorm2d } from '../nn/layers/norm';
import { Conv2d } from '../nn/layers/conv';
import { ReLU, ELU } from '../nn/layers/activation';
import { Linear } from '../nn/layers/linear';
import { SeparableConv2d, SeparableMiddle } from '../nn/layers/separable';
import { XceptionBlock, xceptionEntryBlock, xceptionExitBlock, xceptionMiddleBlock } from '../nn/blocks/xception';
import { SymTensor } from '../nn/trace';
import { registerFamily, numClassesOption, oneOf, PaperRef } from './registry';

/** Figure 10: the activation between the depthwise and the pointwise conv of every separable conv. */
export type XceptionMiddleActivation = 'none' | 'relu' | 'elu';
export const XCEPTION_MIDDLE_ACTIVATIONS: readonly XceptionMiddleActivation[] = ['none', 'relu', 'elu'];

export interface XceptionOptions {
  numClasses?: number;
  /** default 'none' (the paper's choice, best in Figure 10) */
  middleActivation?: XceptionMiddleActivation;
}

export class Xception extends Module {
  conv1: Conv2d;
  bn1: BatchNorm2d;
  act1: ReLU;
  conv2: Conv2d;
  bn2: BatchNorm2d;
  act2: ReLU;
  block1: XceptionBlock; block2: XceptionBlock; block3: XceptionBlock;
  block4: XceptionBlock; block5: XceptionBlock; block6: XceptionBlock; block7: XceptionBlock;
  block8: XceptionBlock; block9: XceptionBlock; block10: XceptionBlock; block11: XceptionBlock;
  block12: XceptionBlock;
  conv3: SeparableConv2d;
  bn3: BatchNorm2d;
  act3: ReLU;
  conv4: SeparableConv2d;
  bn4: BatchNorm2d;
  act4: ReLU;
  fc: Linear;
  readonly middleActivation: XceptionMiddleActivation;

  constructor(o: XceptionOptions = {}) {
    super();
    const ma = o.middleActivation ?? 'none';
    if (!XCEPTION_MIDDLE_ACTIVATIONS.includes(ma)) {
      throw new ConfigError('invalid middleActivation for xception', { expected: `one of ${XCEPTION_MIDDLE_ACTIVATIONS.map((a) => `'${a}'`).join(', ')}`, got: JSON.stringify(ma), where: 'xception.middleActivation' });
    }
    this.middleActivation = ma;
    const middle = (): SeparableMiddle => (ma === 'elu' ? new ELU() : ma);
    const b = { middle };
    // entry flow
    this.conv1 = new Conv2d(3, 32, 3, { stride: 2, bias: false });
    this.bn1 = new BatchNorm2d(32);
    this.act1 = new ReLU(true);
    this.conv2 = new Conv2d(32, 64, 3, { bias: false });
    this.bn2 = new BatchNorm2d(64);
    this.act2 = new ReLU(true);
    this.block1 = xceptionEntryBlock(64, 128, { ...b, startWithRelu: false });
    this.block2 = xceptionEntryBlock(128, 256, b);
    this.block3 = xceptionEntryBlock(256, 728, b);
    // middle flow: 8 × 3 separable convs at 728
    this.block4 = xceptionMiddleBlock(728, b); this.block5 = xceptionMiddleBlock(728, b);
    this.block6 = xceptionMiddleBlock(728, b); this.block7 = xceptionMiddleBlock(728, b);
    this.block8 = xceptionMiddleBlock(728, b); this.block9 = xceptionMiddleBlock(728, b);
    this.block10 = xceptionMiddleBlock(728, b); this.block11 = xceptionMiddleBlock(728, b);
    // exit flow
    this.block12 = xceptionExitBlock(728, 1024, b);
    this.conv3 = new SeparableConv2d(1024, 1536, 3, { padding: 1, middle: middle() });
    this.bn3 = new BatchNorm2d(1536);
    this.act3 = new ReLU(true);
    this.conv4 = new SeparableConv2d(1536, 2048, 3, { padding: 1, middle: middle() });
    this.bn4 = new BatchNorm2d(2048);
    this.act4 = new ReLU(true);
    this.fc = new Linear(2048, o.numClasses ?? 1000);
  }

  forward(x: SymTensor): SymTensor {
    let y = this.act1.call(this.bn1.call(this.conv1.call(x)));
    y = this.act2.call(this.bn2.call(this.conv2.call(y)));
    for (const blk of [this.block1, this.block2, this.block3, this.block4, this.block5, this.block6, this.block7, this.block8, this.block9, this.block10, this.block11, this.block12]) {
      y = blk.call(y);
    }
    y = this.act3.call(this.bn3.call(this.conv3.call(y)));
    y = this.act4.call(this.bn4.call(this.conv4.call(y)));
    return this.fc.call(F.flatten(F.globalAvgPool(y), 1));
  }
}

export const XCEPTION_PAPER: PaperRef = {
  title: 'Xception: Deep Learning with Depthwise Separable Convolutions',
  authors: 'François Chollet', year: 2017, citation: 'Chollet, CVPR 2017', url: 'https://arxiv.org/abs/1610.02357',
};

export const { xception } = registerFamily({
  family: 'xception', paper: XCEPTION_PAPER, inputSize: [3, 299, 299],
  options: {
    middleActivation: oneOf(XCEPTION_MIDDLE_ACTIVATIONS, 'none', 'activation between depthwise and pointwise (Figure 10)'),
    numClasses: numClassesOption(1000),
  },
  build: (_: null, o) => new Xception(o),
  variants: {
    xception: {
      config: null,
      // Table 3: 22,855,952 parameters; ImageNet top-1 0.790 (Table 1)
      reported: { params: 22_855_952, top1: 79.0, names: 'timm legacy xception (timm ≤ 0.6 xception / ≥ 0.9 legacy_xception)' },
      description: 'Xception (entry/middle/exit flow of depthwise-separable convolutions with residual connections)',
    },
  },
});
