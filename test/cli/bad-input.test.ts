/**
 * Bad input, table-driven: every row must end with a message saying what is wrong, exit 1,
 * no stack trace, and the tree exactly as before (checked by hashing it).
 */
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashTree, runCli, tempDir } from '../helpers/cli.js';

const work = tempDir('bad');
const project = path.join(work, 'shop');
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

interface Row {
  label: string;
  args: string[];
  message: RegExp;
  /** Prepare the project (add-service rows) or the working directory (create rows). */
  setup?: (dir: string) => void;
}

const STACK_TRACE = /\n\s+at .+:\d+:\d+\)?\n/;

const createRows: Row[] = [
  { label: 'upper case and a space in the project name', args: ['My Project'], message: /may only contain lower-case.*Try "my-project"/ },
  { label: 'a project name starting with a dot', args: ['.hidden'], message: /starting with a letter or digit/ },
  { label: 'a non-ASCII project name', args: ['projét'], message: /Try "projet"/ },
  { label: 'a Python keyword', args: ['-s', 'class'], message: /"class" is a Python keyword/ },
  { label: 'another keyword', args: ['-s', 'users,import'], message: /"import" is a Python keyword/ },
  { label: 'a soft keyword', args: ['-s', 'match'], message: /"match" is a Python keyword/ },
  { label: 'a leading digit', args: ['-s', '1users'], message: /starts with a digit/ },
  { label: 'a slash', args: ['-s', 'users/admin'], message: /path separator/ },
  { label: 'a backslash', args: ['-s', 'users\\admin'], message: /path separator/ },
  { label: '..', args: ['-s', '..'], message: /path separator or "\.\."/ },
  { label: 'a relative path', args: ['-s', '../x'], message: /path separator/ },
  { label: 'an absolute path', args: ['-s', '/etc/passwd'], message: /path separator/ },
  { label: 'a control character', args: ['-s', 'us\u0007ers'], message: /may only contain lower-case letters/ },
  { label: 'a tab', args: ['-s', 'us\ters'], message: /may only contain lower-case letters/ },
  { label: 'non-ASCII letters', args: ['-s', 'usérs'], message: /may only contain lower-case letters.*Try "users"/ },
  { label: 'upper case', args: ['-s', 'Users'], message: /Try "users"/ },
  { label: 'a space', args: ['-s', 'user accounts'], message: /Try "user-accounts"/ },
  { label: 'a doubled hyphen', args: ['-s', 'a--b'], message: /single "-" or "_"/ },
  { label: 'a leading hyphen', args: ['-s', '-users'], message: /single "-" or "_"|lower-case/ },
  { label: 'a trailing underscore', args: ['-s', 'users_'], message: /single "-" or "_"/ },
  { label: 'over 40 characters', args: ['-s', 'a'.repeat(41)], message: /41 characters long; the limit is 40/ },
  { label: 'a duplicate', args: ['-s', 'users,users'], message: /listed twice/ },
  { label: 'a duplicate after normalising', args: ['-s', 'user-api,user_api'], message: /both become the Python module "user_api"/ },
  { label: 'the app package', args: ['-s', 'app'], message: /clashes with a folder or package/ },
  { label: 'the libs folder', args: ['-s', 'libs'], message: /clashes/ },
  { label: 'the tests folder', args: ['-s', 'tests'], message: /clashes/ },
  { label: 'a shared library', args: ['-s', 'shared-utils'], message: /clashes/ },
  { label: 'an empty list', args: ['-s', ''], message: /at least one service/ },
  { label: 'only commas', args: ['-s', ',,'], message: /at least one service/ },
  { label: 'an upper-case entity', args: ['-s', 'users:User'], message: /"User" is not a valid entity name/ },
  { label: 'a kebab-case entity', args: ['-s', 'orders:order-item'], message: /Try "order_item"/ },
  { label: 'a keyword entity', args: ['-s', 'users:class'], message: /Python keyword/ },
  { label: 'an entity with a leading digit', args: ['-s', 'users:1user'], message: /not a valid entity name/ },
  { label: 'an entity every service has', args: ['-s', 'users:health'], message: /clashes with the health modules every service has/ },
  { label: 'an entity named like a base class', args: ['-s', 'things:entity'], message: /clashes with Entity, the base class of the models. Try "entity_item"/ },
  { label: 'an entity named like a variable', args: ['-s', 'things:data'], message: /clashes with data, the request body/ },
  { label: 'an entity whose plural is a keyword', args: ['-s', 'things:a'], message: /plural "as", a Python keyword/ },
  { label: 'an entity ruff calls ambiguous', args: ['-s', 'things:l'], message: /ambiguous \(E741\)/ },
  { label: "an entity whose route would replace a Litestar method", args: ['-s', 'things:route_handlers'], message: /get_route_handlers, a method of Litestar's Controller/ },
  { label: "another service's database container", args: ['-s', 'users@postgres,users-db'], message: /"users-db" is the name of the database container of the service "users"/ },
  { label: 'a service whose database container is taken', args: ['-s', 'users-db,users@mysql'], message: /database container of "users" would be named "users-db"/ },
  { label: 'a system database of MySQL', args: ['-s', 'mysql'], message: /system database of MySQL or PostgreSQL/ },
  { label: 'a name too long for a MySQL user', args: ['-s', `${'a'.repeat(33)}@mysql`], message: /limited to 32, the longest user name MySQL accepts/ },
  { label: 'two colons', args: ['-s', 'users:user:x'], message: /more than one ":"/ },
  { label: 'an unknown database for one service', args: ['-s', 'users@mongo'], message: /unknown database "mongo"/ },
  { label: 'two databases for one service', args: ['-s', 'users@postgres@mysql'], message: /more than one "@"/ },
  { label: 'an unknown flag', args: ['--frobnicate'], message: /unknown option '--frobnicate'/ },
  { label: 'an unknown database', args: ['--db', 'mongo'], message: /Allowed choices are sqlite, postgres, mysql/ },
  { label: 'an unknown framework', args: ['--framework', 'django'], message: /argument 'django' is invalid/ },
  { label: 'an unknown package manager', args: ['--package-manager', 'poetry'], message: /Allowed choices are uv, pip/ },
  { label: 'an unknown broker', args: ['--broker', 'kafka'], message: /Allowed choices are none, rabbitmq, nats, redis/ },
  { label: 'Python 2.7', args: ['--python', '2.7'], message: /Allowed choices are 3\.11, 3\.12, 3\.13/ },
  { label: 'Python 3.10', args: ['--python', '3.10'], message: /argument '3\.10' is invalid/ },
  { label: 'a flag without its value', args: ['--services'], message: /argument missing/ },
  {
    label: 'a target that is a file',
    args: ['taken'],
    setup: (dir) => fs.writeFileSync(path.join(dir, 'taken'), 'a file'),
    message: /taken is a file, not a directory/,
  },
  {
    label: 'a target that is not empty',
    args: ['busy'],
    setup: (dir) => {
      fs.mkdirSync(path.join(dir, 'busy/src'), { recursive: true });
      fs.writeFileSync(path.join(dir, 'busy/main.py'), '');
    },
    message: /busy is not empty[\s\S]*main\.py[\s\S]*src/,
  },
];

const manifestPath = () => path.join(project, '.layered-backend.json');
const editManifest = (edit: (manifest: Record<string, any>) => void) => {
  const manifest = JSON.parse(fs.readFileSync(manifestPath(), 'utf8'));
  edit(manifest);
  fs.writeFileSync(manifestPath(), JSON.stringify(manifest));
};

const addRows: Row[] = [
  { label: 'an existing service', args: ['users'], message: /already has a service "users"/ },
  { label: 'an existing service after normalising', args: ['order_items'], message: /like the existing service "order-items"/ },
  {
    label: 'a folder that exists but is not a service',
    args: ['billing'],
    setup: (dir) => fs.mkdirSync(path.join(dir, 'services/billing')),
    message: /services\/billing already exists/,
  },
  { label: 'a keyword', args: ['def'], message: /Python keyword/ },
  { label: "a service's database container", args: ['users-db'], message: /database container of the service "users"/ },
  { label: 'an entity that clashes', args: ['billing', '--entity', 'repository'], message: /clashes with Repository/ },
  { label: 'a name too long for a MySQL user', args: ['a'.repeat(33), '--db', 'mysql'], message: /the longest user name MySQL accepts/ },
  { label: 'a path', args: ['../billing'], message: /path separator/ },
  { label: 'a bad entity', args: ['billing', '--entity', 'Invoice'], message: /not a valid entity name/ },
  { label: 'an unknown database', args: ['billing', '--db', 'oracle'], message: /Allowed choices are sqlite, postgres, mysql/ },
  { label: 'a privileged port', args: ['billing', '--port', '80'], message: /from 1024 to 65535/ },
  { label: 'a port that is not a number', args: ['billing', '--port', 'http'], message: /from 1024 to 65535/ },
  { label: 'a port another service has', args: ['billing', '--port', '8001'], message: /already used by users/ },
  { label: 'no name', args: [], message: /missing required argument 'name'/ },
  { label: 'a manifest that is not JSON', args: ['billing'], setup: () => fs.writeFileSync(manifestPath(), '{"project": '), message: /is not valid JSON/ },
  {
    label: 'a manifest without services',
    args: ['billing'],
    setup: () => editManifest((manifest) => delete manifest.services),
    message: /services is missing/,
  },
  {
    label: 'a manifest with an unknown framework',
    args: ['billing'],
    setup: () => editManifest((manifest) => (manifest.framework = 'flask')),
    message: /framework: "flask" is not one of fastapi, litestar/,
  },
  {
    label: 'a manifest with a broken service',
    args: ['billing'],
    setup: () => editManifest((manifest) => (manifest.services[0].port = 'eight')),
    message: /services\[0\]\.port: "eight" is not a port/,
  },
  { label: 'a missing manifest', args: ['billing'], setup: () => fs.rmSync(manifestPath()), message: /not inside a create-layered-backend project/ },
  {
    label: 'a compose file that is not YAML',
    args: ['billing'],
    setup: (dir) => fs.appendFileSync(path.join(dir, 'docker-compose.yml'), '\n  oops: [\n'),
    message: /docker-compose\.yml cannot be edited safely: it is not valid YAML/,
  },
  {
    label: 'a compose file without services',
    args: ['billing'],
    setup: (dir) => fs.writeFileSync(path.join(dir, 'docker-compose.yml'), 'version: "3"\n'),
    message: /it has no "services" mapping/,
  },
  {
    label: 'a compose file that already has a service of that name',
    args: ['billing'],
    setup: (dir) => {
      const file = path.join(dir, 'docker-compose.yml');
      fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/^services:\n/m, 'services:\n  billing:\n    image: nginx\n'));
    },
    message: /docker-compose\.yml cannot be edited safely: it already defines "billing"/,
  },
  {
    label: 'a peers line that is not JSON',
    args: ['billing'],
    setup: (dir) => {
      const file = path.join(dir, 'services/users/.env.example');
      fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/^USERS_PEERS=.*$/m, 'USERS_PEERS=users,orders'));
    },
    message: /services\/users\/\.env\.example cannot be edited safely: its USERS_PEERS line is not a JSON object/,
  },
];

describe('create refuses bad input', () => {
  it.concurrent.each(createRows)('$label', async ({ args, setup, message }) => {
    const cwd = fs.mkdtempSync(path.join(work, 'create-'));
    setup?.(cwd);
    const before = hashTree(cwd);
    const named = args[0] !== undefined && !args[0].startsWith('-');
    // The row's own arguments come last, so that a flag missing its value is really last.
    const run = await runCli([...(named ? [] : ['demo']), '--yes', '--no-install', ...args], { cwd });
    expect(run.stderr).toMatch(message);
    expect(run.exitCode).toBe(1);
    expect(run.all).not.toMatch(STACK_TRACE);
    expect(hashTree(cwd)).toBe(before);
  });
});

describe('add-service refuses bad input', () => {
  beforeAll(async () => {
    const created = await runCli(['shop', '--services', 'users,order-items', '--yes', '--no-install'], { cwd: work });
    expect(created.exitCode, created.all).toBe(0);
  });

  const rows = addRows;
  it.each(rows)('$label', async ({ args, setup, message }) => {
    setup?.(project);
    const before = hashTree(project);
    const run = await runCli(['add-service', ...args, '--yes', '--no-install', '--no-git-check'], { cwd: project });
    expect(run.stderr).toMatch(message);
    expect(run.exitCode).toBe(1);
    expect(run.all).not.toMatch(STACK_TRACE);
    expect(hashTree(project)).toBe(before);
    await execa('git', ['checkout', '--', '.'], { cwd: project });
    await execa('git', ['clean', '-fdq', '--', 'services'], { cwd: project });
  });

  it('counts at least 40 bad inputs across both commands', () => {
    expect(createRows.length + rows.length).toBeGreaterThanOrEqual(40);
  });
});
