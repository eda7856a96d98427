/**
 * Training benchmark (`npm run build && npm run bench:train`): ResNet-20 (CIFAR, option A) training steps on
 * 3×32×32 inputs — forward, cross-entropy, backward and the SGD update (lr 0.1, momentum 0.9, weight decay 1e-4)
 * as one ONNX graph on ONNX Runtime — against PyTorch (Debian's python3-torch, scripts/bench_train_torch.py) on
 * the same network, batch and threads. Median step time after warm-up; samples/s = batch / median.
 *
 * Options: --batch N (128), --threads N (2), --steps N (10), --warmup N (2), --no-torch, --json.
 */
import { execFileSync } from 'child_process';
import * as path from 'path';
import * as zoo from '../src/zoo';
import * as train from '../src/train';
import { Rng } from '../src/tensor/random';

const args = process.argv.slice(2);
const opt = (name: string, def: number) => { const i = args.indexOf(name); return i >= 0 ? Number(args[i + 1]) : def; };
const BATCH = opt('--batch', 128), THREADS = opt('--threads', 2), STEPS = opt('--steps', 10), WARMUP = opt('--warmup', 2);

async function cnnlab(): Promise<{ msPerStep: number; samplesPerS: number; buildMs: number }> {
  const t0 = performance.now();
  const model = zoo.create('resnet20');
  const t = train.trainer(model, { optimizer: train.sgd({ lr: 0.1, momentum: 0.9, weightDecay: 1e-4 }), batchSize: BATCH, inputShape: [3, 32, 32], threads: THREADS, seed: 0 });
  const buildMs = performance.now() - t0;
  const rng = new Rng(0);
  const n = BATCH * (WARMUP + STEPS);
  const images = new Float32Array(n * 3 * 32 * 32);
  rng.fillNormal(images);
  const data = train.imageDataset(images, Int32Array.from({ length: n }, (_, i) => i % 10), [3, 32, 32]);
  const times: number[] = [];
  let last = performance.now();
  await t.fit(data, {
    epochs: 1, shuffle: false,
    onProgress: (p) => {
      if (p.epochEnd) return;
      const now = performance.now();
      if (p.step > WARMUP) times.push(now - last);
      last = now;
    },
  });
  await t.release();
  times.sort((a, b) => a - b);
  const med = times[Math.floor(times.length / 2)];
  return { msPerStep: med, samplesPerS: BATCH / (med / 1000), buildMs };
}

function torch(): { ms_per_step: number; samples_per_s: number; torch: string } | null {
  if (args.includes('--no-torch')) return null;
  try {
    const out = execFileSync('/usr/bin/python3', [path.join(__dirname, '..', '..', 'scripts', 'bench_train_torch.py'), '--batch', String(BATCH), '--threads', String(THREADS), '--steps', String(STEPS), '--warmup', String(WARMUP)], { encoding: 'utf8' });
    return JSON.parse(out.trim().split('\n').pop()!);
  } catch (e) {
    console.error(`PyTorch side skipped: ${(e as Error).message.split('\n')[0]}`);
    return null;
  }
}

async function main(): Promise<void> {
  const c = await cnnlab();
  const p = torch();
  const res = { model: 'resnet20', input: [BATCH, 3, 32, 32], threads: THREADS, steps: STEPS, cnnlab: c, torch: p, ratio: p ? c.samplesPerS / p.samples_per_s : null };
  if (args.includes('--json')) { console.log(JSON.stringify(res)); return; }
  console.log(`ResNet-20 training, batch ${BATCH}, ${THREADS} threads, median of ${STEPS} steps after ${WARMUP} warm-up`);
  console.log('| | ms/step | samples/s |');
  console.log('|---|---:|---:|');
  console.log(`| cnnlab (ONNX Runtime) | ${c.msPerStep.toFixed(0)} | ${c.samplesPerS.toFixed(1)} |`);
  if (p) console.log(`| PyTorch ${p.torch} CPU | ${p.ms_per_step.toFixed(0)} | ${p.samples_per_s.toFixed(1)} |`);
  if (res.ratio) console.log(`ratio cnnlab / PyTorch: ${res.ratio.toFixed(2)}×  (graph build ${c.buildMs.toFixed(0)} ms)`);
}

main().catch((e) => { console.error(e); process.exit(1); });
