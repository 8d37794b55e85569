/**
 * Renders the templates the build compiled (src/render/template-format.ts), as Handlebars
 * does with `{ noEscape: true, strict: true }`:
 * - `{{path}}` writes the value (no escaping); a value missing from its object is an error
 *   (strict), a present `undefined` or `null` writes nothing;
 * - a block's value (`{{#if path}}`) may be missing: it is then `undefined`;
 * - `#if` takes the block for a truthy value that is not an empty array (0 is false),
 *   `#unless` the other one; `#with` enters a value that is not empty (0 is not); `#each`
 *   enters each item of an array, iterable or object (@index, @first, @last, @key), `{{else}}`
 *   when there is none;
 * - `../` climbs the contexts entered, which Handlebars only records when the value entered
 *   differs (`!=`) from the current context;
 * - a partial renders with the current context, each line indented as the standalone line was.
 * Where Handlebars would render something but hardly what a template means (a value inherited
 * from a prototype, a function), this throws instead.
 */
import { BLOCK, EACH, IF, OUTPUT, OUTPUT_DATA, PARTIAL, UNLESS, WITH, type LayerIndex, type Node, type Program } from './template-format.js';

export type Render = (context: object) => string;

/** The contexts entered, innermost first (Handlebars' `depths`). */
interface Depths {
  context: unknown;
  up: Depths | undefined;
}

/** @data: what the innermost #each sets (Handlebars' data frame, which also holds the root context). */
interface Data {
  root: unknown;
  index?: number;
  first?: boolean;
  last?: boolean;
  key?: string | number;
}

/** A partial renders with the @data of where it is used. */
export type PartialRender = (context: unknown, data?: Data) => string;
export type PartialLookup = (name: string) => PartialRender;

const hasOwn = Object.prototype.hasOwnProperty;

function notRenderable(what: string): never {
  throw new Error(`Template value ${what}`);
}

/** A property of `parent` as Handlebars' lookupProperty reads it, for a part before the last. */
function property(parent: unknown, name: string): unknown {
  const value = (parent as Record<string, unknown>)[name];
  if (value == null || hasOwn.call(parent, name)) return value;
  return notRenderable(`"${name}" is inherited, not a property of its own`);
}

function contextAt(depths: Depths, depth: number): unknown {
  let at: Depths | undefined = depths;
  for (let i = 0; i < depth && at; i++) at = at.up;
  return at?.context;
}

/** The value a block tests or enters: the last part may be missing. */
function blockValue(value: [number, string[]] | [string], depths: Depths, data: Data): unknown {
  if (value.length === 1) return (data as unknown as Record<string, unknown>)[value[0]];
  const [depth, parts] = value;
  let current = contextAt(depths, depth);
  for (const part of parts) current = property(current, part);
  if (typeof current === 'function') notRenderable(`${parts.join('.')} is a function`);
  return current;
}

/** The value `{{path}}` writes: the last part must be a key of its object (strict). */
function outputValue(depth: number, parts: string[], depths: Depths): unknown {
  let current = contextAt(depths, depth);
  const last = parts.length - 1;
  for (let i = 0; i < last; i++) current = property(current, parts[i]!);
  if (last >= 0) {
    const name = parts[last]!;
    if (!current || !(name in (current as object))) throw new Error(`"${name}" not defined in ${String(current)}`);
    current = property(current, name);
  }
  if (typeof current === 'function') notRenderable(`${parts.join('.')} is a function`);
  return current;
}

/** Handlebars' isEmpty: what #with takes for no value (0 is one). */
const isEmpty = (value: unknown): boolean => (!value && value !== 0) || (Array.isArray(value) && value.length === 0);

/** Handlebars enters a new context only when it differs from the current one. */
const enter = (context: unknown, depths: Depths): Depths =>
  // eslint-disable-next-line eqeqeq
  context != depths.context ? { context, up: depths } : depths;

function renderEach(
  value: unknown,
  node: [typeof BLOCK, number, unknown, Program, Program | 0],
  context: unknown,
  depths: Depths,
  data: Data,
  partials: PartialLookup,
): string {
  let out = '';
  // Handlebars takes {{else}} when there was nothing to iterate: holes of an array count.
  let count = 0;
  const iterate = (item: unknown, key: string | number, index: number, last: boolean) => {
    const frame: Data = { ...data, key, index, first: index === 0, last };
    out += renderProgram(node[3], item, enter(item, depths), frame, partials);
  };
  if (value && typeof value === 'object') {
    let items: unknown[] | undefined;
    if (Array.isArray(value)) items = value;
    else if (typeof (value as Iterable<unknown>)[Symbol.iterator] === 'function') items = [...(value as Iterable<unknown>)];
    if (items) {
      count = items.length;
      for (let i = 0; i < items.length; i++) if (i in items) iterate(items[i], i, i, i === items.length - 1);
    } else {
      const keys = Object.keys(value);
      count = keys.length;
      for (let i = 0; i < keys.length; i++) iterate((value as Record<string, unknown>)[keys[i]!], keys[i]!, i, i === keys.length - 1);
    }
  }
  if (count === 0 && node[4] !== 0) out = renderProgram(node[4], context, depths, data, partials);
  return out;
}

export function renderProgram(program: Program, context: unknown, depths: Depths, data: Data, partials: PartialLookup): string {
  let out = '';
  for (let i = 0; i < program.length; i++) {
    const node = program[i] as Node | string;
    if (typeof node === 'string') {
      out += node;
      continue;
    }
    if (typeof node === 'number') throw new Error('Template text not linked');
    switch (node[0]) {
      case OUTPUT: {
        const value = outputValue(node[1], node[2], depths);
        if (value != null) out += value as string;
        break;
      }
      case OUTPUT_DATA: {
        const name = node[1];
        if (!(name in data)) throw new Error(`"${name}" not defined in ${String(data)}`);
        const value = (data as unknown as Record<string, unknown>)[name];
        if (value != null) out += value as string;
        break;
      }
      case BLOCK: {
        const value = blockValue(node[2], depths, data);
        const helper = node[1];
        if (helper === EACH) {
          out += renderEach(value, node, context, depths, data, partials);
        } else if (helper === WITH) {
          if (!isEmpty(value)) out += renderProgram(node[3], value, enter(value, depths), data, partials);
          else if (node[4] !== 0) out += renderProgram(node[4], context, depths, data, partials);
        } else {
          if (helper !== IF && helper !== UNLESS) throw new Error(`Unknown block helper ${helper}`);
          // #if (and #unless) count 0 as false, unlike #with.
          const truthy = Boolean(value) && !isEmpty(value);
          const taken = truthy === (helper === IF) ? node[3] : node[4];
          if (taken !== 0) out += renderProgram(taken, context, depths, data, partials);
        }
        break;
      }
      case PARTIAL: {
        let text = partials(node[1])(context, data);
        if (node[2] !== '') text = indent(text, node[2]);
        out += text;
        break;
      }
      default:
        throw new Error(`Unknown template node ${JSON.stringify(node)}`);
    }
  }
  return out;
}

/** Handlebars' indentation of a standalone partial: every line but a last empty one. */
function indent(text: string, prefix: string): string {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i] && i + 1 === lines.length) break;
    lines[i] = prefix + lines[i];
  }
  return lines.join('\n');
}

/** Replaces piece numbers by their text, in place: once per program, on its first render. */
function link(program: Program, piece: (index: number) => string): void {
  for (let i = 0; i < program.length; i++) {
    const node = program[i]!;
    if (typeof node === 'number') (program as unknown[])[i] = piece(node);
    else if (node[0] === BLOCK) {
      link(node[3], piece);
      if (node[4] !== 0) link(node[4], piece);
    }
  }
}

/**
 * A layer file's entries: output path (or partial name) and a render function. Text is sliced
 * from the file's string (no copies); a program is linked on its first render.
 */
export function readLayer(file: string, partials: PartialLookup): Array<[string, PartialRender]> {
  const newline = file.indexOf('\n');
  const index = JSON.parse(file.slice(0, newline)) as LayerIndex;
  const starts = [newline + 1];
  for (const length of index.t) starts.push(starts[starts.length - 1]! + length);
  const piece = (k: number): string => file.slice(starts[k], starts[k + 1]);
  return index.f.map(([name, contents]): [string, PartialRender] => {
    if (typeof contents === 'number') return [name, () => piece(contents)];
    let linked = false;
    return [
      name,
      (context: unknown, data?: Data) => {
        if (!linked) link(contents, piece);
        linked = true;
        return renderProgram(contents, context, { context, up: undefined }, data ?? { root: context }, partials);
      },
    ];
  });
}
