/**
 * Every message the kernel sends, on every channel, checked against the messaging
 * specification's schemas (./msgspec.ts): a session that makes the kernel emit each message type
 * it has, then one strict check per received message.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawClient } from '../../kernel/client';
import { CONTENT, checkMessage } from './msgspec';

let c: RawClient;
beforeAll(async () => {
  c = await RawClient.create();
  c.start();
  await c.request('kernel_info_request', {}).done;
});
afterAll(async () => { await c?.close(); });

describe('message schemas', () => {
  it('reject what strict clients reject (the schemas can fail)', () => {
    const base = { header: { msg_id: 'a', session: 's', username: 'u', date: '2026-01-01T00:00:00.000Z', msg_type: 'kernel_info_reply', version: '5.4' }, parent_header: {}, metadata: {} };
    const info = { status: 'ok', protocol_version: '5.4', implementation: 'x', implementation_version: '1', banner: '',
      language_info: { name: 'typescript', version: '5', mimetype: 'text/typescript', file_extension: '.ts', codemirror_mode: 'typescript' } };
    expect(checkMessage('shell', { ...base, content: info })).toEqual([]);
    const oldMode = { ...info, language_info: { ...info.language_info, codemirror_mode: { name: 'javascript', typescript: true } } };
    expect(checkMessage('shell', { ...base, content: oldMode }).join('\n')).toMatch(/codemirror_mode/);
    const exec = { ...base, header: { ...base.header, msg_type: 'execute_input' } };
    expect(checkMessage('iopub', { ...exec, content: { code: '1', execution_count: 1.5 } }).join('\n')).toMatch(/must be integer/);
    expect(checkMessage('iopub', { ...exec, header: { ...exec.header, msg_type: 'status' }, content: { execution_state: 'running' } }).join('\n')).toMatch(/allowed values/);
    expect(checkMessage('shell', { ...exec, content: { code: '1', execution_count: 1 } }).join('\n')).toMatch(/arrived on shell/);
    expect(checkMessage('iopub', { ...exec, header: { ...exec.header, date: 'yesterday' }, content: { code: '1', execution_count: 1 } }).join('\n')).toMatch(/date/);
  });
});

describe('every message the kernel sends conforms to the messaging spec 5.4', () => {
  it('across a session that emits each message type', async () => {
    const ex = (code: string, extra: Record<string, unknown> = {}) => c.execute(code, extra).done;
    await ex('console.log("out"); console.error("err");\n6 * 7');
    await ex('const h = display({ "text/html": "<b>x</b>", "text/plain": "x" }, { raw: true, displayId: "d1" });\nh.update({ "text/plain": "y" }, { raw: true } as any);\nclearOutput({ wait: true });\ndisplay(1);');
    await ex('throw new Error("boom")');
    await ex('const n: number = "not a number";');
    await ex('page("help text")');
    await ex('registerCommTarget("t", (comm) => comm.onMsg((d) => comm.send({ echo: d })));\nconst cm = comm("kernel-side", { a: 1 });\ncm.send({ b: 2 });\ncm.close();');
    c.onInputRequest = () => 'typed';
    await ex('const typed = await input("? ");\nconst typed2 = prompt("! ");', { allow_stdin: true });
    c.onInputRequest = null;
    // aborted: queued after an error
    const a = c.execute('await new Promise((r) => setTimeout(r, 200));\nthrow new Error("first")');
    const b = c.execute('"queued"');
    await a.done; await b.done;
    await ex('1', { user_expressions: { two: '1 + 1', bad: 'nope(' } });
    await ex('"silent"', { silent: true });
    for (const code of ['1 + 1', 'function f() {', '}{']) await c.request('is_complete_request', { code }).done;
    await c.request('complete_request', { code: 'Math.ab', cursor_pos: 7 }).done;
    await c.request('inspect_request', { code: 'Math.max', cursor_pos: 8, detail_level: 0 }).done;
    await c.request('inspect_request', { code: '', cursor_pos: 0, detail_level: 0 }).done;
    for (const q of [{ hist_access_type: 'tail', n: 3, output: true, raw: true }, { hist_access_type: 'range', session: 0, start: 1, stop: 3, output: false, raw: true },
      { hist_access_type: 'search', pattern: '6 *', n: 2, unique: true, output: false, raw: true }]) await c.request('history_request', q).done;
    await c.request('comm_info_request', {}).done;
    await c.request('connect_request', {}).done;
    await c.request('kernel_info_request', {}, { channel: 'control' }).done;
    await c.request('debug_request', { seq: 1, type: 'request', command: 'initialize', arguments: {} }, { channel: 'control' }).done;
    await c.request('interrupt_request', {}, { channel: 'control' }).done;
    // a frontend-opened comm with an unknown target is closed by the kernel (comm_close)
    c.request('comm_open', { comm_id: 'c-unknown', target_name: 'nobody', data: {} });
    for (let i = 0; i < 100 && !c.allIopub.some((m) => m.header.msg_type === 'comm_close' && m.content.comm_id === 'c-unknown'); i++) {
      await new Promise((r) => setTimeout(r, 20));
    }
    const exited = new Promise<void>((r) => c.proc!.once('exit', () => r()));
    c.request('shutdown_request', { restart: false }, { channel: 'control' });
    await exited;
    await new Promise((r) => setTimeout(r, 100));

    const problems = c.received.flatMap(({ channel, msg }) => checkMessage(channel, msg));
    expect(problems).toEqual([]);
    const seen = new Set(c.received.map((r) => r.msg.header.msg_type));
    // Every type the kernel can send was produced (so each was checked at least once).
    expect(Object.keys(CONTENT).filter((t) => !seen.has(t)).sort()).toEqual([]);
    expect(c.received.length).toBeGreaterThan(100);
  }, 60_000);
});
