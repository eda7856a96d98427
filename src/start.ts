/**
 * `npm start` (`cnnlab start`): makes sure `.venv`, the cnnlab kernel and the JupyterLab extension are in place
 * (each step skipped when nothing changed), then runs `.venv/bin/jupyter lab` on the notebooks, bound to
 * 127.0.0.1 with a token, and prints the URL to open. Ctrl-C stops the server, which shuts its kernels down.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import net from 'node:net';
import { join, resolve } from 'node:path';
import { ConfigError, NotFoundError } from './errors';
import { setupAll } from './setup';

export interface StartOptions {
  port?: string;
  ip?: string;
  dir?: string;
  browser?: boolean;
}

function packageRoot(): string {
  // dist/src/start.js → the package root
  return resolve(__dirname, '..', '..');
}

function portFree(port: number, host: string): Promise<boolean> {
  return new Promise((res) => {
    const s = net.createServer();
    s.once('error', () => res(false));
    s.listen(port, host, () => s.close(() => res(true)));
  });
}

async function choosePort(asked: string | undefined, host: string): Promise<number> {
  if (asked !== undefined) {
    const p = Number(asked);
    if (!Number.isInteger(p) || p < 1 || p > 65535) throw new ConfigError('start: invalid --port', { expected: 'an integer 1–65535', got: asked, where: '--port' });
    if (!(await portFree(p, host))) throw new ConfigError('start: port in use', { expected: 'a free port', got: String(p), where: '--port' });
    return p;
  }
  for (let p = 8888; p < 8988; p++) if (await portFree(p, host)) return p;
  throw new ConfigError('start: no free port', { expected: 'a free port in 8888–8987', got: 'all taken', where: '--port' });
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

export async function startCommand(opts: StartOptions = {}): Promise<number> {
  const out = (s: string) => process.stdout.write(s + '\n');
  const root = packageRoot();
  const ip = opts.ip ?? '127.0.0.1';
  const dir = resolve(opts.dir ?? join(root, 'notebooks'));
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new NotFoundError('start: notebook directory not found', { expected: 'a directory', got: dir, where: '--dir' });
  const t0 = Date.now();
  const p = setupAll(root, (l) => out(`[cnnlab] ${l}`));
  const port = await choosePort(opts.port, ip === '0.0.0.0' || ip === '::' ? ip : ip);
  const token = randomBytes(24).toString('hex');
  if (!LOOPBACK.has(ip)) out(`[cnnlab] warning: serving on ${ip}, reachable from other machines (token-protected)`);
  const args = ['lab', `--ServerApp.ip=${ip}`, `--ServerApp.port=${port}`, '--ServerApp.port_retries=0', `--IdentityProvider.token=${token}`,
    `--ServerApp.root_dir=${dir}`, '--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate', ...(opts.browser === false ? ['--no-browser'] : []),
    ...(typeof process.getuid === 'function' && process.getuid() === 0 ? ['--allow-root'] : [])];
  // its own process group: the terminal's Ctrl-C comes to us, and we stop the server (and its kernels) once
  const child = spawn(join(p.bin, 'jupyter'), args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true, env: { ...process.env, PATH: `${p.bin}:${process.env.PATH ?? ''}` } });
  let log = '';
  const keep = (d: Buffer) => { log += d.toString(); if (log.length > 200_000) log = log.slice(-100_000); };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const host = ip.includes(':') ? `[${ip}]` : ip;
  const url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}/lab?token=${token}`;
  const exited = new Promise<number>((res) => child.once('exit', (code, sig) => res(code ?? (sig ? 0 : 1))));
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    out('\n[cnnlab] stopping JupyterLab and its kernels…');
    try { process.kill(-child.pid!, 'SIGTERM'); } catch { /* gone */ }
    setTimeout(() => { try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* gone */ } }, 10_000).unref();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  // ready when the REST API answers
  const deadline = Date.now() + 120_000;
  let ready = false;
  while (!ready && child.exitCode === null && Date.now() < deadline) {
    try {
      const r = await fetch(`http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}/api/status?token=${token}`);
      ready = r.ok;
    } catch { /* not yet */ }
    if (!ready) await new Promise((r) => setTimeout(r, 100));
  }
  if (!ready) {
    stop();
    process.stderr.write(`[cnnlab] JupyterLab did not start:\n${log.slice(-4000)}\n`);
    await exited;
    return 1;
  }
  child.stdout!.pipe(process.stdout);
  child.stderr!.pipe(process.stderr);
  out(`[cnnlab] JupyterLab serving ${dir} (ready in ${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  out(`[cnnlab] open: ${url}`);
  out('[cnnlab] kernel "TypeScript (cnnlab)"; Ctrl-C stops the server and its kernels');
  const code = await exited;
  process.off('SIGINT', stop);
  process.off('SIGTERM', stop);
  out('[cnnlab] stopped');
  return stopping ? 0 : code;
}
