/**
 * The kernel over raw ZeroMQ (kernel/client.ts): signatures, the control channel, SIGINT
 * (interrupt_mode "signal"), stop_on_error aborting only the requests queued before the error,
 * output ordering before idle, shutdown. Plus the source-map decoder against hand-encoded VLQ.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawClient } from '../../kernel/client';
import { ReplayError, ReplayGuard, Signer, parseMessage, serializeMessage, newMessage } from '../../kernel/wire';
import { CellMap, composeMaps } from '../../kernel/sourcemap';
import ts from 'typescript';
import { ParseError } from '../../src/errors';
import { createHmac } from 'crypto';
import fs from 'fs';
import path from 'path';

let c: RawClient;
beforeAll(async () => {
  c = await RawClient.create();
  c.start();
  const r = await c.request('kernel_info_request', {}).done;
  expect(r.reply.content.status).toBe('ok');
});
afterAll(async () => { await c?.close(); });

const result = (r: { outputs: { header: { msg_type: string }; content: Record<string, any> }[] }) =>
  r.outputs.find((m) => m.header.msg_type === 'execute_result')?.content.data['text/plain'];

describe('wire format', () => {
  it('signs with HMAC-SHA256 over header, parent, metadata, content', () => {
    const s = new Signer('secret');
    const m = newMessage('kernel_info_request', {}, null);
    const frames = serializeMessage(m, s);
    const i = frames.findIndex((f) => f.toString() === '<IDS|MSG>');
    const want = createHmac('sha256', 'secret');
    for (const f of frames.slice(i + 2, i + 6)) want.update(f);
    expect(frames[i + 1].toString()).toBe(want.digest('hex'));
    expect(parseMessage(frames, s).header.msg_id).toBe(m.header.msg_id);
    expect(() => parseMessage(frames, new Signer('other'))).toThrow(/invalid HMAC signature/);
  });

  it('refuses a replayed signature and forgets the oldest ones beyond its capacity', () => {
    const s = new Signer('secret');
    const guard = new ReplayGuard(2);
    const f1 = serializeMessage(newMessage('execute_request', { code: '1' }, null), s);
    const f2 = serializeMessage(newMessage('execute_request', { code: '1' }, null), s);
    const f3 = serializeMessage(newMessage('execute_request', { code: '1' }, null), s);
    expect(parseMessage(f1, s, guard).content.code).toBe('1');
    expect(() => parseMessage(f1, s, guard)).toThrow(ReplayError);
    expect(() => parseMessage(f1, s, guard)).toThrow(/replayed message dropped; expected a signature not seen before/);
    parseMessage(f2, s, guard);
    expect(guard.size).toBe(2);
    parseMessage(f3, s, guard); // f1 is forgotten (capacity 2), f2 and f3 are kept
    expect(guard.size).toBe(2);
    expect(() => parseMessage(f3, s, guard)).toThrow(ReplayError);
    expect(parseMessage(f1, s, guard).header.msg_id).toBeTruthy();
    // Without a key nothing is signed, so there is nothing to compare.
    const open = new Signer('');
    const u = serializeMessage(newMessage('kernel_info_request', {}, null), open);
    parseMessage(u, open, guard);
    expect(parseMessage(u, open, guard).header.msg_type).toBe('kernel_info_request');
    expect(new ReplayGuard().capacity).toBe(65536);
  });

  it('composes TypeScript\'s two source maps and finds cell positions (the @jridgewell libraries)', () => {
    // The cell behind tslab's one-line prefix, compiled as the kernel does: TS → ESM, then ESM → CommonJS.
    const cell = 'interface P { x: number }\nconst p: P = { x: 1 };\nconst q = p.x + missing;\n';
    const esm = ts.transpileModule(`export {};\n${cell}`, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, sourceMap: true }, fileName: 'cell.ts' });
    const cjs = ts.transpileModule(esm.outputText.replace(/\/\/# sourceMappingURL=.*$/m, ''), { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, sourceMap: true }, fileName: 'cell.js' });
    const map = new CellMap(composeMaps(cjs.sourceMapText!, esm.sourceMapText!));
    const js = cjs.outputText.split('\n');
    const line = js.findIndex((l) => l.includes('missing'));
    expect(line).toBeGreaterThanOrEqual(0);
    // `missing` is on the cell's line 3, column 17 (1-based), wherever the JavaScript put it.
    expect(map.position(line, js[line].indexOf('missing'))).toEqual({ line: 3, col: 17 });
    expect(map.position(js.findIndex((l) => l.includes('const p')), 0)).toEqual({ line: 2, col: 1 });
    expect(() => composeMaps('{', esm.sourceMapText!)).toThrow(/source map is not JSON/);
    expect(() => composeMaps('{"version":2}', esm.sourceMapText!)).toThrow(ParseError);
  });
});

describe('kernel over raw ZeroMQ', () => {
  it('drops messages with a bad signature and still answers good ones', async () => {
    const bad = c.request('kernel_info_request', {}, { sign: false });
    const good = await c.request('kernel_info_request', {}).done;
    expect(good.reply.content.implementation).toBe('cnnlab');
    const raced = await Promise.race([bad.done.then(() => 'answered'), new Promise((r) => setTimeout(() => r('dropped'), 300))]);
    expect(raced).toBe('dropped');
  });

  it('runs a correctly signed execute_request sent twice only once (replay dropped)', async () => {
    await c.execute('let replayRuns = 0;').done;
    const r = await c.execute('replayRuns++;\nreplayRuns', {}, { repeat: 2 }).done;
    expect(result(r)).toBe('1');
    // Give a second execution (if the replay were accepted) time to happen, then count.
    await new Promise((res) => setTimeout(res, 300));
    const n = await c.execute('replayRuns').done;
    expect(result(n)).toBe('1');
    expect(n.reply.content.execution_count).toBe((r.reply.content.execution_count as number) + 1);
    expect(c.stderr).toMatch(/shell: dropped a message: replayed message dropped/);
  });

  it('answers kernel_info_request on the control channel with busy/idle on iopub', async () => {
    const r = await c.request('kernel_info_request', {}, { channel: 'control' }).done;
    expect(r.reply.header.msg_type).toBe('kernel_info_reply');
    expect(r.iopub.map((m) => m.content.execution_state)).toEqual(['busy', 'idle']);
  });

  it('SIGINT stops a busy loop (interrupt_mode signal) and keeps state', async () => {
    await c.execute('let kept = "still here";').done;
    const run = c.execute('let n = 0;\nwhile (true) { n++; }');
    // Once execute_input is out, the kernel is running (or compiling) this cell.
    while (!c.allIopub.some((m) => m.parent_header.msg_id === run.msgId && m.header.msg_type === 'execute_input')) {
      await new Promise((r) => setTimeout(r, 20));
    }
    await new Promise((r) => setTimeout(r, 300));
    c.proc!.kill('SIGINT');
    const r = await run.done;
    expect(r.reply.content.status).toBe('error');
    expect(r.reply.content.ename).toBe('KeyboardInterrupt');
    expect(result(await c.execute('kept').done)).toBe('still here');
  });

  it('stop_on_error aborts requests queued before the error, not those sent after it', async () => {
    const a = c.execute('await new Promise((r) => setTimeout(r, 400));\nthrow new Error("first fails");');
    const b = c.execute('"queued 1"');
    const d = c.execute('"queued 2"', { stop_on_error: false });
    const ra = await a.done;
    expect(ra.reply.content.status).toBe('error');
    expect((await b.done).reply.content.status).toBe('aborted');
    expect((await d.done).reply.content.status).toBe('aborted');
    const after = await c.execute('"after the error"').done;
    expect(after.reply.content.status).toBe('ok');
    expect(result(after)).toBe('after the error');
  });

  it('publishes all output of a cell, also from pending timers it awaits, before idle', async () => {
    const r = await c.execute('for (let i = 0; i < 200; i++) console.log("line " + i);\nawait new Promise((res) => setTimeout(() => { console.error("late"); res(0); }, 50));\n"end"').done;
    const stdout = r.outputs.filter((m) => m.header.msg_type === 'stream' && m.content.name === 'stdout').map((m) => m.content.text).join('');
    expect(stdout.split('\n').filter(Boolean)).toEqual(Array.from({ length: 200 }, (_, i) => `line ${i}`));
    expect(r.outputs.some((m) => m.header.msg_type === 'stream' && m.content.name === 'stderr' && m.content.text === 'late\n')).toBe(true);
    expect(r.iopub[r.iopub.length - 1].content.execution_state).toBe('idle');
    expect(result(r)).toBe('end');
  });

  it('greets each new IOPub subscriber with a signed iopub_welcome (XPUB, JEP 65)', async () => {
    const first = c.allIopub.filter((m) => m.header.msg_type === 'iopub_welcome');
    expect(first.length).toBeGreaterThanOrEqual(1);
    expect(first[0].content).toEqual({ subscription: '' });
    expect(first[0].parent_header).toEqual({});
    // A second subscriber (same topic) gets its own welcome; the first one's count may grow too (PUB fans out).
    const zmq = await import('zeromq');
    const sub = new zmq.Subscriber({ linger: 0 });
    sub.connect(`tcp://${c.conn.ip}:${c.conn.iopub_port}`);
    sub.subscribe();
    try {
      const [frames] = await Promise.race([sub.receive().then((f) => [f]), new Promise<never>((_, rej) => setTimeout(() => rej(new Error('no welcome in 3 s')), 3000))]);
      const m = parseMessage(frames as Buffer[], c.signer);
      expect(m.header.msg_type).toBe('iopub_welcome');
      expect(m.content).toEqual({ subscription: '' });
    } finally { sub.close(); }
  });

  it('prompt() blocks the cell until the input_reply; output printed before it arrives first', async () => {
    const seen: string[] = [];
    c.onInputRequest = async (m) => {
      seen.push(String(m.content.prompt));
      // The kernel flushed "before" on IOPub before blocking; allow the other socket a moment.
      for (let i = 0; i < 50 && !c.allIopub.some((x) => x.header.msg_type === 'stream' && String(x.content.text).includes('before prompt')); i++) {
        await new Promise((res) => setTimeout(res, 10));
      }
      seen.push(c.allIopub.some((x) => x.header.msg_type === 'stream' && String(x.content.text).includes('before prompt')) ? 'stream first' : 'stream missing');
      return 'Ada';
    };
    try {
      const r = await c.execute('console.log("before prompt");\nconst who: string = prompt("name? ");\n`hi ${who}, ${prompt("empty? ", "fallback")}`', { allow_stdin: true }).done;
      expect(r.reply.content.status).toBe('ok');
      expect(seen).toEqual(['name? ', 'stream first', 'empty? ', 'stream first']);
      expect(result(r)).toBe('hi Ada, Ada');
      c.onInputRequest = () => '';
      const d = await c.execute('prompt("empty? ", "fallback")', { allow_stdin: true }).done;
      expect(result(d)).toBe('fallback');
      const no = await c.execute('prompt("x")', { allow_stdin: false }).done;
      expect(no.reply.content.ename).toBe('RuntimeError');
      expect(no.reply.content.evalue).toMatch(/prompt\(\): the frontend does not take input/);
    } finally { c.onInputRequest = null; }
  });

  it('interrupt_request wakes a blocked prompt() with KeyboardInterrupt and keeps state', async () => {
    await c.execute('let beforePrompt = 7;').done;
    let asked!: () => void;
    const askedP = new Promise<void>((res) => { asked = res; });
    c.onInputRequest = () => { asked(); return new Promise<string>(() => {}); };
    try {
      const run = c.execute('prompt("never answered")', { allow_stdin: true });
      await askedP;
      const ir = await c.request('interrupt_request', {}, { channel: 'control' }).done;
      expect(ir.reply.content.status).toBe('ok');
      const r = await run.done;
      expect(r.reply.content.ename).toBe('KeyboardInterrupt');
      expect(result(await c.execute('beforePrompt * 6').done)).toBe('42');
    } finally { c.onInputRequest = null; }
  });

  it('errors after a cell ended go to the cell that scheduled them, with TypeScript positions', async () => {
    const code = 'interface Late { msg: string }\nconst late: Late = { msg: "late timer" };\nsetTimeout(() => {\n  throw new Error(late.msg);\n}, 300);\nsetTimeout(() => { Promise.reject(new RangeError("late rejection")); }, 350);\n"scheduled"';
    const a = c.execute(code);
    const ra = await a.done;
    expect(result(ra)).toBe('scheduled');
    const n = ra.reply.content.execution_count as number;
    const b = c.execute('await new Promise((r) => setTimeout(r, 900));\n"later cell"');
    const rb = await b.done;
    expect(rb.outputs.filter((m) => m.header.msg_type === 'error' || m.header.msg_type === 'stream')).toEqual([]);
    const late = c.allIopub.filter((m) => m.header.msg_type === 'error' && m.parent_header.msg_id === a.msgId);
    expect(late.map((m) => m.content.evalue)).toEqual(['late timer', 'late rejection']);
    expect(late.map((m) => m.content.ename)).toEqual(['Error', 'RangeError']);
    const tb = late[0].content.traceback as string[];
    expect(tb[0]).toBe(`(uncaught exception in a callback scheduled by cell[${n}])`);
    expect(tb[1]).toBe('Error: late timer');
    expect(tb[2]).toMatch(new RegExp(`^    at Timeout\\._onTimeout \\(cell\\[${n}\\]:4:9\\)$`));
    expect(tb.slice(-4)).toEqual(['', `cell[${n}], line 4:`, '    throw new Error(late.msg);', '          ^']);
    expect((late[1].content.traceback as string[])[0]).toBe(`(unhandled promise rejection in a callback scheduled by cell[${n}])`);
  });

  it('tracebacks: the user\'s frames first, cnnlab\'s folded into one line; trace errors name the module', async () => {
    const r = await c.execute('const badNet = new nn.Sequential(new nn.Conv2d(3, 8, 3), new nn.Conv2d(4, 8, 3));\nbadNet.trace([1, 3, 32, 32]);').done;
    expect(r.reply.content.ename).toBe('ShapeError');
    expect(r.reply.content.evalue).toMatch(/input has 8 channels; .*; at module '1' \(Conv2d\)$/);
    const tb = r.reply.content.traceback as string[];
    const frames = tb.filter((l) => l.startsWith('    at ') || l.startsWith('    ... '));
    expect(frames[0]).toMatch(/^    at cell\[\d+\]:2:8$/);
    expect(frames, tb.join('\n')).toHaveLength(2);
    expect(frames[1]).toMatch(/^    \.\.\. \d+ frames inside cnnlab \(Conv2d\.forward, Conv2d\.call, Sequential\.forward, Sequential\.call, …\)$/);
  });

  it('html, md, svg tagged templates and image(bytesOrPath) display as Deno\'s kernel does; no global Deno', async () => {
    const { PNG } = await import('pngjs');
    const png = new PNG({ width: 2, height: 1 });
    png.data.set([255, 0, 0, 255, 0, 0, 255, 255]);
    const bytes = PNG.sync.write(png);
    const file = path.join(c.dir, 'tiny.png');
    fs.writeFileSync(file, bytes);
    const data = async (code: string) => (await c.execute(code).done).outputs.find((m) => m.header.msg_type === 'execute_result')?.content.data;
    expect(await data('const who = "you";\nhtml`<b>hi ${who}</b>`')).toEqual({ 'text/html': '<b>hi you</b>', 'text/plain': '<b>hi you</b>' });
    expect(await data('md`# Title ${1 + 1}`')).toEqual({ 'text/markdown': '# Title 2', 'text/plain': '# Title 2' });
    expect((await data('svg`<svg width="4"></svg>`'))!['image/svg+xml']).toBe('<svg width="4"></svg>');
    const img = await data(`image(${JSON.stringify(file)})`);
    expect(img).toEqual({ 'image/png': bytes.toString('base64'), 'text/plain': `<image/png, ${bytes.length} bytes>` });
    const img2 = await data(`image(new Uint8Array(require("fs").readFileSync(${JSON.stringify(file)})))`);
    expect(img2!['image/png']).toBe(bytes.toString('base64'));
    const bad = await c.execute('image(new Uint8Array([1, 2, 3]))').done;
    expect(bad.reply.content.ename).toBe('ConfigError');
    expect(bad.reply.content.evalue).toMatch(/image: unknown image format; expected PNG, JPEG, GIF, WebP or SVG bytes; got bytes starting 010203/);
    const missing = await c.execute('image("/no/such.png")').done;
    expect(missing.reply.content.ename).toBe('NotFoundError');
    expect(result(await c.execute('typeof (globalThis as any).Deno').done)).toBe('undefined');
  });

  it('Shift-Tab (inspect_request) shows documentation, not only the signature', async () => {
    const inspect = async (code: string, pos = [...code].length) => {
      const r = await c.request('inspect_request', { code, cursor_pos: pos, detail_level: 0 }).done;
      expect(r.reply.content.status).toBe('ok');
      return r.reply.content.found ? String(r.reply.content.data['text/plain']) : null;
    };
    await c.execute('/** Doubles a number.\n * @param x the number to double */\nfunction twice(x: number): number { return 2 * x; }').done;
    const t = await inspect('twice(');
    expect(t).toContain('function twice(x: number): number');
    expect(t).toContain('Doubles a number.');
    expect(t).toContain('@param x the number to double');
    const s = await inspect('analysis.summary(');
    expect(s).toMatch(/^function summary\(model: /);
    expect(s).toContain('torchinfo-like table');
    // zoo builders come from variant tables (no JSDoc on them): the registry's entry is their documentation
    const z = await inspect('const m = zoo.resnet50(');
    expect(z).toContain("resnet50 — 'resnet50' in the zoo: Deep Residual Learning for Image Recognition (He et al., CVPR 2016)");
    expect(z).toContain('  strideIn = "3x3" ("3x3" | "1x1"): \'3x3\': torchvision v1.5');
    expect(z).toContain('  numClasses = 1000 (an integer ≥ 1)');
    expect(z).toContain('Default input: [1, 3, 224, 224]');
    // the cursor inside the name (`zoo.mo|bilenetV1`) finds the whole name
    expect(await inspect('zoo.mobilenetV1', 6)).toContain("mobilenetV1 — 'mobilenet_v1' in the zoo");
    expect(await inspect('   ')).toBeNull();
  });

  it('answers connect_request with the ports of the connection file', async () => {
    const r = await c.request('connect_request', {}).done;
    expect(r.reply.content).toMatchObject({ status: 'ok', shell_port: c.conn.shell_port, iopub_port: c.conn.iopub_port,
      stdin_port: c.conn.stdin_port, hb_port: c.conn.hb_port, control_port: c.conn.control_port });
  });

  it('store_history: false runs the cell without counting it or recording it', async () => {
    const a = await c.execute('"counted"').done;
    const n = a.reply.content.execution_count as number;
    const b = await c.execute('"not counted"', { store_history: false }).done;
    expect(b.reply.content.execution_count).toBe(n);
    expect(result(b)).toBe('not counted');
    const d = await c.execute('"counted again"').done;
    expect(d.reply.content.execution_count).toBe(n + 1);
    const h = await c.request('history_request', { hist_access_type: 'tail', n: 2, output: false, raw: true }).done;
    expect((h.reply.content.history as unknown[][]).map((e) => e[2])).toEqual(['"counted"', '"counted again"']);
  });

  it('exits on shutdown_request', async () => {
    const exited = new Promise<number | null>((r) => c.proc!.once('exit', (code) => r(code)));
    const r = await c.request('shutdown_request', { restart: false }, { channel: 'control' }).done;
    expect(r.reply.content).toEqual({ status: 'ok', restart: false });
    expect(await exited).toBe(0);
  });
});
