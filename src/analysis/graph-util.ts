/**
 * Helpers shared by the analyses: turning a model, a session or a graph into a Graph; which values are
 * constant (computed from initializers only); parameter aliases of imported ONNX; module path prefixes.
 */
import { ConfigError, CnnlabError, fmtShape } from '../errors';
import { Dim, Graph, Initializer } from '../graph/ir';
import { Module } from '../nn/module';
import { BYTES_PER_ELEMENT, DType } from '../tensor/tensor';

/** Anything with a graph: a Session (`session.graph`) or a Graph itself. */
export interface HasGraph { readonly graph: Graph }

export type ModelLike = Module | Graph | HasGraph;

export function isHasGraph(x: unknown): x is HasGraph {
  if (x === null || typeof x !== 'object') return false;
  try { return (x as { graph?: unknown }).graph instanceof Graph; } catch { return false; }
}

/**
 * The graph of a module tree (traced at `inputShape`), a Graph, or a Session.
 * `where` names the caller for error messages.
 */
export function resolveGraph(m: ModelLike, inputShape: readonly number[] | undefined, where: string): Graph {
  if (m instanceof Graph || isHasGraph(m)) {
    const g = m instanceof Graph ? m : m.graph;
    // a graph has its shapes already: an input shape given too must agree with them
    const s = g.inputs[0]?.shape;
    if (inputShape && s && (s.length !== inputShape.length || s.some((d, i) => typeof d === 'number' && d !== inputShape[i]))) {
      throw new ConfigError(`${where}: the graph was made for another input shape`, {
        expected: `${fmtShape(s)} (trace the module again, or import the ONNX file with inputShapes, for another shape)`, got: fmtShape(inputShape), where,
      });
    }
    return g;
  }
  if (m instanceof Module) {
    // zoo models know their own input size
    const shape = inputShape ?? m.defaultInputShape;
    if (!shape) {
      throw new ConfigError(`${where}: a module needs an input shape to be traced`, { expected: 'e.g. [1, 3, 224, 224]', got: 'no input shape', where });
    }
    if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || d <= 0)) {
      throw new ConfigError(`${where}: invalid input shape`, { expected: 'positive integers, e.g. [1, 3, 224, 224]', got: String(shape), where });
    }
    return m.trace(shape);
  }
  throw new CnnlabError(`${where}: expected an nn.Module, a Graph or a Session`, { got: m === null ? 'null' : typeof m, where });
}

export function numericShape(s: readonly Dim[] | null | undefined): number[] | null {
  return s && s.every((d) => typeof d === 'number') ? (s as number[]) : null;
}

export const prod = (a: readonly number[]): number => a.reduce((p, q) => p * q, 1);

/** Bytes of a value with a known numeric shape (0 when unknown). */
export function valueBytes(g: Graph, name: string): number {
  const info = g.info(name);
  const s = numericShape(info?.shape);
  if (!info || !s) return 0;
  return prod(s) * BYTES_PER_ELEMENT[info.dtype as DType];
}

/** Values computed from initializers and Constant nodes only (no dependency on a graph input). */
export function staticValues(g: Graph): Set<string> {
  const st = new Set<string>(g.initializers.keys());
  for (const n of g.nodes) {
    const ins = n.inputs.filter(Boolean);
    if (ins.every((i) => st.has(i))) for (const o of n.outputs) if (o) st.add(o);
  }
  return st;
}

export interface ParamRef {
  /** the name the parameter is counted under (the initializer, or an Identity alias in exported ONNX) */
  name: string;
  init: Initializer;
  size: number;
  bytes: number;
}

/**
 * Initializers by value name, plus the outputs of Identity nodes copying an initializer: torch's ONNX export
 * replaces parameters with equal values (zero biases) by Identity copies of one of them, named by the
 * parameter's state-dict key. Such an alias counts as the parameter it names, so an imported model has
 * torch's parameter count.
 */
export function paramRefs(g: Graph): Map<string, ParamRef> {
  const m = new Map<string, ParamRef>();
  for (const init of g.initializers.values()) {
    const size = prod(init.dims);
    m.set(init.name, { name: init.name, init, size, bytes: size * BYTES_PER_ELEMENT[init.dtype] });
  }
  for (const n of g.nodes) {
    if (n.op !== 'Identity' || !n.outputs[0]) continue;
    const src = m.get(n.inputs[0]);
    if (src) m.set(n.outputs[0], { ...src, name: n.outputs[0] });
  }
  return m;
}

/** '' and every prefix of a module path: 'a.b.c' → ['', 'a', 'a.b', 'a.b.c']. */
export function pathPrefixes(path: string): string[] {
  const out = [''];
  if (!path) return out;
  const segs = path.split('.');
  for (let i = 1; i <= segs.length; i++) out.push(segs.slice(0, i).join('.'));
  return out;
}

export function pathDepth(path: string): number {
  return path ? path.split('.').length : 0;
}

/** Module paths of a graph in first-call order ('' first): the tracer's module types, then the prefixes of node paths. */
export function modulePaths(g: Graph): string[] {
  const paths: string[] = [''];
  const seen = new Set<string>(['']);
  for (const p of g.moduleTypes.keys()) if (!seen.has(p)) { seen.add(p); paths.push(p); }
  for (const n of g.nodes) for (const p of pathPrefixes(n.module)) if (!seen.has(p)) { seen.add(p); paths.push(p); }
  return paths;
}

/** The output value of a module: its last call's (traced), else the last output of a node under it; the graph output for ''. */
export function moduleOutputs(g: Graph): Map<string, string> {
  const last = new Map<string, string>();
  for (const n of g.nodes) if (n.outputs[0]) for (const p of pathPrefixes(n.module)) last.set(p, n.outputs[0]);
  for (const [p, v] of g.moduleOutputs) last.set(p, v);
  if (g.outputs[0]) last.set('', g.outputs[0].name);
  return last;
}

/** Integer contents of a constant input (initializer or Constant node), if any. */
export function constInts(g: Graph, name: string | undefined): number[] | undefined {
  if (!name) return undefined;
  const init = g.initializers.get(name);
  let t = init ? init.value() : undefined;
  if (!t) {
    const n = g.nodes.find((x) => x.op === 'Constant' && x.outputs[0] === name);
    const a = n?.attrs.value;
    if (a && a.type === 'tensor') t = a.value;
  }
  return t ? t.toArray().map(Number) : undefined;
}
