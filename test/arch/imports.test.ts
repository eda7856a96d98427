/**
 * DESIGN.md's one-way flow, checked on the runtime import graph of src/ and kernel/ (test/arch/import-graph.ts):
 * no import cycles; analysis and the other computing stages never load the display layer; the display layer
 * computes nothing (it loads no analysis, runtime, model or detection code); the schema modules import nothing.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cycles, importGraph } from './import-graph';

const root = path.join(__dirname, '..', '..');
const g = importGraph(root, ['src', 'kernel']);
const under = (dir: string) => [...g.keys()].filter((f) => f.startsWith(dir));

describe('the import graph tool', () => {
  it('finds a two-file cycle of value imports and ignores type-only imports', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnnlab-imports-'));
    try {
      fs.mkdirSync(path.join(dir, 'src'));
      const put = (f: string, text: string) => fs.writeFileSync(path.join(dir, 'src', f), text);
      put('a.ts', "import { B } from './b';\nexport class A { b = new B(); }\n");
      put('b.ts', "import type { A } from './a';\nimport { C } from './c';\nexport class B { a?: A; c = C; }\n");
      put('c.ts', "import { A } from './a';\nexport const C = 1;\nexport type T = A;\n"); // A used only as a type: elided
      expect(cycles(importGraph(dir, ['src']))).toEqual([]);
      put('c.ts', "import { A } from './a';\nexport const C = () => new A();\n");
      expect(cycles(importGraph(dir, ['src']))).toEqual([['src/a.ts', 'src/b.ts', 'src/c.ts']]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('sees the real graph: the package index loads the public namespaces', () => {
    expect(g.get('src/index.ts')).toEqual(expect.arrayContaining(['src/api/analysis.ts', 'src/api/show.ts', 'src/progress.ts']));
    expect(g.get('src/graph/ir.ts')).toContain('src/graph/onnx-write.ts');
  });
});

it('no import cycles in src/ and kernel/', () => {
  expect(cycles(g)).toEqual([]);
});

it('analysis, detection, runtime, graph, nn, tensor, zoo and train never load the display layer or the public namespaces', () => {
  const bad: string[] = [];
  for (const dir of ['src/analysis/', 'src/detection/', 'src/runtime/', 'src/graph/', 'src/nn/', 'src/tensor/', 'src/zoo/', 'src/train/']) {
    for (const f of under(dir)) for (const d of g.get(f)!) if (d.startsWith('src/display/') || d.startsWith('src/api/')) bad.push(`${f} → ${d}`);
  }
  expect(bad).toEqual([]);
});

it('the display layer turns data into bundles: it loads no analysis, runtime, model, zoo or detection code', () => {
  const allowed = (d: string) => d.startsWith('src/display/') || d === 'src/errors.ts' || d.startsWith('src/tensor/') || d === 'src/graph/blocks.ts';
  const bad = under('src/display/').flatMap((f) => g.get(f)!.filter((d) => !allowed(d)).map((d) => `${f} → ${d}`));
  expect(bad).toEqual([]);
});

it('the schema modules hold types and the MIME constant only: no imports but each other', () => {
  const schemas = under('src/display/').filter((f) => /(^|\/|-)schema\.ts$/.test(f));
  expect(schemas).toEqual(expect.arrayContaining(['src/display/schema.ts', 'src/display/analysis-schema.ts', 'src/display/det-schema.ts', 'src/display/featuremaps-schema.ts']));
  for (const f of schemas) {
    const text = fs.readFileSync(path.join(root, f), 'utf8');
    // every module specifier, type-only imports and re-exports included
    const specs = [...text.matchAll(/(?:from|import|require\()\s*['"]([^'"]+)['"]/g)].map((m) => m[1]);
    expect({ file: f, outside: specs.filter((s) => !/^\.\/[\w-]*schema$/.test(s)) }).toEqual({ file: f, outside: [] });
  }
});
