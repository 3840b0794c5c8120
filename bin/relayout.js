#!/usr/bin/env node
// Entry of the `relayout` command: runs the compiled CLI (npm run build:node writes build/).
process.exitCode = require('../build/cli/main.js').main(process.argv);
