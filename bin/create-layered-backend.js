#!/usr/bin/env node
// CommonJS (see bin/package.json): node starts it without its ES module loader.
require('../dist/index.js')
  .main()
  .then((code) => {
    process.exitCode = code;
  });
