/** Files named on the command line. */
import { readFileSync } from 'node:fs';
import { CnnlabError, NotFoundError } from './errors';

/** A file's bytes; a missing one is a one-line NotFoundError naming the flag. */
export function readInputFile(path: string, what: string): Uint8Array {
  try { return readFileSync(path); } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EISDIR') throw new NotFoundError(`${what} not found: ${path}`, { got: code, where: path });
    throw new CnnlabError(`cannot read ${what} ${path}`, { got: code ?? (e as Error).message, where: path });
  }
}
