/**
 * A stand-alone gradient graph: the training-mode forward of a traced graph plus its backward, for upstream
 * gradients fed as inputs. Inputs: the model inputs, parameters and buffers (by state-dict key), dropout masks,
 * and `grad:<output>` per model output. Outputs: the model outputs, `grad:<name>` for every trainable parameter
 * and every input named in `wrtInputs`, and `<buffer>:next` for updated buffers. Used by the gradient tests and
 * for inspecting gradients (e.g. gradient-based saliency).
 */
import { Graph, ValueInfo } from '../graph/ir';
import { MaskInput, emitBackward, emitForward } from './autodiff';
import { Builder } from './builder';

export interface GradientGraph {
  graph: Graph;
  params: string[];
  wrt: string[];
  masks: MaskInput[];
}

export const gradName = (name: string) => `grad:${name}`;

export function gradientGraph(fwd: Graph, opts: { wrtInputs?: string[]; bnMomentum?: (module: string) => number } = {}): GradientGraph {
  const b = new Builder(`${fwd.name}-grad`);
  const tf = emitForward(fwd, b, { bnMomentum: opts.bnMomentum });
  const params = [...fwd.initializers.values()].filter((i) => i.kind === 'parameter').map((i) => i.name);
  const wrt = [...params, ...(opts.wrtInputs ?? [])];
  const seeds = new Map<string, string>();
  for (const o of fwd.outputs) {
    seeds.set(o.name, gradName(o.name));
    b.g.inputs.push({ name: gradName(o.name), dtype: 'float32', shape: [...(o.shape ?? [])] });
  }
  const grads = emitBackward(tf, seeds, wrt);
  const outputs: ValueInfo[] = fwd.outputs.map((o) => ({ ...o }));
  for (const w of wrt) {
    b.node('Identity', [grads.get(w)!], {}, { outputs: [gradName(w)] });
    outputs.push({ name: gradName(w), dtype: 'float32', shape: [...b.shape(w)] });
  }
  for (const [buf, v] of tf.bufferUpdates) {
    b.node('Identity', [v], {}, { outputs: [`${buf}:next`] });
    outputs.push({ name: `${buf}:next`, dtype: 'float32', shape: [...b.shape(buf)] });
  }
  b.g.outputs = outputs;
  return { graph: b.g, params, wrt, masks: tf.masks };
}
