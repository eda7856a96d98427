import { ParseError } from '../errors';
import { Tensor } from '../tensor/tensor';
import { Graph, ValueInfo } from './ir';
import { OutInfo, inferShapes } from './shapes';

/**
 * Infers shapes over a whole graph in node order (for imported ONNX files). Constant nodes and
 * initializers feed Reshape/Slice/Resize. Declared value_info fills in where an op has no rule.
 */
export function inferGraph(g: Graph, declared: Map<string, ValueInfo> = new Map(), file = 'graph'): void {
  const constants = new Map<string, Tensor>();
  const known = new Set<string>([...g.values.keys(), ...g.initializers.keys()]);
  for (const [i, n] of g.nodes.entries()) {
    for (const inp of n.inputs) {
      if (inp && !known.has(inp)) {
        throw new ParseError(`node input '${inp}' is produced by no earlier node, input or initializer`, {
          where: `${file}: graph.node[${i}] (${n.op} '${n.name}')`, expected: 'nodes in topological order',
        });
      }
    }
    if (n.op === 'Constant' && n.attrs.value?.type === 'tensor') constants.set(n.outputs[0], n.attrs.value.value);
    let outs: OutInfo[];
    try {
      outs = inferShapes({
        op: n.op, attrs: n.attrs, nOutputs: n.outputs.length, where: `${file}: node '${n.name}'`,
        inputs: n.inputs.map((x) => (x ? g.info(x) ?? null : null)),
        constant: (k) => {
          const name = n.inputs[k];
          if (!name) return undefined;
          const c = constants.get(name);
          if (c) return c;
          const init = g.initializers.get(name);
          return init && (init.dtype === 'int64' || init.dtype === 'int32' || init.dims.length <= 1) ? init.value() : undefined;
        },
      });
    } catch {
      outs = n.outputs.map((): OutInfo => ({ shape: null, dtype: 'float32' }));
    }
    n.outputs.forEach((o, j) => {
      if (!o) return;
      known.add(o);
      const inferred = outs[j] ?? { shape: null, dtype: 'float32' as const };
      const d = declared.get(o);
      const shape = inferred.shape ?? d?.shape ?? null;
      g.values.set(o, { name: o, dtype: inferred.shape ? inferred.dtype : d?.dtype ?? inferred.dtype, shape });
    });
  }
}
