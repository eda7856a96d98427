/**
 * The official Jupyter kernel test suite (Debian's python3-jupyter-kernel-test) against
 * kernel `cnnlab`: test/kernel/test_cnnlab_kernel.py run with `python3 -m unittest -v`;
 * every test must pass (none failed, errored or skipped).
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'child_process';
import fs from 'fs';
import { jupyterEnv, PYTHON } from './server';

/** The tests the suite defines (jupyter_kernel_test 0.4.x); all apply to this kernel. */
const EXPECTED = ['test_clear_output', 'test_completion', 'test_display_data', 'test_error', 'test_execute_result',
  'test_execute_stderr', 'test_execute_stdout', 'test_history', 'test_inspect', 'test_is_complete', 'test_kernel_info', 'test_pager'];

describe('jupyter_kernel_test conformance suite', () => {
  it('passes every test against kernel cnnlab', () => {
    const { dir, env } = jupyterEnv();
    try {
      const r = spawnSync(PYTHON, ['-m', 'unittest', '-v', 'test_cnnlab_kernel'], {
        cwd: __dirname, env, encoding: 'utf8', timeout: 240_000,
      });
      const out = `${r.stdout}\n${r.stderr}`;
      const results = new Map<string, string>();
      for (const m of out.matchAll(/^\s*(test_\w+) \([\w.]+\)(?: \(([^)]*)\))? \.\.\. (ok|FAIL|ERROR|skipped.*|expected failure)$/gm)) {
        const key = m[2] ? `${m[1]} (${m[2]})` : m[1];
        results.set(key, m[3]);
      }
      const failed = [...results].filter(([, v]) => v !== 'ok');
      expect(failed, out).toEqual([]);
      for (const t of EXPECTED) expect(results.get(t), `${t} did not run:\n${out}`).toBe('ok');
      const ran = /^Ran (\d+) tests? in/m.exec(out);
      expect(ran && Number(ran[1]), out).toBe(EXPECTED.length);
      expect(out).toMatch(/^OK$/m);
      expect(r.status, out).toBe(0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
