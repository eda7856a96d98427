/**
 * `trainer(model, options)`: traces the model in training mode and builds the training-step graph at once (so an
 * op without a gradient fails here, naming the op and its module), then `fit` runs it on ONNX Runtime. Parameters,
 * buffers and optimiser state live in ONNX Runtime tensors between steps: each step reads one set and writes the
 * next into preallocated tensors (ping-pong), so no weight passes through JavaScript during training; they are
 * copied back into the model at the end of each epoch (`model.loadWeights`-compatible checkpoints via `save`).
 */
import * as ort from 'onnxruntime-node';
import { ConfigError, ShapeError, TrainingError, fmtShape } from '../errors';
import { Graph } from '../graph/ir';
import { Module } from '../nn/module';
import { Rng } from '../tensor/random';
import { Tensor } from '../tensor/tensor';
import { bnMomentumOf } from './autodiff';
import { Augment, ImageDataset, gatherBatch, permutation } from './data';
import { EpochRecord, History, TrainingData, TrainingDataOptions, trainingData } from './history';
import { LossSpec, lossKind } from './loss';
import { Optimizer } from './optim';
import { Schedule } from './schedule';
import { StepGraph, buildStepGraph, checkTrainable, nextName } from './step';
import { trainingSink } from './live';
import { KeyHasher, loadRun, retrainRequested, saveRun } from './cache';
import { progressReporter } from '../progress';

export interface TrainerOptions {
  optimizer: Optimizer;
  /** learning rate per step (default: the optimiser's lr throughout) */
  schedule?: Schedule;
  /** default 64; the last incomplete batch of an epoch is dropped (the step graph has a fixed batch) */
  batchSize?: number;
  /** seeds shuffling, augmentation and dropout masks (default 0) */
  seed?: number;
  /** [C, H, W] of one input (default: the model's defaultInputShape without its batch) */
  inputShape?: readonly number[];
  /** default 'cross-entropy' (logits [N, K], integer labels) */
  loss?: LossSpec;
  augment?: Augment;
  /** ONNX Runtime intra-op threads (default: its own choice) */
  threads?: number;
  /** a name for the history and the curves (default the model's class) */
  name?: string;
}

export interface Progress {
  step: number;
  totalSteps: number;
  epoch: number;
  epochs: number;
  loss: number;
  error?: number;
  lr: number;
  /** the epoch just ended (with test metrics when test data was given) */
  epochEnd?: EpochRecord;
  history: History;
}

export interface FitOptions {
  epochs: number;
  /** evaluated after every epoch */
  testData?: ImageDataset;
  onProgress?: (p: Progress) => void;
  /** reshuffle each epoch (default true); false takes the items in order */
  shuffle?: boolean;
  /**
   * live curves and a progress bar where a display is installed (the cnnlab kernel; default true): the curves'
   * x axis ('step' or 'epoch', default 'step')
   */
  display?: boolean | 'step' | 'epoch';
  /**
   * reuse the result of an identical earlier run (same model structure and starting weights, options, data bytes,
   * epochs, seed) from the trained-model cache (`CNNLAB_CACHE`, default ~/.cache/cnnlab), and store new results
   * there; `CNNLAB_RETRAIN=1` retrains and rewrites the entry (default false)
   */
  cache?: boolean;
}

interface CacheMeta { version: 1; history: History; steps: number; epochs: number }

export interface EvalResult { loss: number; accuracy: number; error: number; count: number }

type OrtMap = Map<string, ort.Tensor>;

const f32 = (data: Float32Array, dims: readonly number[]) => new ort.Tensor('float32', data, dims as number[]);

export class Trainer {
  readonly step: StepGraph;
  readonly history: History;
  /** optimiser steps done */
  steps = 0;
  private readonly batch: number;
  private readonly inputShape: number[];
  private readonly classes: number | undefined;
  private stepSession?: Promise<ort.InferenceSession>;
  private evalSession?: Promise<ort.InferenceSession>;
  private evalGraph?: Graph;
  /** current parameters, buffers and optimiser state (inputs of the next step) */
  private state?: OrtMap;
  /** preallocated tensors the next step writes into */
  private spare?: OrtMap;
  private epochsDone = 0;
  private onnx?: Uint8Array;
  /** whether the last `fit` came from the trained-model cache (nothing was trained) */
  fromCache = false;
  /** the cache entry the last `fit` used or wrote */
  cacheKey?: string;

  constructor(readonly model: Module, readonly options: TrainerOptions) {
    if (!options || !options.optimizer || typeof options.optimizer.emit !== 'function') {
      throw new ConfigError('trainer needs an optimizer', { expected: 'trainer(model, { optimizer: sgd({ lr: 0.1 }) | adam() })', got: options ? 'no optimizer' : 'no options', where: 'trainer()' });
    }
    this.batch = options.batchSize ?? 64;
    if (!Number.isInteger(this.batch) || this.batch < 1) throw new ConfigError('batchSize must be a positive integer', { got: String(options.batchSize), where: 'trainer()' });
    const shape = options.inputShape ?? model.defaultInputShape?.slice(1);
    if (!shape || !shape.length) {
      throw new ConfigError('trainer needs the input shape', { expected: 'inputShape: [C, H, W] (or a zoo model with a default input)', got: 'none', where: 'trainer()' });
    }
    this.inputShape = [...shape];
    const fwd = model.trace([this.batch, ...this.inputShape], { training: true, dynamicBatch: false });
    checkTrainable(fwd);
    this.step = buildStepGraph(fwd, { loss: options.loss ?? 'cross-entropy', optimizer: options.optimizer, bnMomentum: bnMomentumOf(model) });
    const out = fwd.outputs[0].shape as number[];
    this.classes = lossKind(options.loss ?? 'cross-entropy') === 'cross-entropy' ? out[1] : undefined;
    this.history = { model: options.name ?? model.typeName, steps: [], epochs: [] };
  }

  private sessionOptions(): ort.InferenceSession.SessionOptions {
    const o: ort.InferenceSession.SessionOptions = { graphOptimizationLevel: 'all', extra: { session: { intra_op: { allow_spinning: '0' } } } };
    if (this.options.threads) o.intraOpNumThreads = this.options.threads;
    return o;
  }

  /** Parameters, buffers (and zeroed optimiser state) from the model, once. */
  private initState(): void {
    if (this.state) return;
    const own = new Map(this.model.namedParameters());
    const state: OrtMap = new Map(), spare: OrtMap = new Map();
    const put = (name: string, data: Float32Array, shape: number[], next: boolean) => {
      state.set(name, f32(data, shape));
      if (next) spare.set(name, f32(new Float32Array(data.length), shape));
    };
    for (const p of this.step.params) put(p.name, new Float32Array(own.get(p.name)!.data), p.shape, true);
    for (const b of this.step.buffers) put(b.name, new Float32Array(own.get(b.name)!.data), b.shape, b.updated);
    for (const s of this.step.state) put(s.name, new Float32Array(s.shape.reduce((a, d) => a * d, 1)), s.shape, true);
    this.state = state; this.spare = spare;
  }

  private checkData(ds: ImageDataset, what: string): void {
    if (!ds || !(ds.images instanceof Float32Array) || !ds.labels) throw new ConfigError(`${what} is not an image data set`, { expected: '{ images: Float32Array, labels, shape: [C, H, W] } (e.g. train.fashionMnist())', got: typeof ds, where: 'fit()' });
    if (ds.shape.length !== this.inputShape.length || ds.shape.some((d, i) => d !== this.inputShape[i])) {
      throw new ShapeError(`${what} does not match the model input`, { expected: `images ${fmtShape(this.inputShape)} (trainer inputShape)`, got: `${fmtShape(ds.shape)} (${ds.name ?? what})`, where: 'fit()' });
    }
    if (this.classes !== undefined) {
      for (let i = 0; i < ds.length; i++) {
        const l = ds.labels[i];
        if (!Number.isInteger(l) || l < 0 || l >= this.classes) {
          throw new ShapeError(`${what} has a label outside the model's classes`, { expected: `labels 0..${this.classes - 1} (model output [N, ${this.classes}])`, got: `label ${l} at index ${i}`, where: ds.name ?? what });
        }
      }
    }
  }

  /** Trains for `epochs` more epochs; returns the history of the whole run. */
  async fit(data: ImageDataset, o: FitOptions): Promise<History> {
    if (!o || !Number.isInteger(o.epochs) || o.epochs < 1) throw new ConfigError('fit needs a number of epochs', { expected: 'an integer ≥ 1', got: String(o?.epochs), where: 'fit()' });
    this.checkData(data, 'the training data');
    if (o.testData) this.checkData(o.testData, 'the test data');
    if (this.classes === undefined) throw new ConfigError('fit on an image data set needs the cross-entropy loss', { got: JSON.stringify(this.options.loss), where: 'fit()' });
    const perEpoch = Math.floor(data.length / this.batch);
    if (perEpoch < 1) throw new ShapeError('the data set is smaller than one batch', { expected: `≥ ${this.batch} items`, got: `${data.length}`, where: 'fit()' });
    this.initState();
    this.fromCache = false;
    this.cacheKey = undefined;
    if (o.cache) {
      this.cacheKey = this.runKey(data, o);
      const hit = retrainRequested() ? null : loadRun<CacheMeta>(this.cacheKey);
      if (hit && this.restore(hit)) {
        this.fromCache = true;
        trainingSink(`training ${this.history.model}`)?.update(trainingData(this.history, { title: `training ${this.history.model}`, done: true }));
        return this.history;
      }
    }
    this.stepSession ??= ort.InferenceSession.create(this.stepBytes(), this.sessionOptions());
    const session = await this.stepSession;
    const seed = this.options.seed ?? 0;
    const per = this.inputShape.reduce((a, d) => a * d, 1);
    const xs = new Float32Array(this.batch * per), ys = new BigInt64Array(this.batch);
    const masks = this.step.masks.map((m) => ({ ...m, data: new Float32Array(m.shape.reduce((a, d) => a * d, 1)) }));
    const firstEpoch = this.epochsDone, lastEpoch = firstEpoch + o.epochs;
    const totalSteps = perEpoch * lastEpoch;
    const opt = this.options.optimizer;
    const title = `training ${this.history.model}`;
    const live = o.display === false ? null : trainingSink(title);
    const bar = o.display === false ? null : progressReporter(title, totalSteps - this.steps);
    const axis = typeof o.display === 'string' ? o.display : 'step';
    const startStep = this.steps;
    let lastShown = 0;
    const show = (done: boolean) => {
      live?.update(trainingData(this.history, { title, x: axis, total: axis === 'step' ? totalSteps : lastEpoch, done }));
      lastShown = performance.now();
    };
    for (let epoch = firstEpoch; epoch < lastEpoch; epoch++) {
      const t0 = performance.now();
      const order = o.shuffle === false ? Int32Array.from({ length: data.length }, (_, i) => i) : permutation(data.length, (seed * 1_000_003 + epoch) >>> 0);
      const augRng = new Rng((seed * 7919 + epoch * 104_729 + 17) >>> 0);
      let sumLoss = 0, sumCorrect = 0, seen = 0;
      for (let k = 0; k < perEpoch; k++) {
        gatherBatch(data, order.subarray(k * this.batch, (k + 1) * this.batch), xs, ys, this.options.augment, augRng);
        const lr = this.options.schedule ? this.options.schedule({ step: this.steps, epoch, stepsPerEpoch: perEpoch, totalSteps, baseLr: opt.lr }) : opt.lr;
        const feeds: Record<string, ort.Tensor> = {
          [this.step.input.name]: f32(xs, [this.batch, ...this.inputShape]),
          [this.step.target.name]: new ort.Tensor('int64', ys, [this.batch]),
        };
        for (const [name, v] of Object.entries(opt.scalars(this.steps + 1, lr))) feeds[name] = f32(Float32Array.of(v), []);
        const dropRng = new Rng((seed * 31 + this.steps * 2_654_435_761) >>> 0);
        for (const m of masks) {
          const keep = 1 / (1 - m.p);
          for (let i = 0; i < m.data.length; i++) m.data[i] = dropRng.next() < m.p ? 0 : keep;
          feeds[m.name] = f32(m.data, m.shape);
        }
        for (const [name, t] of this.state!) feeds[name] = t;
        const fetches: Record<string, ort.Tensor | null> = { loss: null, grad_sq: null };
        if (this.step.hasCorrect) fetches.correct = null;
        for (const [name, t] of this.spare!) fetches[nextName(name)] = t;
        const res = await session.run(feeds, fetches);
        const loss = (res.loss.data as Float32Array)[0];
        const gsq = res.grad_sq.data as Float32Array;
        if (!Number.isFinite(loss) || !gsq.every(Number.isFinite)) { bar?.finish(); this.diverged(loss, gsq, epoch); }
        // adopt the step: the written tensors become the current ones
        for (const name of this.spare!.keys()) {
          const cur = this.state!.get(name)!;
          this.state!.set(name, this.spare!.get(name)!);
          this.spare!.set(name, cur);
        }
        this.steps++;
        const correct = res.correct ? (res.correct.data as Float32Array)[0] : undefined;
        sumLoss += loss * this.batch; seen += this.batch;
        if (correct !== undefined) sumCorrect += correct;
        const rec = { step: this.steps, epoch: epoch + 1, loss, error: correct !== undefined ? 1 - correct / this.batch : undefined, lr };
        this.history.steps.push(rec);
        o.onProgress?.({ ...rec, epoch: epoch + 1, totalSteps, epochs: lastEpoch, history: this.history });
        bar?.(this.steps - startStep);
        if (live && performance.now() - lastShown > 1000) show(false);
      }
      this.syncModel();
      const er: EpochRecord = { epoch: epoch + 1, step: this.steps, trainLoss: sumLoss / seen, trainError: 1 - sumCorrect / seen, seconds: (performance.now() - t0) / 1000 };
      if (o.testData) {
        const ev = await this.evaluate(o.testData);
        er.testLoss = ev.loss; er.testError = ev.error;
      }
      this.history.epochs.push(er);
      this.epochsDone = epoch + 1;
      const last = this.history.steps[this.history.steps.length - 1];
      o.onProgress?.({ ...last, totalSteps, epochs: lastEpoch, epochEnd: er, history: this.history });
      if (live) show(epoch + 1 === lastEpoch);
    }
    bar?.finish();
    if (this.cacheKey) saveRun(this.cacheKey, this.snapshot(), { version: 1, history: this.history, steps: this.steps, epochs: this.epochsDone } satisfies CacheMeta);
    return this.history;
  }

  private stepBytes(): Uint8Array {
    this.onnx ??= this.step.graph.toOnnx({ dynamicBatch: false });
    return this.onnx;
  }

  /** Everything that decides the result of this fit. */
  private runKey(data: ImageDataset, o: FitOptions): string {
    const k = new KeyHasher().add('version', 1).bytes('graph', this.stepBytes());
    for (const [name, t] of [...this.state!].sort(([a], [b]) => (a < b ? -1 : 1))) k.bytes(name, t.data as Float32Array);
    const opt = this.options.optimizer;
    k.add('optimizer', { kind: opt.kind, lr: opt.lr, options: opt.options }).add('schedule', this.options.schedule ?? null)
      .add('trainer', { batchSize: this.batch, seed: this.options.seed ?? 0, inputShape: this.inputShape, loss: this.options.loss ?? 'cross-entropy', augment: this.options.augment ?? null })
      .add('fit', { epochs: o.epochs, shuffle: o.shuffle ?? true, steps: this.steps, epochsDone: this.epochsDone })
      .dataset('data', data).dataset('test', o.testData);
    return k.digest();
  }

  /** All state tensors (parameters, buffers, optimiser state), copied. */
  private snapshot(): Map<string, Tensor> {
    return new Map([...this.state!].map(([name, t]) => [name, new Tensor('float32', new Float32Array(t.data as Float32Array), t.dims)]));
  }

  private restore(hit: { tensors: Map<string, Tensor>; meta: CacheMeta }): boolean {
    if (hit.meta.version !== 1) return false;
    for (const [name, t] of this.state!) {
      const c = hit.tensors.get(name);
      if (!c || c.size !== t.size) return false;
    }
    for (const [name, t] of this.state!) (t.data as Float32Array).set(hit.tensors.get(name)!.data as Float32Array);
    this.history.steps.splice(0, this.history.steps.length, ...hit.meta.history.steps);
    this.history.epochs.splice(0, this.history.epochs.length, ...hit.meta.history.epochs);
    this.steps = hit.meta.steps;
    this.epochsDone = hit.meta.epochs;
    this.syncModel();
    return true;
  }

  private diverged(loss: number, gsq: Float32Array, epoch: number): never {
    const i = Array.from(gsq).findIndex((v) => !Number.isFinite(v));
    const p = i >= 0 ? this.step.params[i].name : undefined;
    throw new TrainingError(`training stopped at step ${this.steps + 1} (epoch ${epoch + 1}): the loss is ${loss}`, {
      expected: 'a finite loss and finite gradients (try a lower learning rate)',
      got: p ? `a non-finite gradient in '${p}' (the first such parameter in model order)` : 'finite gradients',
      where: p ?? `step ${this.steps + 1}`,
    });
  }

  /** Copies the current parameters and buffers into the model's Parameters. */
  syncModel(): void {
    if (!this.state) return;
    const own = new Map(this.model.namedParameters());
    for (const p of [...this.step.params, ...this.step.buffers]) {
      const t = this.state.get(p.name)!;
      own.get(p.name)!.set(new Tensor('float32', t.data as Float32Array, p.shape), p.name);
    }
  }

  /** Test loss (cross-entropy) and top-1 accuracy on a data set, with the current weights (running BN statistics). */
  async evaluate(data: ImageDataset, o: { batchSize?: number } = {}): Promise<EvalResult> {
    this.checkData(data, 'the evaluation data');
    if (this.classes === undefined) throw new ConfigError('evaluate needs the cross-entropy loss', { where: 'evaluate()' });
    this.initState();
    const bs = o.batchSize ?? this.batch;
    if (!this.evalSession || (this.evalGraph && this.evalGraph.inputs[0].shape![0] !== bs)) {
      this.evalGraph = this.buildEvalGraph(bs);
      this.evalSession = ort.InferenceSession.create(this.evalGraph.toOnnx({ dynamicBatch: false }), this.sessionOptions());
    }
    const session = await this.evalSession;
    const per = this.inputShape.reduce((a, d) => a * d, 1);
    const xs = new Float32Array(bs * per), ys = new BigInt64Array(bs);
    const K = this.classes;
    let loss = 0, correct = 0;
    for (let s = 0; s < data.length; s += bs) {
      const n = Math.min(bs, data.length - s);
      const idx = Int32Array.from({ length: n }, (_, i) => s + i);
      xs.fill(0);
      gatherBatch(data, idx, xs, ys);
      const feeds: Record<string, ort.Tensor> = { [this.evalGraph!.inputs[0].name]: f32(xs, [bs, ...this.inputShape]) };
      for (const p of [...this.step.params, ...this.step.buffers]) feeds[p.name] = this.state!.get(p.name)!;
      const res = await session.run(feeds);
      const z = res[this.evalGraph!.outputs[0].name].data as Float32Array;
      for (let i = 0; i < n; i++) {
        const row = z.subarray(i * K, (i + 1) * K);
        let mx = -Infinity, arg = 0;
        for (let k = 0; k < K; k++) if (row[k] > mx) { mx = row[k]; arg = k; }
        let se = 0;
        for (let k = 0; k < K; k++) se += Math.exp(row[k] - mx);
        const label = data.labels[s + i];
        loss += Math.log(se) + mx - row[label];
        if (arg === label) correct++;
      }
    }
    const count = data.length;
    return { loss: loss / count, accuracy: correct / count, error: 1 - correct / count, count };
  }

  /** The inference graph (running BN statistics, no dropout) with parameters and buffers as inputs. */
  private buildEvalGraph(bs: number): Graph {
    const fwd = this.model.trace([bs, ...this.inputShape], { dynamicBatch: false });
    const g = Object.assign(Object.create(Graph.prototype) as Graph, fwd);
    g.initializers = new Map([...fwd.initializers].filter(([, i]) => i.kind === 'constant'));
    g.inputs = [...fwd.inputs, ...[...fwd.initializers.values()].filter((i) => i.kind !== 'constant').map((i) => ({ name: i.name, dtype: i.dtype, shape: [...i.dims] }))];
    return g;
  }

  /** The model's state dict with the trained values (torchvision key names). */
  stateDict(): Map<string, Tensor> {
    this.syncModel();
    return this.model.stateDict();
  }

  /** Writes a safetensors checkpoint loadable by `model.loadWeights(path)`. */
  async save(path: string): Promise<void> {
    const { saveSafetensors } = await import('../tensor/safetensors');
    await saveSafetensors(path, this.stateDict(), { format: 'pt', producer: 'cnnlab.train', steps: String(this.steps), epochs: String(this.epochsDone) });
  }

  /** The curves for `application/vnd.cnnlab.training+json` (display with show.training / trainingBundle). */
  trainingData(o: TrainingDataOptions = {}): TrainingData {
    return trainingData(this.history, o);
  }

  async release(): Promise<void> {
    if (this.stepSession) await (await this.stepSession).release();
    if (this.evalSession) await (await this.evalSession).release();
    this.stepSession = undefined; this.evalSession = undefined;
  }
}

/** Builds a Trainer; throws at once for a model with an op that has no gradient (naming op and module). */
export function trainer(model: Module, options: TrainerOptions): Trainer {
  return new Trainer(model, options);
}
