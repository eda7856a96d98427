/**
 * Depthwise-separable convolutions (MobileNet v1 §3.1, Xception §3): a depthwise k×k conv (one filter
 * per input channel, `groups = channels`) followed by a pointwise 1×1 conv that mixes channels.
 */
import { ConfigError } from '../../errors';
import * as F from '../functional';
import { Module } from '../module';
import { Conv2d } from './conv';
import { ReLU } from './activation';
import { SymTensor } from '../trace';

export interface DepthwiseOptions {
  stride?: F.Pair;
  /** default: "same"-style symmetric padding ⌊(k − 1)/2⌋·dilation */
  padding?: F.Pair | 'same' | 'valid';
  dilation?: F.Pair;
  /** default false (the layer is followed by BatchNorm in every paper that uses it) */
  bias?: boolean;
  /** channel multiplier: output channels = c · multiplier (default 1) */
  multiplier?: number;
}

/** A depthwise conv: `Conv2d(c, c·multiplier, k, { groups: c })`, no bias by default. */
export function depthwise(c: number, k: F.Pair, opts: DepthwiseOptions = {}): Conv2d {
  const mult = opts.multiplier ?? 1;
  if (!Number.isInteger(mult) || mult <= 0) {
    throw new ConfigError('depthwise: multiplier must be a positive integer', { expected: 'an integer ≥ 1', got: String(mult), where: 'depthwise' });
  }
  const [kh, kw] = F.pair(k);
  const [dh, dw] = F.pair(opts.dilation ?? 1);
  const padding = opts.padding ?? [Math.floor((kh - 1) / 2) * dh, Math.floor((kw - 1) / 2) * dw];
  return new Conv2d(c, c * mult, k, { stride: opts.stride ?? 1, padding, dilation: opts.dilation ?? 1, groups: c, bias: opts.bias ?? false });
}

export interface PointwiseOptions {
  /** grouped 1×1 conv (ShuffleNet); default 1 */
  groups?: number;
  /** default false */
  bias?: boolean;
  stride?: F.Pair;
}

/** A pointwise (1×1) conv `Conv2d(cin, cout, 1)`, no bias by default. */
export function pointwise(cin: number, cout: number, opts: PointwiseOptions = {}): Conv2d {
  return new Conv2d(cin, cout, 1, { groups: opts.groups ?? 1, bias: opts.bias ?? false, stride: opts.stride ?? 1 });
}

/**
 * What sits between the depthwise and the pointwise conv: nothing (Xception's default, and the best
 * curve of its Figure 10), a ReLU (Figure 10's worst), or any module, e.g. `Sequential(BatchNorm2d, ReLU)`
 * for MobileNet's Figure 3 placement.
 */
export type SeparableMiddle = 'none' | 'relu' | Module;
export const SEPARABLE_MIDDLE = ['none', 'relu'] as const;

export interface SeparableConv2dOptions {
  stride?: F.Pair;
  /** padding of the depthwise conv; default ⌊(k − 1)/2⌋·dilation */
  padding?: F.Pair | 'same' | 'valid';
  dilation?: F.Pair;
  /** bias on both convs (default false, as timm's Xception) */
  bias?: boolean;
  /** module between depthwise and pointwise (default 'none') */
  middle?: SeparableMiddle;
}

/**
 * SeparableConv2d(cin, cout, k): depthwise k×k (`conv1`) → optional middle → pointwise 1×1 (`pointwise`).
 * Names are timm's legacy Xception `SeparableConv2d` (`conv1.weight`, `pointwise.weight`); a middle module
 * is the child `middle` (a ReLU adds no parameters, so the keys stay timm's).
 */
export class SeparableConv2d extends Module {
  conv1: Conv2d;
  middle: Module | null;
  pointwise: Conv2d;
  readonly middleKind: 'none' | 'relu' | 'module';

  constructor(readonly inChannels: number, readonly outChannels: number, kernelSize: F.Pair = 3, opts: SeparableConv2dOptions = {}) {
    super();
    const mid = opts.middle ?? 'none';
    if (!(mid instanceof Module) && mid !== 'none' && mid !== 'relu') {
      throw new ConfigError('SeparableConv2d: unknown middle', { expected: "'none' | 'relu' | a Module", got: JSON.stringify(mid), where: 'SeparableConv2d.middle' });
    }
    this.conv1 = depthwise(inChannels, kernelSize, { stride: opts.stride, padding: opts.padding, dilation: opts.dilation, bias: opts.bias ?? false });
    this.middle = mid === 'none' ? null : mid === 'relu' ? new ReLU(true) : mid;
    this.middleKind = mid instanceof Module ? 'module' : mid;
    this.pointwise = pointwise(inChannels, outChannels, { bias: opts.bias ?? false });
  }

  forward(x: SymTensor): SymTensor {
    let y = this.conv1.call(x);
    if (this.middle) y = this.middle.call(y);
    return this.pointwise.call(y);
  }
}
