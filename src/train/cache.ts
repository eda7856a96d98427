/**
 * Trained-model cache: the state after `fit` (parameters, buffers, optimiser state) and its history, kept under
 * `$CNNLAB_CACHE/train/<key>/` (default `$XDG_CACHE_HOME/cnnlab` or `~/.cache/cnnlab`) and keyed by everything that
 * determines the result — the model's structure and starting state, the trainer's options, the data's bytes, the
 * epochs and the seed — so a notebook run again does not retrain. `CNNLAB_RETRAIN=1` ignores (and rewrites) it.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { Tensor } from '../tensor/tensor';
import { readSafetensors, writeSafetensors } from '../tensor/safetensors';
import type { ImageDataset } from './data';

export function cacheDir(): string {
  return process.env.CNNLAB_CACHE || join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'cnnlab');
}

export const retrainRequested = (): boolean => !!process.env.CNNLAB_RETRAIN && process.env.CNNLAB_RETRAIN !== '0';

/** A stable description of a value for the key (functions by their source and `cacheKey` property). */
function describe(v: unknown): unknown {
  if (typeof v === 'function') return { fn: (v as { cacheKey?: string }).cacheKey ?? String(v) };
  if (Array.isArray(v)) return v.map(describe);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, x]) => [k, describe(x)]));
  return v;
}

export class KeyHasher {
  private readonly h = createHash('sha256');
  add(label: string, v: unknown): this {
    this.h.update(`${label}=${JSON.stringify(describe(v))};`);
    return this;
  }
  bytes(label: string, b: ArrayBufferView): this {
    this.h.update(`${label}#${b.byteLength}:`);
    this.h.update(new Uint8Array(b.buffer, b.byteOffset, b.byteLength));
    return this;
  }
  dataset(label: string, d: ImageDataset | undefined): this {
    if (!d) return this.add(label, null);
    this.add(label, { name: d.name ?? null, length: d.length, shape: d.shape });
    return this.bytes(`${label}.images`, d.images).bytes(`${label}.labels`, d.labels);
  }
  digest(): string {
    return this.h.digest('hex').slice(0, 32);
  }
}

export interface CachedRun<M> { tensors: Map<string, Tensor>; meta: M }

export function loadRun<M>(key: string): CachedRun<M> | null {
  const dir = join(cacheDir(), 'train', key);
  const st = join(dir, 'state.safetensors'), mj = join(dir, 'run.json');
  if (!existsSync(st) || !existsSync(mj)) return null;
  try {
    const { tensors } = readSafetensors(readFileSync(st), st);
    return { tensors, meta: JSON.parse(readFileSync(mj, 'utf8')) as M };
  } catch {
    return null; // a damaged entry is a miss (and is rewritten)
  }
}

/** Writes an entry atomically (temporary names, then renames). */
export function saveRun(key: string, tensors: Map<string, Tensor>, meta: unknown): string {
  const dir = join(cacheDir(), 'train', key);
  mkdirSync(dir, { recursive: true });
  const tmp = `.tmp-${process.pid}-${Date.now()}`;
  writeFileSync(join(dir, `state${tmp}`), writeSafetensors(tensors, { producer: 'cnnlab.train' }));
  writeFileSync(join(dir, `run${tmp}`), JSON.stringify(meta));
  renameSync(join(dir, `state${tmp}`), join(dir, 'state.safetensors'));
  renameSync(join(dir, `run${tmp}`), join(dir, 'run.json'));
  return dir;
}
