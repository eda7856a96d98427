/** Gemm (nn.Linear on [N, in]) and MatMul gradients. */
import { ConfigError } from '../../errors';
import { GradRule, float, int, intAttr, ints } from './types';

export const gemm: GradRule = {
  backward(c, [dy], need) {
    const { b, node, m } = c;
    const [a, w, cc] = node.inputs;
    const ta = intAttr(node, 'transA', 0), tb = intAttr(node, 'transB', 0);
    const alpha = intAttr(node, 'alpha', 1), beta = intAttr(node, 'beta', 1);
    const res: (string | null)[] = [null, null, null];
    if (!dy) return res;
    const gm = (x: string, y: string, tA: number, tB: number, shape: readonly number[]) =>
      b.op('Gemm', [x, y], { transA: int(tA), transB: int(tB), ...(alpha !== 1 ? { alpha: float(alpha) } : {}) }, m, shape);
    // Y = α·A'·B' + β·C with A' = transA ? Aᵀ : A, B' = transB ? Bᵀ : B
    if (need[0]) res[0] = ta ? gm(w, dy, tb ? 1 : 0, 1, b.shape(a)) : gm(dy, w, 0, tb ? 0 : 1, b.shape(a));
    if (need[1]) res[1] = tb ? gm(dy, a, 1, ta ? 1 : 0, b.shape(w)) : gm(a, dy, ta ? 0 : 1, 0, b.shape(w));
    if (cc && need[2]) {
      let g = b.reduceTo(dy, b.shape(node.outputs[0]), b.shape(cc), m);
      if (beta !== 1) g = b.op('Mul', [g, b.f32(beta)], {}, m, b.shape(cc));
      res[2] = g;
    }
    return res;
  },
};

export const matmul: GradRule = {
  backward(c, [dy], need) {
    const { b, node, m } = c;
    const [a, w] = node.inputs;
    const as = b.shape(a), ws = b.shape(w), ys = b.shape(node.outputs[0]);
    if (as.length < 2 || ws.length < 2) {
      throw new ConfigError('MatMul with a 1-D operand has no gradient here', { expected: 'operands of rank ≥ 2', got: `${as.length}-D × ${ws.length}-D`, where: m || '<root>' });
    }
    const res: (string | null)[] = [null, null];
    if (!dy) return res;
    const tr = (x: string, r: number) => b.op('Transpose', [x], { perm: ints([...Array.from({ length: r - 2 }, (_, i) => i), r - 1, r - 2]) }, m);
    if (need[0]) {
      const full = [...ys.slice(0, -2), as[as.length - 2], as[as.length - 1]];
      const g = b.op('MatMul', [dy, tr(w, ws.length)], {}, m, full);
      res[0] = b.reduceTo(g, full, as, m);
    }
    if (need[1]) {
      const full = [...ys.slice(0, -2), ws[ws.length - 2], ws[ws.length - 1]];
      const g = b.op('MatMul', [tr(a, as.length), dy], {}, m, full);
      res[1] = b.reduceTo(g, full, ws, m);
    }
    return res;
  },
};
