import { describe, expect, it } from 'vitest';
import { ConfigError, Session, Tensor, zoo, nn } from '../../src';
import { graphCost } from '../../src/graph/cost';
import { toOnnx } from '../../src/graph/onnx';
import { randn, maxAbsDiff } from '../helpers/models';

// Table 1 of Szegedy et al.: input channels, #1×1, #3×3 reduce, #3×3, #5×5 reduce, #5×5, pool proj
const TABLE1 = [
  [192, 64, 96, 128, 16, 32, 32], [256, 128, 128, 192, 32, 96, 64],
  [480, 192, 96, 208, 16, 48, 64], [512, 160, 112, 224, 24, 64, 64], [512, 128, 128, 256, 24, 64, 64],
  [512, 112, 144, 288, 32, 64, 64], [528, 256, 160, 320, 32, 128, 128],
  [832, 256, 160, 320, 32, 128, 128], [832, 384, 192, 384, 48, 128, 128],
];

/** Parameters by hand. paper: convs with bias, 5×5 third branch; torchvision: BN (2/channel), no bias, 3×3. */
function googlenetParams(paper: boolean, aux: boolean): number {
  const conv = (cin: number, cout: number, k: number) => cin * cout * k * k + (paper ? cout : 2 * cout);
  let n = conv(3, 64, 7) + conv(64, 64, 1) + conv(64, 192, 3);
  for (const [c, a, r3, b, r5, d, p] of TABLE1) {
    n += conv(c, a, 1) + conv(c, r3, 1) + conv(r3, b, 3) + conv(c, r5, 1) + conv(r5, d, paper ? 5 : 3) + conv(c, p, 1);
  }
  n += 1024 * 1000 + 1000;
  if (aux) for (const c of [512, 528]) n += conv(c, 128, 1) + 2048 * 1024 + 1024 + 1024 * 1000 + 1000;
  return n;
}

async function run(m: nn.Module, shape: number[], seed = 1): Promise<Record<string, Tensor>> {
  const s = await Session.create(toOnnx(m.trace(shape)), { device: 'cpu' });
  try { return await s.run({ input: randn(shape, seed) }); } finally { await s.release(); }
}

describe('googlenet', () => {
  it('has 6,624,904 parameters without aux heads (hand count from Table 1 agrees) and 1.498 GMACs', () => {
    const m = zoo.create('googlenet');
    expect(m.numParameters()).toBe(6_624_904);
    expect(googlenetParams(false, false)).toBe(6_624_904);
    const macs = graphCost(m.trace(zoo.inputShape('googlenet'))).macs;
    expect((macs / 1e9).toFixed(3)).toBe('1.498'); // torchvision's GFLOPS
  });

  it('auxLogits adds the two heads: 13,004,888 parameters (torchvision with aux_logits=True)', () => {
    expect(zoo.create('googlenet', { auxLogits: true }).numParameters()).toBe(13_004_888);
    expect(googlenetParams(false, true)).toBe(13_004_888);
  });

  it("paper: true — 5×5 branches, biases instead of BN: parameters as counted from Table 1", () => {
    const m = zoo.create('googlenet', { paper: true });
    expect(m.numParameters()).toBe(googlenetParams(true, false));
    expect(zoo.create('googlenet', { paper: true, auxLogits: true }).numParameters()).toBe(googlenetParams(true, true));
    const keys = new Set(m.namedParameters().map(([k]) => k));
    expect(keys.has('inception3a.branch3.1.conv.bias')).toBe(true);
    expect(keys.has('inception3a.branch3.1.bn.weight')).toBe(false);
    const g = m.trace([1, 3, 224, 224]);
    expect(g.nodes.filter((n) => n.op === 'LRN').map((n) => n.module)).toEqual(['lrn1', 'lrn2']);
    expect(g.nodes.some((n) => n.op === 'BatchNormalization')).toBe(false);
    // Figure 3: pool1 → LRN → conv2 (1×1) → conv3 (3×3) → LRN → pool2
    const producer = (v: string) => g.nodes.find((n) => n.outputs.includes(v))!;
    const [l1, l2] = g.nodes.filter((n) => n.op === 'LRN');
    expect([producer(l1.inputs[0]).op, producer(l1.inputs[0]).module]).toEqual(['MaxPool', 'maxpool1']);
    expect([producer(l2.inputs[0]).op, producer(l2.inputs[0]).module]).toEqual(['Relu', 'conv3']);
    expect(g.nodes.find((n) => n.module === 'maxpool2')!.inputs[0]).toBe(l2.outputs[0]);
    expect(g.nodes.find((n) => n.op === 'Conv' && n.module === 'conv2.conv')!.inputs[0]).toBe(l1.outputs[0]);
  });

  it('builds, traces, exports and runs on CPU (64×64), with and without aux heads', async () => {
    const y = await run(zoo.create('googlenet'), [2, 3, 64, 64]);
    expect(y.output.dims).toEqual([2, 1000]);
    const ya = await run(zoo.create('googlenet', { auxLogits: true }), [1, 3, 64, 64]);
    expect(Object.keys(ya).sort()).toEqual(['aux1', 'aux2', 'output']);
    for (const t of Object.values(ya)) expect(t.dims).toEqual([1, 1000]);
    const yp = await run(zoo.create('googlenet', { paper: true }), [1, 3, 64, 64]);
    expect((yp.output.data as Float32Array).every(Number.isFinite)).toBe(true);
  });

  it("the paper's aux heads (5×5/3 pool to 4×4) run at 224×224", async () => {
    const y = await run(zoo.create('googlenet', { paper: true, auxLogits: true }), [1, 3, 224, 224]);
    expect(Object.keys(y).sort()).toEqual(['aux1', 'aux2', 'output']);
    expect((y.aux2.data as Float32Array).every(Number.isFinite)).toBe(true);
  });

  it("transformInput is torchvision's per-channel x·std/0.5 + (mean − 0.5)/0.5", async () => {
    const a = zoo.create('googlenet', { transformInput: true });
    const b = zoo.create('googlenet');
    b.loadStateDict(new Map(a.namedParameters().map(([k, p]) => [k, p.tensor()])));
    const shape = [1, 3, 48, 48];
    const x = randn(shape, 5);
    const xt = new Float32Array(x.data as Float32Array);
    const std = [0.229, 0.224, 0.225], mean = [0.485, 0.456, 0.406];
    for (let c = 0; c < 3; c++) for (let i = 0; i < 48 * 48; i++) xt[c * 48 * 48 + i] = xt[c * 48 * 48 + i] * (std[c] / 0.5) + (mean[c] - 0.5) / 0.5;
    const sa = await Session.create(a.trace(shape)), sb = await Session.create(b.trace(shape));
    const ya = (await sa.run({ input: x })).output, yb = (await sb.run({ input: new Tensor('float32', xt, shape) })).output;
    await sa.release(); await sb.release();
    expect(maxAbsDiff(ya.data as Float32Array, yb.data as Float32Array)).toBeLessThan(1e-5);
  });

  it('bad options fail with the allowed values; listed', () => {
    expect(() => zoo.create('googlenet', { paper: 'yes' })).toThrow(ConfigError);
    expect(() => zoo.create('googlenet', { paper: 'yes' })).toThrow(/one of false, true/);
    expect(() => zoo.create('googlenet', { auxLogits: 1 })).toThrow(/invalid auxLogits/);
    expect(zoo.list('*googlenet*')).toEqual(['googlenet']);
    expect(zoo.info('googlenet').paper.citation).toMatch(/Szegedy/);
  });
});
