/**
 * Display benchmark (`npm run build && npm run bench:display`): the Node side of the display contract.
 *
 * 1. Diagram layout (src/display/layout.ts, dagre): DenseNet-201 closed to its top blocks (depth 1), to its
 *    dense blocks (2), with the dense layers as boxes (3) and fully open (every module open); ResNet-50 and
 *    Inception v3 at depth 2. Median of `--runs` (default 5) after one warm-up.
 * 2. PNG fallbacks: SVG + rasterise (resvg) time and PNG size of the graph (DenseNet-201 depth 2, ResNet-50
 *    depth 2, Inception v3 depth 2), summary (ResNet-50, depth 3) and feature-map (16 × 56×56, 64 × 56×56) bundles.
 * 3. Graph bundle size: DenseNet-201's GraphData as JSON vs the packed MIME data.
 *
 * Options: --runs N, --json.
 */
import { zoo } from '../src';
import { graphData } from '../src/analysis/graph-data';
import { summaryData } from '../src/analysis/summary';
import { layoutGraph } from '../src/display/layout';
import { graphBundle } from '../src/display/graph';
import { Summary } from '../src/display/summary';
import { featureMaps } from '../src/display/featuremaps';
import { JUPYTER_DISPLAY, type MimeBundle } from '../src/display/bundle';
import { encodeGraph } from '../src/display/graph-codec';
import { Tensor } from '../src/tensor/tensor';
import { mulberry32 } from '../src/tensor/random';

const args = process.argv.slice(2);
const RUNS = (() => { const i = args.indexOf('--runs'); return i >= 0 ? Number(args[i + 1]) : 5; })();
const now = () => Number(process.hrtime.bigint()) / 1e6;
const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
function time(f: () => void, runs = RUNS): number {
  f();
  const ts: number[] = [];
  for (let i = 0; i < runs; i++) { const t = now(); f(); ts.push(now() - t); }
  return median(ts);
}

const out: Record<string, unknown> = {};
const dn = graphData(zoo.create('densenet201'));
const rn = graphData(zoo.create('resnet50'));
const inc = graphData(zoo.create('inception_v3'));

console.log('layout (median ms)');
for (const [name, d, depth] of [['densenet201', dn, 1], ['densenet201', dn, 2], ['densenet201', dn, 3], ['densenet201', dn, 99], ['resnet50', rn, 2], ['inception_v3', inc, 2]] as const) {
  const l = layoutGraph(d, { depth });
  const ms = time(() => layoutGraph(d, { depth }), depth === 99 ? Math.min(RUNS, 3) : RUNS);
  const label = `${name} depth ${depth === 99 ? 'all' : depth}`;
  console.log(`  ${label.padEnd(26)} ${String(l.nodes.length).padStart(4)} boxes ${String(l.edges.length).padStart(4)} edges ${String(l.clusters.length).padStart(3)} frames  ${ms.toFixed(1).padStart(8)} ms`);
  out[`layout ${label}`] = { ms, boxes: l.nodes.length, edges: l.edges.length };
}

console.log('PNG fallbacks (median ms of bundle creation, PNG KB)');
const rnd = mulberry32(7);
const fm = (c: number) => new Tensor('float32', Float32Array.from({ length: c * 56 * 56 }, () => Math.max(0, rnd() * 2 - 1)), [c, 56, 56]);
const f16 = fm(16), f64 = fm(64);
const sum = summaryData(zoo.create('resnet50'), undefined, { depth: 3 });
const cases: [string, () => MimeBundle][] = [
  ['graph densenet201 depth 2', () => graphBundle({ ...dn, depth: 2 })],
  ['graph resnet50 depth 2', () => graphBundle({ ...rn, depth: 2 })],
  ['graph inception_v3 depth 2', () => graphBundle({ ...inc, depth: 2 })],
  ['summary resnet50 depth 3', () => new Summary(sum)[JUPYTER_DISPLAY]()],
  ['featuremaps 16 × 56×56', () => featureMaps(f16)[JUPYTER_DISPLAY]()],
  ['featuremaps 64 × 56×56', () => featureMaps(f64, { max: 64 })[JUPYTER_DISPLAY]()],
];
for (const [label, make] of cases) {
  const b = make();
  const kb = Buffer.from(b['image/png'] as string, 'base64').length / 1024;
  const ms = time(() => make(), Math.min(RUNS, 3));
  console.log(`  ${label.padEnd(28)} ${ms.toFixed(0).padStart(6)} ms ${kb.toFixed(1).padStart(7)} KB`);
  out[`png ${label}`] = { ms, kb };
}

const v1 = JSON.stringify(dn).length, v2 = JSON.stringify(encodeGraph(dn)).length;
console.log(`graph bundle data, DenseNet-201: GraphData ${(v1 / 1000).toFixed(0)} KB → packed ${(v2 / 1000).toFixed(0)} KB (${(v1 / v2).toFixed(1)}×)`);
out['graph bytes densenet201'] = { graphData: v1, packed: v2 };
if (args.includes('--json')) console.log(JSON.stringify(out));
