import { describe, expect, it } from 'vitest';
import { Graph, Node, ValueInfo } from '../../src/graph/ir';
import { activationMemory } from '../../src/analysis/memory';
import { summary } from '../../src/api/analysis';
import * as zoo from '../../src/zoo';
import { TinyNet } from '../helpers/models';

/**
 * A hand-built graph with a branch (an SE-like gate beside the identity path, then a concat):
 *   x[1,2,4,4] → n0 Relu → a[1,2,4,4]
 *   a → n1 GlobalAveragePool → s[1,2,1,1] → n2 Sigmoid → t[1,2,1,1]
 *   a, t → n3 Mul → m[1,2,4,4]
 *   a, m → n4 Concat(axis 1) → c[1,4,4,4]
 *   c → n5 GlobalAveragePool → y[1,4,1,1]          outputs: y and s
 * float32 bytes: x 128, a 128, s 8, t 8, m 128, c 256, y 16.
 */
function branchGraph(): Graph {
  const g = new Graph();
  const v = (name: string, shape: number[]): ValueInfo => {
    const info: ValueInfo = { name, dtype: 'float32', shape };
    g.values.set(name, info);
    return info;
  };
  g.inputs = [v('x', [1, 2, 4, 4])];
  v('a', [1, 2, 4, 4]); v('s', [1, 2, 1, 1]); v('t', [1, 2, 1, 1]); v('m', [1, 2, 4, 4]); v('c', [1, 4, 4, 4]); v('y', [1, 4, 1, 1]);
  const node = (name: string, op: string, inputs: string[], outputs: string[], attrs: Node['attrs'] = {}): Node =>
    ({ name, op, domain: '', inputs, outputs, attrs, module: '' });
  g.nodes = [
    node('n0', 'Relu', ['x'], ['a']),
    node('n1', 'GlobalAveragePool', ['a'], ['s']),
    node('n2', 'Sigmoid', ['s'], ['t']),
    node('n3', 'Mul', ['a', 't'], ['m']),
    node('n4', 'Concat', ['a', 'm'], ['c'], { axis: { type: 'int', value: 1 } }),
    node('n5', 'GlobalAveragePool', ['c'], ['y']),
  ];
  g.outputs = [g.values.get('y')!, g.values.get('s')!];
  return g;
}

describe('peak live activation memory', () => {
  it('matches the hand computation on a graph with a branch', () => {
    const g = branchGraph();
    // Live intervals (steps = node indices): x −1..0, a 0..4, s 1..2 (1..5 when outputs stay live), t 2..3,
    // m 3..4, c 4..5, y 5..5.
    // outputs live:  step0 x+a = 256; 1 a+s = 136; 2 a+s+t = 144; 3 a+s+t+m = 272; 4 a+s+m+c = 520; 5 s+c+y = 280
    const withOut = activationMemory(g);
    expect(withOut.liveBytes).toEqual([256, 136, 144, 272, 520, 280]);
    expect(withOut.peakBytes).toBe(520);
    expect(withOut.peakIndex).toBe(4);
    expect(withOut.inputBytes).toBe(128);
    expect(withOut.activationBytes).toBe(128 + 8 + 8 + 128 + 256 + 16);
    // outputs freed after their last use: s lives 1..2 only
    const noOut = activationMemory(g, { includeOutputs: false });
    expect(noOut.liveBytes).toEqual([256, 136, 144, 264, 512, 272]);
    expect(noOut.peakBytes).toBe(512);
    // without the input: step 0 holds only a
    const noIn = activationMemory(g, { includeInputs: false });
    expect(noIn.liveBytes[0]).toBe(128);
    expect(noIn.peakBytes).toBe(520);
  });

  it('is what summary() reports, with the peak node', () => {
    const s = summary(branchGraph(), undefined, { depth: 1 });
    expect(s.totals.peakActivationBytes).toBe(520);
    expect(s.totals.peakAt).toMatchObject({ index: 4, node: 'n4', op: 'Concat' });
    expect(s.totals.activationBytes).toBe(544);
    expect(s.totals.inputBytes).toBe(128);
    expect(s.totals.peakIncludesOutputs).toBe(true);
    expect(summary(branchGraph(), undefined, { outputsLive: false }).totals.peakActivationBytes).toBe(512);
  });

  /** An independent schedule simulation: reference counts, allocate outputs, free inputs after their last use. */
  function simulate(g: Graph): number {
    const bytes = (v: string) => (g.shapeOf(v) as number[]).reduce((a, b) => a * b, 1) * 4;
    const isInit = (v: string) => g.initializers.has(v);
    const consumers = new Map<string, number>();
    for (const n of g.nodes) for (const i of n.inputs) if (i && !isInit(i)) consumers.set(i, (consumers.get(i) ?? 0) + 1);
    const outputs = new Set(g.outputs.map((o) => o.name));
    const staticV = new Set(g.initializers.keys());
    for (const n of g.nodes) if (n.inputs.filter(Boolean).every((i) => staticV.has(i))) n.outputs.forEach((o) => staticV.add(o));
    let live = 0;
    for (const i of g.inputs) live += bytes(i.name);
    let peak = 0;
    for (const n of g.nodes) {
      for (const o of n.outputs) if (o && !staticV.has(o)) live += bytes(o);
      peak = Math.max(peak, live);
      for (const i of new Set(n.inputs)) {
        if (!i || staticV.has(i)) continue;
        const left = consumers.get(i)! - n.inputs.filter((x) => x === i).length;
        consumers.set(i, left);
        if (left === 0 && !outputs.has(i)) live -= bytes(i);
      }
      for (const o of n.outputs) if (o && !staticV.has(o) && !consumers.get(o) && !outputs.has(o)) live -= bytes(o);
    }
    return peak;
  }

  it('agrees with a reference-counting schedule simulation on traced models', () => {
    for (const g of [new TinyNet().trace([2, 3, 33, 31]), zoo.create('resnet50').trace([1, 3, 224, 224]), zoo.create('mobilenet_v2').trace([1, 3, 160, 160])]) {
      expect(activationMemory(g).peakBytes).toBe(simulate(g));
    }
  });
});
