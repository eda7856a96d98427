#!/usr/bin/env node
'use strict';
require('../dist/src/cli.js').main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code ?? 0; },
  (err) => { process.stderr.write(`cnnlab: ${err && err.message ? err.message : err}\n`); process.exitCode = 1; },
);
