/**
 * Every notebook in notebooks/ (and the kernel's smoke notebooks in test/fixtures/kernel/)
 * executes headless with nbclient (Debian's python3-nbclient) on kernel `cnnlab` with no error
 * output. The smoke notebook's results are checked too.
 */
import { describe, expect, it, afterAll } from 'vitest';
import { spawn } from 'child_process';
import fs from 'fs';
import path from 'path';
import { jupyterEnv, PYTHON, ROOT } from './kernel/server';

const list = (dir: string) => fs.existsSync(dir)
  ? fs.readdirSync(dir).filter((f) => f.endsWith('.ipynb')).sort().map((f) => path.join(dir, f)) : [];
const notebooks = [...list(path.join(ROOT, 'notebooks')), ...list(path.join(ROOT, 'test', 'fixtures', 'kernel'))];
const env = jupyterEnv();
afterAll(() => fs.rmSync(env.dir, { recursive: true, force: true }));

interface Output { output_type: string; data?: Record<string, unknown>; text?: string; ename?: string; evalue?: string; traceback?: string[] }
interface Cell { cell_type: string; source: string; outputs?: Output[] }

/** Runs one notebook with nbclient (in a Python child process) and returns its executed cells. */
function run(nb: string): Promise<{ cells: Cell[]; failure: string | null }> {
  return new Promise((resolve, reject) => {
    const p = spawn(PYTHON, [path.join(ROOT, 'test', 'kernel', 'run_notebook.py'), nb, '900'], { env: env.env });
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => { out += d; });
    p.stderr.on('data', (d) => { err += d; });
    p.on('error', reject);
    p.on('close', (code) => {
      if (code !== 0) { reject(new Error(`run_notebook.py ${nb} exited ${code}:\n${err}`)); return; }
      try {
        const parsed = JSON.parse(out) as { notebook: { cells: Cell[] }; failure: string | null };
        resolve({ cells: parsed.notebook.cells, failure: parsed.failure });
      } catch (e) { reject(new Error(`run_notebook.py ${nb}: no JSON output (${(e as Error).message}):\n${err}`)); }
    });
  });
}

describe('notebooks execute headless on kernel cnnlab', () => {
  it('finds the smoke notebook', () => {
    expect(notebooks.some((n) => n.endsWith('kernel-smoke.ipynb'))).toBe(true);
  });

  it.each(notebooks.map((n) => [path.relative(ROOT, n), n]))('%s runs with no error output', async (_rel, nb) => {
    const { cells, failure } = await run(nb);
    const errors = cells.flatMap((c, i) => (c.outputs ?? []).filter((o) => o.output_type === 'error')
      .map((o) => `cell ${i}: ${o.ename}: ${o.evalue}\n${(o.traceback ?? []).join('\n')}`));
    expect(errors).toEqual([]);
    expect(failure).toBeNull();
    if (nb.endsWith('kernel-smoke.ipynb')) {
      const code = cells.filter((c) => c.cell_type === 'code');
      const result = (i: number) => code[i].outputs!.find((o) => o.output_type === 'execute_result')?.data?.['text/plain'];
      expect(result(0)).toBe('[ 2, 2 ]');
      expect(result(1)).toBe('[ true, true ]');
      // The display was updated in place: one output holding the second bundle.
      expect(code[2].outputs).toHaveLength(1);
      expect(code[2].outputs![0].data).toEqual({ 'text/plain': 'second', 'text/html': '<b>second</b>' });
      expect(String(code[3].outputs!.find((o) => o.output_type === 'display_data')?.data?.['text/plain'])).toMatch(/^sum: 100%\|█+\| 5\/5/);
      expect(result(3)).toBe('15');
      expect(result(4)).toBe('20');
      expect(result(5)).toBe('[ 1, 4 ]');
      expect(code[6].outputs![0]).toMatchObject({ output_type: 'stream', text: 'stdout line\n' });
      expect(code[6].outputs![1].data).toEqual({ 'text/plain': 'custom', 'text/markdown': '**custom**' });
    }
  }, 1_000_000);
});
