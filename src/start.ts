/**
 * `npm start`: installs the cnnlab kernel for this user, then shows what cnnlab does on ResNet-50:
 * the summary (params, MACs per stage), one forward pass on ONNX Runtime with its latency, and how to
 * open the notebooks in Jupyter.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import * as zoo from './zoo';
import { graphCost } from './graph/cost';
import { Session } from './runtime/session';
import { Tensor } from './tensor/tensor';
import { Rng } from './tensor/random';

function summaryText(name: string, shape: number[]): string {
  try {
    const { summary } = require('./api/analysis') as { summary(m: unknown, s: number[], o: { depth: number }): { toString(): string } };
    return summary(zoo.create(name), shape, { depth: 1 }).toString();
  } catch {
    const g = zoo.create(name).trace(shape);
    return `${name}: ${g.paramCounts().params.toLocaleString('en-US')} params, ${graphCost(g).macs.toLocaleString('en-US')} MACs`;
  }
}

export async function startCommand(): Promise<number> {
  const out = (s: string) => process.stdout.write(s + '\n');
  try {
    const { kernelCommand } = require('../kernel/cli') as { kernelCommand(argv: string[]): Promise<number> };
    const code = await kernelCommand(['install', '--user']);
    if (code !== 0) out('(kernel install failed; the demo goes on)');
  } catch (e) {
    out(`(kernel install skipped: ${(e as Error).message})`);
  }
  const shape = [1, 3, 224, 224];
  out('\n' + summaryText('resnet50', shape) + '\n');
  const g = zoo.create('resnet50').trace(shape);
  const s = await Session.create(g, { device: 'auto' });
  const data = new Float32Array(3 * 224 * 224);
  new Rng(0).fillNormal(data);
  const x = new Tensor('float32', data, shape);
  await s.run({ input: x });
  for (let i = 0; i < 5; i++) await s.run({ input: x });
  const st = s.timingStats();
  out(`ResNet-50 forward on ${s.device}: median ${st.median.toFixed(1)} ms over ${st.runs} runs (${((2 * graphCost(g).macs) / (st.median * 1e6)).toFixed(1)} GFLOP/s)`);
  await s.release();
  const hasJupyter = spawnSync('jupyter', ['--version'], { stdio: 'ignore' }).status === 0;
  out(`\nNotebooks: ${join(__dirname, '..', '..', 'notebooks')}`);
  out(hasJupyter
    ? 'Open them with `jupyter lab` (or `jupyter notebook`) and pick the kernel "TypeScript (cnnlab)".'
    : 'Install Jupyter (e.g. `apt-get install python3-jupyter-server python3-notebook`) and pick the kernel "TypeScript (cnnlab)".');
  out('CLI: npx cnnlab list | summary <model> | export <model> -o m.onnx | run <model|m.onnx> --input x.npy | bench <model> | compare <a> <b> [--latency] | eval --gt gt.json --dt dt.json');
  return 0;
}
