#!/usr/bin/env node
// Build step (run by tsup after precompile-templates.mjs), two things:
// - ships with brotli what a run reads rarely, to make the package smaller (npm packs with
//   gzip, which compresses this code ~25% less well than brotli):
//     dist/cold.br    the chunks that neither --help nor create (without install) loads:
//                     execa, @clack/prompts, diff, the yaml library, add-service, doctor
//   Each file keeps its name as a one-line stub that hands its module to dist/unpack.js, which
//   decompresses the blob once (~1 ms) and compiles the file's code as that module: requires
//   between chunks, __filename and stack traces stay as they were.
// - merges the other chunks, the hot ones, into dist/index.js (mergeHot below): a dry run
//   then reads and compiles one file instead of ~18, and bin/create-layered-backend.js keeps
//   one V8 code cache for all of that code.
// The compiled templates (dist/templates, data) are not compressed: a dry run reads most of
// them, and with brotli (~40 kB less packed than npm's gzip) each run would load zlib and
// decompress every layer first.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';

const dist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../dist');
const UNPACK = 'unpack.js';
const INDEX = 'index.js';

/** The chunks a file requires when it is loaded; `import()` (a require run later) is not followed. */
function staticRequires(file) {
  const code = fs.readFileSync(path.join(dist, file), 'utf8');
  const found = [];
  for (const match of code.matchAll(/require\("\.\/([^"]+\.js)"\)/g)) {
    const before = code.slice(Math.max(0, match.index - 40), match.index);
    if (!before.includes('Promise.resolve().then(')) found.push(match[1]);
  }
  return found;
}

/** What --help, a dry run and a create without install load: never compressed. */
function hotFiles(files) {
  const roots = files.filter((file) => file === INDEX || /^(create|apply|run)-[A-Z0-9]+\.js$/.test(file));
  const hot = new Set();
  const visit = (file) => {
    if (hot.has(file)) return;
    hot.add(file);
    staticRequires(file).forEach(visit);
  };
  roots.forEach(visit);
  return hot;
}

const brotli = (text) =>
  zlib.brotliCompressSync(Buffer.from(text), {
    params: {
      [zlib.constants.BROTLI_PARAM_QUALITY]: zlib.constants.BROTLI_MAX_QUALITY,
      [zlib.constants.BROTLI_PARAM_LGWIN]: zlib.constants.BROTLI_MAX_WINDOW_BITS,
      [zlib.constants.BROTLI_PARAM_SIZE_HINT]: text.length,
    },
  });

/** Replace `files` (relative to dist/) by stubs, their code in dist/<blob>.br. */
function pack(blob, files) {
  const contents = {};
  for (const file of files) {
    contents[file] = fs.readFileSync(path.join(dist, file), 'utf8');
    const unpack = path.posix.relative(path.posix.dirname(file), UNPACK);
    fs.writeFileSync(path.join(dist, file), `require(${JSON.stringify(unpack.startsWith('.') ? unpack : `./${unpack}`)})(module,${JSON.stringify(blob)});\n`);
  }
  const compressed = brotli(JSON.stringify(contents));
  fs.writeFileSync(path.join(dist, `${blob}.br`), compressed);
  const size = Object.values(contents).reduce((sum, text) => sum + text.length, 0);
  console.log(`compressed ${files.length} files into dist/${blob}.br: ${(size / 1024).toFixed(0)} kB -> ${(compressed.length / 1024).toFixed(0)} kB`);
}

/**
 * Put the code of the hot chunks into index.js, each as the function node would wrap its file
 * in, evaluated on its first require and registered in require.cache under its own file name:
 * one file to read and compile instead of ~17, and one script for the code cache of
 * bin/create-layered-backend.js. Each chunk's file stays as a stub that evaluates the same
 * code, for a chunk required first by a cold chunk (through node's loader); a chunk is
 * evaluated once, whichever way it is required first.
 */
function mergeHot(files) {
  const indexFile = path.join(dist, INDEX);
  const wrapped = (file) => `${JSON.stringify(file)}:(function(exports,require,module,__filename,__dirname){${fs.readFileSync(path.join(dist, file), 'utf8')}\n})`;
  const merged = `// The entry and the chunks that --help, a dry run and create load, in one file (scripts/compress-dist.mjs).
const __chunks=((code)=>{const Module=module.constructor,cache=Module._cache,sep=require("node:path").sep;
// What require() gives a module of the package: the chunks below by their own name, anything else through node.
const requireFor=(m)=>{const r=(id)=>{const name=id.startsWith("./")?id.slice(2):"";return Object.hasOwn(code,name)?load(name):m.require(id)};r.resolve=(request,options)=>Module._resolveFilename(request,m,false,options);r.cache=cache;r.main=require.main;return r};
const evaluate=(name,m)=>{try{code[name].call(m.exports,m.exports,requireFor(m),m,m.filename,__dirname)}catch(error){delete cache[m.filename];throw error}m.loaded=true;return m.exports};
const load=(name)=>{const filename=__dirname+sep+name,cached=cache[filename];if(cached)return cached.exports;const m=new Module(filename,module);m.filename=filename;m.paths=module.paths;cache[filename]=m;return evaluate(name,m)};
return{requireFor,evaluate}})({
${files.map(wrapped).join(',\n')}
});
(function(exports,require,module,__filename,__dirname){${fs.readFileSync(indexFile, 'utf8')}
})(exports,__chunks.requireFor(module),module,__filename,__dirname);
Object.defineProperty(module.exports,Symbol.for("create-layered-backend.chunk"),{value:__chunks.evaluate});
`;
  fs.writeFileSync(indexFile, merged);
  for (const file of files) {
    fs.writeFileSync(path.join(dist, file), `require("./${INDEX}")[Symbol.for("create-layered-backend.chunk")](${JSON.stringify(file)},module);\n`);
  }
  console.log(`merged ${files.length} chunks into dist/${INDEX}: ${(fs.statSync(indexFile).size / 1024).toFixed(0)} kB`);
}

if (fs.existsSync(path.join(dist, UNPACK))) {
  console.error('dist/ is already compressed: build again (npm run build) to compress a fresh one');
  process.exit(1);
}
fs.writeFileSync(
  path.join(dist, UNPACK),
  `"use strict";
// Files of the package shipped compressed (scripts/compress-dist.mjs): each one's stub hands its
// module here, which compiles the file's code, from the brotli blob beside this file, as that module.
const fs = require("node:fs"), path = require("node:path"), zlib = require("node:zlib");
const blobs = {};
module.exports = (module, blob) => {
  const files = (blobs[blob] ??= JSON.parse(zlib.brotliDecompressSync(fs.readFileSync(path.join(__dirname, blob + ".br"))).toString()));
  const name = path.relative(__dirname, module.filename).split(path.sep).join("/");
  module._compile(files[name], module.filename);
};
`,
);
const chunks = fs.readdirSync(dist).filter((file) => file.endsWith('.js') && file !== UNPACK);
const hot = hotFiles(chunks);
pack(
  'cold',
  chunks.filter((file) => !hot.has(file)),
);
mergeHot([...hot].filter((file) => file !== INDEX).sort());
