/** The connection file Jupyter starts a kernel with: read and checked. */
import fs from 'fs';
import type { ConnectionInfo } from './wire';
import { ParseError } from '../src/errors';

/** Reads and checks a connection file. */
export function readConnectionFile(file: string): ConnectionInfo {
  let c: Record<string, unknown>;
  try { c = JSON.parse(fs.readFileSync(file, 'utf8')); } catch (e) {
    throw new ParseError('connection file is not JSON', { expected: 'a JSON object', got: (e as Error).message, where: file });
  }
  for (const k of ['shell_port', 'iopub_port', 'stdin_port', 'control_port', 'hb_port']) {
    if (!Number.isInteger(c[k])) throw new ParseError('bad connection file', { expected: `an integer port at ${k}`, got: JSON.stringify(c[k]), where: `${file} $.${k}` });
  }
  for (const k of ['transport', 'ip']) {
    if (typeof c[k] !== 'string') throw new ParseError('bad connection file', { expected: `a string at ${k}`, got: JSON.stringify(c[k]), where: `${file} $.${k}` });
  }
  return { key: '', signature_scheme: 'hmac-sha256', ...c } as unknown as ConnectionInfo;
}
