/**
 * Activation gradients, with PyTorch's conventions at the kinks: ReLU passes where x > 0, Clip (ReLU6,
 * hardtanh) where min < x < max, LeakyReLU/ELU use the x > 0 branch, Hardswish (x/3 + ½) on [−3, 3].
 */
import { GradRule, RuleCtx, intAttr } from './types';

type Unary = (c: RuleCtx, dy: string, x: string, y: string) => string;

function unary(f: Unary): GradRule {
  return {
    backward(c, [dy], need) {
      const res: (string | null)[] = c.node.inputs.map(() => null);
      if (!dy || !need[0]) return res;
      const x = c.node.inputs[0], y = c.node.outputs[0];
      res[0] = f(c, dy, x, y);
      c.b.shapes.set(res[0], c.b.shape(x));
      return res;
    },
  };
}

const where = (c: RuleCtx, cond: string, a: string, b: string) => c.b.op('Where', [cond, a, b], {}, c.m);
const gt = (c: RuleCtx, a: string, b: string) => c.b.op('Greater', [a, b], {}, c.m);
const lt = (c: RuleCtx, a: string, b: string) => c.b.op('Less', [a, b], {}, c.m);
const mul = (c: RuleCtx, a: string, b: string) => c.b.op('Mul', [a, b], {}, c.m);
const zero = (c: RuleCtx) => c.b.f32(0);

export const relu = unary((c, dy, _x, y) => where(c, gt(c, y, zero(c)), dy, zero(c)));

export const clip = unary((c, dy, x) => {
  const [, lo, hi] = c.node.inputs;
  let mask: string | null = null;
  if (lo) mask = gt(c, x, lo);
  if (hi) { const m2 = lt(c, x, hi); mask = mask ? c.b.op('And', [mask, m2], {}, c.m) : m2; }
  return mask ? where(c, mask, dy, zero(c)) : dy;
});

export const leakyRelu = unary((c, dy, x) => {
  const alpha = intAttr(c.node, 'alpha', 0.01);
  return where(c, gt(c, x, zero(c)), dy, mul(c, dy, c.b.f32(alpha)));
});

export const elu = unary((c, dy, x, y) => {
  const alpha = intAttr(c.node, 'alpha', 1);
  return where(c, gt(c, x, zero(c)), dy, mul(c, dy, c.b.op('Add', [y, c.b.f32(alpha)], {}, c.m)));
});

export const sigmoid = unary((c, dy, _x, y) => mul(c, dy, mul(c, y, c.b.op('Sub', [c.b.f32(1), y], {}, c.m))));

export const tanh = unary((c, dy, _x, y) => mul(c, dy, c.b.op('Sub', [c.b.f32(1), mul(c, y, y)], {}, c.m)));

export const hardswish = unary((c, dy, x) => {
  const mid = c.b.op('Add', [mul(c, x, c.b.f32(1 / 3)), c.b.f32(0.5)], {}, c.m);
  const slope = where(c, lt(c, x, c.b.f32(-3)), zero(c), where(c, gt(c, x, c.b.f32(3)), c.b.f32(1), mid));
  return mul(c, dy, slope);
});

export const hardsigmoid = unary((c, dy, x) => {
  const alpha = intAttr(c.node, 'alpha', 0.2), beta = intAttr(c.node, 'beta', 0.5);
  const inside = c.b.op('And', [gt(c, x, c.b.f32(-beta / alpha)), lt(c, x, c.b.f32((1 - beta) / alpha))], {}, c.m);
  return where(c, inside, mul(c, dy, c.b.f32(alpha)), zero(c));
});

export const softmax = unary((c, dy, _x, y) => {
  const axis = intAttr(c.node, 'axis', -1);
  const s = c.b.op('ReduceSum', [mul(c, dy, y), c.b.i64([axis])], { keepdims: { type: 'int', value: 1 } }, c.m);
  return mul(c, y, c.b.op('Sub', [dy, s], {}, c.m));
});

export const logSoftmax = unary((c, dy, _x, y) => {
  const axis = intAttr(c.node, 'axis', -1);
  const s = c.b.op('ReduceSum', [dy, c.b.i64([axis])], { keepdims: { type: 'int', value: 1 } }, c.m);
  return c.b.op('Sub', [dy, mul(c, c.b.op('Exp', [y], {}, c.m), s)], {}, c.m);
});

export const identity = unary((_c, dy) => dy);



export const neg = unary((c, dy) => c.b.op('Neg', [dy], {}, c.m));
export const exp = unary((c, dy, _x, y) => mul(c, dy, y));
export const log = unary((c, dy, x) => c.b.op('Div', [dy, x], {}, c.m));
export const sqrt = unary((c, dy, _x, y) => c.b.op('Div', [mul(c, dy, c.b.f32(0.5)), y], {}, c.m));
/** |x|: sign(x)·dY (0 at 0, as PyTorch) */
export const abs = unary((c, dy, x) => mul(c, dy, c.b.op('Sign', [x], {}, c.m)));
export const reciprocal = unary((c, dy, _x, y) => c.b.op('Neg', [mul(c, dy, mul(c, y, y))], {}, c.m));
