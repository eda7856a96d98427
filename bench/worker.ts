/**
 * A benchmark worker process (started by bench/procs.ts): loads ONNX files into sessions, prints
 * "ready", then answers each stdin line "time ID [PRE]" with "WALL CPU": the wall-clock milliseconds of
 * one run of session ID and the CPU milliseconds the whole process (all its threads) spent in it (after
 * one untimed run of session PRE, if named), measured inside this process. "quit" ends it.
 * argv[2]: a JSON WorkerSpec.
 */
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import * as ort from 'onnxruntime-node';
import { Session, ortSessionOptions } from '../src/runtime/session';
import { Tensor } from '../src/tensor/tensor';
import { Rng } from '../src/tensor/random';

export interface RunnerSpec {
  /** ONNX file */
  path: string;
  /** input shape */
  shape: number[];
  /** 'cnnlab': Session.create + Session.run; 'bare': ort.InferenceSession.create + run */
  api: 'cnnlab' | 'bare';
  /** Session option `spinning` (cnnlab), or the same config entries for 'bare' */
  spinning?: boolean;
  /** 'bare' only: ONNX Runtime's own default options (spinning thread pools) instead of cnnlab's */
  ortDefaults?: boolean;
}

export interface WorkerSpec {
  threads?: number;
  runners: Record<string, RunnerSpec>;
}

type Run = () => Promise<unknown>;

async function load(r: RunnerSpec, threads: number | undefined): Promise<Run> {
  const bytes = readFileSync(r.path);
  const data = new Float32Array(r.shape.reduce((a, b) => a * b, 1));
  new Rng(1).fillNormal(data);
  if (r.api === 'cnnlab') {
    const s = await Session.create(bytes, { device: 'cpu', threads, spinning: r.spinning ?? false });
    const x = new Tensor('float32', data, r.shape);
    const feeds = { [s.inputNames[0]]: x };
    return () => s.run(feeds);
  }
  const opts: ort.InferenceSession.SessionOptions = r.ortDefaults
    ? { executionProviders: ['cpu'], graphOptimizationLevel: 'all', ...(threads ? { intraOpNumThreads: threads } : {}) }
    : ortSessionOptions('cpu', { threads, spinning: r.spinning ?? false });
  const s = await ort.InferenceSession.create(bytes, opts);
  const feeds = { [s.inputNames[0]]: new ort.Tensor('float32', data, r.shape) };
  return () => s.run(feeds);
}

async function main(): Promise<void> {
  const spec = JSON.parse(process.argv[2]) as WorkerSpec;
  const runs = new Map<string, Run>();
  for (const [id, r] of Object.entries(spec.runners)) runs.set(id, await load(r, spec.threads));
  process.stdout.write('ready\n');
  for await (const line of createInterface({ input: process.stdin })) {
    const [cmd, id, pre] = line.trim().split(/\s+/);
    if (cmd === 'quit') break;
    const run = runs.get(id);
    if (cmd !== 'time' || !run) { process.stdout.write(`error unknown command '${line}'\n`); continue; }
    if (pre) await runs.get(pre)!();
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await run();
    const wall = performance.now() - t0;
    const cpu = process.cpuUsage(c0);
    process.stdout.write(`${wall.toFixed(4)} ${((cpu.user + cpu.system) / 1000).toFixed(3)}\n`);
  }
  process.exit(0);
}

if (require.main === module) {
  main().catch((e) => { process.stdout.write(`error ${e instanceof Error ? e.message.split('\n')[0] : String(e)}\n`); process.exit(1); });
}
