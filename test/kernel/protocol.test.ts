/**
 * The cnnlab kernel through a real jupyter_server and @jupyterlab/services: execute results
 * with full bundles, display/update/clear, errors with TypeScript line numbers, type errors,
 * interrupts that keep state, stdin, is_complete/complete/inspect, history, comms.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'path';
import fs from 'fs';
import os from 'os';
import type { Kernel, KernelMessage } from '@jupyterlab/services';
import { exec, startServer, Server, ROOT } from './server';

let server: Server;
let kernel: Kernel.IKernelConnection;
let nbDir: string;

beforeAll(async () => {
  // A notebook directory far from the project: 'cnnlab' and @types/node must still resolve.
  nbDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnnlab-far-nb-'));
  fs.writeFileSync(path.join(nbDir, 'factor.ts'), 'export const FACTOR: number = 2;\n');
  fs.writeFileSync(path.join(nbDir, 'helper.ts'), 'import { FACTOR } from "./factor";\nexport function twice(x: number): number {\n  return FACTOR * x;\n}\n');
  server = await startServer(nbDir);
  kernel = await server.kernels.startNew({ name: 'cnnlab' });
  const info = await kernel.info;
  expect(info.implementation).toBe('cnnlab');
});

afterAll(async () => {
  await server?.stop();
  if (nbDir) fs.rmSync(nbDir, { recursive: true, force: true });
});

/** Resolves once the kernel has published execute_input for this request (it is then running it), plus 300 ms. */
function started(future: Kernel.IShellFuture<KernelMessage.IShellMessage, KernelMessage.IShellMessage> | Kernel.IShellFuture<KernelMessage.IExecuteRequestMsg, KernelMessage.IExecuteReplyMsg>): Promise<void> {
  return new Promise((resolve) => {
    future.onIOPub = (m) => { if (m.header.msg_type === 'execute_input') setTimeout(resolve, 300); };
  });
}

const plain = (m: KernelMessage.IIOPubMessage) => ((m.content as { data: Record<string, unknown> }).data['text/plain']);

describe('cnnlab kernel protocol', () => {
  it('kernel_info_reply has status ok, protocol 5.4 and TypeScript language info', async () => {
    const r = await kernel.requestKernelInfo();
    expect(r!.content.status).toBe('ok');
    const c = r!.content as KernelMessage.IInfoReply;
    expect(c.protocol_version).toBe('5.4');
    expect(c.language_info.codemirror_mode).toBe('typescript');
    expect(c.language_info.name).toBe('typescript');
    expect(c.language_info.file_extension).toBe('.ts');
  });

  it('publishes execute_input and an execute_result for the last expression', async () => {
    const r = await exec(kernel, 'const a = 20;\na + 22');
    expect(r.reply.status).toBe('ok');
    const input = r.iopub.find((m) => m.header.msg_type === 'execute_input');
    expect((input!.content as { code: string }).code).toBe('const a = 20;\na + 22');
    const res = r.outputs.filter((m) => m.header.msg_type === 'execute_result');
    expect(res).toHaveLength(1);
    expect(plain(res[0])).toBe('42');
    expect((res[0].content as { execution_count: number }).execution_count).toBe(r.reply.execution_count);
    // Busy first, idle last, every output in between.
    const states = r.iopub.filter((m) => m.header.msg_type === 'status').map((m) => (m.content as { execution_state: string }).execution_state);
    expect(states).toEqual(['busy', 'idle']);
    expect(r.iopub[r.iopub.length - 1].header.msg_type).toBe('status');
  });

  it('state carries across cells; functions and types too', async () => {
    await exec(kernel, 'interface P { x: number; y: number }\nfunction norm(p: P): number { return Math.hypot(p.x, p.y); }');
    const r = await exec(kernel, 'const p: P = { x: 3, y: 4 };\nnorm(p)');
    expect(plain(r.outputs.find((m) => m.header.msg_type === 'execute_result')!)).toBe('5');
  });

  it('sends every MIME type of a Symbol.for("Jupyter.display") bundle in one message', async () => {
    const code = `const pngBytes = new Uint8Array([137, 80, 78, 71]);
({ [Symbol.for('Jupyter.display')]() { return { 'text/plain': 'rich', 'text/html': '<b>rich</b>', 'image/png': pngBytes, 'application/vnd.cnnlab.summary+json': { rows: [1, 2] } }; } })`;
    const r = await exec(kernel, code);
    const res = r.outputs.filter((m) => m.header.msg_type === 'execute_result');
    expect(res).toHaveLength(1);
    const data = (res[0].content as { data: Record<string, unknown> }).data;
    expect(data['text/plain']).toBe('rich');
    expect(data['text/html']).toBe('<b>rich</b>');
    expect(data['image/png']).toBe(Buffer.from([137, 80, 78, 71]).toString('base64'));
    expect(data['application/vnd.cnnlab.summary+json']).toEqual({ rows: [1, 2] });
  });

  it('display() sends display_data (also for a known displayId, as IPython); handle.update() and update: true send update_display_data; clearOutput(wait)', async () => {
    const r = await exec(kernel, `const h = display({ 'text/plain': 'one', 'text/html': '<p>one</p>' }, { raw: true, displayId: 'd1' });
h.update({ 'text/plain': 'two', 'text/html': '<p>two</p>' }, { raw: true });
display('three', { displayId: 'd1', update: true });
display('four', { displayId: 'd1' });
display('five', { displayId: 'd1', update: false });
clearOutput({ wait: true });`);
    expect(r.reply.status).toBe('ok');
    // @jupyterlab/services re-delivers a display_data whose display_id it knows as an
    // update_display_data (same msg_id) before the message itself: keep what the kernel sent.
    const sent = r.outputs.filter((m, i) => !r.outputs.slice(i + 1).some((n) => n.header.msg_id === m.header.msg_id));
    r.outputs.splice(0, r.outputs.length, ...sent);
    const types = r.outputs.map((m) => m.header.msg_type);
    expect(types, JSON.stringify(r.outputs.map((m) => [m.header.msg_type, m.content]))).toEqual(['display_data', 'update_display_data', 'update_display_data', 'display_data', 'display_data', 'clear_output']);
    expect(plain(r.outputs[3])).toBe('four');
    const c0 = r.outputs[0].content as { data: Record<string, string>; transient: { display_id: string } };
    expect(c0.data).toEqual({ 'text/plain': 'one', 'text/html': '<p>one</p>' });
    expect(c0.transient.display_id).toBe('d1');
    expect((r.outputs[1].content as { data: Record<string, string> }).data['text/html']).toBe('<p>two</p>');
    expect((r.outputs[2].content as { transient: { display_id: string } }).transient.display_id).toBe('d1');
    expect((r.outputs[5].content as { wait: boolean }).wait).toBe(true);
    // display() as the last expression shows the object once, not also its handle.
    const once = await exec(kernel, 'display("shown once")');
    expect(once.outputs.map((m) => m.header.msg_type)).toEqual(['display_data']);
    expect(plain(once.outputs[0])).toBe('shown once');
  });

  it('progress() updates one display in place with text/plain and text/html', async () => {
    const r = await exec(kernel, 'let sum = 0;\nfor (const i of progress(50, { intervalMs: 0 })) sum += i;\nsum');
    const displays = r.outputs.filter((m) => m.header.msg_type === 'display_data');
    const updates = r.outputs.filter((m) => m.header.msg_type === 'update_display_data');
    expect(displays).toHaveLength(1);
    expect(updates.length).toBeGreaterThanOrEqual(50);
    const id = (displays[0].content as { transient: { display_id: string } }).transient.display_id;
    for (const u of updates) expect((u.content as { transient: { display_id: string } }).transient.display_id).toBe(id);
    const last = (updates[updates.length - 1].content as { data: Record<string, string> }).data;
    expect(last['text/plain']).toMatch(/100%\|█+\| 50\/50/);
    expect(last['text/html']).toContain('<progress value="50" max="50"');
    expect(plain(r.outputs.find((m) => m.header.msg_type === 'execute_result')!)).toBe(String((49 * 50) / 2));
  });

  it('the library\'s long computations (occlusion) show a progress bar; onProgress: false shows none', async () => {
    const setup = 'const occNet = new nn.Sequential(new nn.Conv2d(3, 4, 3, { padding: 1 }), new nn.ReLU(), new nn.AdaptiveAvgPool2d(1), new nn.Flatten(), new nn.Linear(4, 3));\n'
      + 'const occX = new Tensor(\'float32\', Float32Array.from({ length: 3 * 16 * 16 }, (_, i) => (i % 7) / 7), [1, 3, 16, 16]);';
    expect((await exec(kernel, setup)).reply.status).toBe('ok');
    // 16×16 image, 4×4 patch, stride 4: 16 positions in batches of 4
    const r = await exec(kernel, 'const occ = await analysis.occlusion(occNet, occX, { size: 4, stride: 4, batchSize: 4 });\nocc.passes');
    expect(r.reply.status).toBe('ok');
    const displays = r.outputs.filter((m) => m.header.msg_type === 'display_data');
    expect(displays).toHaveLength(1);
    const text = (m: (typeof r.outputs)[number]) => String((m.content as { data: Record<string, string> }).data['text/plain']);
    expect(text(displays[0])).toMatch(/^occlusion: /);
    const last = r.outputs.filter((m) => m.header.msg_type === 'update_display_data').at(-1)!;
    expect(text(last)).toMatch(/^occlusion: 100%\|█+\| 16\/16/);
    expect(plain(r.outputs.find((m) => m.header.msg_type === 'execute_result')!)).toBe('5');
    const quiet = await exec(kernel, '(await analysis.occlusion(occNet, occX, { size: 4, stride: 4, onProgress: false })).passes');
    expect(quiet.outputs.map((m) => m.header.msg_type)).toEqual(['execute_result']);
  });

  it('runtime errors: error message and reply with ename/evalue and TypeScript line numbers; next cell runs', async () => {
    const code = 'type T = { a: number };\n\ninterface U { b: string }\nfunction boom(): never {\n  throw new RangeError("bad value " + 7);\n}\nboom();';
    const r = await exec(kernel, code);
    expect(r.reply.status).toBe('error');
    const c = r.reply as KernelMessage.IReplyErrorContent;
    expect(c.ename).toBe('RangeError');
    expect(c.evalue).toBe('bad value 7');
    const errs = r.outputs.filter((m) => m.header.msg_type === 'error');
    expect(errs).toHaveLength(1);
    const tb = (errs[0].content as { traceback: string[] }).traceback.join('\n');
    // The throw is on TypeScript line 5 (column 3), the call on line 7 — not the JavaScript lines.
    expect(tb).toMatch(/boom \(cell\[\d+\]:5:9\)/);
    expect(tb).toMatch(/cell\[\d+\]:7:1/);
    expect(tb).toContain('throw new RangeError("bad value " + 7);');
    expect(r.outputs.filter((m) => m.header.msg_type === 'stream')).toHaveLength(0);
    const next = await exec(kernel, '1 + 1');
    expect(next.reply.status).toBe('ok');
    expect(plain(next.outputs.find((m) => m.header.msg_type === 'execute_result')!)).toBe('2');
  });

  it('type errors are errors with the TypeScript diagnostic and position', async () => {
    const r = await exec(kernel, 'let n: number = 1;\nconst s: string = n;');
    expect(r.reply.status).toBe('error');
    const c = r.reply as KernelMessage.IReplyErrorContent;
    expect(c.ename).toBe('TSError');
    expect(c.evalue).toContain("line 2, column 7: Type 'number' is not assignable to type 'string'.");
    expect(c.traceback.join('\n')).toContain('error TS2322');
  });

  it('silent execution: no execute_input, no outputs, no count increment', async () => {
    const before = (await exec(kernel, '0')).reply.execution_count;
    const r = await exec(kernel, 'console.log("hidden"); 5', { silent: true });
    expect(r.reply.status).toBe('ok');
    expect(r.outputs).toHaveLength(0);
    expect(r.iopub.some((m) => m.header.msg_type === 'execute_input')).toBe(false);
    const after = (await exec(kernel, '0')).reply.execution_count;
    expect(after).toBe(before! + 1);
  });

  it('user_expressions are evaluated', async () => {
    const r = await exec(kernel, 'const ue = 6;', { user_expressions: { sq: 'ue * ue', bad: 'nope.x' } });
    const ue = (r.reply as KernelMessage.IExecuteReplyMsg['content'] & { user_expressions: Record<string, any> }).user_expressions;
    expect(ue.sq.status).toBe('ok');
    expect(ue.sq.data['text/plain']).toBe('36');
    expect(ue.bad.status).toBe('error');
  });

  it('interrupt_request stops a busy loop and keeps state', async () => {
    await exec(kernel, 'let keep = 41;');
    const future = kernel.requestExecute({ code: 'let spins = 0;\nwhile (true) { spins++; }' });
    await started(future);
    await kernel.interrupt();
    const reply = (await future.done) as KernelMessage.IExecuteReplyMsg;
    expect(reply.content.status).toBe('error');
    expect((reply.content as KernelMessage.IReplyErrorContent).ename).toBe('KeyboardInterrupt');
    const r = await exec(kernel, 'keep + 1');
    expect(plain(r.outputs.find((m) => m.header.msg_type === 'execute_result')!)).toBe('42');
  });

  it('interrupt_request stops a pending await', async () => {
    const future = kernel.requestExecute({ code: 'await new Promise((r) => setTimeout(r, 60000));\n"done"' });
    await started(future);
    await kernel.interrupt();
    const reply = (await future.done) as KernelMessage.IExecuteReplyMsg;
    expect(reply.content.status).toBe('error');
    expect((reply.content as KernelMessage.IReplyErrorContent).ename).toBe('KeyboardInterrupt');
    const r = await exec(kernel, 'keep');
    expect(plain(r.outputs.find((m) => m.header.msg_type === 'execute_result')!)).toBe('41');
  });

  it('await input(prompt) sends input_request on stdin and gets the reply', async () => {
    let prompt = '';
    const r = await exec(kernel, 'const answer = await input("name? ");\n`hello ${answer}`', { allow_stdin: true }, (m, future) => {
      if (m.header.msg_type === 'input_request') {
        prompt = (m.content as { prompt: string }).prompt;
        future.sendInputReply({ status: 'ok', value: 'cnn' }, m.header as KernelMessage.IHeader<'input_request'>);
      }
    });
    expect(prompt).toBe('name? ');
    expect(plain(r.outputs.find((m) => m.header.msg_type === 'execute_result')!)).toBe('hello cnn');
  });

  it('is_complete answers complete, incomplete (with indent) and invalid', async () => {
    const st = async (code: string) => (await kernel.requestIsComplete({ code })).content;
    expect((await st('const x = 1;')).status).toBe('complete');
    const inc = await st('function f() {');
    expect(inc.status).toBe('incomplete');
    expect((inc as { indent: string }).indent).toBe('  ');
    expect((await st('const 1 = 2;')).status).toBe('invalid');
  });

  it('complete and inspect come from the TypeScript language service', async () => {
    await exec(kernel, 'const tensorShape = [1, 3, 224, 224];');
    const code = 'tensorSh';
    const c = (await kernel.requestComplete({ code, cursor_pos: code.length })).content as KernelMessage.ICompleteReplyMsg['content'] & KernelMessage.IReplyOkContent & { matches: string[]; cursor_start: number; cursor_end: number };
    expect(c.matches).toContain('tensorShape');
    expect(c.cursor_start).toBe(0);
    expect(c.cursor_end).toBe(code.length);
    const m = (await kernel.requestComplete({ code: 'tensorShape.sl', cursor_pos: 14 })).content as KernelMessage.ICompleteReplyMsg['content'] & KernelMessage.IReplyOkContent & { matches: string[]; cursor_start: number; cursor_end: number };
    expect(m.matches).toContain('slice');
    expect(m.cursor_start).toBe(12);
    const i = (await kernel.requestInspect({ code: 'tensorShape', cursor_pos: 3, detail_level: 0 })).content as KernelMessage.IInspectReply;
    expect(i.found).toBe(true);
    expect(String(i.data['text/plain'])).toContain('const tensorShape: number[]');
  });

  it('history: tail with and without output', async () => {
    await exec(kernel, '"hist-marker"');
    const h = (await kernel.requestHistory({ hist_access_type: 'tail', n: 1, output: true, raw: true })).content as KernelMessage.IHistoryReply;
    expect(h.history).toHaveLength(1);
    expect(h.history[0][2]).toEqual(['"hist-marker"', 'hist-marker']);
    const s = (await kernel.requestHistory({ hist_access_type: 'search', pattern: '*hist-marker*', output: false, raw: true, unique: true } as never)).content as KernelMessage.IHistoryReply;
    expect(s.history.map((x) => x[2])).toEqual(['"hist-marker"']);
  });

  it('comm_info, frontend-opened comm with a registered target, kernel-opened comm', async () => {
    await exec(kernel, `const got: unknown[] = [];
registerCommTarget('cnnlab.echo', (c, data) => { got.push(data); c.onMsg((d) => { got.push(d); c.send({ echo: d }); }); });`);
    const comm = kernel.createComm('cnnlab.echo');
    const echoed = new Promise<unknown>((resolve) => { comm.onMsg = (m) => resolve(m.content.data); });
    await comm.open({ hello: 1 }).done;
    await comm.send({ ping: 2 }).done;
    expect(await echoed).toEqual({ echo: { ping: 2 } });
    const info = (await kernel.requestCommInfo({ target_name: 'cnnlab.echo' })).content as KernelMessage.ICommInfoReply;
    expect(info.status).toBe('ok');
    expect(Object.keys(info.comms)).toContain(comm.commId);
    const r = await exec(kernel, 'got');
    expect(plain(r.outputs.find((m) => m.header.msg_type === 'execute_result')!)).toBe('[ { hello: 1 }, { ping: 2 } ]');
    await comm.close().done;
    const after = (await kernel.requestCommInfo({})).content as KernelMessage.ICommInfoReply;
    expect(Object.keys(after.comms)).not.toContain(comm.commId);
 
    // A comm opened by the kernel reaches a target registered on the frontend.
    const received: unknown[] = [];
    const opened = new Promise<void>((resolve) => {
      kernel.registerCommTarget('cnnlab.fromKernel', (c, msg) => {
        received.push(msg.content.data);
        c.onMsg = (m) => { received.push(m.content.data); resolve(); };
      });
    });
    const k = await exec(kernel, 'const kc = comm("cnnlab.fromKernel", { hello: "frontend" });\nkc.send({ n: 1 });');
    expect(k.reply.status).toBe('ok');
    await opened;
    expect(received).toEqual([{ hello: 'frontend' }, { n: 1 }]);
  });

  it('imports: local .ts modules of the notebook directory, node builtins with @types/node, ESM syntax', async () => {
    const r = await exec(kernel, 'import { twice } from "./helper";\nimport * as pathMod from "path";\nconst b: Buffer = Buffer.from("ab");\n[twice(21), pathMod.basename("/x/y.ts"), b.length]');
    expect(r.reply.status, JSON.stringify(r.reply)).toBe('ok');
    expect(plain(r.outputs.find((m) => m.header.msg_type === 'execute_result')!)).toBe("[ 42, 'y.ts', 2 ]");
  });

  it("the cnnlab API: globals and `import ... from 'cnnlab'` from a directory outside the project", async () => {
    const indexJs = path.join(ROOT, 'dist', 'src', 'index.js');
    expect(fs.existsSync(indexJs), 'dist/src/index.js must exist (src/index.ts)').toBe(true);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const names = Object.keys(require(indexJs)).filter((k) => /^[A-Za-z_$][\w$]*$/.test(k)).sort();
    expect(names.length).toBeGreaterThan(0);
    const r = await exec(kernel, `import * as viaImport from 'cnnlab';\nObject.keys(viaImport).filter((k) => /^[A-Za-z_$][\\w$]*$/.test(k)).sort().join(',')`);
    expect(r.reply.status).toBe('ok');
    expect(plain(r.outputs.find((m) => m.header.msg_type === 'execute_result')!)).toBe(names.join(','));
    // Every export is a global of the cell, and it is the same object as the imported one.
    const g = await exec(kernel, `[${names.map((n) => `${n} === viaImport.${n}`).join(', ')}].every(Boolean)`);
    expect(g.reply.status).toBe('ok');
    expect(plain(g.outputs.find((m) => m.header.msg_type === 'execute_result')!)).toBe('true');
    if (names.includes('Tensor')) {
      const t = await exec(kernel, 'const tt: Tensor = new Tensor("float32", new Float32Array([1, 2, 3, 4]), [2, 2]);\ntt.dims');
      expect(t.reply.status).toBe('ok');
      expect(plain(t.outputs.find((m) => m.header.msg_type === 'execute_result')!)).toBe('[ 2, 2 ]');
    }
  });
});
