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
  // handlebars is CommonJS and calls require(); an ESM bundle needs one to hand.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  define: { __VERSION__: JSON.stringify(version) },
  minify: true,
  clean: true,
  splitting: false,
  sourcemap: false,
});
