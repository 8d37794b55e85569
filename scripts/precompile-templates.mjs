#!/usr/bin/env node
// Build step (run by tsup after bundling): turns templates/ into one CommonJS module per layer
// under dist/templates/, so the CLI never reads or compiles a template at run time.
//   dist/templates/<layer>.cjs   module.exports = [[relativePath, "static text" | precompiled spec], ...]
//   dist/templates/partials.cjs  module.exports = { name: precompiled spec }
// A layer is a folder of templates/ holding files (project, service/base, service/fastapi, ...);
// src/render/templates.ts reads these modules and instantiates the specs with Handlebars' runtime.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { transformSync } from 'esbuild';
import Handlebars from 'handlebars';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const templates = path.join(root, 'templates');
const out = path.join(root, 'dist', 'templates');
// The same options as src/render/templates.ts uses when it compiles from disk.
const OPTIONS = { noEscape: true, strict: true };
const HBS = '.hbs';

const walk = (dir, base = dir) =>
  fs
    .readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .flatMap((entry) => {
      const full = path.join(dir, entry.name);
      return entry.isDirectory() ? walk(full, base) : [path.relative(base, full).split(path.sep).join('/')];
    });

/** Folders of templates/ that hold files directly or are named layers: project, project-<x>, service/<x>. */
const projectLayers = fs.readdirSync(templates).filter((name) => name.startsWith('project-')).sort();
const layers = ['project', ...projectLayers, ...fs.readdirSync(path.join(templates, 'service')).sort().map((name) => `service/${name}`)];

fs.mkdirSync(out, { recursive: true });
const moduleName = (layer) => `${layer.replace(/\//g, '-')}.cjs`;
// Precompiled specs are verbose JavaScript: minified, they cost a third of the bytes to ship and to parse.
const write = (file, code) => fs.writeFileSync(path.join(out, file), transformSync(code, { minify: true, format: 'cjs', target: 'node20' }).code);
for (const layer of layers) {
  const dir = path.join(templates, layer);
  const entries = walk(dir).map((relative) => {
    const source = fs.readFileSync(path.join(dir, relative), 'utf8');
    const value = relative.endsWith(HBS) ? Handlebars.precompile(source, OPTIONS) : JSON.stringify(source);
    return `[${JSON.stringify(relative)},${value}]`;
  });
  write(moduleName(layer), `module.exports=[\n${entries.join(',\n')}\n];\n`);
}
const partialsDir = path.join(templates, 'partials');
const partials = fs
  .readdirSync(partialsDir)
  .filter((file) => file.endsWith(HBS))
  .sort()
  .map((file) => `${JSON.stringify(file.slice(0, -HBS.length))}:${Handlebars.precompile(fs.readFileSync(path.join(partialsDir, file), 'utf8'), OPTIONS)}`);
write('partials.cjs', `module.exports={\n${partials.join(',\n')}\n};\n`);
console.log(`precompiled ${layers.length} template layers into ${path.relative(root, out)}`);
