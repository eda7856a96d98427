import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { onnx } from 'onnx-proto';
import { afterAll, describe, expect, it } from 'vitest';
import { nn, zoo } from '../../src';
import { Graph } from '../../src/graph/ir';
import { fromOnnx, toOnnx } from '../../src/graph/onnx';
import { SymTensor } from '../../src/nn/trace';
import { Rng } from '../../src/tensor/random';
import { Tensor } from '../../src/tensor/tensor';
import { randn } from '../helpers/models';

const { Module, Conv2d, ConvTranspose2d, Linear, DeformConv2d, F } = nn;

/** Every node of the written file, as ONNX stores it (no cnnlab reader in between). */
function writtenNodes(bytes: Uint8Array): { op: string; input: string[]; output: string[] }[] {
  const m = onnx.ModelProto.decode(bytes);
  return (m.graph?.node ?? []).map((n) => ({ op: n.opType ?? '', input: [...(n.input ?? [])], output: [...(n.output ?? [])] }));
}
const trailingEmpty = (names: string[]) => names.length > 0 && names[names.length - 1] === '';

/** One node of each op cnnlab emits with optional inputs left absent. */
class Optionals extends Module {
  conv = new Conv2d(3, 4, 3, { padding: 1, bias: false });
  deconv = new ConvTranspose2d(4, 4, 2, { stride: 2, bias: false });
  deform = new DeformConv2d(4, 4, 3, { padding: 1, bias: false });
  fc = new Linear(4, 2, { bias: false });
  forward(x: SymTensor): SymTensor {
    let y = F.relu6(this.conv.call(x)); // Clip
    y = this.deconv.call(y); // ConvTranspose
    y = F.resize2d(y, { scale: 0.5, mode: 'nearest' }); // Resize: roi absent, scales present, sizes absent
    const offset = F.mul(F.concat(Array.from({ length: 18 }, () => F.slice(y, [0], [1], [1])), 1), new Tensor('float32', Float32Array.of(0.25), []));
    y = this.deform.call(y, offset); // DeformConv: bias and mask absent
    y = F.pad2d(F.slice(y, [0, 0], [4, 4], [2, 3]), [1, 1, 1, 1]); // Slice: steps absent; Pad: constant_value/axes absent
    return this.fc.call(F.flatten(F.globalAvgPool(y))); // Gemm: C absent
  }
}

describe('absent optional inputs are omitted, never written as trailing empty names', () => {
  const g = new Optionals().trace([1, 3, 8, 8]);

  it('the traced IR carries no trailing empty input, and keeps the empty name where a later input follows', () => {
    const ops = new Set(g.nodes.map((n) => n.op));
    for (const op of ['Conv', 'ConvTranspose', 'Clip', 'Resize', 'DeformConv', 'Slice', 'Pad', 'Gemm']) expect(ops, op).toContain(op);
    for (const n of g.nodes) expect(trailingEmpty(n.inputs), `${n.name}: [${n.inputs.join(', ')}]`).toBe(false);
    expect(g.nodes.find((n) => n.op === 'Conv')!.inputs).toHaveLength(2);
    expect(g.nodes.find((n) => n.op === 'ConvTranspose')!.inputs).toHaveLength(2);
    expect(g.nodes.find((n) => n.op === 'Gemm')!.inputs).toHaveLength(2);
    expect(g.nodes.find((n) => n.op === 'DeformConv')!.inputs).toHaveLength(3);
    const resize = g.nodes.find((n) => n.op === 'Resize')!;
    expect(resize.inputs).toHaveLength(3);
    expect(resize.inputs[1]).toBe('');
    for (const n of g.nodes.filter((x) => x.op === 'Slice')) expect(n.inputs).toHaveLength(4);
  });

  it('the written file has them omitted too, and ONNX Runtime runs it', async () => {
    const bytes = toOnnx(g);
    for (const n of writtenNodes(bytes)) expect(trailingEmpty(n.input), `${n.op}: [${n.input.join(', ')}]`).toBe(false);
    const s = await ort.InferenceSession.create(bytes);
    const out = await s.run({ input: new ort.Tensor('float32', randn([1, 3, 8, 8]).data, [1, 3, 8, 8]) });
    expect(out.output.dims).toEqual([1, 2]);
    await s.release();
  });

  it('the writer strips trailing empty inputs and outputs of any node (e.g. BatchNormalization\'s optional outputs)', () => {
    const h = new Graph();
    h.inputs = [{ name: 'x', dtype: 'float32', shape: [1, 2, 3, 3] }];
    h.values.set('x', h.inputs[0]);
    for (const k of ['w', 'b', 'm', 'v']) {
      const t = new Tensor('float32', Float32Array.of(1, 0.5), [2]);
      h.initializers.set(k, { name: k, dtype: 'float32', dims: [2], kind: 'parameter', value: () => t });
    }
    const scales = new Tensor('float32', Float32Array.of(1, 1, 2, 2), [4]);
    h.initializers.set('scales', { name: 'scales', dtype: 'float32', dims: [4], kind: 'constant', value: () => scales });
    h.nodes = [
      { name: 'bn', op: 'BatchNormalization', domain: '', inputs: ['x', 'w', 'b', 'm', 'v'], outputs: ['y', '', ''], attrs: {}, module: '' },
      { name: 'clip', op: 'Clip', domain: '', inputs: ['y', '', ''], outputs: ['c'], attrs: {}, module: '' },
      { name: 'resize', op: 'Resize', domain: '', inputs: ['c', '', 'scales', ''], outputs: ['r'], attrs: {}, module: '' },
    ];
    h.outputs = [{ name: 'r', dtype: 'float32', shape: [1, 2, 6, 6] }];
    const written = writtenNodes(toOnnx(h));
    expect(written.map((n) => [n.input, n.output])).toEqual([
      [['x', 'w', 'b', 'm', 'v'], ['y']],
      [['y'], ['c']],
      [['c', '', 'scales'], ['r']],
    ]);
  });

  it('the reader keeps the IR clean when a file has trailing empty names', () => {
    const m = onnx.ModelProto.decode(toOnnx(g));
    for (const n of m.graph!.node!) if (n.opType === 'Conv') n.input = [...n.input!, ''];
    const back = fromOnnx(onnx.ModelProto.encode(m).finish());
    for (const n of back.nodes) expect(trailingEmpty(n.inputs), n.name).toBe(false);
    expect(back.nodes.find((n) => n.op === 'Conv')!.inputs).toHaveLength(2);
  });
});

// ---------------------------------------------------------------- ONNX Runtime's own optimized graph

const dir = mkdtempSync(join(tmpdir(), 'cnnlab-ortopt-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Random BatchNorm statistics and affine parameters, so a wrong fold would change the outputs. */
function randomiseBatchNorms(m: InstanceType<typeof Module>): void {
  const rng = new Rng(7);
  for (const [name, p] of m.namedParameters()) {
    if (p.shape.length !== 1) continue; // BatchNorm's four vectors (and biases, harmlessly)
    const a = new Float32Array(p.shape[0]);
    rng.fillUniform(a, 0, 1);
    if (name.endsWith('running_var')) for (let i = 0; i < a.length; i++) a[i] = a[i] + 0.5;
    else if (name.endsWith('running_mean') || name.endsWith('bias')) for (let i = 0; i < a.length; i++) a[i] = (a[i] - 0.5) * 0.2;
    else for (let i = 0; i < a.length; i++) a[i] = a[i] * 0.4 + 0.3;
    p.set(a);
  }
}

async function optimizedByOrt(bytes: Uint8Array, name: string): Promise<Uint8Array> {
  const path = join(dir, `${name}.opt.onnx`);
  // 'extended' holds Conv+BatchNormalization fusion and writes a portable file (no machine-specific layouts)
  const s = await ort.InferenceSession.create(bytes, { graphOptimizationLevel: 'extended', optimizedModelFilePath: path });
  await s.release();
  return readFileSync(path);
}

async function runUnoptimized(bytes: Uint8Array, x: Float32Array): Promise<Float32Array> {
  const s = await ort.InferenceSession.create(bytes, { graphOptimizationLevel: 'disabled' });
  const inName = s.inputNames[0];
  const out = await s.run({ [inName]: new ort.Tensor('float32', x, [1, 3, 224, 224]) });
  await s.release();
  return out[s.outputNames[0]].data as Float32Array;
}

describe('ONNX Runtime folds every BatchNormalization of cnnlab-traced networks', () => {
  for (const name of ['resnet50', 'mobilenet_v2']) {
    it(`${name}: no BatchNormalization left in ORT's optimized graph, outputs unchanged`, async () => {
      const model = zoo.create(name);
      randomiseBatchNorms(model);
      const bytes = toOnnx(model.trace([1, 3, 224, 224]));
      const before = fromOnnx(bytes).nodes.filter((n) => n.op === 'BatchNormalization').length;
      expect(before).toBe(name === 'resnet50' ? 53 : 52);
      const opt = await optimizedByOrt(bytes, name);
      const after = fromOnnx(opt);
      expect(after.nodes.filter((n) => n.op === 'BatchNormalization')).toHaveLength(0);
      expect(after.nodes.filter((n) => n.op === 'Conv' || n.op === 'FusedConv').length).toBe(name === 'resnet50' ? 53 : 52);
      const x = randn([1, 3, 224, 224], 3).data as Float32Array;
      const [want, got] = [await runUnoptimized(bytes, x), await runUnoptimized(opt, x)];
      expect(got.length).toBe(1000);
      let maxAbs = 0, scale = 0;
      for (let i = 0; i < want.length; i++) { maxAbs = Math.max(maxAbs, Math.abs(got[i] - want[i])); scale = Math.max(scale, Math.abs(want[i])); }
      expect(scale).toBeGreaterThan(0.01);
      expect(maxAbs / scale).toBeLessThan(1e-4);
    }, 120_000);
  }
});
