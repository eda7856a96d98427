/**
 * npm run bench — cnnlab on ONNX Runtime against what users would otherwise run, in one run (batch 1):
 *  (a) cnnlab Session.run vs a bare onnxruntime-node InferenceSession.run on the same bytes with the same
 *      session options, in one process (the wrapper's cost; target ≤ 1.03);
 *  (b) the cnnlab-traced network vs torchvision's own torch.onnx.export (opset 17) of the same architecture,
 *      both run the same way on ONNX Runtime, each in its own process (target ≤ 1.05);
 *  (c) ResNet-50 in a process where a MobileNetV2 session runs before each of its runs vs ResNet-50 alone
 *      (target ≤ 1.10), with cnnlab's default (no spinning) and with ORT's spinning thread pools;
 *  (d) PyTorch CPU eager (Debian python3-torch, same thread count) vs ONNX Runtime (target ≥ 1.5× faster).
 * Every arm runs in turn (order reversed every other round), median of --runs runs each. (b) and (d) need
 * Debian's python3-torch and python3-torchvision (scripts/torchvision_bench.py); without them they are skipped.
 * Options: --runs N (20) --threads N (cores) --models a,b (resnet50,mobilenet_v2) --gap MS (20) --cache DIR --json
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import { join } from 'node:path';
import * as zoo from '../src/zoo';
import { graphCost } from '../src/graph/cost';
import { ortGraphDiff, ortOptimizedGraph } from './ort-graph';
import { ArmSpec, Proc, Samples, alternateRespawned, median, pairedRatio, torchVersions, torchvisionExports } from './procs';

function arg(name: string, def?: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : def;
}

const f2 = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : '—');
const f3 = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : '—');
const verdict = (ok: boolean) => (ok ? 'ok' : 'MISSES TARGET');

function table(head: string[], rows: (string | number)[][]): void {
  const w = head.map((h, j) => Math.max(h.length, ...rows.map((r) => String(r[j]).length)));
  const line = (r: (string | number)[]) => r.map((c, j) => (j === 0 ? String(c).padEnd(w[j]) : String(c).padStart(w[j]))).join('  ');
  console.log(line(head));
  for (const r of rows) console.log(line(r));
}

/** Ratio of the median CPU milliseconds per run. */
function cpuRatio(a: Samples, b: Samples): number {
  return median(a.cpu) / median(b.cpu);
}

function loadLine(): string {
  return os.loadavg().map((l) => l.toFixed(1)).join(' / ');
}

async function main(): Promise<void> {
  const t0 = Date.now();
  const models = (arg('models', 'resnet50,mobilenet_v2') as string).split(',');
  const threads = Number(arg('threads', String(os.cpus().length)));
  const runs = Number(arg('runs', '20'));
  const gapMs = Number(arg('gap', '20'));
  const cache = arg('cache', join(os.tmpdir(), 'cnnlab-bench')) as string;
  mkdirSync(cache, { recursive: true });
  const shape = [1, 3, 224, 224];
  const ortVersion = (require('onnxruntime-node/package.json') as { version: string }).version;
  const tv = torchVersions();
  const out: Record<string, unknown> = { date: new Date().toISOString(), cpu: os.cpus()[0]?.model, cores: os.cpus().length, threads, runs, ortVersion, torch: tv.ok ? tv.torch : null };

  console.log(`cnnlab runtime benchmark (npm run bench), ${new Date().toISOString()}`);
  console.log(`machine: ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB; load average ${loadLine()} at start`);
  console.log(`node ${process.version}, onnxruntime-node ${ortVersion} (CPU), ${tv.ok ? `torch ${tv.torch} / torchvision ${tv.torchvision} (${'/usr/bin/python3'})` : `no PyTorch: ${tv.why}`}`);
  console.log(`batch 1, ${threads} intra-op threads everywhere; each figure: median ms of ${runs} runs; arms run in turn (order reversed`);
  console.log(`every other round, ${gapMs} ms apart), so load from elsewhere hits all arms alike; half the runs with the processes`);
  console.log('started in one order, half in the reverse order (the first started can run slower). ratio = ratio of the medians;');
  console.log('paired = median of the per-round ratios; cpu = ratio of the median CPU ms (all threads of the process) per run,');
  console.log('which machine load disturbs least. A load average above the core count means noisy wall-clock figures.');
  if (os.loadavg()[0] > os.cpus().length) console.log(`WARNING: load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores — other work is running; wall-clock ratios (and verdicts) are noisy, read the cpu column.`);
  console.log('');

  // cnnlab-traced files (written fresh) and torchvision's exports (cached)
  const traced = new Map<string, string>();
  const gmacs = new Map<string, number>();
  for (const name of models) {
    const g = zoo.create(name).trace(shape);
    gmacs.set(name, graphCost(g).macs / 1e9);
    const path = join(cache, `cnnlab-${name}-${shape.join('x')}.onnx`);
    writeFileSync(path, g.toOnnx());
    traced.set(name, path);
  }
  const tvFiles = tv.ok ? torchvisionExports(cache, models) : new Map<string, string>();

  const rowsA: (string | number)[][] = [], rowsB: (string | number)[][] = [], rowsD: (string | number)[][] = [];
  const results: Record<string, unknown>[] = [];
  for (const name of models) {
    const path = traced.get(name)!;
    {
      const starts = [() => Proc.node(`${name} cnnlab`, { threads, runners: { cnnlab: { path, shape, api: 'cnnlab' }, bare: { path, shape, api: 'bare' } } })];
      const arms: ArmSpec[] = [{ label: 'cnnlab', proc: 0, id: 'cnnlab' }, { label: 'bare', proc: 0, id: 'bare' }];
      if (tv.ok) {
        starts.push(() => Proc.node(`${name} torchvision export`, { threads, runners: { tv: { path: tvFiles.get(name)!, shape, api: 'cnnlab' } } }));
        starts.push(() => Proc.torch(`${name} torch eager`, threads, [name]));
        arms.push({ label: 'tv', proc: 1, id: 'tv' }, { label: 'torch', proc: 2, id: name });
      }
      const t = await alternateRespawned(starts, arms, runs, { gapMs });
      const m = (k: string) => median(t.get(k)?.wall ?? []);
      const p = (a: string, b: string) => f3(pairedRatio(t.get(a)!.wall, t.get(b)!.wall));
      const c = (a: string, b: string) => f3(cpuRatio(t.get(a)!, t.get(b)!));
      const r: Record<string, number | string> = { model: name, cnnlabMs: m('cnnlab'), bareMs: m('bare'), tvExportMs: m('tv'), torchEagerMs: m('torch') };
      results.push(r);
      rowsA.push([name, f2(m('cnnlab')), f2(m('bare')), f3(m('cnnlab') / m('bare')), p('cnnlab', 'bare'), c('cnnlab', 'bare'), f3(gmacs.get(name)!), (2 * gmacs.get(name)! / m('cnnlab') * 1e3).toFixed(1), verdict(m('cnnlab') / m('bare') <= 1.03)]);
      if (tv.ok) {
        const graphs = ortGraphDiff(await ortOptimizedGraph(path), await ortOptimizedGraph(tvFiles.get(name)!));
        rowsB.push([name, f2(m('cnnlab')), f2(m('tv')), f3(m('cnnlab') / m('tv')), p('cnnlab', 'tv'), c('cnnlab', 'tv'), verdict(m('cnnlab') / m('tv') <= 1.05), graphs]);
        rowsD.push([name, f2(m('torch')), f2(m('cnnlab')), `${(m('torch') / m('cnnlab')).toFixed(2)}×`, `${pairedRatio(t.get('torch')!.wall, t.get('cnnlab')!.wall).toFixed(2)}×`, verdict(m('torch') / m('cnnlab') >= 1.5)]);
      }
    }
  }

  console.log('(a) cnnlab Session.run vs bare onnxruntime-node InferenceSession.run: same bytes, same session options, one process; target ≤ 1.03');
  table(['model', 'cnnlab ms', 'bare ort ms', 'ratio', 'paired', 'cpu', 'GMACs', 'GFLOP/s', ''], rowsA);
  console.log('');
  if (tv.ok) {
    console.log('(b) cnnlab-traced ONNX vs torchvision\'s torch.onnx.export (opset 17) of the same architecture, both through');
    console.log('    cnnlab\'s Session on ONNX Runtime, one process each; target ≤ 1.05. ORT graph: ONNX Runtime\'s optimized graphs');
    console.log('    of both files compared node by node (op, non-default attributes, constant shapes): identical, or what differs');
    table(['model', 'cnnlab-traced ms', 'torchvision export ms', 'ratio', 'paired', 'cpu', '', 'ORT graph'], rowsB);
  } else console.log(`(b) SKIPPED: needs Debian's python3-torch and python3-torchvision for torchvision's ONNX export (${tv.why})`);
  console.log('');

  // (c): the first model, alone or each run after a run of the second model's session in the same process
  const [main, other] = models;
  if (other) {
    const spec = (spinning: boolean, withOther: boolean) => ({
      threads, runners: {
        main: { path: traced.get(main)!, shape, api: 'cnnlab' as const, spinning },
        ...(withOther ? { other: { path: traced.get(other)!, shape, api: 'cnnlab' as const, spinning } } : {}),
      },
    });
    {
      const t = await alternateRespawned([
        () => Proc.node('alone', spec(false, false)), () => Proc.node('two sessions', spec(false, true)),
        () => Proc.node('alone, spinning', spec(true, false)), () => Proc.node('two sessions, spinning', spec(true, true)),
      ], [
        { label: 'alone', proc: 0, id: 'main' }, { label: 'two', proc: 1, id: 'main', pre: 'other' },
        { label: 'aloneSpin', proc: 2, id: 'main' }, { label: 'twoSpin', proc: 3, id: 'main', pre: 'other' },
      ], runs, { gapMs });
      const m = (k: string) => median(t.get(k)!.wall);
      const p = (a: string, b: string) => f3(pairedRatio(t.get(a)!.wall, t.get(b)!.wall));
      const c = (a: string, b: string) => f3(cpuRatio(t.get(a)!, t.get(b)!));
      console.log(`(c) ${main}: alone in its process vs each run right after a run of a live ${other} session in the same process; target ≤ 1.10`);
      table(['session options', `${main} alone ms`, `after ${other} ms`, 'ratio', 'paired', 'cpu', ''], [
        ['cnnlab default (no spinning)', f2(m('alone')), f2(m('two')), f3(m('two') / m('alone')), p('two', 'alone'), c('two', 'alone'), verdict(m('two') / m('alone') <= 1.1)],
        ['spinning: true (ORT\'s default)', f2(m('aloneSpin')), f2(m('twoSpin')), f3(m('twoSpin') / m('aloneSpin')), p('twoSpin', 'aloneSpin'), c('twoSpin', 'aloneSpin'), '(for comparison)'],
      ]);
      console.log(`    a lone session without vs with spinning: ${f2(m('alone'))} / ${f2(m('aloneSpin'))} ms = ${f3(m('alone') / m('aloneSpin'))} (paired ${p('alone', 'aloneSpin')}, cpu ${c('alone', 'aloneSpin')})`);
      out.twoSessions = { main, other, aloneMs: m('alone'), afterOtherMs: m('two'), aloneSpinningMs: m('aloneSpin'), afterOtherSpinningMs: m('twoSpin') };
    }
  } else console.log('(c) SKIPPED: needs two models (--models a,b)');
  console.log('');

  if (tv.ok) {
    console.log(`(d) PyTorch ${tv.torch} CPU eager (torch.set_num_threads(${threads}), no_grad) vs ONNX Runtime (cnnlab-traced, cnnlab Session),`);
    console.log('    one process each; target ≥ 1.5× faster');
    table(['model', 'torch eager ms', 'onnx runtime ms', 'speed-up', 'paired', ''], rowsD);
  } else console.log(`(d) SKIPPED: needs Debian's python3-torch and python3-torchvision for PyTorch eager timings (${tv.why})`);
  console.log(`\nload average ${loadLine()} at the end; ${((Date.now() - t0) / 1000).toFixed(0)} s in all; ONNX files in ${cache}`);
  out.models = results;
  if (process.argv.includes('--json')) console.log(JSON.stringify(out, null, 2));
}

main().catch((e) => { console.error(e instanceof Error ? e.stack ?? e.message : e); process.exit(1); });
