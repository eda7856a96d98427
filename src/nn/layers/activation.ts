import * as F from '../functional';
import { Module } from '../module';
import { SymTensor } from '../trace';
import { ConfigError } from '../../errors';
import { checkDim, checkRange, pyFloat, whereOf } from './check';

export class ReLU extends Module {
  constructor(readonly inplace = false) { super(); }
  forward(x: SymTensor): SymTensor { return F.relu(x); }
  override extraRepr(): string { return this.inplace ? 'inplace=True' : ''; }
}

export class ReLU6 extends Module {
  constructor(readonly inplace = false) { super(); }
  forward(x: SymTensor): SymTensor { return F.relu6(x); }
  override extraRepr(): string { return this.inplace ? 'inplace=True' : ''; }
}

export class Identity extends Module {
  forward(x: SymTensor): SymTensor { return F.identity(x); }
}

export class Sigmoid extends Module {
  forward(x: SymTensor): SymTensor { return F.sigmoid(x); }
}
/** SiLU (Swish): x·σ(x). */
export class SiLU extends Module {
  constructor(readonly inplace = false) { super(); }
  forward(x: SymTensor): SymTensor { return F.silu(x); }
  override extraRepr(): string { return this.inplace ? 'inplace=True' : ''; }
}
export class Hardswish extends Module {
  constructor(readonly inplace = false) { super(); }
  forward(x: SymTensor): SymTensor { return F.hardswish(x); }
}
/** PyTorch's Hardsigmoid: relu6(x + 3) / 6. */
export class Hardsigmoid extends Module {
  constructor(readonly inplace = false) { super(); }
  forward(x: SymTensor): SymTensor { return F.hardsigmoid(x); }
}
export class Softmax extends Module {
  constructor(readonly dim = 1) {
    super();
    if (!Number.isInteger(dim)) throw new ConfigError('Softmax dim must be an integer', { expected: 'an integer axis', got: String(dim), where: `Softmax(dim=${dim})` });
  }
  forward(x: SymTensor): SymTensor { return F.softmax(x, checkDim(this.dim, x.ndim, 'Softmax dim', whereOf(x))); }
  override extraRepr(): string { return `dim=${this.dim}`; }
}

/** LeakyReLU(negative_slope): x for x ≥ 0, slope·x otherwise. */
export class LeakyReLU extends Module {
  constructor(readonly negativeSlope = 0.01, readonly inplace = false) {
    super();
    checkRange(negativeSlope, 'negative_slope', -1e30, 1e30, `LeakyReLU(negative_slope=${negativeSlope})`);
  }
  forward(x: SymTensor): SymTensor { return F.leakyRelu(x, this.negativeSlope); }
  override extraRepr(): string { return `negative_slope=${pyFloat(this.negativeSlope)}${this.inplace ? ', inplace=True' : ''}`; }
}

/** ELU(alpha): x for x > 0, alpha·(eˣ − 1) otherwise. */
export class ELU extends Module {
  constructor(readonly alpha = 1, readonly inplace = false) {
    super();
    checkRange(alpha, 'alpha', -1e30, 1e30, `ELU(alpha=${alpha})`);
  }
  forward(x: SymTensor): SymTensor { return F.elu(x, this.alpha); }
  override extraRepr(): string { return `alpha=${pyFloat(this.alpha)}${this.inplace ? ', inplace=True' : ''}`; }
}

export class Tanh extends Module {
  forward(x: SymTensor): SymTensor { return F.tanh(x); }
}
