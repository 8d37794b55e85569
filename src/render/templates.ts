/**
 * Loading and rendering the files under `templates/`. A layer is a folder of templates; a
 * service is rendered from several layers (base, framework overlay, database overlay), later
 * layers replacing files at the same path. See templates/README.md for the file rules.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';
import type { Plan } from './plan.js';

interface TemplateFile {
  /** Output path relative to the layer, placeholders still in it (`models/__entity__.py`). */
  outputPath: string;
  render: (context: object) => string;
}

const HBS_SUFFIX = '.hbs';
const DOT_PREFIX = 'dot-';
const PLACEHOLDER = /__([a-z][a-zA-Z]*)__/g;
/** `__init__.py` and `__main__.py` are Python's names, not placeholders. */
const PYTHON_DUNDERS = new Set(['init', 'main']);

/** The templates folder: beside `dist/` in the package, beside `src/` in a checkout. */
export function templatesRoot(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  for (const candidate of [path.resolve(here, '../templates'), path.resolve(here, '../../templates')]) {
    if (fs.existsSync(path.join(candidate, 'project'))) return candidate;
  }
  throw new Error(`templates/ not found near ${here}`);
}

function outputPathOf(relative: string): string {
  const segments = relative.split(path.sep).map((segment) =>
    segment.startsWith(DOT_PREFIX) ? `.${segment.slice(DOT_PREFIX.length)}` : segment,
  );
  const joined = segments.join('/');
  return joined.endsWith(HBS_SUFFIX) ? joined.slice(0, -HBS_SUFFIX.length) : joined;
}

function walk(dir: string, base = dir): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return walk(full, base);
    return [path.relative(base, full)];
  });
}

const layerCache = new Map<string, TemplateFile[]>();
const partialsLoaded = new Set<string>();
/** Partial sources by name: Handlebars replaces its own copy by a compiled function once used. */
const partialSources = new Map<string, string>();

/**
 * Register `templates/partials/*.hbs` as Handlebars partials (by file name), once per root.
 * A partial is a piece two commands render: `create` inside a file, `add-service` alone
 * when it appends to that file (a row of the README's table of services).
 */
export function registerPartials(root: string): void {
  if (partialsLoaded.has(root)) return;
  const dir = path.join(root, 'partials');
  if (fs.existsSync(dir)) {
    for (const file of fs.readdirSync(dir).filter((name) => name.endsWith(HBS_SUFFIX))) {
      const name = file.slice(0, -HBS_SUFFIX.length);
      const source = fs.readFileSync(path.join(dir, file), 'utf8');
      partialSources.set(name, source);
      Handlebars.registerPartial(name, source);
    }
  }
  partialsLoaded.add(root);
}

/** Render one partial on its own. */
export function renderPartial(root: string, name: string, context: object): string {
  registerPartials(root);
  const partial = partialSources.get(name);
  if (partial === undefined) throw new Error(`No partial ${name} in ${root}/partials`);
  return Handlebars.compile(partial, { noEscape: true, strict: true })(context);
}

/** Every file of one layer, compiled once per process. */
export function loadLayer(root: string, layer: string): TemplateFile[] {
  registerPartials(root);
  const dir = path.join(root, layer);
  const cached = layerCache.get(dir);
  if (cached) return cached;
  const files = fs.existsSync(dir)
    ? walk(dir).map((relative): TemplateFile => {
        const source = fs.readFileSync(path.join(dir, relative), 'utf8');
        const outputPath = outputPathOf(relative);
        if (!relative.endsWith(HBS_SUFFIX)) return { outputPath, render: () => source };
        const template = Handlebars.compile(source, { noEscape: true, strict: true });
        return { outputPath, render: (context) => template(context) };
      })
    : [];
  layerCache.set(dir, files);
  return files;
}

/** Fill `__name__` placeholders in a path from `values`; an unknown one is a template bug. */
export function fillPath(outputPath: string, values: Record<string, string>): string {
  return outputPath.replace(PLACEHOLDER, (match, key: string) => {
    if (PYTHON_DUNDERS.has(key)) return match;
    const value = values[key];
    if (value === undefined) throw new Error(`Unknown path placeholder ${match} in ${outputPath}`);
    return value;
  });
}

/** Render layers in order into one plan; a later layer's file replaces an earlier one's. */
export function renderLayers(
  root: string,
  layers: string[],
  context: object,
  pathValues: Record<string, string>,
): Plan {
  const plan: Plan = new Map();
  for (const layer of layers) {
    for (const file of loadLayer(root, layer)) {
      plan.set(fillPath(file.outputPath, pathValues), file.render(context));
    }
  }
  return plan;
}
