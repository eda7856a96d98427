/**
 * Benchmark processes: node workers (bench/worker.ts) and the PyTorch worker (scripts/torchvision_bench.py),
 * driven over a line protocol, timed alternately so that every arm sees the same machine state.
 */
import { spawn, spawnSync, ChildProcess } from 'node:child_process';
import { extname, join } from 'node:path';
import { createInterface } from 'node:readline';
import type { WorkerSpec } from './worker';

export const PYTHON = '/usr/bin/python3';
export const REPO = join(__dirname, __filename.endsWith('.ts') ? '..' : '../..');
export const TORCH_SCRIPT = join(REPO, 'scripts', 'torchvision_bench.py');

export function median(a: readonly number[]): number {
  const s = [...a].sort((x, y) => x - y);
  if (!s.length) return NaN;
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One worker process answering "time ID [PRE]" lines with milliseconds. */
export class Proc {
  private readonly waiting: { resolve: (line: string) => void; reject: (e: Error) => void }[] = [];
  private stderr = '';
  private exited: string | undefined;

  private constructor(readonly label: string, private readonly child: ChildProcess) {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const w = this.waiting.shift();
      if (!w) return;
      if (line.startsWith('error')) w.reject(new Error(`${label}: ${line}`)); else w.resolve(line);
    });
    child.stderr!.on('data', (d: Buffer) => { this.stderr = (this.stderr + d.toString()).slice(-2000); });
    child.on('exit', (code, sig) => {
      this.exited = `exited (${code ?? sig})`;
      for (const w of this.waiting.splice(0)) w.reject(new Error(`${label}: ${this.exited}: ${this.stderr.trim().split('\n').slice(-3).join(' | ')}`));
    });
  }

  /** A node worker (dist/bench/worker.js, or bench/worker.ts under tsx). */
  static node(label: string, spec: WorkerSpec): Proc {
    const file = join(__dirname, `worker${extname(__filename)}`);
    return new Proc(label, spawn(process.execPath, [...process.execArgv, file, JSON.stringify(spec)], { stdio: ['pipe', 'pipe', 'pipe'] }));
  }

  /** PyTorch CPU eager (scripts/torchvision_bench.py serve). */
  static torch(label: string, threads: number, specs: string[]): Proc {
    return new Proc(label, spawn(PYTHON, [TORCH_SCRIPT, 'serve', String(threads), ...specs], { stdio: ['pipe', 'pipe', 'pipe'] }));
  }

  private next(): Promise<string> {
    if (this.exited) return Promise.reject(new Error(`${this.label}: ${this.exited}: ${this.stderr.trim()}`));
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  async ready(): Promise<this> {
    const line = await this.next();
    if (line !== 'ready') throw new Error(`${this.label}: expected 'ready', got '${line}'`);
    return this;
  }

  /** One timed run: wall-clock ms and the worker process's CPU ms (all threads). */
  async time(id: string, pre?: string): Promise<{ wall: number; cpu: number }> {
    const p = this.next();
    this.child.stdin!.write(`time ${id}${pre ? ` ${pre}` : ''}\n`);
    const [wall, cpu] = (await p).split(' ').map(Number);
    if (!Number.isFinite(wall) || !Number.isFinite(cpu)) throw new Error(`${this.label}: expected 'WALL CPU' milliseconds`);
    return { wall, cpu };
  }

  close(): void {
    if (!this.exited) { this.child.stdin!.write('quit\n'); this.child.stdin!.end(); }
  }
}

export interface Arm {
  label: string;
  proc: Proc;
  id: string;
  /** a session of the same process run (untimed) right before each timed run */
  pre?: string;
}

/** Per-run wall-clock and CPU milliseconds of one arm, in round order. */
export interface Samples { wall: number[]; cpu: number[] }

/**
 * Times each arm `runs` times, one run per arm per round, the order reversed every other round; `gapMs`
 * of quiet between runs of different arms lets a previous process's thread pool go idle first.
 */
export async function alternate(arms: Arm[], runs: number, opts: { warmup?: number; gapMs?: number } = {}): Promise<Map<string, Samples>> {
  const times = new Map<string, Samples>(arms.map((a) => [a.label, { wall: [], cpu: [] }]));
  const warm = opts.warmup ?? 3;
  for (let i = 0; i < warm + runs; i++) {
    for (const a of i % 2 ? [...arms].reverse() : arms) {
      if (opts.gapMs) await sleep(opts.gapMs);
      const t = await a.proc.time(a.id, a.pre);
      if (i >= warm) { times.get(a.label)!.wall.push(t.wall); times.get(a.label)!.cpu.push(t.cpu); }
    }
  }
  return times;
}

/** Median of the per-round ratios a/b (robust to load that drifts between rounds). */
export function pairedRatio(a: readonly number[], b: readonly number[]): number {
  return median(a.map((x, i) => x / b[i]));
}

/** torch and torchvision versions of Debian's python3, or why they are unavailable. */
export function torchVersions(): { ok: true; torch: string; torchvision: string } | { ok: false; why: string } {
  const r = spawnSync(PYTHON, ['-c', 'import torch, torchvision; print(torch.__version__, torchvision.__version__)'], { encoding: 'utf8' });
  if (r.error) return { ok: false, why: `${PYTHON} not runnable (${r.error.message})` };
  if (r.status !== 0) return { ok: false, why: `${PYTHON} has no torch/torchvision (${(r.stderr || '').trim().split('\n').pop()})` };
  const [torch, torchvision] = r.stdout.trim().split(/\s+/);
  return { ok: true, torch, torchvision };
}

/** torchvision's own ONNX exports (opset 17), cached in `cache`: name → file. */
export function torchvisionExports(cache: string, specs: string[]): Map<string, string> {
  const r = spawnSync(PYTHON, [TORCH_SCRIPT, 'export', cache, ...specs], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`torch.onnx.export failed: ${(r.stderr || '').trim().split('\n').slice(-3).join(' | ')}`);
  const out = new Map<string, string>();
  for (const line of r.stdout.trim().split('\n')) {
    const [name, path] = line.split(' ');
    if (name && path?.endsWith('.onnx')) out.set(name, path);
  }
  return out;
}

/** An arm over the processes of `alternateRespawned`: `proc` indexes its list of process starters. */
export interface ArmSpec { label: string; proc: number; id: string; pre?: string }

/**
 * `alternate` in two halves with fresh processes: started in the given order for the first half and in the
 * reverse order for the second. (On a loaded machine the process started first ran up to 1.8× slower in
 * wall-clock time, at equal CPU time, even with the same file in both arms.) Samples of both halves merged.
 */
export async function alternateRespawned(starts: (() => Proc)[], arms: ArmSpec[], runs: number, opts: { warmup?: number; gapMs?: number } = {}): Promise<Map<string, Samples>> {
  const all = new Map<string, Samples>(arms.map((a) => [a.label, { wall: [], cpu: [] }]));
  for (const half of [0, 1]) {
    const order = starts.map((_, i) => i);
    if (half) order.reverse();
    const procs: Proc[] = [];
    try {
      for (const i of order) procs[i] = await starts[i]().ready();
      const n = half ? runs - Math.floor(runs / 2) : Math.floor(runs / 2);
      const t = await alternate(arms.map((a) => ({ label: a.label, proc: procs[a.proc], id: a.id, pre: a.pre })), n, opts);
      for (const [k, s] of t) { all.get(k)!.wall.push(...s.wall); all.get(k)!.cpu.push(...s.cpu); }
    } finally {
      for (const p of procs) p?.close();
    }
  }
  return all;
}
