#!/usr/bin/env node
// Entry of the `relayout` command: runs the compiled CLI (npm run build:node writes build/).
require('../build/src/cli/main.js').main(process.argv).then((code) => (process.exitCode = code));
