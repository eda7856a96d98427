import { ConfigError } from '../errors';
import * as F from '../nn/functional';
import { Module } from '../nn/module';
import { Linear, Dropout } from '../nn/layers/linear';
import { Sequential } from '../nn/layers/container';
import { Hardswish } from '../nn/layers/activation';
import { AdaptiveAvgPool2d } from '../nn/layers/pooling';
import { convNormAct } from '../nn/blocks/conv-norm-act';
import { BneckConfig, InvertedResidualV3, MOBILENET_V3_BN_EPS as BN_EPS, MOBILENET_V3_BN_MOMENTUM as BN_MOMENTUM, makeDivisible } from '../nn/blocks/mobilenet';
import { SymTensor } from '../nn/trace';
import { registerFamily, numClassesOption, flag, value, PaperRef } from './registry';

export const MOBILENET_V3_PAPER: PaperRef = {
  title: 'Searching for MobileNetV3',
  authors: 'Andrew Howard, Mark Sandler, Grace Chu, Liang-Chieh Chen, Bo Chen, Mingxing Tan, Weijun Wang, Yukun Zhu, Ruoming Pang, Vijay Vasudevan, Quoc V. Le, Hartwig Adam',
  year: 2019, citation: 'Howard et al., ICCV 2019', url: 'https://arxiv.org/abs/1905.02244',
};

export type MobileNetV3Arch = 'large' | 'small';

export interface MobileNetV3Options {
  numClasses?: number;
  widthMult?: number;
  /** halve the channels of the last stage (torchvision's reduced_tail, for detection backbones) */
  reducedTail?: boolean;
  /** dilation 2 instead of stride in the last stage (torchvision's dilated, for segmentation) */
  dilated?: boolean;
  dropout?: number;
}

type Row = [number, number, number, number, boolean, 'RE' | 'HS', number, number];

/** torchvision's _mobilenet_v3_conf: the paper's Table 1 (large) and Table 2 (small), and the penultimate width. */
export function mobilenetV3Config(arch: MobileNetV3Arch, o: MobileNetV3Options = {}): { setting: BneckConfig[]; lastChannel: number } {
  const w = o.widthMult ?? 1;
  const rd = o.reducedTail ? 2 : 1, dil = o.dilated ? 2 : 1;
  const adj = (c: number) => makeDivisible(c * w, 8);
  const rows: Row[] = arch === 'large' ? [
    [16, 3, 16, 16, false, 'RE', 1, 1], [16, 3, 64, 24, false, 'RE', 2, 1], [24, 3, 72, 24, false, 'RE', 1, 1],
    [24, 5, 72, 40, true, 'RE', 2, 1], [40, 5, 120, 40, true, 'RE', 1, 1], [40, 5, 120, 40, true, 'RE', 1, 1],
    [40, 3, 240, 80, false, 'HS', 2, 1], [80, 3, 200, 80, false, 'HS', 1, 1], [80, 3, 184, 80, false, 'HS', 1, 1],
    [80, 3, 184, 80, false, 'HS', 1, 1], [80, 3, 480, 112, true, 'HS', 1, 1], [112, 3, 672, 112, true, 'HS', 1, 1],
    [112, 5, 672, 160 / rd, true, 'HS', 2, dil], [160 / rd, 5, 960 / rd, 160 / rd, true, 'HS', 1, dil],
    [160 / rd, 5, 960 / rd, 160 / rd, true, 'HS', 1, dil],
  ] : [
    [16, 3, 16, 16, true, 'RE', 2, 1], [16, 3, 72, 24, false, 'RE', 2, 1], [24, 3, 88, 24, false, 'RE', 1, 1],
    [24, 5, 96, 40, true, 'HS', 2, 1], [40, 5, 240, 40, true, 'HS', 1, 1], [40, 5, 240, 40, true, 'HS', 1, 1],
    [40, 5, 120, 48, true, 'HS', 1, 1], [48, 5, 144, 48, true, 'HS', 1, 1], [48, 5, 288, 96 / rd, true, 'HS', 2, dil],
    [96 / rd, 5, 576 / rd, 96 / rd, true, 'HS', 1, dil], [96 / rd, 5, 576 / rd, 96 / rd, true, 'HS', 1, dil],
  ];
  const setting = rows.map(([input, kernel, expanded, out, se, act, stride, dilation]) => ({
    input: adj(input), kernel, expanded: adj(expanded), out: adj(out), se, act, stride, dilation,
  }));
  const lastChannel = adj(Math.floor((arch === 'large' ? 1280 : 1024) / rd));
  return { setting, lastChannel };
}

/** MobileNetV3-Large/Small as torchvision builds them (`features`, `avgpool`, `classifier.0/3`; BN eps 1e-3). */
export class MobileNetV3 extends Module {
  features: Sequential;
  avgpool: AdaptiveAvgPool2d;
  classifier: Sequential;
  constructor(readonly arch: MobileNetV3Arch, o: MobileNetV3Options = {}) {
    super();
    if (arch !== 'large' && arch !== 'small') throw new ConfigError('unknown MobileNetV3 variant', { expected: "'large' | 'small'", got: String(arch), where: 'MobileNetV3' });
    if (o.widthMult !== undefined && !(o.widthMult > 0)) throw new ConfigError('widthMult must be positive', { got: String(o.widthMult), where: `mobilenet_v3_${arch}` });
    const { setting, lastChannel } = mobilenetV3Config(arch, o);
    const hs = () => new Hardswish(true);
    const feats: Module[] = [convNormAct(3, setting[0].input, 3, { stride: 2, activation: hs, eps: BN_EPS, momentum: BN_MOMENTUM })];
    for (const c of setting) feats.push(new InvertedResidualV3(c));
    const lastIn = setting[setting.length - 1].out, lastOut = 6 * lastIn;
    feats.push(convNormAct(lastIn, lastOut, 1, { activation: hs, eps: BN_EPS, momentum: BN_MOMENTUM }));
    this.features = new Sequential(...feats);
    this.avgpool = new AdaptiveAvgPool2d(1);
    this.classifier = new Sequential(new Linear(lastOut, lastChannel), new Hardswish(true), new Dropout(o.dropout ?? 0.2, true), new Linear(lastChannel, o.numClasses ?? 1000));
  }
  forward(x: SymTensor): SymTensor {
    return this.classifier.call(F.flatten(this.avgpool.call(this.features.call(x)), 1));
  }
}

const row = (arch: MobileNetV3Arch, reported: Record<string, number>) => ({
  config: arch, reported,
  description: `MobileNetV3-${arch === 'large' ? 'Large' : 'Small'} (paper Table ${arch === 'large' ? 1 : 2}: bnecks with SE and h-swish)`,
});

export const { mobilenetV3Large, mobilenetV3Small } = registerFamily({
  family: 'mobilenet', paper: MOBILENET_V3_PAPER, inputSize: [3, 224, 224],
  options: {
    numClasses: numClassesOption(1000, 'number of classes'),
    widthMult: value(1, 'width multiplier (channels rounded to multiples of 8)'),
    reducedTail: flag(false, 'halve the last stage (torchvision reduced_tail)'),
    dilated: flag(false, 'dilation 2 instead of stride 2 in the last stage'),
  },
  build: (arch: MobileNetV3Arch, o) => new MobileNetV3(arch, o),
  variants: {
    mobilenet_v3_large: row('large', { params: 5_483_032, torchvision_gflops: 0.22, paper_mmacs: 219, paper_params_m: 5.4, top1: 75.2 }),
    mobilenet_v3_small: row('small', { params: 2_542_856, torchvision_gflops: 0.06, paper_mmacs: 56, paper_params_m: 2.5, top1: 67.4 }),
  },
});
