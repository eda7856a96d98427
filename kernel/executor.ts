/**
 * Runs cells: compiles them in the compiler worker (tslab's converter), evaluates the CommonJS
 * output in this context the way tslab's executor does (cells share an `exports` object that
 * holds every top-level declaration), and returns the last expression's value or a structured
 * error whose traceback points at the cell's TypeScript lines.
 */
import { Worker } from 'worker_threads';
import Module from 'module';
import path from 'path';
import fs from 'fs';
import vm from 'vm';
import { inspect } from 'util';
import { AsyncLocalStorage } from 'async_hooks';
import type { ConvertResult, Diagnostic, Request, Response } from './compiler';
import { CellMap } from './sourcemap';
import * as api from './api';
import { kernelDistDir } from './paths';

type Pending = { resolve: (v: any) => void; reject: (e: Error) => void };

/** The main thread's handle on the compiler worker. */
export class CompilerClient {
  private worker: Worker | null = null;
  private seq = 1;
  private pending = new Map<number, Pending>();
  private readyPromise: Promise<void> | null = null;

  constructor(private readonly pkgRoot: string, private readonly log: (s: string) => void) {}

  /** Starts the worker (the compiler loads in the background). */
  start(): Promise<void> {
    if (this.readyPromise && this.worker) return this.readyPromise;
    const w = new Worker(path.join(kernelDistDir(), 'compiler.js'), {
      workerData: { cnnlabCompiler: { pkgRoot: this.pkgRoot } }, stdout: true, stderr: true,
    });
    w.stdout.on('data', (d: Buffer) => this.log(d.toString()));
    w.stderr.on('data', (d: Buffer) => this.log(d.toString()));
    this.worker = w;
    w.unref();
    let readyResolve!: () => void;
    this.readyPromise = new Promise((r) => { readyResolve = r; });
    w.on('message', (m: Response) => {
      if (m.id === 0) { readyResolve(); return; }
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.ok) p.resolve(m.result); else p.reject(new Error(m.error));
    });
    const fail = (e: Error) => {
      if (this.worker === w) this.log(`compiler worker stopped: ${e.message}`);
      for (const p of this.pending.values()) p.reject(e);
      this.pending.clear();
      if (this.worker === w) { this.worker = null; this.readyPromise = null; }
    };
    w.on('error', fail);
    w.on('exit', (code) => fail(new Error(`compiler worker exited with code ${code}`)));
    return this.readyPromise;
  }

  private call<T>(req: { op: Request['op'] } & Record<string, unknown>): Promise<T> {
    if (!this.worker) void this.start();
    const id = this.seq++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker!.postMessage({ ...req, id });
    });
  }

  convert(prevDecl: string, src: string): Promise<ConvertResult> { return this.call({ op: 'convert', prevDecl, src }); }
  complete(prevDecl: string, src: string, pos: number): Promise<{ matches: string[]; cursor_start: number; cursor_end: number }> {
    return this.call({ op: 'complete', prevDecl, src, pos });
  }
  inspect(prevDecl: string, src: string, pos: number): Promise<{ found: boolean; text?: string }> {
    return this.call({ op: 'inspect', prevDecl, src, pos });
  }
  isComplete(src: string): Promise<{ status: string; indent?: string }> { return this.call({ op: 'isComplete', src }); }
  ping(): Promise<string> { return this.call({ op: 'ping' }); }

  close(): void {
    const w = this.worker;
    this.worker = null;
    if (w) void w.terminate();
  }
}

export interface CellError { ename: string; evalue: string; traceback: string[] }
export type CellResult =
  | { status: 'ok'; hasValue: boolean; value?: unknown }
  | ({ status: 'error' } & CellError);

/** What runs a cell: callbacks it schedules (timers, promises) carry it, so late errors find their cell. */
export interface CellContext { name: string; parent: unknown; silent?: boolean }

export class InterruptedError extends Error {
  constructor(msg = 'execution interrupted') { super(msg); this.name = 'KeyboardInterrupt'; }
}

interface CellInfo { name: string; src: string; prefixLen: number; cellMap?: CellMap; lastExpr?: string; lastLine?: number; jsLines: string[] }

const WRAP_SYNC = '(function(exports, require) { ';
const WRAP_ASYNC = '(async function(exports, require) { ';

/** Names of the cell-side helpers from ./api that every cell sees. */
export const HELPER_NAMES = ['display', 'clearOutput', 'progress', 'input', 'prompt', 'page', 'comm', 'registerCommTarget', 'html', 'md', 'svg', 'image'] as const;

export class Executor {
  prevDecl = '';
  /** Every top-level declaration of every cell (tslab's `exports`). */
  readonly locals: Record<string, unknown> = {};
  private readonly exportsProxy: Record<string, unknown>;
  private readonly sideOutputs = new Map<string, string>();
  private readonly sideModules = new Map<string, NodeModule>();
  private readonly req: NodeJS.Require;
  private rejectInterrupt: (e: Error) => void = () => {};
  private interruptPromise!: Promise<never>;
  private cells = new Map<string, CellInfo>();
  private preludeDone: Promise<void> | null = null;
  /** Set when loading the cnnlab module failed (reported by the first cell). */
  preludeError: string | null = null;
  cnnlabNames: string[] = [];
  private interrupts = 0;
  /** The cell whose code (or a callback it scheduled) is running: async context tracking. */
  readonly context = new AsyncLocalStorage<CellContext>();

  constructor(readonly compiler: CompilerClient, readonly pkgRoot: string, readonly cwd: string = process.cwd()) {
    // Deep library stacks (a zoo model's trace) would otherwise cut the cell's own frame off.
    if (Error.stackTraceLimit < 64) Error.stackTraceLimit = 64;
    const locals = this.locals;
    this.exportsProxy = new Proxy(locals, {
      // TypeScript's CommonJS output defines re-exported imports with defineProperty; treat it as a plain set.
      defineProperty: (_t, prop, attrs) => {
        if (prop === '__esModule') return true;
        (locals as any)[prop] = attrs.get ? attrs.get() : attrs.value;
        return true;
      },
    });
    this.req = this.wrapRequire(Module.createRequire(path.join(cwd, '__cnnlab_cell__.js')), cwd);
    vm.runInThisContext('(x) => { globalThis.__cnnlab_kernel__ = x; }')({ exports: this.exportsProxy, require: this.req });
    this.resetInterrupt();
    for (const name of HELPER_NAMES) {
      locals[name] = (api as Record<string, unknown>)[name];
      if (!(name in globalThis)) (globalThis as Record<string, unknown>)[name] = (api as Record<string, unknown>)[name];
    }
  }

  private resetInterrupt(): void {
    this.interruptPromise = new Promise<never>((_, reject) => { this.rejectInterrupt = reject; });
    this.interruptPromise.catch(() => {});
  }

  /** Aborts a pending top-level await (SIGINT stops synchronous code through breakOnSigint). */
  interrupt(): void {
    this.interrupts++;
    this.rejectInterrupt(new InterruptedError());
    this.resetInterrupt();
  }

  /**
   * Loads the cnnlab API (dist/src/index.js) and builds the declarations every cell starts from:
   * its exports (and the display helpers) imported by name, so cells see them as values, types
   * and namespaces; at run time they are in `exports` and on globalThis.
   */
  prelude(): Promise<void> {
    if (!this.preludeDone) this.preludeDone = Promise.resolve().then(() => this.buildPrelude());
    return this.preludeDone;
  }

  private warmed = false;
  /** Has the compiler type-check an empty cell against the prelude, so the first real cell finds it ready. */
  warm(): Promise<void> {
    if (this.warmed) return Promise.resolve();
    this.warmed = true;
    return this.compiler.convert(this.prevDecl, '').then(() => {}, () => {});
  }

  private buildPrelude(): void {
    const indexJs = path.join(this.pkgRoot, 'dist', 'src', 'index.js');
    const apiPath = path.join(kernelDistDir(), 'api').split(path.sep).join('/');
    const lines = [`import { ${HELPER_NAMES.join(', ')} } from ${JSON.stringify(apiPath)};`];
    if (fs.existsSync(indexJs)) {
      try {
        const mod = require(indexJs) as Record<string, unknown>;
        const names = Object.keys(mod).filter((k) => /^[A-Za-z_$][\w$]*$/.test(k) && k !== 'default' && k !== '__esModule'
          && !(HELPER_NAMES as readonly string[]).includes(k));
        this.cnnlabNames = names;
        const spec = JSON.stringify(indexJs.slice(0, -3).split(path.sep).join('/'));
        if (names.length) lines.push(`import { ${names.join(', ')} } from ${spec};`);
        lines.push(`import * as cnnlab from ${spec};`);
        for (const k of names) {
          this.locals[k] = mod[k];
          if (!(k in globalThis)) (globalThis as Record<string, unknown>)[k] = mod[k];
        }
        this.locals.cnnlab = mod;
        // long computations of the library (occlusion, runBatches) show a progress bar in the cell
        (mod.setProgressFactory as typeof import('../src').setProgressFactory)((total, label) => new api.ProgressBar<number>(null, { total, label }));
        // train.fit shows its curves live in one display (show.training), updated in place
        const lib = mod as unknown as typeof import('../src');
        lib.train.setTrainingDisplay(() => {
          let handle: api.DisplayHandle | null = null;
          return { update: (d) => { const obj = lib.show.training(d); if (handle) handle.update(obj); else handle = api.display(obj); } };
        });
      } catch (e) {
        this.preludeError = `cnnlab: could not load ${indexJs}: ${e instanceof Error ? e.message : String(e)}`;
      }
    }
    this.prevDecl = lines.join('\n') + '\n';
  }

  private wrapRequire(base: NodeJS.Require, dirname: string): NodeJS.Require {
    const self = this;
    const fromSide = (id: string): unknown => {
      let filename = path.join(dirname, id).split(path.sep).join('/');
      if (path.extname(filename) === '') filename += '.js';
      const cached = self.sideModules.get(filename);
      if (cached) return cached.exports;
      const code = self.sideOutputs.get(filename);
      if (code === undefined) return null;
      const mod = new Module(filename, module) as NodeModule & { _compile(code: string, f: string): void; paths: string[] };
      mod.filename = filename;
      mod.paths = (Module as unknown as { _nodeModulePaths(d: string): string[] })._nodeModulePaths(path.dirname(filename));
      (mod as unknown as { require: NodeJS.Require }).require = self.wrapRequire(Module.createRequire(filename), path.dirname(filename));
      self.sideModules.set(filename, mod);
      mod._compile(code, filename);
      return mod.exports;
    };
    return new Proxy(base, {
      apply(_t, thisArg, args: unknown[]) {
        if (args.length === 1 && typeof args[0] === 'string') {
          const id = args[0];
          if (id === 'tslab') return tslabCompat();
          if (id.startsWith('.') || path.isAbsolute(id)) {
            const m = fromSide(id);
            if (m) return m;
          }
        }
        return Reflect.apply(base, thisArg, args);
      },
    });
  }

  /** Compiles and runs one cell. `name` labels its frames in tracebacks (e.g. `cell[3]`). */
  async execute(src: string, name: string, ctx: CellContext = { name, parent: null }): Promise<CellResult> {
    await this.prelude();
    const interruptsBefore = this.interrupts;
    let conv: ConvertResult;
    try {
      conv = await this.compiler.convert(this.prevDecl, src);
      // Interrupted while the cell was being compiled: do not run it.
      if (this.interrupts !== interruptsBefore) return { status: 'error', ...this.formatError(new InterruptedError()) };
    } catch (e) {
      return { status: 'error', ename: 'InternalError', evalue: `the TypeScript compiler failed: ${(e as Error).message.split('\n')[0]}`,
        traceback: [(e as Error).message] };
    }
    const errors = conv.diagnostics.filter((d) => d.category === 1);
    if (errors.length > 0) return diagnosticsError(errors, src, name);
    if (conv.module !== undefined) return { status: 'ok', hasValue: false };
    if (conv.sideOutputs) {
      for (const o of conv.sideOutputs) {
        this.sideModules.delete(o.path);
        this.sideOutputs.set(o.path, o.data);
      }
    }
    if (!conv.output) {
      this.prevDecl = conv.declOutput ?? this.prevDecl;
      return { status: 'ok', hasValue: false };
    }
    const prefix = conv.hasToplevelAwait ? WRAP_ASYNC : WRAP_SYNC;
    const wrapped = prefix + conv.output + '\n})(__cnnlab_kernel__.exports, __cnnlab_kernel__.require)';
    const info: CellInfo = { name, src, prefixLen: prefix.length, cellMap: conv.sourceMap ? new CellMap(conv.sourceMap) : undefined, lastExpr: conv.lastExpressionVar, lastLine: conv.lastStatementLine,
      jsLines: conv.output.split('\n') };
    this.cells.set(name, info);
    if (this.cells.size > 500) this.cells.delete(this.cells.keys().next().value as string);
    try {
      const ret = this.context.run(ctx, () => vm.runInThisContext(wrapped, { filename: name, breakOnSigint: true, displayErrors: false }));
      if (conv.hasToplevelAwait) await Promise.race([ret, this.interruptPromise]);
    } catch (e) {
      // Keep what the cell declared before it failed (as Python keeps assignments made before an exception).
      if (conv.declOutput !== undefined) this.prevDecl = conv.declOutput;
      if (conv.lastExpressionVar) delete this.locals[conv.lastExpressionVar];
      return { status: 'error', ...this.formatError(e) };
    }
    if (conv.declOutput !== undefined) this.prevDecl = conv.declOutput;
    if (conv.lastExpressionVar && Object.prototype.hasOwnProperty.call(this.locals, conv.lastExpressionVar)) {
      const value = this.locals[conv.lastExpressionVar];
      delete this.locals[conv.lastExpressionVar];
      return { status: 'ok', hasValue: value !== undefined, value };
    }
    return { status: 'ok', hasValue: false };
  }

  /** Maps `cell[N]:line:col` positions of the generated JavaScript to the cell's TypeScript source. */
  mapPosition(cellName: string, line1: number, col1: number): { line: number; col: number } | null {
    const info = this.cells.get(cellName);
    if (!info) return null;
    const jsLine = line1 - 1;
    const jsCol = col1 - 1 - (jsLine === 0 ? info.prefixLen : 0);
    const pos = info.cellMap?.position(jsLine, jsCol) ?? null;
    if (pos) return pos;
    const text = info.jsLines[jsLine] ?? '';
    if (info.lastExpr && info.lastLine !== undefined && text.startsWith(`exports.${info.lastExpr} =`)) {
      return { line: info.lastLine + 1, col: 1 };
    }
    return null;
  }

  /** ename, evalue and a traceback with TypeScript line numbers and the failing source line. */
  formatError(e: unknown): CellError {
    let ename: string, evalue: string, stack: string;
    if (e instanceof InterruptedError || (e as { code?: string })?.code === 'ERR_SCRIPT_EXECUTION_INTERRUPTED') {
      return { ename: 'KeyboardInterrupt', evalue: 'execution interrupted', traceback: ['KeyboardInterrupt: execution interrupted'] };
    }
    if (e instanceof Error || (e && typeof e === 'object' && 'message' in e && 'stack' in e)) {
      const err = e as Error;
      ename = err.name || err.constructor?.name || 'Error';
      evalue = String(err.message);
      stack = String(err.stack ?? '');
    } else {
      ename = 'Error';
      evalue = `Uncaught ${inspect(e, { depth: 2 })}`;
      stack = '';
    }
    const frames: string[] = [];
    const libFrames: string[] = [];
    const own: string[] = [];
    const root = this.pkgRoot.split(path.sep).join('/');
    let first: { cell: string; line: number; col: number } | null = null;
    for (const raw of stack.split('\n')) {
      if (!/^\s+at /.test(raw)) continue;
      // Frames of the kernel itself (and Node internals below the cell) are noise.
      if (/node:internal|node:async_hooks|\/dist\/kernel\/|\(vm\.js|node:vm/.test(raw)) continue;
      const file = raw.split(path.sep).join('/');
      // cnnlab's own frames fold into one line after the user's.
      if (file.includes(`${root}/dist/src/`) || file.includes(`${root}/src/`)) {
        own.push(/^\s+at (\S+) \(/.exec(raw)?.[1] ?? '<anonymous>');
        continue;
      }
      if (file.includes('/node_modules/')) { libFrames.push(raw.replace(/^\s+/, '    ')); continue; }
      // The frame of the wrapper that calls the cell's function is not the user's code.
      const w = /(cell\[\w+\]):(\d+):\d+/.exec(raw);
      if (w) {
        const info = this.cells.get(w[1]);
        if (info && Number(w[2]) - 1 >= info.jsLines.length) continue;
      }
      const mapped = raw.replace(/(cell\[\w+\]):(\d+):(\d+)/g, (m, cell: string, l: string, c: string) => {
        const p = this.mapPosition(cell, Number(l), Number(c));
        if (!p) return m;
        if (!first) first = { cell, line: p.line, col: p.col };
        return `${cell}:${p.line}:${p.col}`;
      });
      frames.push(mapped.replace(/^\s+/, '    '));
    }
    frames.push(...libFrames);
    if (own.length > 0) {
      const names = own.slice(0, 4).join(', ') + (own.length > 4 ? ', …' : '');
      frames.push(`    ... ${own.length} frame${own.length > 1 ? 's' : ''} inside cnnlab (${names})`);
    }
    const tb = [`${ename}: ${evalue}`, ...frames];
    const f = first as { cell: string; line: number; col: number } | null;
    if (f) {
      const info = this.cells.get(f.cell);
      const lineText = info?.src.split('\n')[f.line - 1];
      if (lineText !== undefined) tb.push('', `${f.cell}, line ${f.line}:`, `  ${lineText}`, `  ${' '.repeat(Math.max(0, f.col - 1))}^`);
    }
    return { ename, evalue, traceback: tb };
  }
}

function diagnosticsError(diags: Diagnostic[], src: string, name: string): CellResult {
  const lines = src.split('\n');
  const tb: string[] = [];
  for (const d of diags) {
    const where = d.fileName ? `${d.fileName}:${d.line + 1}:${d.character + 1}` : `${name}:${d.line + 1}:${d.character + 1}`;
    tb.push(`${where} - error TS${d.code}: ${d.message}`);
    if (!d.fileName && lines[d.line] !== undefined) {
      const len = d.endLine === d.line ? Math.max(1, d.endCharacter - d.character) : Math.max(1, lines[d.line].length - d.character);
      tb.push(`  ${lines[d.line]}`, `  ${' '.repeat(d.character)}${'~'.repeat(len)}`);
    }
  }
  const d0 = diags[0];
  const more = diags.length > 1 ? ` (and ${diags.length - 1} more)` : '';
  return {
    status: 'error', ename: 'TSError',
    evalue: `${d0.fileName ? d0.fileName + ' ' : ''}line ${d0.line + 1}, column ${d0.character + 1}: ${d0.message}${more}`,
    traceback: tb,
  };
}

let tslabCompatCache: unknown = null;
/** `import * as tslab from 'tslab'`: tslab's display API wired to this kernel's display(). */
function tslabCompat(): unknown {
  if (tslabCompatCache) return tslabCompatCache;
  const mk = (id?: string) => {
    let updated = false;
    const raw = (mime: string, v: unknown) => {
      const data = { [mime]: v instanceof Uint8Array ? v : String(v) } as Record<string, unknown>;
      if (mime !== 'text/plain') data['text/plain'] = `<${mime}>`;
      if (id && updated) api.display(data, { raw: true, displayId: id, update: true });
      else api.display(data, { raw: true, displayId: id });
      updated = true;
    };
    return {
      raw, text: (s: string) => raw('text/plain', s), html: (s: string) => raw('text/html', s),
      markdown: (s: string) => raw('text/markdown', s), latex: (s: string) => raw('text/latex', s),
      svg: (s: string) => raw('image/svg+xml', s), png: (b: Uint8Array) => raw('image/png', b),
      jpeg: (b: Uint8Array) => raw('image/jpeg', b), gif: (b: Uint8Array) => raw('image/gif', b),
      javascript: (s: string) => raw('text/javascript', s), pdf: (b: Uint8Array) => raw('application/pdf', b),
    };
  };
  tslabCompatCache = {
    display: mk(),
    newDisplay: () => mk(Math.random().toString(16).slice(2)),
    versions: { tslab: 'cnnlab', node: process.version },
  };
  return tslabCompatCache;
}
