import { CnnlabError } from '../../errors';
import * as F from '../functional';
import { Module } from '../module';
import { SymTensor } from '../trace';

/** Children applied in order; named `0, 1, …` or by the keys of a record (torch's OrderedDict form). */
export class Sequential extends Module {
  constructor(...modules: Module[] | [Record<string, Module>]) {
    super();
    const self = this as unknown as Record<string, Module>;
    if (modules.length === 1 && !(modules[0] instanceof Module)) {
      for (const [k, m] of Object.entries(modules[0] as Record<string, Module>)) self[k] = m;
    } else {
      (modules as Module[]).forEach((m, i) => { self[String(i)] = m; });
    }
  }
  override get length(): number { return this.namedChildren().length; }
  at(i: number): Module {
    const c = this.namedChildren();
    const m = c[i < 0 ? c.length + i : i];
    if (!m) throw new CnnlabError('Sequential index out of range', { expected: `< ${c.length}`, got: String(i) });
    return m[1];
  }
  /** Adds a module under the next index (or a name). */
  append(m: Module, name?: string): this {
    (this as unknown as Record<string, Module>)[name ?? String(this.length)] = m;
    return this;
  }
  forward(x: SymTensor): SymTensor {
    let y = x;
    for (const [, m] of this.namedChildren()) y = m.call(y);
    return y;
  }
}

/** A list of modules (no forward of its own), named `0, 1, …`. */
export class ModuleList extends Module {
  constructor(modules: Module[] = []) {
    super();
    modules.forEach((m, i) => { (this as unknown as Record<string, Module>)[String(i)] = m; });
  }
  override get length(): number { return this.namedChildren().length; }
  at(i: number): Module { return this.namedChildren()[i][1]; }
  forward(): SymTensor { throw new CnnlabError('ModuleList has no forward; iterate its modules'); }
}

/** Element-wise sum of its inputs (a residual connection). */
export class Add extends Module {
  forward(a: SymTensor, b: SymTensor): SymTensor { return F.add(a, b); }
}

/** Element-wise product of its inputs (broadcasting, e.g. SE's channel scaling [N, C, 1, 1] · [N, C, H, W]). */
export class Mul extends Module {
  forward(a: SymTensor, b: SymTensor): SymTensor { return F.mul(a, b); }
}

/** Concatenation along the channel axis (or `axis`). */
export class Concat extends Module {
  constructor(readonly axis = 1) { super(); }
  forward(...xs: (SymTensor | SymTensor[])[]): SymTensor {
    const flat = xs.flat() as SymTensor[];
    return F.concat(flat, this.axis);
  }
}
