import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nn, ConfigError } from '../../src';
import { readSafetensors } from '../../src/tensor/safetensors';
import { cases, npy, runGraph, maxAbs, BLOCKS } from '../fixtures/nn/blocks/fixtures';
import { randn } from '../helpers/models';

const { ASPP, resizeBilinearTo, Module } = nn;

describe('ASPP vs torchvision ASPP', () => {
  const c = cases.aspp[0];
  it(`rates [${c.rates}], image pooling, torchvision weights`, async () => {
    const m = new ASPP(c.cin, c.rates, { outChannels: c.cout });
    const { tensors } = readSafetensors(readFileSync(join(BLOCKS, c.weights)), c.weights);
    const r = m.loadStateDict(tensors);
    expect(r.missing).toEqual([]);
    expect([...m.stateDict().keys()]).toContain('convs.4.1.weight');
    expect([...m.stateDict().keys()]).toContain('project.0.weight');
    const x = npy(c.x), want = npy(c.y);
    const y = await runGraph(m.trace([...x.dims]), { input: x });
    expect(maxAbs(y, want)).toBeLessThan(1e-5);
  });

  it('parameter count and branch structure', () => {
    const m = new ASPP(2048, [12, 24, 36]);
    // 1×1 + 3 atrous 3×3 + pooling 1×1 (no bias) + 3 BN pairs... + projection 1280→256
    const conv = 2048 * 256 + 3 * 2048 * 256 * 9 + 2048 * 256 + 1280 * 256;
    expect(m.numParameters()).toBe(conv + 6 * 2 * 256);
    const g = m.trace([1, 2048, 65, 65]);
    expect(g.nodes.filter((n) => n.op === 'Conv').map((n) => n.attrs.dilations)).toHaveLength(6);
    expect(new ASPP(64, [6, 12, 18], { imagePooling: false }).convs.length).toBe(4);
    expect(() => new ASPP(64, [6, 0])).toThrow(ConfigError);
  });
});

describe('bilinear resize (align_corners=False)', () => {
  class Up extends Module {
    constructor(readonly size: [number, number]) { super(); }
    forward(x: import('../../src/nn/trace').SymTensor) { return resizeBilinearTo(x, this.size); }
  }
  /** naive PyTorch upsample_bilinear2d, align_corners=False */
  function naive(x: Float32Array, [n, c, h, w]: number[], oh: number, ow: number): Float32Array {
    const out = new Float32Array(n * c * oh * ow);
    const src = (o: number, inS: number, outS: number) => Math.max(0, (inS / outS) * (o + 0.5) - 0.5);
    for (let p = 0; p < n * c; p++) for (let i = 0; i < oh; i++) for (let j = 0; j < ow; j++) {
      const y = src(i, h, oh), xx = src(j, w, ow);
      const y0 = Math.floor(y), x0 = Math.floor(xx), y1 = Math.min(y0 + 1, h - 1), x1 = Math.min(x0 + 1, w - 1);
      const ly = y - y0, lx = xx - x0;
      const at = (a: number, b: number) => x[(p * h + a) * w + b];
      out[(p * oh + i) * ow + j] = (1 - ly) * ((1 - lx) * at(y0, x0) + lx * at(y0, x1)) + ly * ((1 - lx) * at(y1, x0) + lx * at(y1, x1));
    }
    return out;
  }
  for (const [inS, outS] of [[[1, 1], [9, 11]], [[17, 17], [130, 130]], [[5, 7], [33, 19]], [[65, 65], [520, 520]]] as [number[], [number, number]][]) {
    it(`${inS.join('×')} → ${outS.join('×')}`, async () => {
      const dims = [1, 2, inS[0], inS[1]];
      const t = randn(dims, 7);
      const data = t.data;
      const g = new Up(outS).trace(dims);
      expect(g.outputs[0].shape!.slice(2)).toEqual(outS);
      const y = await runGraph(g, { input: t });
      const want = naive(data, dims, outS[0], outS[1]);
      let m = 0;
      for (let i = 0; i < want.length; i++) m = Math.max(m, Math.abs(want[i] - (y.data as Float32Array)[i]));
      expect(m).toBeLessThan(1e-5);
    });
  }
});
