/**
 * Headless Chromium for the end-to-end tests (test/e2e) and `npm run bench:ui`: Debian's /usr/bin/chromium driven by
 * playwright-core (a devDependency of extension/, never a downloaded browser), and the stand-alone renderer
 * page (extension/harness/page.ts bundled with esbuild, served on 127.0.0.1).
 */
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { createRequire } from 'node:module';

/** the package root, from bench/ (sources, tests) or dist/bench/ (compiled) */
export const ROOT = fs.existsSync(path.resolve(__dirname, '..', 'package.json')) ? path.resolve(__dirname, '..') : path.resolve(__dirname, '..', '..');
export const EXT = path.join(ROOT, 'extension');
const extRequire = createRequire(path.join(EXT, 'package.json'));

/* The parts of playwright-core's API used here (its types live in extension/node_modules, which the root
   build must not need). */
/* eslint-disable @typescript-eslint/no-explicit-any */
export interface Locator {
  count(): Promise<number>; click(o?: any): Promise<void>; hover(o?: any): Promise<void>; first(): Locator; nth(i: number): Locator;
  textContent(): Promise<string | null>; innerText(): Promise<string>; fill(v: string): Promise<void>; press(k: string): Promise<void>;
  waitFor(o?: any): Promise<void>; locator(s: string): Locator; screenshot(o?: any): Promise<Buffer>; isVisible(): Promise<boolean>;
  evaluate<R>(fn: (el: any, arg?: any) => R, arg?: any): Promise<R>; getAttribute(n: string): Promise<string | null>; scrollIntoViewIfNeeded(): Promise<void>;
}
export interface Page {
  goto(url: string, o?: any): Promise<unknown>; evaluate<R, A = any>(fn: (a: A) => R | Promise<R>, arg?: A): Promise<R>;
  waitForFunction(fn: any, arg?: any, o?: any): Promise<unknown>; waitForSelector(s: string, o?: any): Promise<unknown>;
  on(ev: string, cb: (x: any) => void): void; screenshot(o?: any): Promise<Buffer>; close(): Promise<void>; locator(s: string): Locator;
  keyboard: { press(k: string): Promise<void>; type(t: string): Promise<void> }; mouse: { move(x: number, y: number): Promise<void> };
  waitForTimeout(ms: number): Promise<void>; emulateMedia(o: any): Promise<void>; setViewportSize(s: { width: number; height: number }): Promise<void>;
}
export interface Browser { newPage(o?: any): Promise<Page>; close(): Promise<void> }

export const CHROMIUM = process.env.CNNLAB_CHROMIUM ?? '/usr/bin/chromium';

/** Whether the browser tests can run here (Chromium and extension/node_modules present). */
export function browserAvailable(): string | null {
  if (!fs.existsSync(CHROMIUM)) return `${CHROMIUM} missing (apt-get install chromium)`;
  try { extRequire.resolve('playwright-core'); } catch { return 'extension/node_modules missing (node bin/cnnlab.js setup)'; }
  return null;
}

export async function launch(): Promise<Browser> {
  const { chromium } = extRequire('playwright-core') as { chromium: { launch(o: unknown): Promise<Browser> } };
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => { const p = (s.address() as net.AddressInfo).port; s.close(() => resolve(p)); });
  });
}

/** Bundles the renderer page from extension/ sources (worker included). */
export function buildHarness(): string {
  const esbuild = extRequire('esbuild') as { buildSync(o: unknown): { outputFiles: { text: string }[] } };
  extRequire(path.join(EXT, 'scripts', 'build-worker.js')); // the layout worker as a string module
  const r = esbuild.buildSync({
    entryPoints: [path.join(EXT, 'harness', 'page.ts')], bundle: true, format: 'iife', target: 'es2020', write: false,
    nodePaths: [path.join(EXT, 'node_modules')], logLevel: 'warning',
  });
  const css = fs.readFileSync(path.join(EXT, 'style', 'index.css'), 'utf8');
  return `<!doctype html><html><head><meta charset="utf-8"><title>cnnlab renderers</title><style>${css}
body { margin: 8px; background: #fff; }</style></head><body><script>${r.outputFiles[0].text.replace(/<\/script/gi, '<\\/script')}</script></body></html>`;
}

export interface Harness {
  page: Page;
  url: string;
  errors: string[];
  /** renders data with the kind's renderer; returns ms from data to drawn and the output's element id */
  render(kind: string, data: unknown, width?: number): Promise<{ ms: number; id: string }>;
  close(): Promise<void>;
}

export async function openHarness(browser: Browser): Promise<Harness> {
  const html = buildHarness();
  const server = http.createServer((_req, res) => { res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }); res.end(html); });
  const port = await freePort();
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', () => r()));
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  const errors: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('dialog', (d) => { errors.push(`dialog: ${d.message()}`); void d.dismiss(); });
  const url = `http://127.0.0.1:${port}/`;
  await page.goto(url);
  await page.waitForFunction(() => (globalThis as unknown as { cnnlab?: { ready: boolean } }).cnnlab?.ready === true);
  return {
    page, url, errors,
    render: (kind, data, width) => page.evaluate(([k, d, w]) => (globalThis as unknown as { cnnlab: { render(k: string, d: unknown, w?: number): Promise<{ ms: number; id: string }> } }).cnnlab.render(k as string, d, w as number | undefined), [kind, data, width] as const),
    async close() { await page.close(); await new Promise<void>((r) => server.close(() => r())); },
  };
}
