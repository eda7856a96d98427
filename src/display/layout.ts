/**
 * Layout of the architecture diagram: graph display data + which module blocks are open → boxes for nodes and
 * collapsed blocks, polylines for edges, boxes for open blocks (clusters). Layered layout by dagre
 * (`@dagrejs/dagre`, compound graph). Pure: no Node or DOM API, so the PNG fallback (Node) and the
 * JupyterLab extension's Web Worker compute the same picture — the PNG is the interactive view's first state.
 *
 * Blocks: a block is open when its depth is below `depth` (the data's depth by default; `expand`/`collapse`
 * override single blocks, as clicks do) and every ancestor is open. A node inside a closed block is drawn as
 * that block's box (the outermost closed one); edges between nodes drawn by the same box vanish, parallel
 * edges merge (`count`).
 *
 * DenseNet's concatenations: a Concat whose inputs begin with all the inputs of an earlier Concat (DenseNet's
 * layer k concatenates the block input and layers 1…k−1: layer k−1's inputs plus one more) is drawn with one
 * `carry` edge from that earlier Concat instead of one edge per repeated input, so a dense block's O(n²)
 * edges become O(n) (the data keeps every edge; `carried` counts the inputs the carry edge stands for).
 */
import * as dagre from '@dagrejs/dagre';
import type { Dim, GraphBlockData, GraphData, GraphNodeData } from './analysis-schema';
import type { OpCategory } from './palette';
import { textWidth } from './text-width';

export interface LayoutOptions {
  /** blocks at this depth or deeper are closed (default: the data's `depth`) */
  depth?: number;
  /** block paths to open whatever their depth (their ancestors must be open to be seen) */
  expand?: Iterable<string>;
  /** block paths to close whatever their depth */
  collapse?: Iterable<string>;
  /** place the output shape of each edge as a label on it (default false) */
  edgeLabels?: boolean;
  /** 'TB' top to bottom (default), 'LR' left to right */
  rankdir?: 'TB' | 'LR';
}

export interface LayoutBox {
  /** top-left corner and size in px */
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface LayoutNode extends LayoutBox {
  /** layout id: the node's id, or `block:<path>` for a closed block */
  id: string;
  kind: 'op' | 'io' | 'block';
  /** GraphNodeData.id, or the block path */
  ref: string;
  /** label lines: a title (drawn bold) and details */
  lines: string[];
  /** op category (colour); for a closed block, its one node's when it holds a single node, else null */
  category: OpCategory | null;
}

export interface LayoutEdge {
  from: string;
  to: string;
  /** polyline in px, from the source box's border to the target's */
  points: { x: number; y: number }[];
  /** 'data': values flow; 'carry': a Concat's repeated inputs, carried from an earlier Concat */
  kind: 'data' | 'carry';
  /** data edges merged into this one */
  count: number;
  /** inputs of the target Concat this carry edge stands for (carry edges only) */
  carried?: number;
  /** shape of the (first) value on the edge */
  shape: Dim[] | null;
  /** label position (centre) when `edgeLabels` */
  label?: { x: number; y: number; text: string };
}

export interface LayoutCluster extends LayoutBox {
  /** block path of an open block */
  path: string;
  label: string;
  depth: number;
}

export interface GraphLayout {
  width: number;
  height: number;
  nodes: LayoutNode[];
  edges: LayoutEdge[];
  clusters: LayoutCluster[];
  /** op categories drawn (for the legend), in a fixed order */
  categories: OpCategory[];
  /** the open block paths */
  open: string[];
}

/** Sizes the renderers use for node labels (px). */
export const LAYOUT_FONT = { title: 12, detail: 10, cluster: 11 } as const;
const PAD_X = 10, PAD_Y = 6, LINE_GAP = 3;
const RANKSEP = 24;
/** padding of an open block's frame around what it holds (top holds the block's name) */
const FRAME = { side: 8, top: 20, bottom: 8 } as const;
const CATEGORY_ORDER: OpCategory[] = ['io', 'macs', 'bn', 'activation', 'pooling', 'add', 'mul', 'concat', 'other', 'none'];

export function shapeLabel(s: readonly Dim[] | null): string {
  return s ? s.join('×') : '?';
}

/** Papers' units: 25.6M, 4.09G, 1.2K. */
export function compactCount(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)}G`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(n >= 1e8 ? 0 : 1)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)}K`;
  return String(n);
}

function lastSegment(path: string): string {
  const i = path.lastIndexOf('.');
  return i < 0 ? path : path.slice(i + 1);
}

function nodeLines(n: GraphNodeData): string[] {
  if (n.op === 'Input' || n.op === 'Output') {
    const kind = n.op.toLowerCase(), name = n.id.slice(kind.length + 1);
    return [name === kind ? kind : `${kind}: ${name}`, shapeLabel(n.outputShape)];
  }
  const a = n.attrs ?? {};
  const k = Array.isArray(a.kernel_shape) ? a.kernel_shape.join('×') : null;
  const s = Array.isArray(a.strides) && a.strides.some((v) => v !== 1) ? `/${a.strides.join('×')}` : '';
  const g = typeof a.group === 'number' && a.group > 1 ? ` g${a.group}` : '';
  return [n.op, `${k ? `${k}${s}${g} → ` : ''}${shapeLabel(n.outputShape)}`];
}

/** Label lines of a block; its name is its path below `within` (the frame it is drawn in), else its last segment. */
function blockLines(b: GraphBlockData, within?: string | null): string[] {
  const path = b.path.replace(/#\d+$/, '');
  const name = within === undefined ? lastSegment(path) : within === null ? path : path.slice(within.length + 1);
  const call = b.calls && b.calls > 1 ? ` (call ${b.call})` : '';
  return [`${name}${b.type ? `: ${b.type}` : ''}${call}`, `${shapeLabel(b.outputShape)}${b.params ? ` · ${compactCount(b.params)} params` : ''}`];
}

function boxSize(lines: string[]): { width: number; height: number } {
  const w = Math.max(textWidth(lines[0], LAYOUT_FONT.title, true), ...lines.slice(1).map((l) => textWidth(l, LAYOUT_FONT.detail)));
  return { width: Math.max(64, Math.ceil(w + 2 * PAD_X)), height: 2 * PAD_Y + LAYOUT_FONT.title + (lines.length - 1) * (LAYOUT_FONT.detail + LINE_GAP) + 2 };
}

/** Where the segment from the centre of `b` towards `p` leaves the box (p itself when inside). */
function border(b: LayoutBox, p: { x: number; y: number }): { x: number; y: number } {
  const cx = b.x + b.width / 2, cy = b.y + b.height / 2;
  const dx = p.x - cx, dy = p.y - cy;
  if (Math.abs(dx) <= b.width / 2 && Math.abs(dy) <= b.height / 2) return { x: cx + dx, y: cy + (dy >= 0 ? b.height / 2 : -b.height / 2) };
  const t = Math.min(dx ? b.width / 2 / Math.abs(dx) : Infinity, dy ? b.height / 2 / Math.abs(dy) : Infinity);
  return { x: cx + dx * t, y: cy + dy * t };
}

interface RawEdge { from: string; to: string; shape: Dim[] | null; kind: 'data' | 'carry'; carried?: number }

/** Edges of the data with DenseNet-style repeated Concat inputs replaced by carry edges (see the module comment). */
export function reduceConcatEdges(d: GraphData): RawEdge[] {
  const concat = new Set(d.nodes.filter((n) => n.op === 'Concat').map((n) => n.id));
  const inputsOf = new Map<string, GraphData['edges']>();
  const out: RawEdge[] = [];
  for (const e of d.edges) {
    if (concat.has(e.to)) {
      let l = inputsOf.get(e.to);
      if (!l) inputsOf.set(e.to, (l = []));
      l.push(e);
    } else out.push({ from: e.from, to: e.to, shape: e.shape, kind: 'data' });
  }
  const byKey = new Map<string, string>();
  const order = new Map(d.nodes.map((n, i) => [n.id, i]));
  const concats = [...inputsOf.keys()].sort((a, b) => order.get(a)! - order.get(b)!);
  for (const c of concats) {
    const ins = inputsOf.get(c)!;
    const keys = ins.map((e) => `${e.from}\u0000${e.value}`);
    let carriedFrom: string | undefined, len = 0;
    for (let l = keys.length - 1; l >= 2 && !carriedFrom; l--) {
      const hit = byKey.get(keys.slice(0, l).join('\u0001'));
      if (hit) { carriedFrom = hit; len = l; }
    }
    if (carriedFrom) {
      const src = ins[0];
      out.push({ from: carriedFrom, to: c, shape: d.nodes[order.get(carriedFrom)!].outputShape ?? src.shape, kind: 'carry', carried: len });
    }
    for (const e of ins.slice(len)) out.push({ from: e.from, to: e.to, shape: e.shape, kind: 'data' });
    byKey.set(keys.join('\u0001'), c);
  }
  return out;
}

/** Lays the diagram out. Throws nothing on valid GraphData; unknown block paths in `expand`/`collapse` are ignored. */
export function layoutGraph(d: GraphData, opts: LayoutOptions = {}): GraphLayout {
  const depth = opts.depth ?? d.depth;
  const expand = new Set(opts.expand ?? []);
  const collapse = new Set(opts.collapse ?? []);
  const blocks = new Map(d.blocks.map((b) => [b.path, b]));
  const nodeIndex = new Map(d.nodes.map((n, i) => [n.id, i]));
  const blockOfNode = new Map<string, string>();
  for (const b of d.blocks) for (const id of b.nodes) blockOfNode.set(id, b.path);

  const openMemo = new Map<string, boolean>();
  const isOpen = (path: string): boolean => {
    let v = openMemo.get(path);
    if (v === undefined) {
      const b = blocks.get(path)!;
      v = (b.depth < depth || expand.has(path)) && !collapse.has(path) && (b.parent === null || isOpen(b.parent));
      openMemo.set(path, v);
    }
    return v;
  };
  // the box that draws a block: itself when its parent is open, else its parent's box
  const repMemo = new Map<string, string | null>();
  const blockRep = (path: string): string | null => {
    let r = repMemo.get(path);
    if (r === undefined) {
      const b = blocks.get(path)!;
      const up = b.parent === null ? null : blockRep(b.parent);
      r = up ?? (isOpen(path) ? null : `block:${path}`);
      repMemo.set(path, r);
    }
    return r;
  };
  const rep = (nodeId: string): string => {
    const b = blockOfNode.get(nodeId);
    return (b !== undefined && blockRep(b)) || nodeId;
  };

  const g = new dagre.graphlib.Graph<dagre.GraphLabel, dagre.NodeLabel, dagre.EdgeLabel>({ multigraph: false });
  g.setGraph({ rankdir: opts.rankdir ?? 'TB', nodesep: 24, ranksep: RANKSEP, edgesep: 8, marginx: 12, marginy: 12 });
  g.setDefaultEdgeLabel(() => ({}));

  // the boxes drawn: nodes outside closed blocks, and the outermost closed blocks; `chain` is the list of open
  // blocks around a box, innermost first
  const layoutNodes = new Map<string, Omit<LayoutNode, 'x' | 'y'>>();
  const chainOf = new Map<string, string[]>();
  const chain = (blockPath: string | null | undefined): string[] => {
    const out: string[] = [];
    for (let p = blockPath; p; p = blocks.get(p)!.parent) out.push(p);
    return out;
  };
  for (const n of d.nodes) {
    const r = rep(n.id);
    if (r !== n.id) {
      if (!layoutNodes.has(r)) {
        const b = blocks.get(r.slice(6))!;
        const lines = blockLines(b);
        // a leaf module's block holding one node (a Conv2d, a ReLU) takes that node's colour
        const only = b.children.length === 0 && b.nodes.length === 1 ? d.nodes[nodeIndex.get(b.nodes[0])!].category : null;
        layoutNodes.set(r, { id: r, kind: 'block', ref: b.path, lines, category: only, ...boxSize(lines) });
        chainOf.set(r, chain(b.parent));
      }
      continue;
    }
    const lines = nodeLines(n);
    layoutNodes.set(n.id, { id: n.id, kind: n.category === 'io' ? 'io' : 'op', ref: n.id, lines, category: n.category, ...boxSize(lines) });
    chainOf.set(n.id, chain(blockOfNode.get(n.id) ?? null));
  }
  // an open block is drawn as a frame around what it holds, unless it holds a single box (a leaf module's one node)
  const members = new Map<string, string[]>();
  for (const [id, c] of chainOf) for (const p of c) { let m = members.get(p); if (!m) members.set(p, (m = [])); m.push(id); }
  const framed = (p: string) => (members.get(p)?.length ?? 0) > 1;
  for (const [id, c] of chainOf) {
    const f = c.filter(framed);
    chainOf.set(id, f);
    // a closed block is named by its path below the frame it sits in (`classifier.1: Linear` when `classifier`
    // holds only it and so has no frame)
    const ln = layoutNodes.get(id)!;
    if (ln.kind === 'block') {
      const lines = blockLines(blocks.get(ln.ref)!, f[0] ?? null);
      layoutNodes.set(id, { ...ln, lines, ...boxSize(lines) });
    }
  }

  // edges between drawn boxes, merged
  const merged = new Map<string, LayoutEdge>();
  for (const e of reduceConcatEdges(d)) {
    const from = rep(e.from), to = rep(e.to);
    if (from === to) continue;
    const key = `${from}\u0000${to}`;
    const m = merged.get(key);
    if (m) {
      m.count += e.kind === 'data' ? 1 : 0;
      if (e.kind === 'data' && m.kind === 'carry') { m.kind = 'data'; m.shape = e.shape; delete m.carried; }
      continue;
    }
    merged.set(key, { from, to, points: [], kind: e.kind, count: e.kind === 'data' ? 1 : 0, shape: e.shape, ...(e.carried ? { carried: e.carried } : {}) });
  }
  // room for frames: a box where frames begin gets their name bands above it, one where frames end their bottom
  // padding below it (inside its dagre node, so no extra ranks)
  const padTop = new Map<string, number>(), padBottom = new Map<string, number>();
  for (const [id, c] of chainOf) { padTop.set(id, c.length * FRAME.top); padBottom.set(id, c.length * FRAME.bottom); }
  const hasIn = new Set<string>(), hasOut = new Set<string>();
  const topNeed = new Map<string, number>(), bottomNeed = new Map<string, number>();
  for (const e of merged.values()) {
    const a = chainOf.get(e.from)!, b = chainOf.get(e.to)!;
    const common = a.filter((p) => b.includes(p)).length;
    hasIn.add(e.to); hasOut.add(e.from);
    topNeed.set(e.to, Math.max(topNeed.get(e.to) ?? 0, (b.length - common) * FRAME.top));
    bottomNeed.set(e.from, Math.max(bottomNeed.get(e.from) ?? 0, (a.length - common) * FRAME.bottom));
  }
  for (const id of layoutNodes.keys()) {
    if (hasIn.has(id)) padTop.set(id, topNeed.get(id)!);
    if (hasOut.has(id)) padBottom.set(id, bottomNeed.get(id)!);
  }
  for (const [id, ln] of layoutNodes) g.setNode(id, { width: ln.width, height: ln.height + padTop.get(id)! + padBottom.get(id)! });
  for (const e of merged.values()) {
    const label = opts.edgeLabels ? shapeLabel(e.shape) : '';
    g.setEdge(e.from, e.to, label ? { width: textWidth(label, LAYOUT_FONT.detail) + 4, height: LAYOUT_FONT.detail + 4, labelpos: 'c' as const } : {});
  }

  dagre.layout(g);

  const nodes: LayoutNode[] = [];
  for (const [id, ln] of layoutNodes) {
    const p = g.node(id);
    nodes.push({ ...ln, x: p.x! - ln.width / 2, y: p.y! - p.height / 2 + padTop.get(id)! });
  }
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const boxOf = (id: string): LayoutBox => byId.get(id)!;
  const edges: LayoutEdge[] = [];
  for (const e of merged.values()) {
    const l = g.edge(e.from, e.to);
    const pts = (l.points ?? []).map((p) => ({ x: p.x, y: p.y }));
    // dagre ends edges on the padded boxes: move the ends onto the drawn boxes
    if (pts.length >= 2) {
      pts[0] = border(boxOf(e.from), pts[1]);
      pts[pts.length - 1] = border(boxOf(e.to), pts[pts.length - 2]);
    }
    const out: LayoutEdge = { ...e, points: pts };
    if (opts.edgeLabels && typeof l.x === 'number' && typeof l.y === 'number') out.label = { x: l.x, y: l.y, text: shapeLabel(e.shape) };
    edges.push(out);
  }
  // frames: the boxes they hold, grown by padding per level of nesting (deepest first)
  const frameBox = new Map<string, { x0: number; y0: number; x1: number; y1: number }>();
  const grow = (p: string, x0: number, y0: number, x1: number, y1: number) => {
    const f = frameBox.get(p);
    if (!f) frameBox.set(p, { x0, y0, x1, y1 });
    else { f.x0 = Math.min(f.x0, x0); f.y0 = Math.min(f.y0, y0); f.x1 = Math.max(f.x1, x1); f.y1 = Math.max(f.y1, y1); }
  };
  for (const n of nodes) {
    const c = chainOf.get(n.id)!;
    c.forEach((p, level) => grow(p, n.x - FRAME.side * (level + 1), n.y - FRAME.top * (level + 1), n.x + n.width + FRAME.side * (level + 1), n.y + n.height + FRAME.bottom * (level + 1)));
  }
  const clusters: LayoutCluster[] = [...frameBox].map(([p, f]) => {
    const b = blocks.get(p)!;
    return { path: p, label: blockLines(b)[0], depth: b.depth, x: f.x0, y: f.y0, width: f.x1 - f.x0, height: f.y1 - f.y0 };
  }).sort((u, v) => u.depth - v.depth);
  const gl = g.graph();
  const present = new Set(nodes.map((n) => n.category).filter((c): c is OpCategory => c !== null));
  return {
    width: Math.ceil(gl.width ?? 0), height: Math.ceil(gl.height ?? 0), nodes, edges, clusters,
    categories: CATEGORY_ORDER.filter((c) => present.has(c)), open: d.blocks.filter((b) => isOpen(b.path)).map((b) => b.path),
  };
}
