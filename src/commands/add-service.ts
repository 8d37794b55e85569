/**
 * `create-layered-backend add-service <name>`: append a service to an existing project. The
 * new service is rendered from the same templates as `create`; every file that must know
 * about it is edited in memory first. Any conflict stops the command before the first write.
 */
import fs from 'node:fs';
import path from 'node:path';
import pc from 'picocolors';
import { applyChange, type ChangePlan } from '../apply.js';
import { COMPOSE_ENV_EXAMPLE_FILE, COMPOSE_ENV_FILE, COMPOSE_FILE, composeEnvLines, composeHostPorts } from '../compose.js';
import { derivedFromName, MANIFEST_FILE, peerContext, serviceContext, type ServiceContext, type ServiceRecord } from '../context.js';
import { databaseLabel, DEFAULT_DATABASE, nextDatabasePort, type Database } from '../databases.js';
import { addPeerToEnv, addReadmeRow, addServiceToCompose, appendEnvLines, type EditResult } from '../edits.js';
import { ciEdits } from '../ci.js';
import { K8S_BASE, K8S_DIR, newServiceFiles, singleReplicaNotice } from '../k8s.js';
import { k8sEdits } from '../k8s-edits.js';
import { PostWriteError, UsageError } from '../errors.js';
import { onInterruptSay } from '../interrupt.js';
import { recoverInterruptedApply } from '../journal.js';
import { withProjectLock } from '../lock.js';
import {
  findProjectRoot,
  manifestSettings,
  manifestService,
  missingServiceFolders,
  projectWarnings,
  readManifest,
  serializeManifest,
  type Manifest,
} from '../manifest.js';
import { defaultEntity, entityNameProblem, serviceClashProblem, serviceDatabaseProblem, serviceNameProblem } from '../naming.js';
import { FIRST_PORT, isHostPort, PORT_RANGE, shellQuote } from '../options.js';
import { recordPristine } from '../pristine.js';
import { renderService } from '../render/project.js';
import { packagedTemplates } from '../render/templates.js';
import { installProject, prepareProject, prepareTarget, ROOT_ENVIRONMENT, serviceEnvironment, type InstallPlan } from '../steps/install.js';
import { phasesLine, type PhaseTimes } from '../steps/phases.js';
import { installAndTestProject } from '../steps/test.js';
import { assertNoUncommittedChanges } from '../steps/git.js';
import { assertInstallTools } from '../steps/tools.js';
import type { CommandEnv } from './create.js';
import { showChangePlan } from '../ui.js';

export interface AddServiceFlags {
  entity?: string;
  db?: Database;
  port?: string;
  cwd?: string;
  dryRun?: boolean;
  install: boolean;
  test: boolean;
  gitCheck: boolean;
  yes?: boolean;
}

interface AddServiceAnswers {
  name: string;
  entity: string;
  db: Database;
  port: number;
}

/** Why `name` cannot be added to this project, or undefined. */
function newServiceNameProblem(name: string, manifest: Manifest, root: string): string | undefined {
  const problem = serviceNameProblem(name);
  if (problem) return problem;
  const { module } = derivedFromName(name);
  const existing = manifest.services.find((service) => service.name === name || service.module === module);
  if (existing) {
    return existing.name === name
      ? `The project already has a service "${name}".`
      : `"${name}" would become the Python module "${module}", like the existing service "${existing.name}".`;
  }
  const clash = serviceClashProblem(name, manifest.services.map((service) => service.name));
  if (clash) return clash;
  if (fs.existsSync(path.join(root, 'services', name))) return `services/${name} already exists (but is not in ${MANIFEST_FILE}).`;
  return undefined;
}

/**
 * Host ports already taken, each with what takes it: the manifest's services and their
 * databases, then every port docker-compose.yml publishes (services added by hand too).
 */
function portsInUse(root: string, manifest: Manifest): Map<number, string> {
  const taken = new Map<number, string>();
  for (const service of manifest.services) {
    taken.set(service.port, service.name);
    if (service.dbPort !== undefined) taken.set(service.dbPort, `the database of ${service.name}`);
  }
  const composeFile = path.join(root, COMPOSE_FILE);
  const compose = fs.existsSync(composeFile) ? fs.readFileSync(composeFile, 'utf8') : '';
  for (const [port, name] of composeHostPorts(compose)) {
    if (!taken.has(port)) taken.set(port, `the compose service "${name}" (${COMPOSE_FILE})`);
  }
  return taken;
}

function parsePort(value: string, taken: ReadonlyMap<number, string>): number {
  const port = /^\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
  if (!isHostPort(port)) throw new UsageError(`--port ${value}: use ${PORT_RANGE}.`);
  const user = taken.get(port);
  if (user) throw new UsageError(`Port ${port} is already used by ${user}; pick another or leave --port out.`);
  return port;
}

/** The port after the manifest's highest service port that nothing else uses. */
function nextPort(manifest: Manifest, taken: ReadonlyMap<number, string>): number {
  let port = Math.max(FIRST_PORT - 1, ...manifest.services.map((service) => service.port)) + 1;
  while (taken.has(port)) port++;
  return port;
}


/**
 * The questions a terminal asks for what the flags left open, before the project lock is
 * taken: a run waiting for an answer must not stop other runs from changing the project. The
 * answers come back as flags; the run then checks them again, holding the lock, against the
 * project as it is by then (another run may have added a service meanwhile).
 */
async function askFirst(name: string, flags: AddServiceFlags, root: string, env: CommandEnv): Promise<AddServiceFlags> {
  // Read as it is now, without the lock: only to ask sensible questions.
  const manifest = readManifest(root, env.version, `add-service ${shellQuote(name)}`);
  const nameProblem = newServiceNameProblem(name, manifest, root);
  if (nameProblem) throw new UsageError(nameProblem);
  // Say it before the questions, not after them.
  if (flags.gitCheck && !flags.dryRun) await assertNoUncommittedChanges(root);
  const { askAddServiceQuestions } = await import('../prompts.js');
  const { entity, db } = await askAddServiceQuestions({ name, entity: flags.entity, db: flags.db, projectDb: manifest.db ?? DEFAULT_DATABASE });
  return { ...flags, entity, db };
}

/** Step 1: the answers, from the flags (and the answers given to askFirst), checked against `manifest`. */
function gatherAddAnswers(name: string, flags: AddServiceFlags, manifest: Manifest, root: string): AddServiceAnswers {
  const nameProblem = newServiceNameProblem(name, manifest, root);
  if (nameProblem) throw new UsageError(nameProblem);
  const entity = flags.entity ?? defaultEntity(name);
  const entityProblem = entityNameProblem(entity);
  if (entityProblem) throw new UsageError(entityProblem);
  const db = flags.db ?? manifest.db ?? DEFAULT_DATABASE;
  const databaseProblem = serviceDatabaseProblem(name, db);
  if (databaseProblem) throw new UsageError(databaseProblem);
  const taken = portsInUse(root, manifest);
  const port = flags.port === undefined ? nextPort(manifest, taken) : parsePort(flags.port, taken);
  return { name, entity, db, port };
}

interface PlannedAddition {
  change: ChangePlan;
  conflicts: string[];
  /** Things left as they are, said in one line each. */
  notices: string[];
  service: ServiceContext;
  manifest: Manifest;
}

/** Step 2: every file to create and every edit, computed in memory; conflicts collected. */
export function planAddService(root: string, manifest: Manifest, answers: AddServiceAnswers): PlannedAddition {
  const existing = manifest.services;
  const dbPort = nextDatabasePort(answers.db, [...portsInUse(root, manifest).keys(), answers.port]);
  const record: ServiceRecord = {
    name: answers.name,
    entity: answers.entity,
    framework: manifest.framework,
    db: answers.db,
    port: answers.port,
    ...(dbPort === undefined ? {} : { dbPort }),
  };
  const records = [...existing, record];
  // The new service verifies tokens and exchanges events as the project's others do.
  const service = serviceContext(record, records, manifestSettings(manifest));
  const templates = packagedTemplates();
  const create = renderService(service, templates);
  const conflicts = [...create.keys()].filter((file) => fs.existsSync(path.join(root, file))).map((file) => `${file} already exists`);
  const modify = new Map<string, { before: string; after: string }>();
  const notices: string[] = [];
  const read = (file: string): string | undefined => {
    const full = path.join(root, file);
    return fs.existsSync(full) ? fs.readFileSync(full, 'utf8') : undefined;
  };
  const edit = (file: string, result: EditResult, before: string) => {
    if (!result.ok) conflicts.push(`${file} cannot be edited safely: ${result.reason}`);
    else if (result.text !== before) modify.set(file, { before, after: result.text });
  };

  const compose = read(COMPOSE_FILE);
  if (compose === undefined) conflicts.push(`${COMPOSE_FILE} is missing`);
  else edit(COMPOSE_FILE, addServiceToCompose(compose, service, existing), compose);

  const readme = read('README.md');
  const row = readme === undefined ? undefined : addReadmeRow(readme, templates.partial('readme-service-row')(service));
  // A README rewritten without the table of services is the user's to keep as it is.
  if (row?.ok === false) notices.push(`README.md left as it is: ${row.reason}.`);
  else if (row) edit('README.md', row, readme!);

  for (const other of existing) {
    const { url } = peerContext(record);
    for (const envFile of ['.env', '.env.example']) {
      const file = `services/${other.name}/${envFile}`;
      const text = read(file);
      // .env is git-ignored: a fresh clone has none until `make install` copies the example.
      if (text !== undefined) edit(file, addPeerToEnv(text, other.envPrefix, record.name, url), text);
    }
  }

  for (const [file, example] of [[COMPOSE_ENV_FILE, false], [COMPOSE_ENV_EXAMPLE_FILE, true]] as const) {
    const lines = composeEnvLines(service, example);
    if (lines.length === 0) continue;
    const text = read(file) ?? '';
    edit(file, { ok: true, text: appendEnvLines(text, lines) }, text);
  }

  // The CI files: edited when present; when the user deleted one, it is left out with a notice.
  for (const ci of ciEdits(service, manifest.packageManager)) {
    const text = read(ci.file);
    if (text === undefined) notices.push(`${ci.file} is missing: ${service.name} is not added to it.`);
    else edit(ci.file, ci.edit(text), text);
  }

  // Kubernetes: the service's own files, and edits of those that list services. A project
  // generated before deploy/k8s existed (or whose user removed it) is left without it.
  if (read(`${K8S_BASE}/kustomization.yaml`) === undefined) {
    notices.push(`${K8S_DIR} is missing: ${service.name} is not added to Kubernetes manifests.`);
  } else {
    for (const [file, text] of newServiceFiles(service)) {
      if (fs.existsSync(path.join(root, file))) conflicts.push(`${file} already exists`);
      else create.set(file, text);
    }
    for (const k8s of k8sEdits(service)) {
      const text = read(k8s.file);
      if (text === undefined) notices.push(`${k8s.file} is missing: ${service.name} is not added to it.`);
      else edit(k8s.file, k8s.edit(text), text);
    }
  }

  const updated: Manifest = { ...manifest, services: [...manifest.services, manifestService(record)] };
  const manifestText = read(MANIFEST_FILE)!;
  modify.set(MANIFEST_FILE, { before: manifestText, after: serializeManifest(updated) });
  return { change: { create, modify }, conflicts, notices, service, manifest: updated };
}

/**
 * What to install: the new service, plus whatever of the project has no environment yet
 * (a project generated with --no-install, or a fresh clone), since the whole project's tests
 * run afterwards. First, the preparation (with uv, uv.lock resolved again with the new
 * service in it), when the project's Makefile has that target: one generated by an older
 * version installs each environment on its own. With uv.lock, the existing environments are
 * synced again too: the new resolution may have moved a version they share, and a sync with
 * nothing to change takes a moment.
 */
function installPlanFor(root: string, manifest: Manifest): InstallPlan {
  const prepare = prepareTarget(manifest.packageManager);
  const makefile = fs.existsSync(path.join(root, 'Makefile')) ? fs.readFileSync(path.join(root, 'Makefile'), 'utf8') : '';
  const locked = new RegExp(`^${prepare.target}:`, 'm').test(makefile);
  const resync = locked && manifest.packageManager === 'uv';
  const wanted = (dir: string) => resync || !fs.existsSync(path.join(root, dir, '.venv'));
  return {
    prepare: locked ? prepare : undefined,
    environments: [
      ...(wanted('.') ? [ROOT_ENVIRONMENT] : []),
      ...manifest.services
        // A service whose folder is gone has nothing to install (a warning has said so).
        .filter((service) => fs.existsSync(path.join(root, 'services', service.name)) && wanted(`services/${service.name}`))
        .map((service) => serviceEnvironment(service.name)),
    ],
  };
}

/** Read the project, plan and apply, holding the project lock. Undefined after a dry run. */
async function changeProject(name: string, flags: AddServiceFlags, env: CommandEnv, start: string, root: string) {
  const { reporter } = env;
  const manifest = readManifest(root, env.version, `add-service ${shellQuote(name)}`);
  if (flags.gitCheck && !flags.dryRun) await assertNoUncommittedChanges(root);
  const answers = gatherAddAnswers(name, flags, manifest, root);
  for (const warning of projectWarnings(start, root, manifest, answers)) reporter.warn(warning);
  const missingFolders = missingServiceFolders(root, manifest);
  const planned = planAddService(root, manifest, answers);
  if (planned.conflicts.length > 0) {
    throw new UsageError(`Cannot add ${name}: nothing was changed.`, planned.conflicts.map((conflict) => `  ${conflict}`));
  }
  for (const notice of planned.notices) reporter.info(notice);
  const relativeRoot = path.relative(env.cwd, root) || '.';
  const created = [...planned.change.create.keys()].sort();
  if (flags.dryRun) {
    await showChangePlan(reporter, created, planned.change.modify, relativeRoot);
    reporter.outro('Dry run: nothing was changed.');
    return;
  }
  if (flags.install) await assertInstallTools(manifest.packageManager);

  applyChange(root, planned.change);
  const recorded = await recordPristine(root, planned.manifest, { version: env.version, command: `add-service ${name}`, before: manifest }).catch(
    (error: Error) => ({ kind: 'failed' as const, reason: error.message }),
  );
  if (recorded.kind === 'failed') reporter.warn(`Could not record the generated files for update: ${recorded.reason}`);
  return { planned, answers, created, relativeRoot, missingFolders };
}

export async function runAddService(name: string, flags: AddServiceFlags, env: CommandEnv): Promise<void> {
  const { reporter } = env;
  reporter.intro(`create-layered-backend ${env.version}: add-service`);
  const start = path.resolve(env.cwd, flags.cwd ?? '.');
  const root = findProjectRoot(start);
  const answered = env.interactive ? await askFirst(name, flags, root, env) : flags;
  const applied = await withProjectLock(root, reporter, async () => {
    recoverInterruptedApply(root, reporter);
    return changeProject(name, answered, env, start, root);
  });
  if (!applied) return;
  const { planned, answers, created, relativeRoot, missingFolders } = applied;
  reporter.success(
    `Added ${name} (${planned.service.entity.label} at /api/v1/${planned.service.entity.routePath}, ${databaseLabel(answers.db)}, port ${answers.port}): ${created.length} files created, ${planned.change.modify.size} changed`,
  );
  const singleReplica = singleReplicaNotice([planned.service]);
  if (singleReplica) reporter.info(singleReplica);
  const cd = relativeRoot === '.' ? '' : `cd ${relativeRoot} && `;
  onInterruptSay(`Interrupted: ${name} was added; finish with: ${cd}make install-service-${name} && make test`);

  let failure;
  const times: PhaseTimes = new Map();
  if (flags.install) {
    const plan = installPlanFor(root, planned.manifest);
    if (flags.test && missingFolders.length === 0) {
      // As create does: each suite once the environments it runs in are installed.
      failure = (await prepareProject(root, plan, reporter, times)) ?? (await installAndTestProject(root, plan.environments, reporter, times)).failure;
    } else {
      failure = await installProject(root, plan, reporter, times);
      if (flags.test && !failure) reporter.warn(`Skipped the test pass: it starts every service of ${MANIFEST_FILE}, and services/${missingFolders[0]} is missing.`);
    }
  }
  if (times.size > 0) reporter.info(phasesLine(times, performance.now() / 1000));
  if (failure) {
    throw new PostWriteError(`${name} was added, but ${failure.step} failed.`, [
      pc.dim('Last lines of its output:'),
      ...failure.result.tail.map((line) => pc.dim(`  ${line}`)),
      `Fix the cause, then retry with: ${cd}${failure.step === 'make test' ? 'make test' : `make install-service-${name} && make test`}`,
    ]);
  }
  reporter.note(
    [`${cd}git add -A && git commit -m "Add the ${name} service"`, `make run    # ${name} on http://127.0.0.1:${answers.port}`].join('\n'),
    'Next steps',
  );
  reporter.outro(pc.green('Done.'));
}
