/**
 * Executes the notebooks and writes shareable copies: build/notebooks/NAME.ipynb (with outputs) and
 * build/notebooks/NAME.html (nbconvert's HTML). Uses Debian's python3-nbconvert on kernel `cnnlab`,
 * installed into a temporary Jupyter directory (the user's own Jupyter setup is not touched).
 *
 * Usage: npm run notebooks [-- NAME ...]   (default: every notebooks/*.ipynb; exit 1 when any fails)
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { installKernel } from '../kernel/cli';

const ROOT = path.resolve(__dirname, '..');
const PYTHON = '/usr/bin/python3';
const OUT = path.join(ROOT, 'build', 'notebooks');

function jupyterEnv(dir: string): NodeJS.ProcessEnv {
  installKernel({ prefix: dir });
  return {
    ...process.env,
    JUPYTER_PATH: path.join(dir, 'share', 'jupyter'),
    JUPYTER_DATA_DIR: path.join(dir, 'data'),
    JUPYTER_RUNTIME_DIR: path.join(dir, 'runtime'),
    JUPYTER_CONFIG_DIR: path.join(dir, 'config'),
    JUPYTER_PLATFORM_DIRS: '1',
    IPYTHONDIR: path.join(dir, 'ipython'),
    PYTHONDONTWRITEBYTECODE: '1',
  };
}

function nbconvert(env: NodeJS.ProcessEnv, args: string[]): { ok: boolean; log: string } {
  const r = spawnSync(PYTHON, ['-m', 'nbconvert', ...args], { env, encoding: 'utf8', cwd: ROOT });
  return { ok: r.status === 0, log: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}` };
}

function main(): number {
  if (!fs.existsSync(path.join(ROOT, 'dist', 'kernel', 'main.js'))) {
    console.error('dist/kernel/main.js is missing: run `npx tsc -p tsconfig.json` first (npm run notebooks does)');
    return 1;
  }
  const all = fs.readdirSync(path.join(ROOT, 'notebooks')).filter((f) => f.endsWith('.ipynb')).sort();
  const wanted = process.argv.slice(2).map((n) => (n.endsWith('.ipynb') ? n : `${n}.ipynb`));
  const unknown = wanted.filter((n) => !all.includes(n));
  if (unknown.length) {
    console.error(`no such notebook: ${unknown.join(', ')} (expected one of: ${all.map((f) => f.slice(0, -6)).join(', ')})`);
    return 1;
  }
  const list = wanted.length ? wanted : all;
  fs.mkdirSync(OUT, { recursive: true });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnnlab-notebooks-'));
  const failed: string[] = [];
  try {
    const env = jupyterEnv(dir);
    for (const f of list) {
      const t0 = Date.now();
      // executed in notebooks/ (nbconvert runs a notebook in its own folder), so data/… paths resolve
      const run = nbconvert(env, ['--to', 'notebook', '--execute', '--ExecutePreprocessor.timeout=600',
        '--output-dir', OUT, path.join('notebooks', f)]);
      const html = run.ok ? nbconvert(env, ['--to', 'html', '--output-dir', OUT, path.join(OUT, f)]) : run;
      const s = ((Date.now() - t0) / 1000).toFixed(0);
      if (run.ok && html.ok) console.log(`ok   ${f} (${s} s) → build/notebooks/${f}, ${f.replace(/\.ipynb$/, '.html')}`);
      else {
        failed.push(f);
        console.log(`FAIL ${f} (${s} s)\n${(run.ok ? html : run).log.split('\n').slice(-25).join('\n')}`);
      }
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  console.log(failed.length ? `${failed.length} of ${list.length} failed: ${failed.join(', ')}` : `${list.length} notebooks executed into build/notebooks/`);
  return failed.length ? 1 : 0;
}

process.exit(main());
