import { Module } from '../module';
import { BatchNorm2d } from '../layers/norm';
import { Conv2d } from '../layers/conv';
import { Sequential } from '../layers/container';
import { ReLU, ReLU6 } from '../layers/activation';

export interface ConvNormActOptions {
  stride?: number;
  groups?: number;
  dilation?: number;
  /** padding; default (k − 1)/2 · dilation */
  padding?: number;
  /** activation module factory, or null for none (default ReLU) */
  activation?: (() => Module) | null;
  eps?: number;
  /** BatchNorm momentum (torch convention; default 0.1) */
  momentum?: number;
}

/**
 * torchvision's Conv2dNormActivation: Sequential(conv (no bias), BatchNorm2d, activation) with keys 0, 1, 2.
 */
export function convNormAct(cin: number, cout: number, k: number, opts: ConvNormActOptions = {}): Sequential {
  const dilation = opts.dilation ?? 1;
  const padding = opts.padding ?? Math.floor((k - 1) / 2) * dilation;
  const layers: Module[] = [
    new Conv2d(cin, cout, k, { stride: opts.stride ?? 1, padding, dilation, groups: opts.groups ?? 1, bias: false }),
    new BatchNorm2d(cout, opts.eps ?? 1e-5, opts.momentum ?? 0.1),
  ];
  const act = opts.activation === undefined ? () => new ReLU(true) : opts.activation;
  if (act) layers.push(act());
  const s = new Sequential(...layers);
  Object.defineProperty(s, 'typeName', { value: 'Conv2dNormActivation' });
  return s;
}

export const relu6 = () => new ReLU6(true);
