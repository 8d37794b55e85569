/**
 * The CI files as data, for every combination of engines and package managers: database
 * containers exactly for the engines in use, with compose's images; least privilege;
 * superseded runs cancelled; every action pinned. And add-service's edits: editing a
 * generated file gives what generating the bigger project gives, hand edits survive, and a
 * file restructured by hand is a conflict.
 */
import { describe, expect, it } from 'vitest';
import { parse, parseDocument } from 'yaml';
import { renderCompose } from '../../src/compose.js';
import { projectContext, type ProjectContext } from '../../src/context.js';
import { addServiceToDependabot, renderDependabot } from '../../src/dependabot.js';
import { resolveFromFlags, type PackageManager } from '../../src/options.js';
import { ACTIONS, addServiceToWorkflow, renderWorkflow, WORKFLOW_FILE } from '../../src/workflow.js';
import { planFor } from '../helpers/plan.js';

type Db = 'sqlite' | 'postgres' | 'mysql';
type Workflow = {
  on: Record<string, unknown>;
  permissions: unknown;
  concurrency: { group: string; 'cancel-in-progress': boolean };
  env: Record<string, string>;
  jobs: Record<string, Record<string, any>>;
};

const NAMES = ['users', 'orders', 'notes'];
const context = (dbs: Db[], packageManager: PackageManager = 'uv'): ProjectContext =>
  projectContext(
    resolveFromFlags(
      'shop',
      { services: dbs.map((db, index) => `${NAMES[index]}@${db}`).join(','), packageManager, install: true, test: true, git: true },
      { cwd: '/tmp', uvAvailable: true },
    ),
    '1.0.0',
  );

/** Every non-empty combination of engines, each service on one of them. */
const COMBINATIONS: Db[][] = [['sqlite'], ['postgres'], ['mysql'], ['sqlite', 'postgres'], ['sqlite', 'mysql'], ['postgres', 'mysql'], ['postgres', 'postgres'], ['sqlite', 'postgres', 'mysql']];
const CASES = COMBINATIONS.flatMap((dbs) => (['uv', 'pip'] as const).map((pm) => [dbs.join('+'), pm, dbs] as const));

const TEST_URL = { postgres: 'TEST_POSTGRES_URL', mysql: 'TEST_MYSQL_URL' } as const;
const DRIVER = { postgres: 'postgresql+asyncpg', mysql: 'mysql+aiomysql' } as const;
const PINNED = /^[\w.-]+\/[\w.-]+@(v\d+\.\d+\.\d+|[0-9a-f]{40})$/;

describe.each(CASES)('workflow of a %s project (%s)', (_, packageManager, dbs) => {
  const project = context(dbs, packageManager);
  const workflow = parse(renderWorkflow(project)) as Workflow;
  const compose = parse(renderCompose(project)) as { services: Record<string, { image?: string }> };
  const servers = [...new Set(dbs.filter((db) => db !== 'sqlite'))] as Array<'postgres' | 'mysql'>;

  it('has database containers for exactly the engines in use, in every job that tests', () => {
    for (const job of ['services', 'root']) {
      expect(Object.keys(workflow.jobs[job]!.services ?? {}).sort()).toEqual([...servers].sort());
    }
    expect(workflow.jobs.images!.services).toBeUndefined();
  });

  it("uses compose's image of each engine, with a health check and the port the test URL names", () => {
    for (const db of servers) {
      const composeImages = new Set(project.services.filter((s) => s.db === db).map((s) => compose.services[s.database.server!.host]!.image));
      const container = workflow.jobs.services!.services[db];
      expect([...composeImages]).toEqual([container.image]);
      expect(container.options).toMatch(/--health-cmd "[^"]+" .*--health-retries \d+/);
      const url = new URL(workflow.env[TEST_URL[db]]!);
      expect(url.protocol).toBe(`${DRIVER[db]}:`);
      expect(container.ports).toEqual([`${url.port}:${url.port}`]);
      // The admin account: the tests create a database per run.
      expect(url.username).toBe(db === 'postgres' ? 'postgres' : 'root');
      expect(workflow.jobs.root!.services[db]).toEqual(container);
    }
  });

  it('points the tests at the servers, and makes missing databases fail', () => {
    expect(workflow.env.REQUIRE_DB).toBe('1');
    expect(Object.keys(workflow.env).filter((key) => key.startsWith('TEST_')).sort()).toEqual(servers.map((db) => TEST_URL[db]).sort());
  });

  it('runs every service in the matrix, with its database', () => {
    expect(workflow.jobs.services!.strategy.matrix.include).toEqual(project.services.map((s) => ({ service: s.name, database: s.db })));
    expect(workflow.jobs.services!.strategy['fail-fast']).toBe(false);
  });

  it('reads the repository only, and cancels superseded runs of the same ref', () => {
    expect(workflow.permissions).toEqual({ contents: 'read' });
    expect(workflow.concurrency['cancel-in-progress']).toBe(true);
    expect(workflow.concurrency.group).toContain('${{ github.ref }}');
    expect(Object.keys(workflow.on)).toEqual(['push', 'pull_request', 'workflow_dispatch']);
  });

  it('pins every action to a full version, and sets up Python with the project package manager and its cache', () => {
    const steps = Object.values(workflow.jobs).flatMap((job) => job.steps as Array<Record<string, any>>);
    const uses = steps.flatMap((step) => (step.uses ? [step.uses as string] : []));
    expect(uses.length).toBeGreaterThan(0);
    for (const action of uses) expect(action).toMatch(PINNED);
    for (const job of ['services', 'root']) {
      const setup = (workflow.jobs[job]!.steps as Array<Record<string, any>>)[1]!;
      if (packageManager === 'uv') expect(setup).toMatchObject({ uses: ACTIONS.setupUv, with: { 'enable-cache': true, 'python-version': '3.12' } });
      else expect(setup).toMatchObject({ uses: ACTIONS.setupPython, with: { cache: 'pip', 'python-version': '3.12' } });
    }
  });

  it('runs make targets only, the same `make ci` runs', () => {
    const runs = Object.values(workflow.jobs).flatMap((job) => (job.steps as Array<Record<string, any>>).flatMap((step) => (step.run ? [step.run as string] : [])));
    for (const run of runs) expect(run).toMatch(/^make [\w" $-]+$/);
    expect(runs).toEqual(expect.arrayContaining(['make install', 'make lint-libs lint-root', 'make check-files', 'make test-root', 'make images']));
  });

  it('has dependabot entries for each service, the root and the actions', () => {
    const ecosystem = packageManager === 'uv' ? 'uv' : 'pip';
    const updates = (parse(renderDependabot(project)) as { updates: Array<Record<string, unknown>> }).updates;
    const keys = updates.map((update) => `${update['package-ecosystem']} ${update.directory}`);
    // With uv, the root entry updates the workspace's one uv.lock, every service's included;
    // with pip, each service's pyproject.toml has an entry of its own.
    const servicePython = (name: string) => (packageManager === 'uv' ? [] : [`${ecosystem} /services/${name}`]);
    expect(keys.sort()).toEqual(
      [...project.services.flatMap((s) => [...servicePython(s.name), `docker /services/${s.name}`]), `${ecosystem} /`, 'github-actions /'].sort(),
    );
    // The OpenTelemetry packages, pinned as one set, are updated in one pull request.
    for (const update of updates.filter((entry) => entry['package-ecosystem'] === ecosystem)) {
      expect(update.groups).toEqual({ opentelemetry: { patterns: ['opentelemetry-*'] } });
    }
  });
});

describe('addServiceToWorkflow and addServiceToDependabot', () => {
  const STARTS: Db[][] = [['sqlite'], ['postgres'], ['mysql'], ['sqlite', 'mysql']];
  const ADDED: Db[] = ['sqlite', 'postgres', 'mysql'];
  const TABLE = STARTS.flatMap((start) => ADDED.map((added) => [start.join('+'), added, start] as const));

  it.each(TABLE)('editing a %s project for a new %s service gives the bigger project\'s files', (_, added, start) => {
    const before = context(start);
    const after = context([...start, added]);
    const service = after.services.at(-1)!;
    const workflow = addServiceToWorkflow(renderWorkflow(before), service);
    expect(workflow.ok).toBe(true);
    if (workflow.ok) expect(parse(workflow.text)).toEqual(parse(renderWorkflow(after)));
    const dependabot = addServiceToDependabot(renderDependabot(before), service.name, 'uv');
    expect(dependabot.ok).toBe(true);
    if (dependabot.ok) expect(parse(dependabot.text)).toEqual(parse(renderDependabot(after)));
  });

  it('keeps hand edits: comments, an extra step and job, and adds nothing twice', () => {
    const before = context(['sqlite']);
    const doc = parseDocument(renderWorkflow(before));
    doc.addIn(['jobs', 'root', 'steps'], { name: 'Coverage', run: 'make coverage' });
    doc.setIn(['jobs', 'docs'], { 'runs-on': 'ubuntu-latest', steps: [{ run: 'make docs' }] });
    const edited = `# ours\n${doc.toString()}`.replace('permissions:', 'permissions: # keep it tight');
    const service = context(['sqlite', 'postgres']).services[1]!;
    const once = addServiceToWorkflow(edited, service);
    if (!once.ok) throw new Error(once.reason);
    expect(once.text).toMatch(/^# ours\n/);
    expect(once.text).toContain('# keep it tight');
    const parsed = parse(once.text) as Workflow;
    expect(parsed.jobs.root!.steps.at(-1)).toEqual({ name: 'Coverage', run: 'make coverage' });
    expect(parsed.jobs.docs).toBeDefined();
    expect(Object.keys(parsed.jobs.root!.services)).toEqual(['postgres']);
    const twice = addServiceToWorkflow(once.text, service);
    expect(twice).toEqual(once);
  });

  it.each([
    ['invalid YAML', 'jobs: [', /not valid YAML/],
    ['no matrix of services', 'name: CI\njobs:\n  test:\n    runs-on: ubuntu-latest\n', /jobs\.services\.strategy\.matrix\.include/],
    ['no root job', 'jobs:\n  services:\n    strategy:\n      matrix:\n        include: []\n', /no "root" job/],
  ])('refuses a workflow with %s', (_, text, reason) => {
    const service = context(['sqlite', 'postgres']).services[1]!;
    const result = addServiceToWorkflow(text, service);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(reason);
  });

  it('refuses a dependabot file without an updates list, and keeps its comments', () => {
    expect(addServiceToDependabot('version: 2\n', 'billing', 'uv').ok).toBe(false);
    const result = addServiceToDependabot('version: 2\nupdates: # ours\n  - package-ecosystem: npm\n    directory: /web\n    schedule: {interval: daily}\n', 'billing', 'pip');
    if (!result.ok) throw new Error(result.reason);
    expect(result.text).toContain('# ours');
    expect((parse(result.text) as { updates: unknown[] }).updates).toHaveLength(3);
  });
});

describe('the workflow, the Makefile and the hooks of a generated project agree', () => {
  const plan = planFor('shop', { services: 'users@postgres,orders' });
  const makefile = plan.get('Makefile')!;
  const rules = [...makefile.matchAll(/^([\w%-]+):/gm)].map((match) => new RegExp(`^${match[1]!.replace('%', '.+')}$`));

  it('calls only targets the Makefile has, and `make ci` runs lint, tests with REQUIRE_DB=1 and images', () => {
    const workflow = parse(plan.get(WORKFLOW_FILE)!) as Workflow;
    const targets = Object.values(workflow.jobs).flatMap((job) =>
      (job.steps as Array<Record<string, any>>).flatMap((step) => (step.run ? (step.run as string).split(/\s+/).slice(1) : [])),
    );
    expect(targets.length).toBeGreaterThan(5);
    for (const target of targets.map((target) => target.replace('"$SERVICE"', 'users'))) {
      expect(rules.some((rule) => rule.test(target)), `make ${target}`).toBe(true);
    }
    const ci = /^ci:.*\n((?:\t.*\n)+)/m.exec(makefile)![1]!;
    expect(ci).toMatch(/\$\(MAKE\) lint check-files\n/);
    expect(ci).toMatch(/REQUIRE_DB=1 \$\(MAKE\) test\n/);
    expect(ci).toMatch(/docker info .*\$\(MAKE\) images/s);
  });

  it('has hooks that call only tools of the project, present in the plan', () => {
    const config = parse(plan.get('.pre-commit-config.yaml')!) as { repos: Array<{ repo: string; hooks: Array<Record<string, any>> }> };
    expect(config.repos.map((repo) => repo.repo)).toEqual(['local']);
    const hooks = config.repos[0]!.hooks;
    expect(hooks.map((hook) => hook.id)).toEqual(['no-secrets', 'yaml-toml-syntax', 'ruff-check', 'ruff-format', 'mypy', 'lint-imports']);
    for (const hook of hooks) {
      expect(hook.language).toBe('unsupported');
      const [python, script] = (hook.entry as string).split(' ');
      expect(python).toBe('.venv/bin/python');
      expect(plan.has(script!), script).toBe(true);
    }
    expect(plan.get('pyproject.toml')).toMatch(/"pre-commit>=4\.4"/);
  });
});
