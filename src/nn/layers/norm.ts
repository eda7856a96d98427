import { ConfigError, ShapeError, fmtShape } from '../../errors';
import * as F from '../functional';
import { Module } from '../module';
import { Buffer, Parameter } from '../parameter';
import { SymTensor } from '../trace';
import { checkPositiveInt } from './conv';
import { pyFloat } from './check';

/** BatchNorm2d in inference mode: running statistics, `weight`, `bias`, `running_mean`, `running_var`. */
export class BatchNorm2d extends Module {
  weight: Parameter;
  bias: Parameter;
  running_mean: Buffer;
  running_var: Buffer;

  constructor(readonly numFeatures: number, readonly eps = 1e-5, readonly momentum = 0.1) {
    super();
    checkPositiveInt(numFeatures, 'num_features', `BatchNorm2d(${numFeatures})`);
    if (!(eps > 0)) throw new ConfigError('BatchNorm2d eps must be positive', { expected: 'eps > 0', got: String(eps), where: `BatchNorm2d(${numFeatures}, eps=${eps})` });
    this.weight = new Parameter([numFeatures], { kind: 'ones' });
    this.bias = new Parameter([numFeatures], { kind: 'zeros' });
    this.running_mean = new Buffer([numFeatures], { kind: 'zeros' });
    this.running_var = new Buffer([numFeatures], { kind: 'ones' });
  }

  forward(x: SymTensor): SymTensor {
    if (x.ndim !== 4 || x.shape[1] !== this.numFeatures) {
      throw new ShapeError(`BatchNorm2d: input has ${x.shape[1]} channels`, { expected: `[N, ${this.numFeatures}, H, W]`, got: fmtShape(x.shape), where: x.tracer.path || '<root>' });
    }
    return F.batchNorm(x, this.weight, this.bias, this.running_mean, this.running_var, this.eps);
  }

  override extraRepr(): string {
    return `${this.numFeatures}, eps=${pyFloat(this.eps)}, momentum=${this.momentum}, affine=True, track_running_stats=True`;
  }
}
