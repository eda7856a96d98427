import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { JUPYTER_DISPLAY, ConfigError } from '../../src';
import { fromOnnx } from '../../src/graph/onnx';
import { graphDisplay } from '../../src/display/graph';
import { MIME } from '../../src/display/schema';
import { TinyNet } from '../helpers/models';
import * as zoo from '../../src/zoo';

describe('graph display data', () => {
  it('TinyNet: nodes, edges and nested blocks', () => {
    const m = new TinyNet();
    const g = m.trace([1, 3, 33, 31]);
    const d = graphDisplay(g, { depth: 1 });
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
    expect(b[MIME.graph]).toEqual(data);
    expect(b['text/plain']).toContain('stem (Sequential)');
    expect(b['text/plain']).not.toContain('stem.0 (Conv2d)'); // collapsed at depth 1
    expect(graphDisplay(g, { depth: 2 }).text()).toContain('stem.0 (Conv2d)');
  });

  it('resnet50: totals agree with the summary numbers; imported ONNX works too', () => {
    const d = graphDisplay(zoo.create('resnet50'), { inputShape: [1, 3, 224, 224] }).json();
    expect(d.totals).toMatchObject({ params: 25_557_032, macs: 4_089_184_256 });
    expect(d.blocks.find((b) => b.path === 'layer4')!.outputShape).toEqual([1, 2048, 7, 7]);
    const sq = graphDisplay(fromOnnx(readFileSync(join(__dirname, '..', 'fixtures', 'onnx', 'squeezenet1_1.onnx')))).json();
    // the exporter's Identity copies of weights are folded into their users
    expect(sq.nodes.some((n) => n.op === 'Identity')).toBe(false);
    expect(sq.blocks.find((b) => b.path === 'features.3')!.children).toEqual(['features.3.squeeze', 'features.3.squeeze_activation', 'features.3.expand1x1', 'features.3.expand1x1_activation', 'features.3.expand3x3', 'features.3.expand3x3_activation']);
    expect(sq.totals.macs).toBe(349_151_936);
    expect(() => graphDisplay(zoo.create('resnet50'))).toThrow(ConfigError);
  });
});
