/**
 * A minimal ZeroMQ Jupyter client for the kernel's own benchmark and tests: starts
 * `node dist/kernel/main.js <connection-file>` on free ports and talks to its shell, control,
 * stdin and iopub channels directly (no jupyter_server in between).
 */
import { spawn, ChildProcess } from 'child_process';
import fs from 'fs';
import net from 'net';
import os from 'os';
import path from 'path';
import { randomBytes } from 'crypto';
import * as zmq from 'zeromq';
import { ConnectionInfo, Message, Signer, newMessage, parseMessage, serializeMessage } from './wire';
import { packageRoot } from './paths';
import { kernelSpec } from './cli';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => { const p = (s.address() as net.AddressInfo).port; s.close(() => resolve(p)); });
  });
}

export interface Reply { reply: Message; outputs: Message[]; iopub: Message[] }

interface Waiter { reply?: Message; idle: boolean; outputs: Message[]; iopub: Message[]; done: (r: Reply) => void }

export class RawClient {
  readonly shell = new zmq.Dealer({ reconnectInterval: 5, linger: 0 });
  readonly control = new zmq.Dealer({ reconnectInterval: 5, linger: 0 });
  readonly iopub = new zmq.Subscriber({ reconnectInterval: 5, linger: 0 });
  readonly stdin = new zmq.Dealer({ reconnectInterval: 5, linger: 0 });
  /** Answers the kernel's input_request (stdin channel); without it, requests are left unanswered. */
  onInputRequest: ((m: Message) => string | Promise<string>) | null = null;
  readonly signer: Signer;
  /** Every iopub message received, in order. */
  readonly allIopub: Message[] = [];
  /** Every message received from the kernel on any channel, in order of arrival. */
  readonly received: { channel: 'shell' | 'control' | 'iopub' | 'stdin'; msg: Message }[] = [];
  private waiters = new Map<string, Waiter>();
  proc: ChildProcess | null = null;
  stderr = '';

  constructor(readonly conn: ConnectionInfo, readonly dir: string) {
    this.signer = new Signer(conn.key, conn.signature_scheme);
    // Shell and stdin share a routing identity, so the kernel's input_request finds this client.
    const id = `raw-client-${randomBytes(6).toString('hex')}`;
    this.shell.routingId = id;
    this.stdin.routingId = id;
  }

  /** A connection file on free ports in a fresh temp dir. */
  static async create(): Promise<RawClient> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnnlab-kernel-'));
    const conn: ConnectionInfo = {
      transport: 'tcp', ip: '127.0.0.1', key: randomBytes(16).toString('hex'), signature_scheme: 'hmac-sha256',
      shell_port: await freePort(), iopub_port: await freePort(), stdin_port: await freePort(),
      control_port: await freePort(), hb_port: await freePort(),
    };
    fs.writeFileSync(path.join(dir, 'connection.json'), JSON.stringify(conn));
    const c = new RawClient(conn, dir);
    c.connect();
    return c;
  }

  get connectionFile(): string { return path.join(this.dir, 'connection.json'); }

  private connect(): void {
    const a = (p: number) => `tcp://${this.conn.ip}:${p}`;
    this.shell.connect(a(this.conn.shell_port));
    this.control.connect(a(this.conn.control_port));
    this.iopub.connect(a(this.conn.iopub_port));
    this.stdin.connect(a(this.conn.stdin_port));
    this.iopub.subscribe();
    void this.loop(this.shell, 'reply', 'shell');
    void this.loop(this.control, 'reply', 'control');
    void this.loop(this.iopub, 'iopub', 'iopub');
    void this.stdinLoop();
  }

  /**
   * Spawns the kernel process (cwd: the temp dir unless given) with the kernelspec's argv
   * (`cnnlab kernel run {connection_file}`), or with `node dist/kernel/main.js` when `direct`, or
   * with `argvOverride` (`{connection_file}` is replaced).
   */
  start(cwd = this.dir, direct = false, argvOverride?: string[]): ChildProcess {
    const argv = argvOverride ?? (direct ? [process.execPath, path.join(packageRoot(), 'dist', 'kernel', 'main.js'), '{connection_file}']
      : kernelSpec().argv as string[]);
    const args = argv.slice(1).map((a) => (a === '{connection_file}' ? this.connectionFile : a));
    this.proc = spawn(argv[0], args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    this.proc.stderr!.on('data', (d) => { this.stderr += d; });
    return this.proc;
  }

  private async stdinLoop(): Promise<void> {
    try {
      for await (const frames of this.stdin) {
        const m = parseMessage(frames as Buffer[], this.signer);
        this.received.push({ channel: 'stdin', msg: m });
        if (m.header.msg_type !== 'input_request' || !this.onInputRequest) continue;
        const value = await this.onInputRequest(m);
        await this.stdin.send(serializeMessage(newMessage('input_reply', { value }, m, [], 'raw-client'), this.signer));
      }
    } catch { /* closed */ }
  }

  private async loop(sock: zmq.Dealer | zmq.Subscriber, kind: 'reply' | 'iopub', channel: 'shell' | 'control' | 'iopub'): Promise<void> {
    try {
      for await (const frames of sock) {
        const m = parseMessage(frames as Buffer[], this.signer);
        this.received.push({ channel, msg: m });
        if (kind === 'iopub') this.allIopub.push(m);
        const w = this.waiters.get(String(m.parent_header.msg_id));
        if (!w) continue;
        if (kind === 'reply') w.reply = m;
        else {
          w.iopub.push(m);
          if (m.header.msg_type === 'status' && m.content.execution_state === 'idle') w.idle = true;
          else if (m.header.msg_type !== 'status' && m.header.msg_type !== 'execute_input') w.outputs.push(m);
        }
        if (w.reply && w.idle) {
          this.waiters.delete(String(m.parent_header.msg_id));
          w.done({ reply: w.reply, outputs: w.outputs, iopub: w.iopub });
        }
      }
    } catch { /* closed */ }
  }

  /** Sends a request; resolves with its reply once the reply and (unless waitIdle=false) idle have arrived. */
  /** `repeat`: send the same signed frames that many times (a replay, which the kernel must drop). */
  request(type: string, content: Record<string, unknown>, opts: { channel?: 'shell' | 'control'; waitIdle?: boolean; sign?: boolean; repeat?: number } = {}): { msgId: string; done: Promise<Reply> } {
    const msg = newMessage(type, content, null, [], 'raw-client');
    const done = new Promise<Reply>((resolve) => {
      this.waiters.set(msg.header.msg_id, { idle: opts.waitIdle === false, outputs: [], iopub: [], done: resolve });
    });
    const frames = serializeMessage(msg, opts.sign === false ? new Signer('wrong-key') : this.signer);
    const sock = opts.channel === 'control' ? this.control : this.shell;
    void (async () => { for (let i = 0; i < (opts.repeat ?? 1); i++) await sock.send(frames); })();
    return { msgId: msg.header.msg_id, done };
  }

  execute(code: string, extra: Record<string, unknown> = {}, opts: { repeat?: number } = {}): { msgId: string; done: Promise<Reply> } {
    return this.request('execute_request', { code, silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: true, ...extra }, opts);
  }

  async close(): Promise<void> {
    this.shell.close(); this.control.close(); this.iopub.close(); this.stdin.close();
    const p = this.proc;
    if (p && p.exitCode === null) {
      p.kill('SIGKILL');
      await new Promise<void>((r) => p.once('exit', () => r()));
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
