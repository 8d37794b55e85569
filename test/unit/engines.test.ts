/**
 * Database engines and frameworks each have one spec (src/databases.ts, src/frameworks.ts),
 * and adding one is one entry there plus its overlay in templates/service/. Shown two ways:
 *  - no other module of src/ spells an engine or framework id (so none branches on one);
 *  - for every engine and framework in the registry, each consumer (CLI choices, prompts,
 *    manifest checks, name checks, layers, dependencies, compose, CI) gives what its spec
 *    says, and every overlay belongs to a spec and every spec's layers exist.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it, vi } from 'vitest';
import { parse } from 'yaml';
import { buildProgram } from '../../src/cli.js';
import { brokerSpec, BROKERS, DEFAULT_BROKER } from '../../src/brokers.js';
import { databaseEngine, DATABASES, DEFAULT_DATABASE, serverAccountName, type Database } from '../../src/databases.js';
import { frameworkSpec, FRAMEWORKS } from '../../src/frameworks.js';
import { authSpec, AUTHS } from '../../src/auth.js';
import { buildManifest, manifestProblems } from '../../src/manifest.js';
import { serviceDatabaseProblem, serviceNameProblem } from '../../src/naming.js';
import { parseServices, resolveFromFlags } from '../../src/options.js';
import { serviceLayers } from '../../src/render/project.js';
import { serviceRecords } from '../../src/context.js';
import { planFor } from '../helpers/plan.js';

const selects: Array<{ message: string; options: Array<{ value: unknown; label?: string; hint?: string }> }> = [];
vi.mock('@clack/prompts', () => ({
  isCancel: () => false,
  text: async (options: { defaultValue?: string }) => options.defaultValue ?? '',
  select: async (options: (typeof selects)[number] & { initialValue: unknown }) => {
    selects.push(options);
    return options.initialValue;
  },
  confirm: async (options: { initialValue?: boolean }) => options.initialValue ?? true,
  log: { warn: () => undefined },
}));

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SPEC_MODULES = ['src/databases.ts', 'src/frameworks.ts', 'src/auth.ts', 'src/brokers.ts'];
// `none` is a plain word too (a reserved name in src/naming.ts): the brokers that are one count.
const IDS: readonly string[] = [...DATABASES, ...FRAMEWORKS, ...AUTHS.filter((auth) => auth !== 'none'), ...BROKERS.filter((broker) => brokerSpec(broker).server)];

const sourceFiles = (dir: string): string[] =>
  fs.readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const relative = `${dir}/${entry.name}`;
    return entry.isDirectory() ? sourceFiles(relative) : relative.endsWith('.ts') ? [relative] : [];
  });

/**
 * Where a module spells an engine or framework id in code (comments are not code): as a
 * string (`'mysql'`, `` `mysql` ``, a piece of a template string), as a property or an
 * identifier (`{ mysql: ... }`, `SERVERS.mysql`), or in a layer path (`'service/mysql'`).
 */
function idSpellings(file: string, text = fs.readFileSync(path.join(root, file), 'utf8')): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const at = (node: ts.Node, what: string) => {
    const { line } = source.getLineAndCharacterOfPosition(node.getStart(source));
    found.push(`${file}:${line + 1}: ${what}`);
  };
  const visit = (node: ts.Node): void => {
    if (ts.isStringLiteralLike(node) || ts.isTemplateHead(node) || ts.isTemplateMiddle(node) || ts.isTemplateTail(node)) {
      const layer = /(?:^|\W)service\/(\w+)/.exec(node.text);
      if (IDS.includes(node.text)) at(node, `the string "${node.text}"`);
      else if (layer && IDS.includes(layer[1]!)) at(node, `the layer "${layer[0]}"`);
    } else if ((ts.isIdentifier(node) || ts.isPrivateIdentifier(node)) && IDS.includes(node.text)) {
      at(node, `the name ${node.text}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe('the registries are the only place engine and framework ids are spelled', () => {
  it('finds no id in any other module of src/', () => {
    const files = sourceFiles('src').filter((file) => !SPEC_MODULES.includes(file));
    expect(files.length).toBeGreaterThan(20);
    expect(files.flatMap((file) => idSpellings(file))).toEqual([]);
  });

  it('finds every id in its spec module (the detector works)', () => {
    const spelled = SPEC_MODULES.flatMap((file) => idSpellings(file)).join('\n');
    for (const id of IDS) expect(spelled).toContain(`the string "${id}"`);
  });

  it('finds ids as strings, names, template pieces and layer paths, not in comments', () => {
    const probe = [
      '// mysql and postgres in a comment are fine',
      "if (db === 'mysql') run();",
      'const servers = { postgres: 1 };',
      "const layer = `service/${'x'}` + 'service/litestar';",
      'const y = `fastapi`;',
      'const z = `${a}sqlite${b}`;',
    ].join('\n');
    expect(idSpellings('probe.ts', probe)).toEqual([
      'probe.ts:2: the string "mysql"',
      'probe.ts:3: the name postgres',
      'probe.ts:4: the layer "service/litestar"',
      'probe.ts:5: the string "fastapi"',
      'probe.ts:6: the string "sqlite"',
    ]);
  });
});

const serviceDirs = fs.readdirSync(path.join(root, 'templates/service')).sort();

describe('template layers', () => {
  it('every overlay of templates/service/ belongs to base, a framework or an engine, and every listed layer exists', () => {
    const listed = new Set([
      'service/base',
      ...FRAMEWORKS.flatMap((framework) => frameworkSpec(framework).layers),
      ...DATABASES.flatMap((db) => databaseEngine(db).layers),
      ...AUTHS.flatMap((auth) => FRAMEWORKS.flatMap((framework) => [...authSpec(auth).layers(framework), ...authSpec(auth).identityLayers(framework)])),
      ...BROKERS.flatMap((broker) => [...brokerSpec(broker).layers, ...brokerSpec(broker).serverLayers]),
    ]);
    expect([...listed].sort()).toEqual(serviceDirs.map((dir) => `service/${dir}`));
  });

  it.each(FRAMEWORKS.flatMap((framework) => DATABASES.map((db) => [framework, db] as const)))(
    '%s on %s: base, then the framework, then the engine',
    (framework, db) => {
      expect(serviceLayers({ framework, db })).toEqual(['service/base', ...frameworkSpec(framework).layers, ...databaseEngine(db).layers]);
    },
  );

  // The e2e tier fails on a skipped test: a test that cannot run on an engine is not rendered
  // for it. The relay's tests of replicas need a second replica, which SQLite never runs.
  it.each(DATABASES.flatMap((db) => BROKERS.map((broker) => [db, broker] as const)))(
    'on %s with broker %s, the relay has tests of replicas only where replicas can run',
    (db, broker) => {
      const plan = planFor('shop', { services: `users@${db}`, db, broker });
      const replicas = plan.get('services/users/tests/test_relay_replicas.py');
      const expected = broker !== 'none' && databaseEngine(db).server !== undefined;
      expect(replicas !== undefined).toBe(expected);
      if (expected) expect(replicas).toMatch(/async def test_of_two_replicas/);
      const skipsOnSqlite = [...plan].filter(([file, text]) => file.endsWith('.py') && /dialect\.name == "sqlite"[\s\S]{0,80}pytest\.skip/.test(String(text)));
      expect(skipsOnSqlite.map(([file]) => file)).toEqual([]);
    },
  );
});

const program = buildProgram('1.0.0', async () => {
  throw new Error('not run');
});
const choices = (command: typeof program, flag: string) => command.options.find((option) => option.long === flag)?.argChoices;

describe('the command line and the prompts offer every engine and framework of the registry', () => {
  it('--db, --framework and --broker of create, --db of add-service', () => {
    expect(choices(program, '--db')).toEqual(DATABASES);
    expect(choices(program, '--broker')).toEqual(BROKERS);
    expect(choices(program, '--framework')).toEqual(FRAMEWORKS);
    expect(choices(program, '--auth')).toEqual(AUTHS);
    expect(choices(program.commands.find((command) => command.name() === 'add-service')!, '--db')).toEqual(DATABASES);
  });

  it('the database and framework questions, with each spec’s label and hint', async () => {
    const { askCreateQuestions } = await import('../../src/prompts.js');
    selects.length = 0;
    await askCreateQuestions({ directory: 'demo', flags: { install: false, test: false, git: false }, given: new Set(['install']), cwd: '/tmp', lookup: () => true });
    const offered = (message: string) => selects.find((select) => select.message === message)?.options;
    expect(offered('Database?')).toEqual(DATABASES.map((db) => ({ value: db, label: databaseEngine(db).label, hint: databaseEngine(db).hint })));
    expect(offered('Authentication?')).toEqual(AUTHS.map((auth) => ({ value: auth, label: authSpec(auth).label, hint: authSpec(auth).hint })));
    expect(offered('Message broker for events between services?')).toEqual(
      BROKERS.map((broker) => ({ value: broker, label: brokerSpec(broker).label, hint: brokerSpec(broker).hint })),
    );
    expect(DEFAULT_BROKER).toBe(BROKERS[0]);
    expect(offered('HTTP framework?')).toEqual(
      FRAMEWORKS.map((framework) => ({ value: framework, label: frameworkSpec(framework).label, hint: frameworkSpec(framework).hint })),
    );
  });
});

const flags = { install: true, test: true, git: true };

describe.each(DATABASES)('the engine %s, in every consumer', (db: Database) => {
  const engine = databaseEngine(db);
  const server = engine.server;
  // A second service on the default engine, so that the project mixes engines where it can.
  const other = DATABASES.find((candidate) => candidate !== db) ?? db;
  const plan = planFor('shop', { services: `users@${db},notes@${other}`, db: DEFAULT_DATABASE });
  const compose = parse(plan.get('docker-compose.yml')!) as { services: Record<string, any>; volumes: Record<string, null> };
  const workflow = parse(plan.get('.github/workflows/ci.yml')!) as { env: Record<string, string>; jobs: Record<string, any> };
  const manifest = JSON.parse(plan.get('.layered-backend.json')!) as { services: Array<Record<string, unknown>> };

  it('is accepted by --services and by the manifest check', () => {
    expect(parseServices(`users@${db}`, DEFAULT_DATABASE)).toEqual([{ name: 'users', entity: 'user', db }]);
    const answers = resolveFromFlags('shop', { ...flags, services: 'users', db }, { cwd: '/tmp', uvAvailable: true });
    expect(manifestProblems(buildManifest(answers, serviceRecords(answers), '1.0.0'))).toEqual([]);
    expect('dbPort' in manifest.services[0]!).toBe(server !== undefined);
  });

  it("adds its driver to the service's dependencies and its URL scheme to its settings", () => {
    const pyproject = plan.get('services/users/pyproject.toml')!;
    for (const dependency of engine.dependencies) expect(pyproject).toContain(`"${dependency}"`);
    expect(plan.get('services/users/.env.example')).toMatch(new RegExp(`^USERS_DATABASE_URL=${engine.scheme.replace(/\+/g, '\\+')}://`, 'm'));
  });

  it('has its place in compose: a container as its spec says (init script rendered), or, embedded, a volume of the service', () => {
    if (!server) {
      expect(Object.keys(compose.services)).not.toContain('users-db');
      expect(compose.services.users.volumes).toEqual(['users-data:/data']);
      expect(Object.keys(compose.volumes)).toContain('users-data');
      return;
    }
    const container = compose.services['users-db'];
    expect(container.image).toBe(server.image);
    expect(container.ports).toEqual([`127.0.0.1:${server.firstHostPort}:${server.containerPort}`]);
    expect(container.healthcheck.retries).toBe(server.compose.retries);
    const [data, init] = container.volumes as string[];
    expect(data).toBe(`users-db-data:${server.compose.dataPath}`);
    expect(init).toBe(`./services/users/${server.compose.initScript.file}:/docker-entrypoint-initdb.d/${server.compose.initScript.runAs}:ro`);
    expect(plan.has(`services/users/${server.compose.initScript.file}`)).toBe(true);
    expect(compose.services.users.depends_on).toEqual({ 'users-db': { condition: 'service_healthy' } });
  });

  it('has its place in CI: a container and the URL of its test server, when it has a server', () => {
    const containers = Object.keys(workflow.jobs.services.services ?? {});
    if (!server) {
      // Only the other service's engine, if it has a server.
      expect(containers).toEqual(databaseEngine(other).server ? [other] : []);
      return;
    }
    expect(containers).toContain(db);
    expect(workflow.env[server.ci.urlVariable]).toBe(server.ci.url);
    for (const job of ['services', 'root']) expect(workflow.jobs[job].services[db]).toMatchObject({ image: server.image, env: server.ci.env });
  });

  it('refuses its system databases as service names (and reserves them), and keeps its account-name limit', () => {
    if (!server) {
      expect(serviceDatabaseProblem('a'.repeat(40), db)).toBeUndefined();
      return;
    }
    for (const name of server.systemDatabases) {
      expect(serviceNameProblem(name)).toMatch(new RegExp(`system database of .*${engine.label}`));
      // Refused up front, and reserved too: the account and database would never take its name.
      expect(serverAccountName(db, name)).toBe(`app_${name}`);
    }
    const longest = 'a'.repeat(Math.min(server.maxUserLength, 40));
    expect(serviceDatabaseProblem(longest, db)).toBeUndefined();
    if (server.maxUserLength < 40) {
      expect(serviceDatabaseProblem(`${longest}a`, db)).toContain(`on ${engine.label} a service name is limited to ${server.maxUserLength}`);
    }
  });
});

describe.each(FRAMEWORKS)('the framework %s, in every consumer', (framework) => {
  const spec = frameworkSpec(framework);
  const plan = planFor('shop', { services: 'users', framework });

  it('adds its dependencies and test dependencies to the service', () => {
    const pyproject = plan.get('services/users/pyproject.toml')!;
    for (const dependency of [...spec.dependencies, ...spec.testDependencies]) expect(pyproject).toContain(`"${dependency}"`);
    const others = FRAMEWORKS.filter((candidate) => candidate !== framework).flatMap((candidate) => frameworkSpec(candidate).dependencies);
    for (const dependency of others.filter((dependency) => !spec.dependencies.includes(dependency))) expect(pyproject).not.toContain(`"${dependency}"`);
  });

  it('is recorded in the manifest, and a service may not shadow its module', () => {
    expect(JSON.parse(plan.get('.layered-backend.json')!).framework).toBe(framework);
    expect(serviceNameProblem(spec.module)).toMatch(/clashes with a folder or package/);
  });
});
