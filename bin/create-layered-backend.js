#!/usr/bin/env node
// CommonJS (see bin/package.json): node starts it without its ES module loader.
//
// Loads dist/index.js as require() would, with a V8 code cache: compiling the bundle's code
// is about a third of what a dry run costs over a bare node, and node 20 has no compile cache
// of its own (module.enableCompileCache came in node 22). The cache is written beside the
// bundle (dist/index.js.cache) after a run, and read by the next ones:
// - its first line names the bundle it was made from (size, times, inode) and the node that
//   made it; any other bundle or node ignores it (V8 checks only the length of the source);
// - it is written again when V8 rejects it, or when the run loaded a file of the package that
//   no run behind the cache had loaded (the cache then covers the code of that path too);
// - it is written to a file of its own, then renamed over the old one: a concurrent run reads
//   the old cache or the new one, never half of one;
// - a package folder that cannot be written (a read-only npx cache) only means no cache.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');

const Module = module.constructor;
const dist = path.join(__dirname, '..', 'dist');
const filename = path.join(dist, 'index.js');
const cacheFile = `${filename}.cache`;

const fd = fs.openSync(filename, 'r');
const stat = fs.fstatSync(fd);
const source = fs.readFileSync(fd, 'utf8');
fs.closeSync(fd);
const bundle = [process.version, process.arch, stat.size, stat.mtimeMs, stat.ctimeMs, stat.ino].join(' ');

/** The cache of this bundle and this node: its header and V8's data, or undefined. */
function readCache() {
  let contents;
  try {
    contents = fs.readFileSync(cacheFile);
  } catch {
    return undefined;
  }
  const newline = contents.indexOf(10);
  if (newline < 0) return undefined;
  try {
    const header = JSON.parse(contents.toString('utf8', 0, newline));
    if (header.bundle !== bundle || !Array.isArray(header.files)) return undefined;
    return { files: header.files, data: contents.subarray(newline + 1) };
  } catch {
    return undefined;
  }
}

/** The package's files (relative to dist/) that this run has loaded. */
const loadedFiles = () =>
  Object.keys(Module._cache)
    .filter((file) => file.startsWith(dist + path.sep))
    .map((file) => path.relative(dist, file));

function writeCache(script, files) {
  const temporary = `${cacheFile}.${process.pid}.tmp`;
  let out;
  try {
    // Opened first: where it cannot be written, V8 is not asked to serialize the code for nothing.
    out = fs.openSync(temporary, 'w');
  } catch {
    return;
  }
  try {
    fs.writeFileSync(out, `${JSON.stringify({ bundle, files })}\n`);
    fs.writeFileSync(out, script.createCachedData());
    fs.closeSync(out);
    out = undefined;
    fs.renameSync(temporary, cacheFile);
  } catch {
    if (out !== undefined) fs.closeSync(out);
    fs.rmSync(temporary, { force: true });
  }
}

const cache = readCache();
// Node's own module wrapper, on a line of its own so that line numbers are the file's.
const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {\n${source}\n})`, {
  filename,
  lineOffset: -1,
  cachedData: cache?.data,
  // import() as in a module that node loaded.
  importModuleDynamically: vm.constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER,
});

// The module as require() makes it: in require.cache (the bundle's chunks require it back),
// with a require that resolves from dist/.
const bundleModule = new Module(filename, module);
bundleModule.filename = filename;
bundleModule.paths = Module._nodeModulePaths(dist);
Module._cache[filename] = bundleModule;
const bundleRequire = (id) => bundleModule.require(id);
bundleRequire.resolve = (request, options) => Module._resolveFilename(request, bundleModule, false, options);
bundleRequire.resolve.paths = (request) => Module._resolveLookupPaths(request, bundleModule);
bundleRequire.main = require.main;
bundleRequire.extensions = Module._extensions;
bundleRequire.cache = Module._cache;
try {
  script.runInThisContext().call(bundleModule.exports, bundleModule.exports, bundleRequire, bundleModule, filename, dist);
} catch (error) {
  delete Module._cache[filename];
  throw error;
}
bundleModule.loaded = true;

bundleModule.exports.main().then((code) => {
  process.exitCode = code;
  const files = loadedFiles();
  // A rejected cache covered nothing of this run: the new one covers this run only.
  const covered = cache === undefined || script.cachedDataRejected === true ? [] : cache.files;
  if (covered.length === 0 || files.some((file) => !covered.includes(file))) writeCache(script, [...new Set([...covered, ...files])].sort());
});
