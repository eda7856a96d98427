/**
 * End to end on the real thing: `.venv/bin/jupyter lab` (JupyterLab 4.6 with the cnnlab kernel and extension
 * installed by `cnnlab setup`) started on a free port, Debian's Chromium (playwright-core) opens a notebook that
 * produces every cnnlab MIME type, runs all, and checks that each renderer drew (diagram boxes, table rows,
 * plotly traces, heatmap canvas), that a block opens in place into more boxes, that hovering a box shows its
 * details, that the class named `<img src=x onerror=alert(1)>` runs nothing, that the live training display is
 * updated in place, and that the console stays free of errors; light and dark screenshots go to build/e2e/.
 * The same notebook in Notebook 7; nbconvert's HTML of the executed notebook holds the PNG fallbacks.
 */
import { spawn, spawnSync, ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAvailable, Browser, freePort, launch, Page, ROOT } from '../../bench/browser';

// page-side callbacks run in Chromium; the test build has no DOM types
// eslint-disable-next-line @typescript-eslint/no-explicit-any
declare const document: any, window: any;

const VENV = path.join(ROOT, '.venv');
const JUPYTER = path.join(VENV, 'bin', 'jupyter');
const ART = path.join(ROOT, 'build', 'e2e');
const why = browserAvailable() ?? (fs.existsSync(JUPYTER) && fs.existsSync(path.join(VENV, 'share', 'jupyter', 'labextensions', 'cnnlab-jupyterlab'))
  ? null : '.venv with JupyterLab and the extension missing (node bin/cnnlab.js setup)');

const CELLS = [
  `const r18 = zoo.create('resnet18');\nshow.graph(r18)`,
  `analysis.summary(r18, [1, 3, 224, 224], { depth: 2 })`,
  `const x = new Tensor('float32', Float32Array.from({ length: 16 * 28 * 28 }, (_, i) => Math.sin(i * 0.37) * 3), [1, 16, 28, 28]);\nshow.featureMaps(x, { name: 'sin pattern' })`,
  `const XSS = '<img src=x onerror=alert(1)>';
const gt = { images: [{ id: 1 }, { id: 2 }], categories: [{ id: 1, name: 'cell' }, { id: 2, name: XSS }],
  annotations: [
    { id: 1, image_id: 1, category_id: 1, bbox: [0, 0, 10, 10], area: 100, iscrowd: 0 },
    { id: 2, image_id: 1, category_id: 1, bbox: [20, 20, 10, 10], area: 100, iscrowd: 0 },
    { id: 3, image_id: 2, category_id: 1, bbox: [0, 0, 10, 10], area: 100, iscrowd: 0 },
    { id: 4, image_id: 2, category_id: 2, bbox: [30, 30, 40, 40], area: 1600, iscrowd: 0 } ] };
const dt = [
  { image_id: 1, category_id: 1, bbox: [0, 0, 10, 10], score: 0.9 }, { image_id: 1, category_id: 1, bbox: [50, 50, 10, 10], score: 0.8 },
  { image_id: 2, category_id: 1, bbox: [0, 0, 10, 10], score: 0.7 }, { image_id: 2, category_id: 1, bbox: [60, 60, 10, 10], score: 0.6 },
  { image_id: 1, category_id: 1, bbox: [20, 20, 10, 10], score: 0.5 }, { image_id: 2, category_id: 2, bbox: [31, 31, 40, 40], score: 0.8 } ];
const coco = det.evaluate(gt, dt, { style: 'coco' });
show.prCurves(coco)`,
  `show.mapTable(coco)`,
  `show.compare(await analysis.compare(['alexnet', 'resnet18', 'squeezenet1_1']))`,
  // live: the same display updated twice (update_display_data)
  `const curve = (n: number) => ({ title: 'live curves', x: 'epoch' as const, total: 6, done: n === 6,
  series: [{ name: 'run', split: 'train' as const, metric: 'loss' as const, x: Array.from({ length: n }, (_, i) => i + 1), y: Array.from({ length: n }, (_, i) => 2 / (i + 1)) },
           { name: 'run', split: 'test' as const, metric: 'error' as const, x: Array.from({ length: n }, (_, i) => i + 1), y: Array.from({ length: n }, (_, i) => 0.5 / (i + 1)) }] });
// a fresh id per run: the kernel turns a display of a known id into an update (the Notebook 7 run shares the kernel)
const liveId = 'live-curves-' + Date.now();
const live = display(show.training(curve(2)), { displayId: liveId });
await new Promise((r) => setTimeout(r, 300));
const updated = display(show.training(curve(6)), { displayId: liveId, update: true });`,
];

function notebook(): string {
  return JSON.stringify({
    nbformat: 4, nbformat_minor: 5,
    metadata: { kernelspec: { name: 'cnnlab', display_name: 'TypeScript (cnnlab)', language: 'typescript' }, language_info: { name: 'typescript', file_extension: '.ts' } },
    cells: CELLS.map((src, i) => ({ id: `e2e-${i}`, cell_type: 'code', metadata: {}, execution_count: null, outputs: [], source: src })),
  }, null, 1);
}

interface Lab { proc: ChildProcess; url: string; token: string; dir: string; log: () => string }

async function startLab(): Promise<Lab> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnnlab-e2e-'));
  const nb = path.join(dir, 'notebooks');
  fs.mkdirSync(nb);
  fs.writeFileSync(path.join(nb, 'e2e.ipynb'), notebook());
  const token = randomBytes(16).toString('hex');
  const port = await freePort();
  const env = {
    ...process.env, PATH: `${path.join(VENV, 'bin')}:${process.env.PATH}`,
    JUPYTER_CONFIG_DIR: path.join(dir, 'config'), JUPYTER_DATA_DIR: path.join(dir, 'data'), JUPYTER_RUNTIME_DIR: path.join(dir, 'runtime'),
    JUPYTER_PLATFORM_DIRS: '1', IPYTHONDIR: path.join(dir, 'ipython'),
  };
  // every cell rendered (no windowing: the test reads outputs far down), no news prompt over the screenshots
  const settings = path.join(dir, 'config', 'lab', 'user-settings', '@jupyterlab');
  fs.mkdirSync(path.join(settings, 'notebook-extension'), { recursive: true });
  fs.writeFileSync(path.join(settings, 'notebook-extension', 'tracker.jupyterlab-settings'), JSON.stringify({ windowingMode: 'none' }));
  fs.mkdirSync(path.join(dir, 'config', 'labconfig'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'config', 'labconfig', 'page_config.json'), JSON.stringify({ disabledExtensions: { '@jupyterlab/apputils-extension:announcements': true } }));
  let out = '';
  const proc = spawn(JUPYTER, ['lab', '--no-browser', '--ServerApp.ip=127.0.0.1', `--ServerApp.port=${port}`, '--ServerApp.port_retries=0',
    `--IdentityProvider.token=${token}`, `--ServerApp.root_dir=${nb}`, '--LabApp.expose_app_in_browser=True', '--JupyterNotebookApp.expose_app_in_browser=True',
    `--LabApp.workspaces_dir=${path.join(dir, 'workspaces')}`,
    '--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate', '--LabApp.news_url=None',
    ...(process.getuid?.() === 0 ? ['--allow-root'] : [])], { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  proc.stdout!.on('data', (d) => { out += d; });
  proc.stderr!.on('data', (d) => { out += d; });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`jupyter lab exited:\n${out}`);
    try { if ((await fetch(`${url}/api/status?token=${token}`)).ok) break; } catch { /* not yet */ }
    if (Date.now() > deadline) throw new Error(`jupyter lab did not start in 120 s:\n${out}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return { proc, url, token, dir, log: () => out };
}

async function stopLab(lab: Lab): Promise<void> {
  try { process.kill(-lab.proc.pid!, 'SIGTERM'); } catch { /* gone */ }
  await new Promise<void>((r) => { if (lab.proc.exitCode !== null) r(); else { lab.proc.once('exit', () => r()); setTimeout(r, 15_000); } });
  try { process.kill(-lab.proc.pid!, 'SIGKILL'); } catch { /* gone */ }
  fs.rmSync(lab.dir, { recursive: true, force: true });
}

/** Console errors and dialogs of a page (a dialog would be the XSS payload running). */
function watch(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('dialog', (d) => { errors.push(`dialog: ${d.message()}`); void d.dismiss(); });
  return errors;
}

/** Runs every cell through the app's command registry and waits until each cell has executed. */
async function runAll(page: Page, command: string): Promise<void> {
  await page.waitForFunction(() => window.jupyterapp && document.querySelector('.jp-Notebook .jp-Cell'), undefined, { timeout: 120_000 });
  // the kernel is up when the toolbar's status says idle
  await page.waitForFunction(() => !!document.querySelector('.jp-Notebook') && window.jupyterapp.shell.currentWidget?.sessionContext?.session?.kernel?.status === 'idle', undefined, { timeout: 120_000 });
  await page.evaluate((cmd: string) => window.jupyterapp.commands.execute(cmd), command);
  await page.waitForFunction((n: number) => [...document.querySelectorAll('.jp-Notebook .jp-InputPrompt')].filter((p: { textContent: string }) => /\[\d+\]/.test(p.textContent)).length === n, CELLS.length, { timeout: 240_000 });
}

async function checkOutputs(page: Page, label: string): Promise<void> {
  const count = (sel: string) => page.locator(sel).count();
  await page.waitForSelector('.cl-output-graph .cl-node', { timeout: 60_000 });
  expect(await count('.cl-output-graph .cl-node'), `${label}: diagram boxes`).toBe(13);
  expect(await count('.cl-output-summary table.cl-summary tbody tr'), `${label}: summary rows`).toBe(19);
  expect(await count('.cl-output-featuremaps canvas.cl-fm-canvas'), `${label}: heatmap canvas`).toBe(1);
  await page.waitForSelector('.cl-output-prcurve .scatterlayer .trace', { timeout: 60_000 });
  expect(await count('.cl-output-prcurve .scatterlayer .trace'), `${label}: PR traces`).toBe(4);
  expect(await count('.cl-output-maptable table.cl-maptable tbody tr'), `${label}: mAP rows`).toBe(2);
  await page.waitForSelector('.cl-output-compare .scatterlayer .trace', { timeout: 60_000 });
  expect(await count('.cl-output-compare .scatterlayer .trace'), `${label}: compare bubbles`).toBe(3);
  // the live display: one output, updated to 6 epochs in place
  // (Notebook 7 renders cells far below the view only once scrolled to: scroll to the end while waiting)
  await page.waitForFunction(() => {
    for (const e of document.querySelectorAll('.jp-WindowedPanel-outer, .jp-Notebook, #main-panel, body')) e.scrollTop = e.scrollHeight;
    return document.querySelector('.cl-output-training .cl-status')?.textContent?.startsWith('done: 6');
  }, undefined, { timeout: 60_000, polling: 250 });
  expect(await count('.cl-output-training'), `${label}: one training output`).toBe(1);
  expect(await count('.cl-output-training .scatterlayer .trace')).toBe(2);
  // the XSS class name is legend text and a table cell, nothing else
  expect(await page.locator('.cl-output-prcurve .legend').textContent()).toContain('<img src=x onerror=alert(1)> (AP 1.0000)');
  expect(await page.locator('.cl-output-maptable tbody').textContent()).toContain('<img src=x onerror=alert(1)>');
  expect(await page.evaluate(() => document.querySelectorAll('img[src="x"]').length)).toBe(0);
}

describe.skipIf(why !== null)('JupyterLab 4.6 and Notebook 7 from .venv with the cnnlab extension', () => {
  let lab: Lab;
  let browser: Browser;

  beforeAll(async () => {
    fs.mkdirSync(ART, { recursive: true });
    lab = await startLab();
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
    if (lab) await stopLab(lab);
  });

  it('JupyterLab: every renderer draws, blocks open, hover shows details, no console error; light and dark screenshots', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const errors = watch(page);
    await page.goto(`${lab.url}/lab/tree/e2e.ipynb?token=${lab.token}&reset`);
    await runAll(page, 'notebook:run-all-cells');
    await checkOutputs(page, 'JupyterLab');
    // open layer1 in place: 2 BasicBlocks replace it
    await page.locator('.cl-output-graph .cl-block[data-id="layer1"]').click();
    await page.waitForFunction(() => document.querySelectorAll('.cl-output-graph .cl-node').length === 14, undefined, { timeout: 30_000 });
    await page.locator('.cl-output-graph .cl-block[data-id="layer1.0"]').hover();
    const tip = await page.locator('.cl-output-graph .cl-tip').innerText();
    expect(tip).toContain('layer1.0');
    expect(tip).toContain('type BasicBlock');
    expect(tip).toContain('params 73,984');
    await page.locator('.cl-output-graph').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(ART, 'jupyterlab-light.png') });
    await page.locator('.cl-output-graph').screenshot({ path: path.join(ART, 'graph-light.png') });
    await page.evaluate(() => window.jupyterapp.commands.execute('apputils:change-theme', { theme: 'JupyterLab Dark' }));
    await page.waitForFunction(() => document.body.dataset.jpThemeLight === 'false', undefined, { timeout: 30_000 });
    await page.waitForTimeout(500);
    await page.screenshot({ path: path.join(ART, 'jupyterlab-dark.png') });
    for (const kind of ['graph', 'featuremaps', 'prcurve', 'summary', 'maptable', 'compare', 'training']) {
      await page.locator(`.cl-output-${kind}`).first().scrollIntoViewIfNeeded();
      await page.locator(`.cl-output-${kind}`).first().screenshot({ path: path.join(ART, `${kind}-dark.png`) });
    }
    await page.evaluate(() => window.jupyterapp.commands.execute('apputils:change-theme', { theme: 'JupyterLab Light' }));
    await page.waitForFunction(() => document.body.dataset.jpThemeLight === 'true', undefined, { timeout: 30_000 });
    await page.evaluate(() => window.jupyterapp.commands.execute('docmanager:save'));
    // the executed notebook as saved, for the nbconvert check
    const file = path.join(lab.dir, 'notebooks', 'e2e.ipynb');
    for (let i = 0; i < 100 && !fs.readFileSync(file, 'utf8').includes('image/png'); i++) await page.waitForTimeout(100);
    fs.copyFileSync(file, path.join(ART, 'e2e-executed.ipynb'));
    expect(errors).toEqual([]);
    await page.close();
  }, 600_000);

  it('Notebook 7: the same outputs', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const errors = watch(page);
    await page.goto(`${lab.url}/notebooks/e2e.ipynb?token=${lab.token}`);
    try {
      await runAll(page, 'notebook:run-all-cells');
      await checkOutputs(page, 'Notebook 7');
    } catch (e) {
      await page.screenshot({ path: path.join(ART, 'notebook7-failed.png') });
      const state = await page.evaluate(() => [...document.querySelectorAll('.cl-output-training, .jp-OutputArea-output')].map((e: { className: string; textContent: string }) => `${e.className}: ${e.textContent.slice(0, 120)}`).join('\n'));
      throw new Error(`${(e as Error).message}\noutputs:\n${state}`);
    }
    await page.screenshot({ path: path.join(ART, 'notebook7.png') });
    // two messages Notebook 7.6.5's own page logs while opening a notebook under `jupyter lab` (its plugins, not the
    // renderers: neither names cnnlab); any other error fails
    const notebook7 = ["TypeError: Cannot read properties of undefined (reading 'schema')", "Error: Command 'filebrowser:open-path' not registered."];
    expect(errors.filter((e) => !notebook7.includes(e))).toEqual([]);
    await page.close();
  }, 600_000);

  it('JupyterLab with the extension disabled shows the PNG fallbacks of the executed notebook', async () => {
    const cfg = path.join(lab.dir, 'config', 'labconfig', 'page_config.json');
    const before = fs.readFileSync(cfg, 'utf8');
    const pc = JSON.parse(before) as { disabledExtensions: Record<string, boolean> };
    pc.disabledExtensions['cnnlab-jupyterlab'] = true;
    fs.writeFileSync(cfg, JSON.stringify(pc));
    fs.copyFileSync(path.join(ART, 'e2e-executed.ipynb'), path.join(lab.dir, 'notebooks', 'plain.ipynb'));
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    try {
      await page.goto(`${lab.url}/lab/tree/plain.ipynb?token=${lab.token}&reset`);
      // saved outputs, not run: six PNGs and the comparison's HTML table, no cnnlab renderer
      await page.waitForFunction(() => document.querySelectorAll('.jp-OutputArea-output img').length >= 6, undefined, { timeout: 120_000 });
      expect(await page.locator('.jp-OutputArea-output img').count()).toBe(CELLS.length - 1);
      expect(await page.locator('.cl-output').count()).toBe(0);
      await page.screenshot({ path: path.join(ART, 'jupyterlab-without-extension.png') });
    } finally {
      fs.writeFileSync(cfg, before);
      await page.close();
    }
  }, 300_000);

  it('nbconvert HTML of the executed notebook shows the PNG fallbacks', () => {
    const nb = path.join(ART, 'e2e-executed.ipynb');
    const saved = JSON.parse(fs.readFileSync(nb, 'utf8')) as { cells: { outputs: { data?: Record<string, unknown> }[] }[] };
    const withPng = saved.cells.filter((c) => c.outputs.some((o) => o.data && 'image/png' in o.data)).length;
    expect(withPng).toBe(CELLS.length);
    const r = spawnSync(JUPYTER, ['nbconvert', '--to', 'html', '--output-dir', ART, nb], { encoding: 'utf8', env: { ...process.env, PATH: `${path.join(VENV, 'bin')}:${process.env.PATH}` } });
    expect(r.status, r.stderr).toBe(0);
    const html = fs.readFileSync(path.join(ART, 'e2e-executed.html'), 'utf8');
    // every output's PNG, except the comparison's: it carries a text/html table, which nbconvert prefers
    expect((html.match(/<img [^>]*src="data:image\/png;base64,/g) ?? []).length).toBe(CELLS.length - 1);
    expect(html).toContain('squeezenet1_1</td>');
    expect(html).not.toContain('<img src=x onerror');
  }, 120_000);
});
