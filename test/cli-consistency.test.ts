/**
 * One CLI: bad input exits 2 with one line on stderr everywhere, missing files are NotFoundErrors,
 * ONNX Runtime's messages read as one line, `list` matches by substring, flags are named as flags,
 * weight mismatches are listed briefly, and npm prints no config warning (uses dist/: build first).
 */
import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Tensor, WeightLoadError, zoo } from '../src';
import { writeNpy } from '../src/tensor/npy';
import { availableDevices } from '../src/runtime/session';
import { cleanOrtMessage } from '../src/runtime/ort-errors';

const root = path.join(__dirname, '..');
const bin = path.join(root, 'bin', 'cnnlab.js');
const cli = (...args: string[]) => {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', cwd: os.tmpdir(), timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
};
const oneLine = (s: string) => s.replace(/\n$/, '').split('\n');

let dir: string;
beforeAll(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnnlab-cli-')); });
afterAll(() => { fs.rmSync(dir, { recursive: true, force: true }); });

describe('bad input: exit code 2 and one line, in every command', () => {
  it('a missing file is a one-line NotFoundError (run, summary, bench, export --weights, eval)', () => {
    const missing = path.join(dir, 'missing');
    const runs = [
      cli('run', 'resnet18', '--input', `${missing}.npy`),
      cli('summary', `${missing}.onnx`),
      cli('bench', `${missing}.onnx`),
      cli('export', 'resnet18', '-o', path.join(dir, 'x.onnx'), '--weights', `${missing}.safetensors`),
      cli('eval', '--gt', `${missing}.json`, '--dt', `${missing}.json`),
    ];
    for (const r of runs) {
      expect(r.code, r.err).toBe(2);
      const lines = oneLine(r.err);
      expect(lines, r.err).toHaveLength(1);
      expect(lines[0]).toMatch(/^cnnlab: NotFoundError: .*not found/);
      expect(r.err).not.toMatch(/no such file or directory, open/);
    }
    expect(runs[3].err).toContain("README.md, 'Weights from torchvision'");
  });

  it('eval: invalid input exits 2 (as the other commands), the unknown-category hint names the flag', () => {
    const gt = path.join(dir, 'gt.json'), dt = path.join(dir, 'dt.json');
    fs.writeFileSync(gt, JSON.stringify({ images: [{ id: 1, width: 10, height: 10 }], categories: [{ id: 1, name: 'a' }], annotations: [{ id: 1, image_id: 1, category_id: 1, bbox: [0, 0, 5, 5], area: 25, iscrowd: 0 }] }));
    fs.writeFileSync(dt, JSON.stringify([{ image_id: 1, category_id: 7, bbox: [0, 0, 5, 5], score: 0.9 }]));
    const r = cli('eval', '--gt', gt, '--dt', dt);
    expect(r.code).toBe(2);
    expect(oneLine(r.err)).toHaveLength(1);
    expect(r.err).toMatch(/^cnnlab: ParseError: detection has an unknown category id; expected a category id of the ground truth \(or the flag --drop-unknown-categories\)/);
    expect(cli('eval', '--gt', gt, '--dt', dt, '--drop-unknown-categories').code).toBe(0);
  });

  it('ONNX Runtime errors read as one cleaned line (no cut text, no "got Got")', () => {
    const model = path.join(dir, 'r18.onnx'), x = path.join(dir, 'x4.npy');
    expect(cli('export', 'resnet18', '-o', model, '--input', '1x3x64x64').code).toBe(0);
    fs.writeFileSync(x, writeNpy(Tensor.randn([1, 4, 64, 64], { seed: 1 })));
    const r = cli('run', model, '--input', x);
    expect(r.code).toBe(2);
    expect(oneLine(r.err)).toHaveLength(1);
    expect(r.err).toMatch(/^cnnlab: RuntimeError: ONNX Runtime run failed; got invalid dimensions for input: input at index: 1 Got: 4 Expected: 3/);
    expect(r.err).not.toMatch(/got Got|following indices$/m);
  });

  it('cleanOrtMessage: status prefix dropped, lines joined', () => {
    expect(cleanOrtMessage(new Error('[ONNXRuntimeError] : 2 : INVALID_ARGUMENT : Got invalid dimensions for input: x for the following indices\n index: 1 Got: 4 Expected: 3\n Please fix either the inputs/outputs or the model.')))
      .toBe('invalid dimensions for input: x at index: 1 Got: 4 Expected: 3');
  });

  it('--device cuda without its provider prints one line', async () => {
    if ((await availableDevices({ webgpu: false })).includes('cuda')) return; // a CUDA machine has nothing to refuse
    const x = path.join(dir, 'x.npy');
    fs.writeFileSync(x, writeNpy(Tensor.randn([1, 3, 32, 32], { seed: 2 })));
    const r = cli('run', 'resnet18', '--device', 'cuda', '--input', x);
    expect(r.code).toBe(2);
    expect(oneLine(r.err), r.err).toHaveLength(1);
    expect(r.err).toMatch(/^cnnlab: RuntimeError: device 'cuda' is not available \(the CUDA provider is not installed: README.md, 'CUDA'\)/);
  });
});

describe('cnnlab list', () => {
  it('matches by substring as well as by glob; nothing found is an error', () => {
    const names = (r: { out: string }) => r.out.trim().split('\n').map((l) => l.split(/\s+/)[0]);
    const sub = cli('list', 'vgg');
    expect(sub.code).toBe(0);
    expect(names(sub)).toEqual(zoo.list('*vgg*'));
    expect(names(sub)).toContain('vgg11_bn');
    expect(names(cli('list', 'vgg1?'))).toEqual(['vgg11', 'vgg13', 'vgg16', 'vgg19']);
    const none = cli('list', 'no-such-model');
    expect(none.code).toBe(2);
    expect(none.err).toMatch(/^cnnlab: NotFoundError: no model matches 'no-such-model'/);
  });
});

describe('a weights mismatch lists at most 20 keys and counts the rest', () => {
  it('resnet50 with resnet18 weights', () => {
    let err: WeightLoadError | undefined;
    try { zoo.resnet50().loadStateDict(zoo.resnet18().stateDict()); } catch (e) { err = e as WeightLoadError; }
    expect(err).toBeInstanceOf(WeightLoadError);
    const listed = err!.message.split('\n').slice(1);
    expect(listed).toHaveLength(21);
    expect(listed[20]).toBe(`  … and ${err!.mismatches.length - 20} more (all of them in error.mismatches)`);
    expect(err!.mismatches.length).toBeGreaterThan(100);
  });
});

describe('npm', () => {
  it('prints no config warning on npm exec / npx in the project', () => {
    const r = spawnSync('npm', ['exec', '--no', '--', 'node', '-e', '0'], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(0);
    expect(r.stderr).not.toMatch(/Unknown (project|env|user) config/);
  });

  it("onnxruntime-node's CUDA download stays skipped: allowScripts denies it, covers every install script; the env flag works", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
    const lock = JSON.parse(fs.readFileSync(path.join(root, 'package-lock.json'), 'utf8'));
    expect(pkg.allowScripts['onnxruntime-node']).toBe(false);
    const withScripts = Object.entries(lock.packages as Record<string, { hasInstallScript?: boolean }>)
      .filter(([k, v]) => k && v.hasInstallScript).map(([k]) => k.replace(/^.*node_modules\//, '')).sort();
    expect(Object.keys(pkg.allowScripts).sort()).toEqual(withScripts);
    // npm 10 (no allowScripts): ONNXRUNTIME_NODE_INSTALL=skip, read by the package's own flag parser
    const utils = path.join(root, 'node_modules', 'onnxruntime-node', 'script', 'install-utils.js');
    const r = spawnSync(process.execPath, ['-e', `console.log(require(${JSON.stringify(utils)}).parseInstallFlag())`], { encoding: 'utf8', env: { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'skip' } });
    expect(r.stdout.trim()).toBe('false');
  });
});
