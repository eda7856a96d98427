import { ConfigError, ShapeError, fmtShape } from '../../errors';
import * as F from '../functional';
import { Module } from '../module';
import { Parameter } from '../parameter';
import { SymTensor } from '../trace';
import { checkChoice, checkIntPair, whereOf } from './check';

export interface Conv2dOptions {
  stride?: F.Pair;
  /** symmetric padding, or 'same' (stride 1 only; asymmetric when the padding is odd, like PyTorch) */
  padding?: F.Pair | 'same' | 'valid';
  dilation?: F.Pair;
  groups?: number;
  bias?: boolean;
  /** how the border is padded (PyTorch's `padding_mode`): 'zeros' (default), 'reflect', 'replicate', 'circular' */
  paddingMode?: F.PadMode;
}

export const PADDING_MODES: readonly F.PadMode[] = ['zeros', 'reflect', 'replicate', 'circular'];

export function checkPositiveInt(v: number, name: string, where: string): void {
  if (!Number.isInteger(v) || v <= 0) throw new ConfigError(`${name} must be a positive integer`, { expected: 'an integer ≥ 1', got: String(v), where });
}

/** 2-D convolution with PyTorch's parameters (`weight` [Cout, Cin/groups, kh, kw], `bias` [Cout]). */
export class Conv2d extends Module {
  weight: Parameter;
  bias: Parameter | null;
  readonly kernelSize: [number, number];
  readonly stride: [number, number];
  readonly padding: F.Pair | 'same' | 'valid';
  readonly dilation: [number, number];
  readonly groups: number;
  readonly paddingMode: F.PadMode;

  constructor(readonly inChannels: number, readonly outChannels: number, kernelSize: F.Pair, opts: Conv2dOptions = {}) {
    super();
    const where = `Conv2d(${inChannels}, ${outChannels}, kernel_size=${JSON.stringify(kernelSize)})`;
    checkPositiveInt(inChannels, 'in_channels', where);
    checkPositiveInt(outChannels, 'out_channels', where);
    this.kernelSize = checkIntPair(kernelSize, 'kernel_size', where);
    this.stride = checkIntPair(opts.stride ?? 1, 'stride', where);
    this.dilation = checkIntPair(opts.dilation ?? 1, 'dilation', where);
    this.groups = opts.groups ?? 1;
    checkPositiveInt(this.groups, 'groups', where);
    this.padding = opts.padding ?? 0;
    this.paddingMode = checkChoice(opts.paddingMode ?? 'zeros', 'padding_mode', PADDING_MODES, where);
    if (typeof this.padding === 'string') {
      if (this.padding !== 'same' && this.padding !== 'valid') {
        throw new ConfigError('unknown padding mode', { expected: "a number, [h, w], 'same' or 'valid'", got: `'${this.padding}'`, where });
      }
      if (this.padding === 'same' && (this.stride[0] !== 1 || this.stride[1] !== 1)) {
        throw new ConfigError("padding 'same' needs stride 1 (as in PyTorch)", { got: `stride ${this.stride.join('×')}`, where });
      }
    } else {
      checkIntPair(this.padding, 'padding', where, 0);
    }
    if (inChannels % this.groups !== 0 || outChannels % this.groups !== 0) {
      throw new ConfigError('channels not divisible by groups', {
        expected: `in_channels and out_channels multiples of groups=${this.groups}`, got: `in ${inChannels}, out ${outChannels}`, where,
      });
    }
    const fanIn = (inChannels / this.groups) * this.kernelSize[0] * this.kernelSize[1];
    const bound = 1 / Math.sqrt(fanIn);
    this.weight = new Parameter([outChannels, inChannels / this.groups, ...this.kernelSize], { kind: 'uniform', bound });
    this.bias = opts.bias === false ? null : new Parameter([outChannels], { kind: 'uniform', bound });
  }

  /** [top, left, bottom, right] for the given input (resolves 'same' like PyTorch: extra pad at the end). */
  resolvePads(): [number, number, number, number] {
    if (this.padding === 'valid') return [0, 0, 0, 0];
    if (this.padding === 'same') {
      const tot = [0, 1].map((i) => this.dilation[i] * (this.kernelSize[i] - 1));
      return [Math.floor(tot[0] / 2), Math.floor(tot[1] / 2), tot[0] - Math.floor(tot[0] / 2), tot[1] - Math.floor(tot[1] / 2)];
    }
    const [ph, pw] = F.pair(this.padding);
    return [ph, pw, ph, pw];
  }

  forward(x: SymTensor): SymTensor {
    const where = whereOf(x);
    if (x.ndim !== 4) throw new ShapeError('Conv2d expects NCHW input', { expected: `[N, ${this.inChannels}, H, W]`, got: fmtShape(x.shape), where });
    if (x.shape[1] !== this.inChannels) {
      throw new ShapeError(`Conv2d: input has ${x.shape[1]} channels`, { expected: `[N, ${this.inChannels}, H, W] (weight ${fmtShape(this.weight.shape)})`, got: fmtShape(x.shape), where });
    }
    const pads = this.resolvePads();
    if (this.paddingMode !== 'zeros') {
      const p = F.pad2d(x, [pads[0], pads[1], pads[2], pads[3]], this.paddingMode);
      return F.conv2d(p, this.weight, this.bias, { stride: this.stride, padding: 0, dilation: this.dilation, groups: this.groups });
    }
    return F.conv2d(x, this.weight, this.bias, { stride: this.stride, padding: pads, dilation: this.dilation, groups: this.groups });
  }

  override extraRepr(): string {
    let s = `${this.inChannels}, ${this.outChannels}, kernel_size=(${this.kernelSize.join(', ')}), stride=(${this.stride.join(', ')})`;
    if (this.padding !== 0) s += `, padding=${typeof this.padding === 'string' ? this.padding : `(${F.pair(this.padding).join(', ')})`}`;
    if (this.dilation[0] !== 1 || this.dilation[1] !== 1) s += `, dilation=(${this.dilation.join(', ')})`;
    if (this.groups !== 1) s += `, groups=${this.groups}`;
    if (!this.bias) s += ', bias=False';
    if (this.paddingMode !== 'zeros') s += `, padding_mode=${this.paddingMode}`;
    return s;
  }
}
