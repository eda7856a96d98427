/**
 * Model comparisons in the manner of Canziani et al. 2016 ("An Analysis of Deep Neural Network Models for
 * Practical Applications"): for each model its parameters, multiply-accumulates, parameter and peak activation
 * memory, and — when asked — measured latency and throughput on ONNX Runtime at a batch size. Accuracy is not
 * measured (no data set is downloaded); `zoo.info(name).reported` carries the papers' figures.
 */
import type { CompareRow } from '../display/compare-schema';
import { ConfigError } from '../errors';
import { Graph } from '../graph/ir';
import { Module } from '../nn/module';
import { Session, DeviceRequest } from '../runtime/session';
import { Tensor } from '../tensor/tensor';
import { Rng } from '../tensor/random';
import * as zoo from '../zoo';
import { progressReporter, type ProgressCallback } from '../progress';
import { summaryData } from './summary';

export interface CompareEntry {
  /** label; for a zoo model without `zoo`, its name */
  name: string;
  /** the zoo name when the label differs (`{ name: 'squeezenet (complex bypass)', zoo: 'squeezenet1_0', options: { bypass: 'complex' } }`) */
  zoo?: string;
  /** a module or traced graph; omitted: `zoo.create(zoo ?? name, options)` */
  model?: Module | Graph;
  /** input shape (default for zoo models: their own, at the comparison's batch) */
  inputShape?: readonly number[];
  /** zoo options (`{ alpha: 0.5 }`) */
  options?: Record<string, unknown>;
}

export interface CompareOptions {
  /** batch size of every input (default 1) */
  batch?: number;
  /** measure latency on ONNX Runtime (default false: counts only) */
  latency?: boolean;
  /** timed runs per model (default 10) after `warmup` untimed ones (default 2) */
  runs?: number;
  warmup?: number;
  device?: DeviceRequest;
  threads?: number;
  /** progress over every model (and run): by default, with `latency`, a bar in the cnnlab kernel; `false`: none */
  onProgress?: ProgressCallback | false;
}

/** One model's row: the data of the compare bundle's table (display/compare-schema.ts, types only). */
export type ComparisonRow = CompareRow;

function checkInt(v: number | undefined, def: number, min: number, what: string): number {
  const x = v ?? def;
  if (!Number.isInteger(x) || x < min) throw new ConfigError(`compare: ${what} must be an integer ≥ ${min}`, { expected: `an integer ≥ ${min}`, got: String(v), where: `options.${what}` });
  return x;
}

function resolve(e: string | CompareEntry, batch: number, i: number): { name: string; graph: Graph } {
  const entry: CompareEntry = typeof e === 'string' ? { name: e } : e;
  if (!entry || typeof entry.name !== 'string') throw new ConfigError('compare: each model is a zoo name or { name, model?, inputShape?, options? }', { got: JSON.stringify(e), where: `models[${i}]` });
  if (entry.model instanceof Graph) return { name: entry.name, graph: entry.model };
  let shape = entry.inputShape ? [...entry.inputShape] : undefined;
  let module: Module;
  if (entry.model instanceof Module) {
    module = entry.model;
    if (!shape) throw new ConfigError('compare: a module needs its input shape', { expected: 'inputShape: [N, C, H, W]', got: 'none', where: `models[${i}] (${entry.name})` });
  } else if (entry.model === undefined) {
    const zname = entry.zoo ?? entry.name;
    module = zoo.create(zname, entry.options ?? {});
    shape = shape ?? zoo.inputShape(zname, entry.options ?? {});
  } else {
    throw new ConfigError('compare: model must be an nn.Module or a Graph', { got: typeof entry.model, where: `models[${i}].model` });
  }
  if (!entry.inputShape) shape[0] = batch;
  return { name: entry.name, graph: module.trace(shape) };
}

/**
 * `await compareRows(['alexnet', 'vgg16', 'resnet50', 'mobilenet_v2'], { latency: true })`: one row per model
 * (`analysis.compare` shows them as a table).
 */
export async function compareRows(models: readonly (string | CompareEntry)[], opts: CompareOptions = {}): Promise<ComparisonRow[]> {
  if (!Array.isArray(models) || models.length === 0) throw new ConfigError('compare: no models', { expected: 'a non-empty array of zoo names or entries', got: JSON.stringify(models), where: 'compare(models)' });
  const batch = checkInt(opts.batch, 1, 1, 'batch');
  const runs = checkInt(opts.runs, 10, 1, 'runs');
  const warmup = checkInt(opts.warmup, 2, 0, 'warmup');
  const latency = opts.latency ?? false;
  // every model resolves (names, options, shapes) before anything is timed: bad input fails at once
  const resolved = models.map((m, i) => resolve(m, batch, i));
  const steps = latency ? runs + warmup + 1 : 1;
  // counting alone takes milliseconds: the default bar is for timed comparisons
  const report = progressReporter('compare', resolved.length * steps, opts.onProgress ?? (latency ? undefined : false));
  const rows: ComparisonRow[] = [];
  let done = 0;
  for (const { name, graph } of resolved) {
    const s = summaryData(graph, undefined, { depth: 0 });
    const shape = graph.inputs[0].shape!.map((d) => Number(d));
    const row: ComparisonRow = {
      name, inputShape: shape, params: s.totals.params, macs: s.totals.macs, flops: s.totals.flops,
      paramBytes: s.totals.paramBytes, peakActivationBytes: s.totals.peakActivationBytes,
      latencyMs: null, imagesPerSecond: null, gflopsPerSecond: null, device: null,
    };
    report(++done);
    if (latency) {
      const session = await Session.create(graph, { device: opts.device ?? 'cpu', threads: opts.threads });
      try {
        const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
        new Rng(0).fillNormal(data);
        const x = new Tensor('float32', data, shape);
        const feeds = { [session.inputNames[0]]: x };
        for (let i = 0; i < warmup; i++) { await session.run(feeds); report(++done); }
        session.timings.length = 0;
        for (let i = 0; i < runs; i++) { await session.run(feeds); report(++done); }
        const med = session.timingStats().median;
        row.latencyMs = med;
        row.imagesPerSecond = (shape[0] * 1000) / med;
        row.gflopsPerSecond = (2 * row.macs) / (med * 1e6);
        row.device = session.device;
      } finally {
        await session.release();
      }
    }
    rows.push(row);
  }
  report.finish();
  return rows;
}
