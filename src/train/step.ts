/**
 * The training-step graph: one ONNX graph holding forward (training mode), loss, backward and the optimiser
 * update. Inputs: the batch, the targets, parameters, buffers, optimiser state, dropout masks and the
 * optimiser's scalars. Outputs: `loss`, `correct` (cross-entropy), `grad_sq` (Σg² per parameter, for the
 * non-finite check) and `<name>:next` for every parameter, state tensor and updated buffer.
 */
import { Graph } from '../graph/ir';
import { ValueInfo } from '../graph/ir';
import { MaskInput, checkDifferentiable, emitBackward, emitForward } from './autodiff';
import { Builder } from './builder';
import { EmittedLoss, LossSpec, emitLoss } from './loss';
import { Optimizer } from './optim';
import { int } from './rules/types';

export interface StepGraph {
  graph: Graph;
  /** trainable parameters (state-dict keys), in model order */
  params: { name: string; shape: number[] }[];
  /** buffers (BN running statistics), in model order; `updated` when the step writes them */
  buffers: { name: string; shape: number[]; updated: boolean }[];
  /** optimiser state inputs: `<param>.<key>` */
  state: { name: string; param: string; shape: number[] }[];
  masks: MaskInput[];
  scalars: readonly string[];
  input: ValueInfo;
  target: EmittedLoss['target'];
  hasCorrect: boolean;
}

export const nextName = (name: string) => `${name}:next`;

export interface StepOptions {
  loss: LossSpec;
  optimizer: Optimizer;
  bnMomentum?: (module: string) => number;
}

/** Checks, before any graph is built, that every op between the parameters and the output has a gradient. */
export function checkTrainable(fwd: Graph): void {
  const params = [...fwd.initializers.values()].filter((i) => i.kind === 'parameter').map((i) => i.name);
  checkDifferentiable(fwd, params, fwd.outputs.map((o) => o.name));
}

export function buildStepGraph(fwd: Graph, o: StepOptions): StepGraph {
  const b = new Builder(`${fwd.name}-train-step`);
  const tf = emitForward(fwd, b, { bnMomentum: o.bnMomentum });
  const inits = [...fwd.initializers.values()];
  const params = inits.filter((i) => i.kind === 'parameter').map((i) => ({ name: i.name, shape: [...i.dims] }));
  const output = fwd.outputs[0].name;
  const loss = emitLoss(b, o.loss, output);
  b.g.inputs.push({ name: loss.target.name, dtype: loss.target.dtype, shape: loss.target.shape });
  const grads = emitBackward(tf, new Map([[output, loss.seed]]), params.map((p) => p.name));
  for (const s of o.optimizer.scalarNames) b.g.inputs.push({ name: s, dtype: 'float32', shape: [] });

  const outputs: ValueInfo[] = [{ name: 'loss', dtype: 'float32', shape: [] }];
  b.node('Identity', [loss.loss], {}, { outputs: ['loss'], module: 'loss' });
  if (loss.correct) {
    b.node('Identity', [loss.correct], {}, { outputs: ['correct'], module: 'loss' });
    outputs.push({ name: 'correct', dtype: 'float32', shape: [] });
  }
  const sq = params.map((p) => b.reshape(b.op('ReduceSumSquare', [grads.get(p.name)!], { keepdims: int(1) }, 'optimizer'), [1], 'optimizer'));
  b.node('Concat', sq, { axis: int(0) }, { outputs: ['grad_sq'], module: 'optimizer' });
  outputs.push({ name: 'grad_sq', dtype: 'float32', shape: [params.length] });

  const state: StepGraph['state'] = [];
  for (const p of params) {
    const names = o.optimizer.stateKeys.map((k) => `${p.name}.${k}`);
    for (const n of names) {
      state.push({ name: n, param: p.name, shape: p.shape });
      b.g.inputs.push({ name: n, dtype: 'float32', shape: p.shape });
    }
    const m = p.name.split('.').slice(0, -1).join('.');
    const upd = o.optimizer.emit(b, p.name, grads.get(p.name)!, names, m);
    b.node('Identity', [upd.p], {}, { outputs: [nextName(p.name)], module: m });
    outputs.push({ name: nextName(p.name), dtype: 'float32', shape: p.shape });
    upd.state.forEach((s, k) => {
      b.node('Identity', [s], {}, { outputs: [nextName(names[k])], module: m });
      outputs.push({ name: nextName(names[k]), dtype: 'float32', shape: p.shape });
    });
  }
  const buffers = inits.filter((i) => i.kind === 'buffer').map((i) => ({ name: i.name, shape: [...i.dims], updated: tf.bufferUpdates.has(i.name) }));
  for (const buf of buffers) {
    if (!buf.updated) continue;
    b.node('Identity', [tf.bufferUpdates.get(buf.name)!], {}, { outputs: [nextName(buf.name)], module: 'buffers' });
    outputs.push({ name: nextName(buf.name), dtype: 'float32', shape: buf.shape });
  }
  b.g.outputs = outputs;
  return {
    graph: b.g, params, buffers, state, masks: tf.masks, scalars: o.optimizer.scalarNames,
    input: fwd.inputs[0], target: loss.target, hasCorrect: !!loss.correct,
  };
}
