import { describe, expect, it } from 'vitest';
import { loadFixtures, buildNet, stateDict, relErr, maxAbs } from './spec';
import { setupGrad, runGrad } from './gradcheck';

const { cases, tensors } = loadFixtures();
const f32 = (k: string) => tensors.get(k)!.data as Float32Array;

describe('gradients against PyTorch autograd (test/fixtures/train/gen_grads.py, float64 references)', () => {
  for (const c of cases.filter((x) => x.type === 'grad')) {
    it(c.id, async () => {
      const net = buildNet(c.layers!);
      net.loadStateDict(stateDict(tensors, `${c.id}/sd/`));
      const s = await setupGrad(net, c.input!);
      const r = await runGrad(s, f32(`${c.id}/input`), { output: f32(`${c.id}/R`) });
      expect(relErr(r.outputs.output, f32(`${c.id}/output`))).toBeLessThan(1e-5);
      expect(relErr(r.grads.input, f32(`${c.id}/grad/input`)), 'd input').toBeLessThan(1e-5);
      // a gradient that is zero in exact arithmetic (a conv bias before BN) is compared on the case's scale
      const scale = Math.max(...s.wrt.map((w) => maxAbs(f32(`${c.id}/grad/${w}`))));
      for (const name of s.wrt.filter((w) => w !== 'input')) {
        expect(relErr(r.grads[name], f32(`${c.id}/grad/${name}`), 1e-2 * scale), `d ${name}`).toBeLessThan(1e-5);
      }
      for (const [k, v] of Object.entries(r.next)) expect(relErr(v, f32(`${c.id}/after/${k}`)), k).toBeLessThan(1e-6);
      expect(Object.keys(r.next).length).toBe([...tensors.keys()].filter((k) => k.startsWith(`${c.id}/after/`)).length);
    });
  }
});
