/**
 * Gradients of element-wise arithmetic (numpy broadcasting undone by ReduceSum) and of the ops that only move
 * data: Concat/Split, Flatten/Reshape/Squeeze/Unsqueeze, Transpose, Slice (step 1), constant Pad, Expand.
 */
import { ConfigError } from '../../errors';
import { GradRule, RuleCtx, int, intAttr, ints, intsAttr, strAttr, gradOrZeros } from './types';

const shapeOf = (c: RuleCtx, v: string) => c.b.shape(v);

function binary(f: (c: RuleCtx, dy: string, i: number) => string): GradRule {
  return {
    backward(c, [dy], need) {
      const res: (string | null)[] = c.node.inputs.map(() => null);
      if (!dy) return res;
      const ys = shapeOf(c, c.node.outputs[0]);
      c.node.inputs.forEach((x, i) => {
        if (!need[i] || !x) return;
        res[i] = c.b.reduceTo(f(c, dy, i), ys, shapeOf(c, x), c.m);
        c.b.shapes.set(res[i]!, shapeOf(c, x));
      });
      return res;
    },
  };
}

export const add = binary((_c, dy) => dy);
export const sum = add;
export const sub = binary((c, dy, i) => (i === 0 ? dy : c.b.op('Neg', [dy], {}, c.m)));
export const mul = binary((c, dy, i) => c.b.op('Mul', [dy, c.node.inputs[1 - i]], {}, c.m));
export const div = binary((c, dy, i) => {
  const [, bb] = c.node.inputs;
  const q = c.b.op('Div', [dy, bb], {}, c.m);
  // d(a/b)/db = −(a/b)/b
  return i === 0 ? q : c.b.op('Neg', [c.b.op('Mul', [q, c.node.outputs[0]], {}, c.m)], {}, c.m);
});

export const concat: GradRule = {
  backward(c, [dy], need) {
    const { b, node, m } = c;
    const res: (string | null)[] = node.inputs.map(() => null);
    if (!dy) return res;
    const ys = shapeOf(c, node.outputs[0]);
    const axis0 = intAttr(node, 'axis', 0), axis = axis0 < 0 ? axis0 + ys.length : axis0;
    const sizes = node.inputs.map((x) => shapeOf(c, x)[axis]);
    const parts = b.node('Split', [dy, b.i64(sizes)], { axis: int(axis) }, { module: m, nOut: sizes.length });
    parts.forEach((p, i) => { if (need[i]) { res[i] = p; b.shapes.set(p, shapeOf(c, node.inputs[i])); } });
    return res;
  },
};

export const split: GradRule = {
  backward(c, dys, need) {
    const { b, node, m } = c;
    const res: (string | null)[] = node.inputs.map(() => null);
    if (!need[0] || dys.every((d) => !d)) return res;
    const axis0 = intAttr(node, 'axis', 0), xs = shapeOf(c, node.inputs[0]);
    const parts = node.outputs.map((o, j) => gradOrZeros(c, dys[j], o));
    res[0] = b.op('Concat', parts, { axis: int(axis0 < 0 ? axis0 + xs.length : axis0) }, m, xs);
    return res;
  },
};

/** Flatten, Reshape, Squeeze, Unsqueeze: dY reshaped to the input's shape. */
export const reshapeLike: GradRule = {
  backward(c, [dy], need) {
    const res: (string | null)[] = c.node.inputs.map(() => null);
    if (dy && need[0]) res[0] = c.b.reshape(dy, shapeOf(c, c.node.inputs[0]), c.m);
    return res;
  },
};

export const transpose: GradRule = {
  backward(c, [dy], need) {
    if (!dy || !need[0]) return [null];
    const xs = shapeOf(c, c.node.inputs[0]);
    const perm = intsAttr(c.node, 'perm', xs.map((_, i) => xs.length - 1 - i));
    const inv = new Array<number>(perm.length);
    perm.forEach((p, i) => { inv[p] = i; });
    return [c.b.op('Transpose', [dy], { perm: ints(inv) }, c.m, xs)];
  },
};

function constInts(c: RuleCtx, i: number): number[] | undefined {
  const name = c.node.inputs[i];
  return name ? c.b.g.initializers.get(name)?.value().toArray() : undefined;
}

export const slice: GradRule = {
  backward(c, [dy], need) {
    const { b, node, m } = c;
    const res: (string | null)[] = node.inputs.map(() => null);
    if (!dy || !need[0]) return res;
    const xs = shapeOf(c, node.inputs[0]);
    const starts = constInts(c, 1), ends = constInts(c, 2);
    if (!starts || !ends) throw new ConfigError('Slice with computed bounds has no gradient here', { where: m || '<root>' });
    const axes = (constInts(c, 3) ?? starts.map((_, i) => i)).map((a) => (a < 0 ? a + xs.length : a));
    const steps = constInts(c, 4) ?? starts.map(() => 1);
    if (steps.some((st) => st < 1)) throw new ConfigError('Slice with a negative step has no gradient here', { got: `steps ${steps.join(', ')}`, where: m || '<root>' });
    // axis by axis: spread dY out by its step (zeros between), then pad it into place
    let g = dy;
    const cur = [...shapeOf(c, node.outputs[0])];
    axes.forEach((a, k) => {
      const d = xs[a], step = steps[k], n = cur[a];
      const clamp = (v: number) => Math.min(Math.max(v < 0 ? v + d : v, 0), d);
      const s0 = clamp(starts[k]);
      let len = n;
      if (step > 1) {
        const withSlot = [...cur.slice(0, a + 1), 1, ...cur.slice(a + 1)];
        const u = b.reshape(g, withSlot, m);
        const padsU = new Array(2 * withSlot.length).fill(0);
        padsU[withSlot.length + a + 1] = step - 1;
        const spread = b.op('Pad', [u, b.i64(padsU)], { mode: { type: 'string', value: 'constant' } }, m);
        len = n * step;
        g = b.reshape(spread, [...cur.slice(0, a), len, ...cur.slice(a + 1)], m);
        if (s0 + len > d) {
          g = b.op('Slice', [g, b.i64([0]), b.i64([d - s0]), b.i64([a])], {}, m);
          len = d - s0;
        }
      }
      const pads = new Array(2 * xs.length).fill(0);
      pads[a] = s0;
      pads[a + xs.length] = d - s0 - len;
      if (s0 || d - s0 - len) g = b.op('Pad', [g, b.i64(pads)], { mode: { type: 'string', value: 'constant' } }, m);
      cur[a] = d;
    });
    res[0] = g;
    b.shapes.set(g, xs);
    return res;
  },
};

export const pad: GradRule = {
  backward(c, [dy], need) {
    const { b, node, m } = c;
    const res: (string | null)[] = node.inputs.map(() => null);
    if (!dy || !need[0]) return res;
    if (strAttr(node, 'mode', 'constant') !== 'constant') {
      throw new ConfigError(`Pad mode '${strAttr(node, 'mode', '')}' has no gradient here`, { expected: "mode 'constant'", where: m || '<root>' });
    }
    const xs = shapeOf(c, node.inputs[0]);
    const pads = constInts(c, 1) ?? intsAttr(node, 'pads', []);
    if (pads.some((p) => p < 0)) throw new ConfigError('Pad with negative pads has no gradient here', { where: m || '<root>' });
    const starts = xs.map((_, i) => pads[i]);
    res[0] = b.op('Slice', [dy, b.i64(starts), b.i64(starts.map((s, i) => s + xs[i])), b.i64(xs.map((_, i) => i))], {}, m, xs);
    return res;
  },
};

export const expand: GradRule = {
  backward(c, [dy], need) {
    const res: (string | null)[] = c.node.inputs.map(() => null);
    if (dy && need[0]) res[0] = c.b.reduceTo(dy, shapeOf(c, c.node.outputs[0]), shapeOf(c, c.node.inputs[0]), c.m);
    return res;
  },
};

/** Where(cond, a, b): dY where cond to a, elsewhere to b (each summed over its broadcast axes); cond gets none. */
export const where: GradRule = {
  backward(c, [dy], need) {
    const { b, node, m } = c;
    const res: (string | null)[] = [null, null, null];
    if (!dy) return res;
    const [cond, a, bb] = node.inputs;
    const ys = shapeOf(c, node.outputs[0]);
    const zero = b.f32(0);
    if (need[1]) res[1] = b.reduceTo(b.op('Where', [cond, dy, zero], {}, m), ys, shapeOf(c, a), m);
    if (need[2]) res[2] = b.reduceTo(b.op('Where', [cond, zero, dy], {}, m), ys, shapeOf(c, bb), m);
    return res;
  },
};
