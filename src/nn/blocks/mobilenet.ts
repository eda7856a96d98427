import { ConfigError } from '../../errors';
import * as F from '../functional';
import { Module } from '../module';
import { BatchNorm2d } from '../layers/norm';
import { Conv2d } from '../layers/conv';
import { Sequential } from '../layers/container';
import { SymTensor } from '../trace';
import { convNormAct, relu6 } from './conv-norm-act';

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
