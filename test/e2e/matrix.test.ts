/**
 * The framework x database matrix, end to end on real servers (PostgreSQL and MariaDB on
 * this machine). Each project is generated and installed by the CLI, whose first test pass
 * runs against the servers with REQUIRE_DB=1 (a skipped database test would fail it). A
 * mixed project per framework holds one service per engine, so every framework x database
 * combination is generated, installed, linted and tested. Then migrations are checked for
 * drift and services are booted on fresh databases and driven over HTTP.
 * Each project also exchanges events on a broker of this machine: RabbitMQ and NATS on the
 * mixed projects (every database, each framework), Redis on the two others (both
 * frameworks), so the events' end-to-end tests run on every broker.
 */
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Broker } from '../../src/brokers.js';
import { realBrokerEnv } from '../helpers/brokers.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { exerciseCrud } from '../helpers/crud.js';
import { createDatabase, openConnections, realDatabaseEnv, serverAddress, type ServerKind } from '../helpers/databases.js';
import { raceWrites } from '../helpers/hostile.js';
import { TcpProxy } from '../helpers/proxy.js';
import { pythonTools } from '../helpers/pytools.js';
import { bootService, freePort, type RunningService } from '../helpers/service.js';

const work = tempDir('e2e-db');
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

interface Case {
  project: string;
  args: string[];
  broker: Broker;
  /** Services on a server: migrated, checked and booted on a fresh database. */
  servers: Array<{ name: string; envPrefix: string; routePath: string; kind: ServerKind }>;
  /** Also fuzz every service with schemathesis and scan the code with bandit. */
  lint: boolean;
  openapi: string;
}

const mixedServers = (): Case['servers'] => [
  { name: 'users', envPrefix: 'USERS_', routePath: 'users', kind: 'postgres' },
  { name: 'orders', envPrefix: 'ORDERS_', routePath: 'order-items', kind: 'mysql' },
];

const CASES: Case[] = [
  {
    project: 'fastapi-mixed',
    broker: 'rabbitmq',
    args: ['--framework', 'fastapi', '--services', 'users@postgres,orders:order_item@mysql,notes'],
    servers: mixedServers(),
    lint: true,
    openapi: '/openapi.json',
  },
  {
    project: 'litestar-mixed',
    broker: 'nats',
    args: ['--framework', 'litestar', '--services', 'users@postgres,orders:order_item@mysql,notes'],
    servers: mixedServers(),
    lint: true,
    openapi: '/docs/openapi.json',
  },
  {
    project: 'fastapi-pg',
    broker: 'redis',
    args: ['--db', 'postgres'],
    servers: [{ name: 'users', envPrefix: 'USERS_', routePath: 'users', kind: 'postgres' }],
    lint: false,
    openapi: '/openapi.json',
  },
  {
    project: 'litestar-my',
    broker: 'redis',
    args: ['--framework', 'litestar', '--db', 'mysql', '--services', 'orders,categories'],
    servers: [
      { name: 'orders', envPrefix: 'ORDERS_', routePath: 'orders', kind: 'mysql' },
      { name: 'categories', envPrefix: 'CATEGORIES_', routePath: 'categories', kind: 'mysql' },
    ],
    lint: false,
    openapi: '/docs/openapi.json',
  },
];

describe.each(CASES)('project $project ($args, $broker)', ({ project, args, broker, servers, lint, openapi }) => {
  // The checking tier (lint, bandit, schemathesis) runs on the mixed projects only, which
  // between them hold every framework x database combination; the others do not list it.
  const checking = lint ? it : () => undefined;
  const dir = path.join(work, project);
  let create: Awaited<ReturnType<typeof runCli>>;

  beforeAll(async () => {
    create = await runCli([project, ...args, '--broker', broker, '--yes', '--no-git'], {
      cwd: work,
      timeout: 14 * 60_000,
      env: { CI: '1', ...realDatabaseEnv(), ...realBrokerEnv(broker) },
    });
  });

  it('installs and passes its first test pass against the real servers', () => {
    expect(create.all).toMatch(/Tests passed/);
    expect(create.exitCode).toBe(0);
    expect(create.all).not.toMatch(/Skipped \d+ test/);
    expect(create.all).not.toMatch(/\d+ (failed|skipped)/);
  });

  checking('passes make lint', async () => {
    const result = await execa('make', ['lint'], { cwd: dir, reject: false, all: true });
    expect(result.all).toMatch(/Contracts: \d+ kept, 0 broken/);
    expect(result.exitCode, result.all).toBe(0);
  });

  checking('bandit finds nothing of medium or high severity', async () => {
    const tools = await pythonTools();
    const scan = await execa(tools.bin('bandit'), ['-q', '-r', '-ll', 'libs', 'scripts', ...servers.map((s) => `services/${s.name}/app`), 'services/notes/app'], {
      cwd: dir,
      reject: false,
      all: true,
    });
    expect(scan.exitCode, scan.all).toBe(0);
  });

  checking('passes every schemathesis check on every service: the OpenAPI document says what the API does', async () => {
    const tools = await pythonTools();
    const services = [...servers, { name: 'notes', envPrefix: 'NOTES_', routePath: 'notes', kind: 'sqlite' as const }];
    for (const service of services) {
      const database = service.kind === 'sqlite'
        ? { url: `sqlite+aiosqlite:///${dir}/fuzz-${service.name}.db`, drop: async () => undefined }
        : await createDatabase(service.kind);
      const running = await bootService(dir, service, { [`${service.envPrefix}DATABASE_URL`]: database.url });
      try {
        const fuzz = await execa(
          tools.bin('st'),
          [
            'run', `${running.baseUrl}${openapi}`,
            // Every check: no 5xx, responses and statuses as documented, valid data
            // accepted and invalid data refused, Allow on 405 and OPTIONS, stateful links.
            '--checks', 'all',
            '--max-examples', '30',
            // A fixed seed: a failure can be replayed, and CI is not flaky by chance.
            '--seed', '1',
            // /health/peers answers 503 while the other services are down: that is its contract.
            '--exclude-path', '/health/peers',
            '--no-color',
          ],
          // In the project: schemathesis keeps its cache in the working directory.
          { cwd: dir, reject: false, all: true, timeout: 5 * 60_000 },
        );
        const cases = /(\d+) generated/.exec(fuzz.all)?.[1];
        console.log(`schemathesis ${project}/${service.name} (${service.kind}): ${cases ?? '?'} test cases, exit ${fuzz.exitCode}`);
        expect(fuzz.exitCode, fuzz.all).toBe(0);
        expect(fuzz.all).not.toMatch(/\bfailures? in\b/);
        expect(Number(cases)).toBeGreaterThan(50);
        expect(running.output()).not.toMatch(/Traceback/);
      } finally {
        await running.stop();
        await database.drop();
      }
    }
  });

  checking('answers racing writes to the same rows with 200, 201, 204, 404 or 409 only, on every engine', async () => {
    const services = [...servers, { name: 'notes', envPrefix: 'NOTES_', routePath: 'notes', kind: 'sqlite' as const }];
    for (const service of services) {
      const database = service.kind === 'sqlite'
        ? { url: `sqlite+aiosqlite:///${dir}/race-${service.name}.db`, drop: async () => undefined }
        : await createDatabase(service.kind);
      const running = await bootService(dir, service, { [`${service.envPrefix}DATABASE_URL`]: database.url });
      try {
        const report = await raceWrites(running.baseUrl, service.routePath, 200);
        console.log(`racing writes ${project}/${service.name} (${service.kind}): ${JSON.stringify(report.statuses)}`);
        expect(report.serverErrors).toEqual([]);
        expect(Object.keys(report.statuses).map(Number).filter((status) => ![200, 201, 204, 404, 409].includes(status))).toEqual([]);
        // Both outcomes of a race happened: some PATCHes found their row deleted, some
        // renames found their name taken.
        expect(report.statuses[404]).toBeGreaterThan(0);
        expect(report.statuses[409]).toBeGreaterThan(0);
        expect(running.output()).not.toMatch(/Traceback/);
      } finally {
        await running.stop();
        await database.drop();
      }
    }
  });

  // Projects whose services are all on a server: `make run` then starts nothing at all.
  (lint ? () => undefined : it)('make run with its database servers down prints one line per service with the fix, no traceback', async () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, '.layered-backend.json'), 'utf8')) as {
      services: Array<{ name: string; envPrefix: string; db: ServerKind }>;
    };
    const closedPort = await freePort();
    const env = Object.fromEntries(manifest.services.map((service) => [
      `${service.envPrefix}DATABASE_URL`,
      service.db === 'postgres'
        ? `postgresql+asyncpg://nobody:secret@127.0.0.1:${closedPort}/nothing`
        : `mysql+aiomysql://nobody:secret@127.0.0.1:${closedPort}/nothing`,
    ]));
    const run = await execa('make', ['run'], { cwd: dir, env, reject: false, all: true, timeout: 120_000 });
    expect(run.exitCode).not.toBe(0);
    expect(run.all).not.toMatch(/Traceback|File "/);
    expect(run.all).not.toMatch(/secret/);
    const lines = run.all.trim().split('\n');
    // make's echo of the command, one line per service, make's own error line.
    expect(lines.length, run.all).toBeLessThanOrEqual(manifest.services.length + 2);
    for (const service of manifest.services) {
      expect(run.all).toMatch(new RegExp(`^${service.name}: the migrations failed \\(.+\\); .*docker compose up -d ${service.name}-db`, 'm'));
    }
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

  it.each(servers.slice(0, 1))('$name: answers 503 while its database is away, recovers when it returns, and closes its pool on shutdown', async (service) => {
    const database = await createDatabase(service.kind);
    const proxy = new TcpProxy(serverAddress(service.kind));
    await proxy.start();
    const url = database.url.replace(/@[^/]+\//, `@127.0.0.1:${proxy.port}/`);
    const env = { [`${service.envPrefix}DATABASE_URL`]: url };
    const list = (running: RunningService) => fetch(`${running.baseUrl}/api/v1/${service.routePath}`);
    const running = await bootService(dir, service, env);
    try {
      expect((await list(running)).status).toBe(200);
      await proxy.stop();
      const down = await list(running);
      expect(down.status).toBe(503);
      expect(await down.json()).toMatchObject({ status: 503, code: 'database_unavailable' });
      expect((await fetch(`${running.baseUrl}/health/ready`)).status).toBe(503);
      await proxy.start();
      expect((await fetch(`${running.baseUrl}/health/ready`)).status).toBe(200);
      expect((await list(running)).status).toBe(200);
      expect(await openConnections(service.kind, database.name)).toBeGreaterThan(0);
    } finally {
      await running.stop();
    }
    try {
      // A graceful shutdown (SIGTERM) disposes of the engine: no connection is left open.
      expect(await openConnections(service.kind, database.name)).toBe(0);
      expect(running.output()).not.toMatch(/Traceback/);
    } finally {
      await proxy.stop();
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
