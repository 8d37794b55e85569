/**
 * End to end: the CI files of generated projects validate against GitHub's schemas (every
 * combination, and after add-service), the pre-commit hooks pass on fresh projects of both
 * frameworks and mixed databases and stop a bad commit, and `make ci` runs.
 *
 * actionlint is not used: it is not installable from a package index without downloading
 * its binary at install time.
 */
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DEPENDABOT_FILE } from '../../src/dependabot.js';
import { WORKFLOW_FILE } from '../../src/workflow.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { realDatabaseEnv } from '../helpers/databases.js';
import { planFor } from '../helpers/plan.js';
import { checkJsonschema } from '../helpers/pytools.js';

const work = tempDir('e2e-ci');
const env = { CI: '1', ...realDatabaseEnv() };
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

const GIT_USER = ['-c', 'user.name=t', '-c', 'user.email=t@example.com'];

/** Validate workflows and dependabot files with check-jsonschema; returns its output on failure. */
async function validate(workflows: string[], dependabots: string[]): Promise<void> {
  const tool = await checkJsonschema();
  for (const [schema, files] of [['vendor.github-workflows', workflows], ['vendor.dependabot', dependabots]] as const) {
    const result = await execa(tool, ['--builtin-schema', schema, ...files], { reject: false, all: true });
    expect(result.exitCode, result.all).toBe(0);
  }
}

describe('CI files of every combination', () => {
  it('validate against the GitHub workflow and dependabot schemas', async () => {
    const dir = path.join(work, 'schemas');
    fs.mkdirSync(dir);
    const workflows: string[] = [];
    const dependabots: string[] = [];
    for (const services of ['users', 'users@postgres', 'users@mysql', 'users@postgres,orders@mysql,notes']) {
      for (const packageManager of ['uv', 'pip'] as const) {
        for (const framework of ['fastapi', 'litestar'] as const) {
          const plan = planFor('shop', { services, packageManager, framework });
          const name = `${services.replace(/\W/g, '_')}-${packageManager}-${framework}`;
          workflows.push(path.join(dir, `${name}-ci.yml`));
          dependabots.push(path.join(dir, `${name}-dependabot.yml`));
          fs.writeFileSync(workflows.at(-1)!, plan.get(WORKFLOW_FILE)!);
          fs.writeFileSync(dependabots.at(-1)!, plan.get(DEPENDABOT_FILE)!);
        }
      }
    }
    await validate(workflows, dependabots);
  });

  it('the schema check fails on a broken workflow (it can fail)', async () => {
    const file = path.join(work, 'broken-ci.yml');
    fs.writeFileSync(file, planFor('shop').get(WORKFLOW_FILE)!.replace('contents: read', 'contents: maybe'));
    const result = await execa(await checkJsonschema(), ['--builtin-schema', 'vendor.github-workflows', file], { reject: false });
    expect(result.exitCode).not.toBe(0);
  });
});

describe('a FastAPI project on PostgreSQL, MySQL and SQLite', () => {
  const project = path.join(work, 'mixed', 'shop');
  const precommit = (...args: string[]) => execa(path.join(project, '.venv/bin/pre-commit'), args, { cwd: project, env, reject: false, all: true });
  const git = (...args: string[]) => execa('git', [...GIT_USER, ...args], { cwd: project, reject: false, all: true });
  beforeAll(async () => {
    fs.mkdirSync(path.dirname(project));
    const run = await runCli(['shop', '--services', 'users@postgres,orders@mysql,notes', '--no-test', '--yes'], {
      cwd: path.dirname(project),
      env,
      timeout: 10 * 60_000,
    });
    expect(run.exitCode, run.all).toBe(0);
  });

  it('passes every pre-commit hook on all its files, offline', async () => {
    const result = await precommit('run', '--all-files');
    expect(result.exitCode, result.all).toBe(0);
    for (const hook of ['no .env or private key files', 'YAML and TOML files parse', 'ruff check --fix', 'ruff format', 'mypy', 'import-linter']) {
      expect(result.all).toMatch(new RegExp(`${hook.replace(/[.*+?()[\]]/g, '\\$&')}.*Passed`));
    }
  });

  it('stops a commit with an unused import, naming ruff F401', async () => {
    expect((await precommit('install')).exitCode).toBe(0);
    const module = path.join(project, 'services/orders/app/services/health.py');
    fs.writeFileSync(module, `import os\n${fs.readFileSync(module, 'utf8')}`);
    await git('add', '-A');
    const commit = await git('commit', '-m', 'an unused import');
    expect(commit.exitCode, commit.all).not.toBe(0);
    expect(commit.all).toMatch(/F401/);
    expect(commit.all).toMatch(/ruff check --fix\.+Failed/);
    await git('checkout', 'HEAD', '--', '.');
  });

  it('stops a commit of a .env file or a private key', async () => {
    for (const [file, content] of [
      ['services/notes/.env', null],
      ['deploy/server.txt', `-----BEGIN OPENSSH ${'PRIVATE'} KEY-----\nAAAA\n`],
    ] as const) {
      if (content !== null) {
        fs.mkdirSync(path.join(project, path.dirname(file)), { recursive: true });
        fs.writeFileSync(path.join(project, file), content);
      }
      await git('add', '--force', file);
      const commit = await git('commit', '-m', 'a secret');
      expect(commit.exitCode, commit.all).not.toBe(0);
      expect(commit.all).toContain(`${file}: `);
      await git('reset', '-q');
    }
  });
});

describe('a Litestar project on SQLite, then add-service on PostgreSQL', () => {
  const project = path.join(work, 'litestar', 'shop');
  const read = (file: string) => fs.readFileSync(path.join(project, file), 'utf8');
  beforeAll(async () => {
    fs.mkdirSync(path.dirname(project));
    const run = await runCli(['shop', '--framework', 'litestar', '--services', 'users', '--no-test', '--yes'], {
      cwd: path.dirname(project),
      env,
      timeout: 10 * 60_000,
    });
    expect(run.exitCode, run.all).toBe(0);
  });

  it('passes every pre-commit hook on all its files', async () => {
    const result = await execa('.venv/bin/pre-commit', ['run', '--all-files'], { cwd: project, reject: false, all: true });
    expect(result.exitCode, result.all).toBe(0);
  });

  it('runs what CI runs with `make ci`, skipping the image builds without a Docker engine', async () => {
    const result = await execa('make', ['ci'], { cwd: project, env, reject: false, all: true });
    expect(result.exitCode, result.all).toBe(0);
    // Make echoes each command: the service's lint, the tests with REQUIRE_DB=1, the end-to-end tests.
    expect(result.all).toMatch(/cd services\/users && \.venv\/bin\/mypy \. && \.venv\/bin\/lint-imports/);
    expect(result.all).toMatch(/^REQUIRE_DB=1 make test$/m);
    expect(result.all).toMatch(/xargs -0 \.venv\/bin\/python scripts\/check_secrets\.py$/m);
    expect(result.all).toMatch(/^\.venv\/bin\/python -m pytest$/m);
    const docker = await execa('docker', ['info'], { reject: false }).catch(() => ({ exitCode: 1 }));
    if (docker.exitCode !== 0) expect(result.all).toMatch(/skipping the image builds/);
  });

  it('after add-service, the workflow validates and has the new service and its PostgreSQL container', async () => {
    await execa('git', ['add', '-A'], { cwd: project });
    await execa('git', [...GIT_USER, 'commit', '-qm', 'wip', '--allow-empty'], { cwd: project });
    const run = await runCli(['add-service', 'billing', '--db', 'postgres', '--no-install', '--yes'], { cwd: project, env });
    expect(run.exitCode, run.all).toBe(0);
    await validate([path.join(project, WORKFLOW_FILE)], [path.join(project, DEPENDABOT_FILE)]);
    const workflow = parse(read(WORKFLOW_FILE)) as { env: Record<string, string>; jobs: Record<string, any> };
    expect(workflow.jobs.services.strategy.matrix.include).toContainEqual({ service: 'billing', database: 'postgres' });
    for (const job of ['services', 'root']) expect(Object.keys(workflow.jobs[job].services)).toEqual(['postgres']);
    expect(workflow.env.TEST_POSTGRES_URL).toMatch(/^postgresql\+asyncpg:/);
    expect(read(DEPENDABOT_FILE)).toContain('directory: /services/billing');
  });
});
