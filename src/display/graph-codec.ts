/**
 * GraphData ⇄ the packed form that `application/vnd.cnnlab.graph+json` carries (graph-schema.ts says how to
 * read it). Pure and self-contained (type imports only), so the JupyterLab extension decodes with the same code.
 * `decodeGraph(encodeGraph(d))` equals `d` field for field; `decodeGraph` checks every index and throws a
 * `TypeError` naming the JSON path of the first bad one.
 */
import type { Dim, GraphBlockData, GraphData, GraphNodeData } from './analysis-schema';
import type { GraphWire, GraphWireBlock, GraphWireNode } from './graph-schema';

const KIND = ['parameter', 'buffer', 'constant'] as const;

class Table<T> {
  readonly items: T[] = [];
  private readonly index = new Map<string, number>();
  constructor(private readonly key: (v: T) => string) {}
  add(v: T): number {
    const k = this.key(v);
    let i = this.index.get(k);
    if (i === undefined) { i = this.items.length; this.items.push(v); this.index.set(k, i); }
    return i;
  }
}

const moduleOfBlock = (path: string) => path.replace(/#\d+$/, '');
const count = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
const sameShape = (a: readonly Dim[] | null, b: readonly Dim[] | null) => (a === null || b === null ? a === b : a.length === b.length && a.every((v, i) => v === b[i]));
const defaultParams = (w: GraphNodeData['weights']) => w.reduce((a, x) => a + (x.kind === 'parameter' ? count(x.shape) : 0), 0);
const defaultValue = (n: GraphNodeData) => (n.op === 'Input' && n.id.startsWith('input:') ? n.id.slice(6) : n.id);

/** Packs graph data (see graph-schema.ts). */
export function encodeGraph(d: GraphData): GraphWire {
  const strings = new Table<string>((s) => s);
  const shapes = new Table<Dim[]>((s) => JSON.stringify(s));
  const ops = new Table<[string, string]>((o) => `${o[0]}\u0000${o[1]}`);
  const attrs = new Table<Record<string, number | number[] | string>>((a) => JSON.stringify(a));
  const blockIndex = new Map(d.blocks.map((b, i) => [b.path, i]));
  const blockOf = new Map<string, number>();
  d.blocks.forEach((b, i) => { for (const id of b.nodes) blockOf.set(id, i); });
  const nodeIndex = new Map(d.nodes.map((n, i) => [n.id, i]));

  const nodes = d.nodes.map((n): GraphWireNode => {
    const w: GraphWireNode = { o: ops.add([n.op, n.category]) };
    const b = blockOf.get(n.id);
    if (b !== undefined) w.b = b;
    const module = b === undefined ? '' : moduleOfBlock(d.blocks[b].path);
    if (module !== n.module) throw new TypeError(`graph data: node ${n.id} has module '${n.module}' but is listed in block '${b === undefined ? '' : d.blocks[b].path}'`);
    const m = module ? n.id.slice(module.length) : n.id;
    const prefix = module ? `/${n.op}_` : `${n.op}_`;
    const kk = m.startsWith(prefix) ? m.slice(prefix.length) : '';
    if ((!module || n.id.startsWith(module)) && /^(0|[1-9]\d*)$/.test(kk) && Number(kk) <= Number.MAX_SAFE_INTEGER) w.k = Number(kk);
    else w.id = n.id;
    if (n.outputShape) w.s = shapes.add(n.outputShape);
    if (n.weights.length) {
      w.w = n.weights.map((x) => {
        const rel = module !== '' && x.name.startsWith(`${module}.`);
        return [strings.add(rel ? x.name.slice(module.length + 1) : x.name), shapes.add(x.shape), KIND.indexOf(x.kind) | (rel ? 4 : 0)];
      });
    }
    if (n.params !== defaultParams(n.weights)) w.p = n.params;
    if (n.macs) w.m = n.macs;
    if (n.attrs) w.a = attrs.add(n.attrs);
    return w;
  });

  const edges: number[] = [];
  const edgeValues: [number, number, number][] = [];
  d.edges.forEach((e, j) => {
    const from = nodeIndex.get(e.from), to = nodeIndex.get(e.to);
    if (from === undefined || to === undefined) throw new TypeError(`graph data: edge ${j} joins unknown node ${from === undefined ? e.from : e.to}`);
    edges.push(from, to);
    const p = d.nodes[from];
    if (e.value !== defaultValue(p) || !sameShape(e.shape, p.outputShape)) edgeValues.push([j, strings.add(e.value), e.shape ? shapes.add(e.shape) : -1]);
  });

  const blocks = d.blocks.map((b): GraphWireBlock => {
    const w: GraphWireBlock = { t: strings.add(b.type) };
    const parent = b.parent === null ? undefined : blockIndex.get(b.parent);
    if (b.parent !== null && parent === undefined) throw new TypeError(`graph data: block ${b.path} has unknown parent ${b.parent}`);
    const base = b.parent === null ? '' : `${b.parent}.`;
    if (b.path.startsWith(base) && b.path.length > base.length && b.depth === (parent === undefined ? 1 : d.blocks[parent].depth + 1)) w.n = b.path.slice(base.length);
    else { w.path = b.path; w.d = b.depth; }
    if (parent !== undefined) w.parent = parent;
    if (b.children.length) w.c = b.children.map((c) => blockIndex.get(c)!);
    if (b.params) w.p = b.params;
    if (b.macs) w.m = b.macs;
    if (b.outputShape) w.s = shapes.add(b.outputShape);
    if (b.call !== undefined || b.calls !== undefined) w.k = [b.call ?? 0, b.calls ?? 0];
    return w;
  });

  return {
    version: 2, name: d.name, depth: d.depth, totals: { ...d.totals }, strings: strings.items, shapes: shapes.items,
    ops: ops.items, attrs: attrs.items, nodes, edges, ...(edgeValues.length ? { edgeValues } : {}), blocks,
  };
}

/** Unpacks the MIME data into GraphData (see graph-schema.ts). */
export function decodeGraph(w: GraphWire): GraphData {
  const fail = (path: string, what: string): never => { throw new TypeError(`graph data: ${what} at $.${path}`); };
  if (!w || w.version !== 2) fail('version', `expected version 2, got ${JSON.stringify(w && w.version)}`);
  const at = <T>(table: T[], i: unknown, path: string): T => {
    if (typeof i !== 'number' || !Number.isInteger(i) || i < 0 || i >= table.length) fail(path, `index ${JSON.stringify(i)} out of range 0..${table.length - 1}`);
    return table[i as number];
  };
  // blocks first: paths follow parents
  const paths: (string | undefined)[] = new Array(w.blocks.length);
  const depths: number[] = new Array(w.blocks.length);
  const resolving = new Set<number>();
  const pathOf = (i: number): string => {
    if (paths[i] !== undefined) return paths[i]!;
    if (resolving.has(i)) fail(`blocks[${i}].parent`, 'a cycle of parents');
    resolving.add(i);
    const b = w.blocks[i];
    const parent = b.parent === undefined ? undefined : (at(w.blocks, b.parent, `blocks[${i}].parent`), b.parent);
    const pp = parent === undefined ? undefined : pathOf(parent);
    if (b.path !== undefined) paths[i] = b.path;
    else if (typeof b.n === 'string') paths[i] = pp === undefined ? b.n : `${pp}.${b.n}`;
    else fail(`blocks[${i}]`, 'neither n nor path');
    depths[i] = b.path !== undefined ? (typeof b.d === 'number' ? b.d : fail(`blocks[${i}].d`, 'no depth beside path')) : parent === undefined ? 1 : depths[parent] + 1;
    resolving.delete(i);
    return paths[i]!;
  };
  w.blocks.forEach((_, i) => pathOf(i));
  const blockNodes: string[][] = w.blocks.map(() => []);
  const nodes = w.nodes.map((n, i): GraphNodeData => {
    const [op, category] = at(w.ops, n.o, `nodes[${i}].o`);
    const module = n.b === undefined ? '' : moduleOfBlock(at(paths, n.b, `nodes[${i}].b`)!);
    const id = n.id ?? (typeof n.k === 'number' ? (module ? `${module}/${op}_${n.k}` : `${op}_${n.k}`) : fail(`nodes[${i}]`, 'neither id nor k'));
    if (n.b !== undefined) blockNodes[n.b].push(id);
    const weights = (n.w ?? []).map(([name, shape, flags], j) => {
      const s = at(w.strings, name, `nodes[${i}].w[${j}][0]`);
      const kind = KIND[flags & 3] ?? fail(`nodes[${i}].w[${j}][2]`, `kind ${flags & 3}`);
      return { name: flags & 4 ? `${module}.${s}` : s, shape: [...at(w.shapes, shape, `nodes[${i}].w[${j}][1]`)] as number[], kind };
    });
    const out: GraphNodeData = {
      id, op, module, category: category as GraphNodeData['category'],
      outputShape: n.s === undefined ? null : [...at(w.shapes, n.s, `nodes[${i}].s`)], weights,
      params: n.p ?? defaultParams(weights), macs: n.m ?? 0,
    };
    if (n.a !== undefined) out.attrs = structuredClone(at(w.attrs, n.a, `nodes[${i}].a`));
    return out;
  });
  if (w.edges.length % 2) fail('edges', 'an odd number of entries');
  const special = new Map((w.edgeValues ?? []).map((e) => [e[0], e]));
  const edges = [];
  for (let j = 0; j < w.edges.length / 2; j++) {
    const from = at(nodes, w.edges[2 * j], `edges[${2 * j}]`), to = at(nodes, w.edges[2 * j + 1], `edges[${2 * j + 1}]`);
    const sp = special.get(j);
    edges.push(sp
      ? { from: from.id, to: to.id, value: at(w.strings, sp[1], `edgeValues[${j}][1]`), shape: sp[2] === -1 ? null : [...at(w.shapes, sp[2], `edgeValues[${j}][2]`)] }
      : { from: from.id, to: to.id, value: defaultValue(from), shape: from.outputShape ? [...from.outputShape] : null });
  }
  const blocks = w.blocks.map((b, i): GraphBlockData => {
    const out: GraphBlockData = {
      path: paths[i]!, type: at(w.strings, b.t, `blocks[${i}].t`), parent: b.parent === undefined ? null : paths[b.parent]!, depth: depths[i],
      nodes: blockNodes[i], children: (b.c ?? []).map((c, j) => at(paths, c, `blocks[${i}].c[${j}]`)!),
      params: b.p ?? 0, macs: b.m ?? 0, outputShape: b.s === undefined ? null : [...at(w.shapes, b.s, `blocks[${i}].s`)],
    };
    if (b.k) { if (b.k[0]) out.call = b.k[0]; if (b.k[1]) out.calls = b.k[1]; }
    return out;
  });
  return { version: 1, name: w.name, depth: w.depth, nodes, edges, blocks, totals: { ...w.totals } };
}
