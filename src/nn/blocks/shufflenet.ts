/**
 * ShuffleNet units. v1 (Zhang et al. 2018, Figure 2 b/c): grouped 1×1 conv → BN → ReLU → channel
 * shuffle → 3×3 depthwise (stride) → BN → grouped 1×1 conv → BN, then add the input (stride 1) or
 * concatenate a 3×3 average-pooled input (stride 2), then ReLU. v2 (Ma et al. 2018, Figure 3 c/d):
 * torchvision's `InvertedResidual` — channel split, one branch 1×1 → 3×3 dw → 1×1, concat, shuffle(2).
 */
import { ConfigError, ShapeError, fmtShape } from '../../errors';
import * as F from '../functional';
import { Module } from '../module';
import { BatchNorm2d } from '../layers/norm';
import { Conv2d } from '../layers/conv';
import { ReLU } from '../layers/activation';
import { AvgPool2d, ChannelShuffle } from '../layers/pooling';
import { Sequential } from '../layers/container';
import { depthwise, pointwise } from '../layers/separable';
import { SymTensor } from '../trace';

export interface ShuffleUnitV1Options {
  /** group the first 1×1 conv (false for the first unit of stage 2, whose input has only 24 channels) */
  firstGroupConv?: boolean;
  /** bottleneck width; default out/4 (the paper's "bottleneck channels = 1/4 of the output channels") */
  midChannels?: number;
}

/**
 * ShuffleNet v1 unit. Keys: conv1/bn1 (grouped 1×1), conv2/bn2 (3×3 depthwise), conv3/bn3 (grouped 1×1);
 * stride 2 adds `shortcut` (AvgPool2d 3, stride 2, padding 1) and its branch outputs `out − in` channels.
 */
export class ShuffleUnitV1 extends Module {
  conv1: Conv2d;
  bn1: BatchNorm2d;
  shuffle: ChannelShuffle;
  conv2: Conv2d;
  bn2: BatchNorm2d;
  conv3: Conv2d;
  bn3: BatchNorm2d;
  shortcut: AvgPool2d | null;
  readonly midChannels: number;
  readonly firstGroups: number;

  constructor(readonly inChannels: number, readonly outChannels: number, readonly stride: 1 | 2, readonly groups: number, opts: ShuffleUnitV1Options = {}) {
    super();
    const where = 'ShuffleUnitV1';
    if (stride !== 1 && stride !== 2) throw new ConfigError('ShuffleUnitV1 stride must be 1 or 2', { expected: '1 | 2', got: String(stride), where });
    if (!Number.isInteger(groups) || groups <= 0) throw new ConfigError('ShuffleUnitV1 groups must be a positive integer', { got: String(groups), where });
    if (stride === 1 && inChannels !== outChannels) {
      throw new ConfigError('ShuffleUnitV1 with stride 1 adds its input: in and out channels must match', { expected: `out = in = ${inChannels}`, got: `out ${outChannels}`, where });
    }
    const branchOut = stride === 2 ? outChannels - inChannels : outChannels;
    if (branchOut <= 0) throw new ConfigError('ShuffleUnitV1 with stride 2 concatenates its input: out must exceed in', { expected: `out > ${inChannels}`, got: `out ${outChannels}`, where });
    const mid = opts.midChannels ?? outChannels / 4;
    if (!Number.isInteger(mid) || mid % groups !== 0) {
      throw new ConfigError('ShuffleUnitV1 bottleneck channels must be a multiple of groups', { expected: `out/4 a multiple of groups=${groups}`, got: `out ${outChannels} → bottleneck ${mid}`, where });
    }
    if (branchOut % groups !== 0) {
      throw new ConfigError('ShuffleUnitV1 branch output not divisible by groups', { expected: `(out − in) a multiple of groups=${groups}`, got: `${branchOut}`, where });
    }
    this.midChannels = mid;
    this.firstGroups = opts.firstGroupConv === false ? 1 : groups;
    this.conv1 = pointwise(inChannels, mid, { groups: this.firstGroups });
    this.bn1 = new BatchNorm2d(mid);
    this.shuffle = new ChannelShuffle(groups);
    this.conv2 = depthwise(mid, 3, { stride });
    this.bn2 = new BatchNorm2d(mid);
    this.conv3 = pointwise(mid, branchOut, { groups });
    this.bn3 = new BatchNorm2d(branchOut);
    this.shortcut = stride === 2 ? new AvgPool2d(3, { stride: 2, padding: 1 }) : null;
  }

  forward(x: SymTensor): SymTensor {
    let y = F.relu(this.bn1.call(this.conv1.call(x)));
    if (this.groups > 1) y = this.shuffle.call(y);
    y = this.bn2.call(this.conv2.call(y));
    y = this.bn3.call(this.conv3.call(y));
    const out = this.shortcut ? F.concat([this.shortcut.call(x), y], 1) : F.add(x, y);
    return F.relu(out);
  }

  override extraRepr(): string {
    return `${this.inChannels}, ${this.outChannels}, stride=${this.stride}, groups=${this.groups}${this.firstGroups !== this.groups ? ', first_group_conv=False' : ''}`;
  }
}

/**
 * ShuffleNet v2 unit, torchvision's `InvertedResidual(inp, oup, stride)` with its keys: `branch1`
 * (stride 2 only: 3×3 dw, BN, 1×1, BN, ReLU) and `branch2` (1×1, BN, ReLU, 3×3 dw, BN, 1×1, BN, ReLU).
 * Stride 1 splits the input in two halves (the first passes through); the result is shuffled with 2 groups.
 */
export class ShuffleUnitV2 extends Module {
  override get typeName(): string { return 'InvertedResidual'; }
  branch1: Sequential;
  branch2: Sequential;
  readonly branchFeatures: number;

  constructor(readonly inp: number, readonly oup: number, readonly stride: 1 | 2) {
    super();
    const where = 'ShuffleUnitV2';
    if (stride !== 1 && stride !== 2) throw new ConfigError('ShuffleUnitV2 stride must be 1 or 2', { expected: '1 | 2', got: String(stride), where });
    if (oup % 2 !== 0) throw new ConfigError('ShuffleUnitV2 output channels must be even', { got: String(oup), where });
    const bf = oup / 2;
    if (stride === 1 && inp !== 2 * bf) {
      throw new ConfigError('ShuffleUnitV2 with stride 1 splits its input in halves: in must equal out', { expected: `in = ${oup}`, got: `in ${inp}`, where });
    }
    this.branchFeatures = bf;
    this.branch1 = stride === 2
      ? new Sequential(depthwise(inp, 3, { stride }), new BatchNorm2d(inp), pointwise(inp, bf), new BatchNorm2d(bf), new ReLU(true))
      : new Sequential();
    this.branch2 = new Sequential(
      pointwise(stride === 2 ? inp : bf, bf), new BatchNorm2d(bf), new ReLU(true),
      depthwise(bf, 3, { stride }), new BatchNorm2d(bf),
      pointwise(bf, bf), new BatchNorm2d(bf), new ReLU(true),
    );
  }

  forward(x: SymTensor): SymTensor {
    if (x.ndim !== 4 || x.shape[1] !== this.inp) {
      throw new ShapeError(`ShuffleUnitV2: input has ${x.shape[1]} channels`, { expected: `[N, ${this.inp}, H, W]`, got: fmtShape(x.shape), where: x.tracer.path });
    }
    let out: SymTensor;
    if (this.stride === 1) {
      const [x1, x2] = F.split(x, [this.branchFeatures, this.branchFeatures], 1);
      out = F.concat([x1, this.branch2.call(x2)], 1);
    } else {
      out = F.concat([this.branch1.call(x), this.branch2.call(x)], 1);
    }
    return F.channelShuffle(out, 2);
  }
}
