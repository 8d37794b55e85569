/**
 * The auth choice (src/auth.ts) through every consumer: flags, answers, manifest, layers,
 * the identity service's keys (never in a committed file), compose, Kubernetes, add-service.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { AUTHS, authSpec, DEFAULT_AUTH, DEFAULT_IDENTITY_SERVICE, IDENTITY_ENTITY, identityServiceOf } from '../../src/auth.js';
import { planAddService } from '../../src/commands/add-service.js';
import { manifestAuth, manifestProblems, readManifest } from '../../src/manifest.js';
import { FIRST_PORT, reproduceCommand, resolveFromFlags, type CreateFlags } from '../../src/options.js';
import { UsageError } from '../../src/errors.js';
import { planFor, TEST_VERSION } from '../helpers/plan.js';

const JWT = AUTHS.find((auth) => authSpec(auth).issuesTokens)!;
const flags = (more: Partial<CreateFlags>) => ({ install: true, test: true, git: true, ...more });
const resolve = (more: Partial<CreateFlags>) => resolveFromFlags('shop', flags(more), { cwd: '/tmp', uvAvailable: true });

/** The private parts ("d") of every signing key a plan holds, and the files holding each. */
function privateKeyHolders(plan: Map<string, string>): Map<string, string[]> {
  const holders = new Map<string, string[]>();
  for (const [file, text] of plan) {
    for (const match of text.matchAll(/"d":"([A-Za-z0-9_-]{20,})"/g)) {
      holders.set(match[1]!, [...(holders.get(match[1]!) ?? []), file]);
    }
  }
  return holders;
}

describe('the answers', () => {
  it('default to no auth and no identity service', () => {
    const answers = resolve({ services: 'users,orders' });
    expect(answers.auth).toBe(DEFAULT_AUTH);
    expect(identityServiceOf(answers)).toBeUndefined();
    expect(answers.services.map((service) => service.name)).toEqual(['users', 'orders']);
  });

  it.each([
    [{}, DEFAULT_IDENTITY_SERVICE],
    [{ identityService: 'accounts' }, 'accounts'],
  ])('with tokens put the identity service first, on the project database (%o)', (more, name) => {
    const answers = resolve({ services: 'users,orders@postgres', auth: JWT, ...more });
    expect(answers.services[0]).toEqual({ name, entity: IDENTITY_ENTITY, db: answers.db });
    expect(answers.services.slice(1).map((service) => service.name)).toEqual(['users', 'orders']);
    expect(reproduceCommand(answers)).toContain(`--auth ${JWT}`);
    // The command reproduces the same answers.
    expect(reproduceCommand(answers)).not.toMatch(new RegExp(`--services [^ ]*\\b${name}\\b`));
  });

  it('keep a listed identity service where its database is given, and refuse another entity for it', () => {
    const answers = resolve({ services: 'users,identity@postgres', auth: JWT });
    expect(answers.services[0]).toEqual({ name: 'identity', entity: IDENTITY_ENTITY, db: 'postgres' });
    expect(reproduceCommand(answers)).toMatch(/--services identity(:user)?@postgres,users /);
    expect(() => resolve({ services: 'users,identity:account', auth: JWT })).toThrow(UsageError);
    expect(() => resolve({ services: 'identity', auth: JWT })).toThrow(/besides the identity service/);
    expect(() => resolve({ services: 'users', auth: JWT, identityService: 'app' })).toThrow(/--identity-service/);
  });
});

describe('the manifest', () => {
  const manifest = JSON.parse(planFor('shop', { services: 'users', auth: JWT }).get('.layered-backend.json')!);

  it('records the choice and the identity service, and a manifest without them reads as no auth', () => {
    expect(manifest).toMatchObject({ auth: JWT, identityService: DEFAULT_IDENTITY_SERVICE });
    expect(manifestProblems(manifest)).toEqual([]);
    const { auth: _, identityService: __, ...old } = manifest;
    expect(manifestProblems(old)).toEqual([]);
    expect(manifestAuth(old)).toEqual({ auth: DEFAULT_AUTH });
    expect(manifestAuth(manifest)).toEqual({ auth: JWT, identityService: DEFAULT_IDENTITY_SERVICE });
  });

  it.each([
    [{ auth: 'kerberos' }, /^auth: "kerberos" is not one of/],
    [{ identityService: 'ghost' }, /^identityService: "ghost" is not one of the services/],
    [{ identityService: 7 }, /^identityService: must be a string/],
    [{ auth: DEFAULT_AUTH }, /^identityService: set, but auth "\w+" has no identity service/],
  ])('refuses %o', (change, problem) => {
    expect(manifestProblems({ ...manifest, ...change })).toEqual([expect.stringMatching(problem)]);
  });
});

describe.each(AUTHS)('a project with auth %s', (auth) => {
  const plan = planFor('shop', { services: 'users,orders@postgres', auth });
  const identity = identityServiceOf({ auth });
  const compose = parse(plan.get('docker-compose.yml')!) as { services: Record<string, any> };

  it('has the identity service when the choice issues tokens, on the first port', () => {
    const manifest = JSON.parse(plan.get('.layered-backend.json')!);
    if (!identity) {
      expect(manifest.services.map((service: { name: string }) => service.name)).toEqual(['users', 'orders']);
      return;
    }
    expect(manifest.services[0]).toMatchObject({ name: identity, port: FIRST_PORT });
    expect(plan.has(`services/${identity}/app/services/auth.py`)).toBe(true);
    expect(plan.has(`services/${identity}/migrations/versions/0002_create_accounts_table.py`)).toBe(true);
    expect(plan.get('Makefile')).toContain('-include scripts/*.mk');
    expect(plan.get('scripts/identity.mk')).toContain(`cd services/${identity} && .venv/bin/python -m app.cmd.create_user`);
  });

  it('protects every service, with its dependencies and contracts, or none', () => {
    for (const name of ['users', 'orders']) {
      const pyproject = plan.get(`services/${name}/pyproject.toml`)!;
      for (const dependency of authSpec(auth).dependencies) expect(pyproject).toContain(`"${dependency}"`);
      expect(plan.has(`services/${name}/app/dependencies/auth.py`)).toBe(identity !== undefined);
      expect(plan.has(`services/${name}/tests/test_token_checks.py`)).toBe(identity !== undefined);
      for (const contract of authSpec(auth).importContracts) expect(pyproject).toContain(`name = "${contract.name}"`);
      expect(plan.get(`services/${name}/app/core/settings.py`)!.includes(`write_scope: str = "${name}:write"`)).toBe(identity !== undefined);
    }
  });

  it('keeps every private key in git-ignored .env files only, each key apart', () => {
    const holders = privateKeyHolders(plan);
    // On this machine, in its containers (the root .env, read by compose, and the dev secret).
    expect(holders.size).toBe(identity ? 2 : 0);
    for (const files of holders.values()) {
      for (const file of files) expect(path.basename(file)).toBe('.env');
    }
    const examples = [...plan.keys()].filter((file) => file.endsWith('.env.example'));
    for (const file of examples) expect(plan.get(file)).not.toMatch(/"d":/);
  });

  it('starts the identity service first in compose, with its keys from the root .env', () => {
    if (!identity) {
      expect(JSON.stringify(compose)).not.toContain('SIGNING_KEYS');
      return;
    }
    expect(compose.services[identity].environment.IDENTITY_SIGNING_KEYS).toMatch(/^\$\{IDENTITY_SIGNING_KEYS[:}]/);
    expect(compose.services[identity].depends_on).toBeUndefined();
    for (const name of ['users', 'orders']) expect(compose.services[name].depends_on[identity]).toEqual({ condition: 'service_healthy' });
    expect(plan.get('.env')).toMatch(/^IDENTITY_SIGNING_KEYS=\[\{"kid":/m);
    expect(plan.get('.env.example')).toMatch(/^IDENTITY_SIGNING_KEYS=\[\]$/m);
    expect(plan.get(`deploy/k8s/overlays/dev/secrets/${identity}/.env`)).toMatch(/^IDENTITY_SIGNING_KEYS=\[\{"kid":/m);
    expect(plan.get(`deploy/k8s/overlays/prod/secrets/${identity}/.env.example`)).toMatch(/^IDENTITY_SIGNING_KEYS=$/m);
  });
});

describe('add-service on a project with tokens', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'clb-auth-'));
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
  for (const [file, text] of planFor('shop', { services: 'users', auth: JWT })) {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), text);
  }

  it('adds a protected service that waits for the identity service, and keeps the choice', () => {
    const planned = planAddService(root, readManifest(root, TEST_VERSION), { name: 'billing', entity: 'invoice', db: 'sqlite', port: 8010 });
    expect(planned.conflicts).toEqual([]);
    expect(planned.change.create.has('services/billing/app/dependencies/auth.py')).toBe(true);
    expect(planned.change.create.get('services/billing/app/core/settings.py')).toContain('write_scope: str = "billing:write"');
    expect(planned.change.create.has('services/billing/app/services/auth.py')).toBe(false);
    expect(privateKeyHolders(planned.change.create).size).toBe(0);
    const compose = parse(planned.change.modify.get('docker-compose.yml')!.after) as { services: Record<string, any> };
    expect(compose.services.billing.depends_on).toEqual({ [DEFAULT_IDENTITY_SERVICE]: { condition: 'service_healthy' } });
    expect(planned.manifest).toMatchObject({ auth: JWT, identityService: DEFAULT_IDENTITY_SERVICE });
  });
});
