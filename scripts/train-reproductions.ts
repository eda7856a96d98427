/**
 * Trains the small models behind the notebooks' accuracy reproductions on Fashion-MNIST (Debian's
 * dataset-fashion-mnist) with fixed seeds, and writes their checkpoints (safetensors, torchvision/timm key names)
 * and logged histories (JSON) into notebooks/data/trained/, so the notebooks load them instead of training.
 *
 *   npm run train:repro                      # every experiment
 *   npm run train:repro -- xception lesion   # some of them
 *
 * Experiments (each sized to finish in minutes on a loaded 2-core machine; the budgets are in the JSON):
 * - `xception`: Xception's Figure 10 at small scale: one separable-convolution net with no activation, a ReLU or an
 *   ELU between depthwise and pointwise, each trained from the same seeds.
 * - `lesion`: a CIFAR-style ResNet-20 (the zoo's `resnet20`, a 1-channel first conv) for Veit et al.'s lesion study,
 *   then `lesion-eval` (which alone re-runs the lesions on the committed checkpoint).
 * - `degradation-plain`, `degradation-resnet`: ResNet Figure 4 at small scale (plain-20/56, ResNet-20/56; histories only).
 * - `senet`: a small SE net whose channel excitations the senet notebook reads per class (SENet §6.4).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { nn, train, zoo, Session, Tensor, tensor } from '../src';
import type { ImageDataset } from '../src/train';

const OUT = resolve(__dirname, '..', 'notebooks', 'data', 'trained');
const THREADS = Number(process.env.CNNLAB_THREADS ?? 2);

/** Xception's separable convolution with a chosen middle activation (Figure 10's variable). */
export type Middle = 'none' | 'relu' | 'elu';

/** The small separable net of the Figure 10 experiment (the notebook builds the same one). */
export function separableNet(middle: Middle): nn.Sequential {
  const mid = () => (middle === 'elu' ? new nn.ELU() : middle);
  const sep = (cin: number, cout: number) => new nn.SeparableConv2d(cin, cout, 3, { padding: 1, middle: mid() });
  return new nn.Sequential({
    conv1: new nn.Conv2d(1, 16, 3, { padding: 1, bias: false }), bn1: new nn.BatchNorm2d(16), act1: new nn.ReLU(),
    conv2: sep(16, 32), bn2: new nn.BatchNorm2d(32), act2: new nn.ReLU(), pool2: new nn.MaxPool2d(2),
    conv3: sep(32, 64), bn3: new nn.BatchNorm2d(64), act3: new nn.ReLU(), pool3: new nn.MaxPool2d(2),
    conv4: sep(64, 64), bn4: new nn.BatchNorm2d(64), act4: new nn.ReLU(),
    global_pool: new nn.AdaptiveAvgPool2d(1), flatten: new nn.Flatten(), fc: new nn.Linear(64, 10),
  });
}

/** The zoo's CIFAR ResNet-20 (option A shortcuts) with a 1-channel first convolution for Fashion-MNIST. */
export function resnet20Gray(): zoo.CifarResNet {
  const m = zoo.cifarResnet(20);
  m.conv1 = new nn.Conv2d(1, 16, 3, { padding: 1, bias: false });
  return m;
}

function data(trainSize: number, testSize: number, seed: number): { trainSet: ImageDataset; testSet: ImageDataset } {
  return {
    trainSet: train.subset(train.fashionMnist({ split: 'train' }), trainSize, seed),
    testSet: train.fashionMnist({ split: 'test', limit: testSize }),
  };
}

const write = (name: string, v: unknown) => writeFileSync(join(OUT, name), JSON.stringify(v, null, 1) + '\n');
const round = (h: train.History): train.History => ({
  ...h,
  steps: h.steps.map((s) => ({ ...s, loss: +s.loss.toFixed(5), error: s.error === undefined ? undefined : +s.error.toFixed(5), lr: +s.lr.toPrecision(6) })),
  epochs: h.epochs.map((e) => ({ ...e, seconds: +e.seconds.toFixed(1) })),
});

/** Progress on stdout: every 50 steps and at each epoch's end. */
const log = (what: string) => (p: train.Progress) => {
  if (p.epochEnd) console.log(`${what} epoch ${p.epochEnd.epoch}: train error ${p.epochEnd.trainError?.toFixed(4)}, test error ${p.epochEnd.testError?.toFixed(4)} (${p.epochEnd.seconds.toFixed(0)} s)`);
  else if (p.step % 50 === 0) console.log(`${what} step ${p.step}/${p.totalSteps} loss ${p.loss.toFixed(3)} ${new Date().toISOString().slice(11, 19)}`);
};

async function xception(): Promise<void> {
  const cfg = { trainSize: 8000, testSize: 5000, epochs: 2, batchSize: 64, lr: 0.05, momentum: 0.9, weightDecay: 5e-4, seeds: [1, 2], dataSeed: 15 };
  const { trainSet, testSet } = data(cfg.trainSize, cfg.testSize, cfg.dataSeed);
  const runs = [];
  for (const seed of cfg.seeds) {
    for (const middle of ['none', 'relu', 'elu'] as Middle[]) {
      nn.seedParameters(seed);
      const model = separableNet(middle);
      const t = train.trainer(model, {
        optimizer: train.sgd({ lr: cfg.lr, momentum: cfg.momentum, weightDecay: cfg.weightDecay }), schedule: train.cosineLr(),
        batchSize: cfg.batchSize, inputShape: [1, 28, 28], seed, threads: THREADS, name: `separable, middle ${middle}`,
      });
      const t0 = Date.now();
      const h = await t.fit(trainSet, { epochs: cfg.epochs, testData: testSet, display: false, onProgress: log(`xception ${middle} seed ${seed}`) });
      const ev = await t.evaluate(testSet, { batchSize: 500 });
      const file = `xception-fig10-${middle}-seed${seed}.safetensors`;
      await t.save(join(OUT, file));
      await t.release();
      runs.push({ middle, seed, checkpoint: file, testAccuracy: ev.accuracy, testLoss: ev.loss, seconds: (Date.now() - t0) / 1000, history: round(h) });
      console.log(`xception middle=${middle} seed=${seed}: test accuracy ${(ev.accuracy * 100).toFixed(2)} % (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
      write('xception-fig10.json', { command: 'npm run train:repro -- xception', data: 'Fashion-MNIST (Debian dataset-fashion-mnist), 28×28, normalised', config: cfg, runs });
    }
  }
}

async function lesion(): Promise<void> {
  const cfg = { model: 'resnet20 (zoo, option A), conv1 1→16', trainSize: 8000, testSize: 2000, epochs: 3, batchSize: 64, lr: 0.1, momentum: 0.9, weightDecay: 1e-4, seed: 1, dataSeed: 16 };
  const { trainSet, testSet } = data(cfg.trainSize, cfg.testSize, cfg.dataSeed);
  nn.seedParameters(cfg.seed);
  const model = resnet20Gray();
  const t = train.trainer(model, {
    optimizer: train.sgd({ lr: cfg.lr, momentum: cfg.momentum, weightDecay: cfg.weightDecay }), schedule: train.cosineLr(),
    batchSize: cfg.batchSize, inputShape: [1, 28, 28], seed: cfg.seed, threads: THREADS, name: 'ResNet-20',
  });
  const t0 = Date.now();
  const h = await t.fit(trainSet, {
    epochs: cfg.epochs, testData: testSet, display: false,
    onProgress: log('resnet20'),
  });
  const ev = await t.evaluate(testSet, { batchSize: 500 });
  await t.save(join(OUT, 'resnet20-fmnist.safetensors'));
  await t.release();
  write('resnet20-fmnist.json', {
    command: 'npm run train:repro -- lesion', data: 'Fashion-MNIST (Debian dataset-fashion-mnist), 28×28, normalised', config: cfg,
    checkpoint: 'resnet20-fmnist.safetensors', testAccuracy: ev.accuracy, testLoss: ev.loss, seconds: (Date.now() - t0) / 1000, history: round(h),
  });
  console.log(`resnet20: test accuracy ${(ev.accuracy * 100).toFixed(2)} %`);
  await lesionEval();
}

/** The residual blocks of ResNet-20 in order; the first of stages 2 and 3 downsample (stride 2, 16→32, 32→64). */
export const RESNET20_BLOCKS = ['layer1.0', 'layer1.1', 'layer1.2', 'layer2.0', 'layer2.1', 'layer2.2', 'layer3.0', 'layer3.1', 'layer3.2'];

/** Veit et al.'s lesion: each named block replaced by its shortcut (identity, or option A's subsample + zero pad). */
export function deleteBlocks(m: zoo.CifarResNet, blocks: readonly string[]): zoo.CifarResNet {
  for (const p of blocks) {
    const [stage, i] = p.split('.');
    const seq = m[stage as 'layer1' | 'layer2' | 'layer3'];
    const block = seq.at(Number(i)) as zoo.CifarBlock;
    (seq as unknown as Record<string, nn.Module>)[i] = block.downsample ?? new nn.Identity();
  }
  return m;
}

/** Misclassified images of `ds` in [from, to) (multiples of `batch`), through one inference session each. */
async function wrongCounts(m: nn.Module, ds: ImageDataset, bounds: number[], batch = 500): Promise<number[]> {
  const s = await Session.create(m.trace([batch, 1, 28, 28]), { threads: THREADS });
  const counts = [];
  for (let r = 0; r + 1 < bounds.length; r++) counts.push(await wrongIn(s, ds, bounds[r], bounds[r + 1], batch));
  await s.release();
  return counts;
}

async function wrongIn(s: Session, ds: ImageDataset, from: number, to: number, batch: number): Promise<number> {
  let wrong = 0;
  for (let b = from; b < to; b += batch) {
    const out = (await s.run(new Tensor('float32', ds.images.slice(b * 784, (b + batch) * 784), [batch, 1, 28, 28]))).output.data as Float32Array;
    for (let i = 0; i < batch; i++) {
      const row = out.subarray(i * 10, i * 10 + 10);
      if (row.indexOf(Math.max(...row)) !== ds.labels[b + i]) wrong++;
    }
  }
  return wrong;
}

/**
 * The lesion study on the trained ResNet-20: test error with no block deleted, each block deleted alone, and k
 * random blocks deleted at once (k = 2…6, `setsPerK` seeded draws each), on the first `testSize` test images; the
 * misclassified count among the first 500 is kept too so the notebook can recompute a few sets and compare.
 */
async function lesionEval(): Promise<void> {
  const logPath = join(OUT, 'resnet20-fmnist.json');
  const log = JSON.parse(readFileSync(logPath, 'utf8'));
  const cfg = { testSize: 2000, checkSize: 500, ks: [2, 3, 4, 5, 6], setsPerK: 4, seed: 2016 };
  const testSet = train.fashionMnist({ split: 'test', limit: cfg.testSize });
  const rng = new tensor.Rng(cfg.seed);
  const sets: string[][] = [[], ...RESNET20_BLOCKS.map((b) => [b])];
  for (const k of cfg.ks) {
    for (let j = 0; j < cfg.setsPerK; j++) {
      const pool = [...RESNET20_BLOCKS];
      for (let i = pool.length - 1; i > 0; i--) { const r = Math.floor(rng.next() * (i + 1)); [pool[i], pool[r]] = [pool[r], pool[i]]; }
      sets.push(pool.slice(0, k).sort());
    }
  }
  const results = [];
  for (const deleted of sets) {
    const m = resnet20Gray();
    await m.loadWeights(join(OUT, log.checkpoint));
    deleteBlocks(m, deleted);
    const [head, rest] = await wrongCounts(m, testSet, [0, cfg.checkSize, cfg.testSize]);
    const all = head + rest;
    results.push({ deleted, error: all / cfg.testSize, wrongFirst500: head });
    console.log(`lesion [${deleted.join(', ')}]: error ${(100 * all / cfg.testSize).toFixed(2)} %`);
  }
  log.lesion = { command: 'npm run train:repro -- lesion-eval', config: cfg, blocks: RESNET20_BLOCKS, results };
  write('resnet20-fmnist.json', log);
}

/**
 * ResNet Figure 4 at small scale: plain vs residual CIFAR nets of 20 and 56 layers (1-channel first conv), the same
 * data, schedule and seed; training error is logged per step and measured on the training subset at the end (running
 * BN statistics). Only the histories are kept (a 56-layer checkpoint is 3.4 MB).
 */
async function degradation(kind: 'plain' | 'resnet'): Promise<void> {
  const cfg = { trainSize: 2000, epochs: 2, batchSize: 64, lr: 0.1, momentum: 0.9, weightDecay: 1e-4, seed: 1, dataSeed: 17, depths: [20, 56] };
  const { trainSet } = data(cfg.trainSize, 64, cfg.dataSeed);
  const runs = [];
  for (const depth of cfg.depths) {
    nn.seedParameters(cfg.seed);
    const model = kind === 'plain' ? zoo.cifarPlain(depth) : zoo.cifarResnet(depth);
    model.conv1 = new nn.Conv2d(1, 16, 3, { padding: 1, bias: false });
    const name = `${kind}-${depth}`;
    const t = train.trainer(model, {
      optimizer: train.sgd({ lr: cfg.lr, momentum: cfg.momentum, weightDecay: cfg.weightDecay }), schedule: train.cosineLr(),
      batchSize: cfg.batchSize, inputShape: [1, 28, 28], seed: cfg.seed, threads: THREADS, name,
    });
    const t0 = Date.now();
    const h = await t.fit(trainSet, { epochs: cfg.epochs, display: false, onProgress: log(name) });
    const ev = await t.evaluate(trainSet, { batchSize: 500 });
    await t.release();
    runs.push({ name, depth, residual: kind === 'resnet', finalTrainError: ev.error, finalTrainLoss: ev.loss, seconds: (Date.now() - t0) / 1000, history: round(h) });
    console.log(`${name}: training error ${(100 * ev.error).toFixed(2)} %`);
    write(`degradation-${kind}.json`, { command: `npm run train:repro -- degradation-${kind}`, data: 'Fashion-MNIST (Debian dataset-fashion-mnist), 28×28, normalised', config: cfg, runs });
  }
}

/** A small CNN with a squeeze-and-excitation block (torchvision's SqueezeExcitation, r = 4) after each of 3 convolutions. */
export function seNet(): nn.Sequential {
  const cbr = (cin: number, cout: number) => [new nn.Conv2d(cin, cout, 3, { padding: 1, bias: false }), new nn.BatchNorm2d(cout), new nn.ReLU()] as const;
  const [c1, b1, a1] = cbr(1, 16), [c2, b2, a2] = cbr(16, 32), [c3, b3, a3] = cbr(32, 64), [c4, b4, a4] = cbr(64, 64);
  return new nn.Sequential({
    conv1: c1, bn1: b1, act1: a1, pool1: new nn.MaxPool2d(2),
    conv2: c2, bn2: b2, act2: a2, se2: new nn.SqueezeExcitation(32, 8), pool2: new nn.MaxPool2d(2),
    conv3: c3, bn3: b3, act3: a3, se3: new nn.SqueezeExcitation(64, 16),
    conv4: c4, bn4: b4, act4: a4, se4: new nn.SqueezeExcitation(64, 16),
    global_pool: new nn.AdaptiveAvgPool2d(1), flatten: new nn.Flatten(), fc: new nn.Linear(64, 10),
  });
}

/** SENet §6.4 at small scale: an SE net trained on Fashion-MNIST, whose excitations the senet notebook reads per class. */
async function senet(): Promise<void> {
  const cfg = { trainSize: 8000, testSize: 2000, epochs: 2, batchSize: 64, lr: 0.05, momentum: 0.9, weightDecay: 5e-4, seed: 1, dataSeed: 18 };
  const { trainSet, testSet } = data(cfg.trainSize, cfg.testSize, cfg.dataSeed);
  nn.seedParameters(cfg.seed);
  const t = train.trainer(seNet(), {
    optimizer: train.sgd({ lr: cfg.lr, momentum: cfg.momentum, weightDecay: cfg.weightDecay }), schedule: train.cosineLr(),
    batchSize: cfg.batchSize, inputShape: [1, 28, 28], seed: cfg.seed, threads: THREADS, name: 'SE net',
  });
  const t0 = Date.now();
  const h = await t.fit(trainSet, { epochs: cfg.epochs, testData: testSet, display: false, onProgress: log('senet') });
  const ev = await t.evaluate(testSet, { batchSize: 500 });
  await t.save(join(OUT, 'senet-fmnist.safetensors'));
  await t.release();
  write('senet-fmnist.json', { command: 'npm run train:repro -- senet', data: 'Fashion-MNIST (Debian dataset-fashion-mnist), 28×28, normalised', config: cfg, checkpoint: 'senet-fmnist.safetensors', testAccuracy: ev.accuracy, seconds: (Date.now() - t0) / 1000, history: round(h) });
  console.log(`senet: test accuracy ${(100 * ev.accuracy).toFixed(2)} %`);
}

const EXPERIMENTS: Record<string, () => Promise<void>> = {
  senet,
  xception, lesion, 'lesion-eval': lesionEval,
  'degradation-plain': () => degradation('plain'), 'degradation-resnet': () => degradation('resnet'),
};

async function main(): Promise<void> {
  const names = process.argv.slice(2).length ? process.argv.slice(2) : ['xception', 'lesion', 'degradation-plain', 'degradation-resnet', 'senet'];
  for (const n of names) if (!EXPERIMENTS[n]) throw new Error(`unknown experiment '${n}' (known: ${Object.keys(EXPERIMENTS).join(', ')})`);
  mkdirSync(OUT, { recursive: true });
  for (const n of names) await EXPERIMENTS[n]();
}

if (require.main === module) main().catch((e) => { console.error(e); process.exit(1); });
