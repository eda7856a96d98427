/**
 * Kernel benchmark (`npm run bench:kernel`): talks to `node dist/kernel/main.js <connection-file>`
 * over ZeroMQ like a Jupyter client does and measures
 *  - start → kernel_info_reply (process spawn included),
 *  - start → first cell result (the compiler and the cnnlab API loaded),
 *  - warm `1+1` round trip (execute_request → execute_reply and idle), the same cell repeated,
 *  - warm `1+i` round trip with a different cell every time (no compile cache),
 *  - a cell that builds, traces and runs a small CNN on ONNX Runtime (CPU).
 * The kernel starts as the installed kernelspec starts it (`node dist/kernel/main.js <file>`),
 * or with --cli through the CLI (`node bin/cnnlab.js kernel run <file>`).
 * Options: --runs N (default 200), --json (machine-readable output), --cli, --tslab (baseline:
 * tslab's own kernel, same client and cells).
 */
import os from 'os';
import { RawClient } from '../kernel/client';

const now = () => Number(process.hrtime.bigint()) / 1e6;

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
  const direct = !args.includes('--cli');
  // --tslab: the same measurements against tslab's own kernel (the baseline of issue 6).
  const tslab = args.includes('--tslab');
  const tslabArgv = [process.execPath, '-e', "process.argv.splice(1, 0, 'tslab'); require('tslab/dist/main').main()",
    'kernel', '--config-path', '{connection_file}'];
  const client = await RawClient.create();
  const t0 = now();
  client.start(tslab ? process.cwd() : undefined, direct, tslab ? tslabArgv : undefined);
  const info = await client.request('kernel_info_request', {}, { waitIdle: false }).done;
  const tInfo = now() - t0;
  const first = await client.execute('1+1').done;
  const tFirst = now() - t0;
  if (first.reply.content.status !== 'ok') throw new Error(`first cell failed: ${JSON.stringify(first.reply.content)}`);

  for (let i = 0; i < 20; i++) await client.execute('1+1').done;
  const same: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = now();
    const r = await client.execute('1+1').done;
    same.push(now() - t);
    if (i === 0 && !tslab && r.outputs.find((m) => m.header.msg_type === 'execute_result')?.content.data['text/plain'] !== '2') {
      throw new Error('1+1 did not give 2');
    }
  }
  const varying: number[] = [];
  for (let i = 0; i < Math.min(runs, 100); i++) {
    const t = now();
    await client.execute(`1+${i + 1000}`).done;
    varying.push(now() - t);
  }
  const tc = now();
  const cnn = tslab ? { reply: { content: { status: 'skipped (no cnnlab globals in tslab)' } }, outputs: [] } as never as Awaited<ReturnType<typeof client.execute>['done']>
    : await client.execute(CNN_CELL).done;
  const tCnn = now() - tc;
  const cnnOk = cnn.reply.content.status === 'ok';
  const tc2 = now();
  const cnn2 = tslab ? cnn : await client.execute(CNN_CELL.replace(/\bnet\b/g, 'net2').replace(/\bsess\b/g, 'sess2').replace(/\bx\b/g, 'x2').replace(/\bout\b/g, 'out2')).done;
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
  await client.request('shutdown_request', { restart: false }).done;
  await client.close();
  if (asJson) { process.stdout.write(JSON.stringify(result, null, 2) + '\n'); return; }
  const f = (x: number) => x.toFixed(2);
  const line = (name: string, s: ReturnType<typeof stats>) =>
    `${name.padEnd(46)} median ${f(s.median)} ms  p10 ${f(s.p10)}  p90 ${f(s.p90)}  (n=${s.n})`;
  process.stdout.write([
    `${tslab ? 'tslab 1.0.22 kernel (baseline)' : 'cnnlab kernel'} benchmark — Node ${result.node}, ${result.cpus} CPUs (${result.cpu})`,
    `${(tslab ? 'start (tslab kernel) → kernel_info_reply' : direct ? 'start (main.js) → kernel_info_reply' : 'start (cnnlab kernel run) → kernel_info_reply').padEnd(46)} ${f(tInfo)} ms   (target ≤ 500 ms)`,
    `${'start → first cell result (1+1)'.padEnd(46)} ${f(tFirst)} ms`,
    line('warm 1+1 round trip (same cell)', result.warm_1plus1_same_cell_ms) + '   (target ≤ 3 ms)',
    line('warm 1+i round trip (new cell each time)', result.warm_1plusI_new_cell_ms),
    `${'small CNN cell (build, trace, ORT run)'.padEnd(46)} ${cnnOk ? f(tCnn) + ' ms' : 'FAILED ' + JSON.stringify(cnn.reply.content)}`,
    `${'small CNN cell, second time'.padEnd(46)} ${result.small_cnn_cell_second_run_ms !== null ? f(tCnn2) + ' ms' : 'FAILED'}`,
    `small CNN output dims: ${cnnOk ? result.small_cnn_cell_result : '-'}`,
    '',
  ].join('\n'));
}

main().then(() => process.exit(0), (e) => { process.stderr.write(`bench:kernel: ${e?.stack ?? e}\n`); process.exit(1); });
