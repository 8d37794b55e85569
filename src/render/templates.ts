/**
 * The files under `templates/`, as a `TemplateSet`: a layer is a folder of templates; a
 * service is rendered from several layers (base, framework overlay, database overlay), later
 * layers replacing files at the same path. See templates/README.md for the file rules.
 *
 * The published CLI never compiles a template: the build (scripts/precompile-templates.mjs)
 * turns each layer into a module of precompiled Handlebars specs beside the bundle, and only
 * the layers a run needs are loaded. Running from the sources (tests, `tsx`), or rendering
 * another folder of templates, compiles them from disk instead.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars/runtime';
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

const HBS_SUFFIX = '.hbs';
const DOT_PREFIX = 'dot-';
const PLACEHOLDER = /__([a-z][a-zA-Z]*)__/g;
/** `__init__.py` and `__main__.py` are Python's names, not placeholders. */
const PYTHON_DUNDERS = new Set(['init', 'main']);
/** The options every template is compiled with, at build time and from disk alike. */
const COMPILE_OPTIONS = { noEscape: true, strict: true } as const;

const here = path.dirname(fileURLToPath(import.meta.url));

/** The templates folder: beside `dist/` in the package, beside `src/` in a checkout. */
export function templatesRoot(): string {
  for (const candidate of [path.resolve(here, '../templates'), path.resolve(here, '../../templates')]) {
    if (fs.existsSync(path.join(candidate, 'project'))) return candidate;
  }
  throw new Error(`templates/ not found near ${here}`);
}

/** `app/models/__entity__.py.hbs` -> `app/models/__entity__.py`; `dot-env` -> `.env`. */
function outputPathOf(relative: string): string {
  const joined = relative
    .split('/')
    .map((segment) => (segment.startsWith(DOT_PREFIX) ? `.${segment.slice(DOT_PREFIX.length)}` : segment))
    .join('/');
  return joined.endsWith(HBS_SUFFIX) ? joined.slice(0, -HBS_SUFFIX.length) : joined;
}

type Environment = typeof Handlebars;

/**
 * A template set whose layers are loaded (and compiled) on first use, once per process;
 * `env` is the Handlebars environment its templates look partials up in.
 */
function lazySet(env: Environment, loadLayer: (name: string) => TemplateFile[], loadPartials: () => void): TemplateSet {
  const layers = new Map<string, TemplateFile[]>();
  let partialsLoaded = false;
  const partials = () => {
    if (!partialsLoaded) loadPartials();
    partialsLoaded = true;
  };
  return {
    layer(name) {
      partials();
      let files = layers.get(name);
      if (!files) layers.set(name, (files = loadLayer(name)));
      return files;
    },
    partial(name) {
      partials();
      const partial = env.partials[name] as Render | undefined;
      if (partial === undefined) throw new Error(`No template partial ${name}`);
      return partial;
    },
  };
}

/**
 * The bundle's own `require` (its chunks are CommonJS): node:module, which createRequire needs,
 * costs a run ~2 ms to load. From the sources (ES modules: tests, tsx) there is none.
 */
declare const require: NodeJS.Require | undefined;
const requireFor = (file: string): NodeJS.Require => (typeof require === 'function' ? require : createRequire(file));

/** Templates precompiled by the build, in `dist/templates/` beside the bundle. */
export function precompiledTemplates(dir: string): TemplateSet {
  const requireModule = requireFor(path.join(dir, 'index.cjs'));
  // Absolute paths: the bundle's require resolves relative ones from its chunk, not from `dir`.
  const load = (file: string): unknown => requireModule(path.join(dir, file));
  type Spec = TemplateSpecification;
  const instantiate = (value: string | Spec): Render =>
    typeof value === 'string' ? () => value : (Handlebars.template(value) as Render);
  return lazySet(
    Handlebars,
    (name) =>
      (load(`${name.replace(/\//g, '-')}.cjs`) as Array<[string, string | Spec]>).map(([relative, value]) => ({
        outputPath: outputPathOf(relative),
        render: instantiate(value),
      })),
    () => {
      for (const [name, spec] of Object.entries(load('partials.cjs') as Record<string, Spec>)) {
        Handlebars.registerPartial(name, Handlebars.template(spec));
      }
    },
  );
}

type TemplateSpecification = Parameters<typeof Handlebars.template>[0];

function walk(dir: string, base = dir): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? walk(full, base) : [path.relative(base, full).split(path.sep).join('/')];
  });
}

/**
 * Templates compiled from a folder at run time, with the full Handlebars (a development
 * dependency, loaded only here: the bundle carries the runtime alone).
 */
export function diskTemplates(root: string): TemplateSet {
  // A fresh environment per folder, so that two folders' partials never mix.
  const compiler = (createRequire(import.meta.url)('handlebars') as typeof import('handlebars')).create();
  const compile = (source: string): Render => compiler.compile(source, COMPILE_OPTIONS);
  return lazySet(
    compiler,
    (name) => {
      const dir = path.join(root, name);
      if (!fs.existsSync(dir)) return [];
      return walk(dir).map((relative) => {
        const source = fs.readFileSync(path.join(dir, relative), 'utf8');
        return { outputPath: outputPathOf(relative), render: relative.endsWith(HBS_SUFFIX) ? compile(source) : () => source };
      });
    },
    () => {
      const dir = path.join(root, 'partials');
      if (!fs.existsSync(dir)) return;
      for (const file of fs.readdirSync(dir).filter((name) => name.endsWith(HBS_SUFFIX))) {
        compiler.registerPartial(file.slice(0, -HBS_SUFFIX.length), compile(fs.readFileSync(path.join(dir, file), 'utf8')));
      }
    },
  );
}

let packaged: TemplateSet | undefined;

/** The CLI's own templates: precompiled when built, else compiled from the checkout's folder. */
export function packagedTemplates(): TemplateSet {
  const dir = path.join(here, 'templates');
  packaged ??= fs.existsSync(path.join(dir, 'partials.cjs')) ? precompiledTemplates(dir) : diskTemplates(templatesRoot());
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
