/**
 * DeepLab v3 (Chen et al. 2017) and DeepLab v3+ (Chen et al. 2018) semantic segmentation, plus the
 * pieces torchvision's segmentation models share (dilated ResNet backbone, upsampling of the logits).
 *
 * - `deeplabv3_resnet50`, `deeplabv3_resnet101`: torchvision's models and state-dict keys
 *   (`backbone.*` = IntermediateLayerGetter over a ResNet without avgpool/fc, `classifier.0` = ASPP,
 *   `classifier.1..4` = 3×3 conv + BN + ReLU + 1×1 conv; `aux_classifier.*` = FCNHead(1024) on
 *   layer3 with `auxLoss: true`). `outputStride` 8 (torchvision's, stride of layer3/4 replaced by
 *   dilation, ASPP rates [12, 24, 36]) or 16 (only layer4 dilated, rates [6, 12, 18]).
 * - `deeplabv3plus`: encoder–decoder (Chen et al. 2018, §3.1, Fig. 2): the ASPP output (OS 16 by
 *   default) is upsampled ×4 bilinearly, concatenated with the low-level features (ResNet layer1 /
 *   Xception entry flow, stride 4) reduced to 48 channels by a 1×1 conv + BN + ReLU, refined by
 *   3×3 convs (256, BN, ReLU; two as in the paper's Table 3, `decoderConvs: 1` for one), classified by
 *   a 1×1 conv and upsampled ×4 to the input size. Parameter names follow VainF's
 *   DeepLabV3Plus-Pytorch (`classifier.project` = low-level 1×1, `classifier.aspp`,
 *   `classifier.classifier`), whose layout equals the paper's with `decoderConvs: 1`.
 * Every model returns [N, classes, H, W] logits upsampled bilinearly (align_corners=False) to the
 * input size, like torchvision's `out` (and `aux` as a second output with `auxLoss`).
 */
import { ConfigError } from '../errors';
import { Module } from '../nn/module';
import { Conv2d } from '../nn/layers/conv';
import { BatchNorm2d } from '../nn/layers/norm';
import { ReLU } from '../nn/layers/activation';
import { Dropout } from '../nn/layers/linear';
import { MaxPool2d } from '../nn/layers/pooling';
import { Sequential } from '../nn/layers/container';
import { Bottleneck } from '../nn/blocks/resnet';
import { ASPP, resizeBilinearTo } from '../nn/blocks/aspp';
import * as F from '../nn/functional';
import { SymTensor } from '../nn/trace';
import { ResNet } from './resnet';
import { Xception } from './xception';
import { XceptionBlock } from '../nn/blocks/xception';
import { SeparableConv2d } from '../nn/layers/separable';
import { registerFamily, numClassesOption, oneOf, flag, PaperRef } from './registry';

export const DEEPLABV3_PAPER: PaperRef = {
  title: 'Rethinking Atrous Convolution for Semantic Image Segmentation',
  authors: 'Liang-Chieh Chen, George Papandreou, Florian Schroff, Hartwig Adam', year: 2017, citation: 'Chen et al., arXiv 2017',
  url: 'https://arxiv.org/abs/1706.05587',
};
export const DEEPLABV3PLUS_PAPER: PaperRef = {
  title: 'Encoder-Decoder with Atrous Separable Convolution for Semantic Image Segmentation',
  authors: 'Liang-Chieh Chen, Yukun Zhu, George Papandreou, Florian Schroff, Hartwig Adam', year: 2018, citation: 'Chen et al., ECCV 2018',
  url: 'https://arxiv.org/abs/1802.02611',
};

export type OutputStride = 8 | 16;
/** ASPP rates for an output stride (DeepLab v3 §3.3: rates double when the output stride halves). */
export const ASPP_RATES: Record<OutputStride, readonly number[]> = { 8: [12, 24, 36], 16: [6, 12, 18] };

/** replace_stride_with_dilation of layer2..4 for an output stride. */
export function dilationFor(outputStride: OutputStride): [boolean, boolean, boolean] {
  if (outputStride !== 8 && outputStride !== 16) {
    throw new ConfigError('outputStride must be 8 or 16', { expected: 'one of 8, 16', got: String(outputStride), where: 'outputStride' });
  }
  return outputStride === 8 ? [false, true, true] : [false, false, true];
}

/** Feature maps a segmentation backbone hands to its heads. */
export type BackboneFeatures = {
  /** stride-4 features (ResNet layer1) for the DeepLab v3+ decoder */
  low: SymTensor;
  /** layer3 features (torchvision's aux classifier input) */
  aux: SymTensor;
  /** last stage */
  out: SymTensor;
};

/**
 * torchvision's IntermediateLayerGetter over a ResNet: the ResNet's modules up to layer4 (no avgpool,
 * no fc, so its keys are `backbone.conv1.weight`, `backbone.layer1.0...`). `call(x)` returns the
 * low/aux/out features.
 */
export class ResNetBackbone extends Module {
  conv1: Conv2d; bn1: BatchNorm2d; relu: ReLU; maxpool: MaxPool2d;
  layer1: Sequential; layer2: Sequential; layer3: Sequential; layer4: Sequential;
  readonly outChannels = 2048;
  readonly lowChannels = 256;
  readonly auxChannels = 1024;
  constructor(layers: readonly number[], outputStride: OutputStride) {
    super();
    const r = new ResNet(Bottleneck as typeof Bottleneck & { expansion: number }, layers, { replaceStrideWithDilation: dilationFor(outputStride) });
    this.conv1 = r.conv1; this.bn1 = r.bn1; this.relu = r.relu; this.maxpool = r.maxpool;
    this.layer1 = r.layer1; this.layer2 = r.layer2; this.layer3 = r.layer3; this.layer4 = r.layer4;
  }
  override get typeName(): string { return 'IntermediateLayerGetter'; }
  forward(x: SymTensor): BackboneFeatures {
    x = this.maxpool.call(this.relu.call(this.bn1.call(this.conv1.call(x))));
    const low = this.layer1.call(x);
    const aux = this.layer3.call(this.layer2.call(low));
    return { low, aux, out: this.layer4.call(aux) };
  }
}

/**
 * Chollet's Xception (the zoo's `xception`, timm legacy names, no fc) as a DeepLab v3+ encoder at output
 * stride 16: the exit block (`block12`) keeps stride 1 and the exit flow's separable convs (`conv3`,
 * `conv4`) use dilation 2 (atrous), so layer shapes and weights stay Xception's. Low-level features:
 * `block1` (128 channels, stride 4). The paper's own encoder is a deeper "aligned" Xception-65 with
 * strided separable convs instead of max pools; this keeps the zoo's Xception (documented difference).
 */
export class XceptionBackbone extends Module {
  conv1: Conv2d; bn1: BatchNorm2d; act1: ReLU; conv2: Conv2d; bn2: BatchNorm2d; act2: ReLU;
  block1: XceptionBlock; block2: XceptionBlock; block3: XceptionBlock; block4: XceptionBlock; block5: XceptionBlock;
  block6: XceptionBlock; block7: XceptionBlock; block8: XceptionBlock; block9: XceptionBlock; block10: XceptionBlock;
  block11: XceptionBlock; block12: XceptionBlock;
  conv3: SeparableConv2d; bn3: BatchNorm2d; act3: ReLU; conv4: SeparableConv2d; bn4: BatchNorm2d; act4: ReLU;
  readonly outChannels = 2048;
  readonly lowChannels = 128;
  readonly auxChannels = 728;
  constructor(outputStride: OutputStride) {
    super();
    if (outputStride !== 16) {
      throw new ConfigError('the Xception backbone supports output stride 16 only', { expected: 'outputStride 16 with backbone xception', got: String(outputStride), where: 'deeplabv3plus.outputStride' });
    }
    const x = new Xception();
    this.conv1 = x.conv1; this.bn1 = x.bn1; this.act1 = x.act1; this.conv2 = x.conv2; this.bn2 = x.bn2; this.act2 = x.act2;
    this.block1 = x.block1; this.block2 = x.block2; this.block3 = x.block3; this.block4 = x.block4; this.block5 = x.block5;
    this.block6 = x.block6; this.block7 = x.block7; this.block8 = x.block8; this.block9 = x.block9; this.block10 = x.block10;
    this.block11 = x.block11;
    this.block12 = new XceptionBlock(728, 1024, 2, 1, { growFirst: false });
    this.conv3 = new SeparableConv2d(1024, 1536, 3, { padding: 2, dilation: 2 });
    this.bn3 = x.bn3; this.act3 = x.act3;
    this.conv4 = new SeparableConv2d(1536, 2048, 3, { padding: 2, dilation: 2 });
    this.bn4 = x.bn4; this.act4 = x.act4;
  }
  override get typeName(): string { return 'Xception'; }
  forward(x: SymTensor): BackboneFeatures {
    let y = this.act1.call(this.bn1.call(this.conv1.call(x)));
    y = this.act2.call(this.bn2.call(this.conv2.call(y)));
    const low = this.block1.call(y);
    y = low;
    for (const b of [this.block2, this.block3, this.block4, this.block5, this.block6, this.block7, this.block8, this.block9, this.block10, this.block11]) y = b.call(y);
    const aux = y;
    y = this.block12.call(y);
    y = this.act3.call(this.bn3.call(this.conv3.call(y)));
    return { low, aux, out: this.act4.call(this.bn4.call(this.conv4.call(y))) };
  }
}

/** torchvision's DeepLabHead: ASPP, 3×3 conv + BN + ReLU, 1×1 classifier (keys 0..4). */
export class DeepLabHead extends Sequential {
  constructor(inChannels: number, numClasses: number, rates: readonly number[]) {
    super(new ASPP(inChannels, rates), new Conv2d(256, 256, 3, { padding: 1, bias: false }), new BatchNorm2d(256), new ReLU(), new Conv2d(256, numClasses, 1));
  }
}

/** torchvision's FCNHead: 3×3 conv to in/4 + BN + ReLU + Dropout(0.1) + 1×1 classifier (keys 0..4). */
export class FCNHead extends Sequential {
  constructor(inChannels: number, channels: number) {
    const inter = Math.floor(inChannels / 4);
    super(new Conv2d(inChannels, inter, 3, { padding: 1, bias: false }), new BatchNorm2d(inter), new ReLU(), new Dropout(0.1), new Conv2d(inter, channels, 1));
  }
}

/** A backbone module whose `call(x)` gives low/aux/out features (ResNetBackbone, or an Xception trunk). */
export interface SegBackbone extends Module {
  readonly outChannels: number;
  readonly lowChannels: number;
  readonly auxChannels: number;
}

/**
 * torchvision's _SimpleSegmentationModel (DeepLabV3, FCN): backbone → classifier → bilinear upsampling
 * to the input size; with an aux classifier, a second output `aux` from layer3.
 */
export class SegmentationModel extends Module {
  backbone: SegBackbone;
  classifier: Module;
  aux_classifier: Module | null;
  constructor(backbone: SegBackbone, classifier: Module, auxClassifier: Module | null, private readonly kind: string) {
    super();
    this.backbone = backbone;
    this.classifier = classifier;
    this.aux_classifier = auxClassifier;
  }
  override get typeName(): string { return this.kind; }
  forward(x: SymTensor): SymTensor | Record<string, SymTensor> {
    const size: [number, number] = [x.shape[2], x.shape[3]];
    const f = this.backbone.call(x) as BackboneFeatures;
    const out = resizeBilinearTo(this.classifier.call(f.out), size);
    if (!this.aux_classifier) return out;
    return { out, aux: resizeBilinearTo(this.aux_classifier.call(f.aux), size) };
  }
}

const DEPTH_LAYERS: Record<50 | 101, number[]> = { 50: [3, 4, 6, 3], 101: [3, 4, 23, 3] };


/** DeepLab v3+ decoder head (VainF's DeepLabHeadV3Plus names; `decoderConvs` 3×3 convs as in the paper's Table 3). */
export class DeepLabHeadV3Plus extends Module {
  project: Sequential;
  aspp: ASPP;
  classifier: Sequential;
  constructor(inChannels: number, lowLevelChannels: number, numClasses: number, rates: readonly number[], decoderConvs: 1 | 2 = 2) {
    super();
    this.project = new Sequential(new Conv2d(lowLevelChannels, 48, 1, { bias: false }), new BatchNorm2d(48), new ReLU());
    this.aspp = new ASPP(inChannels, rates);
    const mods: Module[] = [new Conv2d(304, 256, 3, { padding: 1, bias: false }), new BatchNorm2d(256), new ReLU()];
    if (decoderConvs === 2) mods.push(new Conv2d(256, 256, 3, { padding: 1, bias: false }), new BatchNorm2d(256), new ReLU());
    mods.push(new Conv2d(256, numClasses, 1));
    this.classifier = new Sequential(...mods);
  }
  forward(low: SymTensor, out: SymTensor): SymTensor {
    const lowF = this.project.call(low);
    const up = resizeBilinearTo(this.aspp.call(out), [lowF.shape[2], lowF.shape[3]]);
    return this.classifier.call(F.concat([up, lowF], 1));
  }
}

/** DeepLab v3+ (backbone → ASPP + decoder → ×4 upsampling). */
export class DeepLabV3Plus extends Module {
  backbone: SegBackbone;
  classifier: DeepLabHeadV3Plus;
  constructor(backbone: SegBackbone, numClasses: number, outputStride: OutputStride, decoderConvs: 1 | 2 = 2) {
    super();
    this.backbone = backbone;
    this.classifier = new DeepLabHeadV3Plus(backbone.outChannels, backbone.lowChannels, numClasses, ASPP_RATES[outputStride], decoderConvs);
  }
  override get typeName(): string { return 'DeepLabV3Plus'; }
  forward(x: SymTensor): SymTensor {
    const f = this.backbone.call(x) as BackboneFeatures;
    return resizeBilinearTo(this.classifier.call(f.low, f.out), [x.shape[2], x.shape[3]]);
  }
}

export type DeepLabV3PlusBackbone = 'resnet50' | 'resnet101' | 'xception';

/** Backbone factories for DeepLab v3+. */
export const DEEPLABV3PLUS_BACKBONES: Record<DeepLabV3PlusBackbone, (os: OutputStride) => SegBackbone> = {
  resnet50: (os) => new ResNetBackbone(DEPTH_LAYERS[50], os),
  resnet101: (os) => new ResNetBackbone(DEPTH_LAYERS[101], os),
  xception: (os) => new XceptionBackbone(os),
};

const v3 = (depth: 50 | 101, reported: Record<string, number | string>) => ({
  config: depth,
  reported: { ...reported, miou_voc_test_paper: 85.7, note: 'torchvision numbers: COCO-trained weights on the 20 VOC classes, 520×520, with aux head; paper: JFT-pretrained ResNet-101, VOC 2012 test' },
  description: `DeepLab v3 with a dilated ResNet-${depth} backbone, ASPP with image pooling; logits upsampled to the input size`,
});

/** DeepLab v3 as torchvision's `deeplabv3_resnet50/101` (state-dict keys `backbone.*`, `classifier.*`, `aux_classifier.*`). */
export const { deeplabv3Resnet50, deeplabv3Resnet101 } = registerFamily({
  family: 'deeplab', paper: DEEPLABV3_PAPER, inputSize: [3, 520, 520],
  options: {
    outputStride: oneOf([8, 16], 8, 'output stride: 8 (torchvision; layer3+4 dilated, ASPP rates 12/24/36) or 16 (layer4 dilated, rates 6/12/18)'),
    numClasses: numClassesOption(21, 'number of classes (21: PASCAL VOC with background)'),
    auxLoss: flag(false, "torchvision's aux_loss: an FCNHead(1024) on layer3 as a second output `aux`"),
  },
  build: (depth: 50 | 101, o) => new SegmentationModel(new ResNetBackbone(DEPTH_LAYERS[depth], o.outputStride),
    new DeepLabHead(2048, o.numClasses, ASPP_RATES[o.outputStride]), o.auxLoss ? new FCNHead(1024, o.numClasses) : null, 'DeepLabV3'),
  variants: {
    deeplabv3_resnet50: v3(50, { params: 39_638_869, params_with_aux_torchvision: 42_004_074, gflops_torchvision: 178.72, miou_coco_voc_torchvision: 66.4, pixel_acc_torchvision: 92.4 }),
    deeplabv3_resnet101: v3(101, { params: 58_630_997, params_with_aux_torchvision: 60_996_202, gflops_torchvision: 258.74, miou_coco_voc_torchvision: 67.4, pixel_acc_torchvision: 92.4 }),
  },
});

export const { deeplabv3plus } = registerFamily({
  family: 'deeplab', paper: DEEPLABV3PLUS_PAPER, inputSize: [3, 512, 512],
  options: {
    backbone: oneOf(['resnet101', 'resnet50', 'xception'], 'resnet101', 'encoder backbone (low-level features at stride 4)'),
    outputStride: oneOf([16, 8], 16, 'encoder output stride (ASPP rates 6/12/18 at 16, 12/24/36 at 8; 16 only with xception)'),
    decoderConvs: oneOf([2, 1], 2, "3×3 convs in the decoder: 2 as the paper's Table 3, 1 as VainF's DeepLabV3Plus-Pytorch"),
    numClasses: numClassesOption(21, 'number of classes (21: PASCAL VOC with background)'),
  },
  build: (_: null, o) => {
    dilationFor(o.outputStride);
    return new DeepLabV3Plus(DEEPLABV3PLUS_BACKBONES[o.backbone](o.outputStride), o.numClasses, o.outputStride, o.decoderConvs);
  },
  variants: {
    deeplabv3plus: { config: null,
      reported: { miou_voc_test_paper: 89.0, note: 'paper: Xception-65 backbone pretrained on COCO and JFT, VOC 2012 test' },
      description: 'DeepLab v3+: DeepLab v3 encoder + decoder with 48-channel low-level features, ×4 + ×4 bilinear upsampling' },
  },
});
