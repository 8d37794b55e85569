/**
 * The files under `templates/`, as a `TemplateSet`: a layer is a folder of templates; a
 * service is rendered from several layers (base, framework overlay, database overlay), later
 * layers replacing files at the same path. See templates/README.md for the file rules.
 *
 * The published CLI neither loads Handlebars nor compiles a template: the build
 * (scripts/precompile-templates.mjs) compiles each layer into a data file beside the bundle
 * (src/render/template-format.ts), which src/render/template-runtime.ts renders, and only the
 * layers a run needs are read. Running from the sources (tests, `tsx`), or rendering another
 * folder of templates, compiles them from disk with Handlebars instead, the reference the
 * compiled form is tested against (test/unit/precompiled.test.ts).
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isTemplateFile, layerFile, outputPathOf, PARTIALS_LAYER, partialName } from './template-format.js';
import { readLayer, type PartialRender } from './template-runtime.js';
import type { Plan } from './plan.js';

type Render = (context: object) => string;

interface TemplateFile {
  /** Output path relative to the layer, placeholders still in it (`models/__entity__.py`). */
  outputPath: string;
  render: Render;
}

/** Where templates come from: every file of a layer, and the shared partials. */
export interface TemplateSet {
  layer(name: string): TemplateFile[];
  partial(name: string): Render;
}

const PLACEHOLDER = /__([a-z][a-zA-Z]*)__/g;
/** `__init__.py` and `__main__.py` are Python's names, not placeholders. */
const PYTHON_DUNDERS = new Set(['init', 'main']);
/** The options every template is compiled with from disk; the compiled form behaves the same. */
const COMPILE_OPTIONS = { noEscape: true, strict: true } as const;

const here = path.dirname(fileURLToPath(import.meta.url));

/** The templates folder: beside `dist/` in the package, beside `src/` in a checkout. */
export function templatesRoot(): string {
  for (const candidate of [path.resolve(here, '../templates'), path.resolve(here, '../../templates')]) {
    if (fs.existsSync(path.join(candidate, 'project'))) return candidate;
  }
  throw new Error(`templates/ not found near ${here}`);
}

/** A template set whose layers and partials are loaded on first use, once per process. */
function lazySet(loadLayer: (name: string) => TemplateFile[], loadPartials: () => Map<string, Render>): TemplateSet {
  const layers = new Map<string, TemplateFile[]>();
  let partials: Map<string, Render> | undefined;
  return {
    layer(name) {
      let files = layers.get(name);
      if (!files) layers.set(name, (files = loadLayer(name)));
      return files;
    },
    partial(name) {
      partials ??= loadPartials();
      const partial = partials.get(name);
      if (partial === undefined) throw new Error(`No template partial ${name}`);
      return partial;
    },
  };
}

/** Templates compiled by the build: the layer files in `dir` (dist/templates beside the bundle). */
export function compiledTemplates(dir: string): TemplateSet {
  const read = (layer: string) => fs.readFileSync(path.join(dir, layerFile(layer)), 'utf8');
  let partials: Map<string, PartialRender> | undefined;
  // Read when a template first uses a partial.
  const loadPartials = () => (partials ??= new Map(readLayer(read(PARTIALS_LAYER), partial)));
  const partial = (name: string): PartialRender => {
    const found = loadPartials().get(name);
    if (found === undefined) throw new Error(`The partial ${name} could not be found`);
    return found;
  };
  return lazySet((name) => readLayer(read(name), partial).map(([outputPath, render]) => ({ outputPath, render })), loadPartials);
}

function walk(dir: string, base = dir): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? walk(full, base) : [path.relative(base, full).split(path.sep).join('/')];
  });
}

/**
 * Templates compiled from a folder at run time, with Handlebars (a development dependency,
 * never in the bundle).
 */
export function diskTemplates(root: string): TemplateSet {
  // A fresh environment per folder, so that two folders' partials never mix.
  const compiler = (createRequire(import.meta.url)('handlebars') as typeof import('handlebars')).create();
  const compile = (source: string): Render => compiler.compile(source, COMPILE_OPTIONS);
  const partials = new Map<string, Render>();
  let partialsLoaded = false;
  const loadPartials = () => {
    if (partialsLoaded) return partials;
    partialsLoaded = true;
    const dir = path.join(root, PARTIALS_LAYER);
    if (!fs.existsSync(dir)) return partials;
    for (const file of fs.readdirSync(dir).filter(isTemplateFile)) {
      const render = compile(fs.readFileSync(path.join(dir, file), 'utf8'));
      compiler.registerPartial(partialName(file), render);
      partials.set(partialName(file), render);
    }
    return partials;
  };
  return lazySet((name) => {
    loadPartials();
    const dir = path.join(root, name);
    if (!fs.existsSync(dir)) return [];
    return walk(dir).map((relative) => {
      const source = fs.readFileSync(path.join(dir, relative), 'utf8');
      return { outputPath: outputPathOf(relative), render: isTemplateFile(relative) ? compile(source) : () => source };
    });
  }, loadPartials);
}

let packaged: TemplateSet | undefined;

/** The CLI's own templates: precompiled when built, else compiled from the checkout's folder. */
export function packagedTemplates(): TemplateSet {
  const dir = path.join(here, 'templates');
  packaged ??= fs.existsSync(path.join(dir, layerFile(PARTIALS_LAYER))) ? compiledTemplates(dir) : diskTemplates(templatesRoot());
  return packaged;
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

/**
 * Render layers in order into one plan; a later layer's file replaces an earlier one's.
 * `only` picks files by their output path, placeholders still in it (`models/__entity__.py`).
 */
export function renderLayers(
  templates: TemplateSet,
  layers: string[],
  context: object,
  pathValues: Record<string, string>,
  only: (outputPath: string) => boolean = () => true,
): Plan {
  const plan: Plan = new Map();
  for (const layer of layers) {
    for (const file of templates.layer(layer)) {
      if (only(file.outputPath)) plan.set(fillPath(file.outputPath, pathValues), file.render(context));
    }
  }
  return plan;
}
