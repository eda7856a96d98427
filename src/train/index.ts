/**
 * cnnlab.train: reverse-mode autodiff over the graph IR, run as one ONNX training-step graph on ONNX Runtime;
 * optimisers, schedules, data sets, checkpoints and training curves (issue 15).
 * `const t = train.trainer(model, { optimizer: train.sgd({ lr: 0.1, momentum: 0.9 }), batchSize: 128 });`
 * `const history = await t.fit(train.fashionMnist({ size: 32 }), { epochs: 10 });`
 */
export { trainer, Trainer } from './trainer';
export type { TrainerOptions, FitOptions, Progress, EvalResult } from './trainer';
export { sgd, adam } from './optim';
export type { Optimizer, SgdOptions, AdamOptions } from './optim';
export { stepLr, multiStepLr, cosineLr, triangularLr } from './schedule';
export type { Schedule, ScheduleContext } from './schedule';
export type { LossSpec } from './loss';
export {
  fashionMnist, imageDataset, subset, permutation, resizeBilinear, gatherBatch,
  FASHION_MNIST_CLASSES, FASHION_MNIST_MEAN, FASHION_MNIST_STD, FASHION_MNIST_DIR,
} from './data';
export type { ImageDataset, FashionMnistOptions, Augment } from './data';
export { detectionScenes } from './scenes';
export type { SceneOptions, DetectionScenes } from './scenes';
export { trainingData, compareRuns } from './history';
export { setTrainingDisplay } from './live';
export type { TrainingSink, TrainingDisplayFactory } from './live';
export type { History, StepRecord, EpochRecord, TrainingData, TrainingSeries, TrainingDataOptions } from './history';
export { gradientGraph, gradName } from './grad-graph';
export type { GradientGraph } from './grad-graph';
export { buildStepGraph, checkTrainable } from './step';
export type { StepGraph } from './step';
export { DIFFERENTIABLE_OPS } from './rules';
