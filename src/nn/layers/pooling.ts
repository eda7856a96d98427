import { ShapeError, fmtShape } from '../../errors';
import * as F from '../functional';
import { Module } from '../module';
import { SymTensor } from '../trace';

export interface MaxPool2dOptions {
  stride?: F.Pair;
  padding?: F.Pair;
  dilation?: F.Pair;
  ceilMode?: boolean;
}

export class MaxPool2d extends Module {
  constructor(readonly kernelSize: F.Pair, readonly opts: MaxPool2dOptions = {}) { super(); }
  forward(x: SymTensor): SymTensor {
    const k = F.pair(this.kernelSize);
    const p = F.pair(this.opts.padding ?? 0);
    if (p[0] > k[0] / 2 || p[1] > k[1] / 2) {
      throw new ShapeError('MaxPool2d: padding should be at most half of the kernel size', { expected: `≤ ${k[0] / 2}, ${k[1] / 2}`, got: fmtShape(p), where: x.tracer.path });
    }
    return F.maxPool2d(x, { kernel: k, stride: this.opts.stride ?? k, padding: p, dilation: this.opts.dilation, ceilMode: this.opts.ceilMode });
  }
  override extraRepr(): string {
    const k = F.pair(this.kernelSize);
    const s = F.pair(this.opts.stride ?? this.kernelSize);
    return `kernel_size=${k[0] === k[1] ? k[0] : `(${k.join(', ')})`}, stride=${s[0] === s[1] ? s[0] : `(${s.join(', ')})`}, padding=${this.opts.padding ?? 0}, dilation=${this.opts.dilation ?? 1}, ceil_mode=${this.opts.ceilMode ? 'True' : 'False'}`;
  }
}

export class AdaptiveAvgPool2d extends Module {
  constructor(readonly outputSize: F.Pair) { super(); }
  forward(x: SymTensor): SymTensor {
    if (x.ndim !== 4) throw new ShapeError('AdaptiveAvgPool2d expects NCHW input', { got: fmtShape(x.shape), where: x.tracer.path });
    return F.adaptivePool2d(x, this.outputSize, 'avg');
  }
  override extraRepr(): string {
    const [h, w] = F.pair(this.outputSize);
    return `output_size=${h === w ? `(${h}, ${w})` : `(${h}, ${w})`}`;
  }
}

export interface AvgPool2dOptions {
  stride?: F.Pair;
  padding?: F.Pair;
  ceilMode?: boolean;
  countIncludePad?: boolean;
}

export class AvgPool2d extends Module {
  constructor(readonly kernelSize: F.Pair, readonly opts: AvgPool2dOptions = {}) { super(); }
  forward(x: SymTensor): SymTensor {
    const k = F.pair(this.kernelSize);
    return F.avgPool2d(x, { kernel: k, stride: this.opts.stride ?? k, padding: this.opts.padding ?? 0, ceilMode: this.opts.ceilMode, countIncludePad: this.opts.countIncludePad });
  }
  override extraRepr(): string {
    return `kernel_size=${this.kernelSize}, stride=${this.opts.stride ?? this.kernelSize}, padding=${this.opts.padding ?? 0}`;
  }
}

export class AdaptiveMaxPool2d extends Module {
  constructor(readonly outputSize: F.Pair) { super(); }
  forward(x: SymTensor): SymTensor { return F.adaptivePool2d(x, this.outputSize, 'max'); }
  override extraRepr(): string { return `output_size=${this.outputSize}`; }
}

/** LocalResponseNorm(size, alpha, beta, k) as in PyTorch (AlexNet, GoogLeNet). */
export class LocalResponseNorm extends Module {
  constructor(readonly size: number, readonly alpha = 1e-4, readonly beta = 0.75, readonly k = 1) { super(); }
  forward(x: SymTensor): SymTensor { return F.lrn(x, this.size, this.alpha, this.beta, this.k); }
  override extraRepr(): string { return `${this.size}, alpha=${this.alpha}, beta=${this.beta}, k=${this.k}`; }
}

/** ShuffleNet's channel shuffle. */
export class ChannelShuffle extends Module {
  constructor(readonly groups: number) { super(); }
  forward(x: SymTensor): SymTensor { return F.channelShuffle(x, this.groups); }
  override extraRepr(): string { return `groups=${this.groups}`; }
}
