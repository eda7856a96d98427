/**
 * Source maps of a cell, on @jridgewell's libraries: the compiler worker composes TypeScript's two
 * maps (cell TypeScript → ESM JavaScript, ESM → the CommonJS that runs) with `remapping`, and the
 * executor looks a runtime position up with `trace-mapping`. Positions are in the cell as the user
 * wrote it: tslab compiles the cell behind a one-line `export {};` prefix, which is taken off here.
 */
import remapping from '@ampproject/remapping';
import { GREATEST_LOWER_BOUND, LEAST_UPPER_BOUND, TraceMap, originalPositionFor } from '@jridgewell/trace-mapping';
import type { EncodedSourceMap } from '@jridgewell/trace-mapping';
import { ParseError } from '../src/errors';

export type { EncodedSourceMap };

/** Lines tslab puts before the cell's first line in what it compiles (`export {};`). */
export const CELL_PREFIX_LINES = 1;

function parseMap(json: string, where: string): EncodedSourceMap {
  let map: EncodedSourceMap;
  try { map = JSON.parse(json); } catch (e) {
    throw new ParseError('source map is not JSON', { expected: 'a source map (revision 3)', got: (e as Error).message, where });
  }
  if (!map || map.version !== 3 || typeof map.mappings !== 'string') {
    throw new ParseError('bad source map', { expected: 'version 3 with a "mappings" string', got: JSON.stringify(map && { version: map.version }), where });
  }
  return map;
}

/**
 * One map from the final JavaScript to the original source: `outer` maps the final file to the
 * intermediate one, `inner` the intermediate one to the original (both JSON text).
 */
export function composeMaps(outerJson: string, innerJson: string): EncodedSourceMap {
  const outer = parseMap(outerJson, 'the CommonJS transform\'s source map');
  const inner = parseMap(innerJson, 'TypeScript\'s source map');
  const composed = remapping([outer, inner], () => null);
  return { ...composed, mappings: String(composed.mappings) } as EncodedSourceMap;
}

/** Looks positions of a cell's final JavaScript up in the cell's source. */
export class CellMap {
  private trace: TraceMap | null = null;
  constructor(private readonly map: EncodedSourceMap) {}

  /**
   * The cell position (1-based line and column) of a 0-based line and column of the JavaScript,
   * or null when nothing of the cell maps there. A column before a line's first mapping takes that
   * first mapping.
   */
  position(jsLine0: number, jsCol0: number): { line: number; col: number } | null {
    this.trace ??= new TraceMap(this.map);
    const needle = { line: jsLine0 + 1, column: Math.max(0, jsCol0) };
    let p = originalPositionFor(this.trace, { ...needle, bias: GREATEST_LOWER_BOUND });
    if (p.line === null) p = originalPositionFor(this.trace, { ...needle, bias: LEAST_UPPER_BOUND });
    if (p.line === null || p.column === null) return null;
    const line = p.line - CELL_PREFIX_LINES;
    return line >= 1 ? { line, col: p.column + 1 } : null;
  }
}
