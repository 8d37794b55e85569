/**
 * src/yaml-text.ts writes the YAML of new files without the yaml library, byte for byte as the
 * library writes it. These tests hold the two equal on random data and styles, and on every
 * file the generated projects get, by both routes.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Document, isMap, isScalar, isSeq, Scalar, type Node } from 'yaml';
import { yamlText, type YamlPath, type YamlStyle } from '../../src/yaml-text.js';

/** The same document through the library's Document API, with the same style applied to its nodes. */
function libraryText(value: object, style: YamlStyle): string {
  const doc = new Document(value, { aliasDuplicateObjects: false });
  if (style.comment) doc.commentBefore = style.comment;
  const quote = (node: unknown) => {
    if (isScalar(node) && typeof node.value === 'string' && style.doubleQuote?.test(node.value)) node.type = Scalar.QUOTE_DOUBLE;
  };
  const walk = (node: unknown, path: YamlPath): void => {
    if (isMap(node)) {
      node.items.forEach((pair, index) => {
        const key = (pair.key as Scalar<string>).value;
        const at = [...path, key];
        if (style.spaceBefore?.(at, index)) (pair.key as Scalar).spaceBefore = true;
        quote(pair.key);
        walk(pair.value, at);
      });
    } else if (isSeq(node)) {
      if (style.flow?.(path)) node.flow = true;
      node.items.forEach((item, index) => walk(item, [...path, index]));
    } else {
      quote(node);
    }
  };
  walk(doc.contents as Node, []);
  return doc.toString({ lineWidth: 0, nullStr: style.nullStr ?? 'null' });
}

/** Strings biased towards what YAML treats specially: indicators, numbers, booleans, markers. */
const text = fc.oneof(
  fc.string({ unit: fc.constantFrom(...'ab01 :#-?,[]{}\'"&*!|>%@`.~+eExo'.split(''), 'é', '/', '\n'), maxLength: 12 }),
  fc.constantFrom('', 'true', 'False', 'null', 'NULL', '~', '0o17', '0x1F', '1e5', '.inf', '-.Inf', '.nan', '1.', '.5', '---', '--- a', '...', '%x', '-', '?', '- a', 'a: b', 'a #b', 'a#b', '8000', '127.0.0.1:8001:8000', '5432:5432', 'test'),
);
const key = text.filter((value) => value !== '__proto__');
const data = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    text,
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
    fc.constant(null),
    tie('seq'),
    tie('map'),
  ),
  seq: fc.array(tie('value'), { maxLength: 4 }),
  map: fc.dictionary(key, fc.oneof(tie('value'), fc.constant(undefined)), { maxKeys: 4 }),
}));
const root = fc.oneof(data.map, data.seq) as fc.Arbitrary<object>;

const style = fc.record(
  {
    comment: fc.constantFrom(' One line.', ' Two\n lines.', 'no space\n\n after a blank'),
    nullStr: fc.constantFrom('', 'null'),
    spaceBefore: fc.constantFrom(
      (path: YamlPath, index: number) => path.length === 1 && index > 0,
      (path: YamlPath, index: number) => path.length === 2 && index > 0,
    ),
    flow: fc.constant((path: YamlPath) => path.at(-1) === 'test' || path.at(-1) === 'a'),
    doubleQuote: fc.constantFrom(/^\d+:\d+$/, /^([\d.]+:)?\d+:\d+$/),
  },
  { requiredKeys: [] },
);

describe('yamlText', () => {
  it('writes random data exactly as the yaml library does, in every style', () => {
    const RUNS = 3000;
    let refused = 0;
    fc.assert(
      fc.property(root, style, (value, options) => {
        // What yamlText does not write as the library does (a map in a flow sequence, some
        // multi-line strings) it refuses: never written differently.
        let ours: string;
        try {
          ours = yamlText(value, options);
        } catch (error) {
          expect(String(error)).toMatch(/yamlText: unsupported (map in a flow sequence|multi-line)/);
          refused++;
          return;
        }
        expect(ours).toBe(libraryText(value, options));
      }),
      { numRuns: RUNS },
    );
    // Refusing is the exception: most random documents are written.
    expect(refused).toBeLessThan(RUNS / 3);
  });

  it.each([
    ['a line break in a key', { 'one\ntwo': 1 }],
    ['a line break in a flow sequence', { test: ['one\ntwo'] }],
    ['trailing line breaks kept', { a: 'one\n\n' }],
    ['a leading space on a multi-line string', { a: ' one\ntwo' }],
    ['a tab', { a: 'one\ttwo' }],
    ['a control character', ['\u0007']],
    ['a lone surrogate', ['\uD800']],
    ['an infinite number', { a: Infinity }],
    ['a date', { a: new Date(0) }],
    ['a function', { a: () => 1 }],
  ])('refuses %s rather than write it otherwise than the library', (_, value) => {
    expect(() => yamlText(value, { flow: (path) => path.at(-1) === 'test' })).toThrow(/yamlText: unsupported/);
  });
});
