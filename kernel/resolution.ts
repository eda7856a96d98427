/** Module resolution for cells: `require('cnnlab')` finds this package from any notebook directory. */
import Module from 'module';
import path from 'path';
import { packageRoot } from './paths';

/** Resolves `require('cnnlab')` (and `cnnlab/...`) to this package from any directory. */
export function installCnnlabResolution(root = packageRoot()): void {
  const M = Module as unknown as { _resolveFilename(req: string, parent: unknown, ...rest: unknown[]): string };
  const orig = M._resolveFilename;
  if ((orig as { __cnnlab?: boolean }).__cnnlab) return;
  const patched = function (this: unknown, request: string, parent: unknown, ...rest: unknown[]): string {
    if (request === 'cnnlab') return path.join(root, 'dist', 'src', 'index.js');
    if (request.startsWith('cnnlab/')) return orig.call(this, path.join(root, request.slice('cnnlab/'.length)), parent, ...rest);
    return orig.call(this, request, parent, ...rest);
  };
  (patched as { __cnnlab?: boolean }).__cnnlab = true;
  M._resolveFilename = patched;
}
