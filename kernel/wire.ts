/**
 * The Jupyter wire protocol (messaging spec 5.4): framing of multipart ZeroMQ messages,
 * HMAC signatures, headers. No sockets here, so the control worker and the main thread share it.
 */
import { createHmac, randomUUID, timingSafeEqual } from 'crypto';
import { ConfigError, ParseError } from '../src/errors';

/** A correctly signed message whose signature was already seen (a replay). */
export class ReplayError extends ParseError {}

export const PROTOCOL_VERSION = '5.4';
const DELIM = Buffer.from('<IDS|MSG>');

export interface Header {
  msg_id: string;
  session: string;
  username: string;
  date: string;
  msg_type: string;
  version: string;
  [k: string]: unknown;
}

export interface Message<C = Record<string, any>> {
  /** ZeroMQ routing identities (ROUTER sockets); empty for PUB messages. */
  identities: Buffer[];
  header: Header;
  parent_header: Partial<Header>;
  metadata: Record<string, unknown>;
  content: C;
  buffers: Buffer[];
}

export interface ConnectionInfo {
  transport: string;
  ip: string;
  shell_port: number;
  iopub_port: number;
  stdin_port: number;
  control_port: number;
  hb_port: number;
  key: string;
  signature_scheme: string;
  kernel_name?: string;
}

/** Signs and verifies message frames with the connection file's key and scheme. */
export class Signer {
  private readonly algo: string | null;
  constructor(private readonly key: string, scheme = 'hmac-sha256') {
    if (!key) { this.algo = null; return; }
    const m = /^hmac-([a-z0-9]+)$/i.exec(scheme);
    if (!m) throw new ConfigError('unsupported signature scheme', { expected: '"hmac-<hash>"', got: JSON.stringify(scheme), where: 'connection file $.signature_scheme' });
    this.algo = m[1].toLowerCase();
  }
  /** Whether messages carry signatures (a key was given). */
  get signs(): boolean { return this.algo !== null; }
  sign(parts: (Buffer | string)[]): string {
    if (!this.algo) return '';
    const h = createHmac(this.algo, this.key);
    for (const p of parts) h.update(p);
    return h.digest('hex');
  }
  verify(signature: string, parts: Buffer[]): boolean {
    if (!this.algo) return true;
    const want = Buffer.from(this.sign(parts), 'utf8');
    const got = Buffer.from(signature, 'utf8');
    return want.length === got.length && timingSafeEqual(want, got);
  }
}

/**
 * The signatures of the messages already accepted, as jupyter_client's `Session.digest_history`
 * keeps them: a correctly signed message sent a second time is a replay and is refused. The
 * history is bounded (default 2**16 entries, jupyter_client's `digest_history_size`); when full,
 * the oldest signatures are forgotten first.
 */
export class ReplayGuard {
  private readonly seen = new Set<string>();
  constructor(readonly capacity = 2 ** 16) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new ConfigError('bad replay history size', { expected: 'an integer >= 1', got: String(capacity), where: 'ReplayGuard' });
    }
  }
  get size(): number { return this.seen.size; }
  /** Records `signature`; false when it was seen before (a replay). */
  check(signature: string): boolean {
    if (this.seen.has(signature)) return false;
    this.seen.add(signature);
    if (this.seen.size > this.capacity) this.seen.delete(this.seen.values().next().value as string);
    return true;
  }
}

/**
 * Parses a multipart message; throws when the delimiter is missing, the signature is wrong, or
 * (with a `replay` guard and a signing key) the signature was seen before.
 */
export function parseMessage(frames: Buffer[], signer: Signer, replay?: ReplayGuard): Message {
  let i = 0;
  while (i < frames.length && !frames[i].equals(DELIM)) i++;
  if (i >= frames.length) throw new ParseError('bad message', { expected: 'a <IDS|MSG> delimiter frame', got: `${frames.length} frames without it`, where: 'wire' });
  if (frames.length < i + 6) throw new ParseError('bad message', { expected: 'at least 5 frames after the delimiter', got: String(frames.length - i - 1), where: 'wire' });
  const signature = frames[i + 1].toString('utf8');
  const body = frames.slice(i + 2, i + 6);
  if (!signer.verify(signature, body)) throw new ParseError('invalid HMAC signature', { expected: 'the HMAC of the 4 message frames', got: JSON.stringify(signature), where: 'wire' });
  if (replay && signer.signs && !replay.check(signature)) {
    throw new ReplayError('replayed message dropped', { expected: 'a signature not seen before', got: `a duplicate of ${signature.slice(0, 16)}…`, where: 'wire' });
  }
  return {
    identities: frames.slice(0, i),
    header: JSON.parse(body[0].toString('utf8')),
    parent_header: JSON.parse(body[1].toString('utf8')),
    metadata: JSON.parse(body[2].toString('utf8')),
    content: JSON.parse(body[3].toString('utf8')),
    buffers: frames.slice(i + 6),
  };
}

/** Serializes and signs a message into frames. */
export function serializeMessage(msg: Message, signer: Signer): Buffer[] {
  const body = [
    Buffer.from(JSON.stringify(msg.header), 'utf8'),
    Buffer.from(JSON.stringify(msg.parent_header), 'utf8'),
    Buffer.from(JSON.stringify(msg.metadata), 'utf8'),
    Buffer.from(JSON.stringify(msg.content), 'utf8'),
  ];
  return [...msg.identities, DELIM, Buffer.from(signer.sign(body), 'utf8'), ...body, ...msg.buffers];
}

let username = 'kernel';
export function setUsername(name: string): void { username = name; }

/** A new message; `parent` (when given) supplies the parent header and the session. */
export function newMessage<C>(msgType: string, content: C, parent?: Message | null, identities: Buffer[] = [],
  session = 'cnnlab-kernel'): Message<C> {
  return {
    identities,
    header: {
      msg_id: randomUUID(),
      session: parent?.header.session ?? session,
      username: parent?.header.username ?? username,
      date: new Date().toISOString(),
      msg_type: msgType,
      version: PROTOCOL_VERSION,
    },
    parent_header: parent ? parent.header : {},
    metadata: {},
    content,
    buffers: [],
  };
}

/** The reply to a request: same identities, type `<x>_reply`. */
export function replyTo<C>(req: Message, content: C, msgType?: string): Message<C> {
  const type = msgType ?? req.header.msg_type.replace(/_request$/, '_reply');
  return newMessage(type, content, req, req.identities);
}
