/**
 * Every entity name that could clash with the generated code, for real: the CLI either
 * refuses it (exit 1, a suggestion, nothing written) or generates a service whose `make lint`
 * (ruff, ruff format, mypy --strict, import-linter) and own tests pass, in both frameworks.
 *
 * The names are the collision candidates the templates yield (test/helpers/entities.ts), the
 * reserved ones, and a list of suspects (test/helpers/suspects.ts). The accepted ones are
 * batched: one project per framework holds a service per name. The services of a project
 * share one virtual environment (they have the same dependencies; each service's own code is
 * found from its directory, as `make lint` and pytest run there), and each service's mypy
 * cache starts as a copy of one that holds the libraries only, so a service costs its lint and
 * test runs, not an install and a cold type check. (One cache shared by all the services
 * would be wrong: files of the same size and time in two services look unchanged to mypy.) Every service is linted; the tests
 * of each name run in one framework, alternating (the layers below the routes are the same
 * in both, and the routes of each framework are linted for every name). SQL keywords are
 * tables on PostgreSQL (FastAPI) and MySQL (Litestar).
 */
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { entityNameProblem, MAX_ENTITY_LENGTH, reservedEntityNames } from '../../src/naming.js';
import type { Database } from '../../src/databases.js';
import type { Framework } from '../../src/frameworks.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { realDatabaseEnv } from '../helpers/databases.js';
import { allCollisionCandidates } from '../helpers/entities.js';
import { LINTED_SUSPECTS, SQL_KEYWORD_ENTITIES } from '../helpers/suspects.js';

const work = tempDir('e2e-names');
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

const SHAPE = /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/;
const reserved = reservedEntityNames();
// Names over the length limit (a class name like ConstraintViolationError gives one) are
// refused for their length alone; the bad-input table covers that message.
const names = [...new Set([...allCollisionCandidates(), ...reserved.inCode, ...reserved.outside, ...LINTED_SUSPECTS, ...SQL_KEYWORD_ENTITIES])]
  .filter((name) => SHAPE.test(name) && name.length <= MAX_ENTITY_LENGTH)
  .sort();
const refused = names.filter((name) => entityNameProblem(name) !== undefined);
const accepted = names.filter((name) => entityNameProblem(name) === undefined);

describe('entity names the CLI refuses', () => {
  it('refuses each with exit 1 and a suggestion, and writes nothing', async () => {
    expect(refused.length).toBeGreaterThan(10);
    for (const entity of refused) {
      const run = await runCli(['refused', '--services', `things:${entity}`, '--yes', '--no-install', '--no-git'], { cwd: work });
      expect(run.exitCode, `${entity}: ${run.all}`).toBe(1);
      expect(run.all, entity).toMatch(/Try "[a-z0-9_]+"/);
      expect(fs.existsSync(path.join(work, 'refused')), entity).toBe(false);
    }
  });
});

/** Runs `task` on every item, two at a time (the machine has two cores). */
async function inPairs<T>(items: readonly T[], task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await task(items[next++]!);
  };
  await Promise.all([worker(), worker()]);
}

/**
 * Removes a service's own modules (app, tests, migrations/env.py) from a mypy cache, in
 * either of mypy's cache formats (a tree of JSON files, or SQLite databases).
 */
const FORGET_OWN_MODULES = `
import glob, os, shutil, sqlite3, sys
for version in glob.glob(os.path.join(sys.argv[1], "*", "")):
    for own in ("app", "tests"):
        shutil.rmtree(os.path.join(version, own), ignore_errors=True)
    for file in glob.glob(os.path.join(version, "env.*.json")):
        os.remove(file)
    for db in glob.glob(os.path.join(version, "*.db")):
        connection = sqlite3.connect(db)
        for (table,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall():
            connection.execute(f"DELETE FROM {table} WHERE path LIKE 'app/%' OR path LIKE 'tests/%' OR path LIKE 'env.%'")
        connection.commit()
`;

const CASES: Array<{ framework: Framework; serverDb: Database }> = [
  { framework: 'fastapi', serverDb: 'postgres' },
  { framework: 'litestar', serverDb: 'mysql' },
];

describe.each(CASES.map((c, index) => ({ ...c, index })))('accepted entity names in a $framework project', ({ framework, serverDb, index: caseIndex }) => {
  const project = `names-${framework}`;
  const dir = path.join(work, project);
  const seedCache = path.join(work, `mypy-${framework}`);
  const services = accepted.map((entity, index) => ({
    name: `names-${index}`,
    entity,
    db: (SQL_KEYWORD_ENTITIES.includes(entity) ? serverDb : 'sqlite') as Database,
    // SQL keywords are tested in both frameworks, on their server; the others alternate.
    tested: SQL_KEYWORD_ENTITIES.includes(entity) || index % CASES.length === caseIndex,
  }));
  it('generates one service per name', async () => {
    const spec = services.map((service) => `${service.name}:${service.entity}@${service.db}`).join(',');
    const run = await runCli([project, '--framework', framework, '--services', spec, '--yes', '--no-install', '--no-git'], { cwd: work });
    expect(run.exitCode, run.all).toBe(0);
    // One environment per database, shared by the services on it.
    for (const db of new Set(services.map((service) => service.db))) {
      const venv = path.join(work, `venv-${framework}-${db}`);
      const first = services.find((service) => service.db === db)!;
      await execa('uv', ['sync', '--quiet', '--no-install-project'], {
        cwd: path.join(dir, 'services', first.name),
        env: { UV_PROJECT_ENVIRONMENT: venv },
      });
      for (const service of services.filter((other) => other.db === db)) {
        fs.symlinkSync(venv, path.join(dir, 'services', service.name, '.venv'));
      }
    }
    // mypy's cache of the libraries: a first check, less the modules of the service itself.
    await execa('.venv/bin/mypy', ['.'], { cwd: path.join(dir, 'services', services[0]!.name), env: { MYPY_CACHE_DIR: seedCache }, reject: false });
    await execa('python3', ['-c', FORGET_OWN_MODULES, seedCache]);
  });

  // Batches of ten services: each stays well within a test's time limit.
  const batches = Array.from({ length: Math.ceil(services.length / 10) }, (_, index) => services.slice(index * 10, index * 10 + 10));
  it.each(batches.map((batch) => [batch.map((service) => service.entity).join(', '), batch] as const))(
    'passes make lint, and its tests where they run: %s',
    async (_, batch) => {
      const failures: string[] = [];
      await inPairs(batch, async (service) => {
        const cache = path.join(work, `mypy-${framework}-${service.name}`);
        fs.cpSync(seedCache, cache, { recursive: true });
        const env = { ...realDatabaseEnv(), MYPY_CACHE_DIR: cache };
        const targets = [`lint-service-${service.name}`, ...(service.tested ? [`test-service-${service.name}`] : [])];
        for (const target of targets) {
          const started = Date.now();
          const result = await execa('make', ['-s', target], { cwd: dir, env, reject: false, all: true });
          console.log(`${framework} ${service.entity}: ${target} ${result.exitCode === 0 ? 'passed' : 'FAILED'} in ${Math.round((Date.now() - started) / 1000)}s`);
          if (result.exitCode !== 0) failures.push(`${service.entity} (${target}):\n${result.all}`);
          else if (target.startsWith('test') && /\d+ skipped/.test(result.all)) failures.push(`${service.entity}: tests skipped\n${result.all}`);
        }
      });
      expect(failures.join('\n\n')).toBe('');
    },
  );
});

describe('service names that are also names of their dependencies', () => {
  it('install: a service named anyio or starlette is not confused with the package', async () => {
    const run = await runCli(['deps', '--services', 'anyio,starlette', '--yes', '--no-git', '--no-test'], {
      cwd: work,
      timeout: 10 * 60_000,
      env: { CI: '1' },
    });
    expect(run.exitCode, run.all).toBe(0);
    expect(fs.readFileSync(path.join(work, 'deps/services/anyio/pyproject.toml'), 'utf8')).toMatch(/^name = "anyio-service"$/m);
    expect(fs.readFileSync(path.join(work, 'deps/uv.lock'), 'utf8')).toMatch(/^name = "starlette-service"$/m);
  });
});
