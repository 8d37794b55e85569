/**
 * Access tokens end to end (--auth jwt): a Litestar project with a service on PostgreSQL,
 * generated, installed and tested by the CLI (its first test pass includes the root tests
 * of tokens across services: sign in, 201 with a token, 401 without, 403 without the scope,
 * tokens accepted while the identity service is stopped); schemathesis, with a token, finds
 * nothing; add-service gives a protected service.
 */
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';
import { createDatabase, realDatabaseEnv } from '../helpers/databases.js';
import { pythonTools } from '../helpers/pytools.js';
import { bootService } from '../helpers/service.js';

const work = tempDir('e2e-auth');
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));
const dir = path.join(work, 'shop');
const IDENTITY = { name: 'identity', envPrefix: 'IDENTITY_' };
const ORDERS = { name: 'orders', envPrefix: 'ORDERS_' };

describe('a project with --auth jwt', () => {
  let create: Awaited<ReturnType<typeof runCli>>;

  beforeAll(async () => {
    create = await runCli(['shop', '--framework', 'litestar', '--auth', 'jwt', '--services', 'orders@postgres', '--yes', '--no-git'], {
      cwd: work,
      timeout: 14 * 60_000,
      env: { CI: '1', ...realDatabaseEnv() },
    });
  });

  it('installs and passes its first test pass, the tokens across services included', () => {
    expect(create.all).toMatch(/Tests passed/);
    expect(create.exitCode).toBe(0);
    expect(create.all).not.toMatch(/\d+ (failed|skipped)/);
  });

  it('passes every schemathesis check with a token, on the protected service', async () => {
    const identityDb = `sqlite+aiosqlite:///${dir}/fuzz-identity.db`;
    const identity = await bootService(dir, IDENTITY, { IDENTITY_DATABASE_URL: identityDb });
    const database = await createDatabase('postgres');
    try {
      const password = 'fuzz-password-1';
      await execa('.venv/bin/python', ['-m', 'app.cmd.create_user', 'fuzzer', '--scopes', 'orders:write'], {
        cwd: path.join(dir, 'services/identity'),
        env: { IDENTITY_DATABASE_URL: identityDb, PASSWORD: password },
      });
      const form = new URLSearchParams({ grant_type: 'password', username: 'fuzzer', password });
      const answer = await fetch(`${identity.baseUrl}/api/v1/auth/token`, { method: 'POST', body: form });
      expect(answer.status).toBe(200);
      const { access_token: token } = (await answer.json()) as { access_token: string };
      const orders = await bootService(dir, ORDERS, {
        ORDERS_DATABASE_URL: database.url,
        ORDERS_PEERS: JSON.stringify({ identity: identity.baseUrl }),
      });
      try {
        const unauthorised = await fetch(`${orders.baseUrl}/api/v1/orders`);
        expect(unauthorised.status).toBe(401);
        const tools = await pythonTools();
        const fuzz = await execa(
          tools.bin('st'),
          [
            'run', `${orders.baseUrl}/docs/openapi.json`,
            '--header', `Authorization: Bearer ${token}`,
            '--checks', 'all', '--max-examples', '30', '--seed', '1',
            '--exclude-path', '/health/peers', '--no-color',
          ],
          { cwd: dir, reject: false, all: true, timeout: 5 * 60_000 },
        );
        const cases = /(\d+) generated/.exec(fuzz.all)?.[1];
        console.log(`schemathesis auth/orders: ${cases ?? '?'} test cases, exit ${fuzz.exitCode}`);
        expect(fuzz.exitCode, fuzz.all).toBe(0);
        expect(fuzz.all).not.toMatch(/\bfailures? in\b/);
        expect(Number(cases)).toBeGreaterThan(50);
        expect(orders.output()).not.toMatch(/Traceback/);
      } finally {
        await orders.stop();
      }
    } finally {
      await identity.stop();
      await database.drop();
    }
  });

  it('add-service adds a protected service, following the manifest', async () => {
    // Without installing: what it writes is the point here (its tests are the jwt overlay's,
    // run by the first test pass above for every service).
    const added = await runCli(['add-service', 'billing', '--entity', 'invoice', '--yes', '--no-install', '--no-git-check'], {
      cwd: dir,
      timeout: 2 * 60_000,
      env: { CI: '1' },
    });
    expect(added.exitCode, added.all).toBe(0);
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, '.layered-backend.json'), 'utf8'));
    expect(manifest).toMatchObject({ auth: 'jwt', identityService: 'identity' });
    for (const file of ['app/dependencies/auth.py', 'tests/test_token_checks.py', 'tests/test_key_fetching.py']) {
      expect(fs.existsSync(path.join(dir, 'services/billing', file)), file).toBe(true);
    }
    const settings = fs.readFileSync(path.join(dir, 'services/billing/app/core/settings.py'), 'utf8');
    expect(settings).toContain('write_scope: str = "billing:write"');
    const compose = fs.readFileSync(path.join(dir, 'docker-compose.yml'), 'utf8');
    expect(compose).toMatch(/billing:[\s\S]*depends_on:\s+identity:\s+condition: service_healthy/);
  });
});
