/** Learning-rate schedules: functions of the step/epoch returning the learning rate of that step. */
import { ConfigError } from '../errors';

export interface ScheduleContext {
  /** 0-based optimiser step over the whole run */
  step: number;
  /** 0-based epoch of the step */
  epoch: number;
  stepsPerEpoch: number;
  totalSteps: number;
  /** the optimiser's lr */
  baseLr: number;
}
export type Schedule = ((c: ScheduleContext) => number) & { cacheKey?: string };

/** Tags a schedule with its parameters (the trained-model cache keys functions by this, else by their source). */
function keyed(f: (c: ScheduleContext) => number, params: Record<string, unknown>): Schedule {
  return Object.assign(f, { cacheKey: JSON.stringify(params) });
}

/** torch.optim.lr_scheduler.StepLR stepped per epoch: lr·γ^⌊epoch/stepSize⌋. */
export function stepLr(o: { stepSize: number; gamma?: number }): Schedule {
  if (!Number.isInteger(o.stepSize) || o.stepSize <= 0) throw new ConfigError('stepLr stepSize must be a positive integer', { got: String(o.stepSize), where: 'stepLr()' });
  const g = o.gamma ?? 0.1;
  return keyed((c) => c.baseLr * g ** Math.floor(c.epoch / o.stepSize), { stepLr: o.stepSize, gamma: g });
}

/** MultiStepLR per epoch: lr·γ^(number of milestones ≤ epoch) — the ResNet paper's ÷10 at fixed epochs. */
export function multiStepLr(o: { milestones: readonly number[]; gamma?: number }): Schedule {
  const g = o.gamma ?? 0.1;
  const ms = [...o.milestones].sort((a, b) => a - b);
  return keyed((c) => c.baseLr * g ** ms.filter((m) => m <= c.epoch).length, { multiStepLr: ms, gamma: g });
}

/** Cosine annealing per step from lr to `minLr` over the run, after an optional linear warm-up. */
export function cosineLr(o: { minLr?: number; warmupSteps?: number } = {}): Schedule {
  const min = o.minLr ?? 0, warm = o.warmupSteps ?? 0;
  return keyed((c) => {
    if (c.step < warm) return c.baseLr * (c.step + 1) / warm;
    const t = (c.step - warm) / Math.max(1, c.totalSteps - warm);
    return min + (c.baseLr - min) * 0.5 * (1 + Math.cos(Math.PI * Math.min(t, 1)));
  }, { cosineLr: min, warmupSteps: warm });
}

/** One-cycle-like linear ramp up then down (per step), peak at `peakAt` of the run. */
export function triangularLr(o: { peakAt?: number; startFactor?: number } = {}): Schedule {
  const peak = o.peakAt ?? 0.3, f0 = o.startFactor ?? 0.1;
  return keyed((c) => {
    const t = c.step / Math.max(1, c.totalSteps);
    const k = t < peak ? f0 + (1 - f0) * (t / peak) : Math.max(0, (1 - t) / (1 - peak));
    return c.baseLr * k;
  }, { triangularLr: peak, startFactor: f0 });
}
