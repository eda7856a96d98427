/**
 * The graph display bundle: `application/vnd.cnnlab.graph+json` (GraphData made by analysis/graph-data.ts,
 * packed by graph-codec.ts: graph-schema.ts), the diagram as `image/png` (layout.ts, the same layout the
 * extension draws first) and a `text/plain` outline at the data's depth.
 */
import { firstPositions } from '../graph/blocks';
import { Displayable, JUPYTER_DISPLAY, MimeBundle } from './bundle';
import { MIME } from './schema';
import type { GraphBlockData, GraphData } from './analysis-schema';
import type { GraphWire } from './graph-schema';
import { encodeGraph } from './graph-codec';
import { graphSvg } from './render/graph-svg';
import { svgToPngBase64 } from './render/raster';

/** Outline of the graph with blocks collapsed to the data's depth. */
export function graphText(d: GraphData): string {
  const lines = [`${d.name}: ${d.totals.nodes} nodes, ${d.totals.params.toLocaleString('en-US')} params, ${d.totals.macs.toLocaleString('en-US')} MACs (blocks to depth ${d.depth})`];
  const shape = (s: (number | string)[] | null) => (s ? `[${s.join(', ')}]` : '?');
  const byPath = new Map(d.blocks.map((b) => [b.path, b]));
  const nodeById = new Map(d.nodes.map((n) => [n.id, n]));
  const pos = new Map(d.nodes.map((n, i) => [n.id, i]));
  const first = firstPositions(d.blocks, pos);
  const blockPos = (b: GraphBlockData): number => first(b.path);
  const emitNode = (id: string, indent: string) => {
    const n = nodeById.get(id)!;
    lines.push(`${indent}${n.op} ${shape(n.outputShape)}${n.macs ? ` ${n.macs.toLocaleString('en-US')} MACs` : ''}`);
  };
  // nodes and child blocks in the order they run (the nodes are topologically ordered)
  const emitItems = (ids: string[], blocks: GraphBlockData[], indent: string) => {
    const items: [number, () => void][] = [
      ...ids.map((id): [number, () => void] => [pos.get(id)!, () => emitNode(id, indent)]),
      ...blocks.map((b): [number, () => void] => [blockPos(b), () => emitBlock(b, indent)]),
    ];
    for (const [, emit] of items.sort((a, b) => a[0] - b[0])) emit();
  };
  const emitBlock = (b: GraphBlockData, indent: string): void => {
    lines.push(`${indent}${b.path} (${b.type || 'block'}) → ${shape(b.outputShape)}, ${b.params.toLocaleString('en-US')} params, ${b.macs.toLocaleString('en-US')} MACs`);
    if (b.depth >= d.depth) return;
    emitItems(b.nodes, b.children.map((c) => byPath.get(c)!), indent + '  ');
  };
  for (const i of d.nodes.filter((n) => n.op === 'Input')) lines.push(`input ${i.id.slice(6)} ${shape(i.outputShape)}`);
  const rootNodes = d.nodes.filter((n) => n.category !== 'io' && n.module === '').map((n) => n.id);
  emitItems(rootNodes, d.blocks.filter((x) => x.parent === null), '  ');
  for (const o of d.nodes.filter((n) => n.op === 'Output')) lines.push(`output ${o.id.slice(7)} ${shape(o.outputShape)}`);
  return lines.join('\n');
}

/** SVG of the diagram at the data's depth (the PNG fallback before rasterising). */
export function graphSvgOf(d: GraphData): string {
  return graphSvg(d).svg;
}

/** The bundle of graph data: packed MIME data, the diagram as PNG, the outline as text. */
export function graphBundle(d: GraphData): MimeBundle {
  const { svg, scale } = graphSvg(d);
  return { [MIME.graph]: encodeGraph(d), 'image/png': svgToPngBase64(svg, scale), 'text/plain': graphText(d) };
}

/** Graph data as a display object (`application/vnd.cnnlab.graph+json` + PNG diagram + text outline). */
export class GraphDisplay implements Displayable {
  constructor(readonly data: GraphData) {}
  /** the GraphData (a deep copy, JSON-safe) */
  json(): GraphData { return JSON.parse(JSON.stringify(this.data)) as GraphData; }
  /** the packed form the MIME bundle carries */
  wire(): GraphWire { return encodeGraph(this.data); }
  text(): string { return graphText(this.data); }
  /** the diagram as an SVG document (for slides; the PNG is this rasterised) */
  svg(): string { return graphSvgOf(this.data); }
  toString(): string { return this.text(); }
  [JUPYTER_DISPLAY](): MimeBundle { return graphBundle(this.data); }
}
