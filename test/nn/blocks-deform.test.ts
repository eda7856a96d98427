import { describe, expect, it } from 'vitest';
import { nn, ShapeError, ConfigError } from '../../src';
import { toOnnx } from '../../src/graph/onnx';
import { graphCost } from '../../src/graph/cost';
import { cases, npy, runGraph, maxAbs } from '../fixtures/nn/blocks/fixtures';

const { DeformConv2d, DeformConv2dPack, Conv2d } = nn;

describe('DeformConv2d vs torchvision.ops.deform_conv2d', () => {
  for (const [i, c] of cases.deform.entries()) {
    it(`case ${i}: k ${c.k.join('×')}, stride ${c.stride}, pad ${c.pad}, dil ${c.dil}, groups ${c.groups}, offset groups ${c.og}${c.mask ? ', mask' : ''}${c.bias ? '' : ', no bias'}`, async () => {
      const x = npy(c.x), off = npy(c.offset), want = npy(c.y);
      const m = new DeformConv2d(c.cin, c.cout, c.k, { stride: c.stride, padding: c.pad, dilation: c.dil, groups: c.groups, bias: c.bias });
      const sd: Record<string, import('../../src').Tensor> = { weight: npy(c.w) };
      if (c.bias) sd.bias = npy(c.b);
      m.loadStateDict(sd);
      const inputs: Record<string, number[]> = { x: [...x.dims], offset: [...off.dims] };
      const feeds: Record<string, import('../../src').Tensor> = { x, offset: off };
      if (c.mask) { const mk = npy(c.m); inputs.mask = [...mk.dims]; feeds.mask = mk; }
      const g = m.trace(inputs, { dynamicBatch: false });
      expect(g.opset).toBe(19);
      expect(g.nodes.map((n) => n.op)).toEqual(['DeformConv']);
      expect(g.outputs[0].shape).toEqual([...want.dims]);
      const y = await runGraph(g, feeds);
      expect(maxAbs(y, want)).toBeLessThan(2e-5);
      // MACs count like a regular conv of that geometry
      const w = m.weight.shape;
      expect(graphCost(g).macs).toBe(want.dims.reduce((a: number, b: number) => a * b, 1) * w[1] * w[2] * w[3]);
    });
  }

  it('DeformConv2dPack starts as the plain conv (zero-initialised offsets), and its offsets move it', async () => {
    const p = new DeformConv2dPack(4, 6, 3, { padding: 1, stride: 2, bias: false });
    const c = new Conv2d(4, 6, 3, { padding: 1, stride: 2, bias: false });
    c.weight.set(p.weight.tensor());
    expect(p.stateDict().has('conv_offset.weight')).toBe(true);
    expect([...p.stateDict().keys()]).toEqual(['weight', 'conv_offset.weight', 'conv_offset.bias']);
    const x = npy(cases.deform[0].x);
    const a = await runGraph(p.trace([...x.dims]), { input: x });
    const b = await runGraph(c.trace([...x.dims]), { input: x });
    expect(maxAbs(a, b)).toBeLessThan(1e-5);
    p.conv_offset.bias!.set(new Float32Array(18).fill(0.37));
    const d = await runGraph(p.trace([...x.dims]), { input: x });
    expect(maxAbs(d, b)).toBeGreaterThan(1e-2);
  });

  it('fails at trace time on inconsistent shapes', () => {
    const m = new DeformConv2d(4, 6, 3, { padding: 1 });
    expect(() => m.trace({ x: [1, 4, 7, 7], offset: [1, 17, 7, 7] })).toThrow(ShapeError);
    expect(() => m.trace({ x: [1, 4, 7, 7], offset: [1, 18, 6, 7] })).toThrow(/offset has the wrong shape/);
    expect(() => m.trace({ x: [1, 3, 7, 7], offset: [1, 18, 7, 7] })).toThrow(/input has 3 channels/);
    expect(() => m.trace({ x: [1, 4, 7, 7], offset: [1, 54, 7, 7] })).toThrow(/offset groups/);
    expect(() => m.trace({ x: [1, 4, 7, 7], offset: [1, 18, 7, 7], mask: [1, 8, 7, 7] })).toThrow(/mask/);
    expect(() => new DeformConv2d(4, 6, 3, { groups: 4 })).toThrow(ConfigError);
    expect(() => new DeformConv2d(4, 6, 0)).toThrow(ConfigError);
  });

  it('exports to ONNX with opset 19', () => {
    const m = new DeformConv2dPack(4, 4, 3, { padding: 1 });
    const bytes = toOnnx(m.trace([1, 4, 8, 8]));
    expect(bytes.length).toBeGreaterThan(100);
  });
});
