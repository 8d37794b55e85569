// Preloaded with `node -r` by test/cli/startup.test.ts: at exit, writes to LOADED_MODULES_FILE
// the node builtins loaded after startup, every file loaded with require(), and every file
// read with fs.readFileSync (the compiled template layers are data, read, not required), as JSON.
const fs = require('node:fs');
const atStart = new Set(process.moduleLoadList);
const reads = [];
const readFileSync = fs.readFileSync;
fs.readFileSync = function (file, ...rest) {
  if (typeof file === 'string') reads.push(file);
  return readFileSync.call(this, file, ...rest);
};
process.on('exit', () => {
  const builtins = process.moduleLoadList.filter((entry) => !atStart.has(entry) && entry.startsWith('NativeModule ')).map((entry) => entry.slice('NativeModule '.length));
  fs.writeFileSync(process.env.LOADED_MODULES_FILE, JSON.stringify({ builtins, files: Object.keys(require.cache), reads }));
});
