#!/usr/bin/env node
// Build step (run by tsup after bundling): compiles templates/ into one data file per layer
// under dist/templates/ (the format is src/render/template-format.ts), so that the CLI neither
// loads a template engine nor compiles a template at run time:
//   dist/templates/<layer>.tpl     project, project-<x>, service-<x>
//   dist/templates/partials.tpl    the partials of templates/partials
// Handlebars parses every template; src/render/template-compiler.ts turns the parse into data
// and stops the build, naming the file and line, on anything the runtime does not implement.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';
import Handlebars from 'handlebars';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const templates = path.join(root, 'templates');
const out = path.join(root, 'dist', 'templates');

/** The compiler is TypeScript without run-time imports: bundled in memory, loaded as a data: URL. */
async function loadCompiler() {
  const { outputFiles } = buildSync({
    entryPoints: [path.join(root, 'src/render/template-compiler.ts')],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'node',
    external: ['handlebars'],
  });
  return import(`data:text/javascript;base64,${Buffer.from(outputFiles[0].text).toString('base64')}`);
}
const { compileLayer, PARTIALS_LAYER, layerFile } = await loadCompiler();

const walk = (dir, base = dir) =>
  fs
    .readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .flatMap((entry) => {
      const full = path.join(dir, entry.name);
      return entry.isDirectory() ? walk(full, base) : [path.relative(base, full).split(path.sep).join('/')];
    });

/** Folders of templates/ that hold files directly or are named layers: project, project-<x>, service/<x>. */
const layers = [
  // project, and the overlays of the root that a choice adds (project-jwt, ...)
  ...fs.readdirSync(templates).filter((name) => /^project(-|$)/.test(name)).sort(),
  ...fs.readdirSync(path.join(templates, 'service')).sort().map((name) => `service/${name}`),
];

const sources = (dir, filter = () => true) =>
  walk(dir)
    .filter(filter)
    .map((relative) => ({ relative, source: fs.readFileSync(path.join(dir, relative), 'utf8') }));
const parse = (source) => Handlebars.parse(source);

fs.rmSync(out, { recursive: true, force: true });
fs.mkdirSync(out, { recursive: true });
const partials = sources(path.join(templates, PARTIALS_LAYER), (file) => file.endsWith('.hbs'));
const partialNames = new Set(partials.map(({ relative }) => relative.slice(0, -'.hbs'.length)));
let bytes = 0;
for (const layer of [...layers, PARTIALS_LAYER]) {
  const files = layer === PARTIALS_LAYER ? partials : sources(path.join(templates, layer));
  const text = compileLayer(layer, files, parse, partialNames);
  fs.writeFileSync(path.join(out, layerFile(layer)), text);
  bytes += Buffer.byteLength(text);
}
console.log(`compiled ${layers.length} template layers and the partials into ${path.relative(root, out)} (${(bytes / 1024).toFixed(0)} kB)`);
