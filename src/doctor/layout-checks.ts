/**
 * Checks that the files which must know every service agree with the manifest: services/,
 * docker-compose.yml, the env files, the CI workflow. What each file should hold comes from
 * the modules that write it (compose.ts, workflow.ts), never from a second copy here.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { COMPOSE_ENV_EXAMPLE_FILE, COMPOSE_ENV_FILE, COMPOSE_FILE, composeEntries, composeEnvLines } from '../compose.js';
import { MANIFEST_FILE, serviceContext, type ServiceContext } from '../context.js';
import { manifestSettings, missingServiceFolders } from '../manifest.js';
import { K8S_BASE, K8S_DIR, k8sName } from '../k8s.js';
import { WORKFLOW_FILE, workflowGaps } from '../workflow.js';
import { ok, parseDotenv, presentServices, problem, readProjectFile, serviceDir, skipped, type Check, type CheckResult, type DoctorProject } from './types.js';

/** The contexts of the manifest's services, as create and add-service render them (secrets unused). */
function contexts({ manifest }: DoctorProject): ServiceContext[] {
  const settings = manifestSettings(manifest);
  return manifest.services.map((record) => serviceContext(record, manifest.services, settings));
}

const folders: Check = {
  id: 'folders',
  title: 'services/ matches the manifest',
  run(project) {
    const { root, manifest } = project;
    const results: CheckResult[] = missingServiceFolders(root, manifest).map((name) =>
      problem('folders', `${serviceDir(name)}: folder missing (listed in ${MANIFEST_FILE})`, `restore it (git checkout -- ${serviceDir(name)}) or remove it from ${MANIFEST_FILE}`, name),
    );
    const listed = new Set(manifest.services.map((service) => service.name));
    const dir = path.join(root, 'services');
    const unlisted = fs.existsSync(dir) ? fs.readdirSync(dir, { withFileTypes: true }).filter((entry) => entry.isDirectory() && !listed.has(entry.name)) : [];
    for (const entry of unlisted) {
      results.push(
        problem('folders', `${serviceDir(entry.name)}: not listed in ${MANIFEST_FILE} (make install and make test still pick it up)`, `add it to ${MANIFEST_FILE} or move it out of services/`, entry.name),
      );
    }
    return results.length > 0 ? results : [ok('folders', `services/ holds the ${manifest.services.length} services of ${MANIFEST_FILE}`)];
  },
};

const compose: Check = {
  id: 'compose',
  title: `${COMPOSE_FILE} runs every service`,
  run(project) {
    const text = readProjectFile(project.root, COMPOSE_FILE);
    if (text === undefined) return [problem('compose', `${COMPOSE_FILE} missing`, `restore it: git checkout -- ${COMPOSE_FILE}`)];
    let defined: Set<string>;
    try {
      const data = parse(text) as { services?: Record<string, unknown> } | null;
      defined = new Set(Object.keys(data?.services ?? {}));
    } catch (error) {
      return [problem('compose', `${COMPOSE_FILE} is not valid YAML: ${(error as Error).message.split('\n')[0]}`, 'repair it (docker compose config shows where)')];
    }
    const results = contexts(project).flatMap((service) =>
      composeEntries(service)
        .services.map(([name]) => name)
        .filter((name) => !defined.has(name))
        .map((name) =>
          problem('compose', `${COMPOSE_FILE}: no "${name}" service`, `add it back (git checkout -- ${COMPOSE_FILE}, or copy it from a project generated with the same services)`, service.name),
        ),
    );
    return results.length > 0 ? results : [ok('compose', `${COMPOSE_FILE} defines every service`)];
  },
};

/** Variable names of `NAME=value` lines. */
const names = (lines: string[]): string[] => lines.map((line) => line.slice(0, line.indexOf('=')));

function rootEnvResults(project: DoctorProject, services: ServiceContext[]): CheckResult[] {
  const results: CheckResult[] = [];
  for (const [file, example] of [[COMPOSE_ENV_FILE, false], [COMPOSE_ENV_EXAMPLE_FILE, true]] as const) {
    const text = readProjectFile(project.root, file);
    if (text === undefined) {
      const fix = example ? `restore it: git checkout -- ${file}` : `copy ${COMPOSE_ENV_EXAMPLE_FILE} to ${file} and set real values`;
      results.push(problem('env', `${file} missing (docker compose reads secrets from it)`, fix));
      continue;
    }
    const values = parseDotenv(text);
    for (const service of services) {
      const missing = names(composeEnvLines(service, example)).filter((name) => !values.has(name));
      for (const name of missing) results.push(problem('env', `${file}: ${name} missing`, `add ${name}=... (see ${example ? 'the README' : COMPOSE_ENV_EXAMPLE_FILE})`, service.name));
    }
  }
  return results;
}

/**
 * A service's .env against the one the generator writes for it (its variables, rendered
 * from the same templates; the example's extra, optional ones are not required), and its
 * PEERS against the other services.
 */
function serviceEnvResults(project: DoctorProject, service: ServiceContext, rendered: ReadonlyMap<string, string>): CheckResult[] {
  const dir = serviceDir(service.name);
  const env = readProjectFile(project.root, `${dir}/.env`);
  if (env === undefined) return [problem('env', `${dir}/.env missing`, `run \`make install-service-${service.name}\` (copies .env.example)`, service.name)];
  const values = parseDotenv(env);
  const expected = parseDotenv(rendered.get(`${dir}/.env`) ?? '');
  const results = [...expected.keys()]
    .filter((key) => !values.has(key))
    .map((key) => problem('env', `${dir}/.env: ${key} missing`, `copy the line from ${dir}/.env.example`, service.name));
  const peersKey = `${service.envPrefix}PEERS`;
  let peers: unknown;
  try {
    peers = JSON.parse(values.get(peersKey) ?? '{}');
  } catch {
    return [...results, problem('env', `${dir}/.env: ${peersKey} is not JSON`, `set it to a JSON object, as in ${dir}/.env.example`, service.name)];
  }
  const known = typeof peers === 'object' && peers !== null ? Object.keys(peers) : [];
  for (const peer of service.peers.filter((peer) => !known.includes(peer.name))) {
    results.push(problem('env', `${dir}/.env: ${peersKey} lacks ${peer.name}`, `add "${peer.name}": "${peer.url}" to it`, service.name));
  }
  return results;
}

const envFiles: Check = {
  id: 'env',
  title: 'env files hold every variable',
  async run(project) {
    const services = contexts(project);
    const present = new Set(presentServices(project).map((service) => service.name));
    // The templates are loaded for this check only.
    const { renderService } = await import('../render/project.js');
    const results = [
      ...rootEnvResults(project, services),
      ...services.filter((service) => present.has(service.name)).flatMap((service) => serviceEnvResults(project, service, renderService(service))),
    ];
    return results.length > 0 ? results : [ok('env', 'every env file holds the variables of every service')];
  },
};

const workflow: Check = {
  id: 'workflow',
  title: 'CI tests every service',
  run(project) {
    const text = readProjectFile(project.root, WORKFLOW_FILE);
    if (text === undefined) return [skipped('workflow', `${WORKFLOW_FILE} not there (removed): nothing to compare`)];
    const { reason, gaps } = workflowGaps(text, project.manifest.services);
    if (reason) return [problem('workflow', `${WORKFLOW_FILE}: ${reason}`, `repair it, or restore it: git checkout -- ${WORKFLOW_FILE}`)];
    const fix = (service: string) =>
      project.manifest.services.some((known) => known.name === service)
        ? `add the service to ${WORKFLOW_FILE} as a project generated with it has it`
        : `remove the entry from ${WORKFLOW_FILE}`;
    const results = gaps.map((gap) => problem('workflow', `${WORKFLOW_FILE}: ${gap.service} ${gap.message}`, fix(gap.service), gap.service));
    return results.length > 0 ? results : [ok('workflow', `${WORKFLOW_FILE} tests every service`)];
  },
};

const KUSTOMIZATION = `${K8S_BASE}/kustomization.yaml`;

/** deploy/k8s/base: a folder per service, each listed in the base kustomization. */
const kubernetes: Check = {
  id: 'kubernetes',
  title: 'the Kubernetes base deploys every service',
  run(project) {
    const text = readProjectFile(project.root, KUSTOMIZATION);
    if (text === undefined) return [skipped('kubernetes', `${K8S_DIR} not there (removed): nothing to compare`)];
    let resources: unknown;
    try {
      resources = (parse(text) as { resources?: unknown } | null)?.resources;
    } catch (error) {
      return [problem('kubernetes', `${KUSTOMIZATION}: not valid YAML (${(error as Error).message.split('\n')[0]})`, `repair it, or restore it: git checkout -- ${KUSTOMIZATION}`)];
    }
    const listed = new Set(Array.isArray(resources) ? resources.map(String) : []);
    const results: CheckResult[] = [];
    for (const service of project.manifest.services) {
      const folder = k8sName(service.name);
      if (!fs.existsSync(path.join(project.root, K8S_BASE, folder, 'kustomization.yaml'))) {
        results.push(problem('kubernetes', `${K8S_BASE}/${folder}: folder missing`, `restore it: git checkout -- ${K8S_BASE}/${folder}`, service.name));
      } else if (!listed.has(folder)) {
        results.push(problem('kubernetes', `${KUSTOMIZATION}: ${folder} not in resources`, `add "- ${folder}" to its resources`, service.name));
      }
    }
    return results.length > 0 ? results : [ok('kubernetes', 'the Kubernetes base deploys every service')];
  },
};

export const LAYOUT_CHECKS: readonly Check[] = [folders, compose, envFiles, workflow, kubernetes];
