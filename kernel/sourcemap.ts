/**
 * Minimal source-map support for the kernel: decoding of the "mappings" field (base64 VLQ,
 * source map revision 3) and composition of two maps (TypeScript → ESM JavaScript and
 * ESM → CommonJS JavaScript), so that a runtime position in a cell's final JavaScript can be
 * traced back to the cell's TypeScript source.
 */

import { ParseError } from '../src/errors';

/** One mapping segment: generated column → original line and column (all 0-based). */
export type Segment = [genCol: number, srcLine: number, srcCol: number];
/** Segments per generated line, each line's segments sorted by generated column. */
export type LineMap = Segment[][];

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_INDEX = new Int8Array(128).fill(-1);
for (let i = 0; i < B64.length; i++) B64_INDEX[B64.charCodeAt(i)] = i;

/** Decodes a VLQ-encoded "mappings" string into per-line segments (only segments with a source). */
export function decodeMappings(mappings: string): LineMap {
  const lines: LineMap = [];
  let line: Segment[] = [];
  let genCol = 0, srcIdx = 0, srcLine = 0, srcCol = 0, name = 0;
  let i = 0;
  const fields: number[] = [];
  const flush = () => {
    if (fields.length === 0) return;
    genCol += fields[0];
    if (fields.length >= 4) {
      srcIdx += fields[1];
      srcLine += fields[2];
      srcCol += fields[3];
      if (fields.length >= 5) name += fields[4];
      line.push([genCol, srcLine, srcCol]);
    }
    fields.length = 0;
  };
  while (i <= mappings.length) {
    const ch = i < mappings.length ? mappings[i] : ';';
    if (ch === ';' || ch === ',') {
      flush();
      if (ch === ';') {
        line.sort((a, b) => a[0] - b[0]);
        lines.push(line);
        line = [];
        genCol = 0;
      }
      i++;
      continue;
    }
    // One VLQ value.
    let value = 0, shift = 0, cont = true;
    while (cont) {
      if (i >= mappings.length) throw new ParseError('source map: truncated VLQ value', { expected: 'a continuation digit', got: 'end of mappings', where: `mappings offset ${i}` });
      const digit = B64_INDEX[mappings.charCodeAt(i++)];
      if (digit < 0) throw new ParseError('source map: bad VLQ digit', { expected: 'a base64 character', got: JSON.stringify(mappings[i - 1]), where: `mappings offset ${i - 1}` });
      cont = (digit & 32) !== 0;
      value += (digit & 31) * 2 ** shift;
      shift += 5;
    }
    fields.push(value & 1 ? -Math.floor(value / 2) : Math.floor(value / 2));
  }
  void srcIdx; void name;
  return lines;
}

/** Finds the original position of a generated position (0-based), or null when unmapped. */
export function lookup(map: LineMap, line: number, col: number): [number, number] | null {
  const segs = map[line];
  if (!segs || segs.length === 0) return null;
  let best: Segment | null = null;
  for (const s of segs) {
    if (s[0] <= col) best = s;
    else break;
  }
  if (!best) best = segs[0];
  return [best[1], best[2]];
}

/**
 * Composes `outer` (final → intermediate) with `inner` (intermediate → original): the result maps
 * final positions directly to original positions.
 */
export function compose(outer: LineMap, inner: LineMap): LineMap {
  return outer.map((segs) => {
    const out: Segment[] = [];
    for (const [genCol, midLine, midCol] of segs) {
      const orig = lookup(inner, midLine, midCol);
      if (orig) out.push([genCol, orig[0], orig[1]]);
    }
    return out;
  });
}
