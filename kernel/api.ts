/**
 * What a cell sees besides the cnnlab API: `display`, `clearOutput`, `progress`, `input`,
 * `page`, `comm`. The kernel plugs an {@link OutputSink} in; without one (plain Node), display
 * prints the text/plain form and `input` rejects.
 */
import { inspect } from 'util';
import { randomUUID } from 'crypto';
import { ConfigError, RuntimeError } from '../src/errors';

export { html, md, svg, image, RichOutput } from './rich';

export const JUPYTER_DISPLAY = Symbol.for('Jupyter.display');
/** Values carrying this key are not shown as a cell's result (display handles, comms). */
export const NO_RESULT = Symbol.for('cnnlab.kernel.noResult');

export function isNoResult(v: unknown): boolean {
  return v !== null && typeof v === 'object' && (v as Record<symbol, unknown>)[NO_RESULT] === true;
}

export type Bundle = Record<string, unknown>;

export interface OutputSink {
  /** Sends an iopub message for the current cell (display_data, update_display_data, clear_output, ...). */
  publish(msgType: string, content: Record<string, unknown>): void;
  /** Asks the frontend for a line of input (stdin channel). */
  input(prompt: string, password: boolean): Promise<string>;
  /** The same, blocking this thread until the reply (or an interrupt) comes. */
  inputSync(prompt: string, password: boolean): string;
  /** Adds a payload (e.g. `page`) to the current execute_reply. */
  payload(p: Record<string, unknown>): void;
  /** Opens a comm from the kernel side. */
  openComm(comm: Comm, data: unknown, metadata: Record<string, unknown>): void;
  sendComm(comm: Comm, data: unknown, metadata: Record<string, unknown>, buffers?: Uint8Array[]): void;
  closeComm(comm: Comm, data: unknown): void;
}

let sink: OutputSink | null = null;
export function setOutputSink(s: OutputSink | null): void { sink = s; }

/**
 * text/plain of a value: a string as its text (a report built in a cell reads as printed), anything else
 * through util.inspect, which uses the value's `util.inspect.custom` repr (tensors, modules, graphs).
 */
export function toPlain(value: unknown): string {
  if (typeof value === 'string') return value;
  return inspect(value, { depth: 4, colors: false, maxArrayLength: 100, breakLength: 100 });
}

/**
 * The MIME bundle of a value: the bundle returned by its `Symbol.for('Jupyter.display')` method
 * (binary values base64-encoded, `text/plain` added when missing), else `util.inspect` text.
 */
export async function bundleOf(value: unknown): Promise<{ data: Bundle; metadata: Record<string, unknown> }> {
  if (value !== null && (typeof value === 'object' || typeof value === 'function')) {
    const fn = (value as Record<symbol, unknown>)[JUPYTER_DISPLAY];
    if (typeof fn === 'function') {
      let b = fn.call(value) as unknown;
      if (b && typeof (b as Promise<unknown>).then === 'function') b = await b;
      if (b && typeof b === 'object') return normalizeBundle(b as Bundle, value);
    }
  }
  return { data: { 'text/plain': toPlain(value) }, metadata: {} };
}

/** Synchronous variant (for display() calls in synchronous code); async display methods are awaited later. */
export function bundleOfSync(value: unknown): { data: Bundle; metadata: Record<string, unknown> } | Promise<{ data: Bundle; metadata: Record<string, unknown> }> {
  if (value !== null && (typeof value === 'object' || typeof value === 'function')) {
    const fn = (value as Record<symbol, unknown>)[JUPYTER_DISPLAY];
    if (typeof fn === 'function') {
      const b = fn.call(value) as unknown;
      if (b && typeof (b as Promise<unknown>).then === 'function') return bundleOf(value);
      if (b && typeof b === 'object') return normalizeBundle(b as Bundle, value);
    }
  }
  return { data: { 'text/plain': toPlain(value) }, metadata: {} };
}

function normalizeBundle(b: Bundle, value: unknown): { data: Bundle; metadata: Record<string, unknown> } {
  const data: Bundle = {};
  let metadata: Record<string, unknown> = {};
  // Deno's convention allows { data, metadata }? Accept a plain bundle, or one nested under `data`.
  const src = (b.data && typeof b.data === 'object' && !Array.isArray(b.data) && Object.keys(b).every((k) => k === 'data' || k === 'metadata'))
    ? b.data as Bundle : b;
  if (src !== b && b.metadata && typeof b.metadata === 'object') metadata = b.metadata as Record<string, unknown>;
  for (const [mime, v] of Object.entries(src)) {
    if (v === undefined) continue;
    if (v instanceof Uint8Array) data[mime] = Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64');
    else data[mime] = v;
  }
  if (typeof data['text/plain'] !== 'string') {
    const own = value as { toString?: () => string };
    data['text/plain'] = typeof own?.toString === 'function' && own.toString !== Object.prototype.toString
      ? String(own.toString()) : toPlain(value);
  }
  return { data, metadata };
}

export interface DisplayOptions {
  /** Display id: later `display(x, { displayId, update: true })` or `handle.update(x)` replace this output. */
  displayId?: string;
  /** true: update_display_data for `displayId`; false (default, as IPython): a new display_data even for a known id. */
  update?: boolean;
  metadata?: Record<string, unknown>;
  /** Treat `obj` as a ready MIME bundle (e.g. `{ 'text/html': '<b>x</b>' }`). */
  raw?: boolean;
}

export interface DisplayHandle {
  readonly displayId: string;
  /** Replaces the displayed output in place (update_display_data). */
  update(obj: unknown, opts?: Omit<DisplayOptions, 'displayId' | 'update'>): void;
}

function emitDisplay(obj: unknown, opts: DisplayOptions, displayId: string | undefined, update: boolean): void {
  const send = (b: { data: Bundle; metadata: Record<string, unknown> }) => {
    const content: Record<string, unknown> = { data: b.data, metadata: { ...b.metadata, ...(opts.metadata ?? {}) } };
    content.transient = displayId ? { display_id: displayId } : {};
    if (sink) sink.publish(update ? 'update_display_data' : 'display_data', content);
    else process.stdout.write(String(b.data['text/plain'] ?? '') + '\n');
  };
  const b = opts.raw ? normalizeBundle(obj as Bundle, obj) : bundleOfSync(obj);
  if (b instanceof Promise) void b.then(send);
  else send(b);
}

/**
 * Shows `obj` as one display_data message carrying every MIME type of its bundle, as IPython's
 * `display(obj, display_id=...)` does: a new output even for an id shown before (front ends link it
 * to the id); `update: true` replaces the outputs shown under `displayId` (update_display_data).
 */
export function display(obj: unknown, opts: DisplayOptions = {}): DisplayHandle {
  const displayId = opts.displayId ?? (opts.update ? undefined : randomUUID());
  if (opts.update && !displayId) throw new ConfigError('display(): update without a display id', { expected: 'opts.displayId', got: 'none', where: 'display(obj, { update: true })' });
  const update = opts.update ?? false;
  emitDisplay(obj, opts, displayId, update);
  const id = displayId as string;
  return {
    [NO_RESULT]: true,
    displayId: id,
    update(next: unknown, o: Omit<DisplayOptions, 'displayId' | 'update'> = {}) { emitDisplay(next, { ...o }, id, true); },
  } as DisplayHandle;
}

/** Clears the cell's output; with `wait: true` the frontend clears when the next output arrives. */
export function clearOutput(opts: { wait?: boolean } = {}): void {
  if (sink) sink.publish('clear_output', { wait: !!opts.wait });
}

/** Reads a line from the frontend (stdin `input_request`), like Python's input(). */
export function input(prompt = '', opts: { password?: boolean } = {}): Promise<string> {
  if (!sink) return Promise.reject(new RuntimeError('input(): no frontend to ask', { expected: 'a Jupyter kernel session', got: 'plain Node.js', where: 'input()' }));
  return sink.input(String(prompt), !!opts.password);
}

/**
 * Reads a line from the frontend synchronously, as `prompt()` does in browsers and Deno: the cell
 * blocks until the reply (an interrupt ends the wait with KeyboardInterrupt). An empty reply gives
 * `defaultValue` when one is given. `await input()` is the non-blocking form.
 */
export function prompt(message = '', defaultValue?: string): string {
  if (!sink) throw new RuntimeError('prompt(): no frontend to ask', { expected: 'a Jupyter kernel session', got: 'plain Node.js', where: 'prompt()' });
  const v = sink.inputSync(String(message), false);
  return v === '' && defaultValue !== undefined ? String(defaultValue) : v;
}

/** Shows `obj` in the frontend's pager (an execute_reply `page` payload). */
export function page(obj: unknown): void {
  const b = bundleOfSync(obj);
  const put = (x: { data: Bundle }) => {
    if (sink) sink.payload({ source: 'page', data: x.data, start: 0 });
    else process.stdout.write(String(x.data['text/plain']) + '\n');
  };
  if (b instanceof Promise) void b.then(put); else put(b);
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c] as string));
}

function fmtSeconds(s: number): string {
  if (!isFinite(s)) return '?';
  if (s < 60) return `${s.toFixed(1)}s`;
  const m = Math.floor(s / 60);
  return `${m}:${String(Math.floor(s - 60 * m)).padStart(2, '0')}`;
}

export interface ProgressOptions {
  total?: number;
  label?: string;
  /** Minimum milliseconds between two display updates (default 100). */
  intervalMs?: number;
  width?: number;
}

/**
 * A progress bar that updates one display in place (text/plain and text/html). Iterate over it
 * (`for (const x of progress(items))`, also `for await`) or drive it by hand
 * (`const p = progress(100); p.update(10); ...; p.done()`).
 */
export class ProgressBar<T = number> implements Iterable<T>, AsyncIterable<T> {
  readonly total: number | undefined;
  label: string;
  n = 0;
  private readonly start = Date.now();
  private last = 0;
  private handle: DisplayHandle | null = null;
  private finished = false;
  private readonly intervalMs: number;
  private readonly width: number;

  constructor(private readonly source: Iterable<T> | AsyncIterable<T> | null, opts: ProgressOptions = {}) {
    let total = opts.total;
    if (total === undefined && source && typeof (source as { length?: unknown }).length === 'number') total = (source as unknown as { length: number }).length;
    if (total === undefined && source && typeof (source as { size?: unknown }).size === 'number') total = (source as unknown as { size: number }).size;
    if (total !== undefined && !(Number.isFinite(total) && total >= 0)) {
      throw new ConfigError('progress(): bad total', { expected: 'a finite number >= 0', got: String(total), where: 'progress()' });
    }
    this.total = total;
    this.label = opts.label ?? '';
    this.intervalMs = opts.intervalMs ?? 100;
    this.width = opts.width ?? 30;
    this.render(true);
  }

  /** The bar as text/plain and text/html. */
  [JUPYTER_DISPLAY](): Bundle {
    const elapsed = (Date.now() - this.start) / 1000;
    const rate = this.n > 0 ? this.n / elapsed : 0;
    const label = this.label ? `${this.label}: ` : '';
    if (this.total === undefined) {
      const text = `${label}${this.n} it [${fmtSeconds(elapsed)}, ${rate.toFixed(2)} it/s]`;
      return { 'text/plain': text, 'text/html': `<div><progress></progress> ${escapeHtml(text)}</div>` };
    }
    const frac = this.total === 0 ? 1 : Math.min(1, this.n / this.total);
    const filled = Math.round(frac * this.width);
    const eta = rate > 0 ? (this.total - this.n) / rate : Infinity;
    const pct = `${Math.floor(frac * 100)}%`.padStart(4);
    const tail = `${this.n}/${this.total} [${fmtSeconds(elapsed)}<${fmtSeconds(eta)}, ${rate.toFixed(2)} it/s]`;
    const text = `${label}${pct}|${'█'.repeat(filled)}${' '.repeat(this.width - filled)}| ${tail}`;
    const html = `<div>${escapeHtml(label)}<progress value="${this.n}" max="${this.total}" style="width:20em"></progress> ${escapeHtml(pct.trim())} ${escapeHtml(tail)}</div>`;
    return { 'text/plain': text, 'text/html': html };
  }

  toString(): string { return String(this[JUPYTER_DISPLAY]()['text/plain']); }

  private render(force = false): void {
    const now = Date.now();
    if (!force && now - this.last < this.intervalMs) return;
    this.last = now;
    if (!sink) {
      // Outside a kernel (the CLI): a one-line bar on a terminal's stderr, nothing otherwise.
      if (process.stderr.isTTY) process.stderr.write(`\r${this.toString()}${this.finished ? '\n' : ''}`);
      return;
    }
    if (!this.handle) this.handle = display(this);
    else this.handle.update(this);
  }

  /** Advances by `k` steps. */
  tick(k = 1): this { return this.update(this.n + k); }

  /** Sets the count to `n`. */
  update(n: number): this {
    if (!Number.isFinite(n) || n < 0) throw new ConfigError('progress.update(): bad count', { expected: 'a finite number >= 0', got: String(n), where: 'progress.update()' });
    this.n = n;
    this.render(this.total !== undefined && n >= this.total);
    return this;
  }

  /** Marks the bar finished (final render). */
  done(): this {
    if (!this.finished) { this.finished = true; this.render(true); }
    return this;
  }

  *[Symbol.iterator](): Iterator<T> {
    if (!this.source) {
      for (let i = 0; i < (this.total ?? 0); i++) { yield i as unknown as T; this.tick(); }
      this.done();
      return;
    }
    if (!(Symbol.iterator in this.source)) throw new ConfigError('progress(): async source in a for...of loop', { expected: 'for await (const x of progress(asyncIterable))', got: 'for...of', where: 'progress()' });
    for (const x of this.source as Iterable<T>) { yield x; this.tick(); }
    this.done();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    if (!this.source || Symbol.iterator in this.source) { for (const x of this) yield x; return; }
    for await (const x of this.source as AsyncIterable<T>) { yield x; this.tick(); }
    this.done();
  }
}

/** A progress bar over an iterable, or over `0..total-1` when given a number. */
export function progress(total: number, opts?: ProgressOptions): ProgressBar<number>;
export function progress<T>(items: Iterable<T> | AsyncIterable<T>, opts?: ProgressOptions): ProgressBar<T>;
export function progress<T>(src: number | Iterable<T> | AsyncIterable<T>, opts: ProgressOptions = {}): ProgressBar<T | number> {
  if (typeof src === 'number') return new ProgressBar<number>(null, { ...opts, total: src });
  if (src == null || (!(Symbol.iterator in Object(src)) && !(Symbol.asyncIterator in Object(src)))) {
    throw new ConfigError('progress(): bad argument', { expected: 'an iterable or a total count', got: toPlain(src), where: 'progress()' });
  }
  return new ProgressBar<T>(src, opts);
}

/** A comm (Jupyter's kernel ↔ frontend channel for widgets). */
export class Comm {
  readonly [NO_RESULT] = true;
  private handlers: ((data: unknown, msg: unknown) => void)[] = [];
  private closeHandlers: ((data: unknown) => void)[] = [];
  closed = false;
  constructor(readonly targetName: string, readonly commId: string = randomUUID()) {}
  send(data: unknown, metadata: Record<string, unknown> = {}, buffers?: Uint8Array[]): void {
    if (this.closed) throw new RuntimeError('comm is closed', { expected: 'an open comm', got: 'a closed one', where: `comm ${this.commId} (${this.targetName})` });
    sink?.sendComm(this, data, metadata, buffers);
  }
  close(data: unknown = {}): void {
    if (this.closed) return;
    this.closed = true;
    sink?.closeComm(this, data);
  }
  onMsg(fn: (data: unknown, msg: unknown) => void): void { this.handlers.push(fn); }
  onClose(fn: (data: unknown) => void): void { this.closeHandlers.push(fn); }
  /** @internal called by the kernel */
  _receive(data: unknown, msg: unknown): void { for (const h of this.handlers) h(data, msg); }
  /** @internal called by the kernel */
  _closed(data: unknown): void { this.closed = true; for (const h of this.closeHandlers) h(data); }
}

/** Comm targets registered by cells: frontend-opened comms with this target name go to the handler. */
export const commTargets = new Map<string, (comm: Comm, data: unknown, msg: unknown) => void>();

/** Opens a comm from the kernel to the frontend. */
export function comm(targetName: string, data: unknown = {}, metadata: Record<string, unknown> = {}): Comm {
  const c = new Comm(targetName);
  sink?.openComm(c, data, metadata);
  return c;
}

/** Registers a handler for comms the frontend opens with `targetName`. */
export function registerCommTarget(targetName: string, handler: (comm: Comm, data: unknown, msg: unknown) => void): void {
  commTargets.set(targetName, handler);
}
