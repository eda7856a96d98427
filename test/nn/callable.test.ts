import { describe, expect, it } from 'vitest';
import { inspect } from 'util';
import { nn, Tensor, Session } from '../../src';
import { CnnlabError } from '../../src/errors';
import type { SymTensor } from '../../src/nn/trace';

class Block extends nn.Module {
  conv = new nn.Conv2d(3, 8, 3, { padding: 1 });
  bn = new nn.BatchNorm2d(8);
  act = new nn.ReLU();
  forward(x: SymTensor): SymTensor {
    return this.act(this.bn(this.conv(x))); // the PyTorch way
  }
}

class SameWithCall extends nn.Module {
  conv = new nn.Conv2d(3, 8, 3, { padding: 1 });
  bn = new nn.BatchNorm2d(8);
  act = new nn.ReLU();
  forward(x: SymTensor): SymTensor {
    return this.act.call(this.bn.call(this.conv.call(x)));
  }
}

describe('modules are callable as in PyTorch', () => {
  it('this.act(x) traces the same graph, module paths included, as this.act.call(x)', () => {
    const a = new Block(), b = new SameWithCall();
    const ga = a.trace([1, 3, 8, 8]), gb = b.trace([1, 3, 8, 8]);
    expect(ga.nodes.map((n) => [n.op, n.module])).toEqual([['Conv', 'conv'], ['BatchNormalization', 'bn'], ['Relu', 'act']]);
    expect(ga.nodes.map((n) => [n.op, n.module, n.outputs.map((o) => ga.shapeOf(o))])).toEqual(gb.nodes.map((n) => [n.op, n.module, n.outputs.map((o) => gb.shapeOf(o))]));
  });

  it('still a module: instanceof, children, parameters, repr', () => {
    const m = new Block();
    expect(m).toBeInstanceOf(nn.Module);
    expect(typeof m).toBe('function');
    expect(m.namedChildren().map(([k]) => k)).toEqual(['conv', 'bn', 'act']);
    expect(m.namedParameters().map(([k]) => k)).toContain('bn.running_var');
    expect(inspect(m)).toBe('Block(\n  (conv): Conv2d(3, 8, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))\n  (bn): BatchNorm2d(8, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)\n  (act): ReLU()\n)');
    expect(new nn.Sequential(new nn.ReLU(), new nn.ReLU()).length).toBe(2);
  });

  it('calling a module on data outside tracing says how to run it', async () => {
    const m = new Block();
    const x = Tensor.randn([1, 3, 8, 8], { seed: 1 });
    expect(() => m(x)).toThrow(CnnlabError);
    expect(() => m(x)).toThrow(/Block was called outside tracing.*Session.create\(model.trace/);
    const s = await Session.create(m.trace([1, 3, 8, 8]));
    expect((await s.run(x)).output.dims).toEqual([1, 8, 8, 8]);
  });
});
