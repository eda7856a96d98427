/**
 * The cnnlab Jupyter kernel's main thread: shell, iopub and stdin sockets, the request
 * dispatcher (messaging protocol 5.4), output capture, history and comms. Cells run here (so
 * they share the process with the cnnlab API); the TypeScript compiler runs in a worker
 * (./compiler) and the control channel + heartbeat in another (./control).
 */
import fs from 'fs';
import path from 'path';
import os from 'os';
import { Worker } from 'worker_threads';
import { TextDecoder } from 'util';
import { type ConnectionInfo, Message, PROTOCOL_VERSION, ReplayGuard, Signer, newMessage, parseMessage, replyTo, serializeMessage, setUsername } from './wire';
import { CompilerClient, Executor, CellResult, InterruptedError } from './executor';
import { SyncInput, type ControlToMain, type MainToControl } from './control';
import * as api from './api';
import { packageRoot, kernelDistDir } from './paths';
import { installCnnlabResolution } from './resolution';
import { readConnectionFile } from './connection';
import { kernelVersion, typescriptVersion } from './versions';
import { dottedNameAt, resolvePath, zooBuilderDoc } from './docs';
import { NotFoundError, RuntimeError } from '../src/errors';

const decoder = new TextDecoder();

interface HistoryEntry { session: number; line: number; input: string; output: string | null }

/**
 * Sends in order. On the IOPub (X)PUB socket (`immediate`), a send never waits for a peer (PUB
 * drops at the high-water mark instead), so zeromq.js puts the frames on the wire in the call
 * itself: output flushed before a blocking `prompt()` reaches the frontend before it blocks.
 */
class Outbox {
  private chain: Promise<unknown> = Promise.resolve();
  constructor(private readonly sock: { send(frames: Buffer[]): Promise<void> }, private readonly log: (s: string) => void,
    private readonly immediate = false) {}
  send(frames: Buffer[]): Promise<unknown> {
    const p = this.immediate ? this.sock.send(frames) : this.chain.then(() => this.sock.send(frames));
    this.chain = Promise.all([this.chain, p]).catch((e) => this.log(`send failed: ${e}`));
    return this.chain;
  }
  drain(): Promise<unknown> { return this.chain; }
}

export interface KernelOptions {
  /** Log sink for the kernel's own diagnostics (default: stderr of the process, not the cell). */
  log?: (s: string) => void;
}

export class Kernel {
  private conn!: ConnectionInfo;
  private signer!: Signer;
  /** Signatures seen on shell, stdin and control (the control worker keeps its own as well). */
  private readonly replay = new ReplayGuard();
  private zmq!: typeof import('zeromq');
  private iopub!: import('zeromq').XPublisher;
  private shell!: import('zeromq').Router;
  private iopubOut!: Outbox;
  private shellOut!: Outbox;
  private control: Worker | null = null;
  readonly compiler: CompilerClient;
  readonly executor: Executor;
  private readonly root = packageRoot();
  private readonly log: (s: string) => void;

  private queue: { msg: Message; channel: 'shell' | 'control' }[] = [];
  private processing = false;
  private aborting = new Set<string>();
  private executionCount = 0;
  private anonCells = 0;
  private readonly history: HistoryEntry[] = [];
  private readonly historySession = 1;
  /** The request whose outputs are being produced (the last execute_request, like ipykernel). */
  private parent: Message | null = null;
  private parentSilent = false;
  private payloads: Record<string, unknown>[] = [];
  private stream: { name: string; text: string; parent: Message } | null = null;
  private streamTimer: NodeJS.Timeout | null = null;
  private pendingInput: { resolve: (s: string) => void; reject: (e: Error) => void } | null = null;
  private comms = new Map<string, api.Comm>();
  private running = false;
  private preludeReported = false;
  private shuttingDown = false;
  private keepAlive: NodeJS.Timeout | null = null;

  constructor(private readonly connectionFile: string, opts: KernelOptions = {}) {
    this.log = opts.log ?? ((s: string) => { try { fs.writeSync(2, `[cnnlab-kernel] ${s.replace(/\n$/, '')}\n`); } catch { /* ignore */ } });
    this.compiler = new CompilerClient(this.root, this.log);
    this.executor = new Executor(this.compiler, this.root, process.cwd());
  }

  async start(): Promise<void> {
    // zeromq's pending receives (and the unref'd workers) do not hold the event loop open.
    this.keepAlive = setInterval(() => {}, 1 << 30);
    this.conn = readConnectionFile(this.connectionFile);
    // The compiler (the slowest part of start-up) loads in its worker while the sockets bind.
    void this.compiler.start();
    this.signer = new Signer(this.conn.key, this.conn.signature_scheme);
    setUsername(os.userInfo().username || 'kernel');
    installCnnlabResolution(this.root);
    this.zmq = await import('zeromq');
    // IOPub is an XPUB socket (JEP 65): each new subscription is answered with iopub_welcome.
    this.iopub = new this.zmq.XPublisher({ linger: 1000 });
    this.iopub.verbosity = 'allSubs';
    this.shell = new this.zmq.Router({ linger: 0 });
    this.iopubOut = new Outbox(this.iopub, this.log, true);
    this.shellOut = new Outbox(this.shell, this.log);
    const addr = (p: number) => this.conn.transport === 'ipc' ? `ipc://${this.conn.ip}-${p}` : `${this.conn.transport}://${this.conn.ip}:${p}`;
    const controlReady = this.startControl();
    await Promise.all([
      this.iopub.bind(addr(this.conn.iopub_port)),
      this.shell.bind(addr(this.conn.shell_port)),
      controlReady,
    ]);
    this.captureOutput();
    api.setOutputSink(this.sink());
    process.on('SIGINT', () => this.interrupt());
    process.on('uncaughtException', (err) => this.lateError(err, 'uncaught exception'));
    process.on('unhandledRejection', (reason) => this.lateError(reason, 'unhandled promise rejection'));
    void this.readShell();
    void this.readSubscriptions();
    this.publish('status', { execution_state: 'starting' }, null);
    // The cnnlab API (which blocks this thread while ONNX Runtime loads) once the first
    // kernel_info_request is answered, or after a second at the latest.
    setTimeout(() => this.loadPrelude(), 1000).unref();
  }

  private loadPrelude(): void {
    setImmediate(() => {
      void this.executor.prelude().then(() => this.executor.warm()).catch((e) => this.log(String(e)));
    });
  }

  private startControl(): Promise<void> {
    return new Promise((resolve, reject) => {
      const w = new Worker(path.join(kernelDistDir(), 'control.js'), { workerData: { cnnlabControl: this.conn } });
      this.control = w;
      w.on('message', (m: ControlToMain) => {
        if (m.type === 'bound') resolve();
        else if (m.type === 'input_reply') {
          const p = this.pendingInput;
          this.pendingInput = null;
          p?.resolve(m.value);
        }
        else if (m.type === 'error') { this.log(m.error); reject(new Error(m.error)); }
        else if (m.type === 'message' || m.type === 'interrupted') {
          let msg: Message;
          try { msg = parseMessage(m.frames.map((u) => Buffer.from(u.buffer, u.byteOffset, u.byteLength)), this.signer, this.replay); } catch (e) {
            this.log(`control: ${(e as Error).message}`); return;
          }
          if (m.type === 'interrupted') {
            // Already answered (and SIGINT raised) by the control thread; report busy/idle for it.
            this.publish('status', { execution_state: 'busy' }, msg);
            this.publish('status', { execution_state: 'idle' }, msg);
          } else {
            void this.handle(msg, 'control');
          }
        }
      });
      w.on('error', (e) => { this.log(`control worker: ${e.stack ?? e}`); reject(e); });
      w.unref();
    });
  }

  /** Interrupt: aborts pending awaits and input() of the running cell (SIGINT itself stops synchronous code). */
  interrupt(): void {
    if (this.pendingInput) {
      const p = this.pendingInput;
      this.pendingInput = null;
      p.reject(new InterruptedError());
    }
    if (this.running) this.executor.interrupt();
  }

  private async readShell(): Promise<void> {
    try {
      for await (const frames of this.shell) {
        let msg: Message;
        try { msg = parseMessage(frames as Buffer[], this.signer, this.replay); } catch (e) { this.log(`shell: dropped a message: ${(e as Error).message}`); continue; }
        this.queue.push({ msg, channel: 'shell' });
        if (!this.processing) void this.processQueue();
      }
    } catch (e) { if (!this.shuttingDown) this.log(`shell: ${e}`); }
  }

  /** XPUB: a subscription message is byte 1 and the topic; each is answered with iopub_welcome (JEP 65). */
  private async readSubscriptions(): Promise<void> {
    try {
      for await (const [frame] of this.iopub) {
        if (!frame || frame.length === 0 || frame[0] !== 1) continue;
        const topic = frame.subarray(1);
        const m = newMessage('iopub_welcome', { subscription: topic.toString('utf8') }, null, topic.length ? [Buffer.from(topic)] : []);
        void this.iopubOut.send(serializeMessage(m, this.signer));
      }
    } catch (e) { if (!this.shuttingDown) this.log(`iopub: ${e}`); }
  }

  private async processQueue(): Promise<void> {
    this.processing = true;
    try {
      while (this.queue.length > 0) {
        const { msg, channel } = this.queue.shift()!;
        await this.handle(msg, channel);
      }
    } finally {
      this.processing = false;
    }
  }

  // ---- output ---------------------------------------------------------------------------------

  private sendReply(msg: Message, channel: 'shell' | 'control'): Promise<unknown> {
    const frames = serializeMessage(msg, this.signer);
    if (channel === 'shell') return this.shellOut.send(frames);
    this.control?.postMessage({ type: 'send', frames } satisfies MainToControl);
    return Promise.resolve();
  }

  /** Publishes on iopub (stream output buffered so far goes first). */
  publish(msgType: string, content: Record<string, unknown>, parent: Message | null, metadata?: Record<string, unknown>): Promise<unknown> {
    if (msgType !== 'stream') this.flushStream();
    const m = newMessage(msgType, content, parent);
    if (metadata) m.metadata = metadata;
    return this.iopubOut.send(serializeMessage(m, this.signer));
  }

  /**
   * An error nobody caught in a callback (timer, promise) goes to the cell that scheduled it — the
   * async context the callback runs in — even after that cell ended, as an `error` output with
   * the cell's TypeScript positions.
   */
  private lateError(err: unknown, kind: string): void {
    const ctx = this.executor.context.getStore();
    const parent = (ctx?.parent as Message | null | undefined) ?? this.parent;
    const f = this.executor.formatError(err);
    const origin = ctx ? ` in a callback scheduled by ${ctx.name}` : '';
    this.log(`${kind}${origin}: ${f.ename}: ${f.evalue}`);
    if (!parent || ctx?.silent || (!ctx && this.parentSilent)) return;
    const traceback = [`(${kind}${origin})`, ...f.traceback];
    void this.publish('error', { ename: f.ename, evalue: f.evalue, traceback }, parent);
  }

  private writeStream(name: string, text: string): void {
    const parent = this.parent;
    if (!parent || this.parentSilent || text === '') return;
    if (this.stream && (this.stream.name !== name || this.stream.parent !== parent)) this.flushStream();
    if (this.stream) this.stream.text += text;
    else this.stream = { name, text, parent };
    if (this.stream.text.length > 1 << 16) this.flushStream();
    else if (!this.streamTimer) this.streamTimer = setTimeout(() => this.flushStream(), 20);
  }

  private flushStream(): void {
    if (this.streamTimer) { clearTimeout(this.streamTimer); this.streamTimer = null; }
    const s = this.stream;
    if (!s) return;
    this.stream = null;
    const m = newMessage('stream', { name: s.name, text: s.text }, s.parent);
    void this.iopubOut.send(serializeMessage(m, this.signer));
  }

  private captureOutput(): void {
    const make = (name: string) => (chunk: unknown, encoding?: unknown, cb?: unknown): boolean => {
      const text = typeof chunk === 'string' ? chunk : decoder.decode(chunk as Uint8Array);
      this.writeStream(name, text);
      const done = typeof encoding === 'function' ? encoding : cb;
      if (typeof done === 'function') process.nextTick(done as () => void);
      return true;
    };
    process.stdout.write = make('stdout') as typeof process.stdout.write;
    process.stderr.write = make('stderr') as typeof process.stderr.write;
  }

  private sink(): api.OutputSink {
    return {
      publish: (msgType, content) => {
        if (!this.parent || this.parentSilent) return;
        void this.publish(msgType, content, this.parent);
      },
      input: (prompt, password) => this.requestInput(prompt, password),
      inputSync: (prompt, password) => this.requestInputSync(prompt, password),
      payload: (p) => { this.payloads.push(p); },
      openComm: (comm, data, metadata) => {
        this.comms.set(comm.commId, comm);
        void this.publish('comm_open', { comm_id: comm.commId, target_name: comm.targetName, data }, this.parent, metadata);
      },
      sendComm: (comm, data, metadata, buffers) => {
        const m = newMessage('comm_msg', { comm_id: comm.commId, data }, this.parent);
        m.metadata = metadata;
        m.buffers = (buffers ?? []).map((b) => Buffer.from(b.buffer, b.byteOffset, b.byteLength));
        this.flushStream();
        void this.iopubOut.send(serializeMessage(m, this.signer));
      },
      closeComm: (comm, data) => {
        this.comms.delete(comm.commId);
        void this.publish('comm_close', { comm_id: comm.commId, data }, this.parent);
      },
    };
  }

  /** The input_request frames for the current cell, or the reason there can be none. */
  private inputRequest(prompt: string, password: boolean, where: string): Buffer[] {
    const parent = this.parent;
    if (!parent || !parent.content.allow_stdin) {
      throw new RuntimeError(`${where}: the frontend does not take input`, { expected: 'an execute_request with allow_stdin: true', got: 'allow_stdin: false', where });
    }
    if (this.pendingInput) throw new RuntimeError(`${where}: two requests at once`, { expected: 'one pending input() at a time', got: 'a second while the first is pending', where });
    this.flushStream();
    return serializeMessage(newMessage('input_request', { prompt, password }, parent, parent.identities), this.signer);
  }

  private requestInput(prompt: string, password: boolean): Promise<string> {
    let frames: Buffer[];
    try { frames = this.inputRequest(prompt, password, 'input()'); } catch (e) { return Promise.reject(e); }
    return new Promise<string>((resolve, reject) => {
      this.pendingInput = { resolve, reject };
      this.control?.postMessage({ type: 'stdin', frames } satisfies MainToControl);
    });
  }

  /**
   * prompt(): blocks this thread (Atomics.wait) until the control worker, which owns the stdin
   * socket, writes the input_reply into a shared buffer — or an interrupt_request wakes it.
   */
  private requestInputSync(prompt: string, password: boolean): string {
    const frames = this.inputRequest(prompt, password, 'prompt()');
    const sync = SyncInput.create();
    this.control?.postMessage({ type: 'stdin', frames, sync } satisfies MainToControl);
    const r = SyncInput.wait(sync);
    if (r.state === SyncInput.REPLIED) return r.value;
    if (r.state === SyncInput.INTERRUPTED) throw new InterruptedError();
    if (r.state === SyncInput.TOO_LONG) throw new RuntimeError('prompt(): reply too long', { expected: `at most ${SyncInput.CAPACITY} bytes`, got: 'more', where: 'prompt()' });
    throw new RuntimeError('prompt(): the kernel is shutting down', { expected: 'an input_reply', got: 'shutdown', where: 'prompt()' });
  }

  // ---- dispatch -------------------------------------------------------------------------------

  private async handle(msg: Message, channel: 'shell' | 'control'): Promise<void> {
    const type = msg.header.msg_type;
    await this.publish('status', { execution_state: 'busy' }, msg);
    let shutdown = false;
    try {
      if (type === 'execute_request' && this.aborting.has(msg.header.msg_id)) {
        this.aborting.delete(msg.header.msg_id);
        await this.sendReply(replyTo(msg, { status: 'aborted', execution_count: this.executionCount }), channel);
      } else {
        switch (type) {
          case 'kernel_info_request':
            await this.sendReply(replyTo(msg, this.kernelInfo()), channel);
            this.loadPrelude();
            break;
          case 'execute_request': await this.execute(msg, channel); break;
          case 'complete_request': await this.sendReply(replyTo(msg, await this.complete(msg.content)), channel); break;
          case 'inspect_request': await this.sendReply(replyTo(msg, await this.inspect(msg.content)), channel); break;
          case 'is_complete_request': await this.sendReply(replyTo(msg, await this.isComplete(msg.content)), channel); break;
          case 'history_request': await this.sendReply(replyTo(msg, this.historyReply(msg.content)), channel); break;
          case 'comm_info_request': await this.sendReply(replyTo(msg, this.commInfo(msg.content)), channel); break;
          case 'connect_request': await this.sendReply(replyTo(msg, {
            status: 'ok', shell_port: this.conn.shell_port, iopub_port: this.conn.iopub_port,
            stdin_port: this.conn.stdin_port, hb_port: this.conn.hb_port, control_port: this.conn.control_port,
          }), channel); break;
          case 'comm_open': this.commOpen(msg); break;
          case 'comm_msg': this.comms.get(String(msg.content.comm_id))?._receive(msg.content.data, msg); break;
          case 'comm_close': {
            const c = this.comms.get(String(msg.content.comm_id));
            this.comms.delete(String(msg.content.comm_id));
            c?._closed(msg.content.data);
            break;
          }
          case 'interrupt_request':
            this.interrupt();
            await this.sendReply(replyTo(msg, { status: 'ok' }), channel);
            break;
          case 'shutdown_request':
            await this.sendReply(replyTo(msg, { status: 'ok', restart: !!msg.content.restart }), channel);
            shutdown = true;
            break;
          case 'debug_request':
            await this.sendReply(replyTo(msg, { seq: 0, type: 'response', request_seq: msg.content.seq ?? 0, success: false, command: msg.content.command ?? '', message: 'the cnnlab kernel has no debugger' }), channel);
            break;
          default:
            this.log(`unhandled message type ${type}`);
        }
      }
    } catch (e) {
      this.log(`error while handling ${type}: ${(e as Error)?.stack ?? e}`);
      if (type.endsWith('_request')) {
        await this.sendReply(replyTo(msg, { status: 'error', ename: 'InternalError', evalue: String((e as Error)?.message ?? e), traceback: [] }), channel);
      }
    } finally {
      this.flushStream();
      await this.publish('status', { execution_state: 'idle' }, msg);
    }
    if (shutdown) await this.shutdown();
  }

  kernelInfo(): Record<string, unknown> {
    return {
      status: 'ok',
      protocol_version: PROTOCOL_VERSION,
      implementation: 'cnnlab',
      implementation_version: kernelVersion(this.root),
      language_info: {
        name: 'typescript',
        version: typescriptVersion(),
        mimetype: 'text/typescript',
        file_extension: '.ts',
        pygments_lexer: 'typescript',
        // A string, as typed clients require (a string or {name, version}); JupyterLab 4 finds
        // CodeMirror 6's TypeScript language by this name (findBest → findByName('typescript')).
        codemirror_mode: 'typescript',
      },
      banner: `cnnlab kernel ${kernelVersion(this.root)} — TypeScript on Node.js ${process.version} (tslab's compiler)`,
      help_links: [],
      debugger: false,
      // JEP 92's optional features: the IOPub welcome (JEP 65) is the one this kernel has.
      supported_features: ['iopub_welcome'],
    };
  }

  private async execute(msg: Message, channel: 'shell' | 'control'): Promise<void> {
    const c = msg.content;
    const code = String(c.code ?? '');
    const silent = !!c.silent;
    const storeHistory = silent ? false : c.store_history !== false;
    if (storeHistory) this.executionCount++;
    const count = this.executionCount;
    const name = storeHistory ? `cell[${count}]` : `cell[u${++this.anonCells}]`;
    this.parent = msg;
    this.parentSilent = silent;
    this.payloads = [];
    if (!silent) await this.publish('execute_input', { code, execution_count: count }, msg);
    let outputText: string | null = null;
    this.running = true;
    let result: CellResult;
    try {
      result = await this.executor.execute(code, name, { name, parent: msg, silent });
      if (this.executor.preludeError && !this.preludeReported) {
        this.preludeReported = true;
        this.writeStream('stderr', this.executor.preludeError + '\n');
      }
      if (result.status === 'ok' && result.hasValue && !silent && !api.isNoResult(result.value)) {
        const b = await api.bundleOf(result.value);
        outputText = String(b.data['text/plain'] ?? '');
        await this.publish('execute_result', { execution_count: count, data: b.data, metadata: b.metadata }, msg);
      }
    } catch (e) {
      result = { status: 'error', ...this.executor.formatError(e) };
    } finally {
      this.running = false;
    }
    if (storeHistory) this.history.push({ session: this.historySession, line: count, input: code, output: outputText });
    let reply: Record<string, unknown>;
    if (result.status === 'ok') {
      const userExpressions = await this.userExpressions(c.user_expressions);
      reply = { status: 'ok', execution_count: count, payload: this.payloads, user_expressions: userExpressions };
    } else {
      const err = { ename: result.ename, evalue: result.evalue, traceback: result.traceback };
      if (!silent) await this.publish('error', err, msg);
      reply = { status: 'error', execution_count: count, ...err };
      if (c.stop_on_error !== false) {
        for (const q of this.queue) if (q.msg.header.msg_type === 'execute_request') this.aborting.add(q.msg.header.msg_id);
      }
    }
    this.flushStream();
    await this.sendReply(replyTo(msg, reply), channel);
  }

  private async userExpressions(exprs: unknown): Promise<Record<string, unknown>> {
    const out: Record<string, unknown> = {};
    if (!exprs || typeof exprs !== 'object') return out;
    for (const [key, expr] of Object.entries(exprs as Record<string, string>)) {
      const saved = this.executor.prevDecl;
      const xname = `cell[x${++this.anonCells}]`;
      const r = await this.executor.execute(`(${expr})`, xname, { name: xname, parent: this.parent, silent: true });
      this.executor.prevDecl = saved;
      if (r.status === 'ok') {
        const b = await api.bundleOf(r.value);
        out[key] = { status: 'ok', data: b.data, metadata: b.metadata };
      } else {
        out[key] = { status: 'error', ename: r.ename, evalue: r.evalue, traceback: r.traceback };
      }
    }
    return out;
  }

  private async complete(c: Record<string, any>): Promise<Record<string, unknown>> {
    await this.executor.prelude();
    const code = String(c.code ?? '');
    const pos = typeof c.cursor_pos === 'number' ? c.cursor_pos : [...code].length;
    const r = await this.compiler.complete(this.executor.prevDecl, code, pos);
    return { status: 'ok', matches: r.matches, cursor_start: r.cursor_start, cursor_end: r.cursor_end, metadata: {} };
  }

  private async inspect(c: Record<string, any>): Promise<Record<string, unknown>> {
    await this.executor.prelude();
    const code = String(c.code ?? '');
    const pos = typeof c.cursor_pos === 'number' ? c.cursor_pos : [...code].length;
    const r = await this.compiler.inspect(this.executor.prevDecl, code, pos);
    // TypeScript's signature and JSDoc; for zoo builders (no JSDoc can sit on them) the registry's entry.
    const name = dottedNameAt(code, pos);
    const value = name ? resolvePath(name, this.executor.locals) : undefined;
    const doc = zooBuilderDoc(value, (this.executor.locals.cnnlab as { zoo?: Parameters<typeof zooBuilderDoc>[1] } | undefined)?.zoo);
    const text = [r.found ? r.text : '', doc ?? ''].filter(Boolean).join('\n\n');
    return text ? { status: 'ok', found: true, data: { 'text/plain': text }, metadata: {} }
      : { status: 'ok', found: false, data: {}, metadata: {} };
  }

  private async isComplete(c: Record<string, any>): Promise<Record<string, unknown>> {
    const r = await this.compiler.isComplete(String(c.code ?? ''));
    return r.status === 'incomplete' ? { status: 'incomplete', indent: r.indent ?? '' } : { status: r.status };
  }

  private historyReply(c: Record<string, any>): Record<string, unknown> {
    const fmt = (h: HistoryEntry) => c.output ? [h.session, h.line, [h.input, h.output]] : [h.session, h.line, h.input];
    let list: HistoryEntry[] = [];
    const type = c.hist_access_type ?? 'tail';
    if (type === 'tail') {
      const n = Number(c.n ?? 10);
      list = n > 0 ? this.history.slice(-n) : [];
    } else if (type === 'range') {
      const s = Number(c.session ?? 0);
      if (s === 0 || s === this.historySession) {
        const start = Number(c.start ?? 0);
        const stop = c.stop === null || c.stop === undefined ? Infinity : Number(c.stop);
        list = this.history.filter((h) => h.line >= start && h.line < stop);
      }
    } else if (type === 'search') {
      const pattern = String(c.pattern ?? '*');
      const re = new RegExp('^' + pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[\\s\\S]*').replace(/\?/g, '[\\s\\S]') + '$');
      list = this.history.filter((h) => re.test(h.input));
      if (c.unique) {
        const seen = new Set<string>();
        list = list.reverse().filter((h) => (seen.has(h.input) ? false : (seen.add(h.input), true))).reverse();
      }
      const n = c.n === null || c.n === undefined ? 0 : Number(c.n);
      if (n > 0) list = list.slice(-n);
    }
    return { status: 'ok', history: list.map(fmt) };
  }

  private commInfo(c: Record<string, any>): Record<string, unknown> {
    const comms: Record<string, { target_name: string }> = {};
    for (const [id, comm] of this.comms) {
      if (!c.target_name || c.target_name === comm.targetName) comms[id] = { target_name: comm.targetName };
    }
    return { status: 'ok', comms };
  }

  private commOpen(msg: Message): void {
    const id = String(msg.content.comm_id);
    const target = String(msg.content.target_name);
    const handler = api.commTargets.get(target);
    if (!handler) {
      void this.publish('comm_close', { comm_id: id, data: {} }, msg);
      return;
    }
    const comm = new api.Comm(target, id);
    this.comms.set(id, comm);
    try { handler(comm, msg.content.data, msg); } catch (e) { this.log(`comm target ${target}: ${(e as Error)?.stack ?? e}`); }
  }

  async shutdown(): Promise<void> {
    this.shuttingDown = true;
    await this.iopubOut.drain();
    await this.shellOut.drain();
    this.control?.postMessage({ type: 'close' } satisfies MainToControl);
    this.compiler.close();
    if (this.keepAlive) clearInterval(this.keepAlive);
    setTimeout(() => process.exit(0), 50);
  }
}

/** Starts a kernel on a connection file (what `node dist/kernel/main.js <connection-file>` does). */
export async function runKernel(connectionFile: string, opts?: KernelOptions): Promise<Kernel> {
  if (!connectionFile || !fs.existsSync(connectionFile)) {
    throw new NotFoundError('no connection file', { expected: 'a Jupyter connection file', got: JSON.stringify(connectionFile ?? ''), where: 'kernel command line' });
  }
  const k = new Kernel(connectionFile, opts);
  await k.start();
  return k;
}
