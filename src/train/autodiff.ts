/**
 * Reverse-mode automatic differentiation over the graph IR. `emitForward` copies a traced forward graph into a
 * Builder in training mode (BN batch statistics, dropout masks as inputs, MaxPool indices kept), with the
 * parameters and buffers as graph inputs; `emitBackward` walks the nodes in reverse from gradient seeds and
 * emits each node's gradient rule, summing gradients of values used more than once.
 */
import { TrainingError } from '../errors';
import { Graph, Node } from '../graph/ir';
import { Module } from '../nn/module';
import { Builder } from './builder';
import { GRAD_RULES } from './rules';
import { ForwardCtx, RuleCtx } from './rules/types';

export interface MaskInput { name: string; shape: readonly number[]; p: number; module: string }

export interface TrainForward {
  b: Builder;
  fwd: Graph;
  /** per forward node index: what its training forward saved */
  saved: Record<string, string>[];
  /** buffer name → its value after the step */
  bufferUpdates: Map<string, string>;
  masks: MaskInput[];
}

export interface ForwardOptions {
  /** BatchNorm momentum by module path (PyTorch's default 0.1) */
  bnMomentum?: (module: string) => number;
}

/** BatchNorm momentum of each module path of a module tree (PyTorch's 0.1 where a module has none). */
export function bnMomentumOf(model: Module): (path: string) => number {
  const mods = new Map(model.namedModules());
  return (path) => {
    const m = mods.get(path) as { momentum?: unknown } | undefined;
    return typeof m?.momentum === 'number' ? m.momentum : 0.1;
  };
}

/** Copies `fwd` into `b` in training mode; its parameters and buffers become graph inputs of the same name. */
export function emitForward(fwd: Graph, b: Builder, opts: ForwardOptions = {}): TrainForward {
  for (const v of fwd.values.values()) if (v.shape && v.shape.every((d) => typeof d === 'number')) b.shapes.set(v.name, v.shape as number[]);
  for (const init of fwd.initializers.values()) {
    b.shapes.set(init.name, init.dims);
    if (init.kind === 'constant') b.g.initializers.set(init.name, init);
    else b.g.inputs.push({ name: init.name, dtype: init.dtype, shape: [...init.dims] });
  }
  b.g.inputs.unshift(...fwd.inputs.map((i) => ({ ...i })));
  const tf: TrainForward = { b, fwd, saved: [], bufferUpdates: new Map(), masks: [] };
  fwd.nodes.forEach((node, i) => {
    const saved: Record<string, string> = {};
    tf.saved[i] = saved;
    const rule = GRAD_RULES[node.op];
    if (rule?.forward) {
      const ctx: ForwardCtx = {
        b, node, m: node.module, saved,
        bnMomentum: (m) => opts.bnMomentum?.(m) ?? 0.1,
        addInput: (name, shape, info) => {
          b.g.inputs.push({ name, dtype: 'float32', shape: [...shape] });
          b.shapes.set(name, shape);
          tf.masks.push({ name, shape, p: info.p, module: node.module });
        },
        updateBuffer: (name, value) => { tf.bufferUpdates.set(name, value); },
      };
      rule.forward(ctx);
    } else {
      b.g.nodes.push({ ...node, inputs: [...node.inputs], outputs: [...node.outputs] });
    }
  });
  return tf;
}

/** Values that depend on any of `wrt` (which need gradients); boolean and integer values carry none. */
export function dependents(fwd: Graph, wrt: Iterable<string>): Set<string> {
  const req = new Set(wrt);
  const isFloat = (v: string) => { const t = fwd.values.get(v)?.dtype ?? 'float32'; return t === 'float32' || t === 'float64'; };
  for (const n of fwd.nodes) if (n.inputs.some((x) => x && req.has(x))) for (const o of n.outputs) if (o && isFloat(o)) req.add(o);
  return req;
}

/** Values from which one of `targets` is computed. */
function ancestors(fwd: Graph, targets: Iterable<string>): Set<string> {
  const reach = new Set(targets);
  for (let k = fwd.nodes.length - 1; k >= 0; k--) {
    const n = fwd.nodes[k];
    if (n.outputs.some((o) => reach.has(o))) for (const x of n.inputs) if (x) reach.add(x);
  }
  return reach;
}

function describe(fwd: Graph, n: Node): string {
  const type = fwd.moduleTypes.get(n.module);
  return `module '${n.module || '<root>'}'${type ? ` (${type})` : ''}`;
}

/** Throws a TrainingError naming the first op (and its module) that would need a gradient but has no rule. */
export function checkDifferentiable(fwd: Graph, wrt: Iterable<string>, targets: Iterable<string>): void {
  const req = dependents(fwd, wrt);
  const reach = ancestors(fwd, targets);
  for (const n of fwd.nodes) {
    if (GRAD_RULES[n.op]) continue;
    if (n.outputs.some((o) => reach.has(o) && req.has(o))) {
      throw new TrainingError(`op '${n.op}' has no gradient`, {
        where: describe(fwd, n), expected: `a model made of differentiable ops (${Object.keys(GRAD_RULES).slice(0, 12).join(', ')}, …)`, got: `${n.op} node '${n.name}'`,
      });
    }
  }
}

/**
 * Emits the backward pass: `seeds` maps forward values (model outputs) to their gradient values; returns the
 * gradient of each name in `wrt` (zeros for one that does not reach the seeds).
 */
export function emitBackward(tf: TrainForward, seeds: Map<string, string>, wrt: readonly string[]): Map<string, string> {
  const { b, fwd } = tf;
  checkDifferentiable(fwd, wrt, seeds.keys());
  const req = dependents(fwd, wrt);
  const acc = new Map<string, string[]>();
  for (const [v, g] of seeds) acc.set(v, [g]);
  const total = (v: string, module: string): string | null => {
    const l = acc.get(v);
    if (!l || !l.length) return null;
    if (l.length === 1) return l[0];
    const s = b.op('Sum', l, {}, module, b.shapes.get(v));
    acc.set(v, [s]);
    return s;
  };
  for (let k = fwd.nodes.length - 1; k >= 0; k--) {
    const node = fwd.nodes[k];
    const need = node.inputs.map((x) => !!x && req.has(x));
    if (!need.some(Boolean)) continue;
    const dy = node.outputs.map((o) => (o ? total(o, node.module) : null));
    if (dy.every((d) => !d)) continue;
    const rule = GRAD_RULES[node.op];
    const ctx: RuleCtx = { b, node, m: node.module, saved: tf.saved[k] };
    const dx = rule.backward(ctx, dy, need);
    dx.forEach((g, i) => {
      if (!g || !need[i]) return;
      const x = node.inputs[i];
      const l = acc.get(x);
      if (l) l.push(g); else acc.set(x, [g]);
    });
  }
  const out = new Map<string, string>();
  for (const w of wrt) {
    const g = total(w, '');
    const shape = b.shape(w);
    out.set(w, g ?? b.op('ConstantOfShape', [b.i64(shape)], {}, '', shape));
  }
  return out;
}
