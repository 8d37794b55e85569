/**
 * The Kubernetes manifests of real projects, as a user builds them: every overlay of projects
 * of both frameworks and mixed databases builds with `kubectl kustomize` and validates
 * strictly (unknown fields refused) against Kubernetes 1.31 and the newest version
 * kubernetes-validate knows; every selector finds the pods it is meant for; every URL a service
 * is given leads to a Service its NetworkPolicies let it reach (dev); after add-service
 * the overlays still build, with the new service.
 */
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { runCli, tempDir } from '../helpers/cli.js';
import { toolAvailable } from '../helpers/tools.js';

const tools = toolAvailable('kubectl', ['version', '--client']) && toolAvailable('kubernetes-validate');
const OVERLAYS = ['dev', 'prod'] as const;
const OLDEST_VERSION = '1.31.0';

/** The newest Kubernetes version kubernetes-validate ships schemas for: its default. */
async function newestVersion(): Promise<string> {
  const help = await execa('kubernetes-validate', ['--help']);
  const version = /Defaults to\s+(\d+\.\d+\.\d+)/.exec(help.stdout.replace(/\s+/g, ' '))?.[1];
  if (!version) throw new Error(`no default version in kubernetes-validate --help:\n${help.stdout}`);
  return version;
}

/** What a user does before building prod: a secrets file from each committed example. */
function fillProdSecrets(project: string): void {
  const secrets = path.join(project, 'deploy/k8s/overlays/prod/secrets');
  for (const folder of fs.readdirSync(secrets)) {
    const example = fs.readFileSync(path.join(secrets, folder, '.env.example'), 'utf8');
    const filled = example.replace(/^(\w+)=$/gm, (_, key: string) =>
      key.endsWith('DATABASE_URL') ? `${key}=postgresql+asyncpg://app:pw@db.internal:5432/app` : `${key}=${'s'.repeat(64)}`,
    );
    const target = path.join(secrets, folder, '.env');
    if (!fs.existsSync(target)) fs.writeFileSync(target, filled);
  }
}

async function build(project: string, overlay: string): Promise<{ text: string; objects: Array<Record<string, any>> }> {
  const built = await execa('kubectl', ['kustomize', path.join(project, 'deploy/k8s/overlays', overlay)], { reject: false });
  expect(built.exitCode, built.stderr).toBe(0);
  return { text: built.stdout, objects: parseAllDocuments(built.stdout).map((doc) => doc.toJS()) };
}

async function validate(text: string, file: string, version: string): Promise<void> {
  fs.writeFileSync(file, text);
  const result = await execa('kubernetes-validate', ['--strict', '--quiet', '-k', version, file], { reject: false, all: true });
  expect(result.exitCode, result.all).toBe(0);
}

const names = (objects: Array<Record<string, any>>, kind: string) =>
  objects.filter((object) => object.kind === kind).map((object) => object.metadata.name as string).sort();

type K8sObject = Record<string, any>;
type Labels = Record<string, string>;
const selects = (selector: Labels | undefined, labels: Labels | undefined): boolean =>
  selector !== undefined && Object.entries(selector).every(([key, value]) => labels?.[key] === value);

/**
 * What the API server does not check but a cluster needs: every selector finds the pods it is
 * meant for and no others. Each workload's selector matches its own pod template and no other
 * workload's; each Service selects the pods of exactly one workload, on a port they have; each
 * NetworkPolicy, its peers, each PodDisruptionBudget and autoscaler find a workload; each
 * Ingress backend is a Service. Returns what is wrong, empty when all is well.
 */
function wiringProblems(objects: K8sObject[]): string[] {
  const problems: string[] = [];
  const workloads = objects.filter((object) => object.kind === 'Deployment' || object.kind === 'StatefulSet');
  const podLabels = (workload: K8sObject): Labels => workload.spec.template.metadata.labels;
  const matched = (selector: Labels | undefined) => workloads.filter((workload) => selects(selector, podLabels(workload)));
  const id = (object: K8sObject) => `${object.kind} ${object.metadata.name}`;
  for (const workload of workloads) {
    const found = matched(workload.spec.selector.matchLabels).map(id);
    if (found.length !== 1 || found[0] !== id(workload)) problems.push(`${id(workload)}: its selector matches ${found.join(', ') || 'no pod template'}`);
  }
  for (const service of objects.filter((object) => object.kind === 'Service')) {
    const found = matched(service.spec.selector);
    if (found.length !== 1) {
      problems.push(`${id(service)}: selects the pods of ${found.map(id).join(', ') || 'no workload'}`);
      continue;
    }
    const ports = found[0]!.spec.template.spec.containers.flatMap((container: K8sObject) => container.ports ?? []);
    for (const { targetPort } of service.spec.ports) {
      if (!ports.some((port: K8sObject) => port.name === targetPort || port.containerPort === targetPort)) problems.push(`${id(service)}: no container port ${targetPort}`);
    }
  }
  for (const policy of objects.filter((object) => object.kind === 'NetworkPolicy')) {
    if (matched(policy.spec.podSelector.matchLabels).length === 0) problems.push(`${id(policy)}: applies to no pod`);
    const peers = [...(policy.spec.ingress ?? []).flatMap((rule: K8sObject) => rule.from ?? []), ...(policy.spec.egress ?? []).flatMap((rule: K8sObject) => rule.to ?? [])];
    for (const peer of peers) {
      // Selectors of other namespaces (the ingress controller, DNS) are outside the project.
      if (peer.podSelector?.matchLabels && !peer.namespaceSelector && matched(peer.podSelector.matchLabels).length === 0) {
        problems.push(`${id(policy)}: its peer ${JSON.stringify(peer.podSelector.matchLabels)} is no pod`);
      }
    }
  }
  for (const budget of objects.filter((object) => object.kind === 'PodDisruptionBudget')) {
    if (matched(budget.spec.selector.matchLabels).length !== 1) problems.push(`${id(budget)}: does not select exactly one workload`);
  }
  for (const autoscaler of objects.filter((object) => object.kind === 'HorizontalPodAutoscaler')) {
    const target = autoscaler.spec.scaleTargetRef;
    if (!workloads.some((workload) => workload.kind === target.kind && workload.metadata.name === target.name)) problems.push(`${id(autoscaler)}: no ${target.kind} ${target.name}`);
  }
  const services = new Set(names(objects, 'Service'));
  for (const ingress of objects.filter((object) => object.kind === 'Ingress')) {
    for (const rule of ingress.spec.rules) {
      for (const entry of rule.http.paths) if (!services.has(entry.backend.service.name)) problems.push(`${id(ingress)}: no Service ${entry.backend.service.name}`);
    }
  }
  return problems;
}

const DEFAULT_PORTS: Record<string, number> = { http: 80, https: 443, amqp: 5672, nats: 4222, redis: 6379 };
const portsOf = (rules: K8sObject[] | undefined): number[] => (rules ?? []).flatMap((rule) => (rule.ports ?? []).map((port: K8sObject) => port.port));

/**
 * What a workload is given to reach (the URLs of its ConfigMap and Secret: peers, database,
 * broker) it can reach: each URL's host is a Service of the build (dev only: prod's databases
 * and broker are outside), the workload's NetworkPolicy lets it out to the port, and the
 * NetworkPolicy of the pods behind the Service lets it in. Returns what is wrong.
 */
function reachProblems(objects: K8sObject[], overlay: string): string[] {
  const problems: string[] = [];
  const byName = (kind: string, name: string) => objects.find((object) => object.kind === kind && object.metadata.name === name);
  const policiesOf = (labels: Labels) => objects.filter((object) => object.kind === 'NetworkPolicy' && selects(object.spec.podSelector.matchLabels, labels));
  for (const deployment of objects.filter((object) => object.kind === 'Deployment')) {
    const podLabels: Labels = deployment.spec.template.metadata.labels;
    const values: string[] = [];
    for (const source of deployment.spec.template.spec.containers[0].envFrom) {
      if (source.configMapRef) values.push(...Object.values<string>(byName('ConfigMap', source.configMapRef.name)?.data ?? {}));
      if (source.secretRef) values.push(...Object.values<string>(byName('Secret', source.secretRef.name)?.data ?? {}).map((value) => Buffer.from(value, 'base64').toString()));
    }
    const urls = values.flatMap((value) => value.match(/\b[a-z][a-z0-9+]*:\/\/[^\s"',]+/g) ?? []).map((url) => new URL(url));
    // A URL without a host is a file (SQLite's database).
    for (const url of urls.filter((url) => url.hostname !== '')) {
      const what = `Deployment ${deployment.metadata.name} -> ${url.host}`;
      const service = byName('Service', url.hostname);
      if (!service) {
        if (overlay === 'dev') problems.push(`${what}: no Service ${url.hostname}`);
        continue;
      }
      const port = Number(url.port) || DEFAULT_PORTS[url.protocol.split('+')[0]!.replace(':', '')]!;
      const servicePort = service.spec.ports.find((entry: K8sObject) => entry.port === port);
      if (!servicePort) {
        problems.push(`${what}: the Service has no port ${port}`);
        continue;
      }
      const target = objects.find(
        (object) => (object.kind === 'Deployment' || object.kind === 'StatefulSet') && selects(service.spec.selector, object.spec.template.metadata.labels),
      );
      const targetLabels: Labels = target?.spec.template.metadata.labels ?? {};
      const containerPort = target?.spec.template.spec.containers
        .flatMap((container: K8sObject) => container.ports ?? [])
        .find((entry: K8sObject) => entry.name === servicePort.targetPort || entry.containerPort === servicePort.targetPort)?.containerPort;
      const out = policiesOf(podLabels).every((policy) =>
        (policy.spec.egress ?? []).some(
          (rule: K8sObject) =>
            portsOf([rule]).includes(containerPort) && (!rule.to || rule.to.some((peer: K8sObject) => selects(peer.podSelector?.matchLabels, targetLabels))),
        ),
      );
      if (!out) problems.push(`${what}: its NetworkPolicy does not let it out to port ${containerPort}`);
      const admitted = policiesOf(targetLabels).every((policy) =>
        (policy.spec.ingress ?? []).some(
          (rule: K8sObject) => portsOf([rule]).includes(containerPort) && (rule.from ?? []).some((peer: K8sObject) => selects(peer.podSelector?.matchLabels, podLabels)),
        ),
      );
      if (!admitted) problems.push(`${what}: the NetworkPolicy of ${target?.metadata.name} does not admit it on port ${containerPort}`);
    }
  }
  return problems;
}

const PROJECTS = [
  { framework: 'fastapi', services: 'users@sqlite,orders@postgres,pay_gw:payment@mysql', deployments: ['orders', 'pay-gw', 'users'], databases: ['orders-db', 'pay-gw-db'] },
  { framework: 'litestar', services: 'catalog:product@mysql,notes@sqlite', deployments: ['catalog', 'identity', 'notes'], databases: ['catalog-db', 'event-broker'], options: ['--auth', 'jwt', '--broker', 'nats'] },
] as const;

describe.skipIf(!tools)('deploy/k8s builds and validates (kubectl kustomize, kubernetes-validate --strict)', () => {
  const work = tempDir('k8s');
  let newest: string;
  beforeAll(async () => {
    newest = await newestVersion();
  });
  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

  describe.each(PROJECTS)('$framework project with --services $services', ({ framework, services, deployments, databases, ...rest }) => {
    const project = path.join(work, framework);
    const options = 'options' in rest ? rest.options : [];
    beforeAll(async () => {
      const created = await runCli([framework, '--services', services, '--framework', framework, ...options, '--yes', '--no-install', '--no-git'], { cwd: work });
      expect(created.exitCode, created.all).toBe(0);
      // Every project here has a SQLite service: the CLI says once that it cannot scale out.
      expect(created.stdout.match(/\(SQLite\) runs? as a single replica/g)).toHaveLength(1);
      fillProdSecrets(project);
    });

    it.each(OVERLAYS)('overlay %s builds and validates against 1.31 and the newest version', async (overlay) => {
      const { text, objects } = await build(project, overlay);
      expect(names(objects, 'Deployment')).toEqual(deployments);
      expect(names(objects, 'StatefulSet')).toEqual(overlay === 'dev' ? databases : []);
      expect(wiringProblems(objects)).toEqual([]);
      expect(reachProblems(objects, overlay)).toEqual([]);
      for (const version of [OLDEST_VERSION, newest]) await validate(text, path.join(work, `${framework}-${overlay}.yaml`), version);
      // The generated secrets reach the pods under their hashed names.
      for (const deployment of objects.filter((object) => object.kind === 'Deployment')) {
        const secret = deployment.spec.template.spec.containers[0].envFrom.find((source: any) => source.secretRef).secretRef.name;
        expect(names(objects, 'Secret')).toContain(secret);
      }
    });
  });

  describe('after add-service', () => {
    const project = path.join(work, 'grown');
    beforeAll(async () => {
      const created = await runCli(['grown', '--services', 'users@sqlite,orders@postgres', '--broker', 'redis', '--yes', '--no-install'], { cwd: work });
      expect(created.exitCode, created.all).toBe(0);
      const added = await runCli(['add-service', 'pay_gw', '--db', 'mysql', '--yes', '--no-install'], { cwd: project });
      expect(added.exitCode, added.all).toBe(0);
      const sqlite = await runCli(['add-service', 'notes', '--db', 'sqlite', '--yes', '--no-install', '--no-git-check'], { cwd: project });
      expect(sqlite.exitCode, sqlite.all).toBe(0);
      expect(sqlite.stdout.match(/single replica/g)).toHaveLength(1);
      fillProdSecrets(project);
    });

    it.each(OVERLAYS)('overlay %s still builds, validates and includes the new services', async (overlay) => {
      const { text, objects } = await build(project, overlay);
      expect(names(objects, 'Deployment')).toEqual(['notes', 'orders', 'pay-gw', 'users']);
      expect(names(objects, 'HorizontalPodAutoscaler')).toEqual(['orders', 'pay-gw']);
      // The broker admits the services added later too.
      expect(names(objects, 'StatefulSet')).toEqual(overlay === 'dev' ? ['event-broker', 'orders-db', 'pay-gw-db'] : []);
      const ingress = objects.find((object) => object.kind === 'Ingress')!;
      expect(ingress.spec.rules[0].http.paths.map((entry: any) => entry.backend.service.name)).toEqual(['users', 'orders', 'pay-gw', 'notes']);
      const policy = objects.find((object) => object.kind === 'NetworkPolicy' && object.metadata.name === 'users')!;
      const peers = policy.spec.ingress[1].from.map((entry: any) => entry.podSelector.matchLabels['app.kubernetes.io/name']);
      expect(peers).toEqual(['orders', 'pay-gw', 'notes']);
      expect(wiringProblems(objects)).toEqual([]);
      expect(reachProblems(objects, overlay)).toEqual([]);
      await validate(text, path.join(work, `grown-${overlay}.yaml`), newest);
    });
  });
});
