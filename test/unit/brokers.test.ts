/**
 * The broker of a project, in every consumer: the flag and the manifest, the service's
 * files and dependencies, compose (checked by docker-compose itself), the CI workflow,
 * the Kubernetes secrets, and add-service, which follows the manifest. One table over
 * every broker of src/brokers.ts, `none` included: nothing of the events without one.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { BROKER_HOST, brokerSpec, BROKERS, DEFAULT_BROKER, TEST_BROKER_URL_VARIABLE, type Broker } from '../../src/brokers.js';
import { planAddService } from '../../src/commands/add-service.js';
import { buildManifest, manifestBroker, manifestProblems, readManifest } from '../../src/manifest.js';
import { reproduceCommand, resolveFromFlags } from '../../src/options.js';
import { serviceRecords } from '../../src/context.js';
import { serviceNameProblem } from '../../src/naming.js';
import { planFor, TEST_VERSION } from '../helpers/plan.js';
import { toolAvailable } from '../helpers/tools.js';

const flags = { install: true, test: true, git: true };
const SERVICES = 'users,orders@postgres';

const writePlan = (root: string, files: Map<string, string>) => {
  for (const [file, text] of files) {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), text);
  }
};

describe.each(BROKERS)('the broker %s, in every consumer', (broker: Broker) => {
  const spec = brokerSpec(broker);
  const server = spec.server;
  const plan = planFor('shop', { services: SERVICES, broker });
  const compose = parse(plan.get('docker-compose.yml')!) as { services: Record<string, any>; volumes: Record<string, null> };
  const workflow = parse(plan.get('.github/workflows/ci.yml')!) as { env: Record<string, string>; jobs: Record<string, any> };

  it('is recorded in the manifest, which accepts it, and in the command that reproduces the answers', () => {
    const manifest = JSON.parse(plan.get('.layered-backend.json')!);
    expect(manifest.broker).toBe(broker);
    expect(manifestProblems(manifest)).toEqual([]);
    const answers = resolveFromFlags('shop', { ...flags, broker }, { cwd: '/tmp', uvAvailable: true });
    expect(reproduceCommand(answers).includes(`--broker ${broker}`)).toBe(broker !== DEFAULT_BROKER);
  });

  it.each(['users', 'orders'])('gives %s FastStream with its extra, the events layer and its settings, or none of it', (name) => {
    const pyproject = plan.get(`services/${name}/pyproject.toml`)!;
    const files = [...plan.keys()].filter((file) => file.startsWith(`services/${name}/`));
    const has = (file: string) => files.includes(`services/${name}/${file}`);
    if (!server) {
      expect(pyproject).not.toContain('faststream');
      expect(files.some((file) => file.includes('/messaging/'))).toBe(false);
      expect(has('migrations/versions/0002_create_outbox_and_inbox.py')).toBe(false);
      expect(plan.get(`services/${name}/.env.example`)).not.toContain('BROKER_URL');
      return;
    }
    expect(pyproject).toMatch(new RegExp(`"faststream\\[${spec.faststreamExtra}\\]==\\d+\\.\\d+\\.\\d+"`));
    expect(pyproject).toContain('name = "Only app.messaging talks to the broker"');
    for (const file of ['app/messaging/broker.py', 'app/messaging/relay.py', 'app/services/peer_events.py', 'migrations/versions/0002_create_outbox_and_inbox.py']) {
      expect(has(file), file).toBe(true);
    }
    expect(plan.get(`services/${name}/app/messaging/broker.py`)).toContain(`${spec.label}`);
    const prefix = name.toUpperCase();
    expect(plan.get(`services/${name}/.env.example`)).toContain(`${prefix}_BROKER_URL=${server.url}\n`);
    expect(plan.get(`services/${name}/.env`)).toContain(`${prefix}_BROKER_URL=${server.url}\n`);
    // Each service subscribes to the other's events.
    const other = name === 'users' ? 'orders' : 'users';
    expect(plan.get(`services/${name}/app/messaging/subscriptions.py`)).toContain(`"${other}": PeerEventsService.on_${other}_event`);
  });

  it('has its container in compose, healthy before any service starts, and its URL in each service', () => {
    if (!server) {
      expect(Object.keys(compose.services)).not.toContain(BROKER_HOST);
      expect(JSON.stringify(compose)).not.toContain('BROKER_URL');
      return;
    }
    const container = compose.services[BROKER_HOST];
    expect(container.image).toBe(server.compose.image);
    expect(container.image).toMatch(/:\d+(-\w+)?$/);
    expect(container.healthcheck.test).toEqual(server.compose.healthcheck);
    expect(container.ports).toEqual([`127.0.0.1:${server.port}:${server.port}`]);
    expect(Object.keys(compose.volumes)).toContain(`${BROKER_HOST}-data`);
    for (const name of ['users', 'orders']) {
      expect(compose.services[name].depends_on[BROKER_HOST]).toEqual({ condition: 'service_healthy' });
      expect(compose.services[name].environment[`${name.toUpperCase()}_BROKER_URL`]).toBe(server.composeUrl(BROKER_HOST));
    }
  });

  it('writes a compose file docker-compose accepts', (context) => {
    if (!toolAvailable('docker-compose')) return context.skip();
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'clb-brokers-'));
    try {
      writePlan(root, plan);
      execFileSync('docker-compose', ['-f', 'docker-compose.yml', 'config', '-q'], { cwd: root, stdio: 'pipe' });
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it('starts it in CI for the end-to-end tests, which must not skip', () => {
    const steps = (workflow.jobs.root.steps as Array<{ name: string; run?: string }>).map((step) => step.name);
    if (!server) {
      expect(workflow.env).not.toHaveProperty('REQUIRE_BROKER');
      expect(workflow.env).not.toHaveProperty(TEST_BROKER_URL_VARIABLE);
      return;
    }
    expect(workflow.env.REQUIRE_BROKER).toBe('1');
    expect(workflow.env[TEST_BROKER_URL_VARIABLE]).toBe(server.ci.url);
    // Started before the end-to-end tests run.
    expect(steps.indexOf(`Start ${spec.label}`)).toBeGreaterThan(-1);
    expect(steps.indexOf(`Start ${spec.label}`)).toBeLessThan(steps.indexOf('End-to-end tests'));
  });

  it('has the end-to-end tests of the events only with a broker (no skipped tests without one)', () => {
    expect(plan.has('tests/test_events.py')).toBe(server !== undefined);
  });

  it('puts the broker URL in the Kubernetes secrets, never in the config map', () => {
    const secrets = [...plan].filter(([file]) => /deploy\/k8s\/overlays\/\w+\/secrets\/users\/\.env/.test(file));
    expect(secrets.length).toBeGreaterThan(0);
    for (const [, text] of secrets) expect(text.includes('USERS_BROKER_URL=')).toBe(server !== undefined);
    const configs = [...plan].filter(([file]) => file.startsWith('deploy/k8s/') && !file.includes('/secrets/'));
    for (const [file, text] of configs) expect(text, file).not.toContain('BROKER_URL');
  });
});

describe('manifests and the broker', () => {
  const answers = resolveFromFlags('shop', { ...flags, broker: 'nats' }, { cwd: '/tmp', uvAvailable: true });
  const manifest = buildManifest(answers, serviceRecords(answers), TEST_VERSION);

  it('reads a manifest written before brokers existed as none', () => {
    const { broker: _, ...old } = manifest;
    expect(manifestProblems(old)).toEqual([]);
    expect(manifestBroker(old as typeof manifest)).toBe(DEFAULT_BROKER);
  });

  it.each([['kafka'], [42], [null]])('refuses the broker %j', (value) => {
    expect(manifestProblems({ ...manifest, broker: value }).join('\n')).toMatch(/^broker: /m);
  });

  it('refuses service names that would clash with the broker container or its client library', () => {
    expect(serviceNameProblem(BROKER_HOST)).toMatch(/broker container/);
    expect(serviceNameProblem('faststream')).toMatch(/clashes with a folder or package/);
  });
});

describe.each(BROKERS)('add-service in a project on %s', (broker) => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'clb-broker-add-'));
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
  writePlan(root, planFor('grown', { services: 'users', broker }));
  const planned = planAddService(root, readManifest(root, TEST_VERSION), { name: 'billing', entity: 'invoice', db: 'sqlite', port: 8010 });
  const server = brokerSpec(broker).server;

  it('gives the new service the events of the project’s broker, and the old one a new peer to hear', () => {
    expect(planned.conflicts).toEqual([]);
    const created = planned.change.create;
    expect(created.has('services/billing/app/messaging/broker.py')).toBe(server !== undefined);
    if (server) expect(created.get('services/billing/app/messaging/subscriptions.py')).toContain('"users": PeerEventsService.on_users_event');
    const compose = parse(planned.change.modify.get('docker-compose.yml')!.after) as { services: Record<string, any> };
    expect(compose.services.billing.depends_on?.[BROKER_HOST] !== undefined).toBe(server !== undefined);
    expect(Object.keys(compose.services).filter((name) => name === BROKER_HOST)).toHaveLength(server ? 1 : 0);
  });
});
