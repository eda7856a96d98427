import { ShapeError, fmtShape } from '../../errors';
import * as F from '../functional';
import { Module } from '../module';
import { Parameter } from '../parameter';
import { SymTensor } from '../trace';
import { checkPositiveInt } from './conv';

/** y = x·Wᵀ + b with PyTorch's `weight` [out, in] and `bias` [out]. */
export class Linear extends Module {
  weight: Parameter;
  bias: Parameter | null;
  constructor(readonly inFeatures: number, readonly outFeatures: number, opts: { bias?: boolean } = {}) {
    super();
    checkPositiveInt(inFeatures, 'in_features', 'Linear');
    checkPositiveInt(outFeatures, 'out_features', 'Linear');
    const bound = 1 / Math.sqrt(inFeatures);
    this.weight = new Parameter([outFeatures, inFeatures], { kind: 'uniform', bound });
    this.bias = opts.bias === false ? null : new Parameter([outFeatures], { kind: 'uniform', bound });
  }
  forward(x: SymTensor): SymTensor {
    if (x.shape[x.ndim - 1] !== this.inFeatures) {
      throw new ShapeError(`Linear: input has ${x.shape[x.ndim - 1]} features`, { expected: `[..., ${this.inFeatures}] (weight ${fmtShape(this.weight.shape)})`, got: fmtShape(x.shape), where: x.tracer.path });
    }
    return F.linear(x, this.weight, this.bias);
  }
  override extraRepr(): string {
    return `in_features=${this.inFeatures}, out_features=${this.outFeatures}, bias=${this.bias ? 'True' : 'False'}`;
  }
}

/** torch.nn.Flatten(start_dim=1): NCHW → [N, C·H·W]. */
export class Flatten extends Module {
  constructor(readonly startDim = 1) { super(); }
  forward(x: SymTensor): SymTensor { return F.flatten(x, this.startDim); }
  override extraRepr(): string { return `start_dim=${this.startDim}, end_dim=-1`; }
}

/** Dropout: the identity at inference (no node is emitted). */
export class Dropout extends Module {
  constructor(readonly p = 0.5, readonly inplace = false) { super(); }
  forward(x: SymTensor): SymTensor { return x; }
  override extraRepr(): string { return `p=${this.p}, inplace=${this.inplace ? 'True' : 'False'}`; }
}
