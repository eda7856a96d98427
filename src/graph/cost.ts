/**
 * Cost per op, with DESIGN.md's convention: MACs are the multiply-accumulates of Conv, ConvTranspose,
 * Gemm and MatMul (Conv: Cout·Hout·Wout·(Cin/groups)·kh·kw per image; Linear: in·out per row);
 * FLOPs = 2·MACs. Every other op is counted on its own line by category, never mixed into MACs.
 */
import { Graph, Node } from './ir';

export type OtherCategory = 'bn' | 'activation' | 'pooling' | 'add' | 'mul' | 'concat' | 'other';

export interface NodeCost {
  /** multiply-accumulates (conv/linear/matmul) */
  macs: number;
  /** elementwise/pooling work of other ops, by category: output elements (pooling: output elements × window) */
  other: number;
  category: OtherCategory | 'macs' | 'none';
}

const prod = (a: readonly number[]) => a.reduce((p, q) => p * q, 1);

const ACTIVATIONS = new Set(['Relu', 'Clip', 'LeakyRelu', 'Elu', 'Selu', 'Sigmoid', 'Tanh', 'HardSigmoid', 'HardSwish', 'Softplus', 'Softmax', 'LogSoftmax', 'PRelu', 'Erf']);
const POOLS = new Set(['MaxPool', 'AveragePool', 'GlobalAveragePool', 'GlobalMaxPool', 'ReduceMean', 'ReduceMax', 'MaxRoiPool', 'RoiAlign', 'LpPool']);
const FREE = new Set(['Identity', 'Flatten', 'Reshape', 'Transpose', 'Squeeze', 'Unsqueeze', 'Shape', 'Constant', 'Gather', 'Slice', 'Split', 'Cast', 'Dropout', 'ConstantOfShape']);

function numericShape(g: Graph, name: string): number[] | null {
  const s = g.shapeOf(name);
  return s && s.every((d) => typeof d === 'number') ? (s as number[]) : null;
}

function intsAttr(n: Node, k: string): number[] | undefined {
  const a = n.attrs[k];
  return a && a.type === 'ints' ? a.value : undefined;
}

export function nodeCost(g: Graph, n: Node): NodeCost {
  const out = n.outputs[0] ? numericShape(g, n.outputs[0]) : null;
  const outElems = out ? prod(out) : 0;
  switch (n.op) {
    case 'Conv':
    case 'DeformConv': {
      const w = numericShape(g, n.inputs[1]);
      if (!w || !out) return { macs: 0, other: 0, category: 'macs' };
      // out: [N, Cout, ...spatial]; weight: [Cout, Cin/g, ...kernel]
      return { macs: outElems * prod(w.slice(1)), other: 0, category: 'macs' };
    }
    case 'ConvTranspose': {
      const x = numericShape(g, n.inputs[0]), w = numericShape(g, n.inputs[1]);
      if (!w || !x) return { macs: 0, other: 0, category: 'macs' };
      // every input element is multiplied into Cout/g · k outputs
      return { macs: prod(x) * prod(w.slice(1)), other: 0, category: 'macs' };
    }
    case 'Gemm': {
      const a = numericShape(g, n.inputs[0]);
      if (!a || !out) return { macs: 0, other: 0, category: 'macs' };
      const transA = n.attrs.transA?.type === 'int' && n.attrs.transA.value === 1;
      const k = transA ? a[0] : a[1];
      return { macs: outElems * k, other: 0, category: 'macs' };
    }
    case 'MatMul': {
      const a = numericShape(g, n.inputs[0]);
      if (!a || !out) return { macs: 0, other: 0, category: 'macs' };
      return { macs: outElems * a[a.length - 1], other: 0, category: 'macs' };
    }
    case 'BatchNormalization':
    case 'LRN':
    case 'InstanceNormalization':
      return { macs: 0, other: outElems, category: 'bn' };
    case 'Add':
    case 'Sub':
    case 'Sum':
      return { macs: 0, other: outElems, category: 'add' };
    case 'Mul':
    case 'Div':
      return { macs: 0, other: outElems, category: 'mul' };
    case 'Concat':
      return { macs: 0, other: outElems, category: 'concat' };
    default:
      break;
  }
  if (ACTIVATIONS.has(n.op)) return { macs: 0, other: outElems, category: 'activation' };
  if (POOLS.has(n.op)) {
    const k = intsAttr(n, 'kernel_shape');
    let window = k ? prod(k) : 1;
    if (n.op === 'GlobalAveragePool' || n.op === 'GlobalMaxPool' || n.op.startsWith('Reduce')) {
      const x = numericShape(g, n.inputs[0]);
      window = x && out ? prod(x) / Math.max(1, outElems) : 1;
    }
    return { macs: 0, other: outElems * window, category: 'pooling' };
  }
  if (FREE.has(n.op)) return { macs: 0, other: 0, category: 'none' };
  return { macs: 0, other: outElems, category: 'other' };
}

export interface GraphCost {
  macs: number;
  flops: number;
  /** other ops by category (see NodeCost.other) */
  other: Record<OtherCategory, number>;
}

export function graphCost(g: Graph): GraphCost {
  const other: Record<OtherCategory, number> = { bn: 0, activation: 0, pooling: 0, add: 0, mul: 0, concat: 0, other: 0 };
  let macs = 0;
  for (const n of g.nodes) {
    const c = nodeCost(g, n);
    macs += c.macs;
    if (c.category !== 'macs' && c.category !== 'none') other[c.category] += c.other;
  }
  return { macs, flops: 2 * macs, other };
}
