/**
 * DenseNet's blocks (Huang et al. 2017) with torchvision's names: `_DenseLayer` (BN-ReLU-Conv1×1 bottleneck
 * of bn_size·k channels, then BN-ReLU-Conv3×3 to k = growth rate), `_DenseBlock` (layer i sees the
 * concatenation of the block input and every earlier layer's output) and `_Transition`
 * (BN-ReLU-Conv1×1 to ⌊θ·m⌋ channels, 2×2 average pool; θ = compression).
 */
import { ConfigError } from '../../errors';
import * as F from '../functional';
import { Module } from '../module';
import { BatchNorm2d } from '../layers/norm';
import { Conv2d, checkPositiveInt } from '../layers/conv';
import { ReLU } from '../layers/activation';
import { AvgPool2d } from '../layers/pooling';
import { SymTensor } from '../trace';

export interface DenseLayerOptions {
  /** bottleneck factor: the 1×1 conv makes bnSize·growthRate channels (torchvision's bn_size, default 4) */
  bnSize?: number;
  /**
   * DenseNet-B's 1×1 bottleneck (default true). false: the plain H_ℓ of the paper's §3, BN-ReLU-Conv3×3,
   * stored as norm1/relu1/conv1 (conv1 is then the 3×3).
   */
  bottleneck?: boolean;
  /** dropout after the layer (identity at inference) */
  dropRate?: number;
}

/** One composite function H_ℓ of a dense block; takes a tensor or the list of earlier feature maps. */
export class DenseLayer extends Module {
  override get typeName(): string { return '_DenseLayer'; }
  norm1: BatchNorm2d; relu1: ReLU; conv1: Conv2d;
  norm2: BatchNorm2d | null; relu2: ReLU | null; conv2: Conv2d | null;
  readonly dropRate: number;
  constructor(readonly numInputFeatures: number, readonly growthRate: number, o: DenseLayerOptions = {}) {
    super();
    checkPositiveInt(growthRate, 'growth_rate', '_DenseLayer');
    const bnSize = o.bnSize ?? 4;
    checkPositiveInt(bnSize, 'bn_size', '_DenseLayer');
    this.dropRate = o.dropRate ?? 0;
    this.norm1 = new BatchNorm2d(numInputFeatures);
    this.relu1 = new ReLU(true);
    if (o.bottleneck ?? true) {
      this.conv1 = new Conv2d(numInputFeatures, bnSize * growthRate, 1, { bias: false });
      this.norm2 = new BatchNorm2d(bnSize * growthRate);
      this.relu2 = new ReLU(true);
      this.conv2 = new Conv2d(bnSize * growthRate, growthRate, 3, { padding: 1, bias: false });
    } else {
      this.conv1 = new Conv2d(numInputFeatures, growthRate, 3, { padding: 1, bias: false });
      this.norm2 = null; this.relu2 = null; this.conv2 = null;
    }
  }
  forward(input: SymTensor | SymTensor[]): SymTensor {
    const x = Array.isArray(input) ? (input.length === 1 ? input[0] : F.concat(input, 1)) : input;
    const y = this.conv1.call(this.relu1.call(this.norm1.call(x)));
    if (!this.conv2) return y;
    return this.conv2.call(this.relu2!.call(this.norm2!.call(y)));
  }
}

/** A dense block of `numLayers` layers (`denselayer1..N`); output channels = in + numLayers·growthRate. */
export class DenseBlock extends Module {
  override get typeName(): string { return '_DenseBlock'; }
  readonly outChannels: number;
  constructor(readonly numLayers: number, readonly numInputFeatures: number, readonly growthRate: number, o: DenseLayerOptions = {}) {
    super();
    checkPositiveInt(numLayers, 'num_layers', '_DenseBlock');
    const self = this as unknown as Record<string, Module>;
    for (let i = 0; i < numLayers; i++) self[`denselayer${i + 1}`] = new DenseLayer(numInputFeatures + i * growthRate, growthRate, o);
    this.outChannels = numInputFeatures + numLayers * growthRate;
  }
  forward(x: SymTensor): SymTensor {
    const features = [x];
    for (const [, layer] of this.namedChildren()) features.push(layer.call(features.slice()));
    return F.concat(features, 1);
  }
}

/** Transition between dense blocks: BN, ReLU, 1×1 conv (no bias) to `numOutputFeatures`, 2×2/2 average pool. */
export class Transition extends Module {
  override get typeName(): string { return '_Transition'; }
  norm: BatchNorm2d; relu: ReLU; conv: Conv2d; pool: AvgPool2d;
  constructor(readonly numInputFeatures: number, readonly numOutputFeatures: number) {
    super();
    this.norm = new BatchNorm2d(numInputFeatures);
    this.relu = new ReLU(true);
    this.conv = new Conv2d(numInputFeatures, numOutputFeatures, 1, { bias: false });
    this.pool = new AvgPool2d(2, { stride: 2 });
  }
  forward(x: SymTensor): SymTensor {
    return this.pool.call(this.conv.call(this.relu.call(this.norm.call(x))));
  }
}

/** Output channels of a transition with compression θ ∈ (0, 1]: ⌊θ·m⌋ (DenseNet-C uses θ = 0.5). */
export function compressedChannels(m: number, compression: number): number {
  if (!(compression > 0 && compression <= 1)) throw new ConfigError('compression θ must be in (0, 1]', { expected: '0 < θ ≤ 1 (DenseNet-BC: 0.5)', got: String(compression), where: '_Transition' });
  return Math.max(1, Math.floor(m * compression));
}
