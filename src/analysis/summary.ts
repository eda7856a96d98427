/**
 * torchinfo-like summary of a model: per module (aggregated to a depth) the output shape, parameters,
 * MACs and their share; totals with trainable parameters and buffers apart, MACs, FLOPs, other ops by
 * type on their own lines, parameter bytes, activation bytes and the peak live activation memory.
 *
 * Works on traced module trees (module paths and types from the tracer) and on imported ONNX graphs
 * (module paths from torch's node names `/layer1/layer1.0/conv1/Conv`; types from the ops).
 */
import { ConfigError } from '../errors';
import { Dim, Graph, Node } from '../graph/ir';
import { nodeCost, OtherCategory } from '../graph/cost';
import { Module } from '../nn/module';
import type { SummaryData, SummaryRow, SummaryTotals } from '../display/analysis-schema';
import { ModelLike, ParamRef, paramRefs, pathDepth, pathPrefixes, resolveGraph, staticValues } from './graph-util';
import { activationMemory } from './memory';

export interface SummaryOptions {
  /** rows down to this module depth (default 3, as torchinfo); 0 shows the model row only */
  depth?: number;
  /**
   * The papers' convention. MACs are always conv + fully-connected multiply-accumulates (DESIGN.md); with
   * `paperConvention: true` the summary (1) leaves out the "other ops" (BN, activations, pooling, add,
   * concat, mul: `totals.otherOps` is null and rows have no `other`), and (2) prints counts in the units of
   * the papers' tables: parameters in millions (25.6M), MACs in millions or billions ("Mult-Adds",
   * 4.09G), as e.g. He et al. 2016 Table 1 (where "FLOPs" means multiply-adds, i.e. these MACs) and
   * Howard et al. 2017 Table 1. The numbers in the JSON data are the same exact integers either way.
   */
  paperConvention?: boolean;
  /** count graph outputs as live to the end in the peak memory (default true) */
  outputsLive?: boolean;
  /** name shown for the model (default: the graph's or module's name) */
  name?: string;
  /** the public function named in error messages (default 'analysis.summaryData') */
  where?: string;
}

const OP_TYPES: Record<string, string> = {
  Conv: 'Conv2d', ConvTranspose: 'ConvTranspose2d', Gemm: 'Linear', BatchNormalization: 'BatchNorm2d', Relu: 'ReLU',
  MaxPool: 'MaxPool2d', AveragePool: 'AvgPool2d', GlobalAveragePool: 'AdaptiveAvgPool2d', GlobalMaxPool: 'AdaptiveMaxPool2d',
  Flatten: 'Flatten', Sigmoid: 'Sigmoid', HardSwish: 'Hardswish', HardSigmoid: 'Hardsigmoid', LRN: 'LocalResponseNorm',
  Softmax: 'Softmax', Clip: 'ReLU6', LeakyRelu: 'LeakyReLU', Elu: 'ELU',
};

interface Acc {
  params: Set<string>;
  macs: number;
  other: Partial<Record<OtherCategory, number>>;
  nodes: number;
  firstNode: number;
  lastOutput: string | null;
  ops: Set<string>;
}

const newAcc = (): Acc => ({ params: new Set(), macs: 0, other: {}, nodes: 0, firstNode: Infinity, lastOutput: null, ops: new Set() });

function paramInputs(n: Node, refs: Map<string, ParamRef>): string[] {
  return n.inputs.filter((i) => i && refs.has(i));
}

/** Per-node accumulation over the graph (torchinfo's forward hooks): per module path, per module call, per (module, op). */
interface Accumulated {
  /** module paths in first-call order ('' first) */
  paths: string[];
  acc: Map<string, Acc>;
  /** op rows: functional ops a module emitted directly, grouped by (module, op) */
  opAcc: Map<string, Acc & { module: string; op: string }>;
  /** the calls of each module (a module reused in one forward, like torchvision's one ReLU per block, has several) */
  calls: Map<string, Acc[]>;
}

function accumulate(g: Graph, refs: Map<string, ParamRef>): Accumulated {
  const st = staticValues(g);
  // module paths in first-call order: the tracer's module types, else the prefixes of the nodes' paths
  const paths: string[] = [''];
  const seen = new Set<string>(['']);
  for (const p of g.moduleTypes.keys()) if (!seen.has(p)) { seen.add(p); paths.push(p); }
  for (const n of g.nodes) for (const p of pathPrefixes(n.module)) if (!seen.has(p)) { seen.add(p); paths.push(p); }

  const acc = new Map<string, Acc>(paths.map((p) => [p, newAcc()]));
  const opAcc = new Map<string, Acc & { module: string; op: string }>();
  const calls = new Map<string, Acc[]>();
  const lastOf = new Map<string, number>();
  let prevCounted = -1;
  g.nodes.forEach((n, i) => {
    if (n.op === 'Constant' || n.outputs.every((o) => !o || st.has(o))) {
      // constant folding work (weights' Transpose, Identity copies) is not inference work; parameters still count
      for (const p of pathPrefixes(n.module)) for (const r of paramInputs(n, refs)) acc.get(p)!.params.add(r);
      return;
    }
    const c = nodeCost(g, n);
    const pins = paramInputs(n, refs);
    const touch = (a: Acc) => {
      for (const r of pins) a.params.add(r);
      a.macs += c.macs;
      if (c.category !== 'macs' && c.category !== 'none') a.other[c.category] = (a.other[c.category] ?? 0) + c.other;
      a.nodes++;
      a.firstNode = Math.min(a.firstNode, i);
      if (n.outputs[0]) a.lastOutput = n.outputs[0];
      a.ops.add(n.op);
    };
    for (const p of pathPrefixes(n.module)) touch(acc.get(p)!);
    if (n.module !== '') {
      let runs = calls.get(n.module);
      if (!runs) { runs = []; calls.set(n.module, runs); }
      // traced graphs know the call of every node; imported ones: a run of consecutive nodes is one call
      if (n.call !== undefined) {
        while (runs.length < n.call) runs.push(newAcc());
        touch(runs[n.call - 1]);
      } else {
        if (runs.length === 0 || lastOf.get(n.module) !== prevCounted) runs.push(newAcc());
        touch(runs[runs.length - 1]);
      }
      lastOf.set(n.module, i);
    }
    prevCounted = i;
    if (c.category !== 'none') {
      const key = `${n.module}/${n.op}`;
      let o = opAcc.get(key);
      if (!o) { o = { ...newAcc(), module: n.module, op: n.op }; opAcc.set(key, o); }
      touch(o);
    }
  });
  return { paths, acc, opAcc, calls };
}

/** Parameters (or buffers) among the initializers an accumulator saw. */
function countOf(a: Acc, refs: Map<string, ParamRef>, kind: 'parameter' | 'buffer'): number {
  let s = 0;
  for (const r of a.params) { const ref = refs.get(r)!; if (ref.init.kind === kind) s += ref.size; }
  return s;
}

/**
 * The rows of the table down to `depth`, in torchinfo's order: a module's children in first-use order (modules
 * without nodes keep their place after the sibling before them), one row per call of a reused leaf module, and
 * the functional ops a module emitted next to its sub-modules.
 */
function buildRows(g: Graph, a: Accumulated, refs: Map<string, ParamRef>, name: string, depth: number, paper: boolean): SummaryRow[] {
  const { paths, acc, opAcc, calls } = a;
  const root = acc.get('')!;
  const totalParams = countOf(root, refs, 'parameter');
  const totalMacs = root.macs;
  const pct = (x: number, t: number) => (t > 0 ? (100 * x) / t : 0);
  const children = new Map<string, { key: number; seq: number; row: SummaryRow }[]>();
  let prevKey = -1;
  const typeOf = (p: string, x: Acc): string => {
    const t = g.moduleTypes.get(p);
    if (t) return t;
    if (p === '') return name;
    const ops = [...x.ops].filter((o) => o !== 'Identity' && o !== 'Constant');
    if (ops.length === 1) return OP_TYPES[ops[0]] ?? ops[0];
    return ops.length ? ops.map((o) => OP_TYPES[o] ?? o).join('+') : 'Module';
  };
  const shapeOf = (p: string, x: Acc): Dim[] | null => {
    const v = p === '' ? g.outputs[0]?.name : g.moduleOutputs.get(p) ?? x.lastOutput;
    return v ? g.shapeOf(v) : null;
  };
  const rowOf = (p: string, x: Acc, kind: 'module' | 'op', type: string, d: number): SummaryRow => {
    const params = countOf(x, refs, 'parameter');
    const r: SummaryRow = {
      path: p, name: kind === 'op' ? type : p === '' ? name : p.split('.').pop()!, kind, type, depth: d,
      outputShape: kind === 'op' ? (x.lastOutput ? g.shapeOf(x.lastOutput) : null) : shapeOf(p, x),
      leaf: true, nodes: x.nodes, params, buffers: countOf(x, refs, 'buffer'), macs: x.macs,
      macsPercent: pct(x.macs, totalMacs), paramsPercent: pct(params, totalParams),
    };
    if (!paper) r.other = { ...x.other };
    return r;
  };
  let seq = 0;
  const rows = new Map<string, SummaryRow>();
  /** paths with sub-modules (a leaf module is not in it) */
  const parents = new Set(paths.flatMap((p) => pathPrefixes(p).slice(0, -1)));
  for (const p of paths) {
    const x = acc.get(p)!;
    const key = Number.isFinite(x.firstNode) ? x.firstNode : prevKey;
    prevKey = key;
    const d = pathDepth(p);
    if (d > depth) continue;
    const row = rowOf(p, x, 'module', typeOf(p, x), d);
    rows.set(p, row);
    if (p !== '') {
      const parent = pathPrefixes(p).slice(-2)[0];
      if (!children.has(parent)) children.set(parent, []);
      const runs = calls.get(p)?.filter((r) => r.nodes > 0);
      if (!parents.has(p) && runs && runs.length > 1) {
        // one row per call, as torchinfo lists a reused module at every call; later calls of a module with
        // parameters show them once (torchinfo's "(recursive)")
        runs.forEach((r, c) => {
          const callRow = rowOf(p, r, 'module', row.type, d);
          callRow.call = c + 1;
          callRow.calls = runs.length;
          callRow.outputShape = r.lastOutput ? g.shapeOf(r.lastOutput) : null;
          if (c > 0) { callRow.params = 0; callRow.buffers = 0; callRow.paramsPercent = 0; }
          if (c === 0) rows.set(p, callRow);
          children.get(parent)!.push({ key: r.firstNode, seq: seq++, row: callRow });
        });
      } else {
        children.get(parent)!.push({ key, seq: seq++, row });
      }
    }
  }
  for (const o of opAcc.values()) {
    const d = pathDepth(o.module) + 1;
    // only where the module has sub-rows to sit beside; a leaf module's own ops are its row
    if (d > depth || !rows.has(o.module)) continue;
    const hasModuleChildren = paths.some((p) => p !== o.module && pathPrefixes(p).slice(-2)[0] === o.module);
    if (!hasModuleChildren && o.module !== '') continue;
    const row = rowOf(`${o.module}/${o.op}`, o, 'op', o.op, d);
    if (!children.has(o.module)) children.set(o.module, []);
    children.get(o.module)!.push({ key: o.firstNode, seq: seq++, row });
  }
  const ordered: SummaryRow[] = [];
  const visit = (r: SummaryRow) => {
    ordered.push(r);
    const ch = r.kind === 'module' ? children.get(r.path) : undefined;
    if (ch && ch.length) {
      r.leaf = false;
      ch.sort((x, y) => x.key - y.key || x.seq - y.seq);
      for (const c of ch) visit(c.row);
    }
  };
  visit(rows.get('')!);
  return ordered;
}

/** The totals (torchinfo's footer): parameters, buffers and constants apart, MACs, FLOPs, other ops, bytes, peak memory. */
function summaryTotals(g: Graph, root: Acc, refs: Map<string, ParamRef>, paper: boolean, outputsLive: boolean): SummaryTotals {
  const mem = activationMemory(g, { includeOutputs: outputsLive });
  let paramBytes = 0, bufferBytes = 0, constants = 0;
  for (const r of root.params) {
    const ref = refs.get(r)!;
    if (ref.init.kind === 'parameter') paramBytes += ref.bytes; else if (ref.init.kind === 'buffer') bufferBytes += ref.bytes;
  }
  const counted = new Set([...root.params].map((r) => refs.get(r)!.init.name));
  for (const init of g.initializers.values()) if (init.kind === 'constant' && counted.has(init.name)) constants += refs.get(init.name)!.size;
  const otherOps: Record<OtherCategory, number> = { bn: 0, activation: 0, pooling: 0, add: 0, mul: 0, concat: 0, other: 0 };
  for (const [k, v] of Object.entries(root.other)) otherOps[k as OtherCategory] += v;
  const peakNode = mem.peakIndex >= 0 ? g.nodes[mem.peakIndex] : undefined;
  return {
    params: countOf(root, refs, 'parameter'), buffers: countOf(root, refs, 'buffer'), constants, macs: root.macs, flops: 2 * root.macs,
    otherOps: paper ? null : otherOps,
    paramBytes, bufferBytes, inputBytes: mem.inputBytes, activationBytes: mem.activationBytes,
    peakActivationBytes: mem.peakBytes,
    peakAt: peakNode ? { index: mem.peakIndex, node: peakNode.name, op: peakNode.op, module: peakNode.module } : null,
    peakIncludesInputs: mem.includeInputs, peakIncludesOutputs: mem.includeOutputs,
  };
}

/** The conventions behind the numbers, in words (the table's footnote). */
function conventionText(paper: boolean, outputsLive: boolean): SummaryData['convention'] {
  return {
    macs: 'multiply-accumulates of Conv/ConvTranspose/Gemm/MatMul (Conv: Cout·Hout·Wout·(Cin/groups)·kh·kw, Linear: in·out), for the whole batch; bias additions not counted',
    flops: 'FLOPs = 2·MACs',
    other: 'other ops counted apart, never in MACs: BN/LRN and elementwise ops = output elements, pooling = output elements × window',
    memory: `activation bytes = sum of every node output; peak = max over the node order of the live values (a value lives from its producer to its last consumer; graph inputs count${outputsLive ? '; graph outputs stay live to the end' : '; graph outputs die after their last use'}; weights and values computed from constants only are not activations; no in-place reuse)`,
    ...(paper ? { paper: 'paper convention: conv + FC multiply-adds only (papers that say "FLOPs", e.g. He et al. 2016, mean these MACs); other ops left out; counts printed in M/G' } : {}),
  };
}

/**
 * `summaryData(model, [1, 3, 224, 224], { depth: 2 })`: the data of `application/vnd.cnnlab.summary+json`
 * (display/summary.ts shows it; `analysis.summary` does both). `model`: an nn.Module (traced at `inputShape`;
 * zoo models at their own when none is given), a Graph (traced or imported from ONNX) or a Session.
 * Accumulation, rows, totals and the conventions' wording are the four steps below, as torchinfo separates them.
 */
export function summaryData(model: ModelLike, inputShape?: readonly number[], opts: SummaryOptions = {}): SummaryData {
  const where = opts.where ?? 'analysis.summaryData';
  const depth = opts.depth ?? 3;
  if (!Number.isInteger(depth) || depth < 0) {
    throw new ConfigError('summary depth must be a non-negative integer', { expected: '0, 1, 2, ...', got: String(opts.depth), where });
  }
  const paper = opts.paperConvention ?? false;
  const outputsLive = opts.outputsLive ?? true;
  const g = resolveGraph(model, inputShape, where);
  const name = opts.name ?? (model instanceof Module ? model.typeName : g.name);
  const refs = paramRefs(g);
  const acc = accumulate(g, refs);
  return {
    version: 1, model: name,
    inputs: g.inputs.map((i) => ({ name: i.name, shape: i.shape, dtype: i.dtype })),
    depth, paperConvention: paper,
    convention: conventionText(paper, outputsLive),
    rows: buildRows(g, acc, refs, name, depth, paper),
    totals: summaryTotals(g, acc.acc.get('')!, refs, paper, outputsLive),
    ...(g.metadata.weights === 'random' ? { weights: 'random' as const } : {}),
  };
}
