/**
 * Receptive fields per layer (theoretical, unclipped), for the two spatial axes (h, w) of NCHW values.
 *
 * Coordinates are input pixel indices with pixel centres at integers (the input's first pixel is at 0).
 * For each value: `size` — how many input pixels one output element sees; `jump` — the distance in input
 * pixels between neighbouring output elements (the effective stride); `start` — the input coordinate of
 * the centre of the first output element's field (negative when it reaches into padding).
 *
 * A window op with kernel k, stride s, dilation d and padding p (begin) maps (size, jump, start) to
 *   k' = d·(k−1) + 1, size + (k'−1)·jump, jump·s, start + ((k'−1)/2 − p)·jump
 * (Conv, MaxPool, AveragePool, LpPool, DeformConv's regular grid). Global pooling (and any op that turns a
 * spatial value into a non-spatial one: Flatten, Reshape, Gemm after them) is a window over the whole
 * input map. ConvTranspose: jump/s, size + (k'−1)·jump/s, start + (p − (k'−1)/2)·jump/s. Resize by
 * a factor f: jump/f, start + ((1/f − 1)/2)·jump (half-pixel), linear modes widen the field by one input
 * step. Slice with step 1 on spatial axes: start + begin·jump. Pad: start − pad·jump. Ops with several
 * spatial inputs (Add, Concat, Mul...) take, per axis, the largest field among the inputs with its jump
 * and start.
 * Elementwise ops pass the field through. Other ops pass it through too and are flagged `approximate`.
 */
import { ConfigError, NotFoundError } from '../errors';
import { Graph, Node } from '../graph/ir';
import { ModelLike, constInts, moduleOutputs, modulePaths, numericShape, pathDepth, resolveGraph, staticValues } from './graph-util';

export type Pair2 = [number, number];

export interface ReceptiveField {
  size: Pair2;
  jump: Pair2;
  start: Pair2;
  /** an op on the way has no exact rule (see the file's doc) */
  approximate?: boolean;
}

export interface ReceptiveFieldRow extends ReceptiveField {
  /** module path ('' for the model) */
  path: string;
  type: string;
  depth: number;
  /** the module's output value */
  value: string;
  outputShape: (number | string)[] | null;
}

const WINDOW = new Set(['Conv', 'MaxPool', 'AveragePool', 'LpPool', 'DeformConv']);
const GLOBAL = new Set(['GlobalAveragePool', 'GlobalMaxPool', 'GlobalLpPool']);
const REDUCE = new Set(['ReduceMean', 'ReduceMax', 'ReduceMin', 'ReduceSum', 'ReduceL2', 'ReduceL1', 'ReduceProd', 'ReduceLogSumExp']);
/** ops that keep positions: their output element at (i, j) depends on their inputs at (i, j) only */
const POINTWISE = new Set([
  'Relu', 'Clip', 'LeakyRelu', 'Elu', 'Selu', 'Sigmoid', 'Tanh', 'HardSigmoid', 'HardSwish', 'Softplus', 'PRelu', 'Erf',
  'BatchNormalization', 'InstanceNormalization', 'LRN', 'Add', 'Sub', 'Mul', 'Div', 'Sum', 'Max', 'Min', 'Mean', 'Concat',
  'Identity', 'Dropout', 'Cast', 'Softmax', 'LogSoftmax', 'Neg', 'Abs', 'Exp', 'Log', 'Sqrt', 'Pow', 'Split', 'Transpose',
  'Reshape', 'Flatten', 'Squeeze', 'Unsqueeze', 'Gemm', 'MatMul', 'Where', 'Not', 'Equal', 'Greater', 'Less',
]);

function ints(n: Node, k: string): number[] | undefined {
  const a = n.attrs[k];
  return a && a.type === 'ints' ? a.value : undefined;
}

function window(r: ReceptiveField, k: Pair2, s: Pair2, d: Pair2, p: Pair2): ReceptiveField {
  const out: ReceptiveField = { size: [0, 0], jump: [0, 0], start: [0, 0], approximate: r.approximate };
  for (const i of [0, 1]) {
    const eff = d[i] * (k[i] - 1) + 1;
    out.size[i] = r.size[i] + (eff - 1) * r.jump[i];
    out.start[i] = r.start[i] + ((eff - 1) / 2 - p[i]) * r.jump[i];
    out.jump[i] = r.jump[i] * s[i];
  }
  return out;
}

/** The field over a whole [H, W] map: a window of the map's size with stride of the map's size. */
function globalField(r: ReceptiveField, hw: Pair2): ReceptiveField {
  return window(r, hw, hw, [1, 1], [0, 0]);
}

function spatial(g: Graph, v: string): Pair2 | null {
  const s = numericShape(g.shapeOf(v));
  return s && s.length === 4 ? [s[2], s[3]] : null;
}

/** Receptive field of every value of the graph that depends on a 4-D input. */
export function receptiveFieldsOfGraph(g: Graph): Map<string, ReceptiveField> {
  const rf = new Map<string, ReceptiveField>();
  for (const i of g.inputs) if (spatial(g, i.name)) rf.set(i.name, { size: [1, 1], jump: [1, 1], start: [0, 0] });
  const st = staticValues(g);
  for (const n of g.nodes) {
    const ins = n.inputs.filter((x) => x && !st.has(x) && rf.has(x));
    if (!ins.length) continue;
    const x = n.inputs[0] && rf.has(n.inputs[0]) ? n.inputs[0] : ins[0];
    const r = rf.get(x)!;
    const inHW = spatial(g, x);
    let out: ReceptiveField;
    const nsp = (a: number[] | undefined, def: number): Pair2 => (a && a.length >= 2 ? [a[0], a[1]] : [def, def]);
    if (WINDOW.has(n.op) && inHW) {
      const w = n.op === 'Conv' || n.op === 'DeformConv' ? numericShape(g.shapeOf(n.inputs[1])) : null;
      const k = nsp(ints(n, 'kernel_shape') ?? (w ? w.slice(2) : undefined), 1);
      const s = nsp(ints(n, 'strides'), 1), d = nsp(ints(n, 'dilations'), 1);
      let p = nsp(ints(n, 'pads'), 0);
      const auto = n.attrs.auto_pad?.type === 'string' ? n.attrs.auto_pad.value : 'NOTSET';
      if (auto === 'VALID') p = [0, 0];
      if (auto === 'SAME_UPPER' || auto === 'SAME_LOWER') {
        p = [0, 1].map((i) => {
          const eff = d[i] * (k[i] - 1) + 1;
          const total = Math.max(0, (Math.ceil(inHW[i] / s[i]) - 1) * s[i] + eff - inHW[i]);
          return auto === 'SAME_UPPER' ? Math.floor(total / 2) : Math.ceil(total / 2);
        }) as Pair2;
      }
      out = window(r, k, s, d, p);
    } else if (n.op === 'ConvTranspose' && inHW) {
      const w = numericShape(g.shapeOf(n.inputs[1]));
      const k = nsp(ints(n, 'kernel_shape') ?? (w ? w.slice(2) : undefined), 1);
      const s = nsp(ints(n, 'strides'), 1), d = nsp(ints(n, 'dilations'), 1), p = nsp(ints(n, 'pads'), 0);
      out = { size: [0, 0], jump: [0, 0], start: [0, 0], approximate: r.approximate };
      for (const i of [0, 1]) {
        const eff = d[i] * (k[i] - 1) + 1;
        out.jump[i] = r.jump[i] / s[i];
        out.size[i] = r.size[i] + (eff - 1) * out.jump[i];
        out.start[i] = r.start[i] + (p[i] - (eff - 1) / 2) * out.jump[i];
      }
    } else if ((GLOBAL.has(n.op) || (REDUCE.has(n.op) && reducesSpatial(g, n))) && inHW) {
      out = globalField(r, inHW);
    } else if (n.op === 'Resize' || n.op === 'Upsample') {
      const o = n.outputs[0] ? spatial(g, n.outputs[0]) : null;
      if (inHW && o) {
        const mode = n.attrs.mode?.type === 'string' ? n.attrs.mode.value : 'nearest';
        const ct = n.attrs.coordinate_transformation_mode?.type === 'string' ? n.attrs.coordinate_transformation_mode.value : 'half_pixel';
        out = { size: [...r.size] as Pair2, jump: [0, 0], start: [...r.start] as Pair2, approximate: r.approximate };
        for (const i of [0, 1]) {
          const f = o[i] / inHW[i];
          out.jump[i] = r.jump[i] / f;
          if (ct !== 'align_corners' && ct !== 'asymmetric') out.start[i] = r.start[i] + ((1 / f - 1) / 2) * r.jump[i];
          if (mode !== 'nearest' && f !== 1) out.size[i] = r.size[i] + r.jump[i];
        }
      } else out = { ...r, approximate: true };
    } else if (n.op === 'Slice' && inHW) {
      const starts = constInts(g, n.inputs[1]), axes = constInts(g, n.inputs[3]), steps = constInts(g, n.inputs[4]);
      out = { size: [...r.size] as Pair2, jump: [...r.jump] as Pair2, start: [...r.start] as Pair2, approximate: r.approximate };
      if (!starts) out.approximate = true;
      else {
        (axes ?? starts.map((_, i) => i)).forEach((a, k) => {
          const ax = a < 0 ? a + 4 : a;
          if (ax < 2) return;
          const step = steps ? steps[k] : 1;
          let b = starts[k];
          if (b < 0) b += inHW[ax - 2];
          if (step !== 1) { out.approximate = true; out.jump[ax - 2] *= Math.abs(step); }
          out.start[ax - 2] += Math.max(0, Math.min(b, inHW[ax - 2] - 1)) * r.jump[ax - 2];
        });
      }
    } else if (n.op === 'Pad' && inHW) {
      const pads = constInts(g, n.inputs[1]);
      out = { size: [...r.size] as Pair2, jump: [...r.jump] as Pair2, start: [...r.start] as Pair2, approximate: r.approximate || !pads };
      if (pads && pads.length === 8) for (const i of [0, 1]) out.start[i] -= pads[2 + i] * r.jump[i];
    } else {
      // several spatial inputs: the largest field (Concat/Add of branches; SE's Mul by a global gate)
      // per axis, the input with the largest field gives size, jump and start
      out = { size: [...r.size] as Pair2, jump: [...r.jump] as Pair2, start: [...r.start] as Pair2, approximate: r.approximate };
      for (const v of ins) {
        const c = rf.get(v)!;
        if (c.approximate) out.approximate = true;
        for (const i of [0, 1]) if (c.size[i] > out.size[i]) { out.size[i] = c.size[i]; out.jump[i] = c.jump[i]; out.start[i] = c.start[i]; }
      }
      if (!POINTWISE.has(n.op)) out.approximate = true;
      // an op that turns a spatial value into a flat one (Flatten, Reshape to [N, C·H·W]) sees the whole map
      const srcHW = spatial(g, x);
      const outShape = n.outputs[0] ? g.shapeOf(n.outputs[0]) : null;
      if (srcHW && outShape && outShape.length < 4) out = globalField(out, srcHW);
    }
    if (!out.approximate) delete out.approximate;
    for (const o of n.outputs) if (o) rf.set(o, out);
  }
  return rf;
}

function reducesSpatial(g: Graph, n: Node): boolean {
  const axes = ints(n, 'axes') ?? constInts(g, n.inputs[1]);
  if (!axes) return true;
  const norm = axes.map((a) => (a < 0 ? a + 4 : a));
  return norm.includes(2) && norm.includes(3);
}

export interface ReceptiveFieldOptions {
  /** rows down to this module depth (default: all) */
  depth?: number;
  /** the public function named in error messages (default 'analysis.receptiveFieldData') */
  where?: string;
}

/** Receptive fields of a model's layers: rows per module (its output), `get(tap)` for any module path or value. */
export class ReceptiveFieldData {
  constructor(readonly graph: Graph, readonly values: Map<string, ReceptiveField>, readonly rows: ReceptiveFieldRow[]) {}

  /** The field of a module's output (path such as `layer4` or `features.29`) or of a value. */
  get(tap: string): ReceptiveField {
    const row = this.rows.find((r) => r.path === tap);
    const v = row ? row.value : this.graph.resolveTap(tap);
    const r = this.values.get(v);
    if (!r) throw new NotFoundError(`no receptive field for '${tap}'`, { expected: 'a module or value that depends on a spatial (NCHW) input', got: v });
    return r;
  }
}

/**
 * `receptiveFieldData(model, [1, 3, 224, 224])` — receptive field (size, jump, start) of every module's
 * output; `.get('layer4').size`. (`analysis.receptiveField` is the same, displayable as a table.)
 */
export function receptiveFieldData(model: ModelLike, inputShape?: readonly number[], opts: ReceptiveFieldOptions = {}): ReceptiveFieldData {
  const where = opts.where ?? 'analysis.receptiveFieldData';
  const depth = opts.depth ?? Infinity;
  if (!(depth >= 0)) throw new ConfigError('receptiveField depth must be ≥ 0', { expected: 'a number ≥ 0', got: String(opts.depth), where });
  const g = resolveGraph(model, inputShape, where);
  const values = receptiveFieldsOfGraph(g);
  const outs = moduleOutputs(g);
  const rows: ReceptiveFieldRow[] = [];
  for (const p of modulePaths(g)) {
    const d = pathDepth(p);
    const v = outs.get(p);
    if (d > depth || !v) continue;
    const r = values.get(v);
    if (!r) continue;
    rows.push({ path: p, type: g.moduleTypes.get(p) ?? (p ? '' : g.name), depth: d, value: v, outputShape: g.shapeOf(v), ...r });
  }
  return new ReceptiveFieldData(g, values, rows);
}

export interface StackLayer {
  kernel: number;
  stride?: number;
  dilation?: number;
  /** padding at the beginning (default 0) */
  padding?: number;
}

/** Receptive fields of a plain stack of window layers (one axis), after each layer: the hand arithmetic. */
export function receptiveFieldOfStack(layers: readonly StackLayer[]): { size: number; jump: number; start: number }[] {
  let r: ReceptiveField = { size: [1, 1], jump: [1, 1], start: [0, 0] };
  return layers.map((l) => {
    for (const [k, v] of Object.entries(l)) {
      if (v !== undefined && (!Number.isInteger(v) || v < (k === 'padding' ? 0 : 1))) {
        throw new ConfigError(`receptiveFieldOfStack: invalid ${k}`, { expected: k === 'padding' ? 'an integer ≥ 0' : 'an integer ≥ 1', got: String(v), where: 'receptiveFieldOfStack' });
      }
    }
    const s = l.stride ?? 1, d = l.dilation ?? 1, p = l.padding ?? 0;
    r = window(r, [l.kernel, l.kernel], [s, s], [d, d], [p, p]);
    return { size: r.size[0], jump: r.jump[0], start: r.start[0] };
  });
}
