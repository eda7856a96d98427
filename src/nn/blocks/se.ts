import { ConfigError } from '../../errors';
import * as F from '../functional';
import { Module } from '../module';
import { Conv2d, checkPositiveInt } from '../layers/conv';
import { ReLU, Sigmoid, Identity } from '../layers/activation';
import { AdaptiveAvgPool2d } from '../layers/pooling';
import { SymTensor } from '../trace';

export interface SqueezeExcitationOptions {
  /** δ of the paper's eq. 3, the activation after fc1 (default ReLU) */
  activation?: () => Module;
  /** σ of eq. 3, the gate (default Sigmoid; MobileNetV3 uses Hardsigmoid) */
  scaleActivation?: () => Module;
}

/**
 * Squeeze-and-Excitation (Hu et al., Fig. 1 / eq. 2–4) as torchvision's `ops.SqueezeExcitation`: global average
 * pool (squeeze), 1×1 conv `fc1` to `squeezeChannels` + δ, 1×1 conv `fc2` back + σ (excitation), then the input
 * is scaled channel-wise. Keys `fc1.weight`, `fc1.bias`, `fc2.weight`, `fc2.bias` (torchvision's).
 */
export class SqueezeExcitation extends Module {
  avgpool: AdaptiveAvgPool2d;
  fc1: Conv2d;
  fc2: Conv2d;
  activation: Module;
  scale_activation: Module;
  constructor(readonly inputChannels: number, readonly squeezeChannels: number, o: SqueezeExcitationOptions = {}) {
    super();
    checkPositiveInt(inputChannels, 'input_channels', 'SqueezeExcitation');
    checkPositiveInt(squeezeChannels, 'squeeze_channels', 'SqueezeExcitation');
    this.avgpool = new AdaptiveAvgPool2d(1);
    this.fc1 = new Conv2d(inputChannels, squeezeChannels, 1);
    this.fc2 = new Conv2d(squeezeChannels, inputChannels, 1);
    this.activation = (o.activation ?? (() => new ReLU()))();
    this.scale_activation = (o.scaleActivation ?? (() => new Sigmoid()))();
  }
  /** The per-channel gate s = σ(fc2(δ(fc1(GAP(x))))) of shape [N, C, 1, 1]. */
  scale(x: SymTensor): SymTensor {
    let s = this.avgpool.call(x);
    s = this.activation.call(this.fc1.call(s));
    return this.scale_activation.call(this.fc2.call(s));
  }
  forward(x: SymTensor): SymTensor {
    return F.mul(this.scale(x), x);
  }
}

/** timm's make_divisible (round to the nearest multiple of `divisor`, at least `minValue`, bumped up when below roundLimit·v). */
export function timmMakeDivisible(v: number, divisor = 8, minValue?: number, roundLimit = 0.9): number {
  const min = minValue ?? divisor;
  let n = Math.max(min, Math.floor((v + divisor / 2) / divisor) * divisor);
  if (n < roundLimit * v) n += divisor;
  return n;
}

export interface SEModuleOptions {
  /** reduction ratio r as a fraction (default 1/16: the SENet paper's r = 16) */
  rdRatio?: number;
  /** reduced channels, overriding rdRatio */
  rdChannels?: number;
  /** reduced channels are rounded to a multiple of this (default 8, timm's) */
  rdDivisor?: number;
  activation?: () => Module;
  gate?: () => Module;
}

/**
 * timm's `SEModule` (timm/layers/squeeze_excite.py) as used by timm's `seresnet50`/`seresnext50_32x4d`: mean over
 * H, W; 1×1 conv `fc1` (bias) to make_divisible(C·rdRatio, 8, roundLimit 0); `bn` (Identity); ReLU `act`; 1×1 conv
 * `fc2`; sigmoid `gate`; x · gate. Keys `fc1.weight`, `fc1.bias`, `fc2.weight`, `fc2.bias` — the same as torchvision's
 * block, only the module names (`act`, `gate`) and the channel rounding differ.
 */
export class SEModule extends Module {
  fc1: Conv2d;
  bn: Identity;
  act: Module;
  fc2: Conv2d;
  gate: Module;
  readonly rdChannels: number;
  constructor(readonly channels: number, o: SEModuleOptions = {}) {
    super();
    checkPositiveInt(channels, 'channels', 'SEModule');
    const ratio = o.rdRatio ?? 1 / 16;
    if (!(ratio > 0 && ratio <= 1)) throw new ConfigError('SEModule rdRatio must be in (0, 1]', { got: String(ratio), where: 'SEModule', expected: 'e.g. 1/16 (reduction 16)' });
    this.rdChannels = o.rdChannels ?? timmMakeDivisible(channels * ratio, o.rdDivisor ?? 8, undefined, 0);
    this.fc1 = new Conv2d(channels, this.rdChannels, 1);
    this.bn = new Identity();
    this.act = (o.activation ?? (() => new ReLU(true)))();
    this.fc2 = new Conv2d(this.rdChannels, channels, 1);
    this.gate = (o.gate ?? (() => new Sigmoid()))();
  }
  forward(x: SymTensor): SymTensor {
    const s = F.globalAvgPool(x);
    const g = this.gate.call(this.fc2.call(this.act.call(this.bn.call(this.fc1.call(s)))));
    return F.mul(x, g);
  }
}
