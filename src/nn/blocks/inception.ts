/**
 * Inception blocks with torchvision's names: GoogLeNet's module (Szegedy et al. 2015, Figure 2b, with the
 * 1×1 reductions) and its auxiliary classifier; Inception v3's factorised modules A–E (Szegedy et al. 2016,
 * Figures 5–7 and the grid reductions of Figure 10) and its auxiliary head.
 */
import { ConfigError, ShapeError, fmtShape } from '../../errors';
import * as F from '../functional';
import { Module } from '../module';
import { BatchNorm2d } from '../layers/norm';
import { Conv2d } from '../layers/conv';
import { Linear, Dropout } from '../layers/linear';
import { MaxPool2d } from '../layers/pooling';
import { Sequential } from '../layers/container';
import { SymTensor } from '../trace';

export interface BasicConv2dOptions {
  stride?: F.Pair;
  padding?: F.Pair;
  /** BatchNorm after the conv (torchvision, default true); false: the paper's conv with bias + ReLU */
  bn?: boolean;
  /** BatchNorm epsilon (torchvision's Inception nets use 0.001) */
  eps?: number;
}

/** torchvision's BasicConv2d: conv (no bias) → BatchNorm2d(eps 0.001) → ReLU; or conv (bias) → ReLU with `bn: false`. */
export class BasicConv2d extends Module {
  conv: Conv2d;
  bn: BatchNorm2d | null;
  constructor(readonly inChannels: number, readonly outChannels: number, kernelSize: F.Pair, o: BasicConv2dOptions = {}) {
    super();
    const bn = o.bn ?? true;
    this.conv = new Conv2d(inChannels, outChannels, kernelSize, { stride: o.stride ?? 1, padding: o.padding ?? 0, bias: !bn });
    this.bn = bn ? new BatchNorm2d(outChannels, o.eps ?? 0.001) : null;
  }
  forward(x: SymTensor): SymTensor {
    const y = this.conv.call(x);
    return F.relu(this.bn ? this.bn.call(y) : y);
  }
}

export interface InceptionModuleOptions {
  /** kernel of the third branch: 5 as in the paper (Table 1), 3 as in torchvision (default; pytorch/vision#906) */
  branch3Kernel?: 3 | 5;
  /** BatchNorm in every conv (torchvision, default true); false: the paper's conv + bias + ReLU */
  bn?: boolean;
}

/**
 * GoogLeNet's Inception module (torchvision's `Inception`): four parallel branches concatenated on channels —
 * 1×1; 1×1 reduce → 3×3; 1×1 reduce → 5×5 (3×3 in torchvision); 3×3/1 max pool → 1×1 projection.
 * Constructor arguments in the order of the paper's Table 1 columns.
 */
export class InceptionModule extends Module {
  override get typeName(): string { return 'Inception'; }
  branch1: BasicConv2d;
  branch2: Sequential;
  branch3: Sequential;
  branch4: Sequential;
  readonly outChannels: number;
  constructor(
    readonly inChannels: number, ch1x1: number, ch3x3red: number, ch3x3: number,
    ch5x5red: number, ch5x5: number, poolProj: number, o: InceptionModuleOptions = {},
  ) {
    super();
    const k = o.branch3Kernel ?? 3;
    if (k !== 3 && k !== 5) throw new ConfigError('InceptionModule branch3Kernel must be 3 or 5', { expected: '3 | 5', got: String(k), where: 'Inception' });
    const c = { bn: o.bn ?? true };
    this.branch1 = new BasicConv2d(inChannels, ch1x1, 1, c);
    this.branch2 = new Sequential(new BasicConv2d(inChannels, ch3x3red, 1, c), new BasicConv2d(ch3x3red, ch3x3, 3, { ...c, padding: 1 }));
    this.branch3 = new Sequential(new BasicConv2d(inChannels, ch5x5red, 1, c), new BasicConv2d(ch5x5red, ch5x5, k, { ...c, padding: (k - 1) / 2 }));
    this.branch4 = new Sequential(new MaxPool2d(3, { stride: 1, padding: 1, ceilMode: true }), new BasicConv2d(inChannels, poolProj, 1, c));
    this.outChannels = ch1x1 + ch3x3 + ch5x5 + poolProj;
  }
  forward(x: SymTensor): SymTensor {
    return F.concat([this.branch1.call(x), this.branch2.call(x), this.branch3.call(x), this.branch4.call(x)], 1);
  }
}

export interface GoogLeNetAuxOptions {
  /** the paper's head: 5×5/3 average pool and convs without BN; default torchvision's adaptive 4×4 pool + BN */
  paper?: boolean;
  dropout?: number;
}

/**
 * GoogLeNet's auxiliary classifier (torchvision `googlenet.InceptionAux`): pool to 4×4, 1×1 conv to 128,
 * fc1 2048→1024 + ReLU, dropout 0.7, fc2 → classes.
 */
export class GoogLeNetAux extends Module {
  override get typeName(): string { return 'InceptionAux'; }
  conv: BasicConv2d;
  fc1: Linear;
  fc2: Linear;
  dropout: Dropout;
  private readonly paper: boolean;
  constructor(inChannels: number, numClasses: number, o: GoogLeNetAuxOptions = {}) {
    super();
    this.paper = o.paper ?? false;
    this.conv = new BasicConv2d(inChannels, 128, 1, { bn: !this.paper });
    this.fc1 = new Linear(2048, 1024);
    this.fc2 = new Linear(1024, numClasses);
    this.dropout = new Dropout(o.dropout ?? 0.7);
  }
  forward(x: SymTensor): SymTensor {
    let y: SymTensor;
    if (this.paper) {
      if (x.shape[2] < 5 || x.shape[3] < 5) throw new ShapeError('GoogLeNet aux head (paper): input smaller than its 5×5 pool', { expected: '[N, C, ≥5, ≥5] (14×14 at 224×224)', got: fmtShape(x.shape), where: x.tracer.path });
      y = F.avgPool2d(x, { kernel: 5, stride: 3 });
    } else {
      y = F.adaptivePool2d(x, 4, 'avg');
    }
    y = F.flatten(this.conv.call(y), 1);
    y = F.relu(this.fc1.call(y));
    return this.fc2.call(this.dropout.call(y));
  }
}

const avgPool3x3s1 = (x: SymTensor) => F.avgPool2d(x, { kernel: 3, stride: 1, padding: 1 });
const maxPool3x3s2 = (x: SymTensor) => F.maxPool2d(x, { kernel: 3, stride: 2 });

/** Inception v3 module A (35×35 grid, Figure 5: the 5×5 kept as in torchvision, plus a double 3×3). */
export class InceptionA extends Module {
  branch1x1: BasicConv2d;
  branch5x5_1: BasicConv2d; branch5x5_2: BasicConv2d;
  branch3x3dbl_1: BasicConv2d; branch3x3dbl_2: BasicConv2d; branch3x3dbl_3: BasicConv2d;
  branch_pool: BasicConv2d;
  constructor(readonly inChannels: number, readonly poolFeatures: number) {
    super();
    this.branch1x1 = new BasicConv2d(inChannels, 64, 1);
    this.branch5x5_1 = new BasicConv2d(inChannels, 48, 1);
    this.branch5x5_2 = new BasicConv2d(48, 64, 5, { padding: 2 });
    this.branch3x3dbl_1 = new BasicConv2d(inChannels, 64, 1);
    this.branch3x3dbl_2 = new BasicConv2d(64, 96, 3, { padding: 1 });
    this.branch3x3dbl_3 = new BasicConv2d(96, 96, 3, { padding: 1 });
    this.branch_pool = new BasicConv2d(inChannels, poolFeatures, 1);
  }
  forward(x: SymTensor): SymTensor {
    const b1 = this.branch1x1.call(x);
    const b5 = this.branch5x5_2.call(this.branch5x5_1.call(x));
    const b3 = this.branch3x3dbl_3.call(this.branch3x3dbl_2.call(this.branch3x3dbl_1.call(x)));
    const bp = this.branch_pool.call(avgPool3x3s1(x));
    return F.concat([b1, b5, b3, bp], 1);
  }
}

/** Inception v3 grid reduction 35→17 (Figure 10): stride-2 3×3, double 3×3 with stride 2, max pool. */
export class InceptionB extends Module {
  branch3x3: BasicConv2d;
  branch3x3dbl_1: BasicConv2d; branch3x3dbl_2: BasicConv2d; branch3x3dbl_3: BasicConv2d;
  constructor(readonly inChannels: number) {
    super();
    this.branch3x3 = new BasicConv2d(inChannels, 384, 3, { stride: 2 });
    this.branch3x3dbl_1 = new BasicConv2d(inChannels, 64, 1);
    this.branch3x3dbl_2 = new BasicConv2d(64, 96, 3, { padding: 1 });
    this.branch3x3dbl_3 = new BasicConv2d(96, 96, 3, { stride: 2 });
  }
  forward(x: SymTensor): SymTensor {
    const b3 = this.branch3x3.call(x);
    const bd = this.branch3x3dbl_3.call(this.branch3x3dbl_2.call(this.branch3x3dbl_1.call(x)));
    return F.concat([b3, bd, maxPool3x3s2(x)], 1);
  }
}

/** Inception v3 module C (17×17 grid, Figure 6): n×n factorised into 1×7 and 7×1 (n = 7). */
export class InceptionC extends Module {
  branch1x1: BasicConv2d;
  branch7x7_1: BasicConv2d; branch7x7_2: BasicConv2d; branch7x7_3: BasicConv2d;
  branch7x7dbl_1: BasicConv2d; branch7x7dbl_2: BasicConv2d; branch7x7dbl_3: BasicConv2d; branch7x7dbl_4: BasicConv2d; branch7x7dbl_5: BasicConv2d;
  branch_pool: BasicConv2d;
  constructor(readonly inChannels: number, readonly channels7x7: number) {
    super();
    const c7 = channels7x7;
    const h = { padding: [3, 0] as const }, w = { padding: [0, 3] as const };
    this.branch1x1 = new BasicConv2d(inChannels, 192, 1);
    this.branch7x7_1 = new BasicConv2d(inChannels, c7, 1);
    this.branch7x7_2 = new BasicConv2d(c7, c7, [1, 7], w);
    this.branch7x7_3 = new BasicConv2d(c7, 192, [7, 1], h);
    this.branch7x7dbl_1 = new BasicConv2d(inChannels, c7, 1);
    this.branch7x7dbl_2 = new BasicConv2d(c7, c7, [7, 1], h);
    this.branch7x7dbl_3 = new BasicConv2d(c7, c7, [1, 7], w);
    this.branch7x7dbl_4 = new BasicConv2d(c7, c7, [7, 1], h);
    this.branch7x7dbl_5 = new BasicConv2d(c7, 192, [1, 7], w);
    this.branch_pool = new BasicConv2d(inChannels, 192, 1);
  }
  forward(x: SymTensor): SymTensor {
    const b1 = this.branch1x1.call(x);
    const b7 = this.branch7x7_3.call(this.branch7x7_2.call(this.branch7x7_1.call(x)));
    let bd = this.branch7x7dbl_1.call(x);
    for (const m of [this.branch7x7dbl_2, this.branch7x7dbl_3, this.branch7x7dbl_4, this.branch7x7dbl_5]) bd = m.call(bd);
    const bp = this.branch_pool.call(avgPool3x3s1(x));
    return F.concat([b1, b7, bd, bp], 1);
  }
}

/** Inception v3 grid reduction 17→8: 1×1 → 3×3/2; 1×1 → 1×7 → 7×1 → 3×3/2; max pool. */
export class InceptionD extends Module {
  branch3x3_1: BasicConv2d; branch3x3_2: BasicConv2d;
  branch7x7x3_1: BasicConv2d; branch7x7x3_2: BasicConv2d; branch7x7x3_3: BasicConv2d; branch7x7x3_4: BasicConv2d;
  constructor(readonly inChannels: number) {
    super();
    this.branch3x3_1 = new BasicConv2d(inChannels, 192, 1);
    this.branch3x3_2 = new BasicConv2d(192, 320, 3, { stride: 2 });
    this.branch7x7x3_1 = new BasicConv2d(inChannels, 192, 1);
    this.branch7x7x3_2 = new BasicConv2d(192, 192, [1, 7], { padding: [0, 3] });
    this.branch7x7x3_3 = new BasicConv2d(192, 192, [7, 1], { padding: [3, 0] });
    this.branch7x7x3_4 = new BasicConv2d(192, 192, 3, { stride: 2 });
  }
  forward(x: SymTensor): SymTensor {
    const b3 = this.branch3x3_2.call(this.branch3x3_1.call(x));
    let b7 = this.branch7x7x3_1.call(x);
    for (const m of [this.branch7x7x3_2, this.branch7x7x3_3, this.branch7x7x3_4]) b7 = m.call(b7);
    return F.concat([b3, b7, maxPool3x3s2(x)], 1);
  }
}

/** Inception v3 module E (8×8 grid, Figure 7): expanded filter bank, 1×3 and 3×1 side by side. */
export class InceptionE extends Module {
  branch1x1: BasicConv2d;
  branch3x3_1: BasicConv2d; branch3x3_2a: BasicConv2d; branch3x3_2b: BasicConv2d;
  branch3x3dbl_1: BasicConv2d; branch3x3dbl_2: BasicConv2d; branch3x3dbl_3a: BasicConv2d; branch3x3dbl_3b: BasicConv2d;
  branch_pool: BasicConv2d;
  constructor(readonly inChannels: number) {
    super();
    const w = { padding: [0, 1] as const }, h = { padding: [1, 0] as const };
    this.branch1x1 = new BasicConv2d(inChannels, 320, 1);
    this.branch3x3_1 = new BasicConv2d(inChannels, 384, 1);
    this.branch3x3_2a = new BasicConv2d(384, 384, [1, 3], w);
    this.branch3x3_2b = new BasicConv2d(384, 384, [3, 1], h);
    this.branch3x3dbl_1 = new BasicConv2d(inChannels, 448, 1);
    this.branch3x3dbl_2 = new BasicConv2d(448, 384, 3, { padding: 1 });
    this.branch3x3dbl_3a = new BasicConv2d(384, 384, [1, 3], w);
    this.branch3x3dbl_3b = new BasicConv2d(384, 384, [3, 1], h);
    this.branch_pool = new BasicConv2d(inChannels, 192, 1);
  }
  forward(x: SymTensor): SymTensor {
    const b1 = this.branch1x1.call(x);
    const t = this.branch3x3_1.call(x);
    const b3 = [this.branch3x3_2a.call(t), this.branch3x3_2b.call(t)];
    const d = this.branch3x3dbl_2.call(this.branch3x3dbl_1.call(x));
    const bd = [this.branch3x3dbl_3a.call(d), this.branch3x3dbl_3b.call(d)];
    const bp = this.branch_pool.call(avgPool3x3s1(x));
    // torchvision concatenates the split branches first, then all four; one Concat of the six gives the same
    // channels without two intermediate copies (and the graph torch.onnx.export writes)
    return F.concat([b1, ...b3, ...bd, bp], 1);
  }
}

/** Inception v3's auxiliary head (torchvision `inception.InceptionAux`) on the 17×17 grid: 5×5/3 avg pool, 1×1 → 128, 5×5 → 768, fc. */
export class InceptionV3Aux extends Module {
  override get typeName(): string { return 'InceptionAux'; }
  conv0: BasicConv2d;
  conv1: BasicConv2d;
  fc: Linear;
  constructor(readonly inChannels: number, numClasses: number) {
    super();
    this.conv0 = new BasicConv2d(inChannels, 128, 1);
    this.conv1 = new BasicConv2d(128, 768, 5);
    this.fc = new Linear(768, numClasses);
  }
  forward(x: SymTensor): SymTensor {
    if (x.shape[2] < 17 || x.shape[3] < 17) {
      throw new ShapeError('Inception v3 aux head needs at least a 17×17 grid (5×5/3 pool then a 5×5 conv)', { expected: '[N, 768, ≥17, ≥17] (input ≥ 299×299)', got: fmtShape(x.shape), where: x.tracer.path });
    }
    let y = F.avgPool2d(x, { kernel: 5, stride: 3 });
    y = this.conv1.call(this.conv0.call(y));
    return this.fc.call(F.flatten(F.globalAvgPool(y), 1));
  }
}
