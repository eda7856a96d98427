/**
 * Fast R-CNN with a VGG16 trunk (Girshick, ICCV 2015, §2): the 13 conv layers of VGG16 (conv5_3 + ReLU,
 * stride 16; the last max pool is replaced by RoI pooling), RoIPool 7×7 at spatial scale 1/16, fc6 and
 * fc7 (4096, ReLU, dropout), and two sibling heads: `cls_score` (K+1 = 21 classes for PASCAL VOC) and
 * `bbox_pred` (4·(K+1) = 84 class-specific box offsets).
 *
 * Two inputs: `image` [N, 3, H, W] and `rois` [R, 5] rows (batch_index, x1, y1, x2, y2) in image
 * pixels; two outputs `cls_score` [R, 21] (logits; softmax gives the paper's p) and `bbox_pred` [R, 84].
 * Traced with the image only (e.g. `cnnlab summary fast_rcnn_vgg16`), one whole-image RoI is used as a
 * constant so per-RoI costs show for one RoI.
 * Parameter names: `features.0..28` are torchvision's vgg16 keys (so ImageNet VGG16 weights load into
 * the trunk), then `fc6`, `fc7`, `cls_score`, `bbox_pred` as in the paper's Caffe model.
 */
import { Tensor } from '../tensor/tensor';
import { Module } from '../nn/module';
import { Linear, Dropout } from '../nn/layers/linear';
import { ReLU } from '../nn/layers/activation';
import { Sequential } from '../nn/layers/container';
import { RoIPool } from '../nn/layers/roi';
import * as F from '../nn/functional';
import { SymTensor } from '../nn/trace';
import { VGG_CFGS, makeVggLayers } from './vgg';
import { registerFamily, numClassesOption, PaperRef } from './registry';

export const FAST_RCNN_PAPER: PaperRef = {
  title: 'Fast R-CNN', authors: 'Ross Girshick', year: 2015, citation: 'Girshick, ICCV 2015',
  url: 'https://arxiv.org/abs/1504.08083',
};

export interface FastRCNNOptions {
  /** object classes + background (default 21: PASCAL VOC) */
  numClasses?: number;
  /** RoI pooling output (default 7: VGG16's pool5 size) */
  roiSize?: number;
}

export class FastRCNN extends Module {
  features: Sequential;
  roi_pool: RoIPool;
  fc6: Linear; relu6: ReLU; drop6: Dropout;
  fc7: Linear; relu7: ReLU; drop7: Dropout;
  cls_score: Linear;
  bbox_pred: Linear;
  constructor(o: FastRCNNOptions = {}) {
    super();
    const classes = o.numClasses ?? 21;
    const r = o.roiSize ?? 7;
    const vgg = makeVggLayers(VGG_CFGS.D);
    // VGG16's features without the final max pool (index 30): conv5_3 + ReLU at stride 16
    this.features = new Sequential(...vgg.namedChildren().slice(0, -1).map(([, m]) => m));
    this.roi_pool = new RoIPool(r, 1 / 16);
    this.fc6 = new Linear(512 * r * r, 4096); this.relu6 = new ReLU(true); this.drop6 = new Dropout(0.5);
    this.fc7 = new Linear(4096, 4096); this.relu7 = new ReLU(true); this.drop7 = new Dropout(0.5);
    this.cls_score = new Linear(4096, classes);
    this.bbox_pred = new Linear(4096, 4 * classes);
  }
  override get typeName(): string { return 'FastRCNN'; }
  forward(image: SymTensor, rois?: SymTensor): Record<string, SymTensor> {
    const f = this.features.call(image);
    if (!rois) {
      const [h, w] = [image.shape[2], image.shape[3]];
      rois = image.tracer.emit('Identity', [new Tensor('float32', Float32Array.of(0, 0, 0, w - 1, h - 1), [1, 5])])[0];
    }
    let x = F.flatten(this.roi_pool.call(f, rois), 1);
    x = this.drop6.call(this.relu6.call(this.fc6.call(x)));
    x = this.drop7.call(this.relu7.call(this.fc7.call(x)));
    return { cls_score: this.cls_score.call(x), bbox_pred: this.bbox_pred.call(x) };
  }
}

export const { fastRcnnVgg16 } = registerFamily({
  family: 'fast_rcnn', paper: FAST_RCNN_PAPER, inputSize: [3, 600, 800],
  options: { numClasses: numClassesOption(21, 'object classes + background (21: PASCAL VOC)') },
  build: (_: null, o) => new FastRCNN(o),
  variants: {
    fast_rcnn_vgg16: { config: null,
      reported: { params: 134_690_729, map_voc07_test_paper: 66.9, map_voc07_test_07plus12_paper: 70.0,
        note: 'inputs image [N,3,H,W] (paper: shorter side 600) and rois [R,5]; traced with the image alone, one whole-image RoI' },
      description: 'Fast R-CNN: VGG16 conv trunk, RoIPool 7×7 (1/16), fc6/fc7, cls_score and bbox_pred heads' },
  },
});
