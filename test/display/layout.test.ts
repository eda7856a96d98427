/**
 * The diagram layout (src/display/layout.ts), shared by the PNG fallback and the extension's worker: what is
 * drawn at a depth, boxes that never overlap, edges that end on their boxes, frames that hold their blocks,
 * DenseNet's concatenations carried (O(n) edges, nothing lost), and a module that runs in a browser.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { zoo } from '../../src';
import { graphData } from '../../src/analysis/graph-data';
import type { GraphData } from '../../src/display/analysis-schema';
import { layoutGraph, reduceConcatEdges, type GraphLayout, type LayoutBox } from '../../src/display/layout';

const densenet = graphData(zoo.create('densenet201'));
const resnet = graphData(zoo.create('resnet50'));

const overlap = (a: LayoutBox, b: LayoutBox) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
const onBorder = (b: LayoutBox, p: { x: number; y: number }) => {
  const inX = p.x >= b.x - 0.5 && p.x <= b.x + b.width + 0.5, inY = p.y >= b.y - 0.5 && p.y <= b.y + b.height + 0.5;
  const nearX = Math.min(Math.abs(p.x - b.x), Math.abs(p.x - b.x - b.width)) < 0.5, nearY = Math.min(Math.abs(p.y - b.y), Math.abs(p.y - b.y - b.height)) < 0.5;
  return inX && inY && (nearX || nearY);
};

function checkGeometry(l: GraphLayout): void {
  for (let i = 0; i < l.nodes.length; i++) for (let j = i + 1; j < l.nodes.length; j++) {
    if (overlap(l.nodes[i], l.nodes[j])) throw new Error(`boxes ${l.nodes[i].id} and ${l.nodes[j].id} overlap`);
  }
  const byId = new Map(l.nodes.map((n) => [n.id, n]));
  for (const e of l.edges) {
    expect(e.points.length).toBeGreaterThanOrEqual(2);
    expect({ e: `${e.from}→${e.to}`, start: onBorder(byId.get(e.from)!, e.points[0]), end: onBorder(byId.get(e.to)!, e.points[e.points.length - 1]) })
      .toEqual({ e: `${e.from}→${e.to}`, start: true, end: true });
  }
  for (const n of l.nodes) {
    expect(n.x).toBeGreaterThanOrEqual(0);
    expect(n.y).toBeGreaterThanOrEqual(0);
    expect(n.x + n.width).toBeLessThanOrEqual(l.width + 0.5);
    expect(n.y + n.height).toBeLessThanOrEqual(l.height + 0.5);
  }
}

/** the frames (open blocks) that hold box `n` */
function holders(d: GraphData, l: GraphLayout, id: string): string[] {
  const n = l.nodes.find((x) => x.id === id)!;
  const block = n.kind === 'block' ? d.blocks.find((b) => b.path === n.ref)!.parent : d.blocks.find((b) => b.nodes.includes(n.ref))?.path ?? null;
  const out: string[] = [];
  for (let p = block; p; p = d.blocks.find((b) => b.path === p)!.parent) out.push(p);
  return out;
}

describe('layoutGraph', () => {
  it('ResNet-50 at depth 1 and 2: closed blocks as boxes, nodes outside them, every edge between drawn boxes', () => {
    const l1 = layoutGraph(resnet, { depth: 1 });
    expect(l1.nodes.filter((n) => n.kind === 'block').map((n) => n.ref)).toEqual(['conv1', 'bn1', 'relu', 'maxpool', 'layer1', 'layer2', 'layer3', 'layer4', 'avgpool', 'fc']);
    expect(l1.clusters).toEqual([]);
    const l2 = layoutGraph(resnet, { depth: 2 });
    // layer1…4 open (framed), their Bottlenecks closed: 3 + 4 + 6 + 3
    expect(l2.clusters.map((c) => c.path)).toEqual(['layer1', 'layer2', 'layer3', 'layer4']);
    expect(l2.nodes.filter((n) => n.kind === 'block' && n.ref.startsWith('layer'))).toHaveLength(16);
    checkGeometry(l2);
    // frames hold what they frame
    for (const n of l2.nodes) for (const p of holders(resnet, l2, n.id)) {
      const c = l2.clusters.find((x) => x.path === p);
      if (c) expect({ n: n.id, inside: n.x >= c.x && n.y >= c.y && n.x + n.width <= c.x + c.width && n.y + n.height <= c.y + c.height }).toEqual({ n: n.id, inside: true });
    }
    // expand / collapse override the depth, as the extension's clicks do
    const l3 = layoutGraph(resnet, { depth: 2, expand: ['layer1.0'], collapse: ['layer4'] });
    expect(l3.open).toContain('layer1.0');
    expect(l3.open).not.toContain('layer4');
    expect(l3.nodes.some((n) => n.ref === 'layer1.0.conv1')).toBe(true);
    expect(l3.nodes.some((n) => n.ref === 'layer4' && n.kind === 'block')).toBe(true);
    checkGeometry(l3);
  });

  it("DenseNet-201's concatenations: carried from the previous concat, no input lost", () => {
    const edges = reduceConcatEdges(densenet);
    const concat = densenet.nodes.filter((n) => n.op === 'Concat').map((n) => n.id);
    // all inputs of each Concat = the carried concat's inputs + its own data edges, in order
    const inputs = new Map<string, string[]>();
    for (const c of concat) {
      const carry = edges.find((e) => e.to === c && e.kind === 'carry');
      const own = edges.filter((e) => e.to === c && e.kind === 'data').map((e) => e.from);
      inputs.set(c, [...(carry ? inputs.get(carry.from)!.slice(0, carry.carried) : []), ...own]);
      expect(inputs.get(c)).toEqual(densenet.edges.filter((e) => e.to === c).map((e) => e.from));
    }
    expect(densenet.edges.filter((e) => concat.includes(e.to))).toHaveLength(1901);
    expect(edges.filter((e) => concat.includes(e.to)).length).toBeLessThan(2 * concat.length + 8);
  });

  it('DenseNet-201 collapsed to blocks and with dense blocks open: O(n) edges, geometry sound', () => {
    const l2 = layoutGraph(densenet, { depth: 2 });
    expect(l2.nodes.filter((n) => n.kind === 'block').map((n) => n.ref)).toEqual(expect.arrayContaining(['features.denseblock1', 'features.transition3', 'features.denseblock4']));
    checkGeometry(l2);
    const l3 = layoutGraph(densenet, { depth: 3 });
    // 6 + 12 + 48 + 32 dense layers as boxes
    expect(l3.nodes.filter((n) => /denselayer\d+$/.test(n.ref))).toHaveLength(98);
    expect(l3.edges.length).toBeLessThan(l3.nodes.length + 20);
    checkGeometry(l3);
    // two dense layers opened: layer 3's Concat carries layer 2's (its 2 inputs), and layer 4 (closed) layer 3's
    const l4 = layoutGraph(densenet, { depth: 3, expand: ['features.denseblock1.denselayer2', 'features.denseblock1.denselayer3'] });
    const carry = l4.edges.filter((e) => e.kind === 'carry');
    expect(carry.map((e) => [e.from, e.to, e.carried])).toEqual([
      ['features.denseblock1.denselayer2/Concat_10', 'features.denseblock1.denselayer3/Concat_17', 2],
      ['features.denseblock1.denselayer3/Concat_17', 'block:features.denseblock1.denselayer4', 3],
    ]);
    checkGeometry(l4);
  });

  it('is a pure module: it loads dagre and pure local modules only (the extension runs it in a Web Worker)', () => {
    const src = (f: string) => readFileSync(join(__dirname, '../../src/display', f), 'utf8');
    const valueImports = (text: string) => [...text.matchAll(/^import (?!type )[^;]*?from '([^']+)'/gm)].map((m) => m[1]);
    expect(valueImports(src('layout.ts')).sort()).toEqual(['./text-width', '@dagrejs/dagre']);
    expect(valueImports(src('text-width.ts'))).toEqual([]);
    const pkg = JSON.parse(readFileSync(join(__dirname, '../../package.json'), 'utf8'));
    expect(pkg.dependencies['@dagrejs/dagre']).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
