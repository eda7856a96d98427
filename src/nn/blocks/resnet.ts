import { ConfigError } from '../../errors';
import * as F from '../functional';
import { Module } from '../module';
import { BatchNorm2d } from '../layers/norm';
import { Conv2d } from '../layers/conv';
import { ReLU } from '../layers/activation';
import { SymTensor } from '../trace';

export const conv3x3 = (cin: number, cout: number, stride = 1, groups = 1, dilation = 1) =>
  new Conv2d(cin, cout, 3, { stride, padding: dilation, groups, bias: false, dilation });
export const conv1x1 = (cin: number, cout: number, stride = 1) => new Conv2d(cin, cout, 1, { stride, bias: false });

export type StrideIn = '1x1' | '3x3';

export interface ResidualBlockOptions {
  stride?: number;
  /** a module mapping the input to the output shape (conv1x1 + BN), or null for the identity */
  downsample?: Module | null;
  groups?: number;
  baseWidth?: number;
  dilation?: number;
  /** where a bottleneck's stride sits: torchvision's v1.5 puts it on the 3×3 ('3x3'), the paper on the first 1×1 ('1x1') */
  strideIn?: StrideIn;
  /** extra module applied to the residual branch before the addition (SE) */
  attention?: Module | null;
}

/** ResNet's basic block: two 3×3 convs and a shortcut (18/34-layer nets). */
export class BasicBlock extends Module {
  static readonly expansion = 1;
  conv1: Conv2d; bn1: BatchNorm2d; relu: ReLU; conv2: Conv2d; bn2: BatchNorm2d;
  se: Module | null;
  downsample: Module | null;
  constructor(inplanes: number, planes: number, o: ResidualBlockOptions = {}) {
    super();
    if ((o.groups ?? 1) !== 1 || (o.baseWidth ?? 64) !== 64) {
      throw new ConfigError('BasicBlock only supports groups=1 and baseWidth=64', { got: `groups=${o.groups}, baseWidth=${o.baseWidth}`, where: 'BasicBlock' });
    }
    const stride = o.stride ?? 1;
    this.conv1 = conv3x3(inplanes, planes, stride, 1, o.dilation ?? 1);
    this.bn1 = new BatchNorm2d(planes);
    this.relu = new ReLU(true);
    this.conv2 = conv3x3(planes, planes, 1, 1, o.dilation ?? 1);
    this.bn2 = new BatchNorm2d(planes);
    this.se = o.attention ?? null;
    this.downsample = o.downsample ?? null;
  }
  forward(x: SymTensor): SymTensor {
    let out = this.relu.call(this.bn1.call(this.conv1.call(x)));
    out = this.bn2.call(this.conv2.call(out));
    if (this.se) out = this.se.call(out);
    const identity = this.downsample ? this.downsample.call(x) : x;
    return this.relu.call(F.add(out, identity));
  }
}

/** ResNet's bottleneck: 1×1 reduce, 3×3 (grouped for ResNeXt), 1×1 expand ×4, and a shortcut. */
export class Bottleneck extends Module {
  static readonly expansion = 4;
  conv1: Conv2d; bn1: BatchNorm2d; conv2: Conv2d; bn2: BatchNorm2d; conv3: Conv2d; bn3: BatchNorm2d; relu: ReLU;
  se: Module | null;
  downsample: Module | null;
  constructor(inplanes: number, planes: number, o: ResidualBlockOptions = {}) {
    super();
    const groups = o.groups ?? 1, baseWidth = o.baseWidth ?? 64, stride = o.stride ?? 1;
    const strideIn = o.strideIn ?? '3x3';
    if (strideIn !== '1x1' && strideIn !== '3x3') throw new ConfigError('unknown strideIn', { expected: "'1x1' | '3x3'", got: String(strideIn), where: 'Bottleneck' });
    const width = Math.floor(planes * (baseWidth / 64)) * groups;
    this.conv1 = conv1x1(inplanes, width, strideIn === '1x1' ? stride : 1);
    this.bn1 = new BatchNorm2d(width);
    this.conv2 = conv3x3(width, width, strideIn === '3x3' ? stride : 1, groups, o.dilation ?? 1);
    this.bn2 = new BatchNorm2d(width);
    this.conv3 = conv1x1(width, planes * Bottleneck.expansion);
    this.bn3 = new BatchNorm2d(planes * Bottleneck.expansion);
    this.relu = new ReLU(true);
    this.se = o.attention ?? null;
    this.downsample = o.downsample ?? null;
  }
  forward(x: SymTensor): SymTensor {
    let out = this.relu.call(this.bn1.call(this.conv1.call(x)));
    out = this.relu.call(this.bn2.call(this.conv2.call(out)));
    out = this.bn3.call(this.conv3.call(out));
    if (this.se) out = this.se.call(out);
    const identity = this.downsample ? this.downsample.call(x) : x;
    return this.relu.call(F.add(out, identity));
  }
}
