import { readFileSync } from 'node:fs';
import { defineConfig } from 'tsup';

const { version } = JSON.parse(readFileSync('./package.json', 'utf8')) as { version: string };

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm'],
  target: 'node20',
  platform: 'node',
  // Every library is bundled: the published package has no runtime dependencies.
  noExternal: [/.*/],
  // Templates are precompiled into dist/templates/ (see scripts/precompile-templates.mjs).
  onSuccess: 'node scripts/precompile-templates.mjs',
  // handlebars is CommonJS and calls require(); an ESM bundle needs one to hand.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  define: { __VERSION__: JSON.stringify(version) },
  minify: true,
  clean: true,
  // Code loaded with import() goes to chunks of its own, read only on the paths that use it.
  splitting: true,
  sourcemap: false,
});
