/**
 * SPP-net (He, Zhang, Ren, Sun, ECCV 2014 / TPAMI 2015) with the ZF-5 trunk of its Table 1, and an
 * SPP head for any trunk.
 *
 * ZF-5 (input 224): conv1 96×7×7/2 (pad 1) → ReLU → LRN → max pool 3×3/2 → 55×55;
 * conv2 256×5×5/2 (pad 1) → ReLU → LRN → max pool 3×3/2 → 13×13; conv3 384, conv4 384, conv5 256
 * (3×3, pad 1, ReLU) at 13×13. Paddings and Caffe's ceil-mode pooling are chosen so the map sizes are the
 * table's (55 and 13); LRN as AlexNet's (size 5, α 1e-4, β 0.75, k 1 as Caffe's default).
 * SPP on conv5 with levels {6, 3, 2, 1} (50 bins → 256·50 = 12800 features), then fc6 4096, fc7 4096
 * (ReLU, dropout) and fc8 (1000 classes). The output length is fixed for any input size ≥ 5×5
 * through the pyramid ('adaptive' bins by default; 'paper' for the paper's window/stride rule, which
 * coincides at 224 where conv5 is 13×13). No torchvision/timm model exists; names are Caffe-style
 * (`features.conv1`…`features.conv5`, `fc6`, `fc7`, `fc8`).
 */
import { Module } from '../nn/module';
import { Conv2d } from '../nn/layers/conv';
import { ReLU } from '../nn/layers/activation';
import { MaxPool2d, LocalResponseNorm } from '../nn/layers/pooling';
import { Linear, Dropout } from '../nn/layers/linear';
import { Sequential } from '../nn/layers/container';
import { SpatialPyramidPool, SppRule } from '../nn/blocks/spp';
import { SymTensor } from '../nn/trace';
import { registerFamily, numClassesOption, oneOf, PaperRef } from './registry';

export const SPPNET_PAPER: PaperRef = {
  title: 'Spatial Pyramid Pooling in Deep Convolutional Networks for Visual Recognition',
  authors: 'Kaiming He, Xiangyu Zhang, Shaoqing Ren, Jian Sun', year: 2014, citation: 'He et al., ECCV 2014 (TPAMI 2015)',
  url: 'https://arxiv.org/abs/1406.4729',
};

/** The ZF-5 trunk of SPP-net's Table 1 (children conv1, relu1, norm1, pool1, …, conv5, relu5). */
export function zf5Features(): Sequential {
  return new Sequential({
    conv1: new Conv2d(3, 96, 7, { stride: 2, padding: 1 }), relu1: new ReLU(true), norm1: new LocalResponseNorm(5, 1e-4, 0.75, 1), pool1: new MaxPool2d(3, { stride: 2, ceilMode: true }),
    conv2: new Conv2d(96, 256, 5, { stride: 2, padding: 1 }), relu2: new ReLU(true), norm2: new LocalResponseNorm(5, 1e-4, 0.75, 1), pool2: new MaxPool2d(3, { stride: 2, ceilMode: true }),
    conv3: new Conv2d(256, 384, 3, { padding: 1 }), relu3: new ReLU(true),
    conv4: new Conv2d(384, 384, 3, { padding: 1 }), relu4: new ReLU(true),
    conv5: new Conv2d(384, 256, 3, { padding: 1 }), relu5: new ReLU(true),
  });
}

export interface SPPNetOptions {
  levels?: readonly number[];
  rule?: SppRule;
  numClasses?: number;
  /** width of fc6/fc7 (default 4096) */
  hidden?: number;
}

/** Any trunk (a module mapping images to [N, C, h, w]) + SPP + fc6/fc7/fc8: fixed-length output for any input size. */
export class SPPNet extends Module {
  features: Module;
  spp: SpatialPyramidPool;
  fc6: Linear; relu6: ReLU; drop6: Dropout;
  fc7: Linear; relu7: ReLU; drop7: Dropout;
  fc8: Linear;
  constructor(features: Module, channels: number, o: SPPNetOptions = {}) {
    super();
    this.features = features;
    this.spp = new SpatialPyramidPool(o.levels ?? [6, 3, 2, 1], o.rule ?? 'adaptive');
    const hidden = o.hidden ?? 4096;
    this.fc6 = new Linear(this.spp.outputLength(channels), hidden); this.relu6 = new ReLU(true); this.drop6 = new Dropout(0.5);
    this.fc7 = new Linear(hidden, hidden); this.relu7 = new ReLU(true); this.drop7 = new Dropout(0.5);
    this.fc8 = new Linear(hidden, o.numClasses ?? 1000);
  }
  override get typeName(): string { return 'SPPNet'; }
  forward(x: SymTensor): SymTensor {
    let y = this.spp.call(this.features.call(x));
    y = this.drop6.call(this.relu6.call(this.fc6.call(y)));
    y = this.drop7.call(this.relu7.call(this.fc7.call(y)));
    return this.fc8.call(y);
  }
}

/** An SPP head (pyramid + fc6/fc7/fc8) on any trunk whose last feature map has `channels` channels. */
export const sppHead = (trunk: Module, channels: number, o: SPPNetOptions = {}) => new SPPNet(trunk, channels, o);
export const { sppnetZf5 } = registerFamily({
  family: 'sppnet', paper: SPPNET_PAPER, inputSize: [3, 224, 224],
  options: {
    sppRule: oneOf(['adaptive', 'paper'], 'adaptive', "SPP bins: 'adaptive' (PyTorch's, any size) or 'paper' (window ⌈a/n⌉, stride ⌊a/n⌋)"),
    numClasses: numClassesOption(1000, 'classes of fc8'),
  },
  build: (_: null, o) => new SPPNet(zf5Features(), 256, { rule: o.sppRule, numClasses: o.numClasses }),
  variants: {
    sppnet_zf5: { config: null,
      reported: { params: 77_037_672, spp_levels: '6,3,2,1', spp_bins: 50, conv5_map: '13×13 at 224' },
      description: 'SPP-net: ZF-5 trunk, 4-level spatial pyramid pooling {6,3,2,1} on conv5, fc6/fc7/fc8; any input size' },
  },
});
