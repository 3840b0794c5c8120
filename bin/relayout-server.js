#!/usr/bin/env node
// Entry of the `relayout-server` command: runs the compiled server (npm run build:node writes build/).
require('../build/src/server/main.js').main(process.argv).then((code) => {
  if (code) process.exit(code);
});
