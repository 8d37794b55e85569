/**
 * Each check of `doctor` on fixture trees: a project rendered as create renders it (every
 * engine), then one drift at a time. Tools and environments are faked by small scripts on
 * PATH or in .venv, so every branch runs without installing anything.
 */
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { doctorReport } from '../../src/commands/doctor.js';
import { MANIFEST_FILE } from '../../src/context.js';
import { DATABASES, databaseEngine, hasServer, type Database } from '../../src/databases.js';
import { ENVIRONMENT_CHECKS, TOOLS_CHECK } from '../../src/doctor/environment-checks.js';
import { LAYOUT_CHECKS } from '../../src/doctor/layout-checks.js';
import { CHECKS, runChecks } from '../../src/doctor/registry.js';
import { RUNTIME_CHECKS, serviceDatabase } from '../../src/doctor/runtime-checks.js';
import type { Check, CheckResult, DoctorProject } from '../../src/doctor/types.js';
import { JOURNAL_FILE, STAGING_PREFIX } from '../../src/journal.js';
import { LOCK_FILE } from '../../src/lock.js';
import { readManifest } from '../../src/manifest.js';
import { WORKFLOW_FILE } from '../../src/workflow.js';
import { planFor, TEST_VERSION } from '../helpers/plan.js';

const SERVER_DBS = DATABASES.filter(hasServer);
const EMBEDDED_DBS = DATABASES.filter((db) => !hasServer(db));
/** One service per engine: users on the first, then one named after each other engine. */
const SERVICES = DATABASES.map((db, index) => (index === 0 ? `users@${db}` : `svc${index}@${db}`)).join(',');

const temp: string[] = [];
afterAll(() => temp.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

/** A project as create writes it (without installing), in a fresh folder. */
function fixture(services = SERVICES, packageManager: 'uv' | 'pip' = 'uv'): DoctorProject {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'clb-doctor-'));
  temp.push(root);
  for (const [file, text] of planFor('shop', { services, packageManager })) {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), text);
  }
  return { root, manifest: readManifest(root, TEST_VERSION) };
}

const check = (checks: readonly Check[], id: string): Check => checks.find((one) => one.id === id)!;
const run = async (checks: readonly Check[], id: string, project: DoctorProject) => check(checks, id).run(project);
const problems = (results: CheckResult[]) => results.filter((result) => result.status === 'problem');
const edit = (project: DoctorProject, file: string, change: (text: string) => string) =>
  fs.writeFileSync(path.join(project.root, file), change(fs.readFileSync(path.join(project.root, file), 'utf8')));
const editYaml = (project: DoctorProject, file: string, change: (doc: ReturnType<typeof parseDocument>) => void) =>
  edit(project, file, (text) => {
    const doc = parseDocument(text);
    change(doc);
    return doc.toString();
  });

describe('the check registry', () => {
  it('has one entry per id, each with a title', () => {
    const ids = CHECKS.map((one) => one.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(expect.arrayContaining(['tools', 'folders', 'compose', 'env', 'workflow', 'kubernetes', 'environment', 'migrations', 'database', 'port']));
    for (const one of CHECKS) expect(one.title.length).toBeGreaterThan(5);
  });

  it('turns a check that throws into a problem of its own, and runs the others', async () => {
    const boom: Check = { id: 'boom', title: 'always fails', run: () => Promise.reject(new Error('kaput')) };
    const fine: Check = { id: 'fine', title: 'always fine', run: () => [{ id: 'fine', status: 'ok', message: 'fine' }] };
    const results = await runChecks(fixture('users'), [boom, fine]);
    expect(results.map((result) => [result.id, result.status])).toEqual([
      ['boom', 'problem'],
      ['fine', 'ok'],
    ]);
    expect(results[0]!.message).toMatch(/kaput/);
  });
});

describe('layout checks on a fresh project of every engine', () => {
  const project = fixture();
  it.each(LAYOUT_CHECKS.map((one) => [one.id]))('%s: no problem', async (id) => {
    expect(problems(await run(LAYOUT_CHECKS, id, project))).toEqual([]);
  });
});

describe('layout drifts, one at a time, each named with its service and a fix', () => {
  type Drift = [string, string, (project: DoctorProject) => void, { service?: string; message: RegExp }];
  const drifts: Drift[] = [
    ['folders', 'a service folder deleted', (p) => fs.rmSync(path.join(p.root, 'services/users'), { recursive: true }), { service: 'users', message: /services\/users: folder missing/ }],
    ['folders', 'a folder the manifest does not list', (p) => fs.mkdirSync(path.join(p.root, 'services/extra')), { service: 'extra', message: /services\/extra: not listed/ }],
    ['compose', 'a service removed from compose', (p) => editYaml(p, 'docker-compose.yml', (doc) => doc.deleteIn(['services', 'users'])), { service: 'users', message: /no "users" service/ }],
    ['compose', 'compose missing', (p) => fs.rmSync(path.join(p.root, 'docker-compose.yml')), { message: /docker-compose.yml missing/ }],
    ['compose', 'compose not YAML', (p) => edit(p, 'docker-compose.yml', () => 'services: [\n'), { message: /not valid YAML/ }],
    ['env', 'a key missing from a service .env', (p) => edit(p, 'services/users/.env', (text) => text.replace(/^USERS_PORT=.*\n/m, '')), { service: 'users', message: /services\/users\/.env: USERS_PORT missing/ }],
    ['env', 'a service .env missing', (p) => fs.rmSync(path.join(p.root, 'services/users/.env')), { service: 'users', message: /services\/users\/.env missing/ }],
    ['env', 'a peer missing from PEERS', (p) => edit(p, 'services/users/.env', (text) => text.replace(/^USERS_PEERS=(.*)$/m, (_, json: string) => `USERS_PEERS=${JSON.stringify({ ...JSON.parse(json), svc1: undefined })}`)), { service: 'users', message: /USERS_PEERS lacks svc1/ }],
    ['env', 'PEERS not JSON', (p) => edit(p, 'services/users/.env', (text) => text.replace(/^USERS_PEERS=.*$/m, 'USERS_PEERS={oops')), { service: 'users', message: /USERS_PEERS is not JSON/ }],
    ['env', 'a secret missing from the root .env', (p) => edit(p, '.env', (text) => text.replace(/^USERS_SECRET_KEY=.*\n/m, '')), { service: 'users', message: /^\.env: USERS_SECRET_KEY missing/ }],
    ['env', 'a secret missing from the root .env.example', (p) => edit(p, '.env.example', (text) => text.replace(/^USERS_SECRET_KEY=.*\n/m, '')), { service: 'users', message: /^\.env\.example: USERS_SECRET_KEY missing/ }],
    ['env', 'the root .env missing', (p) => fs.rmSync(path.join(p.root, '.env')), { message: /^\.env missing/ }],
    ['workflow', 'a service missing from the matrix', (p) => editYaml(p, WORKFLOW_FILE, (doc) => doc.deleteIn(['jobs', 'services', 'strategy', 'matrix', 'include', 0])), { service: 'users', message: /users not in jobs.services.strategy.matrix.include/ }],
    ['workflow', 'a matrix entry naming no service', (p) => editYaml(p, WORKFLOW_FILE, (doc) => doc.addIn(['jobs', 'services', 'strategy', 'matrix', 'include'], { service: 'ghost', database: 'x' })), { service: 'ghost', message: /ghost in the matrix, but not a service/ }],
    ['kubernetes', 'a service folder of the Kubernetes base deleted', (p) => fs.rmSync(path.join(p.root, 'deploy/k8s/base/users'), { recursive: true }), { service: 'users', message: /deploy\/k8s\/base\/users: folder missing/ }],
    ['kubernetes', 'a service left out of the base kustomization', (p) => editYaml(p, 'deploy/k8s/base/kustomization.yaml', (doc) => doc.set('resources', ['ingress.yaml', ...p.manifest.services.filter((s) => s.name !== 'users').map((s) => s.name)])), { service: 'users', message: /users not in resources/ }],
    ['kubernetes', 'the base kustomization not YAML', (p) => edit(p, 'deploy/k8s/base/kustomization.yaml', () => 'resources: [\n'), { message: /not valid YAML/ }],
    ['workflow', 'the workflow without its matrix', (p) => editYaml(p, WORKFLOW_FILE, (doc) => doc.deleteIn(['jobs', 'services', 'strategy'])), { message: /has no jobs.services.strategy.matrix.include list/ }],
  ];
  for (const db of SERVER_DBS) {
    drifts.push([
      'compose',
      `the ${db} container of a service removed from compose`,
      (p) => editYaml(p, 'docker-compose.yml', (doc) => doc.deleteIn(['services', `${p.manifest.services.find((s) => s.db === db)!.name}-db`])),
      { message: new RegExp(`no "\\w+-db" service`) },
    ]);
    drifts.push([
      'workflow',
      `the ${db} container removed from the root job`,
      (p) => editYaml(p, WORKFLOW_FILE, (doc) => doc.deleteIn(['jobs', 'root', 'services', db])),
      { message: new RegExp(`jobs.root.services has no ${databaseEngine(db).label} container`) },
    ]);
    drifts.push([
      'env',
      `the database password of a ${db} service missing from the root .env`,
      (p) => edit(p, '.env', (text) => text.replace(new RegExp(`^${p.manifest.services.find((s) => s.db === db)!.envPrefix}DB_PASSWORD=.*\\n`, 'm'), '')),
      { message: /^\.env: \w+_DB_PASSWORD missing/ },
    ]);
  }
  it.each(drifts)('%s: %s', async (id, _, inject, expected) => {
    const project = fixture();
    inject(project);
    const found = problems(await run(LAYOUT_CHECKS, id, project));
    expect(found).toHaveLength(1);
    expect(found[0]!.message).toMatch(expected.message);
    if (expected.service) expect(found[0]!.service).toBe(expected.service);
    expect(found[0]!.fix).toBeTruthy();
  });

  it('a workflow the user deleted is skipped, not a problem', async () => {
    const project = fixture('users');
    fs.rmSync(path.join(project.root, WORKFLOW_FILE));
    expect(await run(LAYOUT_CHECKS, 'workflow', project)).toEqual([expect.objectContaining({ status: 'skipped' })]);
  });
});

describe('serviceDatabase reads the DATABASE_URL of the service .env', () => {
  const project = fixture();
  it.each(DATABASES.map((db) => [db]))('%s', (db: Database) => {
    const service = project.manifest.services.find((one) => one.db === db)!;
    const found = serviceDatabase(project.root, service);
    if (hasServer(db)) expect(found).toMatchObject({ host: '127.0.0.1', port: service.dbPort });
    else expect(found).toMatchObject({ file: `./${service.module}.db` });
  });

  it('names a URL of another engine than the manifest says', () => {
    const [first, second] = project.manifest.services;
    edit(project, `services/${first!.name}/.env`, (text) =>
      text.replace(new RegExp(`^${first!.envPrefix}DATABASE_URL=.*$`, 'm'), `${first!.envPrefix}DATABASE_URL=${databaseEngine(second!.db).scheme}://x@h:1/d`),
    );
    expect(serviceDatabase(project.root, first!)).toEqual({ problem: expect.stringMatching(/is not a \w+ URL/) });
  });
});

/** A TCP server on a free port of 127.0.0.1, and its port. */
async function listen(handler?: http.RequestListener): Promise<{ port: number; close: () => Promise<void> }> {
  const server = handler ? http.createServer(handler) : net.createServer((socket) => socket.end());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return { port, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** Point a service at `port`: its PORT in .env, or its database URL's port. */
const setEnv = (project: DoctorProject, name: string, key: string, value: string) =>
  edit(project, `services/${name}/.env`, (text) => text.replace(new RegExp(`^${key}=.*$`, 'm'), `${key}=${value}`));

describe('runtime checks', () => {
  it.each(SERVER_DBS.map((db) => [db]))('%s: a server that answers is reachable; none is a problem naming the container to start', async (db) => {
    const project = fixture(`users@${db}`);
    const service = project.manifest.services[0]!;
    const server = await listen();
    const url = serviceDatabase(project.root, service) as { url: string };
    setEnv(project, 'users', `${service.envPrefix}DATABASE_URL`, url.url.replace(/:\d+\//, `:${server.port}/`));
    expect(problems(await run(RUNTIME_CHECKS, 'database', project))).toEqual([]);
    await server.close();
    const [found] = problems(await run(RUNTIME_CHECKS, 'database', project));
    expect(found).toMatchObject({ service: 'users', message: expect.stringMatching(new RegExp(`unreachable on 127.0.0.1:${server.port}`)) });
    expect(found!.fix).toMatch(/docker compose up -d --wait users-db/);
  });

  it.each(EMBEDDED_DBS.map((db) => [db]))('%s: a database folder that is not there is a problem', async (db) => {
    const project = fixture(`users@${db}`);
    expect(problems(await run(RUNTIME_CHECKS, 'database', project))).toEqual([]);
    const key = `${project.manifest.services[0]!.envPrefix}DATABASE_URL`;
    setEnv(project, 'users', key, `${databaseEngine(db).scheme}:///./nowhere/users.db`);
    expect(problems(await run(RUNTIME_CHECKS, 'database', project))).toEqual([expect.objectContaining({ message: expect.stringMatching(/nowhere missing or not writable/) })]);
  });

  it('a port is free, held by the service itself, or held by another program (a problem)', async () => {
    const project = fixture('users');
    const portOf = async () => (await run(RUNTIME_CHECKS, 'port', project))[0]!;
    const free = await listen();
    await free.close();
    setEnv(project, 'users', 'USERS_PORT', String(free.port));
    expect(await portOf()).toMatchObject({ status: 'ok', message: expect.stringMatching(/free/) });
    const itself = await listen((_, response) => response.end(JSON.stringify({ service: 'users', status: 'ok' })));
    setEnv(project, 'users', 'USERS_PORT', String(itself.port));
    expect(await portOf()).toMatchObject({ status: 'ok', message: expect.stringMatching(/in use by users itself/) });
    await itself.close();
    const other = await listen((_, response) => response.end(JSON.stringify({ service: 'someone-else' })));
    setEnv(project, 'users', 'USERS_PORT', String(other.port));
    expect(await portOf()).toMatchObject({ status: 'problem', message: expect.stringMatching(new RegExp(`port ${other.port} of users in use by another program`)) });
    await other.close();
  });
});

/** Executable scripts in a folder: `name -> shell body`. */
function scripts(dir: string, bodies: Record<string, string>): void {
  fs.mkdirSync(dir, { recursive: true });
  for (const [name, body] of Object.entries(bodies)) fs.writeFileSync(path.join(dir, name), `#!/bin/sh\n${body}\n`, { mode: 0o755 });
}

describe('environment checks (faked tools)', () => {
  const savedPath = process.env.PATH;
  let bin: string;
  beforeEach(() => {
    bin = fs.mkdtempSync(path.join(os.tmpdir(), 'clb-doctor-bin-'));
    temp.push(bin);
  });
  afterEach(() => {
    process.env.PATH = savedPath;
  });

  it('tools: each missing or too old tool is a problem; the others are listed with their version', async () => {
    scripts(bin, { uv: 'echo "uv 0.9.1"', python3: 'echo "Python 3.10.4"', git: 'echo "git version 2.40.0"' });
    process.env.PATH = bin;
    const results = await TOOLS_CHECK.run(fixture('users'));
    expect(problems(results).map((result) => result.message)).toEqual(['make not found on PATH', 'python3 is 3.10.4; the services need 3.11 or newer']);
    expect(results).toContainEqual(expect.objectContaining({ status: 'ok', message: 'uv 0.9.1' }));
    expect(results).toContainEqual(expect.objectContaining({ status: 'skipped', message: expect.stringMatching(/docker not found/) }));
  });

  it('environment: a missing .venv is a problem naming the make target', async () => {
    const project = fixture('users');
    const results = problems(await run(ENVIRONMENT_CHECKS, 'environment', project));
    expect(results.map((result) => `${result.message} — ${result.fix}`)).toEqual([
      'root environment missing — run `make install` (or `make install-root`)',
      'services/users: environment missing — run `make install` (or `make install-service-users`)',
    ]);
  });

  it.each([
    ['uv', 0, 'ok', /in sync/],
    ['uv', 1, 'problem', /out of sync with its pyproject\/uv.lock \(The environment is outdated\)/],
    ['pip', 0, 'ok', /in sync/],
    ['pip', 1, 'problem', /out of sync with its pyproject \(six is not installed\)/],
  ] as const)('environment with %s, comparison exit %i: %s', async (manager, failing, status, message) => {
    const project = fixture('users', manager);
    for (const dir of ['.', 'services/users']) {
      scripts(path.join(project.root, dir, '.venv/bin'), { python: failing ? 'echo "six is not installed"' : 'exit 0' });
    }
    scripts(bin, { uv: failing ? 'echo "error: The environment is outdated" >&2; exit 1' : 'exit 0' });
    process.env.PATH = `${bin}:${savedPath}`;
    const results = await run(ENVIRONMENT_CHECKS, 'environment', project);
    expect(results).toHaveLength(2);
    for (const result of results) expect(result).toMatchObject({ status, message: expect.stringMatching(message) });
  });

  it.each([
    ['exit 0', 'ok', /migrations at head/],
    ['echo "FAILED: Target database is not up to date." >&2; exit 255', 'problem', /migrations pending/],
    ["echo \"FAILED: New upgrade operations detected: [('add_column', ...)]\" >&2; exit 255", 'problem', /models changed without a migration/],
    ['echo "something else broke" >&2; exit 1', 'problem', /alembic check failed: something else broke/],
  ] as const)('migrations: alembic check doing `%s` is %s', async (body, status, message) => {
    const db = EMBEDDED_DBS[0]!;
    const project = fixture(`users@${db}`);
    scripts(path.join(project.root, 'services/users/.venv/bin'), { alembic: body });
    fs.writeFileSync(path.join(project.root, 'services/users/users.db'), '');
    expect(await run(ENVIRONMENT_CHECKS, 'migrations', project)).toEqual([expect.objectContaining({ status, message: expect.stringMatching(message) })]);
  });

  it('migrations are not checked (skipped, with why) without an environment, a database file, or a reachable server', async () => {
    const project = fixture(SERVICES);
    const skippedWhy = async () => (await run(ENVIRONMENT_CHECKS, 'migrations', project)).map((result) => [result.status, result.message.replace(/^services\/\w+: /, '')]);
    expect(new Set((await skippedWhy()).map(String))).toEqual(new Set(['skipped,not checked (environment not installed)']));
    // An alembic that would fail if run: none of these cases may run it (connecting would create a SQLite file).
    for (const service of project.manifest.services) scripts(path.join(project.root, `services/${service.name}/.venv/bin`), { alembic: 'exit 9' });
    const closed = await listen();
    await closed.close();
    for (const service of project.manifest.services.filter((one) => hasServer(one.db))) {
      const url = (serviceDatabase(project.root, service) as { url: string }).url;
      setEnv(project, service.name, `${service.envPrefix}DATABASE_URL`, url.replace(/:\d+\//, `:${closed.port}/`));
    }
    const reasons = (await skippedWhy()).map(([status, message]) => `${status}: ${message}`);
    expect(reasons).toHaveLength(DATABASES.length);
    for (const reason of reasons) expect(reason).toMatch(/^skipped: (database not created yet|not checked \(database unreachable\))/);
    expect(fs.existsSync(path.join(project.root, 'services/users/users.db'))).toBe(false);
  });
});

describe('doctorReport', () => {
  it('a manifest that is not valid is the one problem reported', async () => {
    const project = fixture('users');
    fs.writeFileSync(path.join(project.root, MANIFEST_FILE), '{"generator": 1}');
    const report = await doctorReport(project.root, TEST_VERSION);
    expect(report.ok).toBe(false);
    expect(report.checks).toEqual([expect.objectContaining({ id: 'manifest', status: 'problem', message: expect.stringMatching(/not a valid manifest/) })]);
  });

  it('a lock held by a live run is reported as a run in progress; a stale one is not', async () => {
    const project = fixture('users');
    fs.writeFileSync(path.join(project.root, LOCK_FILE), JSON.stringify({ pid: process.pid, hostname: os.hostname() }));
    const live = await doctorReport(project.root, TEST_VERSION);
    expect(live.checks[0]).toMatchObject({ id: 'lock', status: 'problem', message: expect.stringMatching(/run is in progress \(pid \d+\)/) });
    const dead = Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString());
    fs.writeFileSync(path.join(project.root, LOCK_FILE), JSON.stringify({ pid: dead, hostname: os.hostname() }));
    expect((await doctorReport(project.root, TEST_VERSION)).checks.some((result) => result.id === 'lock')).toBe(false);
    fs.writeFileSync(path.join(project.root, LOCK_FILE), JSON.stringify({ pid: dead, hostname: `not-${os.hostname()}` }));
    expect((await doctorReport(project.root, TEST_VERSION)).checks[0]).toMatchObject({ id: 'lock', message: expect.stringMatching(/in progress/) });
  });

  it('a journal left by an interrupted change (and no live run) is reported, and so is one that is not valid', async () => {
    const project = fixture('users');
    const journal = { command: 'add-service', staging: `${STAGING_PREFIX}1`, steps: [] };
    fs.writeFileSync(path.join(project.root, JOURNAL_FILE), JSON.stringify(journal));
    const report = await doctorReport(project.root, TEST_VERSION);
    expect(report.checks[0]).toMatchObject({ id: 'lock', status: 'problem', message: expect.stringMatching(/interrupted add-service left the project half-changed/) });
    fs.writeFileSync(path.join(project.root, JOURNAL_FILE), '{');
    expect((await doctorReport(project.root, TEST_VERSION)).checks[0]).toMatchObject({ id: 'lock', status: 'problem', message: expect.stringMatching(/not a valid journal/) });
    expect(fs.readFileSync(path.join(project.root, JOURNAL_FILE), 'utf8')).toBe('{');
  });
});
