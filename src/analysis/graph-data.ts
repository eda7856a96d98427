/**
 * The data of a graph diagram (`application/vnd.cnnlab.graph+json`): nodes with op, module path, output
 * shape, weights' shapes, params and MACs; edges; nested blocks by module path, a leaf module called several
 * times being one block per call. display/graph.ts turns it into the bundle.
 */
import { ConfigError } from '../errors';
import { Graph } from '../graph/ir';
import { nodeCost } from '../graph/cost';
import { firstPositions } from '../graph/blocks';
import type { GraphBlockData, GraphData, GraphEdgeData, GraphNodeData } from '../display/analysis-schema';
import { ModelLike, moduleOutputs, modulePaths, paramRefs, pathDepth, pathPrefixes, resolveGraph, staticValues } from './graph-util';

export interface GraphDataOptions {
  /** blocks deeper than this start collapsed (default 1) */
  depth?: number;
  /** the public function named in error messages (default 'analysis.graphData') */
  where?: string;
}

const KEEP_ATTRS = ['kernel_shape', 'strides', 'pads', 'dilations', 'group', 'axis', 'perm', 'mode', 'epsilon', 'alpha', 'transB'];

/**
 * `graphData(model | graph | session, [1, 3, 224, 224], { depth: 2 })`: the diagram's data; a module is traced
 * at the input shape (zoo models: their own when none is given).
 */
export function graphData(model: ModelLike, inputShape?: readonly number[], opts: GraphDataOptions = {}): GraphData {
  const where = opts.where ?? 'analysis.graphData';
  const depth = opts.depth ?? 1;
  if (!Number.isInteger(depth) || depth < 0) throw new ConfigError('graph depth must be a non-negative integer', { expected: '0, 1, 2, ...', got: String(opts.depth), where });
  const g: Graph = resolveGraph(model, inputShape, where);
  const refs = paramRefs(g);
  const st = staticValues(g);
  const nodes: GraphNodeData[] = [];
  const producer = new Map<string, string>();
  for (const i of g.inputs) {
    nodes.push({ id: `input:${i.name}`, op: 'Input', module: '', category: 'io', outputShape: i.shape, weights: [], params: 0, macs: 0 });
    producer.set(i.name, `input:${i.name}`);
  }
  const blockNodes = new Map<string, string[]>();
  const blockCost = new Map<string, { params: Set<string>; macs: number }>();
  for (const n of g.nodes) {
    // nodes that only compute constants (weight transposes, Identity copies of parameters) are folded into their users
    if (n.outputs.every((o) => !o || st.has(o))) continue;
    const c = nodeCost(g, n);
    const weights = n.inputs.filter((i) => i && refs.has(i)).map((i) => {
      const r = refs.get(i)!;
      return { name: i, shape: [...r.init.dims], kind: r.init.kind };
    });
    const params = weights.reduce((a, w) => a + (w.kind === 'parameter' ? refs.get(w.name)!.size : 0), 0);
    const attrs: Record<string, number | number[] | string> = {};
    for (const k of KEEP_ATTRS) {
      const a = n.attrs[k];
      if (a && (a.type === 'int' || a.type === 'float' || a.type === 'ints' || a.type === 'string')) attrs[k] = a.value;
    }
    nodes.push({
      id: n.name, op: n.op, module: n.module, category: c.category, outputShape: n.outputs[0] ? g.shapeOf(n.outputs[0]) : null,
      weights, params, macs: c.macs, ...(Object.keys(attrs).length ? { attrs } : {}),
    });
    for (const o of n.outputs) if (o) producer.set(o, n.name);
    if (!blockNodes.has(n.module)) blockNodes.set(n.module, []);
    blockNodes.get(n.module)!.push(n.name);
    for (const p of pathPrefixes(n.module)) {
      if (!blockCost.has(p)) blockCost.set(p, { params: new Set(), macs: 0 });
      const bc = blockCost.get(p)!;
      bc.macs += c.macs;
      for (const w of weights) if (w.kind === 'parameter') bc.params.add(w.name);
    }
  }
  const edges: GraphEdgeData[] = [];
  const consumerOf = (id: string, v: string) => {
    const from = producer.get(v);
    if (from) edges.push({ from, to: id, value: v, shape: g.shapeOf(v) });
  };
  for (const n of g.nodes) if (producer.get(n.outputs[0]) === n.name || n.outputs.some((o) => producer.get(o) === n.name)) {
    for (const i of n.inputs) if (i && !st.has(i)) consumerOf(n.name, i);
  }
  for (const o of g.outputs) {
    const id = `output:${o.name}`;
    nodes.push({ id, op: 'Output', module: '', category: 'io', outputShape: o.shape, weights: [], params: 0, macs: 0 });
    consumerOf(id, o.name);
  }
  const outs = moduleOutputs(g);
  const blocks: GraphBlockData[] = [];
  const paths = modulePaths(g).filter((p) => p !== '' && blockCost.has(p));
  const childrenOf = new Map<string, string[]>();
  for (const p of paths) {
    const parent = pathPrefixes(p).slice(-2)[0];
    if (!childrenOf.has(parent)) childrenOf.set(parent, []);
    childrenOf.get(parent)!.push(p);
  }
  for (const p of paths) {
    const parent = pathPrefixes(p).slice(-2)[0];
    const sumParams = [...blockCost.get(p)!.params].reduce((a, w) => a + refs.get(w)!.size, 0);
    const ov = outs.get(p);
    blocks.push({
      path: p, type: g.moduleTypes.get(p) ?? '', parent: parent === '' ? null : parent, depth: pathDepth(p),
      nodes: blockNodes.get(p) ?? [], children: childrenOf.get(p) ?? [], params: sumParams, macs: blockCost.get(p)!.macs,
      outputShape: ov ? g.shapeOf(ov) : null,
    });
  }
  splitCalls(g, nodes, blocks);
  const root = blockCost.get('');
  return {
    version: 1, name: g.name, depth, nodes, edges, blocks,
    totals: { params: root ? [...root.params].reduce((a, w) => a + refs.get(w)!.size, 0) : 0, macs: root?.macs ?? 0, nodes: nodes.filter((n) => n.category !== 'io').length },
  };
}

/**
 * A leaf module called more than once in one forward (torchvision's Bottleneck applies one `relu` three times)
 * becomes one block per call, so that collapsed blocks keep the graph acyclic and in call order: the first call
 * keeps the module path, call k ≥ 2 is `path#k`; parameters count on the first call's block. Calls come from the
 * tracer (`node.call`); for imported ONNX a run of consecutive nodes is one call.
 */
function splitCalls(g: Graph, nodes: GraphNodeData[], blocks: GraphBlockData[]): void {
  const callOf = new Map(g.nodes.map((n) => [n.name, n.call]));
  const order = new Map(nodes.map((n, i) => [n.id, i]));
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const byPath = new Map(blocks.map((b) => [b.path, b]));
  for (const b of [...blocks]) {
    if (b.children.length || b.nodes.length < 2) continue;
    const groups: string[][] = [];
    let prevCall: number | undefined, prevPos = -2;
    for (const id of b.nodes) {
      const c = callOf.get(id), pos = order.get(id)!;
      const fresh = c !== undefined ? c !== prevCall : pos !== prevPos + 1;
      if (fresh || !groups.length) groups.push([]);
      groups[groups.length - 1].push(id);
      prevCall = c; prevPos = pos;
    }
    if (groups.length < 2) continue;
    const parts: GraphBlockData[] = groups.map((ids, k) => {
      const last = byId.get(ids[ids.length - 1])!;
      return {
        ...b, path: k === 0 ? b.path : `${b.path}#${k + 1}`, nodes: ids, call: k + 1, calls: groups.length,
        params: k === 0 ? b.params : 0, macs: ids.reduce((a, id) => a + byId.get(id)!.macs, 0), outputShape: last.outputShape,
      };
    });
    blocks.splice(blocks.indexOf(b), 1, ...parts);
    for (const x of parts) byPath.set(x.path, x);
    const parent = b.parent === null ? null : byPath.get(b.parent);
    if (parent) parent.children.splice(parent.children.indexOf(b.path), 1, ...parts.map((x) => x.path));
  }
  // siblings in call order: a block sits where its first node runs
  const first = firstPositions(blocks, order);
  for (const x of blocks) x.children.sort((u, v) => first(u) - first(v));
}
