// Preloaded with `node -r` by test/cli/code-cache.test.ts: records what V8 did with the code
// cache of the bundle (dist/index.js) and, at exit, writes it to CODE_CACHE_PROBE_FILE as JSON:
// { given: was cached data passed, rejected: script.cachedDataRejected }.
const fs = require('node:fs');
const vm = require('node:vm');
const { Script } = vm;
let seen = { given: null, rejected: null };
vm.Script = class extends Script {
  constructor(code, options) {
    super(code, options);
    if (typeof options?.filename === 'string' && /[\\/]dist[\\/]index\.js$/.test(options.filename)) {
      seen = { given: options.cachedData !== undefined, rejected: this.cachedDataRejected ?? null };
    }
  }
};
process.on('exit', () => fs.writeFileSync(process.env.CODE_CACHE_PROBE_FILE, JSON.stringify(seen)));
