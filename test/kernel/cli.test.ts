/** `cnnlab kernel install/uninstall` (through the CLI's own `main`) and connection-file checks. */
import { describe, expect, it, vi } from 'vitest';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { installKernel, kernelSpec, kernelspecDir, uninstallKernel } from '../../kernel/cli';
import { main } from '../../src/cli';
import { readConnectionFile } from '../../kernel/connection';
import { ConfigError, ParseError } from '../../src/errors';

const ROOT = path.resolve(__dirname, '..', '..');

describe('cnnlab kernel install', () => {
  it('writes kernels/cnnlab/kernel.json under --prefix with the cnnlab kernel run argv', async () => {
    const prefix = fs.mkdtempSync(path.join(os.tmpdir(), 'cnnlab-install-'));
    try {
      expect(await main(['kernel', 'install', '--prefix', prefix])).toBe(0);
      const file = path.join(prefix, 'share', 'jupyter', 'kernels', 'cnnlab', 'kernel.json');
      const spec = JSON.parse(fs.readFileSync(file, 'utf8'));
      expect(spec.display_name).toBe('TypeScript (cnnlab)');
      expect(spec.language).toBe('typescript');
      expect(spec.interrupt_mode).toBe('message');
      expect(spec.argv).toEqual([process.execPath, path.join(ROOT, 'dist', 'kernel', 'main.js'), '{connection_file}']);
      expect(fs.existsSync(spec.argv[1])).toBe(true);
      expect(await main(['kernel', 'uninstall', `--prefix=${prefix}`])).toBe(0);
      expect(fs.existsSync(file)).toBe(false);
      expect(await main(['kernel', 'uninstall', '--prefix', prefix])).toBe(1);
    } finally {
      fs.rmSync(prefix, { recursive: true, force: true });
    }
  });

  it('--user goes to JUPYTER_DATA_DIR/kernels; --name changes the directory', () => {
    const data = fs.mkdtempSync(path.join(os.tmpdir(), 'cnnlab-data-'));
    const saved = process.env.JUPYTER_DATA_DIR;
    process.env.JUPYTER_DATA_DIR = data;
    try {
      expect(kernelspecDir({ user: true })).toBe(path.join(data, 'kernels', 'cnnlab'));
      const dir = installKernel({ user: true, name: 'cnnlab-dev', displayName: 'TS dev' });
      expect(dir).toBe(path.join(data, 'kernels', 'cnnlab-dev'));
      expect(JSON.parse(fs.readFileSync(path.join(dir, 'kernel.json'), 'utf8')).display_name).toBe('TS dev');
      expect(uninstallKernel({ user: true, name: 'cnnlab-dev' })).toBe(dir);
    } finally {
      if (saved === undefined) delete process.env.JUPYTER_DATA_DIR; else process.env.JUPYTER_DATA_DIR = saved;
      fs.rmSync(data, { recursive: true, force: true });
    }
  });

  it('refuses kernelspec names that jupyter_client refuses, for install and uninstall, writing and deleting nothing', async () => {
    const prefix = fs.mkdtempSync(path.join(os.tmpdir(), 'cnnlab-install-'));
    try {
      for (const name of ['../../../escaped-spec', 'a/b', '..', '.', 'spaced name', 'ünï', '']) {
        expect(() => installKernel({ prefix, name })).toThrow(ConfigError);
        expect(() => uninstallKernel({ prefix, name })).toThrow(/invalid kernelspec name; expected ASCII letters, digits/);
      }
      expect(await main(['kernel', 'install', '--prefix', prefix, '--name', '../../../escaped-spec'])).toBe(2);
      expect(fs.readdirSync(prefix)).toEqual([]);
      // A directory outside kernels/ that the name used to reach is left alone by uninstall.
      fs.mkdirSync(path.join(prefix, 'victim'));
      fs.writeFileSync(path.join(prefix, 'victim', 'kernel.json'), '{}');
      expect(await main(['kernel', 'uninstall', '--prefix', prefix, '--name', '../../../victim'])).toBe(2);
      expect(fs.existsSync(path.join(prefix, 'victim', 'kernel.json'))).toBe(true);
      // Names jupyter_client accepts still work.
      expect(installKernel({ prefix, name: 'cnnlab-Dev_2.1' })).toBe(path.join(prefix, 'share', 'jupyter', 'kernels', 'cnnlab-Dev_2.1'));
    } finally {
      fs.rmSync(prefix, { recursive: true, force: true });
    }
  });

  it('one exit-code convention through main(): bad input 2 with one line on stderr, help 0', async () => {
    const prefix = fs.mkdtempSync(path.join(os.tmpdir(), 'cnnlab-install-'));
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      expect(await main(['kernel', 'install', '--user', '--prefix', prefix])).toBe(2);
      expect(String(err.mock.calls.at(-1)?.[0])).toBe('cnnlab: ConfigError: kernel install: conflicting locations; expected at most one of --user, --sys-prefix, --prefix DIR; got several; at command line\n');
      expect(await main(['kernel', 'install', '--prefix', prefix, '--name', 'a/b'])).toBe(2);
      expect(String(err.mock.calls.at(-1)?.[0])).toMatch(/^cnnlab: ConfigError: invalid kernelspec name; .*got "a\/b"; at --name\n$/);
      expect(await main(['kernel', 'install', '--bogus'])).toBe(2);
      expect(await main(['kernel', 'frobnicate'])).toBe(2);
      expect(await main(['kernel', 'run', path.join(prefix, 'missing.json')])).toBe(2);
      expect(String(err.mock.calls.at(-1)?.[0])).toMatch(/^cnnlab: NotFoundError: no connection file; /);
      expect(await main(['kernel', 'install', '--help'])).toBe(0);
      expect(await main(['kernel', 'install', '--prefix', prefix, '--name', 'dev', '--display-name', 'TS dev'])).toBe(0);
      const spec = JSON.parse(fs.readFileSync(path.join(prefix, 'share', 'jupyter', 'kernels', 'dev', 'kernel.json'), 'utf8'));
      expect(spec.display_name).toBe('TS dev');
      expect(out.mock.calls.map((c) => String(c[0])).join('')).toContain(`Installed kernelspec dev (TS dev) in ${path.join(prefix, 'share', 'jupyter', 'kernels', 'dev')}`);
    } finally {
      err.mockRestore(); out.mockRestore();
      fs.rmSync(prefix, { recursive: true, force: true });
    }
  });

  it('rejects conflicting or unknown options with ConfigError', () => {
    expect(() => kernelspecDir({ user: true, prefix: '/tmp/x' })).toThrow(ConfigError);
    expect(() => kernelspecDir({ user: true, prefix: '/tmp/x' })).toThrow(/expected at most one of --user, --sys-prefix, --prefix DIR; got several/);
    expect(kernelSpec().argv).toHaveLength(3);
  });
});

describe('connection file', () => {
  it('reads a valid file and reports what is wrong with a bad one', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnnlab-conn-'));
    try {
      const good = path.join(dir, 'good.json');
      fs.writeFileSync(good, JSON.stringify({ transport: 'tcp', ip: '127.0.0.1', shell_port: 1, iopub_port: 2, stdin_port: 3, control_port: 4, hb_port: 5, key: 'k', signature_scheme: 'hmac-sha256' }));
      expect(readConnectionFile(good).hb_port).toBe(5);
      const bad = path.join(dir, 'bad.json');
      fs.writeFileSync(bad, JSON.stringify({ transport: 'tcp', ip: '127.0.0.1', shell_port: 'x' }));
      expect(() => readConnectionFile(bad)).toThrow(ParseError);
      expect(() => readConnectionFile(bad)).toThrow(/expected an integer port at shell_port; got "x"; at .*bad\.json \$\.shell_port/);
      fs.writeFileSync(bad, '{');
      expect(() => readConnectionFile(bad)).toThrow(/connection file is not JSON/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
