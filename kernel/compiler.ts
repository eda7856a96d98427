/**
 * The compiler worker: tslab's TypeScript front end (its `converter`) in a worker thread, so
 * the kernel's main thread answers the protocol while the compiler loads (about a second) and
 * while a cell is type-checked.
 *
 * Before tslab's converter is loaded, its TypeScript module is replaced in the require cache by a
 * copy whose `createWatchCompilerHost` adds compiler options (module path mapping for `cnnlab`,
 * a type root that has `@types/node`, inline source maps) and whose `transpileModule` records
 * source maps, so that runtime errors point at the cell's TypeScript lines.
 */
import { parentPort, workerData, isMainThread } from 'worker_threads';
import Module from 'module';
import fs from 'fs';
import path from 'path';
import { composeMaps, type EncodedSourceMap } from './sourcemap';
import { requireWithCodeCache, type CachedModule } from './codecache';

export interface CompilerOptions {
  /** Root of the cnnlab package (holds package.json and dist/). */
  pkgRoot: string;
}

export interface Diagnostic {
  line: number; // 0-based, in the cell
  character: number;
  endLine: number;
  endCharacter: number;
  message: string;
  code: number;
  category: number;
  fileName?: string;
}

export interface ConvertResult {
  diagnostics: Diagnostic[];
  output?: string;
  declOutput?: string;
  lastExpressionVar?: string;
  hasToplevelAwait?: boolean;
  sideOutputs?: { path: string; data: string }[];
  /** Final JavaScript → the TypeScript tslab compiled (the cell behind a one-line prefix; see ./sourcemap). */
  sourceMap?: EncodedSourceMap;
  /** Set when the cell declared a module (`/** @module name *\/`) instead of running. */
  module?: string;
  cached?: boolean;
  /** 0-based line of the cell's last statement (where `lastExpressionVar` comes from). */
  lastStatementLine?: number;
}

export type Request =
  | { id: number; op: 'convert'; prevDecl: string; src: string }
  | { id: number; op: 'complete'; prevDecl: string; src: string; pos: number }
  | { id: number; op: 'inspect'; prevDecl: string; src: string; pos: number }
  | { id: number; op: 'isComplete'; src: string }
  | { id: number; op: 'prelude'; text: string }
  | { id: number; op: 'ping' };

export type Response = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };

/** TypeScript's compiler through a V8 code cache (set CNNLAB_KERNEL_CODE_CACHE=0 to load it plainly). */
let tsModule: CachedModule | null = null;

/** Replaces the TypeScript module that tslab loads by a patched copy; returns the real module. */
function patchTypeScript(opts: CompilerOptions): any {
  const tslabReq = Module.createRequire(require.resolve('tslab/dist/converter.js'));
  const tsPath = tslabReq.resolve('@tslab/typescript-for-tslab');
  if (process.env.CNNLAB_KERNEL_CODE_CACHE !== '0' && !require.cache[tsPath]) tsModule = requireWithCodeCache(tsPath);
  const real = tslabReq(tsPath);
  const patched: Record<string, unknown> = {};
  for (const k of Object.keys(real)) patched[k] = real[k];

  const tslabTypes = path.join(path.dirname(require.resolve('tslab/package.json')), 'node_modules', '@types');
  const ownTypes = path.join(opts.pkgRoot, 'node_modules', '@types');
  const hasNode = (root: string) => fs.existsSync(path.join(root, 'node', 'package.json'));

  patched.createWatchCompilerHost = (rootFiles: string[], options: any, ...rest: unknown[]) => {
    const o = { ...options };
    // Type roots: the notebook directory's own (when they have @types/node), else this package's.
    let roots: string[] = (o.typeRoots ?? []).filter((r: string) => path.resolve(r) !== path.resolve(tslabTypes));
    if (!roots.some(hasNode)) roots.push(hasNode(ownTypes) ? ownTypes : tslabTypes);
    o.typeRoots = roots;
    // `import ... from 'cnnlab'` from any directory.
    o.paths = { ...(o.paths ?? {}), cnnlab: [opts.pkgRoot], 'cnnlab/*': [opts.pkgRoot + '/*'] };
    // Only @types/node is included globally (other @types packages still type their own imports).
    if (!o.types) o.types = ['node'];
    o.inlineSourceMap = true;
    o.sourceMap = false;
    const args = [...rest];
    // tslab passes no createProgram, so TypeScript uses its incremental builder, which recomputes
    // the reference graph of every file (all of lib, @types/node and the cnnlab API) per cell.
    if (args[1] == null && process.env.CNNLAB_KERNEL_BUILDER !== 'full') args[1] = createLightBuilder;
    return real.createWatchCompilerHost(rootFiles, o, ...args);
  };

  /**
   * A builder-program stand-in over a plain Program with what tslab's converter and the watch
   * program use: the program, diagnostics, emit, and the transitive import closure of a file.
   */
  function createLightBuilder(rootNames: string[], options: any, host: any, old: any, configDiags: any, projectReferences: any) {
    const program = real.createProgram({
      rootNames, options, host, oldProgram: old?.getProgramOrUndefined?.(), configFileParsingDiagnostics: configDiags, projectReferences,
    });
    // tslab reads the cell's `locals`, which exist once files are bound: create the checker now
    // (TypeScript's builder does the same).
    program.getTypeChecker();
    let released = false;
    return {
      getProgram: () => program,
      getProgramOrUndefined: () => (released ? undefined : program),
      releaseProgram: () => { released = true; },
      getCompilerOptions: () => program.getCompilerOptions(),
      getSourceFile: (f: string) => program.getSourceFile(f),
      getSourceFiles: () => program.getSourceFiles(),
      getOptionsDiagnostics: (ct?: unknown) => program.getOptionsDiagnostics(ct),
      getGlobalDiagnostics: (ct?: unknown) => program.getGlobalDiagnostics(ct),
      getConfigFileParsingDiagnostics: () => program.getConfigFileParsingDiagnostics(),
      getSyntacticDiagnostics: (sf?: unknown, ct?: unknown) => program.getSyntacticDiagnostics(sf, ct),
      getDeclarationDiagnostics: (sf?: unknown, ct?: unknown) => program.getDeclarationDiagnostics(sf, ct),
      getSemanticDiagnostics: (sf?: unknown, ct?: unknown) => program.getSemanticDiagnostics(sf, ct),
      emit: (sf?: unknown, wf?: unknown, ct?: unknown, dts?: boolean, tr?: unknown) => program.emit(sf, wf, ct, dts, tr),
      getCurrentDirectory: () => program.getCurrentDirectory(),
      getAllDependencies: (sf: any) => {
        const seen = new Set<string>([sf.fileName]);
        const queue = [sf];
        while (queue.length) {
          const f = queue.pop();
          f?.resolvedModules?.forEach((r: any) => {
            const name: string | undefined = r?.resolvedModule?.resolvedFileName ?? r?.resolvedFileName;
            if (!name || seen.has(name)) return;
            seen.add(name);
            const dep = program.getSourceFile(name);
            if (dep) queue.push(dep);
          });
        }
        return [...seen];
      },
    };
  }

  patched.transpileModule = (input: string, topts: any) => {
    const re = /\/\/# sourceMappingURL=data:application\/json;base64,([A-Za-z0-9+/=]+)\s*$/;
    const m = re.exec(input);
    if (!m) return real.transpileModule(input, topts);
    const stripped = input.slice(0, m.index);
    const inner = Buffer.from(m[1], 'base64').toString('utf8');
    const res = real.transpileModule(stripped, {
      ...topts, compilerOptions: { ...topts.compilerOptions, sourceMap: true, inlineSourceMap: false },
    });
    const text: string = res.outputText.replace(/\n?\/\/# sourceMappingURL=[^\n]*\s*$/, '\n');
    if (res.sourceMapText) {
      sourceMaps.set(text, composeMaps(res.sourceMapText, inner));
      if (sourceMaps.size > 64) sourceMaps.delete(sourceMaps.keys().next().value as string);
    }
    return { ...res, outputText: text };
  };

  const mod = new Module(tsPath);
  mod.filename = tsPath;
  mod.loaded = true;
  mod.exports = patched;
  require.cache[tsPath] = mod;
  return real;
}

const sourceMaps = new Map<string, EncodedSourceMap>();

/** Converts a code-point offset to a UTF-16 offset in `s`. */
export function cpToUtf16(s: string, cp: number): number {
  let i = 0;
  for (let n = 0; n < cp && i < s.length; n++) {
    const c = s.charCodeAt(i);
    i += c >= 0xd800 && c <= 0xdbff && i + 1 < s.length ? 2 : 1;
  }
  return i;
}
/** Converts a UTF-16 offset to a code-point offset in `s`. */
export function utf16ToCp(s: string, u: number): number {
  let n = 0;
  for (let i = 0; i < u && i < s.length; n++) {
    const c = s.charCodeAt(i);
    i += c >= 0xd800 && c <= 0xdbff && i + 1 < s.length ? 2 : 1;
  }
  return n;
}

export function startCompiler(opts: CompilerOptions) {
  const ts = patchTypeScript(opts);
  // Loading the converter loads TypeScript's compiler (the slow part).
  const { createConverter, isCompleteCode } = require('tslab/dist/converter');
  const { getCodeMetadata } = require('tslab/dist/metadata');
  const { printQuickInfo } = require('tslab/dist/inspect');
  const conv = createConverter({ isJS: false, isBrowser: false });
  const cache = new Map<string, ConvertResult>();

  function convert(prevDecl: string, src: string): ConvertResult {
    const meta = getCodeMetadata(src);
    if (meta.module) {
      cache.clear();
      const diags = conv.addModule(meta.module, src, meta);
      return { diagnostics: diags.map(toDiag), module: meta.module };
    }
    if (meta.mode === 'browser') {
      return { diagnostics: [{ line: 0, character: 0, endLine: 0, endCharacter: 0, code: 0, category: 1,
        message: 'browser mode (@mode browser) is not supported by the cnnlab kernel; expected a Node.js cell' }] };
    }
    const cacheable = !/\bimport\b|\brequire\b/.test(src);
    const key = prevDecl + '\u0000' + src;
    if (cacheable) {
      const hit = cache.get(key);
      if (hit) return { ...hit, cached: true };
    }
    const r = conv.convert(prevDecl, src);
    const res: ConvertResult = {
      diagnostics: (r.diagnostics ?? []).map(toDiag),
      output: r.output,
      declOutput: r.declOutput,
      lastExpressionVar: r.lastExpressionVar,
      hasToplevelAwait: r.hasToplevelAwait,
      sideOutputs: r.sideOutputs,
      sourceMap: r.output ? sourceMaps.get(r.output) : undefined,
    };
    if (r.lastExpressionVar) {
      const sf = ts.createSourceFile('cell.ts', src, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
      const last = sf.statements[sf.statements.length - 1];
      if (last) res.lastStatementLine = sf.getLineAndCharacterOfPosition(last.getStart(sf)).line;
    }
    if (cacheable && !res.sideOutputs) {
      cache.set(key, res);
      if (cache.size > 256) cache.delete(cache.keys().next().value as string);
    }
    return res;
  }

  function toDiag(d: any): Diagnostic {
    return {
      line: d.start?.line ?? 0, character: d.start?.character ?? 0,
      endLine: d.end?.line ?? 0, endCharacter: d.end?.character ?? 0,
      message: ts.flattenDiagnosticMessageText(d.messageText, '\n'),
      code: d.code, category: d.category, fileName: d.fileName,
    };
  }

  function isComplete(src: string): { status: string; indent?: string } {
    if (src.trim() === '') return { status: 'complete' };
    const sf = ts.createSourceFile('cell.ts', src, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
    const diags: any[] = sf.parseDiagnostics ?? [];
    // An unterminated template literal or comment continues on the next line.
    if (diags.some((d) => d.code === 1160 || d.code === 1010)) return { status: 'incomplete', indent: '' };
    // An error before the end of the code cannot be fixed by typing more.
    const end = src.trimEnd().length;
    if (diags.some((d) => d.start + Math.max(d.length, 1) < end)) return { status: 'invalid' };
    const r = isCompleteCode(src);
    if (!r.completed) return { status: 'incomplete', indent: r.indent ?? '' };
    return { status: diags.length === 0 ? 'complete' : 'invalid' };
  }

  function complete(prevDecl: string, src: string, cp: number) {
    const pos = cpToUtf16(src, cp);
    const info = conv.complete(prevDecl, src, pos);
    return {
      matches: info.candidates as string[],
      cursor_start: utf16ToCp(src, info.start),
      cursor_end: utf16ToCp(src, info.end),
    };
  }

  function inspect(prevDecl: string, src: string, cp: number) {
    const pos = cpToUtf16(src, cp);
    // The quick info at the cursor, or at the identifier just before it (`foo|`, `foo(|`).
    let info = conv.inspect(prevDecl, src, pos);
    if (!info && pos > 0) info = conv.inspect(prevDecl, src, pos - 1);
    if (!info) {
      const before = src.slice(0, pos).replace(/[\s(,]*$/, '');
      if (before.length > 0 && before.length < pos) info = conv.inspect(prevDecl, src, before.length - 1);
    }
    return info ? { found: true, text: printQuickInfo(info) as string } : { found: false };
  }

  function prelude(text: string) {
    cache.clear();
    const diags = conv.addModule('__cnnlab_prelude__', text, {});
    return diags.map(toDiag);
  }

  /** Writes TypeScript's code cache once the compiler has done real work (see ./codecache). */
  const saveCodeCache = () => tsModule?.save();

  return { convert, isComplete, complete, inspect, prelude, saveCodeCache, close: () => conv.close() };
}

if (!isMainThread && parentPort && workerData?.cnnlabCompiler) {
  // Anything the compiler logs must not reach the cell's stdout (worker stdio is piped to the main thread).
  const log = (...a: unknown[]) => { try { fs.writeSync(2, `[cnnlab-kernel compiler] ${a.map(String).join(' ')}\n`); } catch { /* ignore */ } };
  console.log = console.warn = console.error = console.info = console.debug = log;
  const port = parentPort;
  const compiler = startCompiler(workerData.cnnlabCompiler as CompilerOptions);
  let savedCache = false;
  port.on('message', (req: Request) => {
    let res: Response;
    try {
      let result: unknown;
      switch (req.op) {
        case 'convert': result = compiler.convert(req.prevDecl, req.src); break;
        case 'complete': result = compiler.complete(req.prevDecl, req.src, req.pos); break;
        case 'inspect': result = compiler.inspect(req.prevDecl, req.src, req.pos); break;
        case 'isComplete': result = compiler.isComplete(req.src); break;
        case 'prelude': result = compiler.prelude(req.text); break;
        case 'ping': result = 'pong'; break;
        default: throw new Error(`compiler: unknown op ${(req as { op: string }).op}`);
      }
      res = { id: req.id, ok: true, result };
    } catch (e) {
      res = { id: req.id, ok: false, error: e instanceof Error ? (e.stack ?? e.message) : String(e) };
    }
    port.postMessage(res);
    if (req.op === 'convert' && !savedCache) { savedCache = true; setTimeout(() => compiler.saveCodeCache(), 200).unref(); }
  });
  port.postMessage({ id: 0, ok: true, result: 'ready' });
}
