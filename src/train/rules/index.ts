/** The gradient rule of each ONNX op cnnlab can differentiate. */
import * as act from './activation';
import { conv, convTranspose } from './conv';
import { gemm, matmul } from './linear';
import { batchNorm, dropout, lrn } from './norm';
import { avgPool, globalAvgPool, maxPool, reduce, resize, roiAlign } from './pool';
import * as t from './tensor-ops';
import { GradRule } from './types';

export const GRAD_RULES: Record<string, GradRule> = {
  Conv: conv,
  ConvTranspose: convTranspose,
  Gemm: gemm,
  MatMul: matmul,
  BatchNormalization: batchNorm,
  Dropout: dropout,
  LRN: lrn,
  Relu: act.relu,
  Clip: act.clip,
  LeakyRelu: act.leakyRelu,
  Elu: act.elu,
  Sigmoid: act.sigmoid,
  Tanh: act.tanh,
  HardSwish: act.hardswish,
  HardSigmoid: act.hardsigmoid,
  Softmax: act.softmax,
  LogSoftmax: act.logSoftmax,
  Identity: act.identity,
  Neg: act.neg,
  Exp: act.exp,
  Log: act.log,
  Sqrt: act.sqrt,
  Abs: act.abs,
  Reciprocal: act.reciprocal,
  Where: t.where,
  MaxPool: maxPool,
  AveragePool: avgPool,
  GlobalAveragePool: globalAvgPool,
  RoiAlign: roiAlign,
  Resize: resize,
  ReduceMean: reduce(true),
  ReduceSum: reduce(false),
  Add: t.add,
  Sum: t.sum,
  Sub: t.sub,
  Mul: t.mul,
  Div: t.div,
  Concat: t.concat,
  Split: t.split,
  Flatten: t.reshapeLike,
  Reshape: t.reshapeLike,
  Squeeze: t.reshapeLike,
  Unsqueeze: t.reshapeLike,
  Transpose: t.transpose,
  Slice: t.slice,
  Pad: t.pad,
  Expand: t.expand,
};

export const DIFFERENTIABLE_OPS: readonly string[] = Object.keys(GRAD_RULES);
