/**
 * npm run bench:torchvision (or scripts/bench-all-torchvision.sh) — benchmark (b) of npm run bench for every
 * torchvision model of the zoo: the cnnlab-traced network vs torchvision's own torch.onnx.export (opset 17)
 * of the same architecture, both through cnnlab's Session on ONNX Runtime, each in its own process, run in
 * turn, batch 1. Also compares the op counts of ONNX Runtime's optimized graphs of both files (what fusions
 * ORT found), which does not depend on machine load. Prints the worst ratio; target ≤ 1.05 for every model.
 * Needs Debian's python3-torch/python3-torchvision. Options: --runs N (10) --threads N --gap MS (10)
 * --cache DIR --models a,b (default: all 43) --no-ops (skip the optimized-graph comparison)
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import { join } from 'node:path';
import * as zoo from '../src/zoo';
import { Proc, alternateRespawned, median, pairedRatio, torchVersions, torchvisionExports } from './procs';
import { ortGraphDiff, ortOptimizedGraph } from './ort-graph';

/** torchvision 0.14's classification and segmentation models that the zoo builds with torchvision's names. */
export const TORCHVISION_MODELS = [
  'alexnet', 'vgg11', 'vgg11_bn', 'vgg13', 'vgg13_bn', 'vgg16', 'vgg16_bn', 'vgg19', 'vgg19_bn', 'googlenet', 'inception_v3',
  'resnet18', 'resnet34', 'resnet50', 'resnet101', 'resnet152', 'resnext50_32x4d', 'resnext101_32x8d', 'wide_resnet50_2',
  'densenet121', 'densenet161', 'densenet169', 'densenet201',
  'efficientnet_b0', 'efficientnet_b1', 'efficientnet_b2', 'efficientnet_b3', 'efficientnet_b4', 'efficientnet_b5', 'efficientnet_b6', 'efficientnet_b7',
  'mobilenet_v2', 'mobilenet_v3_large', 'mobilenet_v3_small', 'squeezenet1_0', 'squeezenet1_1',
  'shufflenet_v2_x0_5', 'shufflenet_v2_x1_0', 'shufflenet_v2_x1_5', 'shufflenet_v2_x2_0',
  'deeplabv3_resnet50', 'deeplabv3_resnet101', 'fcn_resnet50',
];

function arg(name: string, def?: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : def;
}

async function main(): Promise<void> {
  const t0 = Date.now();
  const models = arg('models') ? (arg('models') as string).split(',') : TORCHVISION_MODELS;
  const threads = Number(arg('threads', String(os.cpus().length)));
  const runs = Number(arg('runs', '10'));
  const gapMs = Number(arg('gap', '10'));
  const ops = !process.argv.includes('--no-ops');
  const cache = arg('cache', join(os.tmpdir(), 'cnnlab-bench')) as string;
  mkdirSync(cache, { recursive: true });
  const tv = torchVersions();
  if (!tv.ok) { console.log(`SKIPPED: needs Debian's python3-torch and python3-torchvision (${tv.why})`); return; }
  const ortVersion = (require('onnxruntime-node/package.json') as { version: string }).version;
  console.log(`cnnlab-traced vs torchvision's torch.onnx.export (opset 17), ${models.length} models, ${new Date().toISOString()}`);
  console.log(`machine: ${os.cpus()[0]?.model}, ${os.cpus().length} cores; load average ${os.loadavg().map((l) => l.toFixed(1)).join(' / ')}; onnxruntime-node ${ortVersion}, torch ${tv.torch} / torchvision ${tv.torchvision}`);
  console.log(`batch 1, ${threads} threads, both files through cnnlab's Session, one process each, run in turn (half the runs with the`);
  console.log(`processes started in the reverse order); median of ${runs} runs;`);
  console.log('ratio = cnnlab ms / torchvision ms (ratio of medians; paired = median of per-round ratios; cpu = ratio of the');
  console.log('median CPU ms per run, all threads of the process, which machine load disturbs least); target ≤ 1.05.');
  console.log('ORT graph: ONNX Runtime\'s optimized graphs (extended level) of both files compared node by node (op, attributes,');
  console.log('shapes of constant inputs; names and order aside): identical, or what differs (cnnlab vs torchvision).\n');
  if (os.loadavg()[0] > os.cpus().length) console.log(`WARNING: load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores — other work is running; wall-clock ratios are noisy, read the cpu column and ORT graph.\n`);
  console.log(`exporting with torch.onnx.export (kept in ${cache}) …`);
  const specs = models.map((n) => (n === 'inception_v3' ? `${n}:299x299` : n));
  const tvFiles = torchvisionExports(cache, specs);
  const w = Math.max(...models.map((m) => m.length));
  console.log(`${'model'.padEnd(w)}  cnnlab ms  torchvision ms  ratio  paired    cpu  ORT graph`);
  const rows: { model: string; ratio: number; paired: number; cpu: number; diff: string }[] = [];
  for (const name of models) {
    const size = name === 'inception_v3' ? 299 : 224;
    const shape = [1, 3, size, size];
    const path = join(cache, `cnnlab-${name}-${shape.join('x')}.onnx`);
    writeFileSync(path, zoo.create(name).trace(shape).toOnnx());
    const tvPath = tvFiles.get(name)!;
    let diff = '';
    if (ops) diff = ortGraphDiff(await ortOptimizedGraph(path), await ortOptimizedGraph(tvPath));
    try {
      const t = await alternateRespawned([
        () => Proc.node(`${name} cnnlab`, { threads, runners: { m: { path, shape, api: 'cnnlab' } } }),
        () => Proc.node(`${name} torchvision`, { threads, runners: { m: { path: tvPath, shape, api: 'cnnlab' } } }),
      ], [{ label: 'cnnlab', proc: 0, id: 'm' }, { label: 'tv', proc: 1, id: 'm' }], runs, { gapMs, warmup: 2 });
      const A = t.get('cnnlab')!, B = t.get('tv')!;
      const a = median(A.wall), b = median(B.wall);
      const r = { model: name, ratio: a / b, paired: pairedRatio(A.wall, B.wall), cpu: median(A.cpu) / median(B.cpu), diff };
      rows.push(r);
      console.log(`${name.padEnd(w)}  ${a.toFixed(2).padStart(9)}  ${b.toFixed(2).padStart(14)}  ${r.ratio.toFixed(3)}  ${r.paired.toFixed(3).padStart(6)}  ${r.cpu.toFixed(3)}  ${diff}`);
    } finally {
      rmSync(path, { force: true });
    }
  }
  const worst = rows.reduce((a, b) => (b.ratio > a.ratio ? b : a));
  const worstPaired = rows.reduce((a, b) => (b.paired > a.paired ? b : a));
  const worstCpu = rows.reduce((a, b) => (b.cpu > a.cpu ? b : a));
  const over = rows.filter((r) => r.ratio > 1.05);
  console.log(`\nworst ratio: ${worst.ratio.toFixed(3)} (${worst.model}); worst paired: ${worstPaired.paired.toFixed(3)} (${worstPaired.model}); worst cpu: ${worstCpu.cpu.toFixed(3)} (${worstCpu.model})`);
  console.log(over.length ? `over 1.05: ${over.map((r) => `${r.model} ${r.ratio.toFixed(3)}`).join(', ')}` : 'none over 1.05');
  if (ops) {
    const differ = rows.filter((r) => r.diff !== 'identical');
    console.log(differ.length ? `ORT's optimized graphs differ for ${differ.length} models (see above)` : `ORT's optimized graphs are identical (ops, attributes, weight shapes) for all ${rows.length} models`);
  }
  console.log(`load average ${os.loadavg().map((l) => l.toFixed(1)).join(' / ')} at the end; ${((Date.now() - t0) / 60000).toFixed(1)} min in all`);
}

main().catch((e) => { console.error(e instanceof Error ? e.stack ?? e.message : e); process.exit(1); });
