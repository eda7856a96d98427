/**
 * Training history and its display data. `TrainingData` is the data of the
 * `application/vnd.cnnlab.training+json` bundle (built by src/display); this module only produces the data.
 */

export interface StepRecord { step: number; epoch: number; loss: number; /** top-1 error of the batch (cross-entropy) */ error?: number; lr: number }
export interface EpochRecord {
  epoch: number;
  /** optimiser steps done when the epoch ended */
  step: number;
  trainLoss: number;
  trainError?: number;
  testLoss?: number;
  testError?: number;
  seconds: number;
}
export interface History { model?: string; steps: StepRecord[]; epochs: EpochRecord[] }

/** The curves' data is the `application/vnd.cnnlab.training+json` schema (display/training-schema.ts, types only). */
import type { TrainingData, TrainingSeries } from '../display/training-schema';
export type { TrainingData, TrainingSeries };

export interface TrainingDataOptions {
  title?: string;
  x?: 'step' | 'epoch';
  total?: number;
  done?: boolean;
  /** the label of this run's curves (default the history's model) */
  name?: string;
}

/** The curves of one run: train loss/error per step or epoch, test loss/error per epoch. */
export function trainingData(h: History, o: TrainingDataOptions = {}): TrainingData {
  const x = o.x ?? 'epoch';
  const run = o.name ?? h.model ?? 'model';
  const series: TrainingSeries[] = [];
  const push = (_what: string, split: 'train' | 'test', metric: 'loss' | 'error', pts: [number, number | undefined][]) => {
    const ok = pts.filter((p): p is [number, number] => p[1] !== undefined && Number.isFinite(p[1]));
    if (ok.length) series.push({ name: run, split, metric, x: ok.map((p) => p[0]), y: ok.map((p) => p[1]) });
  };
  if (x === 'step') {
    push('train loss', 'train', 'loss', h.steps.map((s) => [s.step, s.loss]));
    push('train error', 'train', 'error', h.steps.map((s) => [s.step, s.error]));
    push('test loss', 'test', 'loss', h.epochs.map((e) => [e.step, e.testLoss]));
    push('test error', 'test', 'error', h.epochs.map((e) => [e.step, e.testError]));
  } else {
    push('train loss', 'train', 'loss', h.epochs.map((e) => [e.epoch, e.trainLoss]));
    push('train error', 'train', 'error', h.epochs.map((e) => [e.epoch, e.trainError]));
    push('test loss', 'test', 'loss', h.epochs.map((e) => [e.epoch, e.testLoss]));
    push('test error', 'test', 'error', h.epochs.map((e) => [e.epoch, e.testError]));
  }
  return { title: o.title ?? `training${h.model ? ` ${h.model}` : ''}`, model: h.model, x, series, total: o.total, done: o.done ?? true };
}

/** Several runs on one chart (e.g. plain-20 vs plain-56), each run's curves named by its key. */
export function compareRuns(runs: Record<string, History>, o: Omit<TrainingDataOptions, 'name'> = {}): TrainingData {
  const parts = Object.entries(runs).map(([name, h]) => trainingData(h, { ...o, name }));
  return { title: o.title ?? `training: ${Object.keys(runs).join(' vs ')}`, x: o.x ?? 'epoch', series: parts.flatMap((p) => p.series), total: o.total, done: o.done ?? true };
}
