/**
 * End to end, as a new user: `create-layered-backend demo --yes` installs the project and
 * passes its first test pass; then lint it, validate its compose file, boot a service and
 * drive its CRUD over real HTTP.
 */
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir, type CliRun } from '../helpers/cli.js';
import { exerciseCrud } from '../helpers/crud.js';
import { runBuildStage } from '../helpers/dockerfile.js';
import { bootService, type RunningService } from '../helpers/service.js';
import { toolAvailable } from '../helpers/tools.js';

const work = tempDir('e2e-sqlite');
const project = path.join(work, 'demo');
const store = path.join(work, 'bytecode');
let create: CliRun;

beforeAll(async () => {
  // A bytecode store of this run's own: what it holds is this project's doing.
  create = await runCli(['demo', '--yes'], { cwd: work, timeout: 14 * 60_000, env: { CI: '1', BYTECODE_STORE: store } });
});
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

describe('create demo --yes (FastAPI + SQLite, uv)', () => {
  it('installs the project and passes its first test pass', () => {
    expect(create.all).toMatch(/Tests passed/);
    expect(create.exitCode).toBe(0);
    const summaries = create.all.match(/\d+ passed/g) ?? [];
    // One pytest run per service plus the root tests.
    expect(summaries.length).toBeGreaterThanOrEqual(3);
    expect(create.all).not.toMatch(/\d+ failed/);
  });

  it('commits the project, and its tests leave the tree clean', async () => {
    const log = await execa('git', ['log', '--oneline'], { cwd: project });
    expect(log.stdout.trim().split('\n')).toHaveLength(1);
    const status = await execa('git', ['status', '--porcelain'], { cwd: project });
    expect(status.stdout).toBe('');
    const tracked = (await execa('git', ['ls-files'], { cwd: project })).stdout.split('\n');
    // One lock for the whole project, committed; none per service.
    expect(tracked).toContain('uv.lock');
    expect(tracked.filter((file) => file.endsWith('uv.lock'))).toEqual(['uv.lock']);
    expect(tracked).toContain('services/users/.env.example');
    expect(tracked).not.toContain('services/users/.env');
  });

  it('resolved once: every environment, each of its own, is in sync with the one uv.lock', async () => {
    const lock = fs.readFileSync(path.join(project, 'uv.lock'), 'utf8');
    for (const name of ['users', 'orders']) expect(lock).toContain(`name = "${name}-service"`);
    const environments: Array<[string, Record<string, string>]> = [
      ['.', {}],
      ...['users', 'orders'].map((name): [string, Record<string, string>] => [`services/${name}`, { UV_PROJECT_ENVIRONMENT: path.join(project, 'services', name, '.venv') }]),
    ];
    for (const [dir, extra] of environments) {
      const check = await execa('uv', ['sync', '--frozen', '--check'], { cwd: path.join(project, dir), env: extra, reject: false, all: true });
      expect(check.exitCode, `${dir}: ${check.all}`).toBe(0);
      expect(check.all).toMatch(/Would make no changes/);
    }
    // Each service's own package is in its own environment only, not in the root one.
    const users = await execa(path.join(project, 'services/users/.venv/bin/python'), ['-c', 'import app; print(app.__file__)'], { cwd: work });
    expect(users.stdout).toContain(path.join('services', 'users', 'app'));
    const rootApp = await execa(path.join(project, '.venv/bin/python'), ['-c', 'import app'], { cwd: work, reject: false });
    expect(rootApp.stderr).toMatch(/No module named 'app'/);
    // Bytecode was compiled while installing, not left to the first import.
    const compiled = await execa('find', [path.join(project, 'services/users/.venv/lib'), '-path', '*/fastapi/__pycache__/*.pyc']);
    expect(compiled.stdout.split('\n').filter(Boolean).length).toBeGreaterThan(10);
  });

  it('keeps the bytecode in the store, and an environment made again links it from there', async () => {
    const venv = path.join(project, 'services/users/.venv');
    const find = async () => (await execa('find', [path.join(venv, 'lib'), '-path', '*/fastapi/__pycache__/applications.*.pyc'])).stdout.trim();
    const before = fs.statSync(await find());
    const formats = fs.readdirSync(store);
    expect(formats).toHaveLength(1); // one Python, one bytecode format
    const folder = path.join(store, String(formats[0]));
    const stored = fs.readdirSync(folder).map((name) => fs.statSync(path.join(folder, name)).ino);
    expect(stored).toContain(before.ino);

    fs.rmSync(venv, { recursive: true });
    const again = await execa('make', ['install-service-users'], { cwd: project, env: { BYTECODE_STORE: store }, reject: false, all: true });
    expect(again.exitCode, again.all).toBe(0);
    // The very file the store kept, not a new compilation of the same module.
    expect(fs.statSync(await find()).ino).toBe(before.ino);
  });

  it('reports a line per environment and per test suite, and the phases', () => {
    for (const name of ['users', 'orders']) {
      expect(create.all).toMatch(new RegExp(`Installed service ${name} \\(\\d+\\.\\d s\\)`));
      expect(create.all).toMatch(new RegExp(`^ok ${name}: \\d+ passed`, 'm'));
    }
    expect(create.all).toMatch(/^ok end-to-end: \d+ passed/m);
    expect(create.all).toMatch(/Phases: resolve [\d.]+ s, sync [\d.]+ s, tests [\d.]+ s; total [\d.]+ s/);
  });

  it('passes make lint (ruff, mypy, import-linter)', async () => {
    const lint = await execa('make', ['lint'], { cwd: project, reject: false, all: true });
    expect(lint.all).toMatch(/Contracts: \d+ kept, 0 broken/);
    expect(lint.exitCode, lint.all).toBe(0);
  });

  it('fails lint-imports on a forbidden import, and passes again once it is removed', async () => {
    const service = path.join(project, 'services/users');
    const lintImports = () => execa('.venv/bin/lint-imports', ['--no-logo'], { cwd: service, reject: false, all: true });
    const forbidden: Array<[string, string, RegExp]> = [
      ['app/api/v1/users.py', 'from app.repository.user import UserRepository', /app\.api\.v1\.users -> app\.repository\.user/],
      ['app/services/user.py', 'import fastapi', /app\.services\.user -> fastapi/],
      // The services know the repository's errors, not SQLAlchemy's.
      ['app/services/user.py', 'import sqlalchemy', /app\.services\.user -> sqlalchemy/],
    ];
    for (const [file, line, broken] of forbidden) {
      const full = path.join(service, file);
      const original = fs.readFileSync(full, 'utf8');
      fs.writeFileSync(full, `${original}\n${line}  # noqa: E402, F401\n`);
      try {
        const result = await lintImports();
        expect(result.exitCode).not.toBe(0);
        expect(result.all).toMatch(/BROKEN/);
        expect(result.all).toMatch(broken);
      } finally {
        fs.writeFileSync(full, original);
      }
    }
    const clean = await lintImports();
    expect(clean.all).toMatch(/0 broken/);
    expect(clean.exitCode).toBe(0);
  });

  it.runIf(toolAvailable('docker-compose'))('has a compose file that validates', async () => {
    const config = await execa('docker-compose', ['-f', 'docker-compose.yml', 'config', '-q'], { cwd: project, reject: false, all: true });
    expect(config.exitCode, config.all).toBe(0);
  });

  it('builds each image from the one uv.lock: its build stage, run outside a container', async () => {
    const root = tempDir('image');
    try {
      // ARG and the uv install are the image's; uv is on PATH here. The RUN lines are the
      // Dockerfile's own, so a lock the image cannot use fails here (--frozen).
      await runBuildStage(fs.readFileSync(path.join(project, 'services/users/Dockerfile'), 'utf8').replace(/^RUN pip install .*$/m, ''), project, root, {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        UV_OFFLINE: '1',
      });
      const image = path.join(root, 'srv/services/users');
      const python = path.join(image, '.venv/bin/python');
      const imports = await execa(python, ['-c', 'import app.cmd.api.main, shared_config, fastapi; print("ok")'], { cwd: image, reject: false, all: true });
      expect(imports.all).toContain('ok');
      // No test tools in the image, and the libs installed, not linked to the build context.
      const pytest = await execa(python, ['-c', 'import pytest'], { cwd: image, reject: false });
      expect(pytest.exitCode).not.toBe(0);
      const libs = await execa(python, ['-c', 'import shared_config; print(shared_config.__file__)'], { cwd: image });
      expect(libs.stdout).toContain('.venv');
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  describe('a booted service', () => {
    let users: RunningService;
    beforeAll(async () => {
      users = await bootService(project, { name: 'users', envPrefix: 'USERS_' }, { USERS_DATABASE_URL: `sqlite+aiosqlite:///${work}/boot.db` });
    });
    afterAll(async () => users?.stop());

    it('answers 201, 200, 404, 409, 422 and 204 in one error shape', async () => {
      await exerciseCrud(users.baseUrl, 'users', users.output);
    });

    it('reports liveness and readiness', async () => {
      expect(await (await fetch(`${users.baseUrl}/health`)).json()).toMatchObject({ status: 'ok' });
      expect((await fetch(`${users.baseUrl}/health/ready`)).status).toBe(200);
    });
  });
});
