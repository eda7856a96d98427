import * as F from '../nn/functional';
import { Module } from '../nn/module';
import { BatchNorm2d } from '../nn/layers/norm';
import { Conv2d } from '../nn/layers/conv';
import { ReLU } from '../nn/layers/activation';
import { MaxPool2d, AdaptiveAvgPool2d } from '../nn/layers/pooling';
import { Linear } from '../nn/layers/linear';
import { Sequential } from '../nn/layers/container';
import { BasicBlock, Bottleneck, StrideIn, conv1x1 } from '../nn/blocks/resnet';
import { SymTensor } from '../nn/trace';
import { registerFamily, numClassesOption, PaperRef, OptionSpec } from './registry';

export type BlockClass = (typeof BasicBlock | typeof Bottleneck) & { expansion: number };

export interface ResNetOptions {
  numClasses?: number;
  groups?: number;
  widthPerGroup?: number;
  strideIn?: StrideIn;
  /** replace the stride of layer2..4 by dilation (DeepLab's output stride 8/16) */
  replaceStrideWithDilation?: [boolean, boolean, boolean];
  /** factory for a module applied to each block's residual branch (SE-ResNet) */
  attention?: ((channels: number) => Module) | null;
}

/**
 * torchvision's ResNet(block, layers): stem (7×7/2 conv, BN, ReLU, 3×3/2 max pool), four stages built by
 * makeLayer, global average pool and fc. ResNeXt and Wide ResNet reuse it through groups/widthPerGroup.
 */
export class ResNet extends Module {
  conv1: Conv2d; bn1: BatchNorm2d; relu: ReLU; maxpool: MaxPool2d;
  layer1: Sequential; layer2: Sequential; layer3: Sequential; layer4: Sequential;
  avgpool: AdaptiveAvgPool2d; fc: Linear;
  private inplanes = 64;
  private dilation = 1;
  private readonly o: ResNetOptions;

  constructor(readonly block: BlockClass, readonly layers: readonly number[], o: ResNetOptions = {}) {
    super();
    this.o = o;
    const rswd = o.replaceStrideWithDilation ?? [false, false, false];
    this.conv1 = new Conv2d(3, 64, 7, { stride: 2, padding: 3, bias: false });
    this.bn1 = new BatchNorm2d(64);
    this.relu = new ReLU(true);
    this.maxpool = new MaxPool2d(3, { stride: 2, padding: 1 });
    this.layer1 = this.makeLayer(64, layers[0]);
    this.layer2 = this.makeLayer(128, layers[1], 2, rswd[0]);
    this.layer3 = this.makeLayer(256, layers[2], 2, rswd[1]);
    this.layer4 = this.makeLayer(512, layers[3], 2, rswd[2]);
    this.avgpool = new AdaptiveAvgPool2d([1, 1]);
    this.fc = new Linear(512 * block.expansion, o.numClasses ?? 1000);
  }

  private makeLayer(planes: number, blocks: number, stride = 1, dilate = false): Sequential {
    const exp = this.block.expansion;
    const prevDilation = this.dilation;
    if (dilate) { this.dilation *= stride; stride = 1; }
    let downsample: Module | null = null;
    if (stride !== 1 || this.inplanes !== planes * exp) {
      downsample = new Sequential(conv1x1(this.inplanes, planes * exp, stride), new BatchNorm2d(planes * exp));
    }
    const common = { groups: this.o.groups, baseWidth: this.o.widthPerGroup, strideIn: this.o.strideIn };
    const att = () => (this.o.attention ? this.o.attention(planes * exp) : null);
    const mods: Module[] = [new this.block(this.inplanes, planes, { ...common, stride, downsample, dilation: prevDilation, attention: att() })];
    this.inplanes = planes * exp;
    for (let i = 1; i < blocks; i++) mods.push(new this.block(this.inplanes, planes, { ...common, dilation: this.dilation, attention: att() }));
    return new Sequential(...mods);
  }

  /** The trunk up to layer4 (for CAM, detection and segmentation heads). */
  features(x: SymTensor): SymTensor {
    x = this.maxpool.call(this.relu.call(this.bn1.call(this.conv1.call(x))));
    return this.layer4.call(this.layer3.call(this.layer2.call(this.layer1.call(x))));
  }

  forward(x: SymTensor): SymTensor {
    return this.fc.call(F.flatten(this.avgpool.call(this.features(x)), 1));
  }
}

export const RESNET_PAPER: PaperRef = {
  title: 'Deep Residual Learning for Image Recognition',
  authors: 'Kaiming He, Xiangyu Zhang, Shaoqing Ren, Jian Sun', year: 2016, citation: 'He et al., CVPR 2016',
  url: 'https://arxiv.org/abs/1512.03385',
};
const RESNEXT_PAPER: PaperRef = {
  title: 'Aggregated Residual Transformations for Deep Neural Networks',
  authors: 'Saining Xie, Ross Girshick, Piotr Dollár, Zhuowen Tu, Kaiming He', year: 2017, citation: 'Xie et al., CVPR 2017',
  url: 'https://arxiv.org/abs/1611.05431',
};
const WRN_PAPER: PaperRef = {
  title: 'Wide Residual Networks', authors: 'Sergey Zagoruyko, Nikos Komodakis', year: 2016, citation: 'Zagoruyko & Komodakis, BMVC 2016',
  url: 'https://arxiv.org/abs/1605.07146',
};

const strideInOption: OptionSpec<StrideIn> = { allowed: ['3x3', '1x1'], default: '3x3', doc: "'3x3': torchvision v1.5 (stride on the 3×3); '1x1': the paper (stride on the first 1×1)" };

interface ResNetConfig {
  block: BlockClass;
  layers: number[];
  groups?: number;
  widthPerGroup?: number;
}

const basic = (layers: number[]) => ({ block: BasicBlock as BlockClass, layers });
const bottleneck = (layers: number[], groups?: number, widthPerGroup?: number) => ({ block: Bottleneck as BlockClass, layers, groups, widthPerGroup });
const describe = (c: ResNetConfig, depth: string) => `ResNet-${depth} (${c.block === Bottleneck ? 'bottleneck' : 'basic'} blocks ${c.layers.join('-')})`;

/** ResNet, ResNeXt and Wide ResNet: torchvision's names, configurations and parameter counts. */
export const {
  resnet18, resnet34, resnet50, resnet101, resnet152, resnext50_32x4d, resnext101_32x8d, wideResnet50_2,
} = registerFamily({
  family: 'resnet', paper: RESNET_PAPER, inputSize: [3, 224, 224],
  options: { strideIn: strideInOption, numClasses: numClassesOption(1000) },
  build: (c: ResNetConfig, o) => new ResNet(c.block, c.layers, { groups: c.groups, widthPerGroup: c.widthPerGroup, strideIn: o.strideIn, numClasses: o.numClasses }),
  variants: {
    resnet18: { config: basic([2, 2, 2, 2]), options: ['numClasses'], description: describe(basic([2, 2, 2, 2]), '18'),
      reported: { params: 11_689_512, gmacs: 1.81, top1_error_10crop: '27.88 (Table 3, 18-layer plain/ResNet B)' } },
    resnet34: { config: basic([3, 4, 6, 3]), options: ['numClasses'], description: describe(basic([3, 4, 6, 3]), '34'),
      reported: { params: 21_797_672, gmacs: 3.66, gflops_paper: 3.6, top1_error_10crop: 24.52 } },
    resnet50: { config: bottleneck([3, 4, 6, 3]), description: describe(bottleneck([3, 4, 6, 3]), '50'),
      reported: { params: 25_557_032, gmacs: 4.09, gflops_paper: 3.8, top1_error_10crop: 22.85 } },
    resnet101: { config: bottleneck([3, 4, 23, 3]), description: describe(bottleneck([3, 4, 23, 3]), '101'),
      reported: { params: 44_549_160, gmacs: 7.80, gflops_paper: 7.6, top1_error_10crop: 21.75 } },
    resnet152: { config: bottleneck([3, 8, 36, 3]), description: describe(bottleneck([3, 8, 36, 3]), '152'),
      reported: { params: 60_192_808, gmacs: 11.51, gflops_paper: 11.3, top1_error_10crop: 21.43 } },
    resnext50_32x4d: { config: bottleneck([3, 4, 6, 3], 32, 4), paper: RESNEXT_PAPER, description: 'Bottleneck ResNet, groups 32, width per group 4',
      reported: { params: 25_028_904, gmacs: 4.23 } },
    resnext101_32x8d: { config: bottleneck([3, 4, 23, 3], 32, 8), paper: RESNEXT_PAPER, description: 'Bottleneck ResNet, groups 32, width per group 8',
      reported: { params: 88_791_336, gmacs: 16.41 } },
    wide_resnet50_2: { config: bottleneck([3, 4, 6, 3], 1, 128), paper: WRN_PAPER, description: 'Bottleneck ResNet, groups 1, width per group 128',
      reported: { params: 68_883_240, gmacs: 11.40 } },
  },
});
