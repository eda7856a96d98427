import * as F from '../functional';
import { Module } from '../module';
import { SymTensor } from '../trace';

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
  constructor(readonly dim = 1) { super(); }
  forward(x: SymTensor): SymTensor { return F.softmax(x, this.dim); }
  override extraRepr(): string { return `dim=${this.dim}`; }
}
