import { inspect } from 'util';
import { CnnlabError, ConfigError, NotFoundError, WeightLoadError, fmtShape } from '../errors';
import { Graph } from '../graph/ir';
import { DType, Tensor } from '../tensor/tensor';
import { Parameter, sameShape } from './parameter';
import { SymTensor, Tracer } from './trace';

/**
 * Calling a module runs its `forward` under its module path: `this.act(x)` is `this.act.call(x)`, typed as
 * `call` is (any arguments, any result, as `forward` signatures differ between modules).
 */
export interface Module {
  (...args: any[]): any;
}

export type ForwardValue = SymTensor | SymTensor[] | Record<string, SymTensor>;

/** Input spec for tracing: one shape, several shapes, or named inputs with dtypes. */
export type TraceInput =
  | readonly number[]
  | readonly (readonly number[])[]
  | Record<string, readonly number[] | { shape: readonly number[]; dtype?: DType }>;

export interface TraceOptions {
  /** make dimension 0 of inputs and outputs symbolic ('N') in the exported ONNX (default true) */
  dynamicBatch?: boolean;
  /** names of the graph outputs (default `output`, or `output0..` for several, or the record's keys) */
  outputNames?: string[];
  /** trace in training mode (PyTorch's `model.train()`): Dropout emits a `Dropout` node (default false) */
  training?: boolean;
}

/** A weight-load error lists this many keys in its message (all are in `error.mismatches`). */
export const MAX_LISTED_MISMATCHES = 20;

/** The README section that says how to make a weights file from torchvision. */
export const WEIGHTS_RECIPE = "README.md, 'Weights from torchvision' (torchvision state_dict → safetensors, a few lines of Python)";

/** A weights file that cannot be opened: a NotFoundError pointing at the recipe (other errors pass through). */
export function weightsFileError(path: string, e: unknown): unknown {
  const code = (e as { code?: string })?.code ?? ((e as { cause?: { code?: string } })?.cause?.code);
  if (e instanceof NotFoundError || code === 'ENOENT' || code === 'EISDIR' || code === 'EACCES') {
    return new NotFoundError(`weights file not found: ${path}`, { expected: `a safetensors file; to make one see ${WEIGHTS_RECIPE}`, got: code ?? 'no such file', where: path });
  }
  return e;
}

function findTracer(args: unknown[]): Tracer | undefined {
  for (const a of args) {
    if (a instanceof SymTensor) return a.tracer;
    if (Array.isArray(a)) { const t = findTracer(a); if (t) return t; }
  }
  return undefined;
}

/**
 * A layer or a block, PyTorch-style. Child modules and parameters are the instance's fields, in
 * declaration order; their names make the state-dict keys (`layer1.0.conv1.weight`), torchvision's.
 * A module is callable as in PyTorch: `this.act(x)` is `this.act.call(x)` (typed by its `forward`).
 */
export abstract class Module {
  constructor() {
    // the instance is a function whose prototype chain is the module's class, so `m(x)` runs `m.call(x)`
    const self = ((...args: unknown[]) => (self as unknown as Module).call(...args)) as unknown as Module;
    delete (self as { name?: unknown }).name;
    delete (self as { length?: unknown }).length;
    Object.setPrototypeOf(self, new.target.prototype);
    return self;
  }

  /** torch's class name, shown in summaries (defaults to the JS class name) */
  get typeName(): string {
    return this.constructor.name;
  }

  abstract forward(...args: any[]): ForwardValue;

  /** Runs `forward` under this module's path; use it (not `forward`) to call children. */
  call(...args: any[]): any {
    const tracer = findTracer(args);
    if (!tracer) {
      throw new CnnlabError(`${this.typeName} was called outside tracing`, {
        expected: 'symbolic tensors, inside a forward() that trace() runs; to run on data: '
          + 'const s = await Session.create(model.trace([1, 3, 224, 224])); const out = await s.run(x)',
        got: args.length ? args.map((a) => (a === null ? 'null' : typeof a === 'object' || typeof a === 'function' ? (a as object).constructor?.name ?? 'object' : typeof a)).join(', ') : 'no arguments',
        where: `${this.typeName}.call`,
      });
    }
    const path = tracer.modulePaths.get(this);
    if (path === undefined) {
      throw new CnnlabError(`a ${this.typeName} was called that is not part of the traced module tree`, {
        where: tracer.path || '<root>', expected: 'children assigned as fields of their parent module',
      });
    }
    tracer.enter(path, this.typeName);
    try {
      const out = this.forward(...args);
      if (out instanceof SymTensor) tracer.graph.moduleOutputs.set(path, out.name);
      return out;
    } catch (e) {
      // A check of this module failed at its own path: name the module in the message.
      if (e instanceof CnnlabError && e.where === (path || '<root>')) e.atModule(this.typeName);
      throw e;
    } finally {
      tracer.exit();
    }
  }

  /** Direct children, in declaration order. */
  namedChildren(): [string, Module][] {
    const out: [string, Module][] = [];
    for (const [k, v] of Object.entries(this)) if (v instanceof Module) out.push([k, v]);
    return out;
  }

  /** Own parameters and buffers, in declaration order. */
  ownParameters(): [string, Parameter][] {
    const out: [string, Parameter][] = [];
    for (const [k, v] of Object.entries(this)) if (v instanceof Parameter) out.push([k, v]);
    return out;
  }

  /** Every module of the tree with its path ('' for this one). */
  namedModules(prefix = ''): [string, Module][] {
    const out: [string, Module][] = [[prefix, this]];
    for (const [k, m] of this.namedChildren()) out.push(...m.namedModules(prefix ? `${prefix}.${k}` : k));
    return out;
  }

  /** State-dict entries: parameters and buffers with torchvision's key names, torch's order. */
  namedParameters(prefix = ''): [string, Parameter][] {
    const out: [string, Parameter][] = [];
    const own = this.ownParameters();
    for (const [k, p] of own) if (p.trainable) out.push([prefix + k, p]);
    for (const [k, p] of own) if (!p.trainable) out.push([prefix + k, p]);
    for (const [k, m] of this.namedChildren()) out.push(...m.namedParameters(`${prefix}${k}.`));
    return out;
  }

  /**
   * 'random' while every trainable parameter still holds its seeded initialisation (no weights loaded or
   * trained), 'set' once any was loaded (`loadWeights`, `loadStateDict`) or trained; 'none' without parameters.
   * Traced graphs carry it (`graph.metadata.weights = 'random'`), so summaries, predictions and CAM titles say so.
   */
  weightsState(): 'random' | 'set' | 'none' {
    const ps = this.namedParameters().filter(([, p]) => p.trainable);
    if (!ps.length) return 'none';
    return ps.some(([, p]) => p.assigned) ? 'set' : 'random';
  }

  /** Number of trainable parameters. */
  numParameters(): number {
    return this.namedParameters().reduce((a, [, p]) => a + (p.trainable ? p.size : 0), 0);
  }

  stateDict(): Map<string, Tensor> {
    return new Map(this.namedParameters().map(([k, p]) => [k, p.tensor()]));
  }

  /**
   * Loads a state dict. Strict by default: missing, unexpected and wrongly shaped tensors are all
   * reported in one WeightLoadError and nothing is changed. `num_batches_tracked` is ignored.
   */
  loadStateDict(tensors: Map<string, Tensor> | Record<string, Tensor>, opts: { strict?: boolean; where?: string } = {}): { loaded: string[]; missing: string[]; unexpected: string[] } {
    const strict = opts.strict ?? true;
    const src = tensors instanceof Map ? tensors : new Map(Object.entries(tensors));
    const own = new Map(this.namedParameters());
    const mismatches: WeightLoadError['mismatches'] = [];
    const missing: string[] = [], unexpected: string[] = [];
    for (const k of own.keys()) if (!src.has(k)) missing.push(k);
    for (const k of src.keys()) if (!own.has(k) && !k.endsWith('num_batches_tracked')) unexpected.push(k);
    for (const [k, t] of src) {
      const p = own.get(k);
      if (!p) continue;
      if (!sameShape(t.dims, p.shape)) mismatches.push({ key: k, problem: 'shape', expected: fmtShape(p.shape), got: fmtShape(t.dims) });
      else if (t.dtype !== 'float32' && t.dtype !== 'float64') mismatches.push({ key: k, problem: 'dtype', expected: 'float32 or float64', got: t.dtype });
    }
    if (strict) {
      for (const k of missing) mismatches.push({ key: k, problem: 'missing' });
      for (const k of unexpected) mismatches.push({ key: k, problem: 'unexpected' });
    }
    if (mismatches.length) {
      const shown = mismatches.slice(0, MAX_LISTED_MISMATCHES);
      const lines = shown.map((m) => `  ${m.key}: ${m.problem}${m.expected ? ` (expected ${m.expected}, got ${m.got})` : ''}`);
      if (mismatches.length > shown.length) lines.push(`  … and ${mismatches.length - shown.length} more (all of them in error.mismatches)`);
      throw new WeightLoadError(
        `weights do not match ${this.typeName}: ${mismatches.length} mismatch${mismatches.length > 1 ? 'es' : ''}; nothing was loaded\n${lines.join('\n')}`,
        mismatches, { where: opts.where },
      );
    }
    const loaded: string[] = [];
    for (const [k, t] of src) {
      const p = own.get(k);
      if (p) { p.set(t, k); loaded.push(k); }
    }
    return { loaded, missing, unexpected };
  }

  /** Loads torchvision/timm weights saved as safetensors (atomic; see loadStateDict). */
  async loadWeights(path: string, opts: { strict?: boolean } = {}): Promise<this> {
    const { loadSafetensors } = await import('../tensor/safetensors');
    const { tensors } = await loadSafetensors(path).catch((e: unknown) => { throw weightsFileError(path, e); });
    this.loadStateDict(tensors, { strict: opts.strict, where: path });
    return this;
  }

  /**
   * The input shape `trace()`, `analysis.summary(model)` and `show.graph(model)` use when none is given:
   * set by `zoo.create` to the model's own input ([1, 3, 224, 224], [1, 3, 299, 299] for Inception v3, the
   * `resolution` option where there is one); unset for modules built by hand.
   */
  defaultInputShape?: number[];

  /**
   * Traces `forward` on symbolic tensors into the graph IR with every shape inferred.
   * `model.trace([1, 3, 224, 224])`; `model.trace()` for a zoo model at its own input size.
   */
  trace(input: TraceInput | undefined = this.defaultInputShape, opts: TraceOptions = {}): Graph {
    if (input === undefined) {
      throw new ConfigError(`${this.typeName}.trace needs an input shape`, { expected: 'e.g. [1, 3, 224, 224] (zoo models have a default)', got: 'none', where: 'trace()' });
    }
    const paramNames = new Map<Parameter, string>();
    for (const [k, p] of this.namedParameters()) if (!paramNames.has(p)) paramNames.set(p, k);
    const modulePaths = new Map<object, string>();
    for (const [k, m] of this.namedModules()) if (!modulePaths.has(m)) modulePaths.set(m, k);
    const tracer = new Tracer(paramNames, modulePaths);
    tracer.training = opts.training ?? false;
    const g = tracer.graph;
    g.name = this.typeName;
    g.metadata.dynamicBatch = String(opts.dynamicBatch ?? true);
    if (this.weightsState() === 'random') g.metadata.weights = 'random';

    let args: SymTensor[];
    const isShape = (x: unknown): x is number[] => Array.isArray(x) && x.every((d) => typeof d === 'number');
    if (isShape(input)) args = [tracer.input('input', input)];
    else if (Array.isArray(input)) args = input.map((s, i) => tracer.input(input.length === 1 ? 'input' : `input${i}`, s as number[]));
    else {
      args = Object.entries(input as Record<string, unknown>).map(([name, spec]) =>
        isShape(spec) ? tracer.input(name, spec) : tracer.input(name, (spec as { shape: number[] }).shape, (spec as { dtype?: DType }).dtype ?? 'float32'));
    }
    for (const a of args) {
      if (a.shape.some((d) => !Number.isInteger(d) || d <= 0)) {
        throw new CnnlabError('input shape must be positive integers', { expected: 'e.g. [1, 3, 224, 224]', got: fmtShape(a.shape) });
      }
    }
    const out = this.call(...args) as ForwardValue;
    const entries: [string, SymTensor][] = out instanceof SymTensor ? [['output', out]]
      : Array.isArray(out) ? out.map((o, i) => [`output${i}`, o])
      : Object.entries(out);
    const names = opts.outputNames ?? entries.map(([k]) => k);
    const used = new Set<string>();
    entries.forEach(([, sym], i) => {
      const want = names[i];
      let valueName = sym.name;
      const producedByNode = g.nodes.some((n) => n.outputs.includes(valueName));
      if (!producedByNode || used.has(valueName) || g.inputs.some((x) => x.name === valueName)) {
        const [id] = tracer.emit('Identity', [sym]);
        valueName = id.name;
      }
      tracer.rename(valueName, want);
      used.add(want);
      g.outputs.push(g.values.get(want)!);
    });
    return g;
  }

  /** Extra text in the repr, like torch's `extra_repr`. */
  extraRepr(): string {
    return '';
  }

  /** PyTorch-style repr of the module tree. */
  toString(): string {
    const children = this.namedChildren();
    const head = `${this.typeName}(${this.extraRepr()}`;
    if (!children.length) return `${head})`;
    const lines = children.map(([k, m]) => `  (${k}): ${m.toString().split('\n').join('\n  ')}`);
    return `${head}\n${lines.join('\n')}\n)`;
  }

  /** In a notebook or REPL a module shows as `print(model)` does in PyTorch. */
  [inspect.custom](): string {
    return this.toString();
  }
}

// modules are functions (see the constructor): Function.prototype below Module.prototype keeps `bind`, `apply`
// and `name` real, as the call signature's type says; Module's own `call` and `toString` shadow Function's.
Object.setPrototypeOf(Module.prototype, Function.prototype);
