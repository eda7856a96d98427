/**
 * The data of `application/vnd.cnnlab.graph+json` as it travels (version 2): GraphData (analysis-schema.ts)
 * packed with string and shape tables, nodes and blocks referred to by index, and fields that follow from
 * others left out. It holds every detail of GraphData: `decodeGraph` (graph-codec.ts, pure, no imports) gives
 * the GraphData back exactly. Types only: re-exported from `schema.ts`.
 *
 * Reading it without the codec:
 * - `strings[i]`, `shapes[i]` (a shape is `Dim[]`), `attrs[i]` (an attribute set) and `ops[i]` (`[op, category]`)
 *   are tables that the fields below index into.
 * - `nodes[i]` is GraphData.nodes[i]:
 *   - op and category: `ops[o]`;
 *   - module: the path of block `b` without a `#k` call suffix ('' when `b` is absent);
 *   - id: `id` when given, else `${module}/${op}_${k}` (the tracer's node names);
 *   - outputShape: `shapes[s]`, null when `s` is absent;
 *   - weights: `w` entries `[name, shape, flags]`: `flags & 3` is the kind (0 parameter, 1 buffer, 2 constant);
 *     with `flags & 4` the name is `${module}.${strings[name]}`, else `strings[name]`; shape `shapes[shape]`;
 *   - params: `p` when given, else the sum of the element counts of the parameter weights;
 *   - macs: `m` (0 when absent); attrs: `attrs[a]` (none when absent).
 * - `edges` is flat: edge j runs from node `edges[2j]` to node `edges[2j + 1]`. Its value is the producer's
 *   output name — an input node's name after `input:`, else the producer's id — and its shape the producer's
 *   outputShape, except for the edges listed in `edgeValues` as `[j, strings index of the value, shapes index or
 *   -1 for null]`.
 * - `blocks[i]` is GraphData.blocks[i]: path `${parent path}.${n}` (just `n` at the top; `path` and depth `d` when
 *   given instead), parent `blocks[parent]` (top level when absent), type `strings[t]`, depth = parent's + 1,
 *   children `c` (block indices, in call order), nodes: the nodes whose `b` is this block, in node order;
 *   params `p`, macs `m` (0 when absent), outputShape `shapes[s]` (null when absent), call/calls `k` when given.
 */
import type { Dim } from './analysis-schema';

export interface GraphWireNode {
  o: number;
  b?: number;
  id?: string;
  k?: number;
  s?: number;
  w?: [number, number, number][];
  p?: number;
  m?: number;
  a?: number;
}

export interface GraphWireBlock {
  n?: string;
  path?: string;
  /** depth, given with `path` */
  d?: number;
  parent?: number;
  t: number;
  c?: number[];
  p?: number;
  m?: number;
  s?: number;
  k?: [number, number];
}

export interface GraphWire {
  version: 2;
  name: string;
  /** blocks deeper than this start collapsed */
  depth: number;
  totals: { params: number; macs: number; nodes: number };
  strings: string[];
  shapes: Dim[][];
  ops: [string, string][];
  attrs: Record<string, number | number[] | string>[];
  nodes: GraphWireNode[];
  edges: number[];
  edgeValues?: [number, number, number][];
  blocks: GraphWireBlock[];
}
