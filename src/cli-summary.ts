/**
 * `cnnlab summary <model|file.onnx> [--input 1x3x224x224] [--json] [--depth N] [--paper] [--opt key=value]`:
 * the torchinfo-like table of `analysis.summary`, or its JSON data (the same as `summary(...).json()`).
 */
import { readInputFile } from './cli-files';
import { Command, CommanderError } from 'commander';
import { ConfigError } from './errors';
import { Graph } from './graph/ir';
import { fromOnnx } from './graph/onnx';
import { summary } from './api/analysis';
import * as zoo from './zoo';

function parseShape(s: string): number[] {
  const dims = s.split(/[x×,]/).map((d) => Number(d.trim()));
  if (!dims.length || dims.some((d) => !Number.isInteger(d) || d <= 0)) {
    throw new ConfigError('invalid shape for --input', { expected: 'positive integers joined by x, e.g. 1x3x224x224', got: s, where: 'cnnlab summary' });
  }
  return dims;
}

function parseOpt(pairs: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const p of pairs) {
    const i = p.indexOf('=');
    if (i <= 0) throw new ConfigError('invalid --opt', { expected: 'key=value', got: p, where: 'cnnlab summary' });
    const k = p.slice(0, i), v = p.slice(i + 1);
    out[k] = v === 'true' ? true : v === 'false' ? false : v !== '' && !Number.isNaN(Number(v)) ? Number(v) : v;
  }
  return out;
}

/** Runs `cnnlab summary` with its arguments (after the subcommand); returns the exit code. */
export async function summaryCommand(argv: string[]): Promise<number> {
  const cmd = new Command('summary')
    .description('params, MACs, FLOPs, memory and output shape per layer, with totals')
    .argument('<model>', 'zoo name (cnnlab list) or file.onnx')
    .option('--input <shape>', 'input shape, e.g. 1x3x224x224 (default: the model\'s)')
    .option('--json', 'print the summary data as JSON')
    .option('--depth <n>', 'module depth of the rows', '3')
    .option('--paper', 'papers\' convention: conv+FC multiply-adds only, no other-ops lines, M/G units')
    .option('--opt <key=value>', 'model option (repeatable)', (v: string, prev: string[]) => [...prev, v], [] as string[])
    .exitOverride()
    .configureOutput({ writeOut: (s) => process.stdout.write(s), writeErr: (s) => process.stderr.write(s) });
  try {
    cmd.parse(argv, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    throw e;
  }
  const spec = cmd.args[0];
  const o = cmd.opts<{ input?: string; json?: boolean; depth: string; paper?: boolean; opt: string[] }>();
  const depth = Number(o.depth);
  if (!Number.isInteger(depth) || depth < 0) throw new ConfigError('invalid --depth', { expected: 'a non-negative integer', got: o.depth, where: 'cnnlab summary' });
  const shape = o.input ? parseShape(o.input) : undefined;
  let graph: Graph;
  let name = spec;
  if (spec.toLowerCase().endsWith('.onnx')) {
    const bytes = readInputFile(spec, 'model file');
    const g0 = fromOnnx(bytes, { where: spec });
    graph = shape && g0.inputs.length === 1 ? fromOnnx(bytes, { where: spec, inputShapes: { [g0.inputs[0].name]: shape } }) : g0;
  } else {
    const opts = parseOpt(o.opt);
    const m = zoo.create(spec, opts);
    graph = m.trace(shape ?? zoo.inputShape(spec, opts));
    name = spec;
  }
  const s = summary(graph, undefined, { depth, paperConvention: !!o.paper, name });
  process.stdout.write(o.json ? `${JSON.stringify(s.json(), null, 2)}\n` : `${s.text()}\n`);
  return 0;
}

