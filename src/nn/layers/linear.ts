import { ConfigError, ShapeError, fmtShape } from '../../errors';
import * as F from '../functional';
import { Module } from '../module';
import { Parameter } from '../parameter';
import { SymTensor } from '../trace';
import { checkPositiveInt } from './conv';
import { checkDim, checkRange, whereOf } from './check';

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
      throw new ShapeError(`Linear: input has ${x.shape[x.ndim - 1]} features`, { expected: `[..., ${this.inFeatures}] (weight ${fmtShape(this.weight.shape)})`, got: fmtShape(x.shape), where: x.tracer.path || '<root>' });
    }
    return F.linear(x, this.weight, this.bias);
  }
  override extraRepr(): string {
    return `in_features=${this.inFeatures}, out_features=${this.outFeatures}, bias=${this.bias ? 'True' : 'False'}`;
  }
}

/** torch.nn.Flatten(start_dim=1, end_dim=-1): dims start..end merged into one (NCHW → [N, C·H·W]). */
export class Flatten extends Module {
  constructor(readonly startDim = 1, readonly endDim = -1) {
    super();
    if (!Number.isInteger(startDim) || !Number.isInteger(endDim)) {
      throw new ConfigError('Flatten dims must be integers', { expected: 'integer start_dim and end_dim', got: `${startDim}, ${endDim}`, where: `Flatten(${startDim}, ${endDim})` });
    }
  }
  forward(x: SymTensor): SymTensor {
    const where = whereOf(x);
    const s = checkDim(this.startDim, x.ndim, 'Flatten start_dim', where);
    const e = checkDim(this.endDim, x.ndim, 'Flatten end_dim', where);
    if (s > e) throw new ShapeError('Flatten: start_dim comes after end_dim', { expected: 'start_dim ≤ end_dim', got: `start_dim ${this.startDim} (${s}), end_dim ${this.endDim} (${e}) for ${fmtShape(x.shape)}`, where });
    if (e === x.ndim - 1 && s === 1) return F.flatten(x, 1);
    if (s === e) return x;
    const merged = x.shape.slice(s, e + 1).reduce((a, b) => a * b, 1);
    return F.reshape(x, [...x.shape.slice(0, s).map((_, i) => (i === 0 ? 0 : x.shape[i])), merged, ...x.shape.slice(e + 1)]);
  }
  override extraRepr(): string { return `start_dim=${this.startDim}, end_dim=${this.endDim}`; }
}

/** Dropout: the identity at inference (no node is emitted); a `Dropout` node when traced for training. */
export class Dropout extends Module {
  constructor(readonly p = 0.5, readonly inplace = false) { super(); checkRange(p, 'dropout probability p', 0, 1, `Dropout(p=${p})`); }
  forward(x: SymTensor): SymTensor { return x.tracer.training && this.p > 0 ? F.dropout(x, this.p) : x; }
  override extraRepr(): string { return `p=${this.p}, inplace=${this.inplace ? 'True' : 'False'}`; }
}
