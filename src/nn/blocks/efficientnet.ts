import { ConfigError } from '../../errors';
import * as F from '../functional';
import { Module } from '../module';
import { Sequential } from '../layers/container';
import { SiLU } from '../layers/activation';
import { checkPositiveInt } from '../layers/conv';
import { pyFloat } from '../layers/check';
import { SymTensor } from '../trace';
import { convNormAct } from './conv-norm-act';
import { makeDivisible } from './mobilenet';
import { SqueezeExcitation } from './se';

/**
 * torchvision's StochasticDepth (Huang et al. 2016; EfficientNet's "drop connect"): during training it drops the
 * residual branch per sample with probability p; at inference, which is all cnnlab runs, it is the identity and
 * emits no node.
 */
export class StochasticDepth extends Module {
  constructor(readonly p: number, readonly mode: 'row' | 'batch' = 'row') {
    super();
    if (!(p >= 0 && p <= 1)) throw new ConfigError('StochasticDepth probability must be in [0, 1]', { got: String(p), where: 'StochasticDepth' });
  }
  forward(x: SymTensor): SymTensor { return x; }
  override extraRepr(): string { return `p=${pyFloat(this.p)}, mode=${this.mode}`; }
}

export interface MBConvConfig {
  /** expansion ratio t of the 1×1 expand conv (1: no expand conv) */
  expandRatio: number;
  /** depthwise kernel (3 or 5 in EfficientNet) */
  kernel: number;
  stride: number;
  inputChannels: number;
  outChannels: number;
}

export interface MBConvOptions {
  /** stochastic depth probability of this block (identity at inference; default 0) */
  stochasticDepthProb?: number;
  /** BatchNorm eps (torchvision: 1e-5 for b0–b4, 1e-3 for b5–b7) */
  eps?: number;
  /** squeeze channels of the SE block (default max(1, inputChannels / 4), torchvision's; 0 = no SE) */
  squeezeChannels?: number;
}

/** torchvision's MBConvConfig.adjust_channels: make_divisible(channels · width, 8). */
export const adjustChannels = (channels: number, widthMult: number): number => makeDivisible(channels * widthMult, 8);
/** torchvision's MBConvConfig.adjust_depth: ⌈layers · depth⌉. */
export const adjustDepth = (layers: number, depthMult: number): number => Math.ceil(layers * depthMult);

/**
 * EfficientNet's mobile inverted bottleneck (MBConv, Tan & Le 2019; torchvision names): `block` = Sequential of
 * [1×1 expand conv+BN+SiLU (when t ≠ 1)], k×k depthwise conv+BN+SiLU, SqueezeExcitation (SiLU, sigmoid; squeeze to
 * inputChannels/4), 1×1 projection conv+BN (linear); residual (through `stochastic_depth`, identity at inference)
 * when stride 1 and in = out.
 */
export class MBConv extends Module {
  block: Sequential;
  stochastic_depth: StochasticDepth;
  readonly useResConnect: boolean;
  readonly expandedChannels: number;
  constructor(readonly cnf: MBConvConfig, o: MBConvOptions = {}) {
    super();
    const { expandRatio, kernel, stride, inputChannels, outChannels } = cnf;
    if (stride !== 1 && stride !== 2) throw new ConfigError('MBConv stride must be 1 or 2', { expected: '1 | 2', got: String(stride), where: 'MBConv' });
    checkPositiveInt(inputChannels, 'input_channels', 'MBConv');
    checkPositiveInt(outChannels, 'out_channels', 'MBConv');
    checkPositiveInt(kernel, 'kernel', 'MBConv');
    if (kernel % 2 !== 1) throw new ConfigError('MBConv kernel must be odd ("same" padding (k − 1)/2)', { got: String(kernel), where: 'MBConv', expected: 'e.g. 3 or 5' });
    if (!(expandRatio >= 1)) throw new ConfigError('MBConv expandRatio must be ≥ 1', { got: String(expandRatio), where: 'MBConv', expected: 'e.g. 1 or 6' });
    this.useResConnect = stride === 1 && inputChannels === outChannels;
    const silu = () => new SiLU(true);
    const eps = o.eps ?? 1e-5;
    const expanded = adjustChannels(inputChannels, expandRatio);
    this.expandedChannels = expanded;
    const layers: Module[] = [];
    if (expanded !== inputChannels) layers.push(convNormAct(inputChannels, expanded, 1, { activation: silu, eps }));
    layers.push(convNormAct(expanded, expanded, kernel, { stride, groups: expanded, activation: silu, eps }));
    const sq = o.squeezeChannels ?? Math.max(1, Math.floor(inputChannels / 4));
    if (sq > 0) layers.push(new SqueezeExcitation(expanded, sq, { activation: silu }));
    layers.push(convNormAct(expanded, outChannels, 1, { activation: null, eps }));
    this.block = new Sequential(...layers);
    this.stochastic_depth = new StochasticDepth(o.stochasticDepthProb ?? 0);
  }
  forward(x: SymTensor): SymTensor {
    const y = this.block.call(x);
    return this.useResConnect ? F.add(this.stochastic_depth.call(y), x) : y;
  }
}
