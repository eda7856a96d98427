import { ConfigError } from '../errors';
import * as F from '../nn/functional';
import { Module } from '../nn/module';
import { BatchNorm2d } from '../nn/layers/norm';
import { Conv2d } from '../nn/layers/conv';
import { ReLU } from '../nn/layers/activation';
import { AdaptiveAvgPool2d } from '../nn/layers/pooling';
import { Linear } from '../nn/layers/linear';
import { Sequential } from '../nn/layers/container';
import { conv1x1, conv3x3 } from '../nn/blocks/resnet';
import { SymTensor } from '../nn/trace';
import { RESNET_PAPER } from './resnet';
import { registerFamily, numClassesOption, oneOf } from './registry';

/**
 * Shortcut options of the ResNet paper (§3.3): 'A' zero-padding identity shortcuts for increasing dimensions (no
 * parameters; the paper's choice for CIFAR, §4.2), 'B' projection (1×1 conv + BN) only where dimensions increase,
 * 'C' projection on every shortcut.
 */
export type CifarShortcut = 'A' | 'B' | 'C';

/**
 * Option A's parameter-free shortcut: spatial subsampling x[:, :, ::s, ::s] (ONNX Slice with steps) and zero channels
 * padded around the input's (ONNX Pad; (out − in)/2 before and after, as the common PyTorch re-implementation of the
 * CIFAR ResNets does, so its checkpoints line up channel for channel).
 */
export class ZeroPadShortcut extends Module {
  constructor(readonly inChannels: number, readonly outChannels: number, readonly stride: number) {
    super();
    if (outChannels < inChannels) throw new ConfigError('a zero-padding shortcut cannot reduce channels', { expected: `out ≥ in (${inChannels})`, got: String(outChannels), where: 'ZeroPadShortcut' });
  }
  forward(x: SymTensor): SymTensor {
    let y = x;
    if (this.stride !== 1) {
      const [h, w] = [x.shape[2] as number, x.shape[3] as number];
      y = F.slice(x, [0, 0], [h, w], [2, 3], [this.stride, this.stride]);
    }
    const extra = this.outChannels - this.inChannels;
    if (extra === 0) return y;
    const before = Math.floor(extra / 2), after = extra - before;
    return y.tracer.emit('Pad', [y, F.int64s([0, before, 0, 0, 0, after, 0, 0])], {})[0];
  }
  override get typeName(): string { return 'LambdaLayer'; }
  override extraRepr(): string { return `option A: ::${this.stride} subsampling, +${this.outChannels - this.inChannels} zero channels`; }
}

/** Two 3×3 conv+BN layers; with `residual`, the shortcut (identity, option A/B/C) is added before the last ReLU. */
export class CifarBlock extends Module {
  conv1: Conv2d; bn1: BatchNorm2d; relu: ReLU; conv2: Conv2d; bn2: BatchNorm2d;
  downsample: Module | null;
  constructor(inplanes: number, planes: number, stride: number, readonly residual: boolean, shortcut: CifarShortcut = 'A') {
    super();
    this.conv1 = conv3x3(inplanes, planes, stride);
    this.bn1 = new BatchNorm2d(planes);
    this.relu = new ReLU(true);
    this.conv2 = conv3x3(planes, planes);
    this.bn2 = new BatchNorm2d(planes);
    const changes = stride !== 1 || inplanes !== planes;
    this.downsample = null;
    if (residual && (shortcut === 'C' || (changes && shortcut === 'B'))) {
      this.downsample = new Sequential(conv1x1(inplanes, planes, stride), new BatchNorm2d(planes));
    } else if (residual && changes) {
      this.downsample = new ZeroPadShortcut(inplanes, planes, stride);
    }
  }
  override get typeName(): string { return this.residual ? 'BasicBlock' : 'PlainBlock'; }
  forward(x: SymTensor): SymTensor {
    const out = this.bn2.call(this.conv2.call(this.relu.call(this.bn1.call(this.conv1.call(x)))));
    if (!this.residual) return this.relu.call(out);
    const identity = this.downsample ? this.downsample.call(x) : x;
    return this.relu.call(F.add(out, identity));
  }
}

export interface CifarResNetOptions {
  /** 'A' (default, the paper's CIFAR choice), 'B' or 'C' */
  shortcut?: CifarShortcut;
  numClasses?: number;
  /** filters of the three stages (default the paper's 16, 32, 64) */
  widths?: [number, number, number];
}

/**
 * The CIFAR-10 networks of the ResNet paper §4.2: a 3×3 conv with 16 filters, three stages of 2n 3×3 layers on maps
 * of 32, 16, 8 (at 32×32 input; any size works) with 16, 32, 64 filters (stride 2 at the first conv of stages 2
 * and 3), global average pooling and a fc layer: 6n + 2 weighted layers. `residual: false` gives the plain nets.
 */
export class CifarResNet extends Module {
  conv1: Conv2d; bn1: BatchNorm2d; relu: ReLU;
  layer1: Sequential; layer2: Sequential; layer3: Sequential;
  avgpool: AdaptiveAvgPool2d; fc: Linear;
  readonly n: number;
  constructor(readonly depth: number, readonly residual: boolean, o: CifarResNetOptions = {}) {
    super();
    if (!Number.isInteger(depth) || depth < 8 || (depth - 2) % 6 !== 0) {
      throw new ConfigError('CIFAR ResNet depth must be 6n + 2', { expected: 'e.g. 20, 32, 44, 56, 110, 1202', got: String(depth), where: residual ? 'CifarResNet' : 'CifarPlainNet' });
    }
    const shortcut = o.shortcut ?? 'A';
    if (!['A', 'B', 'C'].includes(shortcut)) throw new ConfigError('unknown shortcut option', { expected: "'A' | 'B' | 'C'", got: String(shortcut), where: 'CifarResNet' });
    const [w1, w2, w3] = o.widths ?? [16, 32, 64];
    this.n = (depth - 2) / 6;
    this.conv1 = conv3x3(3, w1);
    this.bn1 = new BatchNorm2d(w1);
    this.relu = new ReLU(true);
    const stage = (cin: number, cout: number, stride: number) => {
      const blocks: Module[] = [];
      for (let i = 0; i < this.n; i++) blocks.push(new CifarBlock(i === 0 ? cin : cout, cout, i === 0 ? stride : 1, residual, shortcut));
      return new Sequential(...blocks);
    };
    this.layer1 = stage(w1, w1, 1);
    this.layer2 = stage(w1, w2, 2);
    this.layer3 = stage(w2, w3, 2);
    this.avgpool = new AdaptiveAvgPool2d(1);
    this.fc = new Linear(w3, o.numClasses ?? 10);
  }
  override get typeName(): string { return this.residual ? 'CifarResNet' : 'CifarPlainNet'; }
  features(x: SymTensor): SymTensor {
    x = this.relu.call(this.bn1.call(this.conv1.call(x)));
    return this.layer3.call(this.layer2.call(this.layer1.call(x)));
  }
  forward(x: SymTensor): SymTensor {
    return this.fc.call(F.flatten(this.avgpool.call(this.features(x)), 1));
  }
}

/** Table 6 of the ResNet paper: params (M) and CIFAR-10 test error (%) of the residual nets (option A). */
const TABLE6 = { 20: [0.27, 8.75], 32: [0.46, 7.51], 44: [0.66, 7.17], 56: [0.85, 6.97], 110: [1.7, 6.43] } as const;

const residual = (depth: keyof typeof TABLE6) => ({
  config: { depth, residual: true },
  reported: { params_m: TABLE6[depth][0], cifar10_error: TABLE6[depth][1], layers: depth, n: (depth - 2) / 6, table: 'Table 6' },
  description: `CIFAR ResNet-${depth} (paper §4.2): 6n+2 layers with n = ${(depth - 2) / 6}, 16/32/64 filters, any input size`,
});
const plain = (depth: number) => ({
  config: { depth, residual: false }, options: ['numClasses'] as const,
  reported: { layers: depth, n: (depth - 2) / 6, figure: 'Fig. 6 (left)' },
  description: `CIFAR plain net, ${depth} layers (paper §4.2, Fig. 6): the ResNet without shortcuts`,
});

/** The ResNet paper's CIFAR-10 nets (§4.2): residual (Table 6) and plain (Fig. 6) at 20–110 layers. */
export const { resnet20, resnet32, resnet44, resnet56, resnet110, plain20, plain32, plain44, plain56, plain110 } = registerFamily({
  family: 'cifar', paper: RESNET_PAPER, inputSize: [3, 32, 32],
  options: {
    shortcut: oneOf(['A', 'B', 'C'], 'A', "'A' zero-padding (paper's CIFAR nets), 'B' projections where dimensions increase, 'C' all projections"),
    numClasses: numClassesOption(10, 'number of classes (CIFAR-10: 10)'),
  },
  build: (c: { depth: number; residual: boolean }, o) => new CifarResNet(c.depth, c.residual, c.residual ? o : { numClasses: o.numClasses }),
  variants: {
    resnet20: residual(20), resnet32: residual(32), resnet44: residual(44), resnet56: residual(56), resnet110: residual(110),
    plain20: plain(20), plain32: plain(32), plain44: plain(44), plain56: plain(56), plain110: plain(110),
  },
});

/** Any depth 6n+2 (the general class, as torchvision's `ResNet(block, layers)`; the registered models above are checked). */
export const cifarResnet = (depth: number, o: CifarResNetOptions = {}) => new CifarResNet(depth, true, o);
export const cifarPlain = (depth: number, o: Omit<CifarResNetOptions, 'shortcut'> = {}) => new CifarResNet(depth, false, o);
