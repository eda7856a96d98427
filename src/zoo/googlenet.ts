import { Tensor } from '../tensor/tensor';
import * as F from '../nn/functional';
import { Module } from '../nn/module';
import { MaxPool2d, AdaptiveAvgPool2d, LocalResponseNorm } from '../nn/layers/pooling';
import { Linear, Dropout } from '../nn/layers/linear';
import { BasicConv2d, InceptionModule, GoogLeNetAux } from '../nn/blocks/inception';
import { SymTensor } from '../nn/trace';
import { registerFamily, numClassesOption, flag, PaperRef } from './registry';

export interface GoogLeNetOptions {
  numClasses?: number;
  /** build the two auxiliary classifiers (after 4a and 4d); the traced graph then has outputs `output`, `aux1`, `aux2` */
  auxLogits?: boolean;
  /**
   * the paper's network (Szegedy et al. 2015, Table 1 and Figure 3): convs with bias and no BatchNorm,
   * 5×5 convs in the third branch, LRN after pool1 and conv3, 5×5/3 average pool in the aux heads.
   * Default false: torchvision's (BN everywhere, 3×3 in the third branch).
   */
  paper?: boolean;
  /** torchvision's transform_input: re-normalise ImageNet-normalised input to the [-1, 1] scaling the ported weights expect */
  transformInput?: boolean;
  dropout?: number;
  dropoutAux?: number;
}

/**
 * torchvision's `transform_input`: per channel x·(std/0.5) + (mean − 0.5)/0.5, turning ImageNet
 * normalisation into the (x − 0.5)/0.5 one of the original Google weights.
 */
export function transformInput(x: SymTensor): SymTensor {
  const std = [0.229, 0.224, 0.225], mean = [0.485, 0.456, 0.406];
  const scale = new Tensor('float32', Float32Array.from(std.map((s) => s / 0.5)), [1, 3, 1, 1]);
  const shift = new Tensor('float32', Float32Array.from(mean.map((m) => (m - 0.5) / 0.5)), [1, 3, 1, 1]);
  return F.add(F.mul(x, scale), shift);
}

/** GoogLeNet (Inception v1) with torchvision's names: conv1..3, inception3a..5b, aux1/aux2, fc. */
export class GoogLeNet extends Module {
  conv1: BasicConv2d; maxpool1: MaxPool2d; lrn1: LocalResponseNorm | null;
  conv2: BasicConv2d; conv3: BasicConv2d; lrn2: LocalResponseNorm | null; maxpool2: MaxPool2d;
  inception3a: InceptionModule; inception3b: InceptionModule; maxpool3: MaxPool2d;
  inception4a: InceptionModule; inception4b: InceptionModule; inception4c: InceptionModule; inception4d: InceptionModule; inception4e: InceptionModule;
  maxpool4: MaxPool2d;
  inception5a: InceptionModule; inception5b: InceptionModule;
  aux1: GoogLeNetAux | null; aux2: GoogLeNetAux | null;
  avgpool: AdaptiveAvgPool2d; dropout: Dropout; fc: Linear;
  readonly transformInput: boolean;

  constructor(o: GoogLeNetOptions = {}) {
    super();
    const paper = o.paper ?? false;
    const nc = o.numClasses ?? 1000;
    const c = { bn: !paper };
    const inc = (cin: number, a: number, b: number, cc: number, d: number, e: number, f: number) =>
      new InceptionModule(cin, a, b, cc, d, e, f, { bn: !paper, branch3Kernel: paper ? 5 : 3 });
    this.transformInput = o.transformInput ?? false;
    this.conv1 = new BasicConv2d(3, 64, 7, { ...c, stride: 2, padding: 3 });
    this.maxpool1 = new MaxPool2d(3, { stride: 2, ceilMode: true });
    this.lrn1 = paper ? new LocalResponseNorm(5, 1e-4, 0.75, 1) : null;
    this.conv2 = new BasicConv2d(64, 64, 1, c);
    this.conv3 = new BasicConv2d(64, 192, 3, { ...c, padding: 1 });
    this.lrn2 = paper ? new LocalResponseNorm(5, 1e-4, 0.75, 1) : null;
    this.maxpool2 = new MaxPool2d(3, { stride: 2, ceilMode: true });
    // Table 1: #1×1, #3×3 reduce, #3×3, #5×5 reduce, #5×5, pool proj
    this.inception3a = inc(192, 64, 96, 128, 16, 32, 32);
    this.inception3b = inc(256, 128, 128, 192, 32, 96, 64);
    this.maxpool3 = new MaxPool2d(3, { stride: 2, ceilMode: true });
    this.inception4a = inc(480, 192, 96, 208, 16, 48, 64);
    this.inception4b = inc(512, 160, 112, 224, 24, 64, 64);
    this.inception4c = inc(512, 128, 128, 256, 24, 64, 64);
    this.inception4d = inc(512, 112, 144, 288, 32, 64, 64);
    this.inception4e = inc(528, 256, 160, 320, 32, 128, 128);
    this.maxpool4 = new MaxPool2d(2, { stride: 2, ceilMode: true });
    this.inception5a = inc(832, 256, 160, 320, 32, 128, 128);
    this.inception5b = inc(832, 384, 192, 384, 48, 128, 128);
    const aux = o.auxLogits ?? false;
    this.aux1 = aux ? new GoogLeNetAux(512, nc, { paper, dropout: o.dropoutAux ?? 0.7 }) : null;
    this.aux2 = aux ? new GoogLeNetAux(528, nc, { paper, dropout: o.dropoutAux ?? 0.7 }) : null;
    this.avgpool = new AdaptiveAvgPool2d([1, 1]);
    this.dropout = new Dropout(o.dropout ?? (paper ? 0.4 : 0.2));
    this.fc = new Linear(1024, nc);
  }

  forward(x: SymTensor): SymTensor | Record<string, SymTensor> {
    if (this.transformInput) x = transformInput(x);
    x = this.maxpool1.call(this.conv1.call(x));
    if (this.lrn1) x = this.lrn1.call(x);
    x = this.conv3.call(this.conv2.call(x));
    if (this.lrn2) x = this.lrn2.call(x);
    x = this.maxpool2.call(x);
    x = this.maxpool3.call(this.inception3b.call(this.inception3a.call(x)));
    x = this.inception4a.call(x);
    const aux1 = this.aux1 ? this.aux1.call(x) : null;
    x = this.inception4d.call(this.inception4c.call(this.inception4b.call(x)));
    const aux2 = this.aux2 ? this.aux2.call(x) : null;
    x = this.maxpool4.call(this.inception4e.call(x));
    x = this.inception5b.call(this.inception5a.call(x));
    const out = this.fc.call(this.dropout.call(F.flatten(this.avgpool.call(x), 1)));
    return aux1 && aux2 ? { output: out, aux1, aux2 } : out;
  }
}

export const GOOGLENET_PAPER: PaperRef = {
  title: 'Going Deeper with Convolutions',
  authors: 'Christian Szegedy, Wei Liu, Yangqing Jia, Pierre Sermanet, Scott Reed, Dragomir Anguelov, Dumitru Erhan, Vincent Vanhoucke, Andrew Rabinovich',
  year: 2015, citation: 'Szegedy et al., CVPR 2015', url: 'https://arxiv.org/abs/1409.4842',
};

export const { googlenet } = registerFamily({
  family: 'googlenet', paper: GOOGLENET_PAPER, inputSize: [3, 224, 224],
  options: {
    auxLogits: flag(false, 'add the two auxiliary classifiers (graph outputs output, aux1, aux2)'),
    paper: flag(false, "the paper's net: 5×5 third branch, LRN, no BatchNorm (torchvision: 3×3 + BN)"),
    transformInput: flag(false, "torchvision's transform_input (set it for the ported Google weights)"),
    numClasses: numClassesOption(1000),
  },
  build: (_: null, o) => new GoogLeNet(o),
  variants: {
    googlenet: { config: null,
      reported: { params: 6_624_904, params_aux: 13_004_888, gmacs_torchvision: 1.498, gmacs_budget_paper: 1.5, top5_error_paper: 6.67 },
      description: 'GoogLeNet / Inception v1 (Table 1 of the paper; torchvision layout by default)' },
  },
});
