/**
 * Manifest validation in process: every field against every hostile value, and random JSON
 * values per field (property test). Whatever is accepted meets the rules the flags meet.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { entityContext, serviceRecords } from '../../src/context.js';
import { UsageError } from '../../src/errors.js';
import { buildManifest, manifestProblems, readManifest, serializeManifest } from '../../src/manifest.js';
import { entityNameProblem, envPrefix, projectNameProblem, serviceNameProblem, toSnake } from '../../src/naming.js';
import { resolveFromFlags, validatePython } from '../../src/options.js';

const answers = resolveFromFlags('shop', { services: 'users,orders@postgres', install: false, test: false, git: false }, { cwd: '/tmp', uvAvailable: true });
const generated = () => JSON.parse(serializeManifest(buildManifest(answers, serviceRecords(answers), '1.4.2')));

function setIn(target: Record<string, any>, field: string, value: unknown): void {
  const keys = field.replace(/\[(\d+)\]/g, '.$1').split('.');
  const last = keys.pop()!;
  const parent = keys.reduce((node, key) => node[key], target);
  if (value === undefined) delete parent[last];
  else parent[last] = value;
}

const FIELDS = [
  'generator', 'version', 'project', 'framework', 'db', 'packageManager', 'python', 'services',
  ...['name', 'module', 'envPrefix', 'entity', 'routePath', 'framework', 'db', 'port'].flatMap((key) => [`services[0].${key}`, `services[1].${key}`]),
  'services[1].dbPort', 'services[0]', 'services[1]',
];

const HOSTILE: unknown[] = [
  '../../x', '/etc/passwd', 'C:\\Windows', '', ' ', 'a\nb', '\u0000', 'users/../../x', null, true, false, 0, -1, 80, 8001.5,
  1e308, -1e308, 70000, '8001', [], ['users'], {}, { name: 'users' }, undefined,
];

/** A problem of the field itself or of something inside it (`services[0].name` for `services`). */
const fieldPattern = (field: string) => new RegExp(`^${field.replace(/[[\]]/g, '\\$&')}(\\[\\d+\\]|\\.\\w+)*( is missing|: )`);

describe('manifestProblems', () => {
  it('accepts the manifest create writes', () => {
    expect(manifestProblems(generated())).toEqual([]);
  });

  it.each(FIELDS)('refuses every hostile value of %s, naming it on one line', (field) => {
    // "8001" is a fine project name; it is here as a port written as a string.
    for (const value of HOSTILE.filter((value) => !(field === 'project' && value === '8001'))) {
      const manifest = generated();
      setIn(manifest, field, value);
      const problems = manifestProblems(manifest);
      expect(problems.length, `${field} = ${JSON.stringify(value)}`).toBeGreaterThan(0);
      expect(problems.some((problem) => fieldPattern(field).test(problem)), `${field} = ${JSON.stringify(value)}: ${problems.join('; ')}`).toBe(true);
      for (const problem of problems) expect(problem).not.toMatch(/[\n\r\u0000]/);
    }
  });

  it.each([[[]], [null], ['x'], [7]])('refuses %j instead of an object', (value) => {
    expect(manifestProblems(value)).toEqual([expect.stringMatching(/not a JSON object/)]);
  });

  it('refuses duplicate names, modules and ports', () => {
    const cases: Array<[(manifest: Record<string, any>) => void, RegExp]> = [
      [(m) => Object.assign(m.services[1], { name: 'users', module: 'users', envPrefix: 'USERS_' }), /services\[1\]\.name: "users" is listed twice/],
      [
        (m) => {
          Object.assign(m.services[0], { name: 'user-api', module: 'user_api', envPrefix: 'USER_API_' });
          Object.assign(m.services[1], { name: 'user_api', module: 'user_api', envPrefix: 'USER_API_' });
        },
        /both become the Python module "user_api"/,
      ],
      [(m) => (m.services[1].port = 8001), /services\[1\]\.port: 8001 is also services\[0\]\.port/],
      [(m) => (m.services[1].dbPort = 8002), /services\[1\]\.dbPort: 8002 is also services\[1\]\.port/],
    ];
    for (const [edit, message] of cases) {
      const manifest = generated();
      edit(manifest);
      expect(manifestProblems(manifest)).toEqual([expect.stringMatching(message)]);
    }
  });
});

describe("a service's entities", () => {
  const withEntities = (entities: unknown) => {
    const manifest = generated();
    manifest.services[1].entities = entities;
    return manifest;
  };
  const entity = (name: string) => ({ name, routePath: entityContext(name).routePath });

  it('reads a manifest without them (written before services had several) as valid', () => {
    const manifest = generated();
    delete manifest.services[1].entities;
    expect(manifestProblems(manifest)).toEqual([]);
  });

  it('accepts the entities add-entity appends', () => {
    expect(manifestProblems(withEntities([entity('order'), entity('invoice'), entity('order_item')]))).toEqual([]);
  });

  it.each([
    ['not a list', { name: 'order' }, /^services\[1\]\.entities: must be a list/],
    ['empty', [], /^services\[1\]\.entities: must list at least/],
    ['a string item', ['order'], /^services\[1\]\.entities\[0\]: must be an object/],
    ['an invalid name', [entity('order'), { name: '../x', routePath: '../x' }], /^services\[1\]\.entities\[1\]\.name: /],
    ['a missing name', [entity('order'), { routePath: 'x' }], /^services\[1\]\.entities\[1\]\.name is missing/],
    ['a route path that does not follow the name', [entity('order'), { name: 'invoice', routePath: 'bills' }], /^services\[1\]\.entities\[1\]\.routePath: /],
    ['a first entity other than `entity`', [entity('invoice'), entity('order')], /^services\[1\]\.entities\[0\]\.name: "invoice" is not the service's entity/],
    ['an entity twice', [entity('order'), entity('order')], /^services\[1\]\.entities\[1\]\.name: "order" and entities\[0\] both give the module order/],
    ['two entities with one table', [entity('order'), entity('index'), entity('indice')], /both give the table indices/],
    ['two entities with one class', [entity('order'), entity('item2'), entity('item_2')], /both give the class Item2/],
  ])('refuses %s, naming the field', (_, entities, message) => {
    const problems = manifestProblems(withEntities(entities));
    expect(problems).toContainEqual(expect.stringMatching(message));
  });
});

describe('manifestProblems over random values', () => {
  /** What the flags would accept for a field; a manifest value passes only if it does too. */
  const flagRule: Record<string, (value: unknown) => boolean> = {
    project: (value) => typeof value === 'string' && projectNameProblem(value) === undefined,
    python: (value) => typeof value === 'string' && validatePython(value) === undefined,
    'services[1].name': (value) => typeof value === 'string' && serviceNameProblem(value) === undefined,
    'services[1].entity': (value) => typeof value === 'string' && entityNameProblem(value) === undefined,
    'services[1].port': (value) => Number.isInteger(value) && (value as number) >= 1024 && (value as number) <= 65535,
    'services[1].dbPort': (value) => Number.isInteger(value) && (value as number) >= 1024 && (value as number) <= 65535,
  };
  const values = fc.oneof(
    fc.jsonValue(),
    fc.string(),
    fc.integer({ min: -100_000, max: 100_000 }),
    fc.constantFrom('../x', '/x', 'users', 'orders', 'order', '3.12', 'shop', 8001, 5433),
  );

  it.each(Object.keys(flagRule))('%s: accepted only when the flags would accept it', (field) => {
    fc.assert(
      fc.property(values, (value) => {
        const manifest = generated();
        setIn(manifest, field, value);
        // Derived fields follow a new name or entity, so that only the value itself is judged.
        if (typeof value === 'string' && field === 'services[1].name') {
          Object.assign(manifest.services[1], { module: toSnake(value), envPrefix: envPrefix(value) });
        }
        if (typeof value === 'string' && field === 'services[1].entity') {
          manifest.services[1].routePath = entityContext(value).routePath;
          manifest.services[1].entities = [{ name: value, routePath: entityContext(value).routePath }];
        }
        const problems = manifestProblems(manifest);
        if (problems.length === 0) expect(flagRule[field]!(value)).toBe(true);
        else expect(problems.some((problem) => fieldPattern(field).test(problem) || / is also /.test(problem)), problems.join('; ')).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('never accepts a value whose derived fields disagree with it', () => {
    fc.assert(
      fc.property(fc.constantFrom('module', 'envPrefix', 'routePath'), fc.jsonValue(), (key, value) => {
        const manifest = generated();
        const expected = manifest.services[1][key];
        manifest.services[1][key] = value;
        expect(manifestProblems(manifest).length === 0).toBe(value === expected);
      }),
      { numRuns: 300 },
    );
  });
});

describe('readManifest', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clb-manifest-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const write = (manifest: unknown) => fs.writeFileSync(path.join(dir, '.layered-backend.json'), JSON.stringify(manifest));
  const read = (running: string) => {
    try {
      return readManifest(dir, running, 'add-service billing');
    } catch (error) {
      return error as Error;
    }
  };

  it.each([
    ['1.4.2', '1.0.0', 'ok'],
    ['1.4.2', '1.9.9', 'ok'],
    ['1.4.2', '2.0.0', 'ok'],
    ['1.4.2', '1.4.2', 'ok'],
    ['2.0.0', '1.9.9', 'newer'],
    ['10.0.0', '9.0.0', 'newer'],
    ['2.0.0-rc.1', '1.0.0', 'newer'],
  ] as const)('written by %s, read by %s: %s', (written, running, outcome) => {
    write({ ...generated(), version: written });
    const result = read(running);
    if (outcome === 'ok') expect(result).not.toBeInstanceOf(Error);
    else {
      expect(result).toBeInstanceOf(UsageError);
      expect((result as Error).message).toMatch(
        new RegExp(`written by create-layered-backend ${written.replace(/\./g, '\\.')}; this is ${running.replace(/\./g, '\\.')}: upgrade with npx create-layered-backend@latest add-service billing`),
      );
    }
  });

  it('lists at most three problems, on one line', () => {
    const manifest = generated();
    Object.assign(manifest, { project: '../x', framework: 'flask', db: null, python: '2.7', packageManager: 'poetry' });
    write(manifest);
    const error = read('1.4.2') as Error;
    expect(error.message).toMatch(/not a valid manifest: project: .*; framework: .*; db: .* \(and 2 more\)\.$/);
    expect(error.message).not.toMatch(/\n/);
  });
});
