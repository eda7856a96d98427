/**
 * A graph as one screen of text (its repr in a notebook): name and opset, inputs and outputs with
 * dtype and shape, node count by op, parameter and buffer totals, and the top-level modules.
 */
import type { Dim, Graph, ValueInfo } from './ir';

const MAX_IO = 6;
const MAX_OPS = 12;
const MAX_MODULES = 16;

function fmtDims(shape: Dim[] | null): string {
  return shape ? `[${shape.join(', ')}]` : '[?]';
}

function ioLines(kind: string, vs: ValueInfo[]): string[] {
  const lines = vs.slice(0, MAX_IO).map((v) => `  ${kind} ${v.name}: ${v.dtype} ${fmtDims(v.shape)}`);
  if (vs.length > MAX_IO) lines.push(`  … ${vs.length - MAX_IO} more ${kind}s`);
  return lines;
}

function more<T>(items: T[], max: number, fmt: (t: T) => string): string {
  const shown = items.slice(0, max).map(fmt).join(', ');
  return items.length > max ? `${shown}, … (${items.length - max} more)` : shown;
}

/** The one-screen summary (≤ 24 lines whatever the graph's size). */
export function graphRepr(g: Graph): string {
  let params = 0, paramTensors = 0, buffers = 0;
  for (const i of g.initializers.values()) {
    const n = i.dims.reduce((a, b) => a * b, 1);
    if (i.kind === 'parameter') { params += n; paramTensors++; } else if (i.kind === 'buffer') buffers++;
  }
  const ops = new Map<string, number>();
  for (const n of g.nodes) ops.set(n.op, (ops.get(n.op) ?? 0) + 1);
  const opList = [...ops].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const top = new Set<string>();
  for (const n of g.nodes) if (n.module) top.add(n.module.split('.')[0]);
  const lines = [
    `Graph '${g.name}' (ONNX opset ${g.opset}): ${g.nodes.length} nodes, ${params.toLocaleString('en-US')} parameters in ${paramTensors} tensors` +
      (buffers ? `, ${buffers} buffers` : ''),
    ...ioLines('input', g.inputs),
    ...ioLines('output', g.outputs),
    `  ops: ${more(opList, MAX_OPS, ([op, c]) => `${op} ×${c}`)}`,
  ];
  if (top.size) lines.push(`  modules: ${more([...top], MAX_MODULES, (m) => m)}`);
  return lines.join('\n');
}
