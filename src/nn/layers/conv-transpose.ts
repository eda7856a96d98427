import { ConfigError, ShapeError, fmtShape } from '../../errors';
import * as F from '../functional';
import { Module } from '../module';
import { Parameter } from '../parameter';
import { SymTensor } from '../trace';
import { checkIntPair, checkNCHW, whereOf } from './check';
import { checkPositiveInt } from './conv';

export interface ConvTranspose2dOptions {
  stride?: F.Pair;
  /** PyTorch's `padding` (removed from each side of the full output); numbers only */
  padding?: F.Pair;
  /** extra size at the bottom/right of the output; smaller than the stride or the dilation */
  outputPadding?: F.Pair;
  groups?: number;
  bias?: boolean;
  dilation?: F.Pair;
}

/**
 * Transposed convolution with PyTorch's parameters: `weight` [Cin, Cout/groups, kh, kw], `bias` [Cout].
 * Output = (in − 1)·stride − 2·padding + dilation·(k − 1) + output_padding + 1. Traced to ONNX ConvTranspose.
 */
export class ConvTranspose2d extends Module {
  weight: Parameter;
  bias: Parameter | null;
  readonly kernelSize: [number, number];
  readonly stride: [number, number];
  readonly padding: [number, number];
  readonly outputPadding: [number, number];
  readonly dilation: [number, number];
  readonly groups: number;

  constructor(readonly inChannels: number, readonly outChannels: number, kernelSize: F.Pair, opts: ConvTranspose2dOptions = {}) {
    super();
    const where = `ConvTranspose2d(${inChannels}, ${outChannels}, kernel_size=${JSON.stringify(kernelSize)})`;
    checkPositiveInt(inChannels, 'in_channels', where);
    checkPositiveInt(outChannels, 'out_channels', where);
    this.kernelSize = checkIntPair(kernelSize, 'kernel_size', where);
    this.stride = checkIntPair(opts.stride ?? 1, 'stride', where);
    this.dilation = checkIntPair(opts.dilation ?? 1, 'dilation', where);
    if (typeof opts.padding === 'string') {
      throw new ConfigError('unknown padding mode for ConvTranspose2d', { expected: 'a number or [h, w] (PyTorch has no string padding here)', got: `'${opts.padding}'`, where });
    }
    this.padding = checkIntPair(opts.padding ?? 0, 'padding', where, 0);
    this.outputPadding = checkIntPair(opts.outputPadding ?? 0, 'output_padding', where, 0);
    this.groups = opts.groups ?? 1;
    checkPositiveInt(this.groups, 'groups', where);
    for (let i = 0; i < 2; i++) {
      if (this.outputPadding[i] >= this.stride[i] && this.outputPadding[i] >= this.dilation[i]) {
        throw new ConfigError('output_padding must be smaller than either stride or dilation', {
          expected: `< max(stride ${this.stride[i]}, dilation ${this.dilation[i]}) on axis ${i}`, got: `output_padding ${fmtShape(this.outputPadding)}`, where,
        });
      }
    }
    if (inChannels % this.groups !== 0 || outChannels % this.groups !== 0) {
      throw new ConfigError('channels not divisible by groups', {
        expected: `in_channels and out_channels multiples of groups=${this.groups}`, got: `in ${inChannels}, out ${outChannels}`, where,
      });
    }
    // PyTorch: kaiming_uniform(a=√5) over fan_in = weight.size(1)·kh·kw = (Cout/groups)·kh·kw
    const fanIn = (outChannels / this.groups) * this.kernelSize[0] * this.kernelSize[1];
    const bound = 1 / Math.sqrt(fanIn);
    this.weight = new Parameter([inChannels, outChannels / this.groups, ...this.kernelSize], { kind: 'uniform', bound });
    this.bias = opts.bias === false ? null : new Parameter([outChannels], { kind: 'uniform', bound });
  }

  /** Output spatial size for an input of h×w. */
  outputSize(h: number, w: number): [number, number] {
    const [kh, kw] = this.kernelSize;
    return [
      F.convTransposeOut(h, kh, this.stride[0], this.padding[0], this.outputPadding[0], this.dilation[0]),
      F.convTransposeOut(w, kw, this.stride[1], this.padding[1], this.outputPadding[1], this.dilation[1]),
    ];
  }

  forward(x: SymTensor): SymTensor {
    checkNCHW(x, 'ConvTranspose2d', this.inChannels);
    const [oh, ow] = this.outputSize(x.shape[2], x.shape[3]);
    if (oh <= 0 || ow <= 0) {
      throw new ShapeError('ConvTranspose2d: output size is not positive (padding too large for the input)', {
        expected: 'output height and width ≥ 1', got: `${oh}×${ow} from input ${fmtShape(x.shape)} with padding ${fmtShape(this.padding)}`, where: whereOf(x),
      });
    }
    return F.convTranspose2d(x, this.weight, this.bias, {
      stride: this.stride, padding: this.padding, outputPadding: this.outputPadding, dilation: this.dilation, groups: this.groups,
    });
  }

  override extraRepr(): string {
    let s = `${this.inChannels}, ${this.outChannels}, kernel_size=(${this.kernelSize.join(', ')}), stride=(${this.stride.join(', ')})`;
    if (this.padding.some((p) => p !== 0)) s += `, padding=(${this.padding.join(', ')})`;
    if (this.dilation.some((d) => d !== 1)) s += `, dilation=(${this.dilation.join(', ')})`;
    if (this.outputPadding.some((p) => p !== 0)) s += `, output_padding=(${this.outputPadding.join(', ')})`;
    if (this.groups !== 1) s += `, groups=${this.groups}`;
    if (!this.bias) s += ', bias=False';
    return s;
  }
}
