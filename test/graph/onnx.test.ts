import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fromOnnx, toOnnx, modulePathFromNodeName } from '../../src/graph/onnx';
import { graphCost } from '../../src/graph/cost';
import { Session } from '../../src/runtime/session';
import { readNpy } from '../../src/tensor/npy';
import * as zoo from '../../src/zoo';
import { CnnlabError, ParseError } from '../../src/errors';
import { TinyNet, maxAbsDiff, randn } from '../helpers/models';

const FIX = join(__dirname, '../fixtures/onnx');
const PY = '/usr/bin/python3';
const hasOnnxPy = (() => { try { execFileSync(PY, ['-c', 'import onnx'], { stdio: 'ignore' }); return true; } catch { return false; } })();

describe('ONNX writing', () => {
  it('round-trips the IR: nodes, attributes, initializers, module paths', () => {
    const g = new TinyNet().trace([2, 3, 17, 19]);
    const g2 = fromOnnx(toOnnx(g), { inputShapes: { input: [2, 3, 17, 19] } });
    expect(fromOnnx(toOnnx(g)).inputs[0].shape).toEqual([1, 3, 17, 19]); // symbolic batch 'N' defaults to 1
    expect(g2.nodes.map((n) => n.op)).toEqual(g.nodes.map((n) => n.op));
    // float attributes are stored as float32 in ONNX
    const f32 = (attrs: object) => JSON.parse(JSON.stringify(attrs, (k, v) => (typeof v === 'number' ? Math.fround(v) : v)));
    expect(g2.nodes.map((n) => f32(n.attrs))).toEqual(g.nodes.map((n) => f32(n.attrs)));
    expect([...g2.initializers.keys()].sort()).toEqual([...g.initializers.keys()].sort());
    for (const [k, init] of g.initializers) expect(Array.from(g2.initializers.get(k)!.value().data as Float32Array)).toEqual(Array.from(init.value().data as Float32Array));
    expect(g2.opset).toBe(17);
    expect(g2.outputs[0].shape).toEqual([2, 5]);
    expect([...g2.moduleTypes.entries()]).toEqual([...g.moduleTypes.entries()]);
    // every value's inferred shape survives re-inference
    for (const [k, v] of g.values) expect(g2.values.get(k)?.shape, k).toEqual(v.shape);
  });

  it('graph.toOnnx() (DESIGN.md\'s surface) writes the same bytes as toOnnx(graph)', () => {
    const g = new TinyNet().trace([1, 3, 9, 9]);
    expect(Buffer.from(g.toOnnx()).equals(Buffer.from(toOnnx(g)))).toBe(true);
    expect(fromOnnx(g.toOnnx({ dynamicBatch: false })).inputs[0].shape).toEqual([1, 3, 9, 9]);
  });

  it.skipIf(!hasOnnxPy)('passes onnx.checker (full_check) for traced models', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cnnlab-onnx-'));
    const files: string[] = [];
    for (const [name, model, shape] of [
      ['tiny', new TinyNet(), [1, 3, 17, 19]],
      ['mobilenet_v2', zoo.create('mobilenet_v2'), [1, 3, 96, 96]],
      ['resnet18', zoo.create('resnet18'), [1, 3, 64, 64]],
    ] as const) {
      const f = join(dir, `${name}.onnx`);
      writeFileSync(f, toOnnx(model.trace([...shape])));
      files.push(f);
    }
    const out = execFileSync(PY, ['-c', [
      'import sys, onnx',
      'for f in sys.argv[1:]:',
      '    m = onnx.load(f); onnx.checker.check_model(m, full_check=True)',
      '    print("ok", f, m.ir_version, m.opset_import[0].version)',
    ].join('\n'), ...files], { encoding: 'utf8' });
    expect(out.trim().split('\n')).toHaveLength(files.length);
    expect(out).toMatch(/ok .* 8 17/);
  });

  it('runs on ONNX Runtime with a dynamic batch', async () => {
    const g = new TinyNet().trace([1, 3, 17, 19]);
    const s = await Session.create(g);
    const x1 = randn([1, 3, 17, 19], 1), x3 = randn([3, 3, 17, 19], 2);
    const y1 = (await s.run({ input: x1 })).output;
    const y3 = (await s.run({ input: x3 })).output;
    expect(y1.dims).toEqual([1, 5]);
    expect(y3.dims).toEqual([3, 5]);
  });
});

describe('ONNX reading (files exported by torch 1.13 / torchvision 0.14)', () => {
  for (const name of ['tinycnn', 'squeezenet1_1']) {
    it(`${name}: module paths, shapes, and torch's logits within 1e-4`, async () => {
      const bytes = readFileSync(join(FIX, `${name}.onnx`));
      const x = readNpy(readFileSync(join(FIX, `${name}.input.npy`)));
      const want = readNpy(readFileSync(join(FIX, `${name}.logits.npy`)));
      const g = fromOnnx(bytes, { inputShapes: { input: [...x.dims] } });
      expect(g.outputs[0].shape).toEqual([...want.dims]);
      expect(g.nodes.every((n) => g.values.get(n.outputs[0])?.shape !== null)).toBe(true);
      // re-exported by cnnlab and run
      for (const model of [bytes, toOnnx(g)]) {
        const s = await Session.create(model);
        const y = (await s.run({ input: x })).output;
        expect(maxAbsDiff(y.data as Float32Array, want.data as Float32Array)).toBeLessThan(1e-4);
        await s.release();
      }
    });
  }

  it('derives module paths from torch node names', () => {
    expect(modulePathFromNodeName('/layer1/layer1.0/conv1/Conv')).toBe('layer1.0.conv1');
    expect(modulePathFromNodeName('/features/features.3/squeeze/Conv')).toBe('features.3.squeeze');
    expect(modulePathFromNodeName('/Flatten')).toBe('');
    expect(modulePathFromNodeName('Conv_12')).toBe('');
    const g = fromOnnx(readFileSync(join(FIX, 'squeezenet1_1.onnx')));
    expect(g.nodes.some((n) => n.module === 'features.3.squeeze')).toBe(true);
    expect(g.resolveTap('features.3')).toBe(g.nodes.filter((n) => n.module.startsWith('features.3')).at(-1)!.outputs[0]);
  });

  it('counts MACs of torch-exported SqueezeNet 1.1 as forward hooks in torch do', () => {
    const g = fromOnnx(readFileSync(join(FIX, 'squeezenet1_1.onnx')));
    // independent reference: forward hooks on torchvision's squeezenet1_1 summing
    // out.numel()·(Cin/groups)·kh·kw over Conv2d and out.numel()·in over Linear give 349,151,936
    expect(graphCost(g).macs).toBe(349151936);
  });

  it('rejects bad bytes with ParseError', () => {
    expect(() => fromOnnx(new Uint8Array([0x0a, 0xff, 0xff, 0xff, 0x0f]))).toThrow(ParseError);
    expect(() => fromOnnx(new Uint8Array([]))).toThrow(CnnlabError);
  });
});

it("ResNet-50 through ONNX and back keeps torchvision's counts: 25,557,032 parameters, 4,089,184,256 MACs", () => {
  // torchvision's ResNet-50 logits against a torch export are the developer check scripts/check-all-torchvision.sh;
  // here the writer and reader must keep every weight and every convolution of the 4.09 GMAC model
  const g = zoo.create('resnet50').trace([1, 3, 224, 224]);
  const back = fromOnnx(toOnnx(g));
  let params = 0;
  for (const init of back.initializers.values()) if (init.kind === 'parameter') params += init.dims.reduce((a, b) => a * b, 1);
  expect(params).toBe(25_557_032);
  expect(graphCost(back).macs).toBe(4_089_184_256);
  expect(back.nodes.filter((n) => n.op === 'Conv')).toHaveLength(53);
  // the written batch dimension is symbolic; the reader makes it 1 unless told otherwise
  expect(back.outputs[0].shape).toEqual([1, 1000]);
});
