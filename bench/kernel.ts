/**
 * Kernel benchmark (`npm run bench:kernel`): talks to `node dist/kernel/main.js <connection-file>`
 * over ZeroMQ like a Jupyter client does and measures
 *  - start → kernel_info_reply (process spawn included),
 *  - start → first cell result (the compiler and the cnnlab API loaded),
 *  - warm `1+1` round trip (execute_request → execute_reply and idle), the same cell repeated,
 *  - warm `1+i` round trip with a different cell every time (no compile cache),
 *  - a cell that builds, traces and runs a small CNN on ONNX Runtime (CPU).
 * Options: --runs N (default 200), --json (machine-readable output).
 */
import { spawn, ChildProcess } from 'child_process';
import fs from 'fs';
import net from 'net';
import os from 'os';
import path from 'path';
import { randomBytes } from 'crypto';
import * as zmq from 'zeromq';
import { ConnectionInfo, Message, Signer, newMessage, parseMessage, serializeMessage } from '../kernel/wire';
import { packageRoot } from '../kernel/paths';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => { const p = (s.address() as net.AddressInfo).port; s.close(() => resolve(p)); });
  });
}

const now = () => Number(process.hrtime.bigint()) / 1e6;

class Client {
  shell = new zmq.Dealer({ reconnectInterval: 5, linger: 0 });
  iopub = new zmq.Subscriber({ reconnectInterval: 5, linger: 0 });
  private waiters = new Map<string, { reply?: Message; idle: boolean; outputs: Message[]; done: (m: Message, o: Message[]) => void }>();
  constructor(private readonly conn: ConnectionInfo, private readonly signer: Signer) {}

  connect(): void {
    const a = (p: number) => `tcp://${this.conn.ip}:${p}`;
    this.shell.connect(a(this.conn.shell_port));
    this.iopub.connect(a(this.conn.iopub_port));
    this.iopub.subscribe();
    void this.loop(this.shell, 'shell');
    void this.loop(this.iopub, 'iopub');
  }

  private async loop(sock: zmq.Dealer | zmq.Subscriber, kind: 'shell' | 'iopub'): Promise<void> {
    try {
      for await (const frames of sock) {
        const m = parseMessage(frames as Buffer[], this.signer);
        const w = this.waiters.get(String(m.parent_header.msg_id));
        if (!w) continue;
        if (kind === 'shell') w.reply = m;
        else if (m.header.msg_type === 'status' && m.content.execution_state === 'idle') w.idle = true;
        else if (m.header.msg_type !== 'status') w.outputs.push(m);
        if (w.reply && (w.idle || m.header.msg_type === 'kernel_info_reply')) {
          this.waiters.delete(String(m.parent_header.msg_id));
          w.done(w.reply, w.outputs);
        }
      }
    } catch { /* closed */ }
  }

  request(type: string, content: Record<string, unknown>, waitIdle = true): Promise<{ reply: Message; outputs: Message[] }> {
    const msg = newMessage(type, content, null, [], 'bench');
    return new Promise((resolve) => {
      const w = { idle: !waitIdle, outputs: [] as Message[], done: (reply: Message, outputs: Message[]) => resolve({ reply, outputs }) };
      this.waiters.set(msg.header.msg_id, w);
      void this.shell.send(serializeMessage(msg, this.signer));
    });
  }

  execute(code: string) {
    return this.request('execute_request', { code, silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: true });
  }

  close(): void { this.shell.close(); this.iopub.close(); }
}

function stats(xs: number[]) {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return { n: s.length, median: q(0.5), p10: q(0.1), p90: q(0.9), min: s[0], max: s[s.length - 1] };
}

const CNN_CELL = `const net = new nn.Sequential(
  new nn.Conv2d(3, 16, 3, { padding: 1 }), new nn.ReLU(), new nn.MaxPool2d(2),
  new nn.Conv2d(16, 32, 3, { padding: 1 }), new nn.ReLU(), new nn.AdaptiveAvgPool2d(1),
  new nn.Flatten(), new nn.Linear(32, 10));
const sess = await Session.create(net.trace([1, 3, 32, 32]), { device: 'cpu' });
const x = new Tensor('float32', new Float32Array(3 * 32 * 32).fill(0.5), [1, 3, 32, 32]);
const out = await sess.run(x);
Object.values(out)[0].dims`;

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const runs = Number(args[args.indexOf('--runs') + 1]) || 200;
  const asJson = args.includes('--json');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnnlab-bench-kernel-'));
  const conn: ConnectionInfo = {
    transport: 'tcp', ip: '127.0.0.1', key: randomBytes(16).toString('hex'), signature_scheme: 'hmac-sha256',
    shell_port: await freePort(), iopub_port: await freePort(), stdin_port: await freePort(), control_port: await freePort(), hb_port: await freePort(),
  };
  const connFile = path.join(dir, 'kernel.json');
  fs.writeFileSync(connFile, JSON.stringify(conn));
  const signer = new Signer(conn.key, conn.signature_scheme);
  const client = new Client(conn, signer);
  client.connect();

  const main = path.join(packageRoot(), 'dist', 'kernel', 'main.js');
  const t0 = now();
  const proc: ChildProcess = spawn(process.execPath, [main, connFile], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] });
  const info = await client.request('kernel_info_request', {}, false);
  const tInfo = now() - t0;
  const first = await client.execute('1+1');
  const tFirst = now() - t0;
  if (first.reply.content.status !== 'ok') throw new Error(`first cell failed: ${JSON.stringify(first.reply.content)}`);

  for (let i = 0; i < 20; i++) await client.execute('1+1');
  const same: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = now();
    const r = await client.execute('1+1');
    same.push(now() - t);
    if (i === 0 && r.outputs.find((m) => m.header.msg_type === 'execute_result')?.content.data['text/plain'] !== '2') {
      throw new Error('1+1 did not give 2');
    }
  }
  const varying: number[] = [];
  for (let i = 0; i < Math.min(runs, 100); i++) {
    const t = now();
    await client.execute(`1+${i + 1000}`);
    varying.push(now() - t);
  }
  const tc = now();
  const cnn = await client.execute(CNN_CELL);
  const tCnn = now() - tc;
  const cnnOk = cnn.reply.content.status === 'ok';
  const tc2 = now();
  const cnn2 = await client.execute(CNN_CELL.replace(/\bnet\b/g, 'net2').replace(/\bsess\b/g, 'sess2').replace(/\bx\b/g, 'x2').replace(/\bout\b/g, 'out2'));
  const tCnn2 = now() - tc2;

  const result = {
    node: process.version, cpus: os.cpus().length, cpu: os.cpus()[0]?.model,
    kernel_info_reply_ms: tInfo,
    implementation: info.reply.content.implementation,
    first_cell_result_ms: tFirst,
    warm_1plus1_same_cell_ms: stats(same),
    warm_1plusI_new_cell_ms: stats(varying),
    small_cnn_cell_ms: cnnOk ? tCnn : null,
    small_cnn_cell_second_run_ms: cnn2.reply.content.status === 'ok' ? tCnn2 : null,
    small_cnn_cell_result: cnnOk ? cnn.outputs.find((m) => m.header.msg_type === 'execute_result')?.content.data['text/plain'] : cnn.reply.content,
  };
  const sd = await client.request('shutdown_request', { restart: false });
  void sd;
  client.close();
  proc.kill('SIGTERM');
  fs.rmSync(dir, { recursive: true, force: true });
  if (asJson) { process.stdout.write(JSON.stringify(result, null, 2) + '\n'); return; }
  const f = (x: number) => x.toFixed(2);
  const line = (name: string, s: ReturnType<typeof stats>) =>
    `${name.padEnd(40)} median ${f(s.median)} ms  p10 ${f(s.p10)}  p90 ${f(s.p90)}  (n=${s.n})`;
  process.stdout.write([
    `cnnlab kernel benchmark — Node ${result.node}, ${result.cpus} CPUs (${result.cpu})`,
    `${'start → kernel_info_reply'.padEnd(40)} ${f(tInfo)} ms   (target ≤ 500 ms)`,
    `${'start → first cell result (1+1)'.padEnd(40)} ${f(tFirst)} ms`,
    line('warm 1+1 round trip (same cell)', result.warm_1plus1_same_cell_ms) + '   (target ≤ 3 ms)',
    line('warm 1+i round trip (new cell each time)', result.warm_1plusI_new_cell_ms),
    `${'small CNN cell (build, trace, ORT run)'.padEnd(40)} ${cnnOk ? f(tCnn) + ' ms' : 'FAILED ' + JSON.stringify(cnn.reply.content)}`,
    `${'small CNN cell, second time'.padEnd(40)} ${result.small_cnn_cell_second_run_ms !== null ? f(tCnn2) + ' ms' : 'FAILED'}`,
    `small CNN output dims: ${cnnOk ? result.small_cnn_cell_result : '-'}`,
    '',
  ].join('\n'));
}

main().then(() => process.exit(0), (e) => { process.stderr.write(`bench:kernel: ${e?.stack ?? e}\n`); process.exit(1); });
