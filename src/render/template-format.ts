/**
 * The form the build gives templates (scripts/precompile-templates.mjs, with
 * src/render/template-compiler.ts) and the published CLI renders them from
 * (src/render/template-runtime.ts): data, not code, so that a run neither loads a template
 * engine nor has V8 compile the templates.
 *
 * One file per layer, `dist/templates/<layer>.tpl` (`service/base` -> `service-base.tpl`):
 *
 *   <index as one line of JSON>\n<text>
 *
 * `text` holds, once each, every static file's contents and every piece of literal text of the
 * layer's templates, one after the other; the index gives their lengths:
 *
 *   { "t": [length0, length1, ...],            the text pieces, by number
 *     "f": [[outputPath, piece], [outputPath, program], ...] }
 *
 * A static file is a piece number; a Handlebars template is a program. The partials are the
 * layer `partials`, whose entries are [name, program].
 *
 * A program is an array of nodes, each one of:
 *   piece number k                          literal text: piece k
 *   [OUTPUT, depth, [parts...]]             {{path}}: a value of the context, `depth` levels up (`../`)
 *   [OUTPUT_DATA, name]                     {{@index}}, {{@first}}, {{@last}}, {{@key}}
 *   [BLOCK, helper, value, program, inverse]  {{#if value}}...{{else}}...{{/if}}, with the helpers
 *                                           if, unless, each, with; `value` is [depth, [parts...]] or
 *                                           [name] (a @data value); inverse is 0 when absent
 *   [PARTIAL, name, indent]                 {{> name}}, indent the standalone line's ("" if none)
 *
 * This module holds only what both sides share: no imports, no code that runs when loaded.
 */

export const OUTPUT = 0;
export const OUTPUT_DATA = 1;
export const BLOCK = 2;
export const PARTIAL = 3;

export const IF = 0;
export const UNLESS = 1;
export const EACH = 2;
export const WITH = 3;
/** The block helpers a template may use, by their Handlebars name. */
export const BLOCK_HELPERS: Record<string, number> = { if: IF, unless: UNLESS, each: EACH, with: WITH };
/** The @data variables a template may read. */
export const DATA_NAMES = ['index', 'first', 'last', 'key'];

export type ContextPath = [depth: number, parts: string[]];
export type DataPath = [name: string];
export type Node =
  | number
  | [op: typeof OUTPUT, depth: number, parts: string[]]
  | [op: typeof OUTPUT_DATA, name: string]
  | [op: typeof BLOCK, helper: number, value: ContextPath | DataPath, program: Program, inverse: Program | 0]
  | [op: typeof PARTIAL, name: string, indent: string];
export type Program = Node[];

export interface LayerIndex {
  /** The length of each text piece; they follow each other in the text. */
  t: number[];
  /** Output path (placeholders still in it) and what renders it: a piece (static) or a program. */
  f: Array<[outputPath: string, contents: number | Program]>;
}

/** A layer's file name under dist/templates: `service/base` -> `service-base.tpl`. */
export const layerFile = (layer: string): string => `${layer.replace(/\//g, '-')}.tpl`;
export const PARTIALS_LAYER = 'partials';

const HBS_SUFFIX = '.hbs';
const DOT_PREFIX = 'dot-';
export const isTemplateFile = (relative: string): boolean => relative.endsWith(HBS_SUFFIX);
export const partialName = (file: string): string => file.slice(0, -HBS_SUFFIX.length);

/** `app/models/__entity__.py.hbs` -> `app/models/__entity__.py`; `dot-env` -> `.env`. */
export function outputPathOf(relative: string): string {
  const joined = relative
    .split('/')
    .map((segment) => (segment.startsWith(DOT_PREFIX) ? `.${segment.slice(DOT_PREFIX.length)}` : segment))
    .join('/');
  return isTemplateFile(joined) ? joined.slice(0, -HBS_SUFFIX.length) : joined;
}
