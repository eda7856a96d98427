/**
 * The runtime import graph of the package's TypeScript sources: each file is compiled alone
 * (`ts.transpileModule`, which drops `import type` and imports used only as types, as tsc's emit does)
 * and the relative `require(...)` calls of the emitted JavaScript are its edges — static imports,
 * re-exports, `require` and dynamic `import()` alike.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import ts from 'typescript';

export type ImportGraph = Map<string, string[]>;

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...sourceFiles(p));
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

function resolveLocal(from: string, spec: string): string | null {
  const base = path.resolve(path.dirname(from), spec);
  for (const c of [base, `${base}.ts`, path.join(base, 'index.ts')]) {
    if (c.endsWith('.ts') && fs.existsSync(c) && fs.statSync(c).isFile()) return c;
  }
  const js = base.replace(/\.js$/, '.ts');
  return fs.existsSync(js) ? js : null;
}

/** Files under `dirs` (relative to `root`) → the files they load at run time, all as paths relative to `root`. */
export function importGraph(root: string, dirs: string[]): ImportGraph {
  const g: ImportGraph = new Map();
  for (const file of dirs.flatMap((d) => sourceFiles(path.join(root, d)))) {
    const js = ts.transpileModule(fs.readFileSync(file, 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
      fileName: file,
    }).outputText;
    const deps = new Set<string>();
    for (const m of js.matchAll(/\brequire\(\s*["'`](\.{1,2}\/[^"'`]*)["'`]\s*\)/g)) {
      const r = resolveLocal(file, m[1]);
      if (r) deps.add(path.relative(root, r));
    }
    g.set(path.relative(root, file), [...deps].sort());
  }
  return g;
}

/** Strongly connected components with more than one file (or a file importing itself), each sorted. */
export function cycles(g: ImportGraph): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string): void => {
    idx.set(v, index); low.set(v, index); index++;
    stack.push(v); on.add(v);
    for (const w of g.get(v) ?? []) {
      if (!idx.has(w)) { visit(w); low.set(v, Math.min(low.get(v)!, low.get(w)!)); }
      else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const comp: string[] = [];
      let w: string;
      do { w = stack.pop()!; on.delete(w); comp.push(w); } while (w !== v);
      if (comp.length > 1 || (g.get(v) ?? []).includes(v)) out.push(comp.sort());
    }
  };
  for (const v of [...g.keys()].sort()) if (!idx.has(v)) visit(v);
  return out;
}
