/**
 * RoI pooling layers over a feature map (graph layers; `src/detection/roi.ts` has the tensor versions).
 *
 * Both take torchvision's RoI format: `rois` [K, 5] float rows (batch_index, x1, y1, x2, y2) in image
 * coordinates, scaled by `spatialScale` onto the feature map.
 *
 * - RoIPool → ONNX `MaxRoiPool`. onnxruntime-node 1.30's CPU kernel follows Caffe/torchvision:
 *   coordinates rounded half away from zero after scaling, RoI size max(x2−x1+1, 1), bin edges
 *   ⌊i·size/n⌋ and ⌈(i+1)·size/n⌉ clipped to the map, empty bins 0. Checked against
 *   `torchvision.ops.roi_pool` fixtures (test/nn/blocks-roi.test.ts).
 * - RoIAlign → ONNX `RoiAlign` (opset 16+ form, mode 'avg'); the batch index column is cast to a
 *   separate int64 input. torchvision's `aligned=True` ↔ coordinate_transformation_mode
 *   'half_pixel' (shift by −0.5), `aligned=False` ↔ 'output_half_pixel' (no shift, RoI size at least
 *   1); `samplingRatio` −1 (adaptive ⌈roi/n⌉ samples per bin) ↔ ONNX 0. Checked against
 *   `torchvision.ops.roi_align` fixtures.
 */
import { ConfigError, ShapeError, fmtShape } from '../../errors';
import { attr } from '../../graph/ir';
import * as F from '../functional';
import { Module } from '../module';
import { SymTensor } from '../trace';

function checkRois(x: SymTensor, rois: SymTensor, who: string): void {
  const where = x.tracer.path || '<root>';
  if (x.ndim !== 4) throw new ShapeError(`${who} expects an NCHW feature map`, { expected: '[N, C, H, W]', got: fmtShape(x.shape), where });
  if (rois.ndim !== 2 || rois.shape[1] !== 5) {
    throw new ShapeError(`${who}: rois must be [K, 5] rows (batch_index, x1, y1, x2, y2)`, { expected: '[K, 5]', got: fmtShape(rois.shape), where });
  }
  if (rois.dtype !== 'float32') throw new ShapeError(`${who}: rois must be float32`, { expected: 'float32', got: rois.dtype, where });
}

function checkOut(size: F.Pair, scale: number, who: string): [number, number] {
  const o = F.pair(size);
  if (o.some((v) => !Number.isInteger(v) || v <= 0)) throw new ConfigError(`${who}: output size must be positive integers`, { expected: 'e.g. 7 or [7, 7]', got: String(o), where: who });
  if (!(scale > 0) || !Number.isFinite(scale)) throw new ConfigError(`${who}: spatialScale must be a positive number`, { expected: 'e.g. 1/16', got: String(scale), where: who });
  return o;
}

/** Max RoI pooling (Girshick, Fast R-CNN 2015), torchvision.ops.RoIPool. `call(features, rois)` → [K, C, oh, ow]. */
export class RoIPool extends Module {
  readonly outputSize: [number, number];
  constructor(outputSize: F.Pair, readonly spatialScale: number) {
    super();
    this.outputSize = checkOut(outputSize, spatialScale, 'RoIPool');
  }
  forward(x: SymTensor, rois: SymTensor): SymTensor {
    checkRois(x, rois, 'RoIPool');
    return x.tracer.emit('MaxRoiPool', [x, rois], { pooled_shape: attr.ints(this.outputSize), spatial_scale: attr.float(this.spatialScale) })[0];
  }
  override extraRepr(): string {
    return `output_size=(${this.outputSize.join(', ')}), spatial_scale=${this.spatialScale}`;
  }
}

export interface RoIAlignOptions {
  /** samples per bin side; −1 (default): adaptive ⌈roi_size / output_size⌉ as torchvision */
  samplingRatio?: number;
  /** torchvision's `aligned` (pixel shift −0.5; Detectron2's ROIAlignV2); default false */
  aligned?: boolean;
}

/** RoIAlign (He et al., Mask R-CNN 2017), torchvision.ops.RoIAlign. `call(features, rois)` → [K, C, oh, ow]. */
export class RoIAlign extends Module {
  readonly outputSize: [number, number];
  readonly samplingRatio: number;
  readonly aligned: boolean;
  constructor(outputSize: F.Pair, readonly spatialScale: number, opts: RoIAlignOptions = {}) {
    super();
    this.outputSize = checkOut(outputSize, spatialScale, 'RoIAlign');
    this.samplingRatio = opts.samplingRatio ?? -1;
    this.aligned = opts.aligned ?? false;
    if (!Number.isInteger(this.samplingRatio) || (this.samplingRatio < 1 && this.samplingRatio !== -1 && this.samplingRatio !== 0)) {
      throw new ConfigError('RoIAlign: samplingRatio must be a positive integer or −1 (adaptive)', { got: String(this.samplingRatio), where: 'RoIAlign' });
    }
  }
  forward(x: SymTensor, rois: SymTensor): SymTensor {
    checkRois(x, rois, 'RoIAlign');
    const boxes = F.slice(rois, [1], [5], [1]);
    const idx = x.tracer.emit('Cast', [F.reshape(F.slice(rois, [0], [1], [1]), [-1])], { to: attr.int(7) })[0];
    return x.tracer.emit('RoiAlign', [x, boxes, idx], {
      mode: attr.string('avg'),
      output_height: attr.int(this.outputSize[0]),
      output_width: attr.int(this.outputSize[1]),
      sampling_ratio: attr.int(Math.max(0, this.samplingRatio)),
      spatial_scale: attr.float(this.spatialScale),
      coordinate_transformation_mode: attr.string(this.aligned ? 'half_pixel' : 'output_half_pixel'),
    })[0];
  }
  override extraRepr(): string {
    return `output_size=(${this.outputSize.join(', ')}), spatial_scale=${this.spatialScale}, sampling_ratio=${this.samplingRatio}, aligned=${this.aligned ? 'True' : 'False'}`;
  }
}
