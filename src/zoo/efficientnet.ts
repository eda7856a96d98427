import { ConfigError } from '../errors';
import * as F from '../nn/functional';
import { Module } from '../nn/module';
import { Linear, Dropout } from '../nn/layers/linear';
import { Sequential } from '../nn/layers/container';
import { SiLU } from '../nn/layers/activation';
import { AdaptiveAvgPool2d } from '../nn/layers/pooling';
import { convNormAct } from '../nn/blocks/conv-norm-act';
import { MBConv, adjustChannels, adjustDepth } from '../nn/blocks/efficientnet';
import { SymTensor } from '../nn/trace';
import { registerFamily, numClassesOption, PaperRef } from './registry';

export const EFFICIENTNET_PAPER: PaperRef = {
  title: 'EfficientNet: Rethinking Model Scaling for Convolutional Neural Networks',
  authors: 'Mingxing Tan, Quoc V. Le', year: 2019, citation: 'Tan & Le, ICML 2019', url: 'https://arxiv.org/abs/1905.11946',
};

/** The compound-scaling constants of the paper's eq. 3 (grid search on B0, §3.3): α·β²·γ² ≈ 2. */
export const COMPOUND = { alpha: 1.2, beta: 1.1, gamma: 1.15 } as const;

/** Depth, width and resolution multipliers for a compound coefficient φ: d = α^φ, w = β^φ, r = γ^φ (paper eq. 3). */
export function compoundScaling(phi: number): { depth: number; width: number; resolution: number; flopsFactor: number } {
  const depth = COMPOUND.alpha ** phi, width = COMPOUND.beta ** phi, resolution = COMPOUND.gamma ** phi;
  return { depth, width, resolution, flopsFactor: depth * width ** 2 * resolution ** 2 };
}

/** B0's stages (paper Table 1, torchvision's order): expand ratio, kernel, stride, in, out, layers. */
const B0_STAGES: [number, number, number, number, number, number][] = [
  [1, 3, 1, 32, 16, 1], [6, 3, 2, 16, 24, 2], [6, 5, 2, 24, 40, 2], [6, 3, 2, 40, 80, 3],
  [6, 5, 1, 80, 112, 3], [6, 5, 2, 112, 192, 4], [6, 3, 1, 192, 320, 1],
];

export interface EfficientNetOptions {
  widthMult?: number;
  depthMult?: number;
  dropout?: number;
  /** maximum stochastic depth probability (torchvision 0.2; identity at inference) */
  stochasticDepthProb?: number;
  numClasses?: number;
  /** BatchNorm eps (torchvision: 1e-5 for b0–b4, 1e-3 for b5–b7, the TF ports) */
  eps?: number;
}

/** EfficientNet-B0…B7 as torchvision builds them (`features.0..8`, `avgpool`, `classifier.1`). */
export class EfficientNet extends Module {
  features: Sequential;
  avgpool: AdaptiveAvgPool2d;
  classifier: Sequential;
  constructor(o: EfficientNetOptions = {}) {
    super();
    const w = o.widthMult ?? 1, d = o.depthMult ?? 1, eps = o.eps ?? 1e-5;
    if (!(w > 0) || !(d > 0)) throw new ConfigError('EfficientNet width and depth multipliers must be positive', { got: `widthMult=${w}, depthMult=${d}`, where: 'EfficientNet' });
    const stages = B0_STAGES.map(([t, k, s, cin, cout, n]) => ({ t, k, s, cin: adjustChannels(cin, w), cout: adjustChannels(cout, w), n: adjustDepth(n, d) }));
    const silu = () => new SiLU(true);
    const feats: Module[] = [convNormAct(3, stages[0].cin, 3, { stride: 2, activation: silu, eps })];
    const total = stages.reduce((a, s) => a + s.n, 0);
    const sdMax = o.stochasticDepthProb ?? 0.2;
    let id = 0;
    for (const st of stages) {
      const blocks: Module[] = [];
      for (let i = 0; i < st.n; i++) {
        blocks.push(new MBConv(
          { expandRatio: st.t, kernel: st.k, stride: i === 0 ? st.s : 1, inputChannels: i === 0 ? st.cin : st.cout, outChannels: st.cout },
          { stochasticDepthProb: (sdMax * id) / total, eps },
        ));
        id++;
      }
      feats.push(new Sequential(...blocks));
    }
    const lastIn = stages[stages.length - 1].cout, lastOut = 4 * lastIn;
    feats.push(convNormAct(lastIn, lastOut, 1, { activation: silu, eps }));
    this.features = new Sequential(...feats);
    this.avgpool = new AdaptiveAvgPool2d(1);
    this.classifier = new Sequential(new Dropout(o.dropout ?? 0.2, true), new Linear(lastOut, o.numClasses ?? 1000));
  }
  forward(x: SymTensor): SymTensor {
    return this.classifier.call(F.flatten(this.avgpool.call(this.features.call(x)), 1));
  }
}

/**
 * torchvision's b0–b7: width, depth, resolution, dropout. The paper's φ is not published per model; `phi` here is
 * the φ with γ^φ·224 = the published resolution (b1 → 0.494, b2 → 1.066 ...), shown for comparison with
 * α^φ, β^φ: the released models round these by hand.
 */
const VARIANTS: [number, number, number, number, number, Record<string, number | string>][] = [
  // width, depth, resolution, dropout, eps, reported (params: torchvision; torchvision_gflops (= GMACs) at torchvision_crop: torchvision ≥ 0.15's weight tables; paper_*: Table 2)
  [1.0, 1.0, 224, 0.2, 1e-5, { params: 5_288_548, torchvision_gflops: 0.39, torchvision_crop: 224, paper_params_m: 5.3, paper_gflops: 0.39, top1: 77.1 }],
  [1.0, 1.1, 240, 0.2, 1e-5, { params: 7_794_184, torchvision_gflops: 0.69, torchvision_crop: 240, paper_params_m: 7.8, paper_gflops: 0.70, top1: 79.1 }],
  [1.1, 1.2, 260, 0.3, 1e-5, { params: 9_109_994, torchvision_gflops: 1.09, torchvision_crop: 288, paper_params_m: 9.2, paper_gflops: 1.0, top1: 80.1 }],
  [1.2, 1.4, 300, 0.3, 1e-5, { params: 12_233_232, torchvision_gflops: 1.83, torchvision_crop: 300, paper_params_m: 12, paper_gflops: 1.8, top1: 81.6 }],
  [1.4, 1.8, 380, 0.4, 1e-5, { params: 19_341_616, torchvision_gflops: 4.39, torchvision_crop: 380, paper_params_m: 19, paper_gflops: 4.2, top1: 82.9 }],
  [1.6, 2.2, 456, 0.4, 1e-3, { params: 30_389_784, torchvision_gflops: 10.27, torchvision_crop: 456, paper_params_m: 30, paper_gflops: 9.9, top1: 83.6 }],
  [1.8, 2.6, 528, 0.5, 1e-3, { params: 43_040_704, torchvision_gflops: 19.07, torchvision_crop: 528, paper_params_m: 43, paper_gflops: 19, top1: 84.0 }],
  [2.0, 3.1, 600, 0.5, 1e-3, { params: 66_347_960, torchvision_gflops: 37.75, torchvision_crop: 600, paper_params_m: 66, paper_gflops: 37, top1: 84.3 }],
];

export const EFFICIENTNET_VARIANTS = VARIANTS.map(([widthMult, depthMult, resolution, dropout, eps], i) => ({
  name: `efficientnet_b${i}`, widthMult, depthMult, resolution, dropout, eps,
}));

const round3 = (v: number) => Math.round(v * 1000) / 1000;

/** Row i of torchvision's b0–b7 table: the builder's configuration and the reported numbers with the compound-scaling view. */
function row(i: number) {
  const [widthMult, depthMult, resolution, dropout, eps, rep] = VARIANTS[i];
  const phi = round3(Math.log(resolution / 224) / Math.log(COMPOUND.gamma));
  const c = compoundScaling(phi);
  return {
    config: { widthMult, depthMult, dropout, eps },
    inputSize: [3, resolution, resolution] as [number, number, number],
    reported: {
      ...rep, alpha: COMPOUND.alpha, beta: COMPOUND.beta, gamma: COMPOUND.gamma, widthMult, depthMult, resolution, dropout,
      phi_from_resolution: phi, alpha_pow_phi: round3(c.depth), beta_pow_phi: round3(c.width),
      compound_rule: 'depth d = α^φ, width w = β^φ, resolution r = γ^φ, s.t. α·β²·γ² ≈ 2 (α=1.2, β=1.1, γ=1.15)',
    },
    description: `EfficientNet-B${i}: compound scaling of B0 (α=1.2 depth, β=1.1 width, γ=1.15 resolution per unit φ; ` +
      `α·β²·γ² ≈ 2) — torchvision's width ×${widthMult}, depth ×${depthMult}, resolution ${resolution} (φ ≈ ${phi} by γ^φ·224)`,
  };
}

export const {
  efficientnetB0, efficientnetB1, efficientnetB2, efficientnetB3, efficientnetB4, efficientnetB5, efficientnetB6, efficientnetB7,
} = registerFamily({
  family: 'efficientnet', paper: EFFICIENTNET_PAPER, inputSize: [3, 224, 224],
  options: { numClasses: numClassesOption(1000, 'number of classes of the classifier') },
  build: (c: Pick<EfficientNetOptions, 'widthMult' | 'depthMult' | 'dropout' | 'eps'>, o) => new EfficientNet({ ...c, ...o }),
  variants: {
    efficientnet_b0: row(0), efficientnet_b1: row(1), efficientnet_b2: row(2), efficientnet_b3: row(3),
    efficientnet_b4: row(4), efficientnet_b5: row(5), efficientnet_b6: row(6), efficientnet_b7: row(7),
  },
});
