import { ConfigError, ShapeError, fmtShape } from '../../errors';
import * as F from '../functional';
import { Module } from '../module';
import { SymTensor } from '../trace';
import { Tensor } from '../../tensor/tensor';
import { checkIntPair, checkNCHW, checkRange, pyFloat, pyPair, whereOf } from './check';
import { checkPositiveInt } from './conv';

/** PyTorch's pool checks: positive kernel/stride/dilation, 0 ≤ padding ≤ kernel/2 (integer halves). */
function checkPool(layer: string, kernel: F.Pair, stride: F.Pair | undefined, padding: F.Pair, dilation: F.Pair): { k: [number, number]; s: [number, number]; p: [number, number]; d: [number, number] } {
  const where = `${layer}(kernel_size=${JSON.stringify(kernel)})`;
  const k = checkIntPair(kernel, 'kernel_size', where);
  const s = checkIntPair(stride ?? kernel, 'stride', where);
  const p = checkIntPair(padding, 'padding', where, 0);
  const d = checkIntPair(dilation, 'dilation', where);
  if (p[0] > Math.floor(k[0] / 2) || p[1] > Math.floor(k[1] / 2)) {
    throw new ConfigError(`${layer}: padding should be at most half of the kernel size`, {
      expected: `padding ≤ (${Math.floor(k[0] / 2)}, ${Math.floor(k[1] / 2)}) for kernel ${fmtShape(k)}`, got: `padding ${fmtShape(p)}`, where,
    });
  }
  return { k, s, p, d };
}

/** Whether some output window of a (dilated) max pool has no tap inside the input. */
function hasEmptyWindow(size: number, out: number, k: number, stride: number, pad: number, dil: number): boolean {
  for (let o = 0; o < out; o++) {
    let inside = false;
    for (let j = 0; j < k && !inside; j++) {
      const t = o * stride - pad + j * dil;
      inside = t >= 0 && t < size;
    }
    if (!inside) return true;
  }
  return false;
}

export interface MaxPool2dOptions {
  /** default: the kernel size */
  stride?: F.Pair;
  padding?: F.Pair;
  dilation?: F.Pair;
  /** output size rounds up; the last window must still start inside the input or the left padding */
  ceilMode?: boolean;
}

export class MaxPool2d extends Module {
  private readonly r: { k: [number, number]; s: [number, number]; p: [number, number]; d: [number, number] };
  constructor(readonly kernelSize: F.Pair, readonly opts: MaxPool2dOptions = {}) {
    super();
    this.r = checkPool('MaxPool2d', kernelSize, opts.stride, opts.padding ?? 0, opts.dilation ?? 1);
  }
  forward(x: SymTensor): SymTensor {
    checkNCHW(x, 'MaxPool2d');
    const { k, s, p, d } = this.r;
    const y = F.maxPool2d(x, { kernel: k, stride: s, padding: p, dilation: d, ceilMode: this.opts.ceilMode });
    if (![0, 1].some((i) => hasEmptyWindow(x.shape[2 + i], y.shape[2 + i], k[i], s[i], p[i], d[i]))) return y;
    // a dilated window that sees only padding: PyTorch gives −∞, ONNX Runtime the lowest float32
    const lowest = new Tensor('float32', Float32Array.of(-3.4028234663852886e38), []);
    const isLowest = x.tracer.emit('Equal', [y, lowest])[0];
    return x.tracer.emit('Where', [isLowest, new Tensor('float32', Float32Array.of(-Infinity), []), y])[0];
  }
  override extraRepr(): string {
    const o = this.opts;
    return `kernel_size=${pyPair(this.kernelSize)}, stride=${pyPair(o.stride ?? this.kernelSize)}, padding=${pyPair(o.padding ?? 0)}, dilation=${pyPair(o.dilation ?? 1)}, ceil_mode=${o.ceilMode ? 'True' : 'False'}`;
  }
}

export interface AvgPool2dOptions {
  /** default: the kernel size */
  stride?: F.Pair;
  padding?: F.Pair;
  ceilMode?: boolean;
  /** divide by the window including its zero padding (PyTorch's default true) */
  countIncludePad?: boolean;
}

export class AvgPool2d extends Module {
  private readonly r: { k: [number, number]; s: [number, number]; p: [number, number] };
  constructor(readonly kernelSize: F.Pair, readonly opts: AvgPool2dOptions = {}) {
    super();
    this.r = checkPool('AvgPool2d', kernelSize, opts.stride, opts.padding ?? 0, 1);
  }
  forward(x: SymTensor): SymTensor {
    checkNCHW(x, 'AvgPool2d');
    const { k, s, p } = this.r;
    return F.avgPool2d(x, { kernel: k, stride: s, padding: p, ceilMode: this.opts.ceilMode, countIncludePad: this.opts.countIncludePad });
  }
  /** as torch prints it (ceil_mode and count_include_pad are not shown) */
  override extraRepr(): string {
    const o = this.opts;
    return `kernel_size=${pyPair(this.kernelSize)}, stride=${pyPair(o.stride ?? this.kernelSize)}, padding=${pyPair(o.padding ?? 0)}`;
  }
}

/** Output size of an adaptive pool: a number, or [h, w] where null keeps the input's size on that axis. */
export type AdaptiveSize = number | readonly [number | null, number | null];

function checkAdaptive(layer: string, size: AdaptiveSize): void {
  const where = `${layer}(${JSON.stringify(size)})`;
  const parts = typeof size === 'number' ? [size] : Array.isArray(size) && size.length === 2 ? size : null;
  if (!parts || parts.some((v) => v !== null && (!Number.isInteger(v) || (v as number) <= 0))) {
    throw new ConfigError(`${layer}: output size must be positive integers`, { expected: 'an integer ≥ 1, or [h, w] of integers ≥ 1 (or null)', got: JSON.stringify(size), where });
  }
}

function resolveAdaptive(size: AdaptiveSize, x: SymTensor): [number, number] {
  if (typeof size === 'number') return [size, size];
  return [size[0] ?? x.shape[2], size[1] ?? x.shape[3]];
}

const fmtAdaptive = (s: AdaptiveSize) => (typeof s === 'number' ? String(s) : `(${s.map((v) => (v === null ? 'None' : v)).join(', ')})`);

/** Adaptive average pooling to any output size, with PyTorch's bins [⌊i·in/out⌋, ⌈(i+1)·in/out⌉). */
export class AdaptiveAvgPool2d extends Module {
  constructor(readonly outputSize: AdaptiveSize) { super(); checkAdaptive('AdaptiveAvgPool2d', outputSize); }
  forward(x: SymTensor): SymTensor {
    checkNCHW(x, 'AdaptiveAvgPool2d');
    return F.adaptivePool2d(x, resolveAdaptive(this.outputSize, x), 'avg');
  }
  override extraRepr(): string { return `output_size=${fmtAdaptive(this.outputSize)}`; }
}

/** Adaptive max pooling to any output size, with PyTorch's bins. */
export class AdaptiveMaxPool2d extends Module {
  constructor(readonly outputSize: AdaptiveSize) { super(); checkAdaptive('AdaptiveMaxPool2d', outputSize); }
  forward(x: SymTensor): SymTensor {
    checkNCHW(x, 'AdaptiveMaxPool2d');
    return F.adaptivePool2d(x, resolveAdaptive(this.outputSize, x), 'max');
  }
  override extraRepr(): string { return `output_size=${fmtAdaptive(this.outputSize)}`; }
}

/** Global average pooling: [N, C, H, W] → [N, C, 1, 1], or [N, C] with `flatten`. */
export class GlobalAvgPool extends Module {
  constructor(readonly flatten = false) { super(); }
  forward(x: SymTensor): SymTensor {
    checkNCHW(x, 'GlobalAvgPool');
    const y = F.globalAvgPool(x);
    return this.flatten ? F.flatten(y, 1) : y;
  }
  override extraRepr(): string { return this.flatten ? 'flatten=True' : ''; }
}

/** Global max pooling: [N, C, H, W] → [N, C, 1, 1], or [N, C] with `flatten`. */
export class GlobalMaxPool extends Module {
  constructor(readonly flatten = false) { super(); }
  forward(x: SymTensor): SymTensor {
    checkNCHW(x, 'GlobalMaxPool');
    const y = F.globalMaxPool(x);
    return this.flatten ? F.flatten(y, 1) : y;
  }
  override extraRepr(): string { return this.flatten ? 'flatten=True' : ''; }
}

/**
 * LocalResponseNorm(size, alpha, beta, k) exactly as PyTorch computes it (AlexNet, GoogLeNet):
 * b_c = a_c / (k + alpha/size · Σ a_j²)^beta, j ∈ [c − ⌊size/2⌋, c + ⌊(size−1)/2⌋] (zeros outside).
 * ONNX LRN has the same α/size scaling but mirrors the window for even sizes; see F.localResponseNorm.
 */
export class LocalResponseNorm extends Module {
  constructor(readonly size: number, readonly alpha = 1e-4, readonly beta = 0.75, readonly k = 1) {
    super();
    const where = `LocalResponseNorm(${size})`;
    checkPositiveInt(size, 'size', where);
    checkRange(alpha, 'alpha', -1e30, 1e30, where);
    checkRange(beta, 'beta', -1e30, 1e30, where);
    checkRange(k, 'k', -1e30, 1e30, where);
  }
  forward(x: SymTensor): SymTensor {
    checkNCHW(x, 'LocalResponseNorm');
    return F.localResponseNorm(x, this.size, this.alpha, this.beta, this.k);
  }
  override extraRepr(): string { return `${this.size}, alpha=${pyFloat(this.alpha)}, beta=${pyFloat(this.beta)}, k=${pyFloat(this.k)}`; }
}

/** ShuffleNet's channel shuffle (torch.nn.ChannelShuffle). */
export class ChannelShuffle extends Module {
  constructor(readonly groups: number) { super(); checkPositiveInt(groups, 'groups', `ChannelShuffle(${groups})`); }
  forward(x: SymTensor): SymTensor {
    checkNCHW(x, 'ChannelShuffle');
    if (x.shape[1] % this.groups !== 0) {
      throw new ShapeError('ChannelShuffle: channels not divisible by groups', { expected: `a multiple of groups=${this.groups}`, got: `${x.shape[1]} channels (${fmtShape(x.shape)})`, where: whereOf(x) });
    }
    return F.channelShuffle(x, this.groups);
  }
  override extraRepr(): string { return `groups=${this.groups}`; }
}
