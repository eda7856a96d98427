/**
 * Layered layout of a cnnlab graph at a given expansion state (dagre, compound nodes for open blocks).
 * Pure: no DOM, runs in the layout worker (and in Node for the benchmark). Interim until the shared
 * src/display/layout.ts (used by the PNG fallback as well) lands; same role and result shape.
 */
import dagre from '@dagrejs/dagre';
import type { GraphData, GraphNodeData } from '../../src/display/schema';

type Dim = number | string;

export interface LayoutNode { id: string; kind: 'node' | 'block'; x: number; y: number; width: number; height: number }
export interface LayoutCluster { path: string; x: number; y: number; width: number; height: number }
export interface LayoutEdge { from: string; to: string; points: { x: number; y: number }[]; value: string; shape: Dim[] | null; bus?: boolean }
export interface LayoutResult { width: number; height: number; nodes: LayoutNode[]; clusters: LayoutCluster[]; edges: LayoutEdge[] }

/** The blocks open at first: every block shallower than the asked depth. */
export function initialExpanded(data: GraphData): Set<string> {
  return new Set(data.blocks.filter((b) => b.depth < data.depth).map((b) => b.path));
}

export const NODE_H = 34;
export const CHAR_W = 7;

export function nodeLabel(n: GraphNodeData): string { return n.op === 'Input' || n.op === 'Output' ? `${n.op} ${n.id.replace(/^(input|output):/, '')}` : n.op; }
export function nodeSub(n: GraphNodeData): string {
  const tail = n.op === 'Input' || n.op === 'Output' ? '' : n.module.split('.').pop() ?? '';
  const shape = n.outputShape ? n.outputShape.join('×') : '';
  return tail && shape ? `${tail} · ${shape}` : tail || shape;
}

/** What is drawn for an expansion state: each graph node's representative (itself or its outermost closed block). */
export function visibleMap(data: GraphData, expanded: ReadonlySet<string>): { rep: Map<string, string>; blocks: Set<string>; clusters: Set<string> } {
  const parent = new Map<string, string | null>();
  for (const b of data.blocks) parent.set(b.path, b.parent);
  const nodeBlock = new Map<string, string>();
  for (const b of data.blocks) for (const n of b.nodes) nodeBlock.set(n, b.path);
  // a leaf block with a single node (conv1, bn1, relu) is drawn as that node, open or not
  const transparent = new Set(data.blocks.filter((b) => b.children.length === 0 && b.nodes.length === 1).map((b) => b.path));
  const chainCache = new Map<string, string | null>();
  // the outermost closed block on a block's ancestor chain (including itself), or null when all are open
  const closedOf = (path: string): string | null => {
    if (chainCache.has(path)) return chainCache.get(path)!;
    const p = parent.get(path) ?? null;
    const up = p === null ? null : closedOf(p);
    const r = up ?? (expanded.has(path) || transparent.has(path) ? null : path);
    chainCache.set(path, r);
    return r;
  };
  const rep = new Map<string, string>();
  const blocks = new Set<string>();
  for (const n of data.nodes) {
    const b = nodeBlock.get(n.id);
    const c = b === undefined ? null : closedOf(b);
    rep.set(n.id, c ?? n.id);
    if (c) blocks.add(c);
  }
  const clusters = new Set<string>();
  for (const b of data.blocks) if (expanded.has(b.path) && !transparent.has(b.path) && (b.parent === null || closedOf(b.parent) === null)) clusters.add(b.path);
  return { rep, blocks, clusters };
}

/**
 * Concatenations that extend an earlier one (DenseNet: layer k concatenates everything layer k−1 did plus
 * one new map) are drawn as "earlier concat → this concat" plus the new inputs; returns, per such node, the
 * earlier concat and the inputs it stands for.
 */
export function concatBuses(data: GraphData): Map<string, { from: string; covers: Set<string> }> {
  const ins = new Map<string, string[]>();
  for (const e of data.edges) {
    if (!ins.has(e.to)) ins.set(e.to, []);
    ins.get(e.to)!.push(e.from);
  }
  const concat = data.nodes.filter((n) => n.op === 'Concat' && (ins.get(n.id)?.length ?? 0) > 2);
  const byFirst = new Map<string, string[]>();
  for (const n of concat) {
    const f = ins.get(n.id)![0];
    if (!byFirst.has(f)) byFirst.set(f, []);
    byFirst.get(f)!.push(n.id);
  }
  const out = new Map<string, { from: string; covers: Set<string> }>();
  for (const group of byFirst.values()) {
    for (const id of group) {
      const mine = ins.get(id)!;
      let best: string | null = null, bestLen = 1;
      for (const other of group) {
        if (other === id) continue;
        const o = ins.get(other)!;
        if (o.length >= mine.length || o.length <= bestLen) continue;
        if (o.every((v, i) => mine[i] === v)) { best = other; bestLen = o.length; }
      }
      if (best) out.set(id, { from: best, covers: new Set(ins.get(best)!) });
    }
  }
  return out;
}

interface Item { key: string; id: string; kind: 'node' | 'block'; width: number; height: number; block: string | null }

/** Positions of a topological order at which no edge passes over the node: the graph can be cut there. */
function cutPoints(order: string[], succ: Map<string, string[]>): number[] {
  const pos = new Map(order.map((k, i) => [k, i]));
  const cuts: number[] = [0];
  let reach = 0;
  for (let i = 0; i < order.length; i++) {
    if (i > 0 && reach <= i) cuts.push(i);
    for (const t of succ.get(order[i]) ?? []) reach = Math.max(reach, pos.get(t)!);
  }
  return cuts;
}

function topoOrder(keys: string[], succ: Map<string, string[]>): string[] {
  const indeg = new Map(keys.map((k) => [k, 0]));
  for (const ts of succ.values()) for (const t of ts) indeg.set(t, (indeg.get(t) ?? 0) + 1);
  const ready = keys.filter((k) => indeg.get(k) === 0);
  const out: string[] = [];
  // depth-first among ready nodes keeps each branch contiguous (shorter segments between cuts)
  while (ready.length) {
    const k = ready.pop()!;
    out.push(k);
    const ts = succ.get(k) ?? [];
    for (let i = ts.length - 1; i >= 0; i--) {
      const t = ts[i];
      indeg.set(t, indeg.get(t)! - 1);
      if (indeg.get(t) === 0) ready.push(t);
    }
  }
  if (out.length !== keys.length) for (const k of keys) if (!out.includes(k)) out.push(k);
  return out;
}

const SEGMENT = 60;
const PAD = 6;
const LABEL = 14;

/**
 * Layout at an expansion state. The graph is cut where no edge passes over a node (between residual blocks,
 * at DenseNet's concatenations once drawn as a chain), each piece laid out by dagre and the pieces stacked
 * on their shared node: dagre's cost grows much faster than linearly, the pieces stay small.
 * Open blocks are frames around what they hold.
 */
export function layoutGraph(data: GraphData, expanded: ReadonlySet<string>): LayoutResult {
  const { rep, blocks, clusters } = visibleMap(data, expanded);
  const byId = new Map(data.nodes.map((n) => [n.id, n]));
  const blockBy = new Map(data.blocks.map((b) => [b.path, b]));
  const nodeBlock = new Map<string, string>();
  for (const b of data.blocks) for (const n of b.nodes) nodeBlock.set(n, b.path);
  const sizeOf = (label: string, sub: string) => ({ width: Math.max(60, CHAR_W * Math.max(label.length, sub.length) + 20), height: NODE_H });
  const items = new Map<string, Item>();
  for (const n of data.nodes) {
    if (rep.get(n.id) !== n.id) continue;
    items.set(n.id, { key: n.id, id: n.id, kind: 'node', ...sizeOf(nodeLabel(n), nodeSub(n)), block: nodeBlock.get(n.id) ?? null });
  }
  for (const b of blocks) {
    const bd = blockBy.get(b)!;
    items.set(`block:${b}`, { key: `block:${b}`, id: b, kind: 'block', ...sizeOf(`${b.split('.').pop()} ${bd.type}`, bd.outputShape ? `[${bd.outputShape.join('×')}]` : ''), block: b });
  }
  const key = (id: string) => (rep.get(id) === id ? id : `block:${rep.get(id)}`);
  const buses = concatBuses(data);
  const edgeInfo = new Map<string, LayoutEdge>();
  const succ = new Map<string, string[]>();
  const addEdge = (a: string, b: string, value: string, shape: Dim[] | null, bus: boolean) => {
    if (a === b) return;
    const k = `${a}\u0000${b}`;
    if (edgeInfo.has(k)) return;
    const strip = (s: string) => (s.startsWith('block:') ? s.slice(6) : s);
    edgeInfo.set(k, { from: strip(a), to: strip(b), points: [], value, shape, ...(bus ? { bus: true } : {}) });
    if (!succ.has(a)) succ.set(a, []);
    succ.get(a)!.push(b);
  };
  for (const e of data.edges) {
    const bus = buses.get(e.to);
    if (bus && bus.covers.has(e.from)) continue;
    addEdge(key(e.from), key(e.to), e.value, e.shape, false);
  }
  for (const [to, bus] of buses) addEdge(key(bus.from), key(to), '', byId.get(bus.from)?.outputShape ?? null, true);

  const order = topoOrder([...items.keys()], succ);
  const pos = new Map(order.map((k, i) => [k, i]));
  const cuts = cutPoints(order, succ);
  // pieces of at least SEGMENT items, from cut to cut (the cut node belongs to both neighbours)
  const pieces: [number, number][] = [];
  let start = 0;
  for (let c = 1; c <= cuts.length; c++) {
    const end = c < cuts.length ? cuts[c] : order.length - 1;
    if (c === cuts.length || end - start >= SEGMENT) { if (end > start || pieces.length === 0) pieces.push([start, end]); start = end; }
  }
  if ((globalThis as { DEBUG_LAYOUT?: boolean }).DEBUG_LAYOUT) console.log("cuts", cuts.length, "pieces", pieces.length, pieces.slice(0, 5));
  const placed = new Map<string, { x: number; y: number }>();
  for (const [a, b] of pieces) {
    const g = new dagre.graphlib.Graph({ multigraph: false });
    g.setGraph({ rankdir: 'TB', nodesep: 18, ranksep: 34, edgesep: 8 });
    g.setDefaultEdgeLabel(() => ({}));
    for (let i = a; i <= b; i++) { const it = items.get(order[i])!; g.setNode(it.key, { width: it.width, height: it.height }); }
    for (let i = a; i <= b; i++) for (const t of succ.get(order[i]) ?? []) { const p = pos.get(t)!; if (p > a || (p === a && i > a)) { if (p <= b) g.setEdge(order[i], t); } }
    // pieces are short and nearly chains: dagre's repeated crossing-reduction sweeps cost much and change little
    dagre.layout(g, { disableOptimalOrderHeuristic: pieces.length > 1 } as never);
    const anchor = placed.get(order[a]);
    const dx = anchor ? anchor.x - g.node(order[a]).x : 0;
    const dy = anchor ? anchor.y - g.node(order[a]).y : 0;
    for (let i = a; i <= b; i++) { if (i === a && anchor) continue; const n = g.node(order[i]); placed.set(order[i], { x: n.x + dx, y: n.y + dy }); }
    for (const e of g.edges()) {
      const info = edgeInfo.get(`${e.v}\u0000${e.w}`);
      if (info) info.points = (g.edge(e).points ?? []).map((p: { x: number; y: number }) => ({ x: p.x + dx, y: p.y + dy }));
    }
  }
  // edges no piece holds (none when the cuts are right): straight lines
  for (const [k, info] of edgeInfo) {
    if (info.points.length) continue;
    const [a, b] = k.split('\u0000');
    const pa = placed.get(a), pb = placed.get(b);
    if (pa && pb) info.points = [pa, pb];
  }
  // frames of open blocks, deepest first, around their items and sub-frames
  const frames = new Map<string, { x0: number; y0: number; x1: number; y1: number }>();
  const grow = (path: string, x0: number, y0: number, x1: number, y1: number) => {
    const f = frames.get(path);
    if (!f) frames.set(path, { x0, y0, x1, y1 });
    else { f.x0 = Math.min(f.x0, x0); f.y0 = Math.min(f.y0, y0); f.x1 = Math.max(f.x1, x1); f.y1 = Math.max(f.y1, y1); }
  };
  const byDepth = [...clusters].sort((p, q) => (blockBy.get(q)!.depth - blockBy.get(p)!.depth));
  for (const it of items.values()) {
    const p = placed.get(it.key)!;
    let b = it.kind === 'block' ? blockBy.get(it.id)!.parent : it.block;
    let level = 0;
    for (; b !== null && b !== undefined; b = blockBy.get(b)?.parent ?? null) {
      if (!clusters.has(b)) continue;
      level++;
      const pad = PAD * level;
      grow(b, p.x - it.width / 2 - pad, p.y - it.height / 2 - pad - LABEL * 0, p.x + it.width / 2 + pad, p.y + it.height / 2 + pad);
    }
  }
  const nodes: LayoutNode[] = [];
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (const it of items.values()) {
    const p = placed.get(it.key)!;
    nodes.push({ id: it.id, kind: it.kind, x: p.x, y: p.y, width: it.width, height: it.height });
  }
  const outClusters: LayoutCluster[] = [];
  for (const path of byDepth.reverse()) {
    const f = frames.get(path);
    if (!f) continue;
    outClusters.push({ path, x: (f.x0 + f.x1) / 2, y: (f.y0 + f.y1) / 2 - LABEL / 2, width: f.x1 - f.x0, height: f.y1 - f.y0 + LABEL });
  }
  for (const r of [...nodes, ...outClusters]) {
    minX = Math.min(minX, r.x - r.width / 2); maxX = Math.max(maxX, r.x + r.width / 2);
    minY = Math.min(minY, r.y - r.height / 2); maxY = Math.max(maxY, r.y + r.height / 2);
  }
  const edges = [...edgeInfo.values()];
  for (const e of edges) for (const p of e.points) { minX = Math.min(minX, p.x); maxX = Math.max(maxX, p.x); }
  const M = 10;
  const ox = M - minX, oy = M - minY;
  for (const r of [...nodes, ...outClusters]) { r.x += ox; r.y += oy; }
  for (const e of edges) e.points = e.points.map((p) => ({ x: p.x + ox, y: p.y + oy }));
  return { width: maxX - minX + 2 * M, height: maxY - minY + 2 * M, nodes, clusters: outClusters, edges };
}
