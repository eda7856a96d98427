import { readFileSync } from 'node:fs';
import { ConfigError, NotFoundError } from '../errors';
import { Module } from '../nn/module';
import { readSafetensors } from '../tensor/safetensors';

export interface PaperRef {
  title: string;
  authors: string;
  year: number;
  /** short citation, e.g. "He et al., CVPR 2016" */
  citation: string;
  url?: string;
}

export interface OptionSpec {
  /** allowed values (checked); omit for free-form numbers/strings */
  allowed?: readonly (string | number | boolean)[];
  default?: unknown;
  doc?: string;
}

export interface ModelInfo {
  name: string;
  family: string;
  paper: PaperRef;
  /** the input shape the model is traced with by default (CHW part; batch 1 prepended) */
  inputSize: [number, number, number];
  /** numbers the paper (or torchvision) reports: params, MACs, top-1 error... */
  reported?: Record<string, number | string>;
  options?: Record<string, OptionSpec>;
  description?: string;
}

export interface CreateOptions {
  /** a safetensors file with torchvision/timm state_dict keys, loaded strictly */
  weights?: string;
  [option: string]: unknown;
}

interface Entry {
  info: ModelInfo;
  build: (opts: Record<string, unknown>) => Module;
}

const REGISTRY = new Map<string, Entry>();

/** Registers a builder under a torchvision-style name; each family file calls this where it defines the model. */
export function register(info: ModelInfo, build: (opts: Record<string, unknown>) => Module): void {
  if (REGISTRY.has(info.name)) throw new ConfigError(`model '${info.name}' is registered twice`);
  REGISTRY.set(info.name, { info, build });
}

function globToRegExp(pattern: string): RegExp {
  const esc = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${esc}$`, 'i');
}

/** Registered names matching a glob (`*mobilenet*`), sorted. */
export function list(pattern = '*'): string[] {
  const re = globToRegExp(pattern);
  return [...REGISTRY.keys()].filter((k) => re.test(k)).sort();
}

function entry(name: string): Entry {
  const e = REGISTRY.get(name);
  if (!e) {
    const close = [...REGISTRY.keys()].filter((k) => k.includes(name.replace(/[\d_].*$/, '')) && name.length > 1).slice(0, 10);
    throw new NotFoundError(`unknown model '${name}'`, { expected: close.length ? `one of ${close.join(', ')}` : `one of zoo.list(): ${list().join(', ')}` });
  }
  return e;
}

export function info(name: string): ModelInfo {
  return entry(name).info;
}

/** Checks options against the model's option specs: unknown keys and values outside `allowed` are errors. */
export function checkOptions(inf: ModelInfo, opts: Record<string, unknown>): Record<string, unknown> {
  const specs = inf.options ?? {};
  const out: Record<string, unknown> = {};
  for (const [k, spec] of Object.entries(specs)) if (spec.default !== undefined) out[k] = spec.default;
  for (const [k, v] of Object.entries(opts)) {
    if (k === 'weights' || v === undefined) continue;
    const spec = specs[k];
    if (!spec) {
      throw new ConfigError(`unknown option '${k}' for ${inf.name}`, { expected: Object.keys(specs).length ? `one of ${Object.keys(specs).join(', ')}` : 'no options', got: k, where: inf.name });
    }
    if (spec.allowed && !spec.allowed.includes(v as string | number | boolean)) {
      throw new ConfigError(`invalid ${k} for ${inf.name}`, { expected: `one of ${spec.allowed.map((a) => JSON.stringify(a)).join(', ')}`, got: JSON.stringify(v), where: `${inf.name}.${k}` });
    }
    out[k] = v;
  }
  return out;
}

/** Builds a model (a module tree); with `weights`, loads them too (strict, atomic). */
export function create(name: string, opts: CreateOptions = {}): Module {
  const e = entry(name);
  const checked = checkOptions(e.info, opts);
  const m = e.build(checked);
  m.defaultInputShape = inputShape(name, checked);
  if (opts.weights) {
    let bytes: Uint8Array;
    try { bytes = readFileSync(opts.weights); } catch (e) {
      throw new NotFoundError(`cannot read weights file ${opts.weights}`, { got: (e as Error).message, where: opts.weights });
    }
    const { tensors } = readSafetensors(bytes, opts.weights);
    m.loadStateDict(tensors, { where: opts.weights });
  }
  return m;
}

/** Default input shape [1, C, H, W] for a model (respecting a `resolution` option where it has one). */
export function inputShape(name: string, opts: Record<string, unknown> = {}): number[] {
  const inf = info(name);
  const [c, h, w] = inf.inputSize;
  const r = typeof opts.resolution === 'number' ? opts.resolution : undefined;
  return r ? [1, c, r, r] : [1, c, h, w];
}
