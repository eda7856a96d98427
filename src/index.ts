/**
 * cnnlab: build or take a CNN, trace it to ONNX, run it on ONNX Runtime, measure it, show it.
 * `import { nn, zoo, Tensor, Session, analysis, det, show } from 'cnnlab'`.
 */
export * from './errors';
export * as nn from './nn';
export * as zoo from './zoo';
export * as graph from './graph';
export { Tensor } from './tensor/tensor';
export type { DType } from './tensor/tensor';
export * as tensor from './tensor';
export * as analysis from './api/analysis';
export * as det from './detection';
export * as train from './train';
export * as show from './api/show';
export { Session, availableDevices } from './runtime/session';
export type { Device, DeviceRequest, SessionOptions } from './runtime/session';
export { setProgressFactory } from './progress';
export type { ProgressFactory, ProgressSink, ProgressCallback } from './progress';
export { JUPYTER_DISPLAY, isDisplayable } from './display/bundle';
export type { MimeBundle, Displayable } from './display/bundle';
export { MIME } from './display/schema';
export { trainingBundle } from './display/training';
export type * from './display/schema';
