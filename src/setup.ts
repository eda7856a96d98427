/**
 * The project-local Python environment and what goes into it (README "Set-up"):
 * `.venv` made with the system `python3 -m venv`, filled from the pinned `requirements.txt`; the cnnlab
 * kernel (`--sys-prefix`) and the JupyterLab extension (`pip install ./extension`) installed there.
 * Each step records a hash of its inputs and is skipped when nothing changed, so a second run costs
 * milliseconds. Used by `cnnlab setup` (.ci/run), `cnnlab start` (npm start) and `cnnlab extension install`.
 */
import { spawnSync, SpawnSyncOptions } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, NotFoundError } from './errors';

export interface SetupPaths {
  root: string;
  venv: string;
  python: string;
  bin: string;
  extension: string;
}

export function setupPaths(root: string): SetupPaths {
  const venv = join(root, '.venv');
  return { root, venv, python: join(venv, 'bin', 'python'), bin: join(venv, 'bin'), extension: join(root, 'extension') };
}

export type Log = (line: string) => void;

function run(cmd: string, args: string[], what: string, opts: SpawnSyncOptions = {}): void {
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...opts });
  if (r.error || r.status !== 0) {
    throw new ConfigError(`set-up: ${what} failed`, { expected: 'exit status 0', got: r.error ? r.error.message : `status ${r.status}`, where: `${cmd} ${args.join(' ')}` });
  }
}

/** sha256 over files (path and content), directories walked in name order. */
export function hashFiles(paths: string[], skip: (name: string) => boolean = () => false): string {
  const h = createHash('sha256');
  const walk = (p: string) => {
    if (!existsSync(p)) { h.update(`missing:${p}\n`); return; }
    if (statSync(p).isDirectory()) {
      for (const n of readdirSync(p).sort()) if (!skip(n)) walk(join(p, n));
    } else {
      h.update(`${p}\n`);
      h.update(readFileSync(p));
    }
  };
  for (const p of paths) walk(p);
  return h.digest('hex');
}

function stamp(p: SetupPaths, name: string): string { return join(p.venv, `.cnnlab-${name}.sha256`); }
function fresh(p: SetupPaths, name: string, hash: string): boolean {
  try { return readFileSync(stamp(p, name), 'utf8').trim() === hash; } catch { return false; }
}
function mark(p: SetupPaths, name: string, hash: string): void { writeFileSync(stamp(p, name), hash + '\n'); }

/** Creates `.venv` when missing and installs requirements.txt (`--no-deps`: every package is pinned there). */
export function ensureVenv(p: SetupPaths, log: Log): boolean {
  const req = join(p.root, 'requirements.txt');
  if (!existsSync(req)) throw new NotFoundError('set-up: requirements.txt missing', { expected: 'requirements.txt', got: 'none', where: p.root });
  if (!existsSync(p.python)) {
    const sysPy = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
    log(`creating ${p.venv} (${sysPy} -m venv)`);
    run(sysPy, ['-m', 'venv', p.venv], 'python3 -m venv (on Debian: apt-get install python3-venv)');
  }
  const hash = hashFiles([req]);
  if (fresh(p, 'requirements', hash)) return false;
  log('installing requirements.txt into .venv');
  run(p.python, ['-m', 'pip', 'install', '--disable-pip-version-check', '--no-deps', '-q', '-r', req], 'pip install -r requirements.txt');
  mark(p, 'requirements', hash);
  return true;
}

/** The cnnlab kernelspec in `.venv/share/jupyter/kernels/cnnlab` (what `--sys-prefix` means for .venv's Python). */
export function ensureKernel(p: SetupPaths, log: Log): boolean {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { installKernel, kernelSpec } = require('../kernel/cli') as typeof import('../kernel/cli');
  const file = join(p.venv, 'share', 'jupyter', 'kernels', 'cnnlab', 'kernel.json');
  const want = JSON.stringify(kernelSpec({ prefix: p.venv }), null, 2) + '\n';
  if (existsSync(file) && readFileSync(file, 'utf8') === want) return false;
  installKernel({ prefix: p.venv });
  log(`installed kernel "TypeScript (cnnlab)" in ${join(p.venv, 'share', 'jupyter', 'kernels', 'cnnlab')}`);
  return true;
}

const SKIP_EXT = (n: string) => n === 'node_modules' || n === 'lib' || n === 'cnnlab_jupyterlab' || n === 'build' || n.endsWith('.tsbuildinfo') || n === 'dist';

/** Inputs of the extension build: its sources and the shared schema/layout modules it imports. */
export function extensionHash(p: SetupPaths): string {
  return hashFiles([join(p.extension, 'src'), join(p.extension, 'style'), join(p.extension, 'package.json'), join(p.extension, 'package-lock.json'),
    join(p.extension, 'pyproject.toml'), join(p.extension, 'tsconfig.json'), join(p.extension, 'install.json'),
    join(p.root, 'src', 'display')], SKIP_EXT);
}

/** npm install (from the lockfile) and `jupyter labextension build` in extension/ when its inputs changed. */
export function buildExtension(p: SetupPaths, log: Log, jupyterBin: string): boolean {
  const ext = p.extension;
  const lockHash = hashFiles([join(ext, 'package.json'), join(ext, 'package-lock.json')]);
  const modStamp = join(ext, 'node_modules', '.cnnlab-lock.sha256');
  if (!existsSync(modStamp) || readFileSync(modStamp, 'utf8').trim() !== lockHash) {
    log('npm install in extension/ (from its lockfile)');
    run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], 'npm install in extension/', { cwd: ext });
    writeFileSync(modStamp, lockHash + '\n');
  }
  const hash = extensionHash(p);
  const built = join(ext, 'cnnlab_jupyterlab', 'labextension', 'package.json');
  const buildStamp = join(ext, 'cnnlab_jupyterlab', 'labextension', '.cnnlab-src.sha256');
  if (existsSync(built) && existsSync(buildStamp) && readFileSync(buildStamp, 'utf8').trim() === hash) return false;
  log('building the JupyterLab extension (jupyter labextension build)');
  const env = { ...process.env, PATH: `${jupyterBin}:${process.env.PATH ?? ''}` };
  run('npm', ['run', 'build'], 'extension build', { cwd: ext, env });
  writeFileSync(buildStamp, hash + '\n');
  return true;
}

/** Builds the extension and pip-installs it into .venv (skipped when the installed build is this one). */
export function ensureExtension(p: SetupPaths, log: Log): boolean {
  const rebuilt = buildExtension(p, log, p.bin);
  const hash = extensionHash(p);
  const installed = join(p.venv, 'share', 'jupyter', 'labextensions', 'cnnlab-jupyterlab', 'package.json');
  if (!rebuilt && existsSync(installed) && fresh(p, 'extension', hash)) return false;
  installExtensionInto(p, p.python, log);
  mark(p, 'extension', hash);
  return true;
}

/** `python -m pip install ./extension` into the environment of `python` (the build is reused, not redone by pip). */
export function installExtensionInto(p: SetupPaths, python: string, log: Log): void {
  log(`installing the extension into ${python}'s environment`);
  const hasHatch = spawnSync(python, ['-c', 'import hatchling, hatch_jupyter_builder'], { stdio: 'ignore' }).status === 0;
  run(python, ['-m', 'pip', 'install', '--disable-pip-version-check', '-q', '--no-deps', '--force-reinstall',
    ...(hasHatch ? ['--no-build-isolation'] : []), p.extension], 'pip install ./extension');
}

/** Everything `npm start` and the tests need: .venv, kernel, extension. */
export function setupAll(root: string, log: Log): SetupPaths {
  const p = setupPaths(root);
  mkdirSync(p.root, { recursive: true });
  ensureVenv(p, log);
  ensureKernel(p, log);
  ensureExtension(p, log);
  return p;
}
