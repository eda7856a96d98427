import { readFileSync } from 'node:fs';
import { ConfigError, NotFoundError } from '../errors';
import { Module, weightsFileError } from '../nn/module';
import { readSafetensors } from '../tensor/safetensors';

export interface PaperRef {
  title: string;
  authors: string;
  year: number;
  /** short citation, e.g. "He et al., CVPR 2016" */
  citation: string;
  url?: string;
}

/** One option of a model: its default, the allowed values or an integer range (checked by `create`), a line of doc. */
export interface OptionSpec<T = unknown> {
  default: T;
  /** allowed values (checked); omit for free-form numbers/strings */
  allowed?: readonly T[];
  /** an integer ≥ min (checked) */
  integerMin?: number;
  doc?: string;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type OptionSpecs = Record<string, OptionSpec<any>>;

/** The option values a model's builder receives (defaults filled in). */
export type OptionValues<S extends OptionSpecs> = { [K in keyof S]: S[K] extends OptionSpec<infer T> ? T : never };

/** A typed, checked builder: `zoo.resnet50({ strideIn: '1x1' })` is `zoo.create('resnet50', { strideIn: '1x1' })`. */
export type Builder<O, M extends Module = Module> = (opts?: O & { weights?: string }) => M;

/** The class-count option of every classifier and head: a positive integer, checked once here for all families. */
export function numClassesOption(def: number, doc = 'number of classes of the last layer'): OptionSpec<number> {
  return { default: def, integerMin: 1, doc };
}

/** An option with a fixed set of values: `oneOf(['3x3', '1x1'], '3x3', doc)`; its type is their union. */
export function oneOf<const T extends readonly (string | number | boolean)[]>(allowed: T, def: T[number], doc?: string): OptionSpec<T[number]> {
  return { allowed, default: def, ...(doc ? { doc } : {}) };
}

/** A yes/no option. */
export function flag(def: boolean, doc?: string): OptionSpec<boolean> {
  return { allowed: [false, true], default: def, ...(doc ? { doc } : {}) };
}

/** A free-form option (a number such as a width multiplier), checked by the model itself. */
export function value<T>(def: T, doc?: string): OptionSpec<T> {
  return { default: def, ...(doc ? { doc } : {}) };
}

/** The registry name's builder name: `vgg11_bn` → `vgg11Bn`, `mobilenet_v3_large` → `mobilenetV3Large`, `resnext50_32x4d` unchanged. */
export type CamelCase<S extends string> = S extends `${infer H}_${infer T}`
  ? T extends `${infer C}${infer R}`
    ? C extends Lowercase<C> ? C extends Uppercase<C> ? `${H}_${CamelCase<T>}` : `${H}${Uppercase<C>}${CamelCase<R>}` : `${H}_${CamelCase<T>}`
    : S
  : S;

export function camelCase(name: string): string {
  return name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
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

/**
 * Registers a model under a torchvision-style name and returns its checked builder (options checked against
 * `info.options`, `weights` loaded, default input shape set): the one definition behind `zoo.create(name)`.
 */
export function register<M extends Module>(info: ModelInfo, build: (opts: Record<string, unknown>) => M): Builder<Record<string, unknown>, M> {
  if (REGISTRY.has(info.name)) throw new ConfigError(`model '${info.name}' is registered twice`);
  REGISTRY.set(info.name, { info, build });
  return (opts = {}) => create(info.name, opts) as M;
}

/** One row of a family's variant table: the family builder's configuration and what differs per model. */
export interface VariantRow<C, K extends string> {
  config: C;
  /** the family options this model takes (default: all) */
  options?: readonly K[];
  reported?: Record<string, number | string>;
  description?: string;
  paper?: PaperRef;
  inputSize?: [number, number, number];
}

type RowOptionKeys<R, S> = R extends { options: readonly (infer K)[] } ? K & keyof S : keyof S;

/** The checked builders of a variant table, named as the registry names in camelCase (`vgg11_bn` → `vgg11Bn`). */
export type FamilyBuilders<V, S extends OptionSpecs, M extends Module> = {
  [K in keyof V & string as CamelCase<K>]: Builder<Partial<OptionValues<Pick<S, RowOptionKeys<V[K], S>>>>, M>;
};

export interface FamilySpec<C, S extends OptionSpecs, M extends Module, V> {
  family: string;
  paper: PaperRef;
  /** CHW of the default input (a row may override it) */
  inputSize: [number, number, number];
  /** every option of the family, each with its default and check */
  options: S;
  /** one model from a row's configuration and the checked options */
  build: (config: C, opts: OptionValues<S>) => M;
  /** registry name → row (torchvision's names) */
  variants: V;
}

/**
 * Registers a family's variant table (as timm's `@register_model` does per function) and returns the typed,
 * checked builders: `export const { resnet18, resnet50 } = registerFamily({ ..., variants: { resnet18: {...}, ... } })`.
 * A builder's options are exactly the row's options, so `resnet50({ groups: 32 })` does not type-check.
 */
export function registerFamily<C, S extends OptionSpecs, M extends Module, const V extends Record<string, VariantRow<C, keyof S & string>>>(
  f: FamilySpec<C, S, M, V>,
): FamilyBuilders<V, S, M> {
  const out: Record<string, unknown> = {};
  for (const [name, row] of Object.entries(f.variants) as [string, VariantRow<C, keyof S & string>][]) {
    const keys = row.options ?? (Object.keys(f.options) as (keyof S & string)[]);
    const options: Record<string, OptionSpec> = {};
    for (const k of keys) options[k] = f.options[k];
    const info: ModelInfo = {
      name, family: f.family, paper: row.paper ?? f.paper, inputSize: row.inputSize ?? f.inputSize, options,
      ...(row.reported ? { reported: row.reported } : {}), ...(row.description ? { description: row.description } : {}),
    };
    out[camelCase(name)] = register(info, (o) => f.build(row.config, o as OptionValues<S>));
  }
  return out as FamilyBuilders<V, S, M>;
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
    if (spec.allowed && !spec.allowed.includes(v)) {
      throw new ConfigError(`invalid ${k} for ${inf.name}`, { expected: `one of ${spec.allowed.map((a) => JSON.stringify(a)).join(', ')}`, got: JSON.stringify(v), where: `${inf.name}.${k}` });
    }
    if (spec.integerMin !== undefined && (!Number.isInteger(v) || (v as number) < spec.integerMin)) {
      throw new ConfigError(`${k} must be an integer ≥ ${spec.integerMin}`, { expected: `an integer ≥ ${spec.integerMin}`, got: JSON.stringify(v), where: `${inf.name}.${k}` });
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
      throw weightsFileError(opts.weights, e);
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
