/**
 * Emits ONNX nodes into a graph IR under construction (the training-step and gradient graphs): unique value
 * names, shared constants, and the shape of every value the gradient rules need to know.
 */
import { AttrValue, Graph, Node, initializerOf } from '../graph/ir';
import { Tensor } from '../tensor/tensor';

export class Builder {
  readonly g = new Graph();
  /** static shapes of values (forward values copied from the traced graph, new ones where known) */
  readonly shapes = new Map<string, readonly number[]>();
  private k = 0;
  private readonly consts = new Map<string, string>();

  constructor(name = 'cnnlab-train') {
    this.g.name = name;
    this.g.metadata.dynamicBatch = 'false';
  }

  /** Emits one node; returns its output names (`<module>/grad/<Op>_<k>` style). */
  node(op: string, inputs: string[], attrs: Record<string, AttrValue> = {}, opts: { module?: string; nOut?: number; tag?: string; outputs?: string[] } = {}): string[] {
    const k = this.k++;
    const base = `${opts.module ?? ''}/${opts.tag ?? 'g'}/${op}_${k}`;
    const n = opts.outputs?.length ?? opts.nOut ?? 1;
    const outputs = opts.outputs ?? Array.from({ length: n }, (_, j) => (n > 1 ? `${base}:${j}` : base));
    const node: Node = { name: base, op, domain: '', inputs, outputs, attrs, module: opts.module ?? '' };
    this.g.nodes.push(node);
    return outputs;
  }

  /** One-output shorthand. */
  op(op: string, inputs: string[], attrs: Record<string, AttrValue> = {}, module = '', shape?: readonly number[]): string {
    const [o] = this.node(op, inputs, attrs, { module });
    if (shape) this.shapes.set(o, shape);
    return o;
  }

  /** A constant initializer (deduplicated by dtype, shape and content). */
  constant(t: Tensor): string {
    const key = `${t.dtype}|${t.dims.join(',')}|${t.size <= 64 ? Array.from(t.data as ArrayLike<number | bigint>, String).join(',') : `#${this.k}`}`;
    const hit = this.consts.get(key);
    if (hit) return hit;
    const name = `const_${this.consts.size}`;
    this.g.initializers.set(name, initializerOf(name, t, 'constant'));
    this.shapes.set(name, t.dims);
    this.consts.set(key, name);
    return name;
  }

  i64(v: readonly number[]): string {
    return this.constant(new Tensor('int64', BigInt64Array.from(v.map((x) => BigInt(x))), [v.length]));
  }

  f32(v: number): string {
    return this.constant(new Tensor('float32', Float32Array.of(v), []));
  }

  shape(v: string): readonly number[] {
    const s = this.shapes.get(v);
    if (!s) throw new Error(`internal: no static shape for '${v}'`);
    return s;
  }

  // ---- small helpers used by the rules

  reshape(x: string, shape: readonly number[], module = ''): string {
    return this.op('Reshape', [x, this.i64(shape)], {}, module, shape);
  }

  /** Sums `x` (of shape `from`) down to `to` (numpy broadcasting undone). */
  reduceTo(x: string, from: readonly number[], to: readonly number[], module = ''): string {
    const lead = from.length - to.length;
    const axes: number[] = [];
    for (let i = 0; i < from.length; i++) {
      if (i < lead) axes.push(i);
      else if (to[i - lead] === 1 && from[i] !== 1) axes.push(i);
    }
    let y = x;
    if (axes.length) y = this.op('ReduceSum', [x, this.i64(axes)], { keepdims: { type: 'int', value: 1 } }, module);
    if (lead > 0 || axes.length) y = this.reshape(y, to, module);
    return y;
  }
}

export const shapeSizeOf = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);
