/**
 * `cnnlab kernel install [--user | --sys-prefix | --prefix DIR] [--name NAME]`,
 * `cnnlab kernel uninstall [same flags]`, `cnnlab kernel run <connection-file>`.
 */
import fs from 'fs';
import os from 'os';
import path from 'path';
import { spawnSync } from 'child_process';
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

const USAGE = `usage: cnnlab kernel install [--user | --sys-prefix | --prefix DIR] [--name NAME] [--display-name NAME]
       cnnlab kernel uninstall [--user | --sys-prefix | --prefix DIR] [--name NAME]
       cnnlab kernel run <connection-file>
`;

function parseFlags(args: string[]): InstallOptions {
  const o: InstallOptions = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const value = (flag: string) => {
      const eq = a.indexOf('=');
      if (eq >= 0) return a.slice(eq + 1);
      const v = args[++i];
      if (v === undefined || v.startsWith('--')) throw new ConfigError(`kernel: ${flag} needs a value`, { expected: 'a value', got: v === undefined ? 'nothing' : v, where: flag });
      return v;
    };
    if (a === '--user') o.user = true;
    else if (a === '--sys-prefix') o.sysPrefix = true;
    else if (a === '--prefix' || a.startsWith('--prefix=')) o.prefix = value('--prefix');
    else if (a === '--name' || a.startsWith('--name=')) o.name = value('--name');
    else if (a === '--display-name' || a.startsWith('--display-name=')) o.displayName = value('--display-name');
    else throw new ConfigError('kernel: unknown option', { expected: '--user, --sys-prefix, --prefix DIR, --name NAME or --display-name NAME', got: JSON.stringify(a), where: 'command line' });
  }
  return o;
}

/** `cnnlab kernel ...`; resolves to the exit code (`run` resolves once the kernel is up). */
export async function kernelCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  try {
    switch (sub) {
      case 'install': {
        const dir = installKernel(parseFlags(rest));
        process.stdout.write(`Installed kernelspec ${path.basename(dir)} (${DISPLAY_NAME}) in ${dir}\n`);
        return 0;
      }
      case 'uninstall': {
        const dir = uninstallKernel(parseFlags(rest));
        process.stdout.write(dir ? `Removed kernelspec ${dir}\n` : 'No cnnlab kernelspec installed there\n');
        return dir ? 0 : 1;
      }
      case 'run': {
        if (rest.length !== 1) throw new ConfigError('kernel run: wrong arguments', { expected: 'one connection file', got: `${rest.length} arguments`, where: 'command line' });
        const { runKernel } = await import('./kernel');
        await runKernel(rest[0]);
        return 0;
      }
      case undefined: case '-h': case '--help': case 'help':
        process.stdout.write(USAGE);
        return sub === undefined ? 1 : 0;
      default:
        process.stderr.write(`cnnlab kernel: unknown command ${JSON.stringify(sub)}\n${USAGE}`);
        return 1;
    }
  } catch (e) {
    process.stderr.write(`cnnlab kernel: ${(e as Error).message}\n`);
    return 1;
  }
}

if (require.main === module) {
  kernelCommand(process.argv.slice(2)).then((code) => { if (code !== 0) process.exitCode = code; });
}
