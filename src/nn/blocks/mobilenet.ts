import { ConfigError } from '../../errors';
import * as F from '../functional';
import { Module } from '../module';
import { BatchNorm2d } from '../layers/norm';
import { Conv2d } from '../layers/conv';
import { Sequential } from '../layers/container';
import { SymTensor } from '../trace';
import { Hardswish, Hardsigmoid, ReLU } from '../layers/activation';
import { depthwise, pointwise } from '../layers/separable';
import { convNormAct, relu6 } from './conv-norm-act';
import { SqueezeExcitation } from './se';

// ---------------------------------------------------------------- MobileNet v1

export type MobileNetV1Activation = 'relu6' | 'relu';
/** MobileNet v1's activation: ReLU6 (TF-slim, timm) or the paper's ReLU. */
export const mobilenetV1Act = (x: SymTensor, a: MobileNetV1Activation): SymTensor => (a === 'relu6' ? F.relu6(x) : F.relu(x));

/**
 * MobileNet v1's depthwise-separable layer (Figure 3 right): 3×3 depthwise → BN → ReLU → 1×1 → BN → ReLU.
 * timm's `DepthwiseSeparableConv` keys (`conv_dw`, `bn1`, `conv_pw`, `bn2`).
 */
export class DepthwiseSeparableConv extends Module {
  conv_dw: Conv2d;
  bn1: BatchNorm2d;
  conv_pw: Conv2d;
  bn2: BatchNorm2d;
  constructor(readonly inChannels: number, readonly outChannels: number, readonly stride: number, readonly activation: MobileNetV1Activation = 'relu6') {
    super();
    this.conv_dw = depthwise(inChannels, 3, { stride });
    this.bn1 = new BatchNorm2d(inChannels);
    this.conv_pw = pointwise(inChannels, outChannels);
    this.bn2 = new BatchNorm2d(outChannels);
  }
  forward(x: SymTensor): SymTensor {
    const y = mobilenetV1Act(this.bn1.call(this.conv_dw.call(x)), this.activation);
    return mobilenetV1Act(this.bn2.call(this.conv_pw.call(y)), this.activation);
  }
}



// ---------------------------------------------------------------- MobileNet v2

/**
 * MobileNetV2's inverted residual (torchvision names): 1×1 expansion by t with ReLU6 (omitted when
 * t = 1), 3×3 depthwise with ReLU6, 1×1 linear bottleneck; residual when stride 1 and cin = cout.
 */
export class InvertedResidual extends Module {
  conv: Sequential;
  readonly useResConnect: boolean;
  constructor(readonly inp: number, readonly oup: number, readonly stride: number, readonly expandRatio: number) {
    super();
    if (stride !== 1 && stride !== 2) throw new ConfigError('InvertedResidual stride must be 1 or 2', { got: String(stride), where: 'InvertedResidual' });
    const hidden = Math.round(inp * expandRatio);
    this.useResConnect = stride === 1 && inp === oup;
    const layers: Module[] = [];
    if (expandRatio !== 1) layers.push(convNormAct(inp, hidden, 1, { activation: relu6 }));
    layers.push(convNormAct(hidden, hidden, 3, { stride, groups: hidden, activation: relu6 }));
    layers.push(new Conv2d(hidden, oup, 1, { bias: false }));
    layers.push(new BatchNorm2d(oup));
    this.conv = new Sequential(...layers);
  }
  forward(x: SymTensor): SymTensor {
    const y = this.conv.call(x);
    return this.useResConnect ? F.add(x, y) : y;
  }
}

/** torchvision's _make_divisible: round to the nearest multiple of `divisor`, not going below 90%. */
export function makeDivisible(v: number, divisor = 8, minValue?: number): number {
  const min = minValue ?? divisor;
  let n = Math.max(min, Math.floor(v + divisor / 2) - (Math.floor(v + divisor / 2) % divisor));
  if (n < 0.9 * v) n += divisor;
  return n;
}

// ---------------------------------------------------------------- MobileNet v3

/** One bneck row of the paper's Tables 1–2: input, kernel, expanded, output channels, SE, activation, stride, dilation. */
export interface BneckConfig {
  input: number; kernel: number; expanded: number; out: number; se: boolean; act: 'RE' | 'HS'; stride: number; dilation: number;
}

/** torchvision's MobileNetV3 norm_layer: BatchNorm2d(eps=0.001, momentum=0.01) */
export const MOBILENET_V3_BN_EPS = 1e-3;
export const MOBILENET_V3_BN_MOMENTUM = 0.01;
const BN_EPS = MOBILENET_V3_BN_EPS, BN_MOMENTUM = MOBILENET_V3_BN_MOMENTUM;

/** MobileNetV3's bneck (torchvision's mobilenetv3.InvertedResidual): expand, depthwise, optional SE (hard-sigmoid gate), linear project. */
export class InvertedResidualV3 extends Module {
  block: Sequential;
  readonly useResConnect: boolean;
  constructor(readonly cnf: BneckConfig) {
    super();
    if (cnf.stride !== 1 && cnf.stride !== 2) throw new ConfigError('bneck stride must be 1 or 2', { got: String(cnf.stride), where: 'InvertedResidual' });
    this.useResConnect = cnf.stride === 1 && cnf.input === cnf.out;
    const act = cnf.act === 'HS' ? () => new Hardswish(true) : () => new ReLU(true);
    const layers: Module[] = [];
    if (cnf.expanded !== cnf.input) layers.push(convNormAct(cnf.input, cnf.expanded, 1, { activation: act, eps: BN_EPS, momentum: BN_MOMENTUM }));
    const stride = cnf.dilation > 1 ? 1 : cnf.stride;
    layers.push(convNormAct(cnf.expanded, cnf.expanded, cnf.kernel, { stride, dilation: cnf.dilation, groups: cnf.expanded, activation: act, eps: BN_EPS, momentum: BN_MOMENTUM }));
    if (cnf.se) layers.push(new SqueezeExcitation(cnf.expanded, makeDivisible(Math.floor(cnf.expanded / 4), 8), { scaleActivation: () => new Hardsigmoid() }));
    layers.push(convNormAct(cnf.expanded, cnf.out, 1, { activation: null, eps: BN_EPS, momentum: BN_MOMENTUM }));
    this.block = new Sequential(...layers);
  }
  override get typeName(): string { return 'InvertedResidual'; }
  forward(x: SymTensor): SymTensor {
    const y = this.block.call(x);
    return this.useResConnect ? F.add(y, x) : y;
  }
}
