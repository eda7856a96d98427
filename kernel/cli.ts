/**
 * `cnnlab kernel install [--user | --sys-prefix | --prefix DIR] [--name NAME]`,
 * `cnnlab kernel uninstall [same flags]`, `cnnlab kernel run <connection-file>`.
 */
import fs from 'fs';
import os from 'os';
import path from 'path';
import { spawnSync } from 'child_process';
import { Command } from 'commander';
import { packageRoot } from './paths';
import { kernelVersion } from './versions';
import { ConfigError, NotFoundError } from '../src/errors';

export const KERNEL_NAME = 'cnnlab';
export const DISPLAY_NAME = 'TypeScript (cnnlab)';

export interface InstallOptions {
  user?: boolean;
  sysPrefix?: boolean;
  prefix?: string;
  name?: string;
  displayName?: string;
}


function userDataDir(): string {
  if (process.env.JUPYTER_DATA_DIR) return process.env.JUPYTER_DATA_DIR;
  if (process.platform === 'darwin') return path.join(os.homedir(), 'Library', 'Jupyter');
  if (process.platform === 'win32') return path.join(process.env.APPDATA ?? os.homedir(), 'jupyter');
  return path.join(process.env.XDG_DATA_HOME || path.join(os.homedir(), '.local', 'share'), 'jupyter');
}

function pythonSysPrefix(): string {
  for (const py of ['python3', 'python', '/usr/bin/python3']) {
    const r = spawnSync(py, ['-c', 'import sys; print(sys.prefix)'], { encoding: 'utf8' });
    if (r.status === 0 && r.stdout.trim()) return r.stdout.trim();
  }
  throw new NotFoundError('kernel install --sys-prefix: no Python to ask for sys.prefix', { expected: 'python3 on PATH', got: 'none', where: 'PATH' });
}

/** Kernelspec names as jupyter_client accepts them (`_is_valid_kernel_name`): ASCII letters, digits, `.`, `_`, `-`. */
const KERNEL_NAME_RE = /^[a-z0-9._-]+$/i;

/** Checks a kernelspec name (it becomes a directory name, so `..` or `/` could escape `kernels/`). */
export function validateKernelName(name: string): string {
  if (!KERNEL_NAME_RE.test(name) || name === '.' || name === '..') {
    throw new ConfigError('invalid kernelspec name', {
      expected: 'ASCII letters, digits, ".", "_" and "-" only (as jupyter_client accepts)', got: JSON.stringify(name), where: '--name',
    });
  }
  return name;
}

/** The directory the kernelspec goes to for these options. */
export function kernelspecDir(opts: InstallOptions = {}): string {
  const name = validateKernelName(opts.name ?? KERNEL_NAME);
  const chosen = [opts.user, opts.sysPrefix, opts.prefix !== undefined].filter(Boolean).length;
  if (chosen > 1) throw new ConfigError('kernel install: conflicting locations', { expected: 'at most one of --user, --sys-prefix, --prefix DIR', got: 'several', where: 'command line' });
  if (opts.prefix !== undefined) return path.join(path.resolve(opts.prefix), 'share', 'jupyter', 'kernels', name);
  if (opts.sysPrefix) return path.join(pythonSysPrefix(), 'share', 'jupyter', 'kernels', name);
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (opts.user || !isRoot) return path.join(userDataDir(), 'kernels', name);
  return path.join('/usr/local/share/jupyter/kernels', name);
}

/** The kernel.json for this installation of cnnlab. */
export function kernelSpec(opts: InstallOptions = {}): Record<string, unknown> {
  return {
    // the kernel's own entry point (no CLI parsing in between; kernel_info_reply times are the same within noise)
    argv: [process.execPath, path.join(packageRoot(), 'dist', 'kernel', 'main.js'), '{connection_file}'],
    display_name: opts.displayName ?? DISPLAY_NAME,
    language: 'typescript',
    interrupt_mode: 'message',
    env: {},
    metadata: { debugger: false, cnnlab: { version: kernelVersion() } },
  };
}


/** Writes the kernelspec; returns its directory. */
export function installKernel(opts: InstallOptions = {}): string {
  const dir = kernelspecDir(opts);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'kernel.json'), JSON.stringify(kernelSpec(opts), null, 2) + '\n');
  return dir;
}

export function uninstallKernel(opts: InstallOptions = {}): string | null {
  const dir = kernelspecDir(opts);
  if (!fs.existsSync(path.join(dir, 'kernel.json'))) return null;
  fs.rmSync(dir, { recursive: true, force: true });
  return dir;
}

type Result = { code: Promise<number> | number };

function locationOptions(cmd: Command): Command {
  return cmd
    .option('--user', 'the user\'s Jupyter data directory (the default unless root)')
    .option('--sys-prefix', 'the Python environment\'s share/jupyter (sys.prefix of python3)')
    .option('--prefix <dir>', 'DIR/share/jupyter/kernels')
    .option('--name <name>', `kernelspec name: letters, digits, ".", "_", "-" (default ${KERNEL_NAME})`);
}

/**
 * `cnnlab kernel install|uninstall|run`: a commander command that src/cli.ts adds to the `cnnlab`
 * program (`addCommand`). Actions store their exit code (or its promise) in `result`; a CnnlabError
 * propagates to the program's `main`, which prints it and exits 2.
 */
export function kernelCommand(result: Result): Command {
  const kernel = new Command('kernel').description('install, uninstall or run the Jupyter kernel').exitOverride();
  locationOptions(kernel.command('install').description('write the cnnlab kernelspec (kernel.json) where Jupyter finds it'))
    .option('--display-name <name>', `the name frontends show (default "${DISPLAY_NAME}")`)
    .action((o: InstallOptions) => {
      const dir = installKernel(o);
      process.stdout.write(`Installed kernelspec ${path.basename(dir)} (${o.displayName ?? DISPLAY_NAME}) in ${dir}\n`);
      result.code = 0;
    });
  locationOptions(kernel.command('uninstall').description('remove the cnnlab kernelspec from that location'))
    .action((o: InstallOptions) => {
      const dir = uninstallKernel(o);
      process.stdout.write(dir ? `Removed kernelspec ${dir}\n` : 'No cnnlab kernelspec installed there\n');
      result.code = dir ? 0 : 1;
    });
  kernel.command('run').description('run the kernel on a connection file (what kernel.json does, through the CLI)')
    .argument('<connection-file>')
    .action((file: string) => {
      result.code = import('./kernel').then(({ runKernel }) => runKernel(file)).then(() => 0);
    });
  return kernel;
}
