/** Versions the kernel reports: cnnlab's own and that of the TypeScript tslab compiles with. */
import fs from 'fs';
import path from 'path';
import { packageRoot } from './paths';

function readVersion(packageJson: string): string | undefined {
  try { return JSON.parse(fs.readFileSync(packageJson, 'utf8')).version; } catch { return undefined; }
}

/** cnnlab's version (package.json), or 0.0.0 when unreadable. */
export function kernelVersion(root = packageRoot()): string {
  return readVersion(path.join(root, 'package.json')) ?? '0.0.0';
}

/** The version of the TypeScript that tslab's converter runs (@tslab/typescript-for-tslab), or ''. */
export function typescriptVersion(): string {
  try {
    return readVersion(require.resolve('@tslab/typescript-for-tslab/package.json', { paths: [path.dirname(require.resolve('tslab/package.json'))] })) ?? '';
  } catch { return ''; }
}
