/**
 * The Kubernetes manifests of generated projects, read as objects: what every service's
 * Deployment, NetworkPolicy, autoscaling and secrets must be, for both frameworks and every
 * mix of databases; and add-service's edits, which must give what `create` would have.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { planAddService } from '../../src/commands/add-service.js';
import { planProject } from '../../src/commands/create.js';
import { projectContext, serviceRecords, type ServiceContext } from '../../src/context.js';
import { K8S_BASE, K8S_DIR, k8sName, newServiceFiles, renderK8sFiles, singleReplicaNotice } from '../../src/k8s.js';
import { addPeerToNetworkPolicy, k8sEdits } from '../../src/k8s-edits.js';
import { resolveFromFlags } from '../../src/options.js';
import { readManifest } from '../../src/manifest.js';
import type { Plan } from '../../src/render/plan.js';
import { repoRoot } from '../helpers/cli.js';
import { TEST_VERSION } from '../helpers/plan.js';

type Obj = Record<string, any>;

/** The uid of the user the service image runs as, read from the Dockerfile template itself. */
const IMAGE_UID = Number(/useradd [^\n]*--uid (\d+)/.exec(fs.readFileSync(path.join(repoRoot, 'templates/service/base/Dockerfile.hbs'), 'utf8'))![1]);

const answersFor = (services: string, framework: 'fastapi' | 'litestar') =>
  resolveFromFlags('shop', { services, framework, install: true, test: true, git: true }, { cwd: '/tmp', uvAvailable: true });

const PROJECTS = [
  ['users@sqlite,orders@postgres,pay_gw:payment@mysql', 'fastapi'],
  ['users@sqlite,orders@postgres,pay_gw:payment@mysql', 'litestar'],
  ['users@postgres,orders@postgres', 'litestar'],
  ['notes@sqlite', 'fastapi'],
  ['stock@mysql', 'litestar'],
] as const;

/** Every object of every YAML file under deploy/k8s, with the file it came from. */
function objectsOf(plan: Plan): Array<{ file: string; object: Obj }> {
  return [...plan]
    .filter(([file]) => file.startsWith(K8S_DIR) && file.endsWith('.yaml'))
    .flatMap(([file, text]) => parseAllDocuments(text).map((doc) => ({ file, object: doc.toJS() as Obj })));
}

const dotenv = (text: string): Array<[string, string]> =>
  text
    .split('\n')
    .filter((line) => /^\w+=/.test(line))
    .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]);

/** A service's object of a kind from its base folder. */
function baseObject(plan: Plan, service: ServiceContext, file: string): Obj {
  const text = plan.get(`${K8S_BASE}/${k8sName(service.name)}/${file}`);
  expect(text, `${file} of ${service.name}`).toBeDefined();
  return parse(text!) as Obj;
}

describe.each(PROJECTS)('deploy/k8s of --services %s --framework %s', (services, framework) => {
  const answers = answersFor(services, framework);
  const context = projectContext(answers, TEST_VERSION);
  const plan = planProject(answers, TEST_VERSION);

  describe.each(context.services.map((service) => [service.name, service] as const))('service %s', (_, service) => {
    const deployment = baseObject(plan, service, 'deployment.yaml');
    const pod = deployment.spec.template.spec;
    const kustomization = baseObject(plan, service, 'kustomization.yaml');

    it('probes liveness on /health, readiness on /health/ready, and has a startup probe', () => {
      const [api] = pod.containers;
      expect(api.livenessProbe.httpGet).toEqual({ path: '/health', port: 'http' });
      expect(api.readinessProbe.httpGet).toEqual({ path: '/health/ready', port: 'http' });
      expect(api.startupProbe.httpGet.path).toBe('/health');
      expect(api.startupProbe.failureThreshold * api.startupProbe.periodSeconds).toBeGreaterThanOrEqual(30);
      expect(api.ports).toEqual([{ name: 'http', containerPort: 8000 }]);
    });

    it('gives every container CPU and memory requests and limits', () => {
      for (const container of [...pod.initContainers, ...pod.containers]) {
        for (const kind of ['requests', 'limits']) expect(Object.keys(container.resources[kind]).sort(), `${container.name} ${kind}`).toEqual(['cpu', 'memory']);
      }
    });

    it("runs as the image's unprivileged user, read-only, without privileges", () => {
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: IMAGE_UID, seccompProfile: { type: 'RuntimeDefault' } });
      expect(pod.automountServiceAccountToken).toBe(false);
      for (const container of [...pod.initContainers, ...pod.containers]) {
        expect(container.securityContext, container.name).toEqual(
          expect.objectContaining({
            runAsNonRoot: true,
            runAsUser: IMAGE_UID,
            readOnlyRootFilesystem: true,
            allowPrivilegeEscalation: false,
            capabilities: { drop: ['ALL'] },
            seccompProfile: { type: 'RuntimeDefault' },
          }),
        );
        const tmp = container.volumeMounts.find((mount: Obj) => mount.mountPath === '/tmp');
        expect(pod.volumes.find((volume: Obj) => volume.name === tmp?.name)?.emptyDir, `${container.name} /tmp`).toEqual({});
      }
    });

    it('migrates in an init container and serves without migrating, with Prometheus annotations', () => {
      expect(pod.initContainers.map((container: Obj) => container.command)).toEqual([['alembic', 'upgrade', 'head']]);
      expect(pod.containers[0].command).toEqual(['python', '-m', 'app.cmd.api.main']);
      expect(deployment.spec.template.metadata.annotations).toEqual({
        'prometheus.io/scrape': 'true',
        'prometheus.io/path': '/metrics',
        'prometheus.io/port': '8000',
      });
    });

    it('scales out on a database server, and stays one replica on SQLite', () => {
      const resources: string[] = kustomization.resources;
      if (service.db === 'sqlite') {
        expect(deployment.spec.replicas).toBe(1);
        expect(deployment.spec.strategy).toEqual({ type: 'Recreate' });
        expect(resources).toContain('pvc.yaml');
        expect(resources).not.toContain('hpa.yaml');
        expect(plan.has(`${K8S_BASE}/${k8sName(service.name)}/hpa.yaml`)).toBe(false);
        const claim = baseObject(plan, service, 'pvc.yaml');
        const volume = pod.volumes.find((entry: Obj) => entry.persistentVolumeClaim?.claimName === claim.metadata.name);
        expect(pod.containers[0].volumeMounts).toContainEqual({ name: volume.name, mountPath: '/data' });
        expect(baseObject(plan, service, 'pdb.yaml').spec).toMatchObject({ maxUnavailable: 1 });
      } else {
        // The autoscaler owns the replicas: a fixed count would fight it on every apply.
        expect(deployment.spec.replicas).toBeUndefined();
        expect(deployment.spec.strategy.type).toBe('RollingUpdate');
        expect(resources).toContain('hpa.yaml');
        expect(resources).not.toContain('pvc.yaml');
        const hpa = baseObject(plan, service, 'hpa.yaml');
        expect(hpa.apiVersion).toBe('autoscaling/v2');
        expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: deployment.metadata.name });
        expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(2);
        expect(baseObject(plan, service, 'pdb.yaml').spec).toMatchObject({ minAvailable: 1 });
      }
      for (const file of resources) expect(plan.has(`${K8S_BASE}/${k8sName(service.name)}/${file}`), file).toBe(true);
    });

    it('admits only its peers and the ingress controller, and reaches only DNS, its peers and its database', () => {
      const policy = baseObject(plan, service, 'networkpolicy.yaml');
      const peers = service.peers.map((peer) => k8sName(peer.name)).sort();
      const names = (entries: Obj[] = []) => entries.map((entry) => entry.podSelector?.matchLabels?.['app.kubernetes.io/name']).filter(Boolean).sort();
      const from = policy.spec.ingress.flatMap((rule: Obj) => rule.from);
      const to = policy.spec.egress.flatMap((rule: Obj) => rule.to ?? []);
      expect(policy.spec.podSelector.matchLabels).toEqual(deployment.spec.selector.matchLabels);
      expect(names(from)).toEqual(peers);
      expect(names(to.filter((entry: Obj) => !entry.namespaceSelector))).toEqual(peers);
      expect(from.filter((entry: Obj) => entry.namespaceSelector).map((entry: Obj) => entry.namespaceSelector.matchLabels)).toEqual([
        { 'kubernetes.io/metadata.name': 'ingress-nginx' },
      ]);
      // Every egress rule names its ports: none opens everything.
      for (const rule of policy.spec.egress) expect(rule.ports?.length, JSON.stringify(rule)).toBeGreaterThan(0);
      const ports = policy.spec.egress.flatMap((rule: Obj) => rule.ports.map((port: Obj) => port.port)).sort();
      const databasePort = service.database.server?.containerPort;
      expect(ports).toEqual([53, 53, ...(databasePort ? [databasePort] : []), ...(peers.length > 0 ? [8000] : [])].sort());
    });

    it('keeps plain settings in its ConfigMap and secrets out of it', () => {
      const config = Object.fromEntries(dotenv(plan.get(`${K8S_BASE}/${k8sName(service.name)}/config.env`)!));
      expect(kustomization.configMapGenerator).toEqual([{ name: `${k8sName(service.name)}-config`, envs: ['config.env'] }]);
      expect(config[`${service.envPrefix}SECRET_KEY`]).toBeUndefined();
      expect(config[`${service.envPrefix}DATABASE_URL`]).toBe(service.db === 'sqlite' ? `sqlite+aiosqlite:////data/${service.module}.db` : undefined);
      expect(JSON.parse(config[`${service.envPrefix}PEERS`]!)).toEqual(Object.fromEntries(service.peers.map((peer) => [peer.name, `http://${k8sName(peer.name)}:8000`])));
    });
  });

  it('holds no Secret, literal or placeholder, in any committed file', () => {
    const objects = objectsOf(plan);
    expect(objects.filter(({ object }) => object.kind === 'Secret')).toEqual([]);
    const generators = objects.flatMap(({ object }) => object.secretGenerator ?? []);
    expect(generators.length).toBeGreaterThanOrEqual(context.services.length * 2);
    for (const generator of generators) {
      expect(Object.keys(generator).sort(), generator.name).toEqual(['envs', 'name']);
      // Each reads a `.env`, which the project's .gitignore keeps out of git.
      for (const file of generator.envs) expect(path.posix.basename(file)).toBe('.env');
    }
    expect(plan.get('.gitignore')!.split('\n')).toContain('.env');
    for (const [file, text] of plan) {
      if (!file.startsWith(K8S_DIR) || !file.endsWith('.env.example')) continue;
      const lines = dotenv(text);
      expect(lines.length, file).toBeGreaterThan(0);
      expect(lines.filter(([, value]) => value !== ''), file).toEqual([]);
    }
  });

  it('generates the dev secrets with random values, matching the dev database', () => {
    for (const service of context.services) {
      const secrets = Object.fromEntries(dotenv(plan.get(`${K8S_DIR}/overlays/dev/secrets/${k8sName(service.name)}/.env`)!));
      expect(secrets[`${service.envPrefix}SECRET_KEY`]).toMatch(/^[0-9a-f]{64}$/);
      const server = service.database.server;
      if (!server) continue;
      const url = new URL(secrets[`${service.envPrefix}DATABASE_URL`]!);
      expect(url.hostname).toBe(`${k8sName(service.name)}-db`);
      const database = Object.fromEntries(dotenv(plan.get(`${K8S_DIR}/overlays/dev/secrets/${k8sName(service.name)}-db/.env`)!));
      expect(decodeURIComponent(url.password)).toBe(database[service.db === 'postgres' ? 'POSTGRES_PASSWORD' : 'MYSQL_PASSWORD']);
      expect(url.password.length).toBeGreaterThanOrEqual(16);
    }
  });

  it('runs each database of the dev overlay as one replica with a volume, on the image of docker-compose.yml', () => {
    const compose = parse(plan.get('docker-compose.yml')!) as Obj;
    const statefulSets = objectsOf(plan).filter(({ object }) => object.kind === 'StatefulSet');
    const servers = context.services.filter((service) => service.database.server);
    expect(statefulSets.map(({ object }) => object.metadata.name).sort()).toEqual(servers.map((service) => `${k8sName(service.name)}-db`).sort());
    for (const service of servers) {
      const { object } = statefulSets.find(({ object }) => object.metadata.name === `${k8sName(service.name)}-db`)!;
      expect(object.spec.replicas).toBe(1);
      expect(object.spec.volumeClaimTemplates).toHaveLength(1);
      expect(object.spec.template.spec.containers[0].image).toBe(compose.services[service.database.server!.host].image);
    }
    expect(statefulSets.every(({ file }) => file.startsWith(`${K8S_DIR}/overlays/dev/`))).toBe(true);
  });

  it('routes /api/v1/<resource> of every service on one host', () => {
    const ingress = parse(plan.get(`${K8S_BASE}/ingress.yaml`)!) as Obj;
    expect(ingress.spec.rules).toHaveLength(1);
    expect(ingress.spec.rules[0].http.paths.map((entry: Obj) => [entry.path, entry.backend.service.name])).toEqual(
      context.services.map((service) => [`/api/v1/${service.entity.routePath}`, k8sName(service.name)]),
    );
  });

  it('tags images as `make images` does, in every overlay', () => {
    const makefile = plan.get('Makefile')!;
    const tag = /^IMAGE_TAG \?= (\S+)$/m.exec(makefile)![1];
    expect(makefile).toContain(`-t shop-$*:$(IMAGE_TAG) .`);
    for (const overlay of ['dev', 'prod']) {
      const kustomization = parse(plan.get(`${K8S_DIR}/overlays/${overlay}/kustomization.yaml`)!) as Obj;
      expect(kustomization.images).toEqual(context.services.map((service) => ({ name: `shop-${service.name}`, newTag: tag })));
      expect(kustomization.resources[0]).toBe('../../base');
    }
    const deployments = objectsOf(plan).filter(({ object }) => object.kind === 'Deployment');
    const compose = parse(plan.get('docker-compose.yml')!) as Obj;
    expect(deployments.map(({ object }) => object.spec.template.spec.containers[0].image)).toEqual(
      context.services.map((service) => compose.services[service.name].image),
    );
  });

  it('lists every service in the base', () => {
    const base = parse(plan.get(`${K8S_BASE}/kustomization.yaml`)!) as Obj;
    expect(base.resources).toEqual(['ingress.yaml', ...context.services.map((service) => k8sName(service.name))]);
  });
});

/** The YAML and config files of deploy/k8s, parsed: the dev secrets' random values left out. */
function k8sFiles(files: Map<string, string>): Record<string, unknown> {
  return Object.fromEntries(
    [...files]
      .filter(([file]) => file.startsWith(K8S_DIR) && !file.endsWith('/.env'))
      .map(([file, text]) => [file, file.endsWith('.yaml') ? parseAllDocuments(text).map((doc) => doc.toJS()) : text]),
  );
}

describe('add-service edits of deploy/k8s', () => {
  // The table: every order of databases for the added service, onto projects of one or more.
  const cases = [
    ['notes@sqlite', 'orders@postgres'],
    ['notes@postgres', 'pay_gw@mysql'],
    ['users@mysql,orders@sqlite', 'pay_gw@sqlite'],
    ['users@sqlite,orders@postgres,stock@mysql', 'billing-api:invoice@postgres'],
  ] as const;

  it.each(cases)('on --services %s, adding %s gives what create would have', (existing, added) => {
    const full = projectContext(answersFor(`${existing},${added}`, 'fastapi'), TEST_VERSION);
    const before = projectContext(answersFor(existing, 'fastapi'), TEST_VERSION);
    const service = full.services.at(-1)!;
    const files = renderK8sFiles(before);
    for (const [file, text] of newServiceFiles(service)) {
      expect(files.has(file), file).toBe(false);
      files.set(file, text);
    }
    for (const { file, edit } of k8sEdits(service)) {
      const result = edit(files.get(file)!);
      if (!result.ok) throw new Error(`${file}: ${result.reason}`);
      files.set(file, result.text);
    }
    expect(k8sFiles(files)).toEqual(k8sFiles(renderK8sFiles(full)));
    expect(serviceRecords(answersFor(`${existing},${added}`, 'fastapi')).at(-1)!.name).toBe(service.name);
  });

  it('keeps hand edits, and adds nothing twice', () => {
    const context = projectContext(answersFor('users,orders@postgres', 'fastapi'), TEST_VERSION);
    const [, orders] = context.services;
    const policy = renderK8sFiles(context).get(`${K8S_BASE}/users/networkpolicy.yaml`)!;
    const edited = `# reviewed by the platform team\n${policy}`.replace('    - Egress\n', '    - Egress\n  # egress reviewed\n');
    const once = addPeerToNetworkPolicy(edited, 'billing');
    if (!once.ok) throw new Error(once.reason);
    expect(once.text).toContain('# reviewed by the platform team');
    expect(once.text).toContain('# egress reviewed');
    const twice = addPeerToNetworkPolicy(once.text, 'billing');
    expect(twice).toEqual(once);
    const spec = (parse(once.text) as Obj).spec;
    expect(spec.ingress[1].from.map((entry: Obj) => entry.podSelector.matchLabels['app.kubernetes.io/name'])).toEqual([k8sName(orders!.name), 'billing']);
  });

  it('refuses a file that is not YAML, saying why', () => {
    const context = projectContext(answersFor('users,orders', 'fastapi'), TEST_VERSION);
    const edit = k8sEdits(context.services[1]!).find((entry) => entry.file === `${K8S_BASE}/kustomization.yaml`)!;
    const result = edit.edit('resources: [\n');
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.reason).toMatch(/not valid YAML/);
    const notList = edit.edit('resources: users\n');
    expect(notList).toEqual({ ok: false, reason: 'resources is not a list' });
  });
});

describe('add-service plans deploy/k8s with the rest of its change', () => {
  const roots: string[] = [];
  const project = (services: string) => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'clb-k8s-'));
    roots.push(root);
    for (const [file, text] of planProject(answersFor(services, 'fastapi'), TEST_VERSION)) {
      fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
      fs.writeFileSync(path.join(root, file), text);
    }
    return root;
  };
  const answers = { name: 'billing', entity: 'invoice', db: 'postgres', port: 8010 } as const;
  afterAll(() => roots.forEach((root) => fs.rmSync(root, { recursive: true, force: true })));

  it('creates the service\'s folder and secrets, and edits the files that list services', () => {
    const root = project('users,orders@mysql');
    const planned = planAddService(root, readManifest(root, TEST_VERSION), answers);
    expect(planned.conflicts).toEqual([]);
    const created = [...planned.change.create.keys()].filter((file) => file.startsWith(K8S_DIR)).sort();
    expect(created).toEqual([...newServiceFiles(planned.service).keys()].sort());
    expect(created).toContain(`${K8S_BASE}/billing/deployment.yaml`);
    const modified = [...planned.change.modify.keys()].filter((file) => file.startsWith(K8S_DIR)).sort();
    expect(modified).toEqual(k8sEdits(planned.service).map((edit) => edit.file).sort());
  });

  it('leaves a project without deploy/k8s as it is, with a notice', () => {
    const root = project('users');
    fs.rmSync(path.join(root, K8S_DIR), { recursive: true });
    const planned = planAddService(root, readManifest(root, TEST_VERSION), answers);
    expect(planned.conflicts).toEqual([]);
    expect(planned.notices).toContain(`${K8S_DIR} is missing: billing is not added to Kubernetes manifests.`);
    expect([...planned.change.create.keys(), ...planned.change.modify.keys()].filter((file) => file.startsWith(K8S_DIR))).toEqual([]);
  });

  it('refuses when the service\'s Kubernetes folder exists already', () => {
    const root = project('users');
    fs.mkdirSync(path.join(root, K8S_BASE, 'billing'));
    fs.writeFileSync(path.join(root, K8S_BASE, 'billing/deployment.yaml'), 'kind: Deployment\n');
    const planned = planAddService(root, readManifest(root, TEST_VERSION), answers);
    expect(planned.conflicts).toContain(`${K8S_BASE}/billing/deployment.yaml already exists`);
  });
});

describe('the SQLite notice', () => {
  it('names every SQLite service once, and nothing when there is none', () => {
    const services = [
      { name: 'users', db: 'sqlite' },
      { name: 'orders', db: 'postgres' },
      { name: 'notes', db: 'sqlite' },
    ] as const;
    expect(singleReplicaNotice(services)).toMatch(/^On Kubernetes, users, notes \(SQLite\) run as a single replica/);
    expect(singleReplicaNotice([services[0]])).toMatch(/^On Kubernetes, users \(SQLite\) runs as a single replica/);
    expect(singleReplicaNotice([services[1]])).toBeUndefined();
  });
});
