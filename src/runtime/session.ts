import * as ort from 'onnxruntime-node';
import { CnnlabError, RuntimeError, ShapeError, fmtShape } from '../errors';
import { Graph } from '../graph/ir';
import { fromOnnx, toOnnx } from '../graph/onnx';
import { Tensor, DType } from '../tensor/tensor';
import { cleanOrtMessage } from './ort-errors';
import { progressReporter } from '../progress';

export type Device = 'cpu' | 'cuda' | 'webgpu';
export type DeviceRequest = Device | 'auto';
export const DEVICES: readonly Device[] = ['cpu', 'cuda', 'webgpu'];
const AUTO_ORDER: readonly Device[] = ['cuda', 'webgpu', 'cpu'];

// ONNX Runtime's own logger prints provider-loading failures that cnnlab reports as typed errors instead.
if (!process.env.CNNLAB_ORT_LOG) ort.env.logLevel = 'fatal';

/**
 * Whether 'auto' should try a device at all: CUDA only when its provider library is installed
 * (onnxruntime-node's install script with `--onnxruntime-node-install-cuda`), WebGPU only when the
 * machine has a GPU device node. This keeps 'auto' quiet and fast on CPU-only machines; naming the
 * device explicitly always tries it.
 */
function worthTrying(d: Device): boolean {
  const fs = require('node:fs') as typeof import('node:fs');
  const path = require('node:path') as typeof import('node:path');
  if (d === 'cpu') return true;
  if (d === 'cuda') {
    try {
      const dir = path.join(path.dirname(require.resolve('onnxruntime-node/package.json')), 'bin', 'napi-v6', process.platform, process.arch);
      return fs.existsSync(path.join(dir, 'libonnxruntime_providers_cuda.so')) || fs.existsSync(path.join(dir, 'onnxruntime_providers_cuda.dll'));
    } catch { return false; }
  }
  if (process.platform !== 'linux') return true;
  try {
    return fs.existsSync('/dev/nvidia0') || fs.readdirSync('/dev/dri').some((f) => f.startsWith('renderD'));
  } catch { return false; }
}

export interface SessionOptions {
  device?: DeviceRequest;
  /** intra-op threads (ONNX Runtime's default: one per core) */
  threads?: number;
  /** ONNX Runtime graph optimisation (default 'all') */
  optimization?: 'disabled' | 'basic' | 'extended' | 'all';
  /**
   * Let ONNX Runtime's intra-op and inter-op thread pools spin (busy-wait) after a run (default false).
   * Spinning pools of several live sessions steal each other's cores, so a session run after another
   * one is much slower (1.65× for ResNet-50 after MobileNetV2 on 2 cores); a lone session loses
   * nothing measurable without spinning. `true` is ONNX Runtime's own default.
   */
  spinning?: boolean;
}

export interface RunTiming {
  /** milliseconds inside ONNX Runtime's run */
  ms: number;
  /** milliseconds including cnnlab's conversions */
  totalMs: number;
}

type OrtTensor = ort.Tensor;

function toOrt(t: Tensor): OrtTensor {
  return new ort.Tensor(t.dtype as ort.Tensor.Type, t.data as ort.Tensor.DataType, t.dims as number[]);
}
/** The outputs as `Tensor<D>` after checking each one's dtype (`'any'`: no check). */
function checkDtypes<D extends DType>(out: Record<string, Tensor>, want: D | 'any', where: string): Record<string, Tensor<D>> {
  if (want !== 'any') {
    for (const [k, t] of Object.entries(out)) {
      if (t.dtype !== want) {
        throw new RuntimeError(`output '${k}' is ${t.dtype}, not ${want}`, {
          expected: `${want} outputs (or name the dtype: ${where}(x, { dtype: '${t.dtype}' }), or { dtype: 'any' })`, got: t.dtype, where: `Session.${where}`,
        });
      }
    }
  }
  return out as Record<string, Tensor<D>>;
}

function fromOrt(t: OrtTensor): Tensor {
  const type = t.type as DType;
  return new Tensor(type, t.data as Tensor['data'], t.dims as number[]);
}

/**
 * The options cnnlab hands to `ort.InferenceSession.create`. Without `spinning: true` the session config
 * entries `session.intra_op.allow_spinning` and `session.inter_op.allow_spinning` are '0' (onnxruntime-node
 * flattens `extra` into dotted config keys).
 */
export function ortSessionOptions(device: Device, opts: SessionOptions = {}, quiet = false): ort.InferenceSession.SessionOptions {
  const spin = opts.spinning ? '1' : '0';
  const o: ort.InferenceSession.SessionOptions = {
    executionProviders: [device],
    graphOptimizationLevel: opts.optimization ?? 'all',
    logSeverityLevel: quiet ? 4 : 3,
    extra: { session: { intra_op: { allow_spinning: spin }, inter_op: { allow_spinning: spin } } },
  };
  if (opts.threads) o.intraOpNumThreads = opts.threads;
  return o;
}

async function createOrt(bytes: Uint8Array, device: Device, opts: SessionOptions, quiet: boolean): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(bytes, ortSessionOptions(device, opts, quiet));
}

/** Which execution providers work here: each is tried on a one-node model (`{ webgpu: false }`: not WebGPU). */
export async function availableDevices(opts: { webgpu?: boolean } = {}): Promise<Device[]> {
  const probe = probeModel();
  const ok: Device[] = [];
  for (const d of DEVICES) {
    if (d === 'webgpu' && opts.webgpu === false) continue;
    try { await (await createOrt(probe, d, {}, true)).release(); ok.push(d); } catch { /* unavailable */ }
  }
  return ok;
}

let probeBytes: Uint8Array | undefined;
function probeModel(): Uint8Array {
  if (!probeBytes) {
    const g = new Graph();
    g.inputs = [{ name: 'x', dtype: 'float32', shape: [1] }];
    g.values.set('x', g.inputs[0]);
    g.nodes = [{ name: 'relu', op: 'Relu', domain: '', inputs: ['x'], outputs: ['y'], attrs: {}, module: '' }];
    g.outputs = [{ name: 'y', dtype: 'float32', shape: [1] }];
    g.values.set('y', g.outputs[0]);
    probeBytes = toOnnx(g, { dynamicBatch: false });
  }
  return probeBytes;
}

/**
 * An ONNX Runtime inference session over a cnnlab graph or ONNX bytes.
 * `const s = await Session.create(graph, { device: 'auto' }); const out = await s.run({ input: x });`
 */
export class Session {
  /** per-run timings, most recent last (kept to the last 1000) */
  readonly timings: RunTiming[] = [];
  private readonly tapSessions = new Map<string, Promise<ort.InferenceSession>>();
  private _graph: Graph | undefined;

  private constructor(
    private readonly ortSession: ort.InferenceSession,
    readonly device: Device,
    readonly bytes: Uint8Array,
    graph: Graph | undefined,
    private readonly opts: SessionOptions,
  ) {
    this._graph = graph;
  }

  static async create(model: Graph | Uint8Array, opts: SessionOptions = {}): Promise<Session> {
    const graph = model instanceof Graph ? model : undefined;
    if (!graph && !(model instanceof Uint8Array)) throw new CnnlabError('Session.create takes a Graph or ONNX bytes', { got: typeof model });
    const bytes = graph ? toOnnx(graph) : (model as Uint8Array);
    const want = opts.device ?? 'cpu';
    if (want !== 'auto' && !DEVICES.includes(want)) {
      throw new RuntimeError('unknown device', { expected: `${DEVICES.join(' | ')} | auto`, got: String(want) });
    }
    if (opts.threads !== undefined && (!Number.isInteger(opts.threads) || opts.threads < 0)) {
      throw new RuntimeError('threads must be a non-negative integer', { got: String(opts.threads) });
    }
    if (opts.spinning !== undefined && typeof opts.spinning !== 'boolean') {
      throw new RuntimeError('spinning must be true or false', { expected: 'boolean', got: String(opts.spinning) });
    }
    const order = want === 'auto' ? AUTO_ORDER.filter(worthTrying) : [want];
    const failures: string[] = [];
    for (const d of order) {
      try {
        const s = await createOrt(bytes, d, opts, want === 'auto' && d !== 'cpu');
        return new Session(s, d, bytes, graph, opts);
      } catch (e) {
        failures.push(`${d}: ${cleanOrtMessage(e, 160)}`);
        if (d === 'cpu') throw new RuntimeError('ONNX Runtime could not load the model', { got: failures.join('; ') });
      }
    }
    // probing WebGPU makes Dawn print driver warnings on stderr: only when WebGPU itself was asked for
    const available = await availableDevices({ webgpu: want === 'webgpu' });
    const hint = want === 'cuda' ? " (the CUDA provider is not installed: README.md, 'CUDA')" : '';
    throw new RuntimeError(`device '${want}' is not available${hint}`, {
      expected: `one of the available devices: ${available.join(', ')}${want === 'webgpu' ? '' : ' (webgpu not probed)'}`, got: failures.join('; '),
    });
  }

  /** The graph IR (parsed from the bytes on first use when the session was made from ONNX bytes). */
  get graph(): Graph {
    if (!this._graph) this._graph = fromOnnx(this.bytes);
    return this._graph;
  }

  get inputNames(): readonly string[] { return this.ortSession.inputNames; }
  get outputNames(): readonly string[] { return this.ortSession.outputNames; }

  private feeds(inputs: Record<string, Tensor> | Tensor): Record<string, OrtTensor> {
    const named = inputs instanceof Tensor ? { [this.inputNames[0]]: inputs } : inputs;
    if (inputs instanceof Tensor && this.inputNames.length !== 1) {
      throw new RuntimeError('the model has several inputs: pass a record', { expected: this.inputNames.join(', '), got: 'one tensor' });
    }
    const feeds: Record<string, OrtTensor> = {};
    for (const name of this.inputNames) {
      const t = named[name];
      if (!t) throw new RuntimeError(`missing input '${name}'`, { expected: this.inputNames.join(', '), got: Object.keys(named).join(', ') || 'nothing' });
      if (!(t instanceof Tensor)) throw new RuntimeError(`input '${name}' is not a cnnlab Tensor`, { got: typeof t });
      this.checkInput(name, t);
      feeds[name] = toOrt(t);
    }
    for (const k of Object.keys(named)) {
      if (!this.inputNames.includes(k)) throw new RuntimeError(`unknown input '${k}'`, { expected: this.inputNames.join(', ') });
    }
    return feeds;
  }

  private checkInput(name: string, t: Tensor): void {
    const info = this._graph?.inputs.find((i) => i.name === name);
    if (!info || !info.shape) return;
    const dyn = this._graph?.metadata.dynamicBatch !== 'false';
    const ok = info.shape.length === t.dims.length && info.shape.every((d, i) => (i === 0 && dyn) || typeof d !== 'number' || d === t.dims[i]);
    if (!ok) throw new ShapeError(`input '${name}' has the wrong shape`, { expected: fmtShape(info.shape.map((d, i) => (i === 0 && dyn ? 'N' : d))), got: fmtShape(t.dims) });
    if (info.dtype !== t.dtype) throw new ShapeError(`input '${name}' has the wrong dtype`, { expected: info.dtype, got: t.dtype });
  }

  private async runOn(s: ort.InferenceSession, inputs: Record<string, Tensor> | Tensor): Promise<Record<string, Tensor>> {
    const t0 = performance.now();
    const feeds = this.feeds(inputs);
    const t1 = performance.now();
    let res: ort.InferenceSession.ReturnType;
    try {
      res = await s.run(feeds);
    } catch (e) {
      throw new RuntimeError('ONNX Runtime run failed', { got: cleanOrtMessage(e) });
    }
    const t2 = performance.now();
    const out: Record<string, Tensor> = {};
    for (const [k, v] of Object.entries(res)) out[k] = fromOrt(v);
    this.timings.push({ ms: t2 - t1, totalMs: performance.now() - t0 });
    if (this.timings.length > 1000) this.timings.splice(0, this.timings.length - 1000);
    return out;
  }

  /**
   * Runs the model: `{ input: x }` (or just `x` for one input) → outputs by name.
   * Outputs are float32 tensors (what CNNs produce), so `Math.max(...out.logits.data)` type-checks;
   * an output of another dtype is reported rather than returned mistyped. For such models name the
   * dtype, `s.run(x, { dtype: 'int64' })`, or take any dtypes with `{ dtype: 'any' }`.
   */
  async run(inputs: Record<string, Tensor> | Tensor, opts?: { dtype?: 'float32' }): Promise<Record<string, Tensor<'float32'>>>;
  async run<D extends DType>(inputs: Record<string, Tensor> | Tensor, opts: { dtype: D }): Promise<Record<string, Tensor<D>>>;
  async run(inputs: Record<string, Tensor> | Tensor, opts: { dtype: 'any' }): Promise<Record<string, Tensor>>;
  async run(inputs: Record<string, Tensor> | Tensor, opts: { dtype?: DType | 'any' } = {}): Promise<Record<string, Tensor>> {
    return checkDtypes(await this.runOn(this.ortSession, inputs), opts.dtype ?? 'float32', 'run');
  }

  /**
   * Intermediate outputs ("taps"): module paths such as `layer1` or `features.3` (or value names),
   * added as graph outputs of a second session that is cached per set of taps.
   */
  async features(x: Record<string, Tensor> | Tensor, taps: readonly string[]): Promise<Record<string, Tensor<'float32'>>> {
    if (!taps.length) throw new CnnlabError('features needs at least one tap');
    const values = taps.map((t) => this.graph.resolveTap(t));
    const key = values.join('\u0000');
    let sp = this.tapSessions.get(key);
    if (!sp) {
      const g = this.graph.withOutputs(values);
      sp = createOrt(toOnnx(g), this.device, this.opts, false);
      this.tapSessions.set(key, sp);
    }
    const out = await this.runOn(await sp, x);
    const res: Record<string, Tensor> = {};
    taps.forEach((t, i) => { res[t] = out[values[i]]; });
    return checkDtypes(res, 'float32', 'features');
  }

  /**
   * Streams many inputs through the model, yielding each result in order; `onProgress(done, total?)`
   * is called after every batch (by default, in the cnnlab kernel, a progress bar; `false`: none).
   */
  async *runBatches(
    batches: Iterable<Record<string, Tensor> | Tensor> | AsyncIterable<Record<string, Tensor> | Tensor>,
    opts: { onProgress?: ((done: number, total?: number) => void) | false; total?: number } = {},
  ): AsyncGenerator<Record<string, Tensor<'float32'>>> {
    let done = 0;
    const total = opts.total ?? (Array.isArray(batches) ? batches.length : undefined);
    const report = progressReporter('runBatches', total, opts.onProgress);
    for await (const b of batches as AsyncIterable<Record<string, Tensor> | Tensor>) {
      yield await this.run(b);
      done++;
      report(done);
    }
    report.finish();
  }

  /** Median and other statistics of the recorded run timings (ms). */
  timingStats(): { runs: number; median: number; mean: number; min: number; p90: number } {
    const ms = this.timings.map((t) => t.totalMs).sort((a, b) => a - b);
    if (!ms.length) return { runs: 0, median: NaN, mean: NaN, min: NaN, p90: NaN };
    const q = (p: number) => ms[Math.min(ms.length - 1, Math.floor(p * ms.length))];
    return { runs: ms.length, median: ms.length % 2 ? ms[(ms.length - 1) / 2] : (ms[ms.length / 2 - 1] + ms[ms.length / 2]) / 2, mean: ms.reduce((a, b) => a + b, 0) / ms.length, min: ms[0], p90: q(0.9) };
  }

  async release(): Promise<void> {
    await this.ortSession.release();
    for (const p of this.tapSessions.values()) await (await p).release();
    this.tapSessions.clear();
  }
}
