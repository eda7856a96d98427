// src/index.ts → lib/index.js: one ES module with the renderers and the shared pure modules of the package
// (../src/display: graph codec, palette), JupyterLab/Lumino packages and plotly left as imports for
// @jupyterlab/builder's webpack (shared modules; plotly its own lazily loaded chunk).
// Type checking is `tsc -p tsconfig.json` (noEmit).
const esbuild = require('esbuild');
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
fs.rmSync(path.join(root, 'lib'), { recursive: true, force: true });
esbuild.buildSync({
  entryPoints: [path.join(root, 'src', 'index.ts')], outfile: path.join(root, 'lib', 'index.js'),
  bundle: true, format: 'esm', target: 'es2020', platform: 'browser', logLevel: 'warning',
  external: ['@jupyterlab/*', '@lumino/*', 'plotly.js-cartesian-dist-min'],
  nodePaths: [path.join(root, 'node_modules')],
});
console.log('lib/index.js written');
