/** Rebuilds the layer lists of test/fixtures/train/grads.json as cnnlab modules (same state-dict keys as PyTorch). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as nn from '../../src/nn';
import { F } from '../../src/nn';
import { Parameter } from '../../src/nn/parameter';
import { SymTensor } from '../../src/nn/trace';
import { Tensor } from '../../src/tensor/tensor';
import { readSafetensors } from '../../src/tensor/safetensors';



export interface LayerSpec { kind: string; args: Record<string, any> }
export interface FixtureCase {
  id: string; type: 'grad' | 'loss' | 'optim' | 'roi'; layers?: LayerSpec[]; input?: number[]; loss?: string; beta?: number; shape?: number[];
  steps?: number; optimizer?: Record<string, any>; losses?: number[];
}

const DIR = join(__dirname, '..', 'fixtures', 'train');
export function loadFixtures(): { cases: FixtureCase[]; tensors: Map<string, Tensor> } {
  const json = JSON.parse(readFileSync(join(DIR, 'grads.json'), 'utf8')) as { cases: FixtureCase[] };
  const { tensors } = readSafetensors(readFileSync(join(DIR, 'grads.safetensors')));
  return { cases: json.cases, tensors };
}

class ResidualAdd extends nn.Module {
  conv: nn.Conv2d;
  constructor(c: number) { super(); this.conv = new nn.Conv2d(c, c, 3, { padding: 1 }); }
  forward(x: SymTensor): SymTensor { return F.add(x, this.conv.call(x)); }
}
class SEMul extends nn.Module {
  fc: nn.Linear;
  constructor(readonly c: number) { super(); this.fc = new nn.Linear(c, c); }
  forward(x: SymTensor): SymTensor {
    const s = F.sigmoid(this.fc.call(F.flatten(F.globalAvgPool(x), 1)));
    return F.mul(x, F.reshape(s, [x.shape[0], this.c, 1, 1]));
  }
}
class ConcatBranches extends nn.Module {
  a: nn.Conv2d; b: nn.Conv2d;
  constructor(c: number, a: number, b: number) { super(); this.a = new nn.Conv2d(c, a, 1); this.b = new nn.Conv2d(c, b, 3, { padding: 1 }); }
  forward(x: SymTensor): SymTensor { return F.concat([this.a.call(x), this.b.call(x)], 1); }
}
class AddParam extends nn.Module {
  scale: Parameter; shift: Parameter;
  constructor(c: number) { super(); this.scale = new Parameter([1, c, 1, 1], { kind: 'ones' }); this.shift = new Parameter([c, 1, 1]); }
  forward(x: SymTensor): SymTensor { return F.add(F.mul(x, this.scale), this.shift); }
}

class ShortcutA extends nn.Module {
  constructor(readonly inp: number, readonly out: number, readonly stride: number) { super(); }
  forward(x: SymTensor): SymTensor {
    const [h, w] = x.shape.slice(2), s = this.stride, p = Math.floor((this.out - this.inp) / 2);
    const y = F.slice(x, [0, 0], [h, w], [2, 3], [s, s]);
    const padded = x.tracer.emit('Pad', [y, F.int64s([0, p, 0, 0, 0, this.out - this.inp - p, 0, 0])])[0];
    return F.concat([padded, F.slice(x, [1, 1], [h, w], [2, 3], [s, s])], 1);
  }
}

class MathMix extends nn.Module {
  scale: Parameter;
  constructor(c: number) { super(); this.scale = new Parameter([1, c, 1, 1], { kind: 'ones' }); }
  forward(x: SymTensor): SymTensor {
    const e = (op: string, ...ins: (SymTensor | Parameter | Tensor)[]) => x.tracer.emit(op, ins)[0];
    const k = (v: number) => new Tensor('float32', Float32Array.of(v), []);
    const ax = e('Abs', x);
    const a = e('Mul', e('Exp', x), this.scale);
    const b = e('Sub', e('Sqrt', e('Add', ax, k(1))), e('Log', e('Add', ax, k(2))));
    const w = e('Where', e('Greater', x, k(0.5)), a, b);
    return e('Sub', e('Add', w, e('Reciprocal', e('Add', e('Mul', x, x), k(1)))), e('Mul', e('Neg', x), k(0.1)));
  }
}

class Interp extends nn.Module {
  constructor(readonly a: Record<string, any>) { super(); }
  forward(x: SymTensor): SymTensor {
    return F.resize2d(x, { size: this.a.size ?? undefined, scale: this.a.scale ?? undefined, mode: this.a.mode, alignCorners: this.a.align_corners ?? undefined });
  }
}

export function buildLayer({ kind, args: a }: LayerSpec): nn.Module {
  const conv = { stride: a.stride, padding: a.padding, dilation: a.dilation, groups: a.groups, bias: a.bias };
  switch (kind) {
    case 'Conv2d': return new nn.Conv2d(a.in_channels, a.out_channels, a.kernel_size, conv);
    case 'ConvTranspose2d': return new nn.ConvTranspose2d(a.in_channels, a.out_channels, a.kernel_size, { ...conv, outputPadding: a.output_padding });
    case 'BatchNorm2d': return new nn.BatchNorm2d(a.num_features, a.eps ?? 1e-5, a.momentum ?? 0.1);
    case 'Linear': return new nn.Linear(a.in_features, a.out_features);
    case 'ReLU': return new nn.ReLU();
    case 'ReLU6': return new nn.ReLU6();
    case 'LeakyReLU': return new nn.LeakyReLU(a.negative_slope);
    case 'ELU': return new nn.ELU(a.alpha);
    case 'SiLU': return new nn.SiLU();
    case 'Sigmoid': return new nn.Sigmoid();
    case 'Tanh': return new nn.Tanh();
    case 'Hardswish': return new nn.Hardswish();
    case 'Hardsigmoid': return new nn.Hardsigmoid();
    case 'MaxPool2d': return new nn.MaxPool2d(a.kernel_size, { stride: a.stride, padding: a.padding, dilation: a.dilation, ceilMode: a.ceil_mode });
    case 'AvgPool2d': return new nn.AvgPool2d(a.kernel_size, { stride: a.stride, padding: a.padding, ceilMode: a.ceil_mode, countIncludePad: a.count_include_pad });
    case 'AdaptiveAvgPool2d': return new nn.AdaptiveAvgPool2d(a.output_size);
    case 'Flatten': return new nn.Flatten();
    case 'ChannelShuffle': return new nn.ChannelShuffle(a.groups);
    case 'ResidualAdd': return new ResidualAdd(a.c);
    case 'SEMul': return new SEMul(a.c);
    case 'ConcatBranches': return new ConcatBranches(a.c, a.a, a.b);
    case 'AddParam': return new AddParam(a.c);
    case 'MathMix': return new MathMix(a.c);
    case 'LocalResponseNorm': return new nn.LocalResponseNorm(a.size, a.alpha, a.beta, a.k);
    case 'Interp': return new Interp(a);
    case 'ShortcutA': return new ShortcutA(a.inp, a.out, a.stride);
    default: throw new Error(`unknown layer kind ${kind}`);
  }
}

export function buildNet(layers: LayerSpec[]): nn.Sequential {
  return new nn.Sequential(...layers.map(buildLayer));
}

/** The fixture's `<prefix>/<key>` tensors as a state dict keyed by `<key>`. */
export function stateDict(tensors: Map<string, Tensor>, prefix: string): Map<string, Tensor> {
  const sd = new Map<string, Tensor>();
  for (const [k, t] of tensors) if (k.startsWith(prefix)) sd.set(k.slice(prefix.length), t);
  return sd;
}

/** max |a − b| / max(max |b|, floor): the error relative to the reference's scale (absolute below `floor`) */
export function relErr(a: ArrayLike<number>, b: ArrayLike<number>, floor = 1e-3): number {
  let d = 0, s = 0;
  for (let i = 0; i < b.length; i++) { d = Math.max(d, Math.abs(a[i] - b[i])); s = Math.max(s, Math.abs(b[i])); }
  return d / Math.max(s, floor);
}

export const maxAbs = (a: ArrayLike<number>) => { let m = 0; for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i])); return m; };
