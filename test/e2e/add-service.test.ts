/**
 * End to end: create a project with one service, add two more (one on PostgreSQL), and the
 * whole project installs and passes its tests, the root status and peers checks included.
 */
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';
import { realDatabaseEnv } from '../helpers/databases.js';

const work = tempDir('e2e-add');
const project = path.join(work, 'shop');
const env = { CI: '1', ...realDatabaseEnv() };
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

describe('create with one service, then add-service twice', () => {
  const runs: Array<Awaited<ReturnType<typeof runCli>>> = [];
  beforeAll(async () => {
    runs.push(await runCli(['shop', '--services', 'users', '--yes'], { cwd: work, env, timeout: 10 * 60_000 }));
    const commit = ['-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-qam', 'wip'];
    for (const args of [['orders', '--db', 'postgres'], ['catalog', '--entity', 'product']]) {
      runs.push(await runCli(['add-service', ...args, '--yes'], { cwd: project, env, timeout: 10 * 60_000 }));
      await execa('git', ['add', '-A'], { cwd: project });
      await execa('git', commit, { cwd: project });
    }
  });

  it('each step installs and passes the whole project\'s tests', () => {
    for (const run of runs) {
      expect(run.exitCode, run.all).toBe(0);
      expect(run.all).toMatch(/Tests passed/);
      // Database tests must all run; only the single-service project skips its peers test.
      expect(run.all).not.toMatch(/Skipped \d+ tests?: (PostgreSQL|MySQL)/);
    }
    expect(runs[0]!.all).toMatch(/Skipped \d+ tests?: the project has a single service/);
    expect(runs[2]!.all).not.toMatch(/Skipped \d+ test/);
  });

  it('joins each added service to the one uv.lock, and every environment is in sync with it', async () => {
    const lock = fs.readFileSync(path.join(project, 'uv.lock'), 'utf8');
    for (const name of ['users', 'orders', 'catalog']) expect(lock).toMatch(new RegExp(`^name = "${name}-service"$`, 'm'));
    // The PostgreSQL driver of orders is locked for the project.
    expect(lock).toMatch(/^name = "asyncpg"$/m);
    expect(fs.readdirSync(path.join(project, 'services')).filter((name) => fs.existsSync(path.join(project, 'services', name, 'uv.lock')))).toEqual([]);
    for (const name of ['users', 'orders', 'catalog']) {
      const check = await execa('uv', ['sync', '--frozen', '--check'], {
        cwd: path.join(project, 'services', name),
        env: { UV_PROJECT_ENVIRONMENT: path.join(project, 'services', name, '.venv') },
        reject: false,
        all: true,
      });
      expect(check.exitCode, `${name}: ${check.all}`).toBe(0);
    }
  });

  it('runs the root status and peers checks on every service, the added ones included', async () => {
    const result = await execa('.venv/bin/python', ['-m', 'pytest', '-v', 'tests'], { cwd: project, env, reject: false, all: true });
    expect(result.exitCode, result.all).toBe(0);
    for (const name of ['users', 'orders', 'catalog']) {
      expect(result.all).toMatch(new RegExp(`test_service_is_ready\\[${name}\\] PASSED`));
    }
    for (const name of ['users', 'orders', 'catalog']) {
      expect(result.all).toMatch(new RegExp(`test_service_reaches_every_peer\\[${name}\\] PASSED`));
    }
  });
});
