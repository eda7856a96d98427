/**
 * The control worker: the control channel (ROUTER), the heartbeat (REP) and the stdin channel
 * (ROUTER) live in their own thread, so `interrupt_request` is answered — and turned into SIGINT,
 * which stops a busy cell through vm's breakOnSigint — even while the main thread runs a cell,
 * and so a synchronous `prompt()` can block the main thread (Atomics.wait on a shared buffer)
 * while this thread receives the `input_reply`. Every other control message is handed to the
 * main thread, which sends its replies back through this worker.
 */
import { parentPort, workerData, isMainThread } from 'worker_threads';
import fs from 'fs';
import { ConnectionInfo, ReplayGuard, Signer, parseMessage, replyTo, serializeMessage } from './wire';

export type ControlToMain =
  | { type: 'bound' }
  | { type: 'message'; frames: Uint8Array[] }
  | { type: 'interrupted'; frames: Uint8Array[] }
  | { type: 'input_reply'; value: string }
  | { type: 'error'; error: string };
export type MainToControl =
  | { type: 'send'; frames: Uint8Array[] }
  /** An input_request to send on stdin; with `sync`, the reply is written there (see {@link SyncInput}). */
  | { type: 'stdin'; frames: Uint8Array[]; sync?: SharedArrayBuffer }
  | { type: 'close' };

/**
 * The shared buffer a blocked `prompt()` waits on: Int32 state, Int32 byte length, then the UTF-8
 * reply. The main thread waits while the state is PENDING.
 */
export const SyncInput = {
  PENDING: 0, REPLIED: 1, INTERRUPTED: 2, TOO_LONG: 3, CLOSED: 4,
  HEADER: 8,
  CAPACITY: 1 << 20,
  create(): SharedArrayBuffer { return new SharedArrayBuffer(8 + (1 << 20)); },
  /** Sets the state (and the reply), then wakes the waiting thread. */
  settle(sab: SharedArrayBuffer, state: number, value = ''): void {
    const head = new Int32Array(sab, 0, 2);
    if (state === SyncInput.REPLIED) {
      const bytes = Buffer.from(value, 'utf8');
      if (bytes.length > SyncInput.CAPACITY) state = SyncInput.TOO_LONG;
      else { new Uint8Array(sab, SyncInput.HEADER, bytes.length).set(bytes); Atomics.store(head, 1, bytes.length); }
    }
    Atomics.store(head, 0, state);
    Atomics.notify(head, 0);
  },
  /** Blocks until settled; returns the state and the reply. */
  wait(sab: SharedArrayBuffer): { state: number; value: string } {
    const head = new Int32Array(sab, 0, 2);
    Atomics.wait(head, 0, SyncInput.PENDING);
    const state = Atomics.load(head, 0);
    const n = Atomics.load(head, 1);
    return { state, value: state === SyncInput.REPLIED ? Buffer.from(new Uint8Array(sab, SyncInput.HEADER, n)).toString('utf8') : '' };
  },
} as const;

const toBuf = (u: Uint8Array) => Buffer.from(u.buffer, u.byteOffset, u.byteLength);

async function runControl(conn: ConnectionInfo): Promise<void> {
  const port = parentPort!;
  const zmq = await import('zeromq');
  const signer = new Signer(conn.key, conn.signature_scheme);
  const replay = new ReplayGuard();
  const control = new zmq.Router({ linger: 0 });
  const stdin = new zmq.Router({ linger: 0 });
  const hb = new zmq.Reply({ linger: 0 });
  const addr = (p: number) => conn.transport === 'ipc' ? `ipc://${conn.ip}-${p}` : `${conn.transport}://${conn.ip}:${p}`;
  await Promise.all([control.bind(addr(conn.control_port)), stdin.bind(addr(conn.stdin_port)), hb.bind(addr(conn.hb_port))]);
  const sender = (sock: typeof control) => {
    let chain: Promise<unknown> = Promise.resolve();
    return (frames: Buffer[]) => { chain = chain.then(() => sock.send(frames)).catch((e) => log(String(e))); };
  };
  const send = sender(control);
  const sendStdin = sender(stdin);
  /** The shared buffer of a blocked prompt(), if any. */
  let pendingSync: SharedArrayBuffer | null = null;
  const settleSync = (state: number, value?: string) => {
    if (!pendingSync) return;
    const sab = pendingSync;
    pendingSync = null;
    SyncInput.settle(sab, state, value);
  };
  port.on('message', (m: MainToControl) => {
    if (m.type === 'send') send(m.frames.map(toBuf));
    else if (m.type === 'stdin') {
      if (m.sync) { settleSync(SyncInput.INTERRUPTED); pendingSync = m.sync; }
      sendStdin(m.frames.map(toBuf));
    } else if (m.type === 'close') { settleSync(SyncInput.CLOSED); control.close(); stdin.close(); hb.close(); }
  });
  port.postMessage({ type: 'bound' } satisfies ControlToMain);
  void (async () => {
    try { for await (const [msg] of hb) await hb.send(msg); } catch { /* closed */ }
  })();
  void (async () => {
    try {
      for await (const frames of stdin) {
        let msg;
        try { msg = parseMessage(frames as Buffer[], signer, replay); } catch (e) { log(`stdin: dropped a message: ${(e as Error).message}`); continue; }
        if (msg.header.msg_type !== 'input_reply') continue;
        const value = String(msg.content.value ?? '');
        if (pendingSync) settleSync(SyncInput.REPLIED, value);
        else port.postMessage({ type: 'input_reply', value } satisfies ControlToMain);
      }
    } catch { /* closed */ }
  })();
  try {
    for await (const frames of control) {
      let msg;
      try { msg = parseMessage(frames as Buffer[], signer, replay); } catch (e) { log(`control: dropped a message: ${(e as Error).message}`); continue; }
      if (msg.header.msg_type === 'interrupt_request') {
        send(serializeMessage(replyTo(msg, { status: 'ok' }), signer));
        // A prompt() blocking the main thread cannot see SIGINT: wake it with "interrupted" instead
        // (a SIGINT as well would arrive later and stop whatever runs next).
        if (pendingSync) settleSync(SyncInput.INTERRUPTED);
        else process.kill(process.pid, 'SIGINT');
        port.postMessage({ type: 'interrupted', frames } satisfies ControlToMain);
      } else {
        port.postMessage({ type: 'message', frames } satisfies ControlToMain);
      }
    }
  } catch { /* closed */ }
}

function log(s: string): void { try { fs.writeSync(2, `[cnnlab-kernel control] ${s}\n`); } catch { /* ignore */ } }

if (!isMainThread && parentPort && workerData?.cnnlabControl) {
  runControl(workerData.cnnlabControl as ConnectionInfo).catch((e) => {
    parentPort!.postMessage({ type: 'error', error: String(e?.stack ?? e) } satisfies ControlToMain);
  });
}
