/**
 * Receptive fields (analysis/receptive-field.ts) as a table: `text/plain` and the rows as `application/json`.
 */
import type { Pair2, ReceptiveField, ReceptiveFieldData, ReceptiveFieldRow } from '../analysis/receptive-field';
import { Displayable, JUPYTER_DISPLAY, MimeBundle } from './bundle';

/** The fields of a model's layers, displayable: `rows`, `get(tap)` as the data's. */
export class ReceptiveFields implements Displayable {
  constructor(readonly data: ReceptiveFieldData) {}
  get rows(): ReceptiveFieldRow[] { return this.data.rows; }
  /** The field of a module's output (path such as `layer4` or `features.29`) or of a value. */
  get(tap: string): ReceptiveField { return this.data.get(tap); }

  text(): string {
    const fmt = (p: Pair2) => (p[0] === p[1] ? `${p[0]}` : `${p[0]}×${p[1]}`);
    const head = ['layer', 'type', 'output', 'size', 'jump', 'start'];
    const body = this.data.rows.map((r) => [
      `${'  '.repeat(Math.max(0, r.depth - 1))}${r.path || '(model)'}`, r.type, r.outputShape ? `[${r.outputShape.join(', ')}]` : '?',
      fmt(r.size) + (r.approximate ? '*' : ''), fmt(r.jump), fmt(r.start),
    ]);
    const w = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
    const line = (c: string[]) => c.map((s, i) => (i < 3 ? s.padEnd(w[i]) : s.padStart(w[i]))).join('  ');
    const out = [line(head), ...body.map(line)];
    if (this.data.rows.some((r) => r.approximate)) out.push('* an op on the way has no exact receptive-field rule');
    out.push('size, jump (effective stride) and start (centre of the first output\'s field) in input pixels; theoretical, unclipped');
    return out.join('\n');
  }

  toString(): string { return this.text(); }

  [JUPYTER_DISPLAY](): MimeBundle {
    return { 'text/plain': this.text(), 'application/json': { rows: this.data.rows } };
  }
}

