/**
 * Deformable-conv ResNet-50 (Dai et al., "Deformable Convolutional Networks", ICCV 2017): torchvision's
 * ResNet-50 with the 3×3 conv of every bottleneck in conv3–conv5 (layer2–layer4; the layout of Zhu et
 * al.'s DCNv2 and mmdetection's `dcn stage_with_dcn=(False, True, True, True)`) replaced by a
 * deformable 3×3 conv whose offsets come from a zero-initialised 3×3 conv (18 channels = 2·3·3, one
 * offset group, same stride and dilation). `dcnStages: 'c5'` deforms only conv5 (res5a–c), the paper's
 * default setting (§4, Table 1). Parameter names are torchvision's plus mmcv's DeformConv2dPack
 * (`layer2.0.conv2.weight`, `layer2.0.conv2.conv_offset.weight/bias`). With zero offsets it computes
 * exactly ResNet-50. Traced graphs use ONNX opset 19 (`DeformConv`).
 */
import { ConfigError } from '../errors';
import { Module } from '../nn/module';
import { Bottleneck } from '../nn/blocks/resnet';
import { DeformConv2dPack } from '../nn/layers/deform';
import { Sequential } from '../nn/layers/container';
import { ResNet, BlockClass, RESNET_PAPER } from './resnet';
import { registerFamily, numClassesOption, oneOf, PaperRef } from './registry';

export const DCN_PAPER: PaperRef = {
  title: 'Deformable Convolutional Networks',
  authors: 'Jifeng Dai, Haozhi Qi, Yuwen Xiong, Yi Li, Guodong Zhang, Han Hu, Yichen Wei', year: 2017, citation: 'Dai et al., ICCV 2017',
  url: 'https://arxiv.org/abs/1703.06211',
};

export type DcnStages = 'c3-c5' | 'c5';

/** Replaces the 3×3 conv of each bottleneck in the given stages by a DeformConv2dPack of the same geometry. */
export function deformStages(net: ResNet, stages: readonly ('layer1' | 'layer2' | 'layer3' | 'layer4')[]): ResNet {
  for (const s of stages) {
    for (const [, blk] of (net[s] as Sequential).namedChildren()) {
      const b = blk as Bottleneck;
      const c = b.conv2;
      if (c.groups !== 1) throw new ConfigError('deformStages: grouped 3×3 convs are not supported', { expected: 'groups 1', got: `groups ${c.groups}`, where: s });
      (b as unknown as { conv2: Module }).conv2 = new DeformConv2dPack(c.inChannels, c.outChannels, c.kernelSize, {
        stride: c.stride, padding: c.resolvePads().slice(0, 2) as [number, number], dilation: c.dilation, bias: false,
      });
    }
  }
  return net;
}

export const { resnet50Dcn } = registerFamily({
  family: 'resnet', paper: DCN_PAPER, inputSize: [3, 224, 224],
  options: {
    dcnStages: oneOf(['c3-c5', 'c5'], 'c3-c5', "stages with deformable 3×3 convs: 'c3-c5' (DCNv2 / mmdetection) or 'c5' (Dai et al. 2017's default)"),
    numClasses: numClassesOption(1000),
  },
  build: (_: null, o) => {
    const net = new ResNet(Bottleneck as BlockClass, [3, 4, 6, 3], { numClasses: o.numClasses });
    return deformStages(net, o.dcnStages === 'c5' ? ['layer4'] : ['layer2', 'layer3', 'layer4']);
  },
  variants: {
    resnet50_dcn: { config: null,
      reported: { params: 26_137_874, params_c5: 25_805_918, base: `${RESNET_PAPER.citation} ResNet-50 (25,557,032 params) + offset convs` },
      description: 'ResNet-50 with deformable 3×3 convs (offsets from zero-initialised convs) in conv3–conv5' },
  },
});
