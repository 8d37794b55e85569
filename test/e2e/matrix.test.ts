/**
 * The framework x database matrix, end to end on real servers (PostgreSQL and MariaDB on
 * this machine). Each project is generated and installed by the CLI, whose first test pass
 * runs against the servers with REQUIRE_DB=1 (a skipped database test would fail it). A
 * mixed project per framework holds one service per engine, so every framework x database
 * combination is generated, installed, linted and tested. Then migrations are checked for
 * drift and services are booted on fresh databases and driven over HTTP.
 */
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';
import { exerciseCrud } from '../helpers/crud.js';
import { createDatabase, realDatabaseEnv, type ServerKind } from '../helpers/databases.js';
import { bootService, freePort } from '../helpers/service.js';

const work = tempDir('e2e-db');
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

interface Case {
  project: string;
  args: string[];
  /** Services on a server: migrated, checked and booted on a fresh database. */
  servers: Array<{ name: string; envPrefix: string; routePath: string; kind: ServerKind }>;
  lint: boolean;
}

const mixedServers = (): Case['servers'] => [
  { name: 'users', envPrefix: 'USERS_', routePath: 'users', kind: 'postgres' },
  { name: 'orders', envPrefix: 'ORDERS_', routePath: 'order-items', kind: 'mysql' },
];

const CASES: Case[] = [
  {
    project: 'fastapi-mixed',
    args: ['--framework', 'fastapi', '--services', 'users@postgres,orders:order_item@mysql,notes'],
    servers: mixedServers(),
    lint: true,
  },
  {
    project: 'litestar-mixed',
    args: ['--framework', 'litestar', '--services', 'users@postgres,orders:order_item@mysql,notes'],
    servers: mixedServers(),
    lint: true,
  },
  {
    project: 'fastapi-pg',
    args: ['--db', 'postgres'],
    servers: [{ name: 'users', envPrefix: 'USERS_', routePath: 'users', kind: 'postgres' }],
    lint: false,
  },
  {
    project: 'litestar-my',
    args: ['--framework', 'litestar', '--db', 'mysql', '--services', 'orders,categories'],
    servers: [
      { name: 'orders', envPrefix: 'ORDERS_', routePath: 'orders', kind: 'mysql' },
      { name: 'categories', envPrefix: 'CATEGORIES_', routePath: 'categories', kind: 'mysql' },
    ],
    lint: false,
  },
];

describe.each(CASES)('project $project ($args)', ({ project, args, servers, lint }) => {
  const dir = path.join(work, project);
  let create: Awaited<ReturnType<typeof runCli>>;

  beforeAll(async () => {
    create = await runCli([project, ...args, '--yes', '--no-git'], {
      cwd: work,
      timeout: 14 * 60_000,
      env: { CI: '1', ...realDatabaseEnv() },
    });
  });

  it('installs and passes its first test pass against the real servers', () => {
    expect(create.all).toMatch(/Tests passed/);
    expect(create.exitCode).toBe(0);
    expect(create.all).not.toMatch(/Skipped \d+ test/);
    expect(create.all).not.toMatch(/\d+ (failed|skipped)/);
  });

  it.runIf(lint)('passes make lint', async () => {
    const result = await execa('make', ['lint'], { cwd: dir, reject: false, all: true });
    expect(result.all).toMatch(/Contracts: \d+ kept, 0 broken/);
    expect(result.exitCode, result.all).toBe(0);
  });

  it('has a compose file that validates', async () => {
    const result = await execa('docker-compose', ['-f', 'docker-compose.yml', 'config', '-q'], { cwd: dir, reject: false, all: true });
    expect(result.exitCode, result.all).toBe(0);
  });

  it.each(servers)('$name: migrations match the models, and the service serves CRUD on $kind', async (service) => {
    const database = await createDatabase(service.kind);
    const cwd = path.join(dir, 'services', service.name);
    const env = { [`${service.envPrefix}DATABASE_URL`]: database.url };
    try {
      await execa('.venv/bin/alembic', ['upgrade', 'head'], { cwd, env });
      const check = await execa('.venv/bin/alembic', ['check'], { cwd, env, reject: false, all: true });
      expect(check.all).toMatch(/No new upgrade operations detected/);
      expect(check.exitCode).toBe(0);
      const running = await bootService(dir, service, env);
      try {
        await exerciseCrud(running.baseUrl, service.routePath, running.output);
      } finally {
        await running.stop();
      }
    } finally {
      await database.drop();
    }
  });

  it.each(servers.slice(0, 1))('$name: readiness answers 503 with a reason when its database is down', async (service) => {
    const closedPort = await freePort();
    const url = service.kind === 'postgres'
      ? `postgresql+asyncpg://nobody:secret@127.0.0.1:${closedPort}/nothing`
      : `mysql+aiomysql://nobody:secret@127.0.0.1:${closedPort}/nothing`;
    const running = await bootService(dir, service, { [`${service.envPrefix}DATABASE_URL`]: url }, { migrate: false, readyPath: '/health' });
    try {
      const ready = await fetch(`${running.baseUrl}/health/ready`);
      expect(ready.status).toBe(503);
      expect(JSON.stringify(await ready.json())).toMatch(/database/i);
      const list = await fetch(`${running.baseUrl}/api/v1/${service.routePath}`);
      expect(list.status).toBe(503);
      expect(await list.text()).not.toMatch(/Traceback|nobody:secret/);
    } finally {
      await running.stop();
    }
  });
});

describe('a Litestar project created as a new user would', () => {
  it('passes its first test pass', async () => {
    const run = await runCli(['ls-demo', '--framework', 'litestar', '--yes'], { cwd: work, timeout: 10 * 60_000, env: { CI: '1' } });
    expect(run.all).toMatch(/Tests passed/);
    expect(run.exitCode, run.all).toBe(0);
    expect(run.all).not.toMatch(/\d+ (failed|skipped)/);
  });
});

describe('PostgreSQL chosen without a server', () => {
  it('passes its first test pass with database tests skipped, and says why', async () => {
    const run = await runCli(['lonely', '--db', 'postgres', '--services', 'users', '--yes', '--no-git'], {
      cwd: work,
      timeout: 10 * 60_000,
      // Nothing listens on the compose port 5433 here, and no TEST_* URL is given.
      env: { CI: '1', REQUIRE_DB: undefined, TEST_POSTGRES_URL: undefined, TEST_MYSQL_URL: undefined, TEST_DATABASE_URL: undefined },
    });
    expect(run.exitCode, run.all).toBe(0);
    expect(run.all).toMatch(/Skipped \d+ tests?: PostgreSQL at 127\.0\.0\.1:5433 is not reachable/);
    expect(run.all).toMatch(/docker compose up -d users-db/);
    expect(run.all).not.toMatch(/Traceback/);
  });
});
