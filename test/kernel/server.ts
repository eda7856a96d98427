/**
 * Test helpers: a real jupyter_server (Debian's /usr/bin/python3) with the cnnlab kernelspec
 * installed into a temporary prefix, and a client through @jupyterlab/services.
 */
import { spawn, ChildProcess, spawnSync } from 'child_process';
import fs from 'fs';
import net from 'net';
import os from 'os';
import path from 'path';
import { randomBytes } from 'crypto';
import WebSocket from 'ws';
import { KernelManager, ServerConnection, Kernel, KernelMessage } from '@jupyterlab/services';
import { installKernel } from '../../kernel/cli';

export const PYTHON = '/usr/bin/python3';
export const ROOT = path.resolve(__dirname, '..', '..');

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

/** A temp Jupyter environment: kernelspec installed with `kernel install --prefix`. */
export function jupyterEnv(): { dir: string; env: NodeJS.ProcessEnv } {
  if (!fs.existsSync(path.join(ROOT, 'dist', 'kernel', 'main.js'))) {
    throw new Error('dist/kernel/main.js is missing: run `npx tsc -p tsconfig.json` (npm test does) before the kernel tests');
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnnlab-kernel-test-'));
  installKernel({ prefix: dir });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    JUPYTER_PATH: path.join(dir, 'share', 'jupyter'),
    JUPYTER_DATA_DIR: path.join(dir, 'data'),
    JUPYTER_RUNTIME_DIR: path.join(dir, 'runtime'),
    JUPYTER_CONFIG_DIR: path.join(dir, 'config'),
    JUPYTER_PLATFORM_DIRS: '1',
    IPYTHONDIR: path.join(dir, 'ipython'),
    PYTHONDONTWRITEBYTECODE: '1',
  };
  return { dir, env };
}

export interface Server {
  dir: string;
  url: string;
  token: string;
  settings: ServerConnection.ISettings;
  kernels: KernelManager;
  proc: ChildProcess;
  log: () => string;
  stop(): Promise<void>;
}

export async function startServer(rootDir?: string): Promise<Server> {
  const { dir, env } = jupyterEnv();
  const token = randomBytes(16).toString('hex');
  const port = await freePort();
  const nbDir = rootDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'cnnlab-nb-'));
  let out = '';
  const proc = spawn(PYTHON, ['-m', 'jupyter_server', `--ServerApp.token=${token}`, `--port=${port}`, '--no-browser',
    '--ServerApp.ip=127.0.0.1', '--allow-root', `--ServerApp.root_dir=${nbDir}`, '--ServerApp.port_retries=0'], { env, cwd: nbDir, stdio: ['ignore', 'pipe', 'pipe'] });
  proc.stdout!.on('data', (d) => { out += d; });
  proc.stderr!.on('data', (d) => { out += d; });
  const url = `http://127.0.0.1:${port}/`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`jupyter_server exited (${proc.exitCode}):\n${out}`);
    try {
      const r = await fetch(`${url}api/status?token=${token}`);
      if (r.ok) break;
    } catch { /* not yet */ }
    if (Date.now() > deadline) throw new Error(`jupyter_server did not start in 60 s:\n${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const settings = ServerConnection.makeSettings({
    baseUrl: url, wsUrl: `ws://127.0.0.1:${port}/`, token, appendToken: true,
    WebSocket: WebSocket as unknown as typeof globalThis.WebSocket, fetch: globalThis.fetch,
  });
  const kernels = new KernelManager({ serverSettings: settings });
  await kernels.ready;
  return {
    dir, url, token, settings, kernels, proc, log: () => out,
    async stop() {
      try { await kernels.shutdownAll(); } catch { /* ignore */ }
      kernels.dispose();
      proc.kill('SIGTERM');
      await new Promise<void>((r) => { if (proc.exitCode !== null) r(); else proc.once('exit', () => r()); setTimeout(r, 5000); });
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface ExecResult {
  reply: KernelMessage.IExecuteReplyMsg['content'];
  iopub: KernelMessage.IIOPubMessage[];
  /** Messages between busy and idle (outputs), in order. */
  outputs: KernelMessage.IIOPubMessage[];
  stdout: string;
  stderr: string;
}

/** Runs `code` and collects every iopub message of the request until its reply and idle status. */
export async function exec(kernel: Kernel.IKernelConnection, code: string,
  opts: Partial<KernelMessage.IExecuteRequestMsg['content']> = {},
  onStdin?: (msg: KernelMessage.IStdinMessage, future: Kernel.IShellFuture<KernelMessage.IExecuteRequestMsg, KernelMessage.IExecuteReplyMsg>) => void): Promise<ExecResult> {
  const future = kernel.requestExecute({ code, ...opts }, true);
  const iopub: KernelMessage.IIOPubMessage[] = [];
  future.onIOPub = (m) => { iopub.push(m); };
  if (onStdin) future.onStdin = (m) => onStdin(m, future);
  const reply = (await future.done) as KernelMessage.IExecuteReplyMsg;
  future.dispose();
  const outputs = iopub.filter((m) => m.header.msg_type !== 'status' && m.header.msg_type !== 'execute_input');
  const text = (name: string) => outputs.filter((m) => m.header.msg_type === 'stream' && (m.content as { name: string }).name === name)
    .map((m) => (m.content as { text: string }).text).join('');
  return { reply: reply.content, iopub, outputs, stdout: text('stdout'), stderr: text('stderr') };
}

export function pythonHas(modules: string[]): boolean {
  const r = spawnSync(PYTHON, ['-c', `import ${modules.join(', ')}`]);
  return r.status === 0;
}
