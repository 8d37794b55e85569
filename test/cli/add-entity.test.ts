/**
 * add-entity through the built CLI on a generated project (no install): a dry run shows the
 * change and writes nothing; a run adds the entity's files and edits, recorded in the
 * manifest; and every refusal (bad or taken name, unknown service, a file in the way, a file
 * it cannot edit safely, several migration heads, uncommitted changes) exits 1 with the
 * project untouched.
 */
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashTree, runCli, tempDir } from '../helpers/cli.js';

const work = tempDir('entity');
const base = path.join(work, 'shop');
afterAll(() => fs.rmSync(work, { recursive: true, force: true }), 60_000);

const git = (cwd: string, ...args: string[]) => execa('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd });
const addEntity = (cwd: string, args: string[]) => runCli(['add-entity', ...args], { cwd });
let copies = 0;

/** A copy of the project, with `setup` applied and committed. */
async function copyOf(setup: (project: string) => void = () => undefined): Promise<string> {
  const project = path.join(work, `copy-${++copies}`);
  fs.cpSync(base, project, { recursive: true });
  setup(project);
  await git(project, 'add', '-A');
  await git(project, 'commit', '-qm', 'setup', '--allow-empty');
  return project;
}

const edit = (project: string, file: string, change: (text: string) => string) =>
  fs.writeFileSync(path.join(project, file), change(fs.readFileSync(path.join(project, file), 'utf8')));
const write = (project: string, file: string, text: string) => {
  fs.mkdirSync(path.dirname(path.join(project, file)), { recursive: true });
  fs.writeFileSync(path.join(project, file), text);
};

beforeAll(async () => {
  const created = await runCli(['shop', '--services', 'users,orders@postgres', '--yes', '--no-install'], { cwd: work });
  expect(created.exitCode, created.all).toBe(0);
  expect(fs.existsSync(path.join(base, '.git'))).toBe(true);
}, 60_000);

describe('add-entity --dry-run', () => {
  it('lists the files it would create, shows a diff of those it would change, and writes nothing', async () => {
    const project = await copyOf();
    const before = hashTree(project);
    const run = await addEntity(project, ['users', 'invoice', '--dry-run']);
    expect(run.exitCode, run.all).toBe(0);
    expect(run.stdout).toMatch(/Would create 11 files in \./);
    for (const file of ['app/models/invoice.py', 'app/api/v1/invoices.py', 'migrations/versions/0002_create_invoices_table.py', 'tests/test_invoice_routes.py']) {
      expect(run.stdout).toContain(`services/users/${file}`);
    }
    expect(run.stdout).toMatch(/^\s*\+from app\.models\.invoice import Invoice$/m);
    expect(run.stdout).toMatch(/^\s*\+router\.include_router\(invoices_router\)$/m);
    expect(run.stdout).toMatch(/^\s*\+\s+"app\.exceptions\.invoice",$/m);
    expect(run.stdout).toMatch(/Would change \.layered-backend\.json/);
    expect(run.stdout).toMatch(/Dry run: nothing was changed\./);
    expect(hashTree(project)).toBe(before);
  });
});

describe('add-entity', () => {
  let project: string;
  let run: Awaited<ReturnType<typeof runCli>>;
  beforeAll(async () => {
    project = await copyOf((dir) => edit(dir, 'services/orders/app/api/v1/__init__.py', (text) => `${text}\n# mounted by hand below\n`));
    // From a folder inside the project, as a user would.
    run = await addEntity(path.join(project, 'services'), ['orders', 'order_item', '--yes']);
  });

  it('adds the entity and says where its routes are', () => {
    expect(run.exitCode, run.all).toBe(0);
    expect(run.stdout).toMatch(/Added order item to orders \(\/api\/v1\/order-items, migration 0002\): 11 files created, 6 changed/);
    expect(run.stdout).toMatch(/make migrate-service-orders/);
  });

  it("writes the entity's files and edits, keeping the hand edit", () => {
    const read = (file: string) => fs.readFileSync(path.join(project, 'services/orders', file), 'utf8');
    expect(read('app/models/order_item.py')).toMatch(/__tablename__ = "order_items"/);
    expect(read('migrations/versions/0002_create_order_items_table.py')).toMatch(/^down_revision: str \| None = "0001"$/m);
    expect(read('app/api/v1/__init__.py')).toMatch(/router\.include_router\(orders_router\)\nrouter\.include_router\(order_items_router\)\n/);
    expect(read('app/api/v1/__init__.py')).toMatch(/# mounted by hand below\n$/);
    expect(read('app/models/__init__.py')).toMatch(/^from app\.models\.order import Order\nfrom app\.models\.order_item import OrderItem$/m);
    // The other service is untouched.
    expect(fs.existsSync(path.join(project, 'services/users/app/models/order_item.py'))).toBe(false);
  });

  it('lists its routes in both READMEs: the endpoint rows before health, the route in the table of services', () => {
    const serviceReadme = fs.readFileSync(path.join(project, 'services/orders/README.md'), 'utf8');
    const table = serviceReadme.split('| method and path | what it does |')[1]!.split('\n\n')[0]!;
    const paths = [...table.matchAll(/^\| `([A-Z]+ [^`]+)`/gm)].map((match) => match[1]);
    const routes = (plural: string) => [`GET /api/v1/${plural}?offset=0&limit=20`, `GET /api/v1/${plural}/{id}`, `POST /api/v1/${plural}`, `PATCH /api/v1/${plural}/{id}`, `DELETE /api/v1/${plural}/{id}`];
    expect(paths.slice(0, 10)).toEqual([...routes('orders'), ...routes('order-items')]);
    expect(paths[10]).toBe('GET /health');
    expect(table).toMatch(/^\| `GET \/api\/v1\/order-items\/\{id\}` \| one order item, or 404 \|$/m);
    const readme = fs.readFileSync(path.join(project, 'README.md'), 'utf8');
    expect(readme).toMatch(/^\| \[orders\]\(services\/orders\/README\.md\) \| `\/api\/v1\/orders`, `\/api\/v1\/order-items` \| http:\/\/127\.0\.0\.1:8002 \|/m);
    expect(readme).toMatch(/^\| \[users\]\(services\/users\/README\.md\) \| `\/api\/v1\/users` \|/m);
  });

  it('records the entity in the manifest', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(project, '.layered-backend.json'), 'utf8'));
    expect(manifest.services[1].entities).toEqual([
      { name: 'order', routePath: 'orders' },
      { name: 'order_item', routePath: 'order-items' },
    ]);
    expect(manifest.services[1].entity).toBe('order');
  });

  it('refuses the same entity again, then adds another one after it', async () => {
    await git(project, 'add', '-A');
    await git(project, 'commit', '-qm', 'order items');
    const again = await addEntity(project, ['orders', 'order_item', '--yes']);
    expect(again.exitCode).toBe(1);
    expect(again.stderr).toMatch(/The service orders already has the entity "order_item"\./);
    const next = await addEntity(project, ['orders', 'refund', '--yes', '--cwd', project]);
    expect(next.exitCode, next.all).toBe(0);
    const migration = fs.readFileSync(path.join(project, 'services/orders/migrations/versions/0003_create_refunds_table.py'), 'utf8');
    expect(migration).toMatch(/^down_revision: str \| None = "0002"$/m);
  });
});

/** Each case: what is done to the project (committed), the arguments, the message. */
const REFUSALS: Array<[string, (project: string) => void, string[], RegExp]> = [
  ['an unknown service', () => undefined, ['billing', 'invoice'], /no service "billing" \(its services: users, orders\)/],
  ['an entity name that is not snake_case', () => undefined, ['users', 'Invoice'], /"Invoice" is not a valid entity name.*Try "invoice"/],
  ['a Python keyword', () => undefined, ['users', 'class'], /Python keyword/],
  ['a name of the generated code', () => undefined, ['users', 'base'], /clashes with the modules app\/models\/base\.py/],
  ['the entity the service has', () => undefined, ['users', 'user'], /already has the entity "user"/],
  [
    'an entity with the class name of another',
    (p) =>
      edit(p, '.layered-backend.json', (text) => {
        const manifest = JSON.parse(text);
        manifest.services[0].entities.push({ name: 'item2', routePath: 'item2s' });
        return JSON.stringify(manifest, null, 2);
      }),
    ['users', 'item_2'],
    /"item_2" would have the class name Item2, like the entity "item2" of users/,
  ],
  [
    'a table a model of the user maps',
    (p) => write(p, 'services/users/app/models/ledger.py', 'from app.models.base import Entity\n\n\nclass Ledger(Entity):\n    __tablename__ = "invoices"\n'),
    ['users', 'invoice'],
    /would create the table "invoices", which services\/users\/app\/models\/ledger\.py already defines/,
  ],
  ['a file in the way', (p) => write(p, 'services/users/tests/test_invoice_routes.py', '# ours\n'), ['users', 'invoice'], /services\/users\/tests\/test_invoice_routes\.py already exists/],
  [
    'a routes registry rewritten by hand',
    (p) => edit(p, 'services/users/app/api/v1/__init__.py', (text) => text.replace('router.include_router(users_router)', 'for sub in (users_router,):\n    router.include_router(sub)').replace(/^router\.include_router.*$/m, '')),
    ['users', 'invoice'],
    /app\/api\/v1\/__init__\.py cannot be edited safely: the line router\.include_router\(\.\.\.\) is gone/,
  ],
  ['a missing models package index', (p) => fs.rmSync(path.join(p, 'services/users/app/models/__init__.py')), ['users', 'invoice'], /services\/users\/app\/models\/__init__\.py is missing/],
  [
    'two migration heads',
    (p) => {
      write(p, 'services/users/migrations/versions/0002_other.py', 'revision = "0002"\ndown_revision = "0001"\n');
      write(p, 'services/users/migrations/versions/0003_more.py', 'revision = "0003"\ndown_revision = "0001"\n');
    },
    ['users', 'invoice'],
    /cannot take a new revision safely: it has 2 heads/,
  ],
  ['a service folder that is gone', (p) => fs.rmSync(path.join(p, 'services/orders'), { recursive: true }), ['orders', 'invoice'], /services\/orders is missing/],
];

describe.each(REFUSALS)('add-entity refuses %s', (_, setup, args, message) => {
  it('with exit 1, the reason, and the project untouched', async () => {
    const project = await copyOf(setup);
    const before = hashTree(project);
    const run = await addEntity(project, [...args, '--yes']);
    expect(run.exitCode, run.all).toBe(1);
    expect(run.stderr).toMatch(message);
    expect(run.all).not.toMatch(/\n\s+at /);
    expect(hashTree(project)).toBe(before);
  });
});

describe('add-entity with READMEs rewritten by hand', () => {
  it('adds the entity, leaves both READMEs as they are and says so', async () => {
    const project = await copyOf((p) => {
      write(p, 'README.md', '# shop\n\nOur own words.\n');
      edit(p, 'services/users/README.md', (text) => text.replace('| method and path | what it does |', '| route | purpose |'));
    });
    const readmes = ['README.md', 'services/users/README.md'].map((file) => fs.readFileSync(path.join(project, file), 'utf8'));
    const run = await addEntity(project, ['users', 'invoice', '--yes']);
    expect(run.exitCode, run.all).toBe(0);
    expect(run.all).toMatch(/services\/users\/README\.md left as it is: its table of endpoints .* is gone\./);
    expect(run.all).toMatch(/README\.md left as it is: its table of services .* is gone\./);
    expect(run.stdout).toMatch(/11 files created, 4 changed/);
    expect(['README.md', 'services/users/README.md'].map((file) => fs.readFileSync(path.join(project, file), 'utf8'))).toEqual(readmes);
  });
});

describe('add-entity and git', () => {
  it('refuses uncommitted changes unless --no-git-check', async () => {
    const project = await copyOf();
    fs.appendFileSync(path.join(project, 'README.md'), '\nWork in progress.\n');
    const before = hashTree(project);
    const refused = await addEntity(project, ['users', 'invoice', '--yes']);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toMatch(/uncommitted changes/);
    expect(hashTree(project)).toBe(before);
    const forced = await addEntity(project, ['users', 'invoice', '--yes', '--no-git-check']);
    expect(forced.exitCode, forced.all).toBe(0);
  });

  it('refuses outside a project', async () => {
    const run = await addEntity(work, ['users', 'invoice', '--yes']);
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toMatch(/is not inside a create-layered-backend project/);
  });
});

describe('add-entity --help', () => {
  it('shows its arguments, options, examples and exit codes', async () => {
    const run = await runCli(['add-entity', '--help'], { cwd: work });
    expect(run.exitCode).toBe(0);
    for (const text of ['<service>', '<entity>', '--dry-run', '--no-git-check', '--cwd', '-y, --yes', 'Examples:', 'Exit codes:']) expect(run.stdout).toContain(text);
  });
});
