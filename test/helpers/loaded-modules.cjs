// Preloaded with `node -r` by test/cli/startup.test.ts: at exit, writes to LOADED_MODULES_FILE
// the node builtins loaded after startup and every file loaded with require(), as JSON.
const fs = require('node:fs');
const atStart = new Set(process.moduleLoadList);
process.on('exit', () => {
  const builtins = process.moduleLoadList.filter((entry) => !atStart.has(entry) && entry.startsWith('NativeModule ')).map((entry) => entry.slice('NativeModule '.length));
  fs.writeFileSync(process.env.LOADED_MODULES_FILE, JSON.stringify({ builtins, files: Object.keys(require.cache) }));
});
