/** Where the cnnlab package is, whether this code runs compiled (dist/kernel) or from source (kernel/). */
import fs from 'fs';
import path from 'path';
import { NotFoundError } from '../src/errors';

let cached: string | null = null;

export function packageRoot(): string {
  if (cached) return cached;
  let dir = __dirname;
  for (;;) {
    const pj = path.join(dir, 'package.json');
    if (fs.existsSync(pj)) {
      try {
        if (JSON.parse(fs.readFileSync(pj, 'utf8')).name === 'cnnlab') return (cached = dir);
      } catch { /* keep looking */ }
    }
    const up = path.dirname(dir);
    if (up === dir) throw new NotFoundError('cnnlab package root not found', { expected: 'a package.json named "cnnlab"', got: 'none', where: `above ${__dirname}` });
    dir = up;
  }
}

/** The compiled kernel directory (dist/kernel), where the worker scripts are. */
export function kernelDistDir(): string {
  return path.join(packageRoot(), 'dist', 'kernel');
}
