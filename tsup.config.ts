import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { transformSync, type Plugin } from 'esbuild';
import { defineConfig, type Options } from 'tsup';

const { version } = JSON.parse(readFileSync('./package.json', 'utf8')) as { version: string };

/**
 * Node modules that are not in node's startup snapshot cost milliseconds to load: crypto ~3 ms,
 * child_process ~3 ms (it pulls in net and dgram), timers/promises. A run that does not use them
 * (--help and --version use none; a dry run uses only crypto) should not pay for them, yet a
 * static `import` loads them with the first module of the bundle. These stand-ins load the real
 * module on first use. Each lists the names its importers use; a name not listed is a build
 * error (esbuild: "No matching export"), never a silent undefined.
 */
const LAZY_BUILTINS: Record<string, { esm?: string[]; cjs?: string[]; importers: RegExp }> = {
  // Our code: random bytes for secrets, lock and staging names; sha256 for the journal.
  'node:crypto': { esm: ['randomBytes', 'createHash', 'generateKeyPairSync'], importers: /[\\/]src[\\/]/ },
  'node:timers/promises': { esm: ['setTimeout'], importers: /[\\/]src[\\/]/ },
  // templates.ts: createRequire, used only when running from the sources.
  'node:module': { esm: ['createRequire'], importers: /[\\/]src[\\/]/ },
  // commander requires it for executable subcommands, which this CLI does not have.
  'node:child_process': { cjs: ['spawn'], importers: /[\\/]node_modules[\\/]commander[\\/]/ },
};
const LAZY = 'lazy-builtin';

function lazyBuiltins(): Plugin {
  // tsup drops the `node:` prefix before plugins see some imports: match both spellings.
  const filter = new RegExp(`^(node:)?(${Object.keys(LAZY_BUILTINS).map((name) => name.slice('node:'.length)).join('|')})$`);
  const entry = (path: string) => LAZY_BUILTINS[path.startsWith('node:') ? path : `node:${path}`]!;
  return {
    name: LAZY,
    setup(build) {
      build.onResolve({ filter }, (args) => {
        // The stand-in itself requires the real module.
        if (args.namespace === LAZY || !entry(args.path).importers.test(args.importer)) return { path: args.path, external: true };
        return { path: args.path, namespace: LAZY };
      });
      build.onLoad({ filter: /.*/, namespace: LAZY }, (args) => {
        const { esm, cjs } = entry(args.path);
        const load = `const load = () => require(${JSON.stringify(args.path)});`;
        const contents = esm
          ? `${load}\n${esm.map((name) => `export const ${name} = (...args) => load().${name}(...args);`).join('\n')}`
          : `${load}\nmodule.exports = {${cjs!.map((name) => `get ${name}() { return load().${name}; }`).join(', ')}};`;
        return { contents, loader: 'js', resolveDir: '.' };
      });
    },
  };
}

/**
 * The yaml library (~115 kB of code, ~10 ms to load) is needed only to edit YAML files; new
 * files are written by src/yaml-text.ts. Every `import ... from 'yaml'` of src/ gets this
 * stand-in, whose getters require dist/yaml.js (the entry src/yaml-library.ts) on the first
 * read of any name. esbuild reads a CommonJS module's names at each use (`import_yaml.parse`),
 * so nothing is read before it is used. The getters are every name the library exports: none
 * can be a silent undefined.
 */
const LAZY_YAML = 'lazy-yaml';
const YAML_ENTRY = 'yaml-library';

function lazyYaml(): Plugin {
  return {
    name: LAZY_YAML,
    setup(build) {
      build.onResolve({ filter: /^yaml$/ }, (args) => {
        const fromSources = /[\\/]src[\\/]/.test(args.importer) && !args.importer.includes(YAML_ENTRY);
        return fromSources ? { path: 'yaml', namespace: LAZY_YAML } : undefined;
      });
      build.onResolve({ filter: new RegExp(`^\\./${YAML_ENTRY}\\.js$`) }, (args) => (args.namespace === LAZY_YAML ? { path: args.path, external: true } : undefined));
      build.onLoad({ filter: /.*/, namespace: LAZY_YAML }, async () => {
        const names = Object.keys(await import('yaml')).filter((name) => name !== 'default');
        const contents = [
          'let library;',
          `const load = () => (library ??= require('./${YAML_ENTRY}.js').default);`,
          `module.exports = {${names.map((name) => `get ${name}() { return load().${name}; }`).join(', ')}};`,
        ].join('\n');
        return { contents, loader: 'js', resolveDir: '.' };
      });
    },
  };
}

type TsupPlugin = NonNullable<Options['plugins']>[number];

/**
 * The chunks are built as ES modules (esbuild splits only those) and shipped as CommonJS:
 * node loads a CommonJS file with the loader it has already started, while the first ES module
 * starts the ES module loader (~5 ms of the ~15 ms --help costs over a bare node). dist/ and
 * bin/ hold a package.json of `"type": "commonjs"`, so the `.js` names stay as esbuild wrote
 * them; an `import()` between chunks becomes a `require()` run on first use.
 */
function commonJsChunks(): TsupPlugin {
  return {
    name: 'commonjs-chunks',
    renderChunk(code, chunk) {
      if (chunk.type !== 'chunk') return undefined;
      // A default import of a node builtin would become __toESM(require(...)), which copies
      // every export of the module (fs has ~100) into a new object of getters, in each chunk
      // that imports it: the builtin's exports object itself is what the default import means.
      code = code.replace(/\bimport\s*([\w$]+)\s*from\s*"(node:[\w/]+)";/g, 'const $1 = require("$2");');
      const result = transformSync(code, {
        format: 'cjs',
        target: 'node20',
        platform: 'node',
        minify: !process.env.NO_MINIFY,
        // import() would start the ES module loader after all: a require() on first use instead.
        supported: { 'dynamic-import': false },
        // templates.ts finds the compiled templates beside the bundle through import.meta.url.
        define: { 'import.meta.url': '__importMetaUrl' },
        banner: code.includes('import.meta.url') ? "const __importMetaUrl = require('node:url').pathToFileURL(__filename).href;" : '',
      });
      return { code: result.code };
    },
    buildEnd() {
      writeFileSync(path.join(this.options.outDir, 'package.json'), '{ "type": "commonjs" }\n');
    },
  };
}

export default defineConfig({
  entry: { index: 'src/index.ts', [YAML_ENTRY]: `src/${YAML_ENTRY}.ts` },
  format: ['esm'],
  target: 'node20',
  platform: 'node',
  // Every library is bundled: the published package has no runtime dependencies.
  noExternal: [/.*/],
  esbuildPlugins: [lazyBuiltins(), lazyYaml()],
  // Keep `node:` in imports (node 20 knows it), so that lazyBuiltins sees every builtin import.
  removeNodeProtocol: false,
  // Templates are compiled into dist/templates/ (see scripts/precompile-templates.mjs), then
  // the chunks the common paths never load are shipped with brotli (scripts/compress-dist.mjs).
  onSuccess: 'node scripts/precompile-templates.mjs && node scripts/compress-dist.mjs',
  plugins: [commonJsChunks()],
  define: { __VERSION__: JSON.stringify(version) },
  minify: !process.env.NO_MINIFY,
  // Function and class names survive minification (esbuild's __name), so that the stack trace
  // of an unexpected error, which the CLI asks users to report, names our functions. ~12 kB of
  // the package; the second pass (commonJsChunks) keeps them as they are.
  keepNames: true,
  clean: true,
  // Code loaded with import() goes to chunks of its own, read only on the paths that use it.
  splitting: true,
  sourcemap: false,
});
