import * as F from '../nn/functional';
import { Module } from '../nn/module';
import { MaxPool2d, AdaptiveAvgPool2d } from '../nn/layers/pooling';
import { Linear, Dropout } from '../nn/layers/linear';
import { BasicConv2d, InceptionA, InceptionB, InceptionC, InceptionD, InceptionE, InceptionV3Aux } from '../nn/blocks/inception';
import { SymTensor } from '../nn/trace';
import { transformInput } from './googlenet';
import { registerFamily, numClassesOption, flag, PaperRef } from './registry';

export interface Inception3Options {
  numClasses?: number;
  /** build the auxiliary head on the 17×17 grid (after Mixed_6e); the traced graph then has outputs `output` and `aux` */
  auxLogits?: boolean;
  /** torchvision's transform_input (for the ported Google weights) */
  transformInput?: boolean;
  dropout?: number;
}

/** Inception v3 with torchvision's names (`Conv2d_1a_3x3` … `Mixed_7c`, `AuxLogits`, `fc`); 299×299 input. */
export class Inception3 extends Module {
  Conv2d_1a_3x3: BasicConv2d; Conv2d_2a_3x3: BasicConv2d; Conv2d_2b_3x3: BasicConv2d; maxpool1: MaxPool2d;
  Conv2d_3b_1x1: BasicConv2d; Conv2d_4a_3x3: BasicConv2d; maxpool2: MaxPool2d;
  Mixed_5b: InceptionA; Mixed_5c: InceptionA; Mixed_5d: InceptionA;
  Mixed_6a: InceptionB; Mixed_6b: InceptionC; Mixed_6c: InceptionC; Mixed_6d: InceptionC; Mixed_6e: InceptionC;
  AuxLogits: InceptionV3Aux | null;
  Mixed_7a: InceptionD; Mixed_7b: InceptionE; Mixed_7c: InceptionE;
  avgpool: AdaptiveAvgPool2d; dropout: Dropout; fc: Linear;
  readonly transformInput: boolean;

  constructor(o: Inception3Options = {}) {
    super();
    const nc = o.numClasses ?? 1000;
    this.transformInput = o.transformInput ?? false;
    this.Conv2d_1a_3x3 = new BasicConv2d(3, 32, 3, { stride: 2 });
    this.Conv2d_2a_3x3 = new BasicConv2d(32, 32, 3);
    this.Conv2d_2b_3x3 = new BasicConv2d(32, 64, 3, { padding: 1 });
    this.maxpool1 = new MaxPool2d(3, { stride: 2 });
    this.Conv2d_3b_1x1 = new BasicConv2d(64, 80, 1);
    this.Conv2d_4a_3x3 = new BasicConv2d(80, 192, 3);
    this.maxpool2 = new MaxPool2d(3, { stride: 2 });
    this.Mixed_5b = new InceptionA(192, 32);
    this.Mixed_5c = new InceptionA(256, 64);
    this.Mixed_5d = new InceptionA(288, 64);
    this.Mixed_6a = new InceptionB(288);
    this.Mixed_6b = new InceptionC(768, 128);
    this.Mixed_6c = new InceptionC(768, 160);
    this.Mixed_6d = new InceptionC(768, 160);
    this.Mixed_6e = new InceptionC(768, 192);
    this.AuxLogits = o.auxLogits ? new InceptionV3Aux(768, nc) : null;
    this.Mixed_7a = new InceptionD(768);
    this.Mixed_7b = new InceptionE(1280);
    this.Mixed_7c = new InceptionE(2048);
    this.avgpool = new AdaptiveAvgPool2d([1, 1]);
    this.dropout = new Dropout(o.dropout ?? 0.5);
    this.fc = new Linear(2048, nc);
  }

  forward(x: SymTensor): SymTensor | Record<string, SymTensor> {
    if (this.transformInput) x = transformInput(x);
    for (const m of [this.Conv2d_1a_3x3, this.Conv2d_2a_3x3, this.Conv2d_2b_3x3, this.maxpool1, this.Conv2d_3b_1x1, this.Conv2d_4a_3x3, this.maxpool2,
      this.Mixed_5b, this.Mixed_5c, this.Mixed_5d, this.Mixed_6a, this.Mixed_6b, this.Mixed_6c, this.Mixed_6d, this.Mixed_6e]) x = m.call(x);
    const aux = this.AuxLogits ? this.AuxLogits.call(x) : null;
    x = this.Mixed_7c.call(this.Mixed_7b.call(this.Mixed_7a.call(x)));
    const out = this.fc.call(F.flatten(this.dropout.call(this.avgpool.call(x)), 1));
    return aux ? { output: out, aux } : out;
  }
}

export const INCEPTION_V3_PAPER: PaperRef = {
  title: 'Rethinking the Inception Architecture for Computer Vision',
  authors: 'Christian Szegedy, Vincent Vanhoucke, Sergey Ioffe, Jonathon Shlens, Zbigniew Wojna', year: 2016,
  citation: 'Szegedy et al., CVPR 2016', url: 'https://arxiv.org/abs/1512.00567',
};

export const { inceptionV3 } = registerFamily({
  family: 'inception', paper: INCEPTION_V3_PAPER, inputSize: [3, 299, 299],
  options: {
    auxLogits: flag(false, 'add the auxiliary classifier (graph outputs output, aux)'),
    transformInput: flag(false, "torchvision's transform_input (set it for the ported Google weights)"),
    numClasses: numClassesOption(1000),
  },
  build: (_: null, o) => new Inception3(o),
  variants: {
    inception_v3: { config: null,
      reported: { params: 23_834_568, params_aux: 27_161_264, gmacs_torchvision: 5.713, gflops_paper: '5 billion multiply-adds', top1_error_paper_single_crop: 21.2 },
      description: 'Inception v3 (factorised 7×7 → 1×7/7×1, efficient grid reductions; 299×299)' },
  },
});
