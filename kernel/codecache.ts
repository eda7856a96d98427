/**
 * A V8 code cache for one big CommonJS file (TypeScript's compiler, 9 MB of JavaScript), as Node
 * 22's `module.enableCompileCache()` does for every module — Node 20 has no such switch, so the
 * file is compiled through `vm.Script` with `cachedData`. The cache is written after the kernel
 * has used the compiler once, so it also holds the functions V8 compiled lazily on that first use.
 * Stored in $XDG_CACHE_HOME/cnnlab (else ~/.cache/cnnlab), keyed by file, size, mtime and Node
 * version; a stale or rejected cache is simply rebuilt.
 */
import fs from 'fs';
import os from 'os';
import path from 'path';
import vm from 'vm';
import Module from 'module';
import { createHash } from 'crypto';

export interface CachedModule {
  exports: any;
  /** Whether V8 accepted a cache from disk. */
  cacheHit: boolean;
  /** Writes the cache (with what has been compiled so far) unless a good one was loaded; never throws. */
  save(): void;
}

export function cacheDir(): string {
  return path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'cnnlab');
}

/** Loads `file` as a CommonJS module through a V8 code cache and registers it in require.cache. */
export function requireWithCodeCache(file: string, dir = cacheDir()): CachedModule {
  const st = fs.statSync(file);
  const key = createHash('sha256').update(`${file}\0${st.size}\0${st.mtimeMs}\0${process.version}\0${process.arch}`).digest('hex').slice(0, 24);
  const cacheFile = path.join(dir, `v8-${path.basename(file)}-${key}.cache`);
  let cached: Buffer | undefined;
  try { cached = fs.readFileSync(cacheFile); } catch { /* first run */ }
  const script = new vm.Script(Module.wrap(fs.readFileSync(file, 'utf8')), { filename: file, cachedData: cached });
  const cacheHit = cached !== undefined && script.cachedDataRejected === false;
  const mod = new Module(file, module);
  mod.filename = file;
  mod.paths = (Module as unknown as { _nodeModulePaths(d: string): string[] })._nodeModulePaths(path.dirname(file));
  const fn = script.runInThisContext() as (...a: unknown[]) => void;
  fn.call(mod.exports, mod.exports, Module.createRequire(file), mod, file, path.dirname(file));
  mod.loaded = true;
  require.cache[file] = mod;
  let saved = cacheHit;
  return {
    exports: mod.exports,
    cacheHit,
    save() {
      if (saved) return;
      saved = true;
      try {
        fs.mkdirSync(dir, { recursive: true });
        const tmp = `${cacheFile}.${process.pid}.tmp`;
        fs.writeFileSync(tmp, script.createCachedData());
        fs.renameSync(tmp, cacheFile);
      } catch { /* a read-only home: run without the cache */ }
    },
  };
}
