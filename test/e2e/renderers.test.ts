/**
 * The extension's renderers in headless Chromium (Debian's, via playwright-core) on bundles made by cnnlab:
 * each draws what its data holds (diagram boxes, table rows, plotly traces, heatmap values), blocks open
 * in place, hover shows details, the COCO block equals pycocotools' own `summarize()` output (run from .venv),
 * a class named `<img src=x onerror=alert(1)>` shows as text and runs nothing, and no console errors.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAvailable, Browser, Harness, launch, openHarness, ROOT } from '../../bench/browser';
import { detectionCase, samples, trainingData, XSS } from './samples';

// page-side callbacks run in Chromium; the test build has no DOM types
// eslint-disable-next-line @typescript-eslint/no-explicit-any
declare const document: any;

const why = browserAvailable();
const PY = path.join(ROOT, '.venv', 'bin', 'python');

describe.skipIf(why !== null)('renderers in headless Chromium', () => {
  let browser: Browser;
  let h: Harness;
  let s: Record<string, Record<string, unknown>>;
  const data = (kind: string) => s[kind][`application/vnd.cnnlab.${kind}+json`];
  const count = (sel: string) => h.page.locator(sel).count();

  beforeAll(async () => {
    s = await samples();
    browser = await launch();
    h = await openHarness(browser);
  });
  afterAll(async () => {
    await h?.close();
    await browser?.close();
  });

  it('graph: ResNet-18 at depth 1 shows torchvision’s 10 children + flatten + input + output; opening layer1 shows its 2 BasicBlocks; hover; search', async () => {
    const { id } = await h.render('graph', data('graph'));
    const nodes = `#${id} .cl-node`;
    expect(await count(nodes)).toBe(13);
    // everything but flatten, input and output is a closed block (the six leaf modules in their node's colour)
    expect(await count(`#${id} .cl-block`)).toBe(10);
    await h.page.locator(`#${id} .cl-block[data-id="layer1"]`).click();
    await h.page.waitForFunction((sel: string) => document.querySelectorAll(sel).length === 14, nodes);
    expect(await count(`#${id} .cl-block[data-id="layer1.0"]`)).toBe(1);
    expect(await count(`#${id} .cl-cluster[data-path="layer1"]`)).toBe(1);
    // open the conv1 leaf block, hover its convolution: op, module, kernel, weight shape
    await h.page.locator(`#${id} .cl-block[data-id="conv1"]`).click();
    await h.page.waitForSelector(`#${id} .cl-node[data-id^="conv1/Conv"]`);
    await h.page.locator(`#${id} .cl-node[data-id^="conv1/Conv"]`).hover();
    const tip = await h.page.locator(`#${id} .cl-tip`).innerText();
    expect(tip).toContain('Conv');
    expect(tip).toContain('module conv1');
    expect(tip).toContain('kernel_shape [7, 7]');
    expect(tip).toContain('[64, 3, 7, 7]');
    expect(tip).toContain('params 9,408');
    // search: a block path deep inside opens its parents
    await h.page.locator(`#${id} input[type=search]`).fill('layer3.1');
    await h.page.locator(`#${id} input[type=search]`).press('Enter');
    await h.page.waitForSelector(`#${id} .cl-block[data-id="layer3.1"] ~ .cl-hit, #${id} .cl-block[data-id="layer3.1"] .cl-hit`);
  }, 120_000);

  it('graph: "Expand all" draws every node of the data', async () => {
    const d = data('graph') as { nodes: unknown[] };
    const { id } = await h.render('graph', d);
    await h.page.locator(`#${id} button:text-is("Expand all")`).click();
    await h.page.waitForFunction(([sel, n]: [string, number]) => document.querySelectorAll(sel).length === n, [`#${id} .cl-node`, d.nodes.length] as [string, number]);
    expect(await count(`#${id} .cl-block`)).toBe(0);
  }, 120_000);

  it('summary: one row per data row; collapsing layer1 hides its 2 blocks; sorting by params puts the model first', async () => {
    const d = data('summary') as { rows: { params: number }[] };
    const { id } = await h.render('summary', d);
    const rows = `#${id} table.cl-summary tbody tr`;
    expect(await count(rows)).toBe(d.rows.length);
    await h.page.locator(`#${id} tbody tr:has-text("layer1: Sequential") .cl-toggle`).click();
    expect(await count(rows)).toBe(d.rows.length - 2);
    await h.page.locator(`#${id} th:text-is("Params")`).click(); // ascending
    await h.page.locator(`#${id} th:has-text("Params ▲")`).click(); // descending
    expect(await h.page.locator(rows).first().innerText()).toContain('11,689,512');
  });

  it('maptable: per-class rows, mean row, and the COCO block exactly as pycocotools prints it', async () => {
    const { id } = await h.render('maptable', data('maptable'));
    expect(await count(`#${id} tbody tr`)).toBe(2);
    expect(await h.page.locator(`#${id} tfoot tr`).innerText()).toContain('mAP');
    const shown = (await h.page.locator(`#${id} pre.cl-coco`).textContent())!.split('\n');
    if (!fs.existsSync(PY)) return;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnnlab-coco-'));
    const { gt, dt } = detectionCase();
    fs.writeFileSync(path.join(dir, 'gt.json'), JSON.stringify(gt));
    fs.writeFileSync(path.join(dir, 'dt.json'), JSON.stringify(dt));
    const py = 'import sys\nfrom pycocotools.coco import COCO\nfrom pycocotools.cocoeval import COCOeval\nimport contextlib, io\n'
      + 'with contextlib.redirect_stdout(io.StringIO()):\n  g = COCO(sys.argv[1]); d = g.loadRes(sys.argv[2]); e = COCOeval(g, d, "bbox"); e.evaluate(); e.accumulate()\ne.summarize()\n';
    const r = spawnSync(PY, ['-c', py, path.join(dir, 'gt.json'), path.join(dir, 'dt.json')], { encoding: 'utf8' });
    fs.rmSync(dir, { recursive: true, force: true });
    expect(r.status, r.stderr).toBe(0);
    expect(shown).toEqual(r.stdout.trimEnd().split('\n'));
  }, 60_000);

  it('prcurve: raw + interpolated trace per class, AP in the legend, the XSS class name shown as text', async () => {
    const { id } = await h.render('prcurve', data('prcurve'));
    expect(await count(`#${id} .scatterlayer .trace`)).toBe(4);
    const legend = await h.page.locator(`#${id} .legend`).textContent();
    expect(legend).toContain('cell (AP 0.7564)');
    expect(legend).toContain(`${XSS} (AP 1.0000)`);
  });

  it('featuremaps: the value under the pointer is the data value; 16 labelled tiles', async () => {
    const d = data('featuremaps') as { maps: { data: string }[] };
    const { id } = await h.render('featuremaps', d);
    const canvas = h.page.locator(`#${id} canvas.cl-fm-canvas`);
    const first = new Float32Array(Buffer.from(d.maps[0].data, 'base64').buffer.slice(0));
    // tile 0 starts below its 16 px label; pixel (x 0, y 0) of the map
    await canvas.hover({ position: { x: 1, y: 17 } });
    const tip = await h.page.locator(`#${id} .cl-tip`).innerText();
    expect(tip).toMatch(/^channel 0 \(y 0, x 0\) = /);
    expect(Number(tip.split('= ')[1])).toBeCloseTo(first[0], 3);
  });

  it('compare and training: a bubble per model, loss and error curves updated in place', async () => {
    const c = await h.render('compare', data('compare'));
    expect(await count(`#${c.id} .scatterlayer .trace`)).toBe(3);
    expect(await count(`#${c.id} tbody tr`)).toBe(3);
    const t = await h.render('training', trainingData(false));
    expect(await count(`#${t.id} .scatterlayer .trace`)).toBe(4);
    expect(await h.page.locator(`#${t.id} .cl-status`).innerText()).toContain('training');
  });

  it('ran nothing from data and logged no console error', async () => {
    expect(await h.page.evaluate(() => document.querySelectorAll('img[src="x"]').length)).toBe(0);
    expect(h.errors).toEqual([]);
  });
});
