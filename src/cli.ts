/**
 * The `cnnlab` command line: summary | list | export | run | bench | compare | eval | kernel | start | setup | extension.
 * Each subcommand returns an exit code; errors print one line (CnnlabError messages say what, where, expected).
 */
import { writeFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { kernelCommand } from '../kernel/cli';
import { CnnlabError, ConfigError, NotFoundError } from './errors';
import { readInputFile } from './cli-files';
import { Graph } from './graph/ir';
import { fromOnnx, toOnnx } from './graph/onnx';
import { graphCost } from './graph/cost';
import { Session, DeviceRequest } from './runtime/session';
import { readNpy, writeNpy } from './tensor/npy';
import { Tensor } from './tensor/tensor';
import { Rng } from './tensor/random';
import * as zoo from './zoo';
import { compare, topk } from './api/analysis';
import { IMAGENET_CLASSES } from './zoo/imagenet';

/** `cnnlab list vgg`: a pattern without glob characters matches by substring. */
export function listPattern(p: string): string {
  return /[*?[\]]/.test(p) ? p : `*${p}*`;
}

/** `1x3x224x224` → [1, 3, 224, 224] */
export function parseShape(s: string, flag = '--input'): number[] {
  const dims = s.split(/[x×,]/).map((d) => Number(d.trim()));
  if (!dims.length || dims.some((d) => !Number.isInteger(d) || d <= 0)) {
    throw new ConfigError(`invalid shape for ${flag}`, { expected: 'positive integers joined by x, e.g. 1x3x224x224', got: s });
  }
  return dims;
}

/** `--opt key=value` pairs → options (numbers and booleans parsed). */
export function parseOpts(pairs: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const p of pairs) {
    const i = p.indexOf('=');
    if (i <= 0) throw new ConfigError('invalid --opt', { expected: 'key=value', got: p });
    const k = p.slice(0, i), v = p.slice(i + 1);
    out[k] = v === 'true' ? true : v === 'false' ? false : v !== '' && !Number.isNaN(Number(v)) ? Number(v) : v;
  }
  return out;
}

export interface LoadedModel {
  graph: Graph;
  /** ONNX bytes when the model came from a file */
  bytes?: Uint8Array;
  name: string;
}

/** A zoo name or an .onnx file → graph (traced at `shape`, or the model's default input). */
export function loadModel(spec: string, o: { input?: string; weights?: string; opts?: string[]; shape?: number[] } = {}): LoadedModel {
  const opts = parseOpts(o.opts ?? []);
  if (spec.toLowerCase().endsWith('.onnx')) {
    const bytes = readInputFile(spec, 'model file');
    const g0 = fromOnnx(bytes, { where: spec });
    const shape = o.shape ?? (o.input ? parseShape(o.input) : undefined);
    const g = shape && g0.inputs.length === 1 ? fromOnnx(bytes, { where: spec, inputShapes: { [g0.inputs[0].name]: shape } }) : g0;
    return { graph: g, bytes, name: spec };
  }
  const m = zoo.create(spec, { ...opts, weights: o.weights });
  const shape = o.shape ?? (o.input ? parseShape(o.input) : zoo.inputShape(spec, opts));
  return { graph: m.trace(shape), name: spec };
}

function fmtCount(n: number): string {
  return n.toLocaleString('en-US');
}

async function runCommand(spec: string, o: { input: string; output?: string; weights?: string; device: string; opt: string[] }): Promise<number> {
  const x = readNpy(readInputFile(o.input, '--input file'), o.input);
  const model = loadModel(spec, { weights: o.weights, opts: o.opt, shape: [...x.dims] });
  const s = await Session.create(model.bytes ?? model.graph, { device: o.device as DeviceRequest });
  const inputName = s.inputNames[0];
  const feed = x.dtype === 'float32' ? x : x.to('float32');
  const out = await s.run({ [inputName]: feed });
  const names = Object.keys(out);
  for (const [i, k] of names.entries()) {
    const t = out[k];
    const path = o.output ? (names.length === 1 ? o.output : o.output.replace(/\.npy$/, '') + `.${k}.npy`) : undefined;
    if (path) writeFileSync(path, writeNpy(t));
    process.stdout.write(`${k}: ${t.dtype} [${t.dims.join(', ')}]${path ? ` → ${path}` : ''}${i === 0 ? ` (${s.device}, ${s.timings[s.timings.length - 1].ms.toFixed(1)} ms)` : ''}\n`);
    // ImageNet classifiers: the top 5 by name (and whether the weights were random)
    if (i === 0 && t.dims.length === 2 && t.dims[1] === IMAGENET_CLASSES.length) {
      const text = topk(t, { k: 5, randomWeights: model.graph.metadata.weights === 'random' }).text();
      process.stdout.write(text.split('\n').map((l) => `  ${l}`).join('\n') + '\n');
    }
  }
  await s.release();
  return 0;
}

async function exportCommand(spec: string, o: { output: string; input?: string; weights?: string; opt: string[]; staticBatch?: boolean }): Promise<number> {
  const model = loadModel(spec, { input: o.input, weights: o.weights, opts: o.opt });
  const bytes = toOnnx(model.graph, { dynamicBatch: !o.staticBatch });
  writeFileSync(o.output, bytes);
  const c = model.graph.paramCounts();
  process.stdout.write(`${o.output}: ${fmtCount(bytes.length)} bytes, opset ${model.graph.opset}, ${model.graph.nodes.length} nodes, ${fmtCount(c.params)} parameters\n`);
  return 0;
}

/** Median latency of Session.run on random input. */
async function benchCommand(spec: string, o: { input?: string; batch?: string; runs: string; warmup: string; device: string; threads?: string; opt: string[]; json?: boolean }): Promise<number> {
  const model = loadModel(spec, { input: o.input, opts: o.opt });
  const shape = model.graph.inputs[0].shape!.map((d) => (typeof d === 'number' ? d : 1));
  if (o.batch) shape[0] = Number(o.batch);
  const g = spec.endsWith('.onnx') ? loadModel(spec, { shape }).graph : loadModel(spec, { opts: o.opt, shape }).graph;
  const s = await Session.create(model.bytes ?? g, { device: o.device as DeviceRequest, threads: o.threads ? Number(o.threads) : undefined });
  const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
  new Rng(0).fillNormal(data);
  const x = new Tensor('float32', data, shape);
  for (let i = 0; i < Number(o.warmup); i++) await s.run({ [s.inputNames[0]]: x });
  s.timings.length = 0;
  for (let i = 0; i < Number(o.runs); i++) await s.run({ [s.inputNames[0]]: x });
  const st = s.timingStats();
  const macs = graphCost(g).macs;
  const res = { model: spec, device: s.device, input: shape, runs: st.runs, medianMs: st.median, minMs: st.min, p90Ms: st.p90, macs, gflops: (2 * macs) / (st.median * 1e6) };
  process.stdout.write(o.json ? JSON.stringify(res, null, 2) + '\n'
    : `${spec} [${shape.join('x')}] on ${s.device}: median ${st.median.toFixed(2)} ms (min ${st.min.toFixed(2)}, p90 ${st.p90.toFixed(2)}, ${st.runs} runs), ${(macs / 1e9).toFixed(2)} GMACs, ${res.gflops.toFixed(1)} GFLOP/s\n`);
  await s.release();
  return 0;
}

async function compareCommand(names: string[], o: { batch: string; latency?: boolean; runs: string; warmup: string; device: string; threads?: string; json?: boolean }): Promise<number> {
  const c = await compare(names, {
    batch: Number(o.batch), latency: o.latency ?? false, runs: Number(o.runs), warmup: Number(o.warmup),
    device: o.device as DeviceRequest, threads: o.threads ? Number(o.threads) : undefined, onProgress: false,
  });
  process.stdout.write((o.json ? JSON.stringify(c.json(), null, 2) : c.text()) + '\n');
  return 0;
}

function collect(v: string, prev: string[]): string[] {
  return [...prev, v];
}

export function buildProgram(result: { code: Promise<number> | number }): Command {
  const program = new Command();
  program.name('cnnlab').description('Study and reproduce CNN papers: build, trace, run, measure, show').exitOverride();
  program.command('summary')
    .description('params, MACs, output shape per layer and totals')
    .argument('<model>', 'zoo name (see `cnnlab list`) or file.onnx')
    .allowUnknownOption(true)
    .helpOption(false)
    .action((_m: string, _o: unknown, cmd: Command) => {
      result.code = import('./cli-summary').then((mod) => mod.summaryCommand(cmd.args));
    });
  program.command('list').description('model names in the zoo').argument('[pattern]', 'part of a name (vgg) or a glob (*mobilenet*)', '*')
    .action((p: string) => {
      const names = zoo.list(listPattern(p));
      if (!names.length) throw new NotFoundError(`no model matches '${p}'`, { expected: 'a part of a name or a glob, e.g. vgg or *mobilenet*', got: p, where: 'cnnlab list' });
      for (const n of names) { const i = zoo.info(n); process.stdout.write(`${n.padEnd(22)} ${i.paper.citation}${i.description ? ` — ${i.description}` : ''}\n`); }
      result.code = 0;
    });
  program.command('export').description('trace a zoo model and write ONNX')
    .argument('<model>').requiredOption('-o, --output <file>', 'output .onnx file')
    .option('--input <shape>', 'input shape, e.g. 1x3x224x224').option('--weights <file>', 'safetensors weights')
    .option('--opt <key=value>', 'model option (repeatable)', collect, []).option('--static-batch', 'fixed batch dimension')
    .action((m: string, o) => { result.code = exportCommand(m, o); });
  program.command('run').description('run a model on an .npy input')
    .argument('<model>').requiredOption('--input <x.npy>').option('-o, --output <y.npy>')
    .option('--weights <file>').option('--device <device>', 'cpu | cuda | webgpu | auto', 'cpu')
    .option('--opt <key=value>', 'model option (repeatable)', collect, [])
    .action((m: string, o) => { result.code = runCommand(m, o); });
  program.command('bench').description('median latency and GFLOP/s of one model')
    .argument('<model>').option('--input <shape>').option('--batch <n>').option('--runs <n>', 'timed runs', '20')
    .option('--warmup <n>', 'untimed runs', '3').option('--device <device>', 'cpu | cuda | webgpu | auto', 'cpu')
    .option('--threads <n>').option('--opt <key=value>', 'model option (repeatable)', collect, []).option('--json')
    .action((m: string, o) => { result.code = benchCommand(m, o); });
  program.command('compare').description('params, MACs, memory (and with --latency: latency, images/s) of several zoo models')
    .argument('<models...>').option('--batch <n>', 'batch size', '1').option('--latency', 'time each model on ONNX Runtime')
    .option('--runs <n>', 'timed runs', '10').option('--warmup <n>', 'untimed runs', '2')
    .option('--device <device>', 'cpu | cuda | webgpu | auto', 'cpu').option('--threads <n>').option('--json')
    .action((m: string[], o) => { result.code = compareCommand(m, o); });
  program.command('eval').description('COCO / VOC detection evaluation').allowUnknownOption(true).helpOption(false)
    .argument('[args...]')
    .action((_a: string[], _o: unknown, cmd: Command) => {
      result.code = import('./cli-eval').then((mod) => mod.evalCommand(cmd.args));
    });
  program.addCommand(kernelCommand(result));
  program.command('start').description('npm start: set up .venv, kernel and extension, then serve the notebooks with JupyterLab on 127.0.0.1')
    .option('--port <n>', 'port (default: the first free one from 8888)')
    .option('--dir <dir>', 'directory to serve (default: the notebooks/ of this package)')
    .option('--ip <address>', 'address to bind (default 127.0.0.1; anything else is reachable from other machines)')
    .option('--no-browser', 'do not open a browser')
    .action((o: { port?: string; dir?: string; ip?: string; browser?: boolean }) => {
      result.code = import('./start').then((mod) => mod.startCommand(o));
    });
  program.command('setup').description('create or update .venv (requirements.txt), install the kernel and the JupyterLab extension into it')
    .action(() => {
      result.code = import('./setup').then((mod) => {
        const root = resolve(__dirname, '..', '..');
        mod.setupAll(root, (l: string) => process.stdout.write(`[cnnlab] ${l}\n`));
        process.stdout.write(`[cnnlab] .venv ready: ${root}/.venv (kernel and extension installed)\n`);
        return 0;
      });
    });
  const ext = program.command('extension').description('the JupyterLab extension');
  ext.command('install').description('build extension/ and pip-install it into the active Python environment (JupyterLab 4 / Notebook 7)')
    .option('--python <python>', 'the Python whose environment gets it', 'python3')
    .action((o: { python: string }) => {
      result.code = import('./setup').then((mod) => {
        const p = mod.setupPaths(resolve(__dirname, '..', '..'));
        const log = (l: string) => process.stdout.write(`[cnnlab] ${l}\n`);
        const where = spawnSync(o.python, ['-c', 'import sys, os; print(os.path.dirname(sys.executable))'], { encoding: 'utf8' });
        if (where.status !== 0) throw new ConfigError('extension install: Python not found', { expected: 'a Python 3 with pip', got: o.python, where: '--python' });
        mod.buildExtension(p, log, where.stdout.trim());
        mod.installExtensionInto(p, o.python, log);
        log(`installed; check with: ${o.python} -m jupyter labextension list`);
        return 0;
      });
    });
  return program;
}

/** Entry point used by bin/cnnlab.js. */
export async function main(argv: string[]): Promise<number> {
  const result: { code: Promise<number> | number } = { code: 0 };
  const program = buildProgram(result);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return await result.code;
  } catch (e) {
    // usage errors are bad input too: 2, as a CnnlabError (help and --version: 0)
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    if (e instanceof CnnlabError) {
      process.stderr.write(`cnnlab: ${e.name}: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}
