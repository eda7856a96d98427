/** train.fit in the cnnlab kernel: live curves in one display (application/vnd.cnnlab.training+json + PNG), a progress bar. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import fs from 'fs';
import os from 'os';
import path from 'path';
import type { Kernel } from '@jupyterlab/services';
import { exec, startServer, Server } from './server';

let server: Server;
let kernel: Kernel.IKernelConnection;
let nbDir: string;

beforeAll(async () => {
  nbDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnnlab-train-nb-'));
  server = await startServer(nbDir);
  kernel = await server.kernels.startNew({ name: 'cnnlab' });
  await kernel.info;
});

afterAll(async () => {
  await server?.stop();
  if (nbDir) fs.rmSync(nbDir, { recursive: true, force: true });
});

it('fit shows its training curves in one display updated in place, and a progress bar', async () => {
  const code = [
    'const net = new nn.Sequential(new nn.Conv2d(1, 2, 3, { padding: 1 }), new nn.ReLU(), new nn.Flatten(), new nn.Linear(2 * 4 * 4, 2));',
    'const ds = train.imageDataset(Float32Array.from({ length: 32 * 16 }, (_, i) => Math.sin(i)), Int32Array.from({ length: 32 }, (_, i) => i % 2), [1, 4, 4]);',
    'const t = train.trainer(net, { optimizer: train.sgd({ lr: 0.1 }), batchSize: 8, inputShape: [1, 4, 4] });',
    '(await t.fit(ds, { epochs: 2 })).steps.length',
  ].join('\n');
  const r = await exec(kernel, code);
  expect(r.reply.status).toBe('ok');
  const data = (m: (typeof r.outputs)[number]) => (m.content as { data: Record<string, unknown> }).data;
  const id = (m: (typeof r.outputs)[number]) => (m.content as { transient: { display_id: string } }).transient.display_id;
  const curves = r.outputs.filter((m) => ['display_data', 'update_display_data'].includes(m.header.msg_type) && data(m)['application/vnd.cnnlab.training+json']);
  expect(curves.length).toBeGreaterThanOrEqual(2);
  expect(curves[0].header.msg_type).toBe('display_data');
  expect(new Set(curves.map(id)).size).toBe(1);
  const last = data(curves[curves.length - 1]);
  expect(last['application/vnd.cnnlab.training+json']).toMatchObject({ x: 'step', total: 8, done: true });
  expect(typeof last['image/png']).toBe('string');
  const bars = r.outputs.filter((m) => String(data(m)?.['text/plain'] ?? '').startsWith('training Sequential: '));
  expect(bars.length).toBeGreaterThanOrEqual(2);
  expect(String(data(bars[bars.length - 1])['text/plain'])).toMatch(/100%.*8\/8/);
});
