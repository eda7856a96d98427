import { describe, expect, it } from 'vitest';
import * as fs from 'fs';
import * as path from 'path';
import { inspect } from 'util';
import { zoo, det } from '../../src';
import { toPlain } from '../../kernel/api';

const modules = JSON.parse(fs.readFileSync(path.join(__dirname, '../fixtures/repr/modules.json'), 'utf8')) as { reprs: Record<string, string> };

describe('module repr equals print(model) of torchvision (test/fixtures/repr/gen_module_reprs.py)', () => {
  for (const [key, want] of Object.entries(modules.reprs)) {
    it(key, () => {
      const name = key.replace(/_aux$/, '');
      const m = zoo.create(name, key.endsWith('_aux') ? { auxLogits: true } : {});
      expect(m.toString()).toBe(want);
      expect(inspect(m)).toBe(want); // what a notebook cell shows
    });
  }
});

describe('graph repr', () => {
  it('fits one screen and names inputs, outputs, ops, parameters and top-level modules', () => {
    const g = zoo.resnet18().trace([1, 3, 224, 224]);
    const text = inspect(g);
    const lines = text.split('\n');
    expect(lines.length).toBeLessThanOrEqual(24);
    expect(lines[0]).toBe("Graph 'ResNet' (ONNX opset 17): 69 nodes, 11,689,512 parameters in 62 tensors, 40 buffers");
    expect(lines).toContain('  input input: float32 [1, 3, 224, 224]');
    expect(lines).toContain('  output output: float32 [1, 1000]');
    expect(text).toContain('Conv ×20');
    expect(text).toContain('  modules: conv1, bn1, relu, maxpool, layer1, layer2, layer3, layer4, avgpool, fc');
    // a large graph stays one screen
    const big = zoo.densenet201().trace();
    expect(inspect(big).split('\n').length).toBeLessThanOrEqual(24);
  });
});

describe('COCO result repr', () => {
  const dir = path.join(__dirname, '../fixtures/detection/reference/tiny');
  const expected = JSON.parse(fs.readFileSync(path.join(dir, 'expected.json'), 'utf8'));
  it("is pycocotools' 12-line summarize() block", () => {
    const r = det.evaluate(path.join(dir, 'gt.json'), path.join(dir, 'dt.json'), { style: 'coco' });
    const lines = inspect(r).split('\n');
    expect(lines).toHaveLength(12);
    const f = (v: number) => v.toFixed(3);
    expect(lines[0]).toBe(` Average Precision  (AP) @[ IoU=0.50:0.95 | area=   all | maxDets=100 ] = ${f(expected.coco.stats[0])}`);
    expect(lines[1]).toBe(` Average Precision  (AP) @[ IoU=0.50      | area=   all | maxDets=100 ] = ${f(expected.coco.stats[1])}`);
    expect(lines[6]).toBe(` Average Recall     (AR) @[ IoU=0.50:0.95 | area=   all | maxDets=  1 ] = ${f(expected.coco.stats[6])}`);
    expect(r.stats[0]).toBe(expected.coco.stats[0]);
  });
});

describe('a string as a cell value', () => {
  it('prints as its text, not quoted or split into a concatenation', () => {
    const s = 'line one\nline two, long enough that util.inspect would split it into a quoted concatenation of pieces';
    expect(toPlain(s)).toBe(s);
    expect(toPlain(42)).toBe('42');
  });
});
