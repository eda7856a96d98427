/**
 * Deformable convolution (Dai et al., ICCV 2017; with the modulation mask of DCNv2, Zhu et al., CVPR 2019).
 *
 * Traced to ONNX `DeformConv` (default domain, opset 19): onnxruntime-node 1.30 runs it on the CPU
 * provider, and its output equals `torchvision.ops.deform_conv2d` (offsets laid out as torchvision's:
 * [N, offset_groups·2·kh·kw, oh, ow], a (dy, dx) pair per kernel position; samples outside the
 * input read 0). Tracing a DeformConv2d raises the graph's opset to 19 (see `DEFORM_CONV_OPSET`):
 * graphs mixing it with opset-17-only node forms (ReduceMean/ReduceMax with an `axes` attribute)
 * would not be valid; the deformable ResNet of the zoo uses none.
 */
import { ConfigError, ShapeError, fmtShape } from '../../errors';
import { attr } from '../../graph/ir';
import * as F from '../functional';
import { Module } from '../module';
import { Parameter } from '../parameter';
import { SymTensor } from '../trace';
import { Conv2d, checkPositiveInt } from './conv';

/** The ONNX opset in which `DeformConv` entered the default domain. */
export const DEFORM_CONV_OPSET = 19;

export interface DeformConv2dOptions {
  stride?: F.Pair;
  padding?: F.Pair;
  dilation?: F.Pair;
  groups?: number;
  bias?: boolean;
}

export interface DeformConvAttrs {
  stride?: F.Pair;
  padding?: F.Pair;
  dilation?: F.Pair;
  groups?: number;
}

/**
 * Functional deformable conv: `x` [N, Cin, H, W], `offset` [N, og·2·kh·kw, oh, ow], optional `mask`
 * [N, og·kh·kw, oh, ow] (DCNv2). The offset groups `og` come from the offset's channels.
 */
export function deformConv2d(x: SymTensor, offset: SymTensor, weight: Parameter, bias: Parameter | null, a: DeformConvAttrs = {}, mask?: SymTensor | null): SymTensor {
  const where = x.tracer.path || '<root>';
  const [kh, kw] = weight.shape.slice(2);
  const stride = F.pair(a.stride ?? 1), pad = F.pair(a.padding ?? 0), dil = F.pair(a.dilation ?? 1);
  const groups = a.groups ?? 1;
  if (x.ndim !== 4) throw new ShapeError('DeformConv2d expects NCHW input', { expected: `[N, ${weight.shape[1] * groups}, H, W]`, got: fmtShape(x.shape), where });
  const [n, cin, h, w] = x.shape;
  if (cin !== weight.shape[1] * groups) {
    throw new ShapeError(`DeformConv2d: input has ${cin} channels`, { expected: `${weight.shape[1] * groups} (weight ${fmtShape(weight.shape)}, groups ${groups})`, got: fmtShape(x.shape), where });
  }
  const oh = Math.floor((h + 2 * pad[0] - dil[0] * (kh - 1) - 1) / stride[0]) + 1;
  const ow = Math.floor((w + 2 * pad[1] - dil[1] * (kw - 1) - 1) / stride[1]) + 1;
  if (oh < 1 || ow < 1) {
    throw new ShapeError('DeformConv2d: kernel larger than the padded input', { expected: `padded input ≥ dilated kernel ${dil[0] * (kh - 1) + 1}×${dil[1] * (kw - 1) + 1}`, got: `${h + 2 * pad[0]}×${w + 2 * pad[1]}`, where });
  }
  const kk = kh * kw;
  const oc = offset.shape[1];
  if (offset.ndim !== 4 || oc % (2 * kk) !== 0 || offset.shape[0] !== n || offset.shape[2] !== oh || offset.shape[3] !== ow) {
    throw new ShapeError('DeformConv2d: offset has the wrong shape', { expected: `[${n}, offset_groups·${2 * kk}, ${oh}, ${ow}]`, got: fmtShape(offset.shape), where });
  }
  const og = oc / (2 * kk);
  if (cin % og !== 0) {
    throw new ShapeError('DeformConv2d: input channels not divisible by the offset groups', { expected: `a divisor of ${cin}`, got: `${og} offset groups (offset ${fmtShape(offset.shape)})`, where });
  }
  if (mask && (mask.ndim !== 4 || mask.shape[0] !== n || mask.shape[1] !== og * kk || mask.shape[2] !== oh || mask.shape[3] !== ow)) {
    throw new ShapeError('DeformConv2d: mask has the wrong shape', { expected: `[${n}, ${og * kk}, ${oh}, ${ow}]`, got: fmtShape(mask.shape), where });
  }
  const g = x.tracer.graph;
  g.opset = Math.max(g.opset, DEFORM_CONV_OPSET);
  const inputs = [x, weight, offset, bias, mask ?? null];
  while (inputs[inputs.length - 1] === null) inputs.pop();
  return x.tracer.emit('DeformConv', inputs, {
    kernel_shape: attr.ints([kh, kw]),
    strides: attr.ints(stride),
    pads: attr.ints([pad[0], pad[1], pad[0], pad[1]]),
    dilations: attr.ints(dil),
    group: attr.int(groups),
    offset_group: attr.int(og),
  })[0];
}

/**
 * torchvision.ops.DeformConv2d: `weight` [Cout, Cin/groups, kh, kw], `bias` [Cout];
 * `call(x, offset, mask?)`.
 */
export class DeformConv2d extends Module {
  weight: Parameter;
  bias: Parameter | null;
  readonly kernelSize: [number, number];
  readonly stride: [number, number];
  readonly padding: [number, number];
  readonly dilation: [number, number];
  readonly groups: number;

  constructor(readonly inChannels: number, readonly outChannels: number, kernelSize: F.Pair, opts: DeformConv2dOptions = {}) {
    super();
    const where = 'DeformConv2d';
    this.kernelSize = F.pair(kernelSize);
    this.stride = F.pair(opts.stride ?? 1);
    this.padding = F.pair(opts.padding ?? 0);
    this.dilation = F.pair(opts.dilation ?? 1);
    this.groups = opts.groups ?? 1;
    checkPositiveInt(inChannels, 'in_channels', where);
    checkPositiveInt(outChannels, 'out_channels', where);
    for (const v of [...this.kernelSize, ...this.stride, ...this.dilation, this.groups]) checkPositiveInt(v, 'kernel_size, stride, dilation and groups', where);
    if (this.padding.some((v) => !Number.isInteger(v) || v < 0)) throw new ConfigError('padding must be non-negative integers', { got: String(this.padding), where });
    if (inChannels % this.groups !== 0 || outChannels % this.groups !== 0) {
      throw new ConfigError('channels not divisible by groups', { expected: `in_channels and out_channels multiples of groups=${this.groups}`, got: `in ${inChannels}, out ${outChannels}`, where });
    }
    const bound = 1 / Math.sqrt((inChannels / this.groups) * this.kernelSize[0] * this.kernelSize[1]);
    this.weight = new Parameter([outChannels, inChannels / this.groups, ...this.kernelSize], { kind: 'uniform', bound });
    this.bias = opts.bias === false ? null : new Parameter([outChannels], { kind: 'uniform', bound });
  }

  forward(x: SymTensor, offset: SymTensor, mask?: SymTensor | null): SymTensor {
    return deformConv2d(x, offset, this.weight, this.bias, { stride: this.stride, padding: this.padding, dilation: this.dilation, groups: this.groups }, mask);
  }

  override extraRepr(): string {
    let s = `${this.inChannels}, ${this.outChannels}, kernel_size=(${this.kernelSize.join(', ')}), stride=(${this.stride.join(', ')})`;
    if (this.padding[0] || this.padding[1]) s += `, padding=(${this.padding.join(', ')})`;
    if (this.dilation[0] !== 1 || this.dilation[1] !== 1) s += `, dilation=(${this.dilation.join(', ')})`;
    if (this.groups !== 1) s += `, groups=${this.groups}`;
    if (!this.bias) s += ', bias=False';
    return s;
  }
}

/**
 * A deformable conv that predicts its own offsets with a zero-initialised regular conv of the same
 * geometry (`conv_offset`, 2·og·kh·kw channels, with bias), as in Dai et al. 2017 and mmcv's
 * `DeformConv2dPack` (whose parameter names it uses: `weight`, `bias`, `conv_offset.weight/bias`).
 * With the zero init it starts as the plain convolution.
 */
export class DeformConv2dPack extends DeformConv2d {
  conv_offset: Conv2d;
  constructor(inChannels: number, outChannels: number, kernelSize: F.Pair, opts: DeformConv2dOptions & { offsetGroups?: number } = {}) {
    super(inChannels, outChannels, kernelSize, opts);
    const og = opts.offsetGroups ?? 1;
    checkPositiveInt(og, 'offsetGroups', 'DeformConv2dPack');
    if (inChannels % og !== 0) throw new ConfigError('in_channels not divisible by offsetGroups', { expected: `a divisor of ${inChannels}`, got: String(og), where: 'DeformConv2dPack' });
    this.conv_offset = new Conv2d(inChannels, og * 2 * this.kernelSize[0] * this.kernelSize[1], this.kernelSize, {
      stride: this.stride, padding: this.padding, dilation: this.dilation, bias: true,
    });
    // the offsets start at zero (Dai et al. 2017, §2.1 "initialized with zero")
    this.conv_offset.weight = new Parameter(this.conv_offset.weight.shape, { kind: 'zeros' });
    this.conv_offset.bias = new Parameter(this.conv_offset.bias!.shape, { kind: 'zeros' });
  }

  override get typeName(): string { return 'DeformConv2dPack'; }

  override forward(x: SymTensor): SymTensor {
    const offset = this.conv_offset.call(x);
    return deformConv2d(x, offset, this.weight, this.bias, { stride: this.stride, padding: this.padding, dilation: this.dilation, groups: this.groups });
  }
}
