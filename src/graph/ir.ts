// the ONNX writer takes only types from this module: no load-time cycle
import { toOnnx as writeOnnx, type ToOnnxOptions } from './onnx-write';
import { inspect } from 'util';
import { CnnlabError, NotFoundError } from '../errors';
import { graphRepr } from './repr';
import { DType, Tensor } from '../tensor/tensor';

export { trimOptional } from './optional';

/** An ONNX attribute value, tagged with its ONNX type. */
export type AttrValue =
  | { type: 'int'; value: number }
  | { type: 'float'; value: number }
  | { type: 'string'; value: string }
  | { type: 'ints'; value: number[] }
  | { type: 'floats'; value: number[] }
  | { type: 'strings'; value: string[] }
  | { type: 'tensor'; value: Tensor };

export const attr = {
  int: (value: number): AttrValue => ({ type: 'int', value }),
  float: (value: number): AttrValue => ({ type: 'float', value }),
  string: (value: string): AttrValue => ({ type: 'string', value }),
  ints: (value: readonly number[]): AttrValue => ({ type: 'ints', value: [...value] }),
  floats: (value: readonly number[]): AttrValue => ({ type: 'floats', value: [...value] }),
  strings: (value: readonly string[]): AttrValue => ({ type: 'strings', value: [...value] }),
  tensor: (value: Tensor): AttrValue => ({ type: 'tensor', value }),
};

/** A dimension: a number, or a symbolic name (ONNX dim_param), or null when unknown. */
export type Dim = number | string;

export interface ValueInfo {
  name: string;
  dtype: DType;
  /** null when the shape is unknown */
  shape: Dim[] | null;
}

export interface Node {
  name: string;
  op: string;
  /** '' for the default ONNX domain */
  domain: string;
  /**
   * '' for an omitted optional input that a later input follows; absent optional inputs at the end are
   * left out (see `trimOptional`), as ONNX requires and ONNX Runtime's fusions expect
   */
  inputs: string[];
  /** optional outputs that are not wanted are left out at the end, '' only before a wanted one */
  outputs: string[];
  attrs: Record<string, AttrValue>;
  /** path of the module that made this node ('' for the root); derived from the node name for imported ONNX */
  module: string;
  /** traced graphs: which call of that module made the node (1-based; a module reused in one forward has several) */
  call?: number;
}

/** A graph constant: shape and dtype known up front, data made on demand (weights are materialised lazily). */
export interface Initializer {
  name: string;
  dtype: DType;
  dims: readonly number[];
  /** whether it is a trainable parameter (vs. a buffer such as BN running stats, or a constant) */
  kind: 'parameter' | 'buffer' | 'constant';
  value(): Tensor;
}

export function initializerOf(name: string, t: Tensor, kind: Initializer['kind'] = 'constant'): Initializer {
  return { name, dtype: t.dtype, dims: t.dims, kind, value: () => t };
}

/**
 * The graph IR: ONNX-shaped (nodes in topological order, named values, initializers) plus what cnnlab
 * adds: inferred shapes for every value and the module path of every node.
 */
export class Graph {
  name = 'cnnlab';
  opset = 17;
  inputs: ValueInfo[] = [];
  outputs: ValueInfo[] = [];
  nodes: Node[] = [];
  initializers = new Map<string, Initializer>();
  /** every value's info (inputs, intermediates, outputs); initializers are not repeated here */
  values = new Map<string, ValueInfo>();
  /** module path → its output value (the last call), for taps */
  moduleOutputs = new Map<string, string>();
  /** module path → class name (torch's type name), for summaries and diagrams */
  moduleTypes = new Map<string, string>();
  /** metadata_props written into ONNX */
  metadata: Record<string, string> = {};

  /** One screen: inputs, outputs, ops, parameters, top-level modules (the notebook/REPL repr). */
  toString(): string { return graphRepr(this); }
  [inspect.custom](): string { return graphRepr(this); }

  info(name: string): ValueInfo | undefined {
    const v = this.values.get(name);
    if (v) return v;
    const i = this.initializers.get(name);
    return i ? { name, dtype: i.dtype, shape: [...i.dims] } : undefined;
  }

  shapeOf(name: string): Dim[] | null {
    return this.info(name)?.shape ?? null;
  }

  /** The node producing each value. */
  producers(): Map<string, Node> {
    const m = new Map<string, Node>();
    for (const n of this.nodes) for (const o of n.outputs) if (o) m.set(o, n);
    return m;
  }

  /** The graph as ONNX bytes (`graph/onnx-write.ts` `toOnnx`: opset ≥ 17, IR 8, dynamic batch unless `staticBatch`). */
  toOnnx(opts?: ToOnnxOptions): Uint8Array {
    return writeOnnx(this, opts);
  }

  /** Nodes consuming each value. */
  consumers(): Map<string, Node[]> {
    const m = new Map<string, Node[]>();
    for (const n of this.nodes) for (const i of n.inputs) {
      if (!i) continue;
      const l = m.get(i);
      if (l) l.push(n); else m.set(i, [n]);
    }
    return m;
  }

  /** Value name for a tap: a module path (`layer1`, `features.3`) or a value name. */
  resolveTap(tap: string): string {
    const direct = this.moduleOutputs.get(tap);
    if (direct) return direct;
    if (this.values.has(tap)) return tap;
    // imported graphs: the last node whose module path is the tap or lies under it
    let last: Node | undefined;
    for (const n of this.nodes) if (n.module === tap || n.module.startsWith(tap + '.')) last = n;
    if (last && last.outputs[0]) return last.outputs[0];
    const known = [...this.moduleOutputs.keys()].filter((k) => k && !k.includes('.')).slice(0, 20);
    throw new NotFoundError(`tap '${tap}' names no module or value of the graph`, {
      expected: `a module path such as ${known.map((k) => `'${k}'`).join(', ') || 'one of the graph\'s values'}`,
      got: `'${tap}'`,
    });
  }

  /** A copy with extra graph outputs (taps), sharing nodes and initializers. */
  withOutputs(extra: string[]): Graph {
    const g = Object.assign(Object.create(Graph.prototype) as Graph, this);
    const names = new Set(this.outputs.map((o) => o.name));
    g.outputs = [...this.outputs];
    for (const e of extra) {
      if (names.has(e)) continue;
      const info = this.info(e);
      if (!info) throw new NotFoundError(`no value named '${e}' in the graph`);
      if (this.initializers.has(e)) throw new CnnlabError(`'${e}' is an initializer, not a computed value`);
      g.outputs.push(info);
      names.add(e);
    }
    return g;
  }

  /** Total elements of parameters (trainable) and buffers. */
  paramCounts(): { params: number; buffers: number; constants: number } {
    let params = 0, buffers = 0, constants = 0;
    for (const i of this.initializers.values()) {
      const n = i.dims.reduce((a, b) => a * b, 1);
      if (i.kind === 'parameter') params += n; else if (i.kind === 'buffer') buffers += n; else constants += n;
    }
    return { params, buffers, constants };
  }
}
