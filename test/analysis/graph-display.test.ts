import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { JUPYTER_DISPLAY, ConfigError } from '../../src';
import { fromOnnx } from '../../src/graph/onnx';
import { graphData } from '../../src/analysis/graph-data';
import { graph as graphDisplay } from '../../src/api/show';
import { MIME } from '../../src/display/schema';
import type { GraphWire } from '../../src/display/schema';
import { decodeGraph } from '../../src/display/graph-codec';
import { TinyNet } from '../helpers/models';
import * as zoo from '../../src/zoo';

describe('graph display data', () => {
  it('TinyNet: nodes, edges and nested blocks', () => {
    const m = new TinyNet();
    const g = m.trace([1, 3, 33, 31]);
    const d = graphDisplay(g, undefined, { depth: 1 });
    const data = d.json();
    const ops = data.nodes.filter((n) => n.category !== 'io');
    // every node of the graph (none is constant-only here) plus the input and the output
    expect(ops.map((n) => n.id)).toEqual(g.nodes.map((n) => n.name));
    expect(data.nodes.filter((n) => n.op === 'Input').map((n) => n.outputShape)).toEqual([[1, 3, 33, 31]]);
    // edges: one per (node, non-weight input) plus one into the output
    const weightNames = new Set(g.initializers.keys());
    const expected = g.nodes.reduce((a, n) => a + n.inputs.filter((i) => i && !weightNames.has(i)).length, 0) + 1;
    expect(data.edges).toHaveLength(expected);
    const concat = g.nodes.find((n) => n.op === 'Concat')!;
    expect(data.edges.filter((e) => e.to === concat.name).map((e) => e.from).sort())
      .toEqual([g.nodes.find((n) => n.module === 'branch_a')!.name, g.nodes.filter((n) => n.module.startsWith('branch_b')).pop()!.name].sort());
    // blocks nest by module path and carry their totals
    const stem = data.blocks.find((b) => b.path === 'stem')!;
    expect(stem).toMatchObject({ type: 'Sequential', parent: null, depth: 1, children: ['stem.0', 'stem.1', 'stem.2'] });
    expect(data.blocks.find((b) => b.path === 'stem.0')).toMatchObject({ parent: 'stem', params: 3 * 8 * 9, macs: 8 * 17 * 16 * 27 });
    expect(data.totals.params).toBe(m.numParameters());
    const conv = data.nodes.find((n) => n.module === 'branch_b.0')!;
    expect(conv).toMatchObject({ op: 'Conv', category: 'macs', attrs: { dilations: [2, 2], group: 2 } });
    expect(conv.weights.map((w) => w.shape)).toEqual([[8, 4, 3, 3], [8]]);
    const b = d[JUPYTER_DISPLAY]();
    // the bundle carries the packed form; decoding gives the data back exactly
    expect(decodeGraph(b[MIME.graph] as GraphWire)).toEqual(data);
    expect(b['text/plain']).toContain('stem (Sequential)');
    expect(b['text/plain']).not.toContain('stem.0 (Conv2d)'); // collapsed at depth 1
    expect(graphDisplay(g, undefined, { depth: 2 }).text()).toContain('stem.0 (Conv2d)');
  });

  it('resnet50: totals agree with the summary numbers; imported ONNX works too', () => {
    const d = graphDisplay(zoo.create('resnet50'), [1, 3, 224, 224]).json();
    expect(d.totals).toMatchObject({ params: 25_557_032, macs: 4_089_184_256 });
    expect(d.blocks.find((b) => b.path === 'layer4')!.outputShape).toEqual([1, 2048, 7, 7]);
    const sq = graphDisplay(fromOnnx(readFileSync(join(__dirname, '..', 'fixtures', 'onnx', 'squeezenet1_1.onnx')))).json();
    // the exporter's Identity copies of weights are folded into their users
    expect(sq.nodes.some((n) => n.op === 'Identity')).toBe(false);
    expect(sq.blocks.find((b) => b.path === 'features.3')!.children).toEqual(['features.3.squeeze', 'features.3.squeeze_activation', 'features.3.expand1x1', 'features.3.expand1x1_activation', 'features.3.expand3x3', 'features.3.expand3x3_activation']);
    expect(sq.totals.macs).toBe(349_151_936);
    expect(() => graphDisplay(new TinyNet())).toThrow(ConfigError);
    // zoo models trace at their own input size: Inception v3 at 299×299
    expect(graphDisplay(zoo.create('inception_v3')).json().nodes[0].outputShape).toEqual([1, 3, 299, 299]);
  });
});

it('a leaf module called several times is one block per call, so blocks collapsed at any depth form a DAG', () => {
  const d = graphData(zoo.create('resnet50'), [1, 3, 224, 224], { depth: 3 });
  const relus = d.blocks.filter((b) => b.path.startsWith('layer1.0.relu'));
  expect(relus.map((b) => [b.path, b.call, b.calls, b.outputShape])).toEqual([
    ['layer1.0.relu', 1, 3, [1, 64, 56, 56]], ['layer1.0.relu#2', 2, 3, [1, 64, 56, 56]], ['layer1.0.relu#3', 3, 3, [1, 256, 56, 56]],
  ]);
  expect(d.blocks.find((b) => b.path === 'layer1.0')!.children).toEqual(
    ['layer1.0.conv1', 'layer1.0.bn1', 'layer1.0.relu', 'layer1.0.conv2', 'layer1.0.bn2', 'layer1.0.relu#2', 'layer1.0.conv3', 'layer1.0.bn3', 'layer1.0.downsample', 'layer1.0.relu#3']);
  // every node in exactly one block or at the root
  const blockOf = new Map<string, (typeof d.blocks)[number]>();
  for (const b of d.blocks) for (const id of b.nodes) { expect(blockOf.has(id)).toBe(false); blockOf.set(id, b); }
  const byPath = new Map(d.blocks.map((b) => [b.path, b]));
  for (const depth of [1, 2, 3]) {
    // collapse: a node is drawn as its outermost block at `depth` (or itself above it)
    const group = (id: string) => {
      let b = blockOf.get(id);
      if (!b) return id;
      while (b.depth > depth) b = byPath.get(b.parent!)!;
      return b.path;
    };
    const out = new Map<string, Set<string>>();
    const indeg = new Map<string, number>();
    for (const n of d.nodes) { const k = group(n.id); out.set(k, out.get(k) ?? new Set()); indeg.set(k, indeg.get(k) ?? 0); }
    for (const e of d.edges) {
      const a = group(e.from), b = group(e.to);
      if (a !== b && !out.get(a)!.has(b)) { out.get(a)!.add(b); indeg.set(b, indeg.get(b)! + 1); }
    }
    const queue = [...indeg].filter(([, v]) => v === 0).map(([k]) => k);
    let seen = 0;
    while (queue.length) { const k = queue.pop()!; seen++; for (const m of out.get(k)!) { indeg.set(m, indeg.get(m)! - 1); if (indeg.get(m) === 0) queue.push(m); } }
    expect(seen, `depth ${depth}`).toBe(out.size);
  }
});
