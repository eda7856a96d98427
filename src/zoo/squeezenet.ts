import { ConfigError } from '../errors';
import * as F from '../nn/functional';
import { Module } from '../nn/module';
import { Conv2d } from '../nn/layers/conv';
import { ReLU } from '../nn/layers/activation';
import { MaxPool2d, AdaptiveAvgPool2d } from '../nn/layers/pooling';
import { Dropout } from '../nn/layers/linear';
import { Sequential } from '../nn/layers/container';
import { FireModule, FireBypass, FIRE_BYPASS } from '../nn/blocks/squeezenet';
import { SymTensor } from '../nn/trace';
import { registerFamily, numClassesOption, oneOf, PaperRef } from './registry';

export interface SqueezeNetOptions {
  numClasses?: number;
  dropout?: number;
  /**
   * The paper's §6 (Figure 2): 'none' (default, torchvision); 'simple' — identity bypass around fire3, fire5,
   * fire7, fire9 (the Fire modules whose input and output widths match); 'complex' — additionally a 1×1 conv
   * bypass (key `features.N.bypass`) around fire2, fire4, fire6, fire8.
   */
  bypass?: FireBypass;
}

/**
 * SqueezeNet v1.0 (Table 1 of the paper) and v1.1 (the SqueezeNet repo's 2.4× cheaper variant) with
 * torchvision's names: `features.N` (Fire modules at the paper's fire2..fire9), `classifier.1` (conv10).
 */
export class SqueezeNet extends Module {
  features: Sequential;
  classifier: Sequential;
  constructor(readonly version: '1_0' | '1_1', o: SqueezeNetOptions = {}) {
    super();
    const bypass = o.bypass ?? 'none';
    if (!FIRE_BYPASS.includes(bypass)) throw new ConfigError('invalid bypass for squeezenet', { expected: FIRE_BYPASS.map((b) => JSON.stringify(b)).join(', '), got: JSON.stringify(bypass), where: `squeezenet${version}.bypass` });
    // fire2..fire9: (inplanes, s1x1, e1x1, e3x3)
    const fires = [[0, 16, 64, 64], [128, 16, 64, 64], [128, 32, 128, 128], [256, 32, 128, 128], [256, 48, 192, 192], [384, 48, 192, 192], [384, 64, 256, 256], [512, 64, 256, 256]];
    const fire = (i: number, cin: number): FireModule => {
      const [, s, e1, e3] = fires[i];
      // fire(i + 2): odd-numbered ones (3, 5, 7, 9) keep their width and get the simple bypass
      const kind: FireBypass = bypass === 'none' ? 'none' : (i + 2) % 2 === 1 ? 'simple' : bypass === 'complex' ? 'complex' : 'none';
      return new FireModule(cin, s, e1, e3, { bypass: kind });
    };
    const pool = () => new MaxPool2d(3, { stride: 2, ceilMode: true });
    if (version === '1_0') {
      this.features = new Sequential(
        new Conv2d(3, 96, 7, { stride: 2 }), new ReLU(true), pool(),
        fire(0, 96), fire(1, 128), fire(2, 128), pool(),
        fire(3, 256), fire(4, 256), fire(5, 384), fire(6, 384), pool(),
        fire(7, 512),
      );
    } else if (version === '1_1') {
      this.features = new Sequential(
        new Conv2d(3, 64, 3, { stride: 2 }), new ReLU(true), pool(),
        fire(0, 64), fire(1, 128), pool(),
        fire(2, 128), fire(3, 256), pool(),
        fire(4, 256), fire(5, 384), fire(6, 384), fire(7, 512),
      );
    } else {
      throw new ConfigError('unknown SqueezeNet version', { expected: "'1_0' | '1_1'", got: String(version), where: 'SqueezeNet' });
    }
    this.classifier = new Sequential(new Dropout(o.dropout ?? 0.5), new Conv2d(512, o.numClasses ?? 1000, 1), new ReLU(true), new AdaptiveAvgPool2d([1, 1]));
  }
  forward(x: SymTensor): SymTensor {
    return F.flatten(this.classifier.call(this.features.call(x)), 1);
  }
}

export const SQUEEZENET_PAPER: PaperRef = {
  title: 'SqueezeNet: AlexNet-level accuracy with 50x fewer parameters and <0.5MB model size',
  authors: 'Forrest N. Iandola, Song Han, Matthew W. Moskewicz, Khalid Ashraf, William J. Dally, Kurt Keutzer', year: 2016,
  citation: 'Iandola et al., arXiv 2016', url: 'https://arxiv.org/abs/1602.07360',
};

export const { squeezenet1_0, squeezenet1_1 } = registerFamily({
  family: 'squeezenet', paper: SQUEEZENET_PAPER, inputSize: [3, 224, 224],
  options: {
    bypass: oneOf(FIRE_BYPASS, 'none', "the paper's §6: 'simple' identity bypass around fire3/5/7/9, 'complex' adds 1×1-conv bypasses around fire2/4/6/8"),
    numClasses: numClassesOption(1000),
  },
  build: (version: '1_0' | '1_1', o) => new SqueezeNet(version, o),
  variants: {
    squeezenet1_0: { config: '1_0',
      reported: { params: 1_248_424, gmacs_torchvision: 0.819, params_paper_millions: 1.2, top1_paper: 57.5, top1_simple_bypass_paper: 60.4, top1_complex_bypass_paper: 58.8,
        model_mb_paper: '4.8 vanilla, 4.8 simple bypass, 7.7 complex bypass (Table 3; the 1×1 bypasses here add 341,248 params: 6.1 MB)' },
      description: 'SqueezeNet v1.0 (Table 1: conv1 7×7/2 with 96 filters, fire2..fire9, conv10)' },
    squeezenet1_1: { config: '1_1',
      reported: { params: 1_235_496, gmacs_torchvision: 0.349, note: 'v1.1 (SqueezeNet repo): conv1 3×3/2 with 64 filters, pools moved earlier; 2.4× fewer MACs than v1.0' },
      description: 'SqueezeNet v1.1 (same accuracy as v1.0 with 2.4× less computation)' },
  },
});
