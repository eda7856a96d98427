/**
 * The control worker: the control channel (ROUTER) and the heartbeat (REP) live in their own
 * thread, so `interrupt_request` is answered — and turned into SIGINT, which stops a busy cell
 * through vm's breakOnSigint — even while the main thread runs a cell. Every other control
 * message is handed to the main thread, which sends its replies back through this worker.
 */
import { parentPort, workerData, isMainThread } from 'worker_threads';
import fs from 'fs';
import { ConnectionInfo, ReplayGuard, Signer, parseMessage, replyTo, serializeMessage } from './wire';

export type ControlToMain =
  | { type: 'bound' }
  | { type: 'message'; frames: Uint8Array[] }
  | { type: 'interrupted'; frames: Uint8Array[] }
  | { type: 'error'; error: string };
export type MainToControl = { type: 'send'; frames: Uint8Array[] } | { type: 'close' };

const toBuf = (u: Uint8Array) => Buffer.from(u.buffer, u.byteOffset, u.byteLength);

async function runControl(conn: ConnectionInfo): Promise<void> {
  const port = parentPort!;
  const zmq = await import('zeromq');
  const signer = new Signer(conn.key, conn.signature_scheme);
  const replay = new ReplayGuard();
  const control = new zmq.Router({ linger: 0 });
  const hb = new zmq.Reply({ linger: 0 });
  const addr = (p: number) => conn.transport === 'ipc' ? `ipc://${conn.ip}-${p}` : `${conn.transport}://${conn.ip}:${p}`;
  await Promise.all([control.bind(addr(conn.control_port)), hb.bind(addr(conn.hb_port))]);
  let chain: Promise<unknown> = Promise.resolve();
  const send = (frames: Buffer[]) => { chain = chain.then(() => control.send(frames)).catch((e) => log(String(e))); };
  port.on('message', (m: MainToControl) => {
    if (m.type === 'send') send(m.frames.map(toBuf));
    else if (m.type === 'close') { control.close(); hb.close(); }
  });
  port.postMessage({ type: 'bound' } satisfies ControlToMain);
  void (async () => {
    try { for await (const [msg] of hb) await hb.send(msg); } catch { /* closed */ }
  })();
  try {
    for await (const frames of control) {
      let msg;
      try { msg = parseMessage(frames as Buffer[], signer, replay); } catch (e) { log(`control: dropped a message: ${(e as Error).message}`); continue; }
      if (msg.header.msg_type === 'interrupt_request') {
        send(serializeMessage(replyTo(msg, { status: 'ok' }), signer));
        process.kill(process.pid, 'SIGINT');
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
