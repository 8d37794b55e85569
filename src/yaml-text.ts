/**
 * YAML text of plain data (objects, arrays, strings, numbers, booleans, null), written exactly
 * as the yaml library writes `new Document(value, { aliasDuplicateObjects: false })` with
 * `lineWidth: 0`: the same scalar styles, indents, flow sequences and blank lines.
 *
 * Why not the library: the files a new project gets (compose, workflow, dependabot,
 * Kubernetes) are written from data, and a run of `create` would otherwise load the library
 * (~115 kB of code) and build a node tree for each file only to print it (half of a dry run's
 * rendering). Files that are edited keep going through the library's Document API (src/edits.ts,
 * src/compose.ts, ...). test/unit/yaml-text.test.ts holds the two outputs equal, for every
 * file of the generated projects and for random data.
 *
 * What the library would write in a way this module does not (control characters, tabs, some
 * multi-line strings) is refused with an error, never written differently.
 */

/** Where a node is: the keys (and sequence indexes) from the root. */
export type YamlPath = ReadonlyArray<string | number>;

export interface YamlStyle {
  /** The comment above the document (each line gets `#`), then a blank line. */
  comment?: string;
  /** How null is written: `null` (the library's default), or '' (`key:`). */
  nullStr?: string;
  /** A blank line before this key of a map (the library's `spaceBefore` on the key). */
  spaceBefore?: (path: YamlPath, index: number) => boolean;
  /** A sequence written in flow style, `[ a, b ]`. */
  flow?: (path: YamlPath) => boolean;
  /** Strings (keys included) always written in double quotes. */
  doubleQuote?: RegExp;
}

const INDENT = '  ';
/** Where a plain scalar would not read back as the same string (the library's test). */
const NOT_PLAIN = /^[\n\t ,[\]{}#&*!|>'"%@`]|^[?-]$|^[?-][ \t]|[\n:][ \t]|[ \t]\n|[\n\t ]#|[\n\t :]$/;
const FLOW_INDICATOR = /[[\]{},]/;
const DOCUMENT_MARKER = /^(%|---|\.\.\.)/;
/** Plain text that YAML 1.2's core schema reads as something other than a string. */
const OTHER_TYPES = [
  /^(?:~|[Nn]ull|NULL)?$/,
  /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/,
  /^0o[0-7]+$/,
  /^[-+]?[0-9]+$/,
  /^0x[0-9a-fA-F]+$/,
  /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/,
  /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/,
  /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/,
];
/** Tabs, control characters and lone surrogates: written otherwise, refused here. */
const UNSUPPORTED = /[\x00-\x09\x0b-\x1f\x7f-\x9f\uD800-\uDFFF]/;

interface Context {
  indent: string;
  inFlow: boolean;
  path: YamlPath;
}

/**
 * Most strings of our files (keys, names, images, paths) are written plain by every test
 * below: a letter or `_`, then word characters, dots, slashes and dashes, and not a word YAML
 * reads as null or a boolean. One test instead of a dozen for them.
 */
const SIMPLY_PLAIN = /^[A-Za-z_][\w./-]*$/;
const NULL_OR_BOOLEAN = /^(?:[Nn]ull|NULL|[Tt]rue|TRUE|[Ff]alse|FALSE)$/;

/** Single quotes when that avoids escaping a double quote, else JSON's double quotes. */
const quoted = (value: string): string => (value.includes('"') && !value.includes("'") ? `'${value}'` : JSON.stringify(value));

function scalarString(value: string, implicitKey: boolean, ctx: Context, style: YamlStyle): string {
  if (SIMPLY_PLAIN.test(value) && !NULL_OR_BOOLEAN.test(value)) return style.doubleQuote?.test(value) ? JSON.stringify(value) : value;
  if (UNSUPPORTED.test(value)) throw new Error(`yamlText: unsupported string ${JSON.stringify(value)} at ${ctx.path.join('.')}`);
  if (value.includes('\n')) return blockLiteral(value, implicitKey, ctx, style);
  if (style.doubleQuote?.test(value)) return JSON.stringify(value);
  if ((ctx.inFlow && FLOW_INDICATOR.test(value)) || NOT_PLAIN.test(value)) return quoted(value);
  if (DOCUMENT_MARKER.test(value)) {
    if (ctx.indent === '') throw new Error(`yamlText: unsupported top-level string ${JSON.stringify(value)}`);
    if (implicitKey && ctx.indent === INDENT) return quoted(value);
  }
  if (OTHER_TYPES.some((type) => type.test(value))) return quoted(value);
  return value;
}

/**
 * A multi-line string: a literal block (`|`, or `|-` without a final line break), as the library
 * writes one with no line width. Where it would write something else (a quoted, folded string
 * in a key or a flow sequence; an indentation indicator for leading spaces; trailing lines kept
 * with `|+`), this module refuses.
 */
function blockLiteral(value: string, implicitKey: boolean, ctx: Context, style: YamlStyle): string {
  const unsupported = implicitKey || ctx.inFlow || ctx.indent === '' || style.doubleQuote?.test(value) || /^[ \n]|[ \t]\n?$|\n\n$/.test(value);
  if (unsupported) throw new Error(`yamlText: unsupported multi-line string ${JSON.stringify(value)} at ${ctx.path.join('.')}`);
  const clip = value.endsWith('\n');
  const body = clip ? value.slice(0, -1) : value;
  return `|${clip ? '' : '-'}\n${ctx.indent}${body.replace(/\n+/g, `$&${ctx.indent}`)}`;
}

const isCollection = (value: unknown): value is object => typeof value === 'object' && value !== null;

function isPlainObject(value: object): value is Record<string, unknown> {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

function node(value: unknown, ctx: Context, style: YamlStyle): string {
  switch (typeof value) {
    case 'string':
      return scalarString(value, false, ctx, style);
    case 'boolean':
      return String(value);
    case 'number':
      if (!Number.isFinite(value)) throw new Error(`yamlText: unsupported number ${value} at ${ctx.path.join('.')}`);
      return Object.is(value, -0) ? '-0' : JSON.stringify(value);
    case 'object':
      if (value === null) return style.nullStr ?? 'null';
      if (Array.isArray(value)) return sequence(value, ctx, style);
      if (isPlainObject(value)) return map(value, ctx, style);
  }
  throw new Error(`yamlText: unsupported value ${String(value)} at ${ctx.path.join('.')}`);
}

function map(value: Record<string, unknown>, ctx: Context, style: YamlStyle): string {
  if (ctx.inFlow) throw new Error(`yamlText: unsupported map in a flow sequence at ${ctx.path.join('.')}`);
  let text = '';
  let index = 0;
  for (const key of Object.keys(value)) {
    const item = value[key];
    if (item === undefined) continue;
    const path = [...ctx.path, key];
    // A blank line before the key is an empty line: no indent on it.
    const blank = style.spaceBefore?.(path, index) === true;
    if (index > 0) text += blank ? `\n\n${ctx.indent}` : `\n${ctx.indent}`;
    else if (blank) text += `\n${ctx.indent}`;
    text += pair(key, item, { indent: ctx.indent, inFlow: ctx.inFlow, path }, style);
    index++;
  }
  return index === 0 ? '{}' : text;
}

function pair(key: string, value: unknown, ctx: Context, style: YamlStyle): string {
  const inner: Context = { indent: ctx.indent + INDENT, inFlow: ctx.inFlow, path: ctx.path };
  const keyText = scalarString(key, true, inner, style);
  // The library writes longer keys as explicit `? key` entries.
  if (keyText.length > 1024) throw new Error(`yamlText: unsupported key longer than 1024 characters at ${ctx.path.join('.')}`);
  const valueText = node(value, inner, style);
  let space = ' ';
  if (isCollection(value)) {
    const empty = Array.isArray(value) ? value.length === 0 : Object.values(value).every((item) => item === undefined);
    const flow = ctx.inFlow || (Array.isArray(value) && style.flow?.(ctx.path)) || empty;
    if (valueText.includes('\n') || !flow) space = `\n${inner.indent}`;
  } else if (valueText === '') {
    space = '';
  }
  return `${keyText}:${space}${valueText}`;
}

function sequence(value: unknown[], ctx: Context, style: YamlStyle): string {
  if (value.length === 0) return '[]';
  const at = (index: number): YamlPath => [...ctx.path, index];
  if (ctx.inFlow || style.flow?.(ctx.path)) {
    const itemCtx = (index: number): Context => ({ indent: ctx.indent + INDENT + INDENT, inFlow: true, path: at(index) });
    const items = value.map((item, index) => node(item, itemCtx(index), style));
    if (items.some((item) => item.includes('\n'))) throw new Error(`yamlText: unsupported multi-line flow sequence at ${ctx.path.join('.')}`);
    return `[ ${items.join(', ')} ]`;
  }
  const itemIndent = ctx.indent + INDENT;
  return value
    .map((item, index) => {
      if (item === undefined) throw new Error(`yamlText: unsupported undefined item at ${at(index).join('.')}`);
      return `- ${node(item, { indent: itemIndent, inFlow: false, path: at(index) }, style)}`;
    })
    .join(`\n${ctx.indent}`);
}

/** The YAML document of `value` (a map or a sequence), as the yaml library writes it. */
export function yamlText(value: object, style: YamlStyle = {}): string {
  if (!isCollection(value)) throw new Error('yamlText: the document must be a map or a sequence');
  const body = node(value, { indent: '', inFlow: false, path: [] }, style);
  const comment = style.comment ? `${style.comment.replace(/^(?!$)(?: $)?/gm, '#')}\n\n` : '';
  return `${comment}${body}\n`;
}
