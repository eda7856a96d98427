import { describe, expect, it } from 'vitest';
import * as nn from '../../src/nn';
import { Rng } from '../../src/tensor/random';
import { finiteDifferences, randn, runGrad, setupGrad } from './gradcheck';

describe('Dropout in training mode (seeded mask fed as a graph input)', () => {
  it('y = x·mask, d x = dY·mask, and finite differences agree; the trace without training emits no node', async () => {
    nn.seedParameters(3);
    const net = new nn.Sequential(new nn.Linear(6, 5), new nn.Dropout(0.4), new nn.Linear(5, 3));
    expect(net.trace([4, 6]).nodes.some((n) => n.op === 'Dropout' || n.op === 'Mul')).toBe(false);
    const s = await setupGrad(net, [4, 6]);
    expect(s.masks.map((m) => [m.name, m.shape])).toEqual([['dropout_mask:1', [4, 5]]]);
    const rng = new Rng(2);
    const mask = Float32Array.from({ length: 20 }, () => (rng.next() < 0.4 ? 0 : 1 / 0.6));
    const x = randn(24, rng), seed = randn(12, rng);
    const r = await runGrad(s, x, { output: seed }, {}, { 'dropout_mask:1': mask });
    // reference in JS: h = x·W0ᵀ + b0; y = (h·mask)·W1ᵀ + b1
    const [w0, b0, w1, b1] = ['0.weight', '0.bias', '2.weight', '2.bias'].map((k) => s.params[k]);
    const h = Array.from({ length: 20 }, (_, i) => { const n = Math.floor(i / 5), o = i % 5; let v = b0[o]; for (let k = 0; k < 6; k++) v += x[n * 6 + k] * w0[o * 6 + k]; return v * mask[i]; });
    const y = Array.from({ length: 12 }, (_, i) => { const n = Math.floor(i / 3), o = i % 3; let v = b1[o]; for (let k = 0; k < 5; k++) v += h[n * 5 + k] * w1[o * 5 + k]; return v; });
    y.forEach((v, i) => expect(r.outputs.output[i]).toBeCloseTo(v, 5));
    // d b0 = Σ_n (dY·W1)·mask
    const db0 = Array.from({ length: 5 }, (_, o) => { let v = 0; for (let n = 0; n < 4; n++) { let g = 0; for (let j = 0; j < 3; j++) g += seed[n * 3 + j] * w1[j * 5 + o]; v += g * mask[n * 5 + o]; } return v; });
    db0.forEach((v, i) => expect(r.grads['0.bias'][i]).toBeCloseTo(v, 5));
    for (const e of await finiteDifferences(s, x, { output: seed }, { masks: { 'dropout_mask:1': mask } })) {
      expect(Math.abs(e.analytic - e.numeric) / Math.max(Math.abs(e.analytic), 0.05), e.name).toBeLessThan(3e-3);
    }
  });
});
