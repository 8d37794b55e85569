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
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

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
    expect(Object.keys(compose.services)).toEqual(['users', 'orders-db', 'orders']);
    expect(compose.services.orders.depends_on).toEqual({ 'orders-db': { condition: 'service_healthy' } });
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
