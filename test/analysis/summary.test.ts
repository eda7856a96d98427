import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nn, ConfigError, JUPYTER_DISPLAY } from '../../src';
import { fromOnnx } from '../../src/graph/onnx';
import { summary } from '../../src/api/analysis';
import { MIME } from '../../src/display/schema';
import type { SummaryRow } from '../../src/display/analysis-schema';
import { SymTensor } from '../../src/nn/trace';
import * as zoo from '../../src/zoo';

const FIX = join(__dirname, '..', 'fixtures');
interface RefRow { params: number; buffers: number; macs: number; outputShape: number[] | null }
const REF = JSON.parse(readFileSync(join(FIX, 'analysis', 'reference.json'), 'utf8')) as {
  modules: Record<string, Record<string, RefRow>>; totals: Record<string, RefRow>;
};

const { Module, Conv2d, BatchNorm2d, ReLU, MaxPool2d, Linear, Sequential, F } = nn;

/** A small net whose every count is worked out by hand below. */
class HandNet extends Module {
  body = new Sequential(new Conv2d(3, 4, 3, { padding: 1 }), new BatchNorm2d(4), new ReLU(), new MaxPool2d(2));
  fc = new Linear(128, 10);
  forward(x: SymTensor): SymTensor {
    const y = this.body.call(x);            // [1, 4, 4, 4]
    const z = F.concat([y, F.add(y, y)], 1); // add [1,4,4,4], concat [1,8,4,4]
    return this.fc.call(F.flatten(z, 1));    // [1, 128] → [1, 10]
  }
}

describe('summary: counts worked out by hand', () => {
  const s = summary(new HandNet(), [1, 3, 8, 8], { depth: 2 });
  const row = (p: string) => s.rows.find((r) => r.path === p)!;
  it('MACs, params, buffers and other ops', () => {
    // conv: Cout·Hout·Wout·Cin·k² = 4·8·8·3·9 = 6912; fc: 128·10 = 1280
    expect(row('body.0').macs).toBe(6912);
    expect(row('fc').macs).toBe(1280);
    expect(s.totals.macs).toBe(6912 + 1280);
    expect(s.totals.flops).toBe(2 * (6912 + 1280));
    // params: conv 4·3·9 + 4 = 112, BN 4 + 4 = 8 (+ 8 buffers), fc 1280 + 10
    expect(row('body.0').params).toBe(112);
    expect(row('body.1')).toMatchObject({ params: 8, buffers: 8 });
    expect(row('body').params).toBe(120);
    expect(s.totals).toMatchObject({ params: 112 + 8 + 1290, buffers: 8, paramBytes: 4 * 1410, bufferBytes: 32 });
    // other ops: BN 4·8·8 = 256 elements, ReLU 256, max pool 2×2: 64 outputs × 4 = 256, add 64, concat 128
    expect(s.totals.otherOps).toEqual({ bn: 256, activation: 256, pooling: 256, add: 64, mul: 0, concat: 128, other: 0 });
    // functional ops of the root get their own rows
    expect(row('/Add')).toMatchObject({ kind: 'op', depth: 1, outputShape: [1, 4, 4, 4], other: { add: 64 } });
    expect(row('/Concat')).toMatchObject({ kind: 'op', outputShape: [1, 8, 4, 4] });
    expect(row('fc').macsPercent).toBeCloseTo((100 * 1280) / 8192, 10);
    // activations: conv, bn, relu 256·4 each, pool 64·4, add 64·4, concat 128·4, flatten 128·4, fc 10·4
    expect(s.totals.activationBytes).toBe(4 * (3 * 256 + 64 + 64 + 128 + 128 + 10));
    expect(s.totals.inputBytes).toBe(4 * 3 * 64);
  });
  it('orders rows as a tree and aggregates to the depth asked', () => {
    expect(s.rows.map((r) => r.path)).toEqual(['', 'body', 'body.0', 'body.1', 'body.2', 'body.3', '/Add', '/Concat', 'fc']);
    const d1 = summary(new HandNet(), [1, 3, 8, 8], { depth: 1 });
    expect(d1.rows.map((r) => r.path)).toEqual(['', 'body', '/Add', '/Concat', 'fc']);
    expect(d1.rows.find((r) => r.path === 'body')).toMatchObject({ leaf: true, macs: 6912, params: 120, outputShape: [1, 4, 4, 4] });
    expect(summary(new HandNet(), [1, 3, 8, 8], { depth: 0 }).rows.map((r) => r.path)).toEqual(['']);
  });
  it('counts a shared parameter once', () => {
    class Shared extends Module {
      conv = new Conv2d(4, 4, 3, { padding: 1 });
      forward(x: SymTensor): SymTensor { return this.conv.call(this.conv.call(x)); }
    }
    const sh = summary(new Shared(), [1, 4, 6, 6]);
    expect(sh.totals.params).toBe(4 * 4 * 9 + 4);
    expect(sh.totals.macs).toBe(2 * 4 * 36 * 4 * 9);
    // one row per call (torchinfo's layout); the second call's parameters are the first's: "(recursive)"
    const calls = sh.rows.filter((r) => r.path === 'conv');
    expect(calls.map((r) => [r.call, r.calls, r.params, r.macs])).toEqual([[1, 2, 148, 5184], [2, 2, 0, 5184]]);
    expect(String(sh[JUPYTER_DISPLAY]()['text/plain']).split('\n').filter((l) => l.includes('conv: Conv2d'))[1]).toContain('(recursive)');
  });
  it('a module reused in one forward gets a row at each call, in call order (torchvision Bottleneck\'s relu)', () => {
    const r50 = summary(zoo.create('resnet50'), [1, 3, 224, 224]);
    const block = r50.rows.filter((r) => (r.path.startsWith('layer1.0.') || r.path.startsWith('layer1.0/')) && r.depth === 3);
    // torchvision's Bottleneck.forward: conv1 bn1 relu conv2 bn2 relu conv3 bn3 downsample (+) relu
    expect(block.map((r) => r.name)).toEqual(['conv1', 'bn1', 'relu', 'conv2', 'bn2', 'relu', 'conv3', 'bn3', 'downsample', 'Add', 'relu']);
    expect(block.filter((r) => r.name === 'relu').map((r) => r.outputShape)).toEqual([[1, 64, 56, 56], [1, 64, 56, 56], [1, 256, 56, 56]]);
    // rows at the leaves still add up to the totals
    expect(r50.rows.filter((r) => r.leaf).reduce((a, r) => a + r.macs, 0)).toBe(4_089_184_256);
  });
});

describe('summary against torchvision (forward hooks, committed reference)', () => {
  for (const name of ['resnet50', 'mobilenet_v2']) {
    it(`${name}: every module to depth 2`, () => {
      const s = summary(zoo.create(name), [1, 3, 224, 224], { depth: 2 });
      const ref = REF.modules[name];
      const modRows = s.rows.filter((r) => r.kind === 'module' && r.path !== '');
      expect(modRows.map((r) => r.path).sort()).toEqual(Object.keys(ref).sort());
      for (const r of modRows) {
        expect({ path: r.path, params: r.params, buffers: r.buffers, macs: r.macs, outputShape: r.outputShape })
          .toEqual({ path: r.path, ...ref[r.path] });
      }
      const t = REF.totals[name];
      expect(s.totals).toMatchObject({ params: t.params, buffers: t.buffers, macs: t.macs, flops: 2 * t.macs });
      expect(s.rows[0].outputShape).toEqual(t.outputShape);
    });
  }
  it('resnet50: 25,557,032 params and 4,089,184,256 MACs', () => {
    const s = summary(zoo.create('resnet50'), [1, 3, 224, 224]);
    expect(s.totals.params).toBe(25_557_032);
    expect(s.totals.macs).toBe(4_089_184_256);
    expect(s.text()).toContain('Trainable params: 25,557,032');
    expect(s.text()).toContain('Total MACs: 4,089,184,256');
  });
  it('an imported torch ONNX file (squeezenet1_1): module paths from node names, torch\'s counts', () => {
    const g = fromOnnx(readFileSync(join(FIX, 'onnx', 'squeezenet1_1.onnx')));
    const s = summary(g, undefined, { depth: 2 });
    const t = REF.totals.squeezenet1_1;
    expect(s.totals.params).toBe(t.params); // zero biases the exporter merged into Identity copies count as theirs
    expect(s.totals.macs).toBe(t.macs);
    const fire = s.rows.find((r) => r.path === 'features.3')!;
    // Fire(64, 16, 64, 64): squeeze 64·16 + 16, expand1x1 16·64 + 64, expand3x3 16·64·9 + 64
    expect(fire.params).toBe(64 * 16 + 16 + 16 * 64 + 64 + 16 * 64 * 9 + 64);
    expect(fire.outputShape).toEqual([1, 128, 55, 55]);
    expect(s.rows.find((r) => r.path === 'classifier.1')).toMatchObject({ type: 'Conv2d', outputShape: [1, 1000, 13, 13] });
  });
  it('an imported ONNX file with functional ops at the root (tinycnn)', () => {
    const s = summary(fromOnnx(readFileSync(join(FIX, 'onnx', 'tinycnn.onnx'))), undefined, { depth: 1 });
    const paths = s.rows.map((r) => r.path);
    expect(paths).toEqual(['', 'stem', 'branch_a', 'branch_b', '/Concat', '/Add', 'pool', 'head']);
    expect(s.rows.find((r) => r.path === '/Concat')!.other).toEqual({ concat: 2 * 16 * 17 * 16 });
  });
});

describe('summary display and conventions', () => {
  const model = zoo.create('mobilenet_v2');
  it('is a Jupyter display object whose summary+json is json()', () => {
    const s = summary(model, [1, 3, 224, 224], { depth: 1 });
    const b = s[JUPYTER_DISPLAY]();
    expect(b[MIME.summary]).toEqual(s.json());
    expect(typeof b['text/plain']).toBe('string');
    expect(b['text/plain']).toContain('features: Sequential');
    expect(JSON.parse(JSON.stringify(s.json()))).toEqual(s.json());
    expect(s.json().convention.flops).toBe('FLOPs = 2·MACs');
  });
  it('paperConvention drops the other ops and prints the papers\' units; the counts stay exact', () => {
    const plain = summary(model, [1, 3, 224, 224]);
    const paper = summary(model, [1, 3, 224, 224], { paperConvention: true });
    expect(paper.totals.macs).toBe(plain.totals.macs);
    expect(paper.totals.otherOps).toBeNull();
    expect(plain.totals.otherOps!.bn).toBeGreaterThan(0);
    expect(paper.rows.every((r: SummaryRow) => r.other === undefined)).toBe(true);
    expect(paper.text()).toContain('Mult-Adds');
    expect(paper.text()).toContain('301M');
    expect(paper.text()).toContain('3.5M');
    expect(paper.text()).not.toContain('Other ops');
    expect(plain.text()).toContain('Other ops (not in MACs)');
  });
  it('takes a Session too (its graph)', async () => {
    const { Session } = await import('../../src');
    const s = await Session.create(new HandNet().trace([1, 3, 8, 8]));
    expect(summary(s).totals.macs).toBe(6912 + 1280);
    await s.release();
  });
  it('bad input', () => {
    // a module built by hand has no input shape of its own; a zoo model has (its default input)
    expect(() => summary(new HandNet())).toThrow(ConfigError);
    expect(summary(model).json().inputs[0].shape).toEqual([1, 3, 224, 224]);
    expect(() => summary(model, [1, 3, 224, 224], { depth: -1 })).toThrow(/depth/);
    expect(() => summary(model, [1, 3, 0, 224])).toThrow(ConfigError);
    expect(() => summary({} as never, [1])).toThrow(/Module, a Graph or a Session/);
    const g = model.trace([1, 3, 224, 224]);
    expect(summary(g, [1, 3, 224, 224]).totals.macs).toBe(summary(g).totals.macs);
    expect(() => summary(g, [1, 3, 160, 160])).toThrow(/another input shape/);
  });
});
