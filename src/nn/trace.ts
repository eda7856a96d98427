import { CnnlabError, ShapeError, fmtShape } from '../errors';
import { Graph, AttrValue, Node, initializerOf } from '../graph/ir';
import { inferShapes } from '../graph/shapes';
import { DType, Tensor } from '../tensor/tensor';
import { Parameter } from './parameter';

/** A symbolic tensor flowing through `forward` while a module tree is traced. */
export class SymTensor {
  constructor(
    readonly name: string,
    readonly shape: readonly number[],
    readonly dtype: DType,
    readonly tracer: Tracer,
  ) {}
  get dims(): readonly number[] { return this.shape; }
  get ndim(): number { return this.shape.length; }
  toString(): string { return `SymTensor(${this.name}, ${fmtShape(this.shape)})`; }
}

export type OpInput = SymTensor | Parameter | Tensor | null;

/** Records nodes into a Graph as `forward` runs on symbolic tensors. */
export class Tracer {
  readonly graph = new Graph();
  private readonly stack: string[] = [''];
  private readonly typeStack: string[] = [];
  private counter = 0;
  private constCounter = 0;
  /** traced for training (`trace(shape, { training: true })`): Dropout emits a node instead of nothing */
  training = false;

  constructor(
    /** parameter → state-dict key */
    readonly paramNames: Map<Parameter, string>,
    /** module → path */
    readonly modulePaths: Map<object, string>,
  ) {}

  /** module path → how many times its forward has been entered */
  private readonly calls = new Map<string, number>();

  /** path of the module whose forward is running */
  get path(): string {
    return this.stack[this.stack.length - 1];
  }

  enter(path: string, typeName: string): void {
    this.calls.set(path, (this.calls.get(path) ?? 0) + 1);
    this.stack.push(path);
    this.typeStack.push(typeName);
    if (!this.graph.moduleTypes.has(path)) this.graph.moduleTypes.set(path, typeName);
  }

  exit(): void {
    this.stack.pop();
    this.typeStack.pop();
  }

  input(name: string, shape: readonly number[], dtype: DType = 'float32'): SymTensor {
    const info = { name, dtype, shape: [...shape] };
    this.graph.inputs.push(info);
    this.graph.values.set(name, info);
    return new SymTensor(name, shape, dtype, this);
  }

  /** Registers a constant tensor as an initializer and returns its name. */
  constant(t: Tensor, hint = 'const'): string {
    const name = `${this.path || 'model'}.${hint}_${this.constCounter++}`;
    this.graph.initializers.set(name, initializerOf(name, t, 'constant'));
    return name;
  }

  private inputName(x: OpInput, i: number, op: string): string {
    if (x === null) return '';
    if (x instanceof SymTensor) {
      if (x.tracer !== this) throw new CnnlabError('a tensor from another trace was used', { where: this.path || '<root>' });
      return x.name;
    }
    if (x instanceof Parameter) {
      const name = this.paramNames.get(x);
      if (name === undefined) {
        throw new CnnlabError(`${op}: input ${i} is a parameter that belongs to no module of the traced tree`, {
          where: this.path || '<root>', expected: 'parameters assigned as fields of a module in the tree',
        });
      }
      if (!this.graph.initializers.has(name)) {
        this.graph.initializers.set(name, {
          name, dtype: 'float32', dims: x.shape, kind: x.trainable ? 'parameter' : 'buffer',
          value: () => x.tensor(),
        });
      }
      return name;
    }
    return this.constant(x);
  }

  /**
   * Emits one ONNX node. Shapes are inferred now, so a wrong shape fails here, naming the module path,
   * before anything reaches ONNX Runtime.
   */
  emit(op: string, inputs: OpInput[], attrs: Record<string, AttrValue> = {}, nOutputs = 1, domain = ''): SymTensor[] {
    const path = this.path;
    const where = path || '<root>';
    // absent optional inputs at the end are left out (ONNX Runtime's fusions skip nodes with trailing '')
    let end = inputs.length;
    while (end > 0 && inputs[end - 1] === null) end--;
    const names = inputs.slice(0, end).map((x, i) => this.inputName(x, i, op));
    const k = this.counter++;
    const outNames = Array.from({ length: nOutputs }, (_, j) => `${path}/${op}_${k}${nOutputs > 1 ? `:${j}` : ''}`);
    const g = this.graph;
    const outs = inferShapes({
      op, attrs, nOutputs, where: `${where} (${op})`,
      inputs: names.map((n) => (n ? g.info(n) ?? null : null)),
      constant: (i) => {
        const n = names[i];
        const init = n ? g.initializers.get(n) : undefined;
        return init && init.kind === 'constant' ? init.value() : undefined;
      },
    });
    const node: Node = { name: `${path}/${op}_${k}`, op, domain, inputs: names, outputs: outNames, attrs, module: path, call: this.calls.get(path) };
    g.nodes.push(node);
    return outs.map((o, j) => {
      if (!o.shape || !o.shape.every((d) => typeof d === 'number' && d >= 0)) {
        throw new ShapeError(`${op}: could not infer a concrete output shape`, { where, got: o.shape ? fmtShape(o.shape) : 'unknown' });
      }
      const shape = o.shape as number[];
      if (shape.some((d) => d === 0)) {
        throw new ShapeError(`${op}: output has a zero-sized dimension`, {
          where, expected: 'every output dimension ≥ 1', got: `${fmtShape(shape)} from inputs ${names.filter(Boolean).map((n) => fmtShape(g.info(n)?.shape ?? [])).join(', ')}`,
        });
      }
      g.values.set(outNames[j], { name: outNames[j], dtype: o.dtype, shape: [...shape] });
      return new SymTensor(outNames[j], shape, o.dtype, this);
    });
  }

  /** Renames a value everywhere (used to give graph outputs stable names such as `output`). */
  rename(from: string, to: string): void {
    const g = this.graph;
    for (const n of g.nodes) {
      n.inputs = n.inputs.map((x) => (x === from ? to : x));
      n.outputs = n.outputs.map((x) => (x === from ? to : x));
    }
    const v = g.values.get(from);
    if (v) { g.values.delete(from); g.values.set(to, { ...v, name: to }); }
    for (const [k, val] of g.moduleOutputs) if (val === from) g.moduleOutputs.set(k, to);
  }
}
