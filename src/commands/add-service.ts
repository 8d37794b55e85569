/**
 * `create-layered-backend add-service <name>`: append a service to an existing project. The
 * new service is rendered from the same templates as `create`; every file that must know
 * about it is edited in memory first. Any conflict stops the command before the first write.
 */
import fs from 'node:fs';
import path from 'node:path';
import * as clack from '@clack/prompts';
import { execa } from 'execa';
import { createTwoFilesPatch } from 'diff';
import pc from 'picocolors';
import { applyChange, type ChangePlan } from '../apply.js';
import { COMPOSE_ENV_EXAMPLE_FILE, COMPOSE_ENV_FILE, COMPOSE_FILE, composeEnvLines } from '../compose.js';
import { MANIFEST_FILE, peerContext, serviceContext, type ServiceContext, type ServiceRecord } from '../context.js';
import { databaseLabel, nextDatabasePort } from '../databases.js';
import { addPeerToEnv, addReadmeRow, addServiceToCompose, appendEnvLines, type EditResult } from '../edits.js';
import { PostWriteError, UsageError } from '../errors.js';
import { onInterruptSay } from '../interrupt.js';
import { manifestService, serializeManifest, type Manifest } from '../manifest.js';
import { defaultEntity, entityNameProblem, serviceClashProblem, serviceDatabaseProblem, serviceNameProblem, toSnake } from '../naming.js';
import { DATABASES, FIRST_PORT, type Database } from '../options.js';
import { answered } from '../prompts.js';
import { renderService } from '../render/project.js';
import { renderPartial, templatesRoot } from '../render/templates.js';
import { findProjectRoot, readManifest } from '../project.js';
import { projectInstallTargets, runInstallTargets, serviceInstallTarget, type InstallTarget } from '../steps/install.js';
import { testProject } from '../steps/test.js';
import { assertInstallTools } from '../steps/tools.js';
import type { CommandEnv } from './create.js';

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

export interface AddServiceAnswers {
  name: string;
  entity: string;
  db: Database;
  port: number;
}

/** Why `name` cannot be added to this project, or undefined. */
export function newServiceNameProblem(name: string, manifest: Manifest, root: string): string | undefined {
  const problem = serviceNameProblem(name);
  if (problem) return problem;
  const module = toSnake(name);
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

function parsePort(value: string, manifest: Manifest): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1024 || port > 65535) throw new UsageError(`--port ${value}: use a number from 1024 to 65535.`);
  const user = manifest.services.find((service) => service.port === port || service.dbPort === port);
  if (user) throw new UsageError(`Port ${port} is already used by ${user.name}; pick another or leave --port out.`);
  return port;
}

const nextPort = (manifest: Manifest): number =>
  Math.max(FIRST_PORT - 1, ...manifest.services.map((service) => service.port)) + 1;

const NOTHING_CHANGED = 'Cancelled: nothing was changed.';

/** Step 1: the answers, from flags and, in a terminal, prompts for what they left open. */
export async function gatherAddAnswers(
  name: string,
  flags: AddServiceFlags,
  manifest: Manifest,
  root: string,
  interactive: boolean,
): Promise<AddServiceAnswers> {
  const nameProblem = newServiceNameProblem(name, manifest, root);
  if (nameProblem) throw new UsageError(nameProblem);
  let entity = flags.entity;
  if (entity === undefined && interactive) {
    entity = answered(
      await clack.text({
        message: `Main entity of ${name}?`,
        placeholder: defaultEntity(name),
        defaultValue: defaultEntity(name),
        validate: (value) => entityNameProblem(value || defaultEntity(name)),
      }),
      NOTHING_CHANGED,
    );
  }
  entity ??= defaultEntity(name);
  const entityProblem = entityNameProblem(entity);
  if (entityProblem) throw new UsageError(entityProblem);
  let db = flags.db;
  if (db === undefined && interactive) {
    db = answered(
      await clack.select<Database>({
        message: `Database of ${name}?`,
        initialValue: manifest.db ?? 'sqlite',
        options: DATABASES.map((value) => ({ value, label: databaseLabel(value) })),
      }),
      NOTHING_CHANGED,
    );
  }
  db ??= manifest.db ?? 'sqlite';
  const databaseProblem = serviceDatabaseProblem(name, db);
  if (databaseProblem) throw new UsageError(databaseProblem);
  const port = flags.port === undefined ? nextPort(manifest) : parsePort(flags.port, manifest);
  return { name, entity, db, port };
}

interface PlannedAddition {
  change: ChangePlan;
  conflicts: string[];
  service: ServiceContext;
  manifest: Manifest;
}

/** Step 2: every file to create and every edit, computed in memory; conflicts collected. */
export function planAddService(root: string, manifest: Manifest, answers: AddServiceAnswers): PlannedAddition {
  const existing = manifest.services;
  const dbPort = nextDatabasePort(answers.db, existing.flatMap((service) => (service.dbPort === undefined ? [] : [service.dbPort])));
  const record: ServiceRecord = {
    name: answers.name,
    entity: answers.entity,
    framework: manifest.framework,
    db: answers.db,
    port: answers.port,
    ...(dbPort === undefined ? {} : { dbPort }),
  };
  const records = [...existing, record];
  const service = serviceContext(record, records, {
    projectName: manifest.project,
    pythonVersion: manifest.python,
    packageManager: manifest.packageManager,
  });
  const templates = templatesRoot();
  const create = renderService(service, templates);
  const conflicts = [...create.keys()].filter((file) => fs.existsSync(path.join(root, file))).map((file) => `${file} already exists`);
  const modify = new Map<string, { before: string; after: string }>();
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
  if (readme !== undefined) edit('README.md', addReadmeRow(readme, renderPartial(templates, 'readme-service-row', service)), readme);

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

  const updated: Manifest = { ...manifest, services: [...manifest.services, manifestService(record)] };
  const manifestText = read(MANIFEST_FILE)!;
  modify.set(MANIFEST_FILE, { before: manifestText, after: serializeManifest(updated) });
  return { change: { create, modify }, conflicts, service, manifest: updated };
}

/**
 * What to install: the new service, plus whatever of the project has no environment yet
 * (a project generated with --no-install, or a fresh clone), since the whole project's tests
 * run afterwards.
 */
function installTargetsFor(root: string, manifest: Manifest): InstallTarget[] {
  const missing = (dir: string) => !fs.existsSync(path.join(root, dir, '.venv'));
  const [rootTarget] = projectInstallTargets([]);
  return [
    ...(missing('.') ? [rootTarget!] : []),
    ...manifest.services.filter((service) => missing(`services/${service.name}`)).map((service) => serviceInstallTarget(service.name)),
  ];
}

/** Uncommitted changes in the project's git working tree, or [] (also when not in git). */
async function uncommittedChanges(root: string): Promise<string[]> {
  const status = await execa('git', ['status', '--porcelain', '--', '.'], { cwd: root, reject: false, stdin: 'ignore' }).catch(
    () => undefined,
  );
  if (!status || status.exitCode !== 0) return [];
  return status.stdout.split('\n').filter(Boolean);
}

/** Secrets in dotenv files stay off the screen (and out of CI logs) in a dry run. */
const hideSecrets = (text: string): string => text.replace(/^([A-Z0-9_]*(?:SECRET|PASSWORD)[A-Z0-9_]*)=.*$/gm, '$1=<hidden>');

function diffOf(file: string, before: string, after: string): string {
  const [a, b] = /(^|\/)\.env$/.test(file) ? [hideSecrets(before), hideSecrets(after)] : [before, after];
  return createTwoFilesPatch(`a/${file}`, `b/${file}`, a, b, '', '', { context: 2 })
    .split('\n')
    .slice(1)
    .map((line) => (line.startsWith('+') && !line.startsWith('+++') ? pc.green(line) : line.startsWith('-') && !line.startsWith('---') ? pc.red(line) : line))
    .join('\n');
}

export async function runAddService(name: string, flags: AddServiceFlags, env: CommandEnv): Promise<void> {
  const { reporter } = env;
  reporter.intro(`create-layered-backend ${env.version}: add-service`);
  const root = findProjectRoot(path.resolve(env.cwd, flags.cwd ?? '.'));
  const manifest = readManifest(root);
  if (flags.gitCheck && !flags.dryRun) {
    const dirty = await uncommittedChanges(root);
    if (dirty.length > 0) {
      throw new UsageError('The project has uncommitted changes; commit or stash them first, so that this change can be seen and undone on its own.', [
        ...dirty.slice(0, 10).map((line) => `  ${line}`),
        ...(dirty.length > 10 ? [`  ... and ${dirty.length - 10} more`] : []),
        'Or pass --no-git-check to go ahead anyway.',
      ]);
    }
  }
  const answers = await gatherAddAnswers(name, flags, manifest, root, env.interactive);
  const planned = planAddService(root, manifest, answers);
  if (planned.conflicts.length > 0) {
    throw new UsageError(`Cannot add ${name}: nothing was changed.`, planned.conflicts.map((conflict) => `  ${conflict}`));
  }
  const relativeRoot = path.relative(env.cwd, root) || '.';
  const created = [...planned.change.create.keys()].sort();
  if (flags.dryRun) {
    reporter.note(created.join('\n'), `Would create ${created.length} files in ${relativeRoot}`);
    for (const [file, { before, after }] of planned.change.modify) reporter.note(diffOf(file, before, after), `Would change ${file}`);
    reporter.outro('Dry run: nothing was changed.');
    return;
  }
  if (flags.install) await assertInstallTools(manifest.packageManager);

  applyChange(root, planned.change);
  reporter.success(
    `Added ${name} (${planned.service.entity.label} at /api/v1/${planned.service.entity.routePath}, ${databaseLabel(answers.db)}, port ${answers.port}): ${created.length} files created, ${planned.change.modify.size} changed`,
  );
  const cd = relativeRoot === '.' ? '' : `cd ${relativeRoot} && `;
  onInterruptSay(`Interrupted: ${name} was added; finish with: ${cd}make install-service-${name} && make test`);

  let failure;
  if (flags.install) failure = await runInstallTargets(root, installTargetsFor(root, planned.manifest), reporter);
  if (flags.install && flags.test && !failure) failure = (await testProject(root, reporter)).failure;
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
