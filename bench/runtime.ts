/**
 * npm run bench — cnnlab Session.run against a bare onnxruntime-node InferenceSession.run on the same
 * ONNX bytes (the anchor), ResNet-50 and MobileNetV2 traced by cnnlab, batch 1 and 8. Runs alternate
 * A/B so both see the same machine state; medians, their ratio, and achieved GFLOP/s (2·MACs / time).
 * Options: --runs N (default 30, 10 at batch 8), --threads N, --models a,b --json
 */
import * as os from 'node:os';
import * as ort from 'onnxruntime-node';
import * as zoo from '../src/zoo';
import { toOnnx } from '../src/graph/onnx';
import { graphCost } from '../src/graph/cost';
import { Session } from '../src/runtime/session';
import { Tensor } from '../src/tensor/tensor';
import { Rng } from '../src/tensor/random';

function median(a: number[]): number {
  const s = [...a].sort((x, y) => x - y);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function arg(name: string, def?: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : def;
}

async function main(): Promise<void> {
  const models = (arg('models', 'resnet50,mobilenet_v2') as string).split(',');
  const threads = arg('threads') ? Number(arg('threads')) : undefined;
  const rows: Record<string, unknown>[] = [];
  console.log(`machine: ${os.cpus()[0]?.model ?? 'unknown CPU'} × ${os.cpus().length}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}, onnxruntime-node ${require('onnxruntime-node/package.json').version}`);
  console.log('model          batch  cnnlab ms  bare ort ms  ratio   GMACs  GFLOP/s');
  for (const name of models) {
    for (const batch of [1, 8]) {
      const runs = Number(arg('runs', batch === 1 ? '30' : '10'));
      const g = zoo.create(name).trace([batch, 3, 224, 224]);
      const bytes = toOnnx(g);
      const macs = graphCost(g).macs;
      const opts: ort.InferenceSession.SessionOptions = { executionProviders: ['cpu'], graphOptimizationLevel: 'all' };
      if (threads) opts.intraOpNumThreads = threads;
      const bare = await ort.InferenceSession.create(bytes, opts);
      const s = await Session.create(bytes, { device: 'cpu', threads });
      const data = new Float32Array(batch * 3 * 224 * 224);
      new Rng(1).fillNormal(data);
      const x = new Tensor('float32', data, [batch, 3, 224, 224]);
      const ox = new ort.Tensor('float32', data, [batch, 3, 224, 224]);
      const tA: number[] = [], tB: number[] = [];
      for (let i = 0; i < 3; i++) { await s.run({ input: x }); await bare.run({ input: ox }); }
      for (let i = 0; i < runs; i++) {
        const order = i % 2 === 0;
        for (const which of order ? ['a', 'b'] : ['b', 'a']) {
          const t0 = performance.now();
          if (which === 'a') await s.run({ input: x }); else await bare.run({ input: ox });
          (which === 'a' ? tA : tB).push(performance.now() - t0);
        }
      }
      const a = median(tA), b = median(tB);
      const row = { model: name, batch, cnnlabMs: a, bareMs: b, ratio: a / b, gmacs: macs / 1e9, gflops: (2 * macs) / (a * 1e6), runs };
      rows.push(row);
      console.log(`${name.padEnd(14)} ${String(batch).padStart(5)}  ${a.toFixed(2).padStart(9)}  ${b.toFixed(2).padStart(11)}  ${(a / b).toFixed(3)}  ${(macs / 1e9).toFixed(3).padStart(6)}  ${row.gflops.toFixed(1).padStart(7)}`);
      await s.release();
      await bare.release();
    }
  }
  if (process.argv.includes('--json')) console.log(JSON.stringify(rows, null, 2));
}

void main();
