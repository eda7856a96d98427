import { ConfigError } from '../errors';
import { Bottleneck } from '../nn/blocks/resnet';
import { SEModule } from '../nn/blocks/se';
import { ResNet, ResNetOptions } from './resnet';
import { registerFamily, numClassesOption, oneOf, PaperRef } from './registry';

export const SENET_PAPER: PaperRef = {
  title: 'Squeeze-and-Excitation Networks',
  authors: 'Jie Hu, Li Shen, Samuel Albanie, Gang Sun, Enhua Wu', year: 2018, citation: 'Hu et al., CVPR 2018',
  url: 'https://arxiv.org/abs/1709.01507',
};

export interface SEResNetOptions extends Omit<ResNetOptions, 'attention'> {
  /** the SE reduction ratio r (paper §6.1, Table 10; default 16) */
  reduction?: number;
}

/**
 * SE-ResNet / SE-ResNeXt as timm's `seresnet50` / `seresnext50_32x4d` (timm/models/resnet.py, `attn_layer='se'`):
 * torchvision's ResNet with a timm `SEModule` (reduction 16, channels rounded to multiples of 8) on every block's
 * residual branch after bn3, before the addition (paper Fig. 3). Keys `layerL.B.se.fc1.weight` ... — timm's, not
 * the Cadene/`legacy_seresnet50` names (`layer0.conv1`, `se_module`, `last_linear`).
 */
export function seResNet(layers: readonly number[], o: SEResNetOptions = {}): ResNet {
  const r = o.reduction ?? 16;
  if (!Number.isInteger(r) || r < 1) throw new ConfigError('SE reduction must be a positive integer', { got: String(r), where: 'SEModule', expected: 'e.g. 16 (paper Table 10: 2, 4, 8, 16, 32)' });
  return new ResNet(Bottleneck, layers, { ...o, attention: (c) => new SEModule(c, { rdRatio: 1 / r }) });
}

const row = (groups: number, widthPerGroup: number, title: string, reported: Record<string, number | string>) => ({
  config: { groups, widthPerGroup }, reported,
  description: `${title}: SE blocks (reduction 16) on ResNet bottlenecks; parameter names of timm's ${reported.timm_name}`,
});

export const { seResnet50, seResnext50_32x4d } = registerFamily({
  family: 'senet', paper: SENET_PAPER, inputSize: [3, 224, 224],
  options: {
    strideIn: oneOf(['3x3', '1x1'], '3x3', "'3x3': timm/torchvision v1.5 (stride on the 3×3); '1x1': the Caffe ResNet layout of the SENet paper's models"),
    reduction: oneOf([2, 4, 8, 16, 32], 16, 'SE reduction ratio r (paper Table 10)'),
    numClasses: numClassesOption(1000),
  },
  build: (c: { groups: number; widthPerGroup: number }, o) => seResNet([3, 4, 6, 3], { ...c, ...o }),
  variants: {
    se_resnet50: row(1, 64, 'SE-ResNet-50', { params: 28_088_024, paper_gflops: 3.87, top1_error: 23.29, top5_error: 6.62, timm_name: 'seresnet50' }),
    se_resnext50_32x4d: row(32, 4, 'SE-ResNeXt-50 (32×4d)', { params: 27_559_896, paper_gflops: 4.25, top1_error: 21.10, top5_error: 5.49, timm_name: 'seresnext50_32x4d' }),
  },
});
