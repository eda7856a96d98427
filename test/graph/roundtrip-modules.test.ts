/**
 * cnnlab's own ONNX export read back: module paths come from cnnlab's node names (`layer1.0.conv1/Conv_4`)
 * as they do from torch's (`/layer1/layer1.0/conv1/Conv`), so the summary of the file equals the summary
 * of the traced model, row for row.
 */
import { describe, expect, it } from 'vitest';
import { zoo } from '../../src';
import { fromOnnx, modulePathFromNodeName, toOnnx } from '../../src/graph/onnx';
import { summaryData } from '../../src/analysis/summary';

describe('module paths survive cnnlab → ONNX → cnnlab', () => {
  it('node names: cnnlab producer rule, torch rule, and nothing guessed for other producers', () => {
    expect(modulePathFromNodeName('layer1.0.conv1/Conv_4', 'cnnlab')).toBe('layer1.0.conv1');
    expect(modulePathFromNodeName('features.3.squeeze/Conv_12', 'cnnlab')).toBe('features.3.squeeze');
    expect(modulePathFromNodeName('/Flatten_67', 'cnnlab')).toBe('');
    expect(modulePathFromNodeName('layer1.0.conv1/Conv_4', 'tf2onnx')).toBe('');
    expect(modulePathFromNodeName('/layer1/layer1.0/conv1/Conv', 'pytorch')).toBe('layer1.0.conv1');
  });

  for (const name of ['resnet18', 'mobilenet_v2', 'densenet121'] as const) {
    it(`${name}: the summary of the exported file equals the traced model's (depth 2)`, () => {
      const traced = zoo.create(name).trace([1, 3, 64, 64]);
      const read = fromOnnx(toOnnx(traced));
      expect(read.nodes.filter((n) => n.module === '').length).toBe(traced.nodes.filter((n) => n.module === '').length);
      expect(read.nodes.map((n) => n.module)).toEqual(traced.nodes.map((n) => n.module));
      const row = (r: { path: string; type: string; params: number; macs: number; outputShape: unknown }) => [r.path, r.type, r.params, r.macs, r.outputShape];
      const a = summaryData(traced, undefined, { depth: 2 }), b = summaryData(read, undefined, { depth: 2 });
      expect(b.rows.map(row)).toEqual(a.rows.map(row));
      // not one top-level row with all the cost (what a file without module paths gives)
      expect(b.rows.filter((r) => r.depth === 1 && r.macs > 0).length).toBeGreaterThan(1);
    });
  }
});
