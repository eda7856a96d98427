/**
 * Optimisers as graph updates, with PyTorch's semantics (torch.optim.SGD, torch.optim.Adam/AdamW). The step
 * graph takes the learning rate and Adam's bias corrections as scalar inputs, so a schedule changes nothing
 * in the graph.
 */
import { ConfigError } from '../errors';
import { Builder } from './builder';

export interface SgdOptions {
  lr: number;
  momentum?: number;
  weightDecay?: number;
  nesterov?: boolean;
}

export interface AdamOptions {
  lr?: number;
  betas?: [number, number];
  eps?: number;
  weightDecay?: number;
  /** decoupled weight decay (AdamW) */
  decoupled?: boolean;
}

/** Scalars the step graph reads each step. */
export type StepScalars = Record<string, number>;

export interface Optimizer {
  readonly kind: 'sgd' | 'adam';
  readonly lr: number;
  readonly options: Readonly<Record<string, unknown>>;
  /** names of the per-parameter state tensors (same shape as the parameter) */
  readonly stateKeys: readonly string[];
  /** names of the scalar inputs */
  readonly scalarNames: readonly string[];
  /** values of the scalar inputs at 1-based step `t` with learning rate `lr` */
  scalars(t: number, lr: number): StepScalars;
  /** emits the update of one parameter; returns the new parameter and new state values */
  emit(b: Builder, p: string, g: string, state: readonly string[], module: string): { p: string; state: string[] };
}

function checkNum(name: string, v: number | undefined, lo: number, hi: number, where: string): void {
  if (v === undefined) return;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < lo || v > hi) {
    throw new ConfigError(`${name} out of range`, { expected: `a number in [${lo}, ${hi}]`, got: String(v), where });
  }
}

/** torch.optim.SGD: g ← g + wd·p; buf ← μ·buf + g; d = nesterov ? g + μ·buf : buf; p ← p − lr·d. */
export function sgd(o: SgdOptions): Optimizer {
  const where = 'sgd()';
  checkNum('lr', o.lr, 0, 1e6, where);
  if (o.lr === undefined) throw new ConfigError('sgd needs a learning rate', { expected: 'sgd({ lr: 0.1, ... })', got: 'no lr', where });
  checkNum('momentum', o.momentum, 0, 1, where);
  checkNum('weightDecay', o.weightDecay, 0, 1, where);
  const mu = o.momentum ?? 0, wd = o.weightDecay ?? 0, nesterov = o.nesterov ?? false;
  if (nesterov && mu <= 0) throw new ConfigError('Nesterov momentum requires a momentum', { expected: 'momentum > 0', got: String(mu), where });
  return {
    kind: 'sgd', lr: o.lr, options: { momentum: mu, weightDecay: wd, nesterov },
    stateKeys: mu > 0 ? ['momentum_buffer'] : [],
    scalarNames: ['lr'],
    scalars: (_t, lr) => ({ lr }),
    emit(b, p, g, state, m) {
      let d = wd ? b.op('Add', [g, b.op('Mul', [p, b.f32(wd)], {}, m)], {}, m) : g;
      const newState: string[] = [];
      if (mu > 0) {
        const buf = b.op('Add', [b.op('Mul', [state[0], b.f32(mu)], {}, m), d], {}, m);
        newState.push(buf);
        d = nesterov ? b.op('Add', [d, b.op('Mul', [buf, b.f32(mu)], {}, m)], {}, m) : buf;
      }
      return { p: b.op('Sub', [p, b.op('Mul', [d, 'lr'], {}, m)], {}, m), state: newState };
    },
  };
}

/**
 * torch.optim.Adam (AdamW with `decoupled`): m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g²,
 * p ← p − (lr/(1−β₁ᵗ))·m / (√v/√(1−β₂ᵗ) + ε).
 */
export function adam(o: AdamOptions = {}): Optimizer {
  const where = 'adam()';
  const lr = o.lr ?? 1e-3;
  checkNum('lr', lr, 0, 1e6, where);
  const [b1, b2] = o.betas ?? [0.9, 0.999];
  checkNum('betas[0]', b1, 0, 0.999999, where);
  checkNum('betas[1]', b2, 0, 0.999999999, where);
  const eps = o.eps ?? 1e-8;
  checkNum('eps', eps, 0, 1, where);
  const wd = o.weightDecay ?? 0;
  checkNum('weightDecay', wd, 0, 1, where);
  const decoupled = o.decoupled ?? false;
  return {
    kind: 'adam', lr, options: { betas: [b1, b2], eps, weightDecay: wd, decoupled },
    stateKeys: ['exp_avg', 'exp_avg_sq'],
    scalarNames: ['lr', 'adam_step_size', 'adam_rsqrt_bc2'],
    scalars: (t, lrNow) => ({ lr: lrNow, adam_step_size: lrNow / (1 - b1 ** t), adam_rsqrt_bc2: 1 / Math.sqrt(1 - b2 ** t) }),
    emit(b, p, g, [m0, v0], m) {
      let p0 = p, grad = g;
      if (wd && decoupled) p0 = b.op('Sub', [p, b.op('Mul', [p, b.op('Mul', ['lr', b.f32(wd)], {}, m)], {}, m)], {}, m);
      else if (wd) grad = b.op('Add', [g, b.op('Mul', [p, b.f32(wd)], {}, m)], {}, m);
      const mt = b.op('Add', [b.op('Mul', [m0, b.f32(b1)], {}, m), b.op('Mul', [grad, b.f32(1 - b1)], {}, m)], {}, m);
      const vt = b.op('Add', [b.op('Mul', [v0, b.f32(b2)], {}, m), b.op('Mul', [b.op('Mul', [grad, grad], {}, m), b.f32(1 - b2)], {}, m)], {}, m);
      const denom = b.op('Add', [b.op('Mul', [b.op('Sqrt', [vt], {}, m), 'adam_rsqrt_bc2'], {}, m), b.f32(eps)], {}, m);
      const upd = b.op('Mul', [b.op('Div', [mt, denom], {}, m), 'adam_step_size'], {}, m);
      return { p: b.op('Sub', [p0, upd], {}, m), state: [mt, vt] };
    },
  };
}
