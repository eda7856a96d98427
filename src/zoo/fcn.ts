/**
 * torchvision's `fcn_resnet50`: a dilated ResNet-50 (output stride 8, layer3/4 strides replaced by
 * dilation) with an FCNHead (3×3 conv 2048→512 + BN + ReLU + Dropout(0.1) + 1×1 conv to the classes),
 * logits upsampled bilinearly to the input size. The name follows torchvision; the head is a
 * simplification of Long et al.'s FCN (no skip layers). State-dict keys are torchvision's
 * (`backbone.*`, `classifier.0..4`, `aux_classifier.*` with `auxLoss`).
 */
import { FCNHead, ResNetBackbone, SegmentationModel } from './deeplab';
import { registerFamily, numClassesOption, flag, PaperRef } from './registry';

export const FCN_PAPER: PaperRef = {
  title: 'Fully Convolutional Networks for Semantic Segmentation',
  authors: 'Jonathan Long, Evan Shelhamer, Trevor Darrell', year: 2015, citation: 'Long et al., CVPR 2015',
  url: 'https://arxiv.org/abs/1411.4038',
};

export const { fcnResnet50 } = registerFamily({
  family: 'fcn', paper: FCN_PAPER, inputSize: [3, 520, 520],
  options: {
    numClasses: numClassesOption(21, 'number of classes (21: PASCAL VOC with background)'),
    auxLoss: flag(false, "torchvision's aux_loss: an FCNHead(1024) on layer3 as a second output `aux`"),
  },
  build: (_: null, o) => new SegmentationModel(new ResNetBackbone([3, 4, 6, 3], 8), new FCNHead(2048, o.numClasses),
    o.auxLoss ? new FCNHead(1024, o.numClasses) : null, 'FCN'),
  variants: {
    fcn_resnet50: { config: null,
      reported: { params: 32_957_013, params_with_aux_torchvision: 35_322_218, gflops_torchvision: 152.72, miou_coco_voc_torchvision: 60.5, pixel_acc_torchvision: 91.4,
        note: 'torchvision numbers: COCO-trained weights on the 20 VOC classes, 520×520, with aux head' },
      description: 'FCN head on a dilated ResNet-50 (output stride 8), logits upsampled to the input size' },
  },
});
