/**
 * Atrous Spatial Pyramid Pooling (Chen et al., "Rethinking Atrous Convolution for Semantic Image
 * Segmentation", DeepLab v3, 2017, §3.3), torchvision's `ASPP` with its parameter names:
 *   convs.0          1×1 conv (no bias) + BN + ReLU
 *   convs.1..R       3×3 atrous convs, padding = dilation = rate (ASPPConv)
 *   convs.R+1        image pooling: global average pool → 1×1 conv + BN + ReLU → bilinear upsampling
 *                    back to the feature size (ASPPPooling)
 *   project          concat → 1×1 conv + BN + ReLU + Dropout(0.5) (identity at inference)
 * Rates: [6, 12, 18] at output stride 16, doubled [12, 24, 36] at output stride 8 (paper §3.3).
 */
import { ConfigError, ShapeError, fmtShape } from '../../errors';
import { attr } from '../../graph/ir';
import { Tensor } from '../../tensor/tensor';
import * as F from '../functional';
import { Module } from '../module';
import { BatchNorm2d } from '../layers/norm';
import { Conv2d } from '../layers/conv';
import { ReLU } from '../layers/activation';
import { AdaptiveAvgPool2d } from '../layers/pooling';
import { Dropout } from '../layers/linear';
import { ModuleList, Sequential } from '../layers/container';
import { SymTensor } from '../trace';

/**
 * A float32 scale s with ⌊fround(s·in)⌋ = out (ONNX Runtime computes Resize's output size as
 * float(scale)·in, truncated), nudged up by ulps where out/in rounds below.
 */
function resizeScale(inSize: number, out: number): number {
  let s = Math.fround(out / inSize);
  const buf = new Float32Array(1), bits = new Int32Array(buf.buffer);
  for (let i = 0; i < 8 && (Math.floor(s * inSize) < out || Math.floor(Math.fround(s * inSize)) < out); i++) { buf[0] = s; bits[0] += 1; s = buf[0]; }
  return s;
}

/**
 * Bilinear resize of an NCHW tensor to [h, w] like `F.interpolate(x, size, mode='bilinear',
 * align_corners=False)` (ONNX Resize, linear, half_pixel). Written with scales (not sizes) so the
 * exported graph keeps a dynamic batch dimension.
 */
export function resizeBilinearTo(x: SymTensor, size: readonly [number, number], alignCorners = false): SymTensor {
  const where = x.tracer.path || '<root>';
  if (x.ndim !== 4) throw new ShapeError('bilinear resize expects NCHW input', { expected: '[N, C, H, W]', got: fmtShape(x.shape), where });
  const [h, w] = size;
  if (!(Number.isInteger(h) && Number.isInteger(w) && h > 0 && w > 0)) throw new ShapeError('resize target must be positive integers', { got: `${h}×${w}`, where });
  if (x.shape[2] === h && x.shape[3] === w) return x;
  const scales = new Tensor('float32', Float32Array.of(1, 1, resizeScale(x.shape[2], h), resizeScale(x.shape[3], w)), [4]);
  const y = x.tracer.emit('Resize', [x, null, scales], {
    mode: attr.string('linear'),
    coordinate_transformation_mode: attr.string(alignCorners ? 'align_corners' : 'half_pixel'),
  })[0];
  if (y.shape[2] !== h || y.shape[3] !== w) throw new ShapeError('bilinear resize gave the wrong size', { expected: `${h}×${w}`, got: fmtShape(y.shape), where });
  return y;
}

/** torchvision's ASPPConv: 3×3 conv with padding = dilation = rate, BN, ReLU (keys 0, 1, 2). */
export class ASPPConv extends Sequential {
  constructor(inChannels: number, outChannels: number, dilation: number) {
    super(new Conv2d(inChannels, outChannels, 3, { padding: dilation, dilation, bias: false }), new BatchNorm2d(outChannels), new ReLU());
  }
}

/** torchvision's ASPPPooling: global average pool, 1×1 conv, BN, ReLU, bilinear upsampling to the input size. */
export class ASPPPooling extends Sequential {
  constructor(inChannels: number, outChannels: number) {
    super(new AdaptiveAvgPool2d(1), new Conv2d(inChannels, outChannels, 1, { bias: false }), new BatchNorm2d(outChannels), new ReLU());
  }
  override forward(x: SymTensor): SymTensor {
    return resizeBilinearTo(super.forward(x), [x.shape[2], x.shape[3]]);
  }
}

export interface ASPPOptions {
  /** output channels of every branch and of the projection (default 256) */
  outChannels?: number;
  /** include the image-level pooling branch (default true; the paper's Table 5 ablates it) */
  imagePooling?: boolean;
}

export class ASPP extends Module {
  convs: ModuleList;
  project: Sequential;
  readonly rates: readonly number[];
  constructor(readonly inChannels: number, atrousRates: readonly number[], opts: ASPPOptions = {}) {
    super();
    const out = opts.outChannels ?? 256;
    if (!Array.isArray(atrousRates) || atrousRates.some((r) => !Number.isInteger(r) || r <= 0)) {
      throw new ConfigError('ASPP: atrous rates must be positive integers', { expected: 'e.g. [6, 12, 18]', got: JSON.stringify(atrousRates), where: 'ASPP' });
    }
    this.rates = [...atrousRates];
    const mods: Module[] = [new Sequential(new Conv2d(inChannels, out, 1, { bias: false }), new BatchNorm2d(out), new ReLU())];
    for (const r of atrousRates) mods.push(new ASPPConv(inChannels, out, r));
    if (opts.imagePooling ?? true) mods.push(new ASPPPooling(inChannels, out));
    this.convs = new ModuleList(mods);
    this.project = new Sequential(new Conv2d(mods.length * out, out, 1, { bias: false }), new BatchNorm2d(out), new ReLU(), new Dropout(0.5));
  }
  forward(x: SymTensor): SymTensor {
    const branches = this.convs.namedChildren().map(([, m]) => m.call(x) as SymTensor);
    return this.project.call(F.concat(branches, 1));
  }
  override extraRepr(): string {
    return `rates=[${this.rates.join(', ')}]`;
  }
}
