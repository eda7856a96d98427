/**
 * MobileNet v1 (Howard et al. 2017, Table 1) with the parameter names of timm's `mobilenetv1_100`
 * (timm ≥ 1.0.9, `timm/models/efficientnet.py` `_gen_mobilenet_v1`: EfficientNet class with
 * `conv_stem`, `bn1`, `blocks.S.I.{conv_dw,bn1,conv_pw,bn2}` (DepthwiseSeparableConv 'dsa', no skip),
 * no head conv, `classifier`). Width multiplier α scales every layer (stem 32α … 1024α); the
 * resolution multiplier is the input size (224/192/160/128). ReLU6 as TF-slim and timm (option
 * `activation: 'relu'` for the paper's plain ReLU; no parameters change).
 */
import { ConfigError } from '../errors';
import * as F from '../nn/functional';
import { Module } from '../nn/module';
import { BatchNorm2d } from '../nn/layers/norm';
import { Conv2d } from '../nn/layers/conv';
import { Linear } from '../nn/layers/linear';
import { Sequential } from '../nn/layers/container';
import { DepthwiseSeparableConv, MobileNetV1Activation, makeDivisible, mobilenetV1Act } from '../nn/blocks/mobilenet';
import { SymTensor } from '../nn/trace';
import { registerFamily, numClassesOption, oneOf, PaperRef } from './registry';

export const MOBILENET_V1_ALPHAS = [1, 0.75, 0.5, 0.25] as const;
export const MOBILENET_V1_RESOLUTIONS = [224, 192, 160, 128] as const;

export interface MobileNetV1Options {
  /** width multiplier α (Table 6): 1, 0.75, 0.5, 0.25 */
  alpha?: number;
  /** input resolution (Table 7); the network is fully convolutional + global pooling, so it only sets inputShape */
  resolution?: number;
  numClasses?: number;
  activation?: MobileNetV1Activation;
}

/** Table 1 as [out channels, stride] of the 13 depthwise-separable layers, grouped in timm's stages. */
const STAGES: [number, number][][] = [
  [[64, 1]],
  [[128, 2], [128, 1]],
  [[256, 2], [256, 1]],
  [[512, 2], [512, 1], [512, 1], [512, 1], [512, 1], [512, 1]],
  [[1024, 2], [1024, 1]],
];

export class MobileNetV1 extends Module {
  conv_stem: Conv2d;
  bn1: BatchNorm2d;
  blocks: Sequential;
  classifier: Linear;
  readonly alpha: number;
  readonly resolution: number;
  readonly activation: MobileNetV1Activation;

  constructor(o: MobileNetV1Options = {}) {
    super();
    this.alpha = o.alpha ?? 1;
    this.resolution = o.resolution ?? 224;
    this.activation = o.activation ?? 'relu6';
    if (!(this.alpha > 0)) throw new ConfigError('alpha must be positive', { expected: `e.g. one of ${MOBILENET_V1_ALPHAS.join(', ')}`, got: String(o.alpha), where: 'mobilenet_v1.alpha' });
    if (this.activation !== 'relu6' && this.activation !== 'relu') {
      throw new ConfigError('unknown activation', { expected: "'relu6' | 'relu'", got: JSON.stringify(o.activation), where: 'mobilenet_v1.activation' });
    }
    // timm's round_channels: make_divisible(c·α, 8); exact for the four α of the paper
    const ch = (c: number) => makeDivisible(c * this.alpha, 8);
    let cin = ch(32);
    this.conv_stem = new Conv2d(3, cin, 3, { stride: 2, padding: 1, bias: false });
    this.bn1 = new BatchNorm2d(cin);
    const stages: Module[] = [];
    for (const stage of STAGES) {
      const units: Module[] = [];
      for (const [c, s] of stage) {
        units.push(new DepthwiseSeparableConv(cin, ch(c), s, this.activation));
        cin = ch(c);
      }
      stages.push(new Sequential(...units));
    }
    this.blocks = new Sequential(...stages);
    this.classifier = new Linear(cin, o.numClasses ?? 1000);
  }

  override get typeName(): string { return 'MobileNetV1'; }

  forward(x: SymTensor): SymTensor {
    const y = this.blocks.call(mobilenetV1Act(this.bn1.call(this.conv_stem.call(x)), this.activation));
    return this.classifier.call(F.flatten(F.globalAvgPool(y), 1));
  }
}

export const MOBILENET_V1_PAPER: PaperRef = {
  title: 'MobileNets: Efficient Convolutional Neural Networks for Mobile Vision Applications',
  authors: 'Andrew G. Howard, Menglong Zhu, Bo Chen, Dmitry Kalenichenko, Weijun Wang, Tobias Weyand, Marco Andreetto, Hartwig Adam',
  year: 2017, citation: 'Howard et al., arXiv 2017', url: 'https://arxiv.org/abs/1704.04861',
};

export const { mobilenetV1 } = registerFamily({
  family: 'mobilenet', paper: MOBILENET_V1_PAPER, inputSize: [3, 224, 224],
  options: {
    alpha: oneOf(MOBILENET_V1_ALPHAS, 1, 'width multiplier α (Table 6)'),
    resolution: oneOf(MOBILENET_V1_RESOLUTIONS, 224, 'input resolution ρ·224 (Table 7)'),
    activation: oneOf(['relu6', 'relu'], 'relu6', "ReLU6 as TF-slim/timm, or the paper's ReLU"),
    numClasses: numClassesOption(1000),
  },
  build: (_: null, o) => new MobileNetV1(o),
  variants: {
    mobilenet_v1: {
      config: null,
      reported: {
        params: 4_231_976, mmacs: 569, top1: 70.6,
        // Table 6 (α at 224) and Table 7 (α = 1 at lower resolutions): million mult-adds
        mmacs_alpha0_75: 325, mmacs_alpha0_5: 149, mmacs_alpha0_25: 41,
        mmacs_r192: 418, mmacs_r160: 290, mmacs_r128: 186,
        names: 'timm mobilenetv1_100 (timm ≥ 1.0.9)',
        mmacs_convention: 'conv + FC, to the nearest million; 160: the conv-only count (289.65 M) = 569·(160/224)²',
      },
      description: 'MobileNet v1 (depthwise-separable convolutions, width and resolution multipliers)',
    },
  },
});
