/**
 * `create-layered-backend add-entity <service> <entity>`: a new resource in an existing
 * service, through every layer as the first one. The entity's own files are rendered from the
 * templates the first entity came from (renderEntity), with a migration chained to the
 * service's head; the files that list every entity are edited in place (src/entities.ts).
 * Everything is computed first; any conflict stops the command before the first write.
 */
import fs from 'node:fs';
import path from 'node:path';
import pc from 'picocolors';
import { applyChange, type ChangePlan } from '../apply.js';
import { MANIFEST_FILE, migrationContext, serviceContext, type ServiceContext } from '../context.js';
import { addEndpointRows, addServiceRoute, type EditResult } from '../edits.js';
import { entityEdits, newEntityProblem } from '../entities.js';
import { CancelledError, UsageError } from '../errors.js';
import { recoverInterruptedApply } from '../journal.js';
import { withProjectLock } from '../lock.js';
import { findProjectRoot, manifestSettings, readManifest, serializeManifest, serviceEntities, withEntity, type Manifest } from '../manifest.js';
import { createdTables, mappedTables, migrationHead } from '../migrations.js';
import { shellQuote } from '../options.js';
import { recordPristine } from '../pristine.js';
import { renderEntity } from '../render/project.js';
import { packagedTemplates, type TemplateSet } from '../render/templates.js';
import { assertNoUncommittedChanges } from '../steps/git.js';
import { showChangePlan } from '../ui.js';
import type { CommandEnv } from './create.js';

export interface AddEntityFlags {
  cwd?: string;
  dryRun?: boolean;
  gitCheck: boolean;
  yes?: boolean;
}

export interface PlannedEntity {
  change: ChangePlan;
  /** Why the change cannot be made safely: files in the way, files that cannot be edited. */
  conflicts: string[];
  /** Files left as they are, though the entity would be listed there (a README rewritten by hand). */
  notices: string[];
  /** The service, as seen by the new entity's templates (`entity` is the new one). */
  service: ServiceContext;
  manifest: Manifest;
}

const MODELS_DIR = 'app/models';
const VERSIONS_DIR = 'migrations/versions';

/**
 * What add-entity reads of a project: the files on disk, or a render held in memory (the
 * pristine render of a manifest, src/pristine.ts, grows its entities through the same plan).
 */
export interface ProjectFiles {
  exists(file: string): boolean;
  read(file: string): string;
  /** The `.py` files directly in a folder, by project-relative path (none when it is missing). */
  pythonFiles(dir: string): Map<string, string>;
}

/** The project on disk under `root`. */
export function diskFiles(root: string): ProjectFiles {
  return {
    exists: (file) => fs.existsSync(path.join(root, file)),
    read: (file) => fs.readFileSync(path.join(root, file), 'utf8'),
    pythonFiles(dir) {
      const full = path.join(root, dir);
      if (!fs.existsSync(full)) return new Map();
      return new Map(
        fs
          .readdirSync(full, { withFileTypes: true })
          .filter((entry) => entry.isFile() && entry.name.endsWith('.py'))
          .map((entry) => [`${dir}/${entry.name}`, fs.readFileSync(path.join(full, entry.name), 'utf8')]),
      );
    },
  };
}

/** A plan held in memory, read as a project. */
export function planFiles(plan: ReadonlyMap<string, string>): ProjectFiles {
  return {
    exists: (file) => plan.has(file) || [...plan.keys()].some((key) => key.startsWith(`${file}/`)),
    read: (file) => plan.get(file) ?? '',
    pythonFiles: (dir) =>
      new Map([...plan].filter(([file]) => file.startsWith(`${dir}/`) && !file.slice(dir.length + 1).includes('/') && file.endsWith('.py'))),
  };
}

/** Every table the service's models map or its migrations create, each with the file that does. */
function serviceTables(models: ReadonlyMap<string, string>, scripts: ReadonlyMap<string, string>): Map<string, string> {
  const tables = new Map<string, string>();
  for (const [file, text] of models) for (const table of mappedTables(text)) tables.set(table, file);
  for (const [file, text] of scripts) for (const table of createdTables(text)) if (!tables.has(table)) tables.set(table, file);
  return tables;
}

/**
 * Every file to create and every edit, computed in memory. A bad name or an unknown service is
 * a UsageError at once; what stands in the way of writing is collected in `conflicts`.
 */
export function planAddEntity(
  project: ProjectFiles,
  manifest: Manifest,
  serviceName: string,
  entity: string,
  templates: TemplateSet = packagedTemplates(),
): PlannedEntity {
  const record = manifest.services.find((service) => service.name === serviceName);
  if (!record) {
    const known = manifest.services.map((service) => service.name).join(', ');
    throw new UsageError(`The project has no service "${serviceName}" (its services: ${known}).`, [
      `Add it first with: npx create-layered-backend add-service ${shellQuote(serviceName)}`,
    ]);
  }
  const dir = `services/${record.name}`;
  if (!project.exists(dir)) {
    throw new UsageError(`${dir} is missing, though ${MANIFEST_FILE} lists ${record.name}: restore it (git checkout -- ${dir}) first.`);
  }
  const models = project.pythonFiles(`${dir}/${MODELS_DIR}`);
  const scripts = project.pythonFiles(`${dir}/${VERSIONS_DIR}`);
  const problem = newEntityProblem(entity, record.name, serviceEntities(record), serviceTables(models, scripts));
  if (problem) throw new UsageError(problem);

  const conflicts: string[] = [];
  const head = migrationHead(scripts);
  if (!project.exists(`${dir}/${VERSIONS_DIR}`)) conflicts.push(`${dir}/${VERSIONS_DIR} is missing: there is no migration to chain one to`);
  else if (!head.ok) conflicts.push(`${dir}/${VERSIONS_DIR} cannot take a new revision safely: ${head.reason}`);
  const settings = manifestSettings(manifest);
  const service: ServiceContext = {
    ...serviceContext({ ...record, entity }, manifest.services, settings),
    migration: migrationContext(head.ok ? head.head : undefined),
  };

  const create = renderEntity(service, templates);
  for (const file of create.keys()) if (project.exists(file)) conflicts.push(`${file} already exists`);
  const modify = new Map<string, { before: string; after: string }>();
  for (const { file, edit } of entityEdits(service)) {
    if (!project.exists(file)) {
      conflicts.push(`${file} is missing`);
      continue;
    }
    const before = project.read(file);
    const result = edit(before);
    if (!result.ok) conflicts.push(`${file} cannot be edited safely: ${result.reason}`);
    else if (result.text !== before) modify.set(file, { before, after: result.text });
  }
  // The READMEs list the routes: a README rewritten without its table is the user's to keep.
  const notices: string[] = [];
  const readmes: Array<[string, (text: string) => EditResult]> = [
    [`${dir}/README.md`, (text) => addEndpointRows(text, templates.partial('readme-entity-endpoints')(service))],
    ['README.md', (text) => addServiceRoute(text, record.name, `/api/v1/${service.entity.routePath}`)],
  ];
  for (const [file, edit] of readmes) {
    if (!project.exists(file)) continue;
    const before = project.read(file);
    const result = edit(before);
    if (!result.ok) notices.push(`${file} left as it is: ${result.reason}.`);
    else if (result.text !== before) modify.set(file, { before, after: result.text });
  }
  const updated: Manifest = {
    ...manifest,
    services: manifest.services.map((other) => (other === record ? withEntity(record, entity) : other)),
  };
  modify.set(MANIFEST_FILE, { before: project.read(MANIFEST_FILE), after: serializeManifest(updated) });
  return { change: { create, modify }, conflicts, notices, service, manifest: updated };
}

/**
 * Write the final plan: the one place add-entity changes the project, once every check has
 * passed and nothing about the change is left to decide. A step that must see exactly what
 * the generator wrote (a record of the pristine render) belongs here.
 */
async function applyFinalPlan(root: string, planned: PlannedEntity, before: Manifest, env: CommandEnv): Promise<void> {
  applyChange(root, planned.change, 'add-entity');
  const command = `add-entity ${planned.service.name} ${planned.service.entity.module}`;
  const recorded = await recordPristine(root, planned.manifest, { version: env.version, command, before }).catch((error: Error) => ({
    kind: 'failed' as const,
    reason: error.message,
  }));
  if (recorded.kind === 'failed') env.reporter.warn(`Could not record the generated files for update: ${recorded.reason}`);
}

/** Ask before writing, in a terminal without --yes; declining cancels the run (exit 130). */
async function confirmed(planned: PlannedEntity, env: CommandEnv): Promise<boolean> {
  if (!env.interactive) return true;
  const { confirmChange } = await import('../prompts.js');
  const { create, modify } = planned.change;
  return confirmChange(`Add ${planned.service.entity.module} to ${planned.service.name}: create ${create.size} files, change ${modify.size}?`);
}

/** Read the project, plan and apply, holding the project lock. Undefined when nothing was written. */
async function changeProject(serviceName: string, entity: string, flags: AddEntityFlags, env: CommandEnv, root: string) {
  const { reporter } = env;
  const manifest = readManifest(root, env.version, `add-entity ${shellQuote(serviceName)} ${shellQuote(entity)}`);
  const planned = planAddEntity(diskFiles(root), manifest, serviceName, entity);
  if (planned.conflicts.length > 0) {
    throw new UsageError(`Cannot add ${entity} to ${serviceName}: nothing was changed.`, planned.conflicts.map((conflict) => `  ${conflict}`));
  }
  if (flags.gitCheck && !flags.dryRun) await assertNoUncommittedChanges(root);
  for (const notice of planned.notices) reporter.info(notice);
  const relativeRoot = path.relative(env.cwd, root) || '.';
  if (flags.dryRun) {
    await showChangePlan(reporter, [...planned.change.create.keys()].sort(), planned.change.modify, relativeRoot);
    reporter.outro('Dry run: nothing was changed.');
    return undefined;
  }
  if (!(await confirmed(planned, env))) throw new CancelledError('Cancelled: nothing was changed.');
  await applyFinalPlan(root, planned, manifest, env);
  return { planned, relativeRoot };
}

export async function runAddEntity(serviceName: string, entity: string, flags: AddEntityFlags, env: CommandEnv): Promise<void> {
  const { reporter } = env;
  reporter.intro(`create-layered-backend ${env.version}: add-entity`);
  const start = path.resolve(env.cwd, flags.cwd ?? '.');
  const root = findProjectRoot(start);
  if (start !== root) reporter.warn(`No ${MANIFEST_FILE} in ${start}: using the project found above it, in ${root}.`);
  const applied = await withProjectLock(root, reporter, async () => {
    recoverInterruptedApply(root, reporter);
    return changeProject(serviceName, entity, flags, env, root);
  });
  if (!applied) return;
  const { planned, relativeRoot } = applied;
  const { service } = planned;
  const { create, modify } = planned.change;
  reporter.success(
    `Added ${service.entity.label} to ${service.name} (/api/v1/${service.entity.routePath}, migration ${service.migration.revision}): ${create.size} files created, ${modify.size} changed`,
  );
  const cd = relativeRoot === '.' ? '' : `cd ${relativeRoot} && `;
  reporter.note(
    [
      `${cd}make migrate-service-${service.name}    # creates the ${service.entity.table} table`,
      `make test`,
      `git add -A && git commit -m "Add the ${service.entity.label} entity to ${service.name}"`,
    ].join('\n'),
    'Next steps',
  );
  reporter.outro(pc.green('Done.'));
}
