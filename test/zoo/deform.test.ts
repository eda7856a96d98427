import { describe, expect, it } from 'vitest';
import { ConfigError, Session, zoo } from '../../src';
import { graphCost } from '../../src/graph/cost';
import { toOnnx } from '../../src/graph/onnx';
import { Graph } from '../../src/graph/ir';
import { seeded, maxAbs } from '../fixtures/nn/blocks/fixtures';

async function run(g: Graph, x: import('../../src').Tensor) {
  const s = await Session.create(toOnnx(g), { device: 'cpu' });
  try { return (await s.run({ input: x })).output; } finally { await s.release(); }
}

// offset convs: 3×3, width → 18 with bias; per stage (blocks, width, output side at 224)
const STAGES = { layer2: [4, 128, 28], layer3: [6, 256, 14], layer4: [3, 512, 7] } as const;
const offsetParams = (stages: (keyof typeof STAGES)[]) => stages.reduce((a, s) => a + STAGES[s][0] * (STAGES[s][1] * 18 * 9 + 18), 0);
const offsetMacs = (stages: (keyof typeof STAGES)[]) => stages.reduce((a, s) => a + STAGES[s][0] * STAGES[s][2] ** 2 * 18 * STAGES[s][1] * 9, 0);

describe('resnet50_dcn (deformable ResNet-50)', () => {
  it('parameters and MACs: ResNet-50 + zero-initialised offset convs (by hand)', () => {
    const all: (keyof typeof STAGES)[] = ['layer2', 'layer3', 'layer4'];
    const m = zoo.create('resnet50_dcn');
    expect(m.numParameters()).toBe(25_557_032 + offsetParams(all));
    expect(m.numParameters()).toBe(26_137_874);
    const g = m.trace(zoo.inputShape('resnet50_dcn'));
    expect(graphCost(g).macs).toBe(4_089_184_256 + offsetMacs(all));
    expect(g.opset).toBe(19);
    expect(g.nodes.filter((n) => n.op === 'DeformConv').length).toBe(13);
    const c5 = zoo.create('resnet50_dcn', { dcnStages: 'c5' });
    expect(c5.numParameters()).toBe(25_557_032 + offsetParams(['layer4']));
    expect(graphCost(c5.trace([1, 3, 224, 224])).macs).toBe(4_089_184_256 + offsetMacs(['layer4']));
    const keys = [...m.stateDict().keys()];
    expect(keys).toContain('layer2.0.conv2.weight');
    expect(keys).toContain('layer2.0.conv2.conv_offset.weight');
    expect(keys).toContain('layer4.2.conv2.conv_offset.bias');
    expect(keys.some((k) => k.startsWith('layer1.0.conv2.conv_offset'))).toBe(false);
  });

  it('with zero offsets it computes ResNet-50 (same weights); learned offsets change it', async () => {
    const r50 = zoo.create('resnet50');
    const dcn = zoo.create('resnet50_dcn');
    const res = dcn.loadStateDict(r50.stateDict(), { strict: false });
    expect(res.missing.every((k) => k.includes('conv_offset'))).toBe(true);
    expect(res.missing.length).toBe(26);
    const x = seeded([1, 3, 64, 64], 4);
    const a = await run(r50.trace([...x.dims]), x);
    const b = await run(dcn.trace([...x.dims]), x);
    for (const [k, p] of dcn.namedParameters()) if (k.endsWith('conv_offset.bias')) p.set(new Float32Array(18).map((_, i) => (i % 3) * 0.6 - 0.5));
    const c = await run(dcn.trace([...x.dims]), x);
    const scale = Math.max(...Array.from(a.data as Float32Array, Math.abs));
    expect(maxAbs(a, b)).toBeLessThan(1e-6 * Math.max(1, scale)); // measured: exactly 0
    expect(maxAbs(a, c)).toBeGreaterThan(0.01 * scale);
  });

  it('list and bad options', () => {
    expect(zoo.list('*dcn*')).toEqual(['resnet50_dcn']);
    expect(() => zoo.create('resnet50_dcn', { dcnStages: 'c4' })).toThrow(ConfigError);
    expect(() => zoo.create('resnet50_dcn', { dcnStages: 'c4' })).toThrow(/one of "c3-c5", "c5"/);
  });
});
