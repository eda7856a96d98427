/**
 * SqueezeNet's Fire module (Iandola et al. 2016, §3.2) with torchvision's names, and the bypass
 * connections of the paper's §6 / Figure 2.
 */
import { ConfigError } from '../../errors';
import * as F from '../functional';
import { Module } from '../module';
import { Conv2d } from '../layers/conv';
import { ReLU } from '../layers/activation';
import { SymTensor } from '../trace';

/**
 * A Fire module's bypass: 'none'; 'simple' — the input is added to the output (needs in = out channels);
 * 'complex' — a 1×1 conv (with bias, named `bypass`) maps the input to the output channels first.
 */
export type FireBypass = 'none' | 'simple' | 'complex';
export const FIRE_BYPASS: readonly FireBypass[] = ['none', 'simple', 'complex'];

/**
 * Fire(inplanes, s1x1, e1x1, e3x3): squeeze 1×1 conv + ReLU, then expand 1×1 and 3×3 (pad 1) convs with
 * ReLU, concatenated (e1x1 + e3x3 channels). Keys as torchvision's `Fire`: squeeze, expand1x1, expand3x3.
 */
export class FireModule extends Module {
  override get typeName(): string { return 'Fire'; }
  squeeze: Conv2d;
  squeeze_activation: ReLU;
  expand1x1: Conv2d;
  expand1x1_activation: ReLU;
  expand3x3: Conv2d;
  expand3x3_activation: ReLU;
  bypass: Conv2d | null;
  readonly outChannels: number;
  readonly bypassKind: FireBypass;

  constructor(readonly inplanes: number, squeezePlanes: number, expand1x1Planes: number, expand3x3Planes: number, o: { bypass?: FireBypass } = {}) {
    super();
    const bypass = o.bypass ?? 'none';
    if (!FIRE_BYPASS.includes(bypass)) {
      throw new ConfigError('unknown Fire bypass', { expected: FIRE_BYPASS.map((b) => `'${b}'`).join(' | '), got: String(bypass), where: 'Fire' });
    }
    this.outChannels = expand1x1Planes + expand3x3Planes;
    if (bypass === 'simple' && inplanes !== this.outChannels) {
      throw new ConfigError('a simple bypass needs as many input as output channels', {
        expected: `inplanes = expand1x1 + expand3x3 = ${this.outChannels} (or bypass 'complex')`, got: `inplanes ${inplanes}`, where: 'Fire',
      });
    }
    this.squeeze = new Conv2d(inplanes, squeezePlanes, 1);
    this.squeeze_activation = new ReLU(true);
    this.expand1x1 = new Conv2d(squeezePlanes, expand1x1Planes, 1);
    this.expand1x1_activation = new ReLU(true);
    this.expand3x3 = new Conv2d(squeezePlanes, expand3x3Planes, 3, { padding: 1 });
    this.expand3x3_activation = new ReLU(true);
    this.bypass = bypass === 'complex' ? new Conv2d(inplanes, this.outChannels, 1) : null;
    this.bypassKind = bypass;
  }

  forward(x: SymTensor): SymTensor {
    const s = this.squeeze_activation.call(this.squeeze.call(x));
    const y = F.concat([this.expand1x1_activation.call(this.expand1x1.call(s)), this.expand3x3_activation.call(this.expand3x3.call(s))], 1);
    if (this.bypassKind === 'simple') return F.add(y, x);
    if (this.bypass) return F.add(y, this.bypass.call(x));
    return y;
  }

  override extraRepr(): string {
    return this.bypassKind === 'none' ? '' : `bypass=${this.bypassKind}`;
  }
}
