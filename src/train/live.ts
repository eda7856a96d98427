/**
 * Live training curves: `fit` hands its TrainingData to a sink as training goes on. The cnnlab kernel installs a
 * factory (`train.setTrainingDisplay`) whose sink shows `show.training(data)` in one display and updates it in
 * place; the library itself never imports the kernel or the display layer.
 */
import type { TrainingData } from './history';

export interface TrainingSink {
  update(data: TrainingData): unknown;
}
export type TrainingDisplayFactory = (title: string) => TrainingSink;

let factory: TrainingDisplayFactory | null = null;

/** Installs (or with null removes) the live display of `fit`; returns the previous factory. */
export function setTrainingDisplay(f: TrainingDisplayFactory | null): TrainingDisplayFactory | null {
  const prev = factory;
  factory = f;
  return prev;
}

export function trainingSink(title: string): TrainingSink | null {
  return factory ? factory(title) : null;
}
