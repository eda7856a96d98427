/**
 * ShuffleNet v1 (Zhang et al., CVPR 2018, Table 1) and ShuffleNet v2 (Ma et al., ECCV 2018; torchvision's
 * `shufflenet_v2_x0_5 … x2_0` with its state-dict keys).
 *
 * ShuffleNet v1 has neither a torchvision nor a timm model; its keys are torchvision-like and ours:
 * `conv1.{0,1}` (3×3 s2 conv, BN), `maxpool`, `stage2..4.N` (ShuffleUnitV1: conv1/bn1, conv2/bn2,
 * conv3/bn3), `fc`, with the channel shuffle placed as in the paper's Figure 2 (after the first 1×1).
 */
import { ConfigError } from '../errors';
import * as F from '../nn/functional';
import { Module } from '../nn/module';
import { BatchNorm2d } from '../nn/layers/norm';
import { Conv2d } from '../nn/layers/conv';
import { ReLU } from '../nn/layers/activation';
import { MaxPool2d } from '../nn/layers/pooling';
import { Linear } from '../nn/layers/linear';
import { Sequential } from '../nn/layers/container';
import { ShuffleUnitV1, ShuffleUnitV2 } from '../nn/blocks/shufflenet';
import { SymTensor } from '../nn/trace';
import { registerFamily, numClassesOption, oneOf, PaperRef } from './registry';

// ---------------------------------------------------------------------------------------------- v1

/** Output channels of stages 2–4 for ShuffleNet 1× (Table 1), by number of groups. */
export const SHUFFLENET_V1_CHANNELS: Record<number, [number, number, number]> = {
  1: [144, 288, 576], 2: [200, 400, 800], 3: [240, 480, 960], 4: [272, 544, 1088], 8: [384, 768, 1536],
};
export const SHUFFLENET_V1_GROUPS = [1, 2, 3, 4, 8] as const;
export const SHUFFLENET_V1_SCALES = [0.25, 0.5, 1, 1.5, 2] as const;

export interface ShuffleNetV1Options {
  /** groups of the 1×1 convolutions: 1, 2, 3, 4, 8 (default 3, the paper's choice) */
  groups?: number;
  /** "ShuffleNet s×": every layer's filters × s (Table 2): 0.25, 0.5, 1, 1.5, 2 */
  scale?: number;
  numClasses?: number;
}

/**
 * Channels for scale s: stage widths base·s rounded to a multiple of 4g (so the bottleneck, out/4, splits
 * into g groups); conv1 24·s rounded up to a multiple of g (so stage 2's concatenated branch, out − conv1,
 * does too). Exact for every 1× and 2× configuration (conv1 = 24, 48); 0.5× g=3 gives 12/120/240/480.
 */
export function shufflenetV1Channels(groups: number, scale: number): { stem: number; stages: [number, number, number] } {
  const base = SHUFFLENET_V1_CHANNELS[groups];
  const q = 4 * groups;
  const stages = base.map((c) => Math.max(q, Math.round((c * scale) / q) * q)) as [number, number, number];
  const stem = Math.max(groups, Math.ceil((24 * scale) / groups) * groups);
  return { stem, stages };
}

export class ShuffleNetV1 extends Module {
  conv1: Sequential;
  maxpool: MaxPool2d;
  stage2: Sequential;
  stage3: Sequential;
  stage4: Sequential;
  fc: Linear;
  readonly groups: number;
  readonly scale: number;

  constructor(o: ShuffleNetV1Options = {}) {
    super();
    const g = o.groups ?? 3, s = o.scale ?? 1;
    if (!SHUFFLENET_V1_CHANNELS[g]) {
      throw new ConfigError('invalid groups for shufflenet_v1', { expected: `one of ${SHUFFLENET_V1_GROUPS.join(', ')}`, got: String(o.groups), where: 'shufflenet_v1.groups' });
    }
    if (!(s > 0)) throw new ConfigError('scale must be positive', { expected: `e.g. one of ${SHUFFLENET_V1_SCALES.join(', ')}`, got: String(o.scale), where: 'shufflenet_v1.scale' });
    this.groups = g;
    this.scale = s;
    const { stem, stages } = shufflenetV1Channels(g, s);
    this.conv1 = new Sequential(new Conv2d(3, stem, 3, { stride: 2, padding: 1, bias: false }), new BatchNorm2d(stem), new ReLU(true));
    this.maxpool = new MaxPool2d(3, { stride: 2, padding: 1 });
    const repeats = [3, 7, 3]; // stride-1 units after the first (stride-2) unit of each stage
    let cin = stem;
    const make = (i: number): Sequential => {
      const cout = stages[i];
      const units: Module[] = [new ShuffleUnitV1(cin, cout, 2, g, { firstGroupConv: i > 0 })];
      for (let r = 0; r < repeats[i]; r++) units.push(new ShuffleUnitV1(cout, cout, 1, g));
      cin = cout;
      return new Sequential(...units);
    };
    this.stage2 = make(0);
    this.stage3 = make(1);
    this.stage4 = make(2);
    this.fc = new Linear(cin, o.numClasses ?? 1000);
  }

  forward(x: SymTensor): SymTensor {
    let y = this.maxpool.call(this.conv1.call(x));
    y = this.stage4.call(this.stage3.call(this.stage2.call(y)));
    return this.fc.call(F.flatten(F.globalAvgPool(y), 1));
  }
}

export const SHUFFLENET_V1_PAPER: PaperRef = {
  title: 'ShuffleNet: An Extremely Efficient Convolutional Neural Network for Mobile Devices',
  authors: 'Xiangyu Zhang, Xinyu Zhou, Mengxiao Lin, Jian Sun', year: 2018,
  citation: 'Zhang et al., CVPR 2018', url: 'https://arxiv.org/abs/1707.01083',
};

export const { shufflenetV1 } = registerFamily({
  family: 'shufflenet', paper: SHUFFLENET_V1_PAPER, inputSize: [3, 224, 224],
  options: {
    groups: oneOf(SHUFFLENET_V1_GROUPS, 3, 'groups of the pointwise convolutions'),
    scale: oneOf(SHUFFLENET_V1_SCALES, 1, 'ShuffleNet s×: filters × s'),
    numClasses: numClassesOption(1000),
  },
  build: (_: null, o) => new ShuffleNetV1(o),
  variants: {
    shufflenet_v1: {
      config: null,
      // Table 1 complexity (MFLOPs in the paper = million mult-adds) of ShuffleNet 1× by groups
      reported: { mmacs: 137, mmacs_g1: 143, mmacs_g2: 140, mmacs_g3: 137, mmacs_g4: 133, mmacs_g8: 137, top1_err_g3: 32.6,
        mmacs_convention: 'convolutions only (the FC layer is not counted): cnnlab conv MACs round to all five' },
      description: 'ShuffleNet v1 (pointwise group convolutions, channel shuffle)',
    },
  },
});

// ---------------------------------------------------------------------------------------------- v2

export interface ShuffleNetV2Options {
  numClasses?: number;
}

/** torchvision's ShuffleNetV2(stages_repeats, stages_out_channels). */
export class ShuffleNetV2 extends Module {
  conv1: Sequential;
  maxpool: MaxPool2d;
  stage2: Sequential;
  stage3: Sequential;
  stage4: Sequential;
  conv5: Sequential;
  fc: Linear;

  constructor(readonly stagesRepeats: readonly number[], readonly stagesOutChannels: readonly number[], o: ShuffleNetV2Options = {}) {
    super();
    if (stagesRepeats.length !== 3) throw new ConfigError('expected stagesRepeats as list of 3 positive ints', { got: JSON.stringify(stagesRepeats), where: 'ShuffleNetV2' });
    if (stagesOutChannels.length !== 5) throw new ConfigError('expected stagesOutChannels as list of 5 positive ints', { got: JSON.stringify(stagesOutChannels), where: 'ShuffleNetV2' });
    let cin = stagesOutChannels[0];
    this.conv1 = new Sequential(new Conv2d(3, cin, 3, { stride: 2, padding: 1, bias: false }), new BatchNorm2d(cin), new ReLU(true));
    this.maxpool = new MaxPool2d(3, { stride: 2, padding: 1 });
    const stages: Sequential[] = [];
    for (let i = 0; i < 3; i++) {
      const cout = stagesOutChannels[i + 1];
      const units: Module[] = [new ShuffleUnitV2(cin, cout, 2)];
      for (let r = 0; r < stagesRepeats[i] - 1; r++) units.push(new ShuffleUnitV2(cout, cout, 1));
      stages.push(new Sequential(...units));
      cin = cout;
    }
    [this.stage2, this.stage3, this.stage4] = stages;
    const last = stagesOutChannels[4];
    this.conv5 = new Sequential(new Conv2d(cin, last, 1, { bias: false }), new BatchNorm2d(last), new ReLU(true));
    this.fc = new Linear(last, o.numClasses ?? 1000);
  }

  forward(x: SymTensor): SymTensor {
    let y = this.maxpool.call(this.conv1.call(x));
    y = this.conv5.call(this.stage4.call(this.stage3.call(this.stage2.call(y))));
    return this.fc.call(F.flatten(F.globalAvgPool(y), 1));
  }
}

export const SHUFFLENET_V2_PAPER: PaperRef = {
  title: 'ShuffleNet V2: Practical Guidelines for Efficient CNN Architecture Design',
  authors: 'Ningning Ma, Xiangyu Zhang, Hai-Tao Zheng, Jian Sun', year: 2018,
  citation: 'Ma et al., ECCV 2018', url: 'https://arxiv.org/abs/1807.11164',
};

/** torchvision's widths per variant: stages_out_channels. */
export const SHUFFLENET_V2_CHANNELS = {
  x0_5: [24, 48, 96, 192, 1024], x1_0: [24, 116, 232, 464, 1024], x1_5: [24, 176, 352, 704, 1024], x2_0: [24, 244, 488, 976, 2048],
};
const v2 = (w: keyof typeof SHUFFLENET_V2_CHANNELS, reported: { params: number; gmacs: number; top1: number }) => ({
  config: w, reported, description: `ShuffleNet v2 ${w.slice(1).replace('_', '.')}× (torchvision)`,
});

/** ShuffleNet v2 at torchvision's four widths; reported: torchvision's documented params, GFLOPS (= GMACs), ImageNet acc@1. */
export const { shufflenetV2X0_5, shufflenetV2X1_0, shufflenetV2X1_5, shufflenetV2X2_0 } = registerFamily({
  family: 'shufflenet', paper: SHUFFLENET_V2_PAPER, inputSize: [3, 224, 224],
  options: { numClasses: numClassesOption(1000) },
  build: (w: keyof typeof SHUFFLENET_V2_CHANNELS, o) => new ShuffleNetV2([4, 8, 4], SHUFFLENET_V2_CHANNELS[w], o),
  variants: {
    shufflenet_v2_x0_5: v2('x0_5', { params: 1_366_792, gmacs: 0.04, top1: 60.552 }),
    shufflenet_v2_x1_0: v2('x1_0', { params: 2_278_604, gmacs: 0.14, top1: 69.362 }),
    shufflenet_v2_x1_5: v2('x1_5', { params: 3_503_624, gmacs: 0.3, top1: 72.996 }),
    shufflenet_v2_x2_0: v2('x2_0', { params: 7_393_996, gmacs: 0.58, top1: 76.23 }),
  },
});
