/**
 * add-service on a project a user has edited by hand: the new service is complete, every
 * hand edit survives, and whatever it refuses leaves the project untouched.
 */
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { beforeAll, afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { fill, SERVICE_FILES, SERVICE_FOLDERS } from '../layout.js';
import { hashTree, listFiles, runCli, tempDir } from '../helpers/cli.js';
import { toolAvailable } from '../helpers/tools.js';

const work = tempDir('add');
const project = path.join(work, 'shop');
const read = (file: string) => fs.readFileSync(path.join(project, file), 'utf8');
const write = (file: string, text: string) => fs.writeFileSync(path.join(project, file), text);
const git = (...args: string[]) => execa('git', args, { cwd: project });
const add = (args: string[], cwd = project) => runCli(['add-service', ...args, '--yes', '--no-install'], { cwd });

const EXTRA_ROUTE = '\n\n@router.get("/count")\nasync def count_users() -> int:  # added by hand\n    return 0\n';

beforeAll(async () => {
  const created = await runCli(['shop', '--services', 'users', '--yes', '--no-install'], { cwd: work });
  expect(created.exitCode, created.all).toBe(0);
  // Hand edits: a comment and a changed port in compose, an edited README line, an extra route.
  write('docker-compose.yml', read('docker-compose.yml').replace('services:', '# our staging stack\nservices:').replace('"127.0.0.1:8001:8000"', '"127.0.0.1:9001:8000"'));
  write('README.md', read('README.md').replace(/^A repository of Python microservices.*$/m, 'Our shop backend, maintained by the platform team.'));
  fs.appendFileSync(path.join(project, 'services/users/app/api/v1/users.py'), EXTRA_ROUTE);
  await git('add', '-A');
  await git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-qm', 'hand edits');
});
afterAll(() => fs.rmSync(work, { recursive: true, force: true }), 60_000);

describe('add-service on a hand-edited project', () => {
  let before: string;
  let run: Awaited<ReturnType<typeof runCli>>;
  beforeAll(async () => {
    before = read('docker-compose.yml');
    run = await add(['orders', '--db', 'postgres'], path.join(project, 'services'));
  });

  it('succeeds from a folder inside the project', () => {
    expect(run.exitCode, run.all).toBe(0);
    expect(run.stdout).toMatch(/Added orders \(order at \/api\/v1\/orders, PostgreSQL, port 8002\)/);
  });

  it('writes a complete service per the seed layout', () => {
    const values = { plural: 'orders', entity: 'order' };
    const files = new Set(listFiles(path.join(project, 'services/orders')));
    const missing = [
      ...SERVICE_FOLDERS.map((rule) => `${rule.folder}/__init__.py`),
      ...SERVICE_FOLDERS.flatMap((rule) => (rule.files ?? []).map((file) => `${rule.folder}/${fill(file, values)}`)),
      ...SERVICE_FILES.map((file) => fill(file, values)),
    ].filter((file) => !files.has(file));
    expect(missing).toEqual([]);
    expect(read('services/orders/.env')).toMatch(/^ORDERS_DATABASE_URL=postgresql\+asyncpg:\/\/orders:[\w-]+@127\.0\.0\.1:5433\/orders$/m);
    expect(read('services/orders/.env')).toMatch(/^ORDERS_PEERS=\{"users":"http:\/\/127\.0\.0\.1:8001"\}$/m);
  });

  it('keeps every hand edit', () => {
    const compose = read('docker-compose.yml');
    expect(compose).toContain('# our staging stack\nservices:');
    expect(compose).toContain('"127.0.0.1:9001:8000"');
    expect(read('README.md')).toContain('Our shop backend, maintained by the platform team.');
    expect(read('services/users/app/api/v1/users.py')).toContain(EXTRA_ROUTE);
    // Everything of the old compose file is still there, in order, with the new lines added.
    const kept = before.split('\n').filter((line) => !line.includes('USERS_PEERS'));
    const after = compose.split('\n');
    let cursor = 0;
    for (const line of kept) {
      cursor = after.indexOf(line, cursor);
      expect(cursor, `lost: ${line}`).toBeGreaterThanOrEqual(0);
    }
  });

  it('adds the service and its database to compose, and tells the other services', () => {
    const compose = parse(read('docker-compose.yml')) as { services: Record<string, any>; volumes: Record<string, unknown> };
    expect(Object.keys(compose.services)).toEqual(['users', 'observability', 'orders-db', 'orders']);
    expect(compose.services.orders.depends_on).toEqual({ 'orders-db': { condition: 'service_healthy' } });
    expect(compose.services.orders.environment.OTEL_EXPORTER_OTLP_ENDPOINT).toBe('http://observability:4318');
    expect(Object.keys(compose.volumes)).toEqual(['users-data', 'orders-db-data']);
    expect(JSON.parse(compose.services.users.environment.USERS_PEERS)).toEqual({ orders: 'http://orders:8000' });
    expect(read('services/users/.env')).toMatch(/^USERS_PEERS=\{"orders":"http:\/\/127\.0\.0\.1:8002"\}$/m);
    expect(read('services/users/.env.example')).toMatch(/^USERS_PEERS=\{"orders":"http:\/\/127\.0\.0\.1:8002"\}$/m);
    expect(read('.env')).toMatch(/^ORDERS_DB_PASSWORD=[\w-]{24}$/m);
  });

  it.runIf(toolAvailable('docker-compose'))('leaves a compose file that validates', async () => {
    const result = await execa('docker-compose', ['-f', 'docker-compose.yml', 'config', '-q'], { cwd: project, reject: false, all: true });
    expect(result.exitCode, result.all).toBe(0);
  });

  it('records the service in the manifest and the README', () => {
    const manifest = JSON.parse(read('.layered-backend.json'));
    expect(manifest.services.at(-1)).toEqual({
      name: 'orders', module: 'orders', envPrefix: 'ORDERS_', entity: 'order', routePath: 'orders',
      entities: [{ name: 'order', routePath: 'orders' }],
      framework: 'fastapi', db: 'postgres', port: 8002, dbPort: 5433,
    });
    expect(read('README.md')).toMatch(/^\| \[orders\]\(services\/orders\/README\.md\) \| `\/api\/v1\/orders` \| http:\/\/127\.0\.0\.1:8002 \| PostgreSQL \|$/m);
  });

  describe('then', () => {
    beforeAll(async () => {
      await git('add', '-A');
      await git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-qm', 'add orders');
    });

    it('refuses the same service again and changes nothing', async () => {
      const hash = hashTree(project);
      const again = await add(['orders']);
      expect(again.exitCode).toBe(1);
      expect(again.stderr).toMatch(/already has a service "orders"/);
      expect(hashTree(project)).toBe(hash);
    });

    it('refuses a dirty working tree, unless told not to check', async () => {
      fs.appendFileSync(path.join(project, 'README.md'), '\nwork in progress\n');
      const hash = hashTree(project);
      const refused = await add(['billing']);
      expect(refused.exitCode).toBe(1);
      expect(refused.stderr).toMatch(/uncommitted changes/);
      expect(refused.stderr).toMatch(/M README\.md/);
      expect(refused.stderr).toMatch(/--no-git-check/);
      expect(hashTree(project)).toBe(hash);
      const forced = await add(['billing', '--no-git-check', '--db', 'mysql', '--entity', 'invoice']);
      expect(forced.exitCode, forced.all).toBe(0);
      expect(read('README.md')).toContain('work in progress');
      expect(JSON.parse(read('.layered-backend.json')).services.at(-1)).toMatchObject({ name: 'billing', entity: 'invoice', db: 'mysql', port: 8003, dbPort: 3307 });
      expect(fs.existsSync(path.join(project, 'services/billing/app/models/invoice.py'))).toBe(true);
      await git('add', '-A');
      await git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-qm', 'add billing');
    });

    it('--dry-run prints the plan and a diff, and changes nothing', async () => {
      const hash = hashTree(project);
      const dry = await add(['search', '--dry-run']);
      expect(dry.exitCode, dry.all).toBe(0);
      expect(dry.stdout).toMatch(/Would create \d+ files/);
      expect(dry.stdout).toMatch(/services\/search\/app\/cmd\/api\/main\.py/);
      expect(dry.stdout).toMatch(/Would change docker-compose\.yml/);
      expect(dry.stdout).toMatch(/^\s+\+\s+search:$/m);
      // Secrets of .env files are not printed.
      expect(dry.stdout).toMatch(/^\s+USERS_SECRET_KEY=<hidden>$/m);
      expect(dry.stdout).not.toMatch(/SECRET_KEY=[0-9a-f]{64}/);
      expect(hashTree(project)).toBe(hash);
    });

    it('treats a compose file it cannot parse as a conflict, before writing anything', async () => {
      write('docker-compose.yml', `${read('docker-compose.yml')}\n  bad: [unclosed\n`);
      const hash = hashTree(project);
      const run = await add(['search', '--no-git-check']);
      expect(run.exitCode).toBe(1);
      expect(run.stderr).toMatch(/docker-compose\.yml cannot be edited safely: it is not valid YAML/);
      expect(hashTree(project)).toBe(hash);
      await git('checkout', '--', 'docker-compose.yml');
    });

    it('refuses a corrupted manifest with a message saying what to do', async () => {
      write('.layered-backend.json', '{"project": "shop", "services": [');
      const hash = hashTree(project);
      const run = await add(['search', '--no-git-check']);
      expect(run.exitCode).toBe(1);
      expect(run.stderr).toMatch(/\.layered-backend\.json is not valid JSON/);
      expect(run.stderr).toMatch(/git checkout -- \.layered-backend\.json/);
      expect(hashTree(project)).toBe(hash);
      await git('checkout', '--', '.layered-backend.json');
    });

    it('says so outside a project', async () => {
      const run = await add(['search'], work);
      expect(run.exitCode).toBe(1);
      expect(run.stderr).toMatch(/is not inside a create-layered-backend project/);
    });
  });
});

describe('ports published by services added to compose by hand', () => {
  const shop = path.join(work, 'ports', 'shop');
  const composeFile = path.join(shop, 'docker-compose.yml');
  const manifestOf = () => JSON.parse(fs.readFileSync(path.join(shop, '.layered-backend.json'), 'utf8'));
  beforeAll(async () => {
    fs.mkdirSync(path.dirname(shop));
    const created = await runCli(['shop', '--services', 'users,orders', '--yes', '--no-install', '--no-git'], { cwd: path.dirname(shop) });
    expect(created.exitCode, created.all).toBe(0);
    // The user's own services hold the next service port and the first PostgreSQL port.
    const hand = [
      '  redis:\n    image: redis:7\n    ports:\n      - "6379:6379"',
      '  gateway:\n    image: nginx\n    ports:\n      - "127.0.0.1:8003:80"\n      - "8004-8005:81-82"',
      '  reports-db:\n    image: postgres:17\n    ports:\n      - target: 5432\n        published: 5433',
    ].join('\n\n');
    fs.writeFileSync(composeFile, fs.readFileSync(composeFile, 'utf8').replace(/^services:\n/m, `services:\n${hand}\n\n`));
  }, 60_000);

  it.each([
    ['8003', /Port 8003 is already used by the compose service "gateway" \(docker-compose\.yml\)/],
    ['8005', /Port 8005 is already used by the compose service "gateway"/],
    ['6379', /Port 6379 is already used by the compose service "redis"/],
    ['5433', /Port 5433 is already used by the compose service "reports-db"/],
    ['8002', /Port 8002 is already used by orders/],
  ])('--port %s is refused, naming what uses it', async (port, message) => {
    const hash = hashTree(shop);
    const run = await add(['billing', '--port', port, '--no-git-check'], shop);
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toMatch(message);
    expect(hashTree(shop)).toBe(hash);
  });

  it('chooses a service port and a database port that nothing publishes', async () => {
    const run = await add(['billing', '--db', 'postgres', '--no-git-check'], shop);
    expect(run.exitCode, run.all).toBe(0);
    const billing = manifestOf().services.find((service: { name: string }) => service.name === 'billing');
    expect(billing).toMatchObject({ port: 8006, dbPort: 5434 });
    const compose = parse(fs.readFileSync(composeFile, 'utf8')) as { services: Record<string, { ports?: unknown[] }> };
    expect(compose.services.billing!.ports).toEqual(['127.0.0.1:8006:8000']);
    expect(compose.services['billing-db']!.ports).toEqual(['127.0.0.1:5434:5432']);
    expect(compose.services.redis!.ports).toEqual(['6379:6379']);
  });
});

describe('what add-service works around, it names in a warning', () => {
  const base = path.join(work, 'warnings-base');
  /** A fresh copy of a project with a SQLite and a PostgreSQL service. */
  const copy = () => {
    const dir = fs.mkdtempSync(path.join(work, 'warn-'));
    fs.cpSync(path.join(base, 'shop'), path.join(dir, 'shop'), { recursive: true });
    return path.join(dir, 'shop');
  };
  beforeAll(async () => {
    fs.mkdirSync(base);
    const created = await runCli(['shop', '--services', 'users,orders@postgres', '--package-manager', 'uv', '--yes', '--no-install', '--no-git'], { cwd: base });
    expect(created.exitCode, created.all).toBe(0);
  }, 60_000);

  it('a manifest found only above the current directory', async () => {
    const shop = copy();
    const run = await add(['billing', '--no-git-check', '--dry-run'], path.join(shop, 'services/users/app'));
    expect(run.exitCode, run.all).toBe(0);
    expect(run.stderr).toContain(`warning: No .layered-backend.json in ${path.join(shop, 'services/users/app')}: using the project found above it, in ${shop}.`);
  });

  it('no warning from the project root', async () => {
    const shop = copy();
    const run = await add(['billing', '--no-git-check', '--dry-run'], shop);
    expect(run.exitCode, run.all).toBe(0);
    expect(run.stderr).not.toMatch(/warning:/);
  });

  it('a service folder that is gone: warned, left out of the install, tests skipped, the rest added', async () => {
    const shop = copy();
    fs.renameSync(path.join(shop, 'services/orders'), path.join(shop, 'services/shop-orders'));
    // make records what it is asked to do; uv only answers --version.
    const bin = fs.mkdtempSync(path.join(work, '.bin-'));
    const log = path.join(bin, 'make.log');
    fs.writeFileSync(path.join(bin, 'make'), `#!/bin/sh\necho "$@" >> "${log}"\n`, { mode: 0o755 });
    fs.writeFileSync(path.join(bin, 'uv'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
    const run = await runCli(['add-service', 'billing', '--yes', '--no-git-check'], { cwd: shop, env: { PATH: `${bin}:${process.env.PATH}` } });
    expect(run.exitCode, run.all).toBe(0);
    expect(run.stderr).toMatch(
      /warning: services\/orders is listed in \.layered-backend\.json but missing \(renamed\? services\/ holds shop-orders, which \.layered-backend\.json does not list\): left out of the peer settings and the install/,
    );
    expect(run.stderr).toMatch(/warning: Skipped the test pass: .* services\/orders is missing/);
    const made = fs.readFileSync(log, 'utf8');
    expect(made).toMatch(/install-service-billing/);
    expect(made).not.toMatch(/install-service-orders|\btest\b/);
    expect(fs.existsSync(path.join(shop, 'services/orders'))).toBe(false);
    expect(fs.existsSync(path.join(shop, 'services/billing/app'))).toBe(true);
  });

  it.each([
    ['postgres', /The root \.env, where docker compose reads database passwords, is missing: it is created with the password of billing only; docker compose also needs those of orders \(see \.env\.example\)\./],
    ['sqlite', /The root \.env, where docker compose reads database passwords, is missing: it is not created; docker compose also needs those of orders/],
  ])('a missing root .env, adding a %s service', async (db, message) => {
    const shop = copy();
    fs.rmSync(path.join(shop, '.env'));
    const run = await add(['billing', '--db', db, '--no-git-check'], shop);
    expect(run.exitCode, run.all).toBe(0);
    expect(run.stderr).toMatch(message);
    expect(run.stderr.split('\n').filter((line) => line.startsWith('warning:'))).toHaveLength(1);
  });
});
