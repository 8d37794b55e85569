/**
 * `doctor` on an installed project (SQLite, uv): green when fresh and migrated; then a
 * pending migration and an environment out of sync with its lock are each named, with the
 * make target that fixes them, and fixing them makes it green again.
 */
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';

const work = tempDir('e2e-doctor');
const project = path.join(work, 'demo');
const doctor = () => runCli(['doctor', '--json'], { cwd: project });
type Report = { ok: boolean; checks: Array<{ id: string; service?: string; status: string; message: string; fix?: string }> };
const problemsOf = (stdout: string) => (JSON.parse(stdout) as Report).checks.filter((check) => check.status === 'problem');
const make = (target: string) => execa('make', ['--no-print-directory', target], { cwd: project, all: true });

/** A data migration: it changes no table, so once applied the models and database agree again. */
const PENDING = `"""Touch up the users' data."""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("UPDATE users SET name = name")


def downgrade() -> None:
    pass
`;

beforeAll(async () => {
  const created = await runCli(['demo', '--services', 'users', '--yes', '--no-test'], { cwd: work, timeout: 14 * 60_000, env: { CI: '1' } });
  expect(created.exitCode, created.all).toBe(0);
  // A port of this test's own range: another run's service on 8001 is not this project's problem.
  const env = path.join(project, 'services/users/.env');
  fs.writeFileSync(env, fs.readFileSync(env, 'utf8').replace(/^USERS_PORT=.*$/m, 'USERS_PORT=18880'));
});
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

describe('doctor on an installed project', () => {
  it('is green on the fresh project, and says the database is not created yet', async () => {
    const run = await runCli(['doctor'], { cwd: project });
    expect(run.exitCode, run.all).toBe(0);
    expect(run.stdout).toMatch(/services\/users: environment in sync/);
    expect(run.stdout).toMatch(/services\/users: database not created yet/);
    expect(run.stdout).toMatch(/Healthy: \d+ checks, no problem/);
    expect(fs.existsSync(path.join(project, 'services/users/users.db'))).toBe(false);
  });

  it('is green once migrated, with the migrations at head', async () => {
    await make('migrate');
    const run = await doctor();
    expect(run.exitCode, run.all).toBe(0);
    expect((JSON.parse(run.stdout) as Report).checks).toContainEqual(expect.objectContaining({ id: 'migrations', service: 'users', status: 'ok' }));
  });

  it('names a pending migration, and is green again after make migrate', async () => {
    fs.writeFileSync(path.join(project, 'services/users/migrations/versions/0002_touch_users.py'), PENDING);
    const run = await doctor();
    expect(run.exitCode).toBe(1);
    expect(problemsOf(run.stdout)).toEqual([
      { id: 'migrations', service: 'users', status: 'problem', message: 'services/users: migrations pending', fix: 'run `make migrate-service-users`' },
    ]);
    await make('migrate');
    expect((await doctor()).exitCode).toBe(0);
  });

  it('names an environment out of sync with its lock, and is green again after make install', async () => {
    await execa('uv', ['pip', 'uninstall', '--python', '.venv/bin/python', 'pyjwt'], { cwd: path.join(project, 'services/users') });
    const run = await runCli(['doctor'], { cwd: project });
    expect(run.exitCode).toBe(1);
    const lines = run.stdout.split('\n').filter((line) => line.startsWith('✗ '));
    expect(lines).toEqual([expect.stringMatching(/^✗ services\/users: environment out of sync with its pyproject\/uv.lock \(.+\) — run `make install-service-users`$/)]);
    await make('install-service-users');
    expect((await doctor()).exitCode).toBe(0);
  });
});
