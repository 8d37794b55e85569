/**
 * The manifest is a file anyone can edit: every field of a real generated manifest is set to
 * a hostile or invalid value, and add-service must refuse it with one line naming the field,
 * exit 1, no stack trace, and nothing written in or beside the project.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashTree, runCli, tempDir } from '../helpers/cli.js';

const work = tempDir('manifest');
const base = path.join(work, 'base');
afterAll(() => fs.rmSync(work, { recursive: true, force: true }), 60_000);

const STACK_TRACE = /\n\s+at .+:\d+:\d+\)?\n/;
const MANIFEST = '.layered-backend.json';

type Json = Record<string, any>;

interface Row {
  label: string;
  /** The field the message must name, as it writes it. */
  field: string;
  edit: (manifest: Json, box: string) => unknown;
  message?: RegExp;
}

/** A copy of the generated project, alone in a box, so that a write beside it is seen. */
function boxedProject(): { box: string; project: string } {
  const box = fs.mkdtempSync(path.join(work, 'box-'));
  const project = path.join(box, 'shop');
  fs.cpSync(path.join(base, 'shop'), project, { recursive: true });
  return { box, project };
}

function setIn(target: Json, field: string, value: unknown): void {
  const keys = field.replace(/\[(\d+)\]/g, '.$1').split('.');
  const last = keys.pop()!;
  const parent = keys.reduce((node, key) => node[key], target);
  if (value === undefined) delete parent[last];
  else parent[last] = value;
}

/** Hostile values for a field holding text: paths out of the project, empty, wrong types. */
const textValues = (box: string): unknown[] => ['../../escape', path.join(box, 'escape'), '', 'a\nb', null, 7, true, [], {}, undefined];
/** Hostile values for a port. */
const portValues: unknown[] = ['8001', '../../escape', null, -1, 0, 80, 8001.5, 1e308, 70000, [], undefined];

const TEXT_FIELDS = [
  'generator',
  'version',
  'project',
  'framework',
  'db',
  'packageManager',
  'python',
  // services[1] is orders, on PostgreSQL: it has a dbPort.
  'services[1].name',
  'services[1].module',
  'services[1].envPrefix',
  'services[1].entity',
  'services[1].routePath',
  'services[1].framework',
  'services[1].db',
];
const PORT_FIELDS = ['services[0].port', 'services[1].port', 'services[1].dbPort'];

/**
 * Each field gets a few of the values, in rotation, so that every value meets several fields
 * while the run count stays small; test/unit/manifest.test.ts checks every pair in process.
 */
const PER_FIELD = 3;
const rotation = <T>(values: T[], fieldIndex: number): number[] =>
  Array.from({ length: PER_FIELD }, (_, k) => (fieldIndex * PER_FIELD + k) % values.length);
const label = (field: string, value: unknown) => `${field} = ${value === undefined ? '(deleted)' : JSON.stringify(value)}`;

const rows: Row[] = [
  ...TEXT_FIELDS.flatMap((field, fieldIndex) =>
    rotation(textValues('BOX'), fieldIndex).map((index): Row => ({
      label: label(field, textValues('BOX')[index]),
      field,
      // The absolute path points into the row's own box.
      edit: (manifest, box) => setIn(manifest, field, textValues(box)[index]),
    })),
  ),
  ...PORT_FIELDS.flatMap((field, fieldIndex) =>
    rotation(portValues, fieldIndex).map((index): Row => ({
      label: label(field, portValues[index]),
      field,
      edit: (manifest) => setIn(manifest, field, portValues[index]),
    })),
  ),
  // Optional (older manifests have none, read as none), but checked when present.
  ...['kafka', '../../escape', null, 7, []].map((value): Row => ({
    label: label('broker', value),
    field: 'broker',
    edit: (manifest) => (manifest.broker = value),
  })),
  ...['oauth', '../../escape', null, 7, []].map((value): Row => ({
    label: label('auth', value),
    field: 'auth',
    edit: (manifest) => (manifest.auth = value),
  })),
  ...[null, 'x', []].map((value): Row => ({
    label: `services = ${JSON.stringify(value)}`,
    field: 'services',
    edit: (manifest) => (manifest.services = value),
  })),
  ...[null, '../../escape', 7, []].map((value): Row => ({
    label: `services[1] = ${JSON.stringify(value)}`,
    field: 'services[1]',
    edit: (manifest) => (manifest.services[1] = value),
  })),
  // Absent, the list of entities is read as the service's one entity (older manifests).
  ...([
    [null, 'services[1].entities'],
    ['../../escape', 'services[1].entities'],
    [[], 'services[1].entities'],
    [[{ name: '../../escape', routePath: 'escape' }], 'services[1].entities[0].name'],
    [[{ name: 'order', routePath: 'orders' }, { name: 'order', routePath: 'orders' }], 'services[1].entities[1].name'],
  ] as Array<[unknown, string]>).map(
    ([value, field]): Row => ({
      label: `services[1].entities = ${JSON.stringify(value)}`,
      field,
      edit: (manifest) => (manifest.services[1].entities = value),
    }),
  ),
  {
    label: 'a SQLite service with a database port',
    field: 'services[0].dbPort',
    edit: (manifest) => (manifest.services[0].dbPort = 5440),
  },
  {
    label: 'a manifest from another generator',
    field: 'generator',
    edit: (manifest) => (manifest.generator = 'create-react-app'),
  },
  {
    label: 'a version that is not one',
    field: 'version',
    edit: (manifest) => (manifest.version = 'latest'),
  },
  {
    label: 'a duplicate service name',
    field: 'services[1].name',
    edit: (manifest) => Object.assign(manifest.services[1], { name: 'users', module: 'users', envPrefix: 'USERS_' }),
    message: /"users" is listed twice/,
  },
  {
    label: 'two names for one Python module',
    field: 'services[1].name',
    edit: (manifest) => {
      Object.assign(manifest.services[0], { name: 'user-api', module: 'user_api', envPrefix: 'USER_API_' });
      Object.assign(manifest.services[1], { name: 'user_api', module: 'user_api', envPrefix: 'USER_API_' });
    },
    message: /both become the Python module "user_api"/,
  },
  {
    label: 'a duplicate service port',
    field: 'services[1].port',
    edit: (manifest) => (manifest.services[1].port = manifest.services[0].port),
    message: /8001 is also services\[0\]\.port/,
  },
  {
    label: 'a database port that is another service port',
    field: 'services[1].dbPort',
    edit: (manifest) => (manifest.services[1].dbPort = 8001),
    message: /8001 is also services\[0\]\.port/,
  },
];

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

beforeAll(async () => {
  fs.mkdirSync(base);
  const created = await runCli(['shop', '--services', 'users,orders@postgres', '--yes', '--no-install', '--no-git'], { cwd: base });
  expect(created.exitCode, created.all).toBe(0);
}, 60_000);

describe('add-service refuses a manifest with a hostile or invalid field', () => {
  it('covers every field of a generated manifest', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(base, 'shop', MANIFEST), 'utf8'));
    const covered = new Set(rows.map((row) => row.field.replace(/\[\d+\]/g, '[]')));
    const fields = [
      ...Object.keys(manifest),
      ...manifest.services.flatMap((service: Json) => Object.keys(service).map((key) => `services[].${key}`)),
    ];
    expect(fields.filter((field) => !covered.has(field))).toEqual([]);
  });

  it.concurrent.each(rows)('$label', async ({ field, edit, message }) => {
    const { box, project } = boxedProject();
    const file = path.join(project, MANIFEST);
    const manifest = JSON.parse(fs.readFileSync(file, 'utf8'));
    edit(manifest, box);
    fs.writeFileSync(file, JSON.stringify(manifest, null, 2));
    const before = hashTree(box);
    const run = await runCli(['add-service', 'billing', '--yes', '--no-install', '--no-git-check'], { cwd: project });
    const first = run.stderr.split('\n')[0]!;
    expect(first).toMatch(new RegExp(`not a valid manifest: (.*; )?${escape(field)}( is missing|: )`));
    if (message) expect(first).toMatch(message);
    expect(run.exitCode).toBe(1);
    expect(run.all).not.toMatch(STACK_TRACE);
    expect(hashTree(box)).toBe(before);
    fs.rmSync(box, { recursive: true, force: true });
  });
});

describe('the generator version in the manifest', () => {
  const withVersion = async (version: string, args: string[] = []) => {
    const { box, project } = boxedProject();
    const file = path.join(project, MANIFEST);
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/"version": "[^"]*"/, `"version": "${version}"`));
    const before = hashTree(box);
    const run = await runCli(['add-service', 'billing', '--yes', '--no-install', '--no-git-check', ...args], { cwd: project });
    return { run, unchanged: hashTree(box) === before };
  };

  it('refuses a manifest written by a newer major version, saying how to upgrade', async () => {
    const { run, unchanged } = await withVersion('99.1.0');
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toMatch(
      /written by create-layered-backend 99\.1\.0; this is \d+\.\d+\.\d+\S*: upgrade with npx create-layered-backend@latest add-service billing/,
    );
    expect(run.all).not.toMatch(STACK_TRACE);
    expect(unchanged).toBe(true);
  });

  it.each(['0.0.1', '0.99.0', '0.1.0-beta.1'])('reads a manifest of an older or equal major version (%s)', async (version) => {
    const { run } = await withVersion(version, ['--dry-run']);
    expect(run.exitCode, run.all).toBe(0);
    expect(run.stdout).toMatch(/Dry run: nothing was changed/);
  });
});
