// src/*.ts → lib/*.js (ES modules, one file each; @jupyterlab/builder's webpack bundles lib/index.js).
// Type checking is `tsc -p tsconfig.json` (noEmit); the shared schema types come from ../src/display.
const esbuild = require('esbuild');
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const src = path.join(root, 'src');
const entries = [];
const walk = (d) => {
  for (const n of fs.readdirSync(d)) {
    const p = path.join(d, n);
    if (fs.statSync(p).isDirectory()) { if (n !== 'worker') walk(p); } else if (n.endsWith('.ts') && !n.endsWith('.d.ts')) entries.push(p);
  }
};
walk(src);
fs.rmSync(path.join(root, 'lib'), { recursive: true, force: true });
esbuild.buildSync({ entryPoints: entries, outbase: src, outdir: path.join(root, 'lib'), format: 'esm', target: 'es2020', platform: 'browser', logLevel: 'warning' });
console.log(`lib: ${entries.length} modules`);
