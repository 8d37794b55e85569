/**
 * End to end: add-entity on services of both frameworks and all three databases (a FastAPI
 * project on SQLite and PostgreSQL, a Litestar one on MySQL), some services taking two
 * entities. Then the whole project installs once and passes `make lint` and `make test`; on
 * a fresh database of each service `alembic upgrade head` then `alembic check` find nothing
 * to do; and the running service serves the new entities' CRUD.
 */
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entityContext } from '../../src/context.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { exerciseCrud } from '../helpers/crud.js';
import { realDatabaseEnv } from '../helpers/databases.js';
import { bootService } from '../helpers/service.js';

const work = tempDir('e2e-entity');
const env = { CI: '1', ...realDatabaseEnv() };
// Two installed projects: many files to remove on a busy disk.
afterAll(() => fs.rmSync(work, { recursive: true, force: true }), 5 * 60_000);

interface ServiceCase {
  name: string;
  envPrefix: string;
  server: boolean;
  /** Entities add-entity adds, in order. */
  added: string[];
}

interface ProjectCase {
  name: string;
  framework: string;
  services: ServiceCase[];
}

// Service names give their test databases' names (<module>_test_<hex>).
const PROJECTS: ProjectCase[] = [
  {
    name: 'fast',
    framework: 'fastapi',
    services: [
      { name: 'en-users', envPrefix: 'EN_USERS_', server: false, added: ['address'] },
      { name: 'en-orders', envPrefix: 'EN_ORDERS_', server: true, added: ['order_item', 'refund'] },
    ],
  },
  {
    name: 'star',
    framework: 'litestar',
    services: [{ name: 'en-stock', envPrefix: 'EN_STOCK_', server: true, added: ['warehouse', 'shelf_item'] }],
  },
];
const DATABASES: Record<string, string> = { 'en-users': 'sqlite', 'en-orders': 'postgres', 'en-stock': 'mysql' };

interface Outcome {
  steps: Array<{ step: string; exitCode: number; output: string; seconds: number }>;
}

const run = async (outcome: Outcome, step: string, command: Promise<{ exitCode?: number; all?: string }>) => {
  const started = performance.now();
  const result = await command;
  const seconds = Math.round((performance.now() - started) / 1000);
  outcome.steps.push({ step, exitCode: result.exitCode ?? -1, output: result.all ?? '', seconds });
  return result;
};

/** Create (no install), add every entity (committing between), install once, lint, test. */
async function pipeline(project: ProjectCase): Promise<Outcome> {
  const outcome: Outcome = { steps: [] };
  const dir = path.join(work, project.name);
  const services = project.services.map((service) => `${service.name}@${DATABASES[service.name]}`).join(',');
  await run(outcome, 'create', runCli([project.name, '--framework', project.framework, '--services', services, '--yes', '--no-install'], { cwd: work, env }));
  for (const service of project.services) {
    for (const entity of service.added) {
      await run(outcome, `add-entity ${service.name} ${entity}`, runCli(['add-entity', service.name, entity, '--yes'], { cwd: dir, env }));
      await execa('git', ['add', '-A'], { cwd: dir });
      await execa('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-qm', `Add ${entity}`], { cwd: dir });
    }
  }
  for (const target of ['install', 'lint', 'test']) {
    await run(outcome, `make ${target}`, execa('make', ['--no-print-directory', target], { cwd: dir, env, reject: false, all: true }));
  }
  return outcome;
}

const outcomes = new Map<string, Outcome>();
beforeAll(async () => {
  // Both projects at once: their steps wait on databases and subprocesses more than on CPU.
  const results = await Promise.all(PROJECTS.map(pipeline));
  PROJECTS.forEach((project, index) => outcomes.set(project.name, results[index]!));
  // Where the time goes, for whoever makes this test faster.
  for (const [name, { steps }] of outcomes) console.info(`${name}: ${steps.map((step) => `${step.step} ${step.seconds}s`).join(', ')}`);
});

describe.each(PROJECTS)('add-entity on the $framework project', (project) => {
  const dir = path.join(work, project.name);

  it('adds every entity, then installs, lints and passes every test', () => {
    const { steps } = outcomes.get(project.name)!;
    expect(steps.map((step) => step.step)).toEqual([
      'create',
      ...project.services.flatMap((service) => service.added.map((entity) => `add-entity ${service.name} ${entity}`)),
      'make install',
      'make lint',
      'make test',
    ]);
    for (const step of steps) expect(step.exitCode, `${step.step}:\n${step.output.slice(-6000)}`).toBe(0);
    // REQUIRE_DB=1: a database test without its server fails instead of skipping.
    expect(steps.at(-1)!.output).toMatch(/\d+ passed/);
  });

  it("runs the new entities' own test modules", () => {
    for (const service of project.services) {
      for (const entity of service.added) {
        for (const kind of ['routes', 'service']) {
          expect(fs.existsSync(path.join(dir, 'services', service.name, `tests/test_${entity}_${kind}.py`))).toBe(true);
        }
      }
    }
  });

  it('doctor finds no drift in the files add-entity wrote or edited', async () => {
    const doctor = await runCli(['doctor', '--json'], { cwd: dir, env });
    const report = JSON.parse(doctor.stdout) as { checks: Array<{ id: string; status: string; message: string }> };
    const layout = report.checks.filter((check) => ['folders', 'compose', 'env', 'workflow', 'kubernetes', 'environment'].includes(check.id));
    expect(layout.length).toBeGreaterThan(0);
    expect(layout.filter((check) => check.status === 'problem')).toEqual([]);
  });

  it.each(project.services)('$name: alembic upgrade head, then alembic check, on a fresh database; the new routes serve CRUD', async (service) => {
    const cwd = path.join(dir, 'services', service.name);
    // A fresh database of the service's engine, made and dropped by the service's own tooling.
    let url = `sqlite+aiosqlite:///${path.join(cwd, 'e2e-check.db')}`;
    if (service.server) {
      const created = await execa('.venv/bin/python', ['-m', 'tests.database', 'create'], { cwd, env });
      url = created.stdout.trim();
    }
    const serviceEnv = { ...env, [`${service.envPrefix}DATABASE_URL`]: url };
    try {
      const upgrade = await execa('.venv/bin/alembic', ['upgrade', 'head'], { cwd, env: serviceEnv, reject: false, all: true });
      expect(upgrade.exitCode, upgrade.all).toBe(0);
      for (const entity of service.added) expect(upgrade.all).toMatch(new RegExp(`Create the ${entityContext(entity).table} table`));
      const check = await execa('.venv/bin/alembic', ['check'], { cwd, env: serviceEnv, reject: false, all: true });
      expect(check.all).toMatch(/No new upgrade operations detected/);
      expect(check.exitCode).toBe(0);
      const running = await bootService(dir, service, { [`${service.envPrefix}DATABASE_URL`]: url }, { migrate: false });
      try {
        for (const entity of service.added) await exerciseCrud(running.baseUrl, entityContext(entity).routePath, running.output);
      } finally {
        await running.stop();
      }
    } finally {
      if (service.server) {
        const name = url.slice(url.lastIndexOf('/') + 1).split('?')[0]!;
        await execa('.venv/bin/python', ['-m', 'tests.database', 'drop', name], { cwd, env });
      } else {
        fs.rmSync(path.join(cwd, 'e2e-check.db'), { force: true });
      }
    }
  });
});
