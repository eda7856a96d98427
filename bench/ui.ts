/**
 * `npm run bench:ui`: the extension's renderers in headless Chromium (Debian's, through playwright-core), from
 * data to drawn — DenseNet-201's diagram collapsed to blocks and fully expanded, 64 feature maps of 56×56.
 * Targets (issue 11): ≤ 0.5 s, ≤ 3 s, ≤ 0.5 s. Median of 5 runs each, fresh output each run.
 */
import { browserAvailable, launch, openHarness } from './browser';
import { zoo, Tensor } from '../src';
import { graphData } from '../src/analysis/graph-data';
import { encodeGraph } from '../src/display/graph-codec';
import { featureMaps } from '../src/display/featuremaps';
import { Rng } from '../src/tensor/random';

// page-side code below runs in Chromium; the Node build has no DOM types
/* eslint-disable @typescript-eslint/no-explicit-any */
declare const document: any;
declare const window: any;

const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];

async function main(): Promise<void> {
  const why = browserAvailable();
  if (why) throw new Error(`bench:ui needs Chromium and extension/node_modules: ${why}`);
  const dn = zoo.create('densenet201');
  // what the MIME bundle carries (packed; the renderer decodes it: part of "data to drawn")
  const collapsed = encodeGraph(graphData(dn, undefined, { depth: 2 }));
  const data = new Float32Array(64 * 56 * 56);
  new Rng(0).fillNormal(data);
  const fm = featureMaps(new Tensor('float32', data, [1, 64, 56, 56]), { max: 64, name: 'bench' }).data;
  const browser = await launch();
  const h = await openHarness(browser);
  const runs = 5;
  const r: Record<string, number[]> = { collapsed: [], expanded: [], fm: [] };
  let expandedNodes = 0, collapsedNodes = 0;
  for (let i = 0; i < runs; i++) {
    const c = await h.render('graph', collapsed);
    r.collapsed.push(c.ms);
    collapsedNodes = await h.page.evaluate((id: string) => document.querySelectorAll(`#${id} .cl-node`).length, c.id);
    const e = await h.page.evaluate((id: string) => (window as unknown as { cnnlab: { expandAll(id: string): Promise<{ ms: number; nodes: number }> } }).cnnlab.expandAll(id), c.id);
    r.expanded.push(e.ms);
    expandedNodes = e.nodes;
    r.fm.push((await h.render('featuremaps', fm)).ms);
    await h.page.evaluate(() => { document.querySelectorAll('.harness-box').forEach((b: any) => b.remove()); });
  }
  if (h.errors.length) throw new Error(`console errors: ${h.errors.join('\n')}`);
  await h.close();
  await browser.close();
  const line = (name: string, xs: number[], target: number) => `${name.padEnd(52)} median ${(median(xs) / 1000).toFixed(3)} s  (runs ${xs.map((x) => (x / 1000).toFixed(2)).join(', ')})  target ≤ ${target} s`;
  console.log(`bench:ui — headless Chromium (${process.env.CNNLAB_CHROMIUM ?? '/usr/bin/chromium'}), ${runs} runs`);
  console.log(line(`DenseNet-201 diagram, blocks at depth 2 (${collapsedNodes} boxes)`, r.collapsed, 0.5));
  console.log(line(`DenseNet-201 diagram, fully expanded (${expandedNodes} nodes)`, r.expanded, 3));
  console.log(line('feature maps, 64 × 56×56', r.fm, 0.5));
}

main().catch((e) => { console.error(e); process.exitCode = 1; });
