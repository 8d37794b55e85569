/**
 * `create-layered-backend update`: bring a project to this version's templates without losing
 * its team's edits. The base is the render the generator last produced (src/pristine.ts, a git
 * ref); the same answers are rendered with this version's templates; each file is merged three
 * ways (src/merge.ts). The whole change is planned before the first write and applied through
 * the journal, holding the project lock, like add-service.
 */
import fs from 'node:fs';
import path from 'node:path';
import pc from 'picocolors';
import { applyChange, type ChangePlan } from '../apply.js';
import { GENERATOR_NAME, MANIFEST_FILE } from '../context.js';
import { ConflictError, UsageError } from '../errors.js';
import { recoverInterruptedApply } from '../journal.js';
import { withProjectLock } from '../lock.js';
import { findProjectRoot, missingServiceFolders, readManifest, serializeManifest, type Manifest } from '../manifest.js';
import { changesFiles, planUpdate, type UpdateConflict, type UpdatePlan } from '../merge.js';
import { isMachineLocal, pristineLocation, readPristine, recordPristine, renderGenerated, renderPristine, withoutMachineLocal } from '../pristine.js';
import { envEntries, syncEnvFile } from '../env-files.js';
import { assertNoUncommittedChanges } from '../steps/git.js';
import { showChangePlan } from '../ui.js';
import type { CommandEnv } from './create.js';

export interface UpdateFlags {
  cwd?: string;
  dryRun?: boolean;
  gitCheck: boolean;
  yes?: boolean;
}

/** `1.2.3` compared part by part; a pre-release suffix is ignored. Negative when a < b. */
export function compareVersions(a: string, b: string): number {
  const parts = (version: string) => version.split(/[-+]/)[0]!.split('.').map(Number);
  const [x, y] = [parts(a), parts(b)];
  for (let index = 0; index < 3; index++) {
    const difference = (x[index] ?? 0) - (y[index] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}

/** The working tree's version of a file: its bytes, none, or (a folder in the way) a binary stand-in. */
function readOurs(root: string, file: string): Buffer | undefined {
  try {
    return fs.readFileSync(path.join(root, ...file.split('/')));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    // Not a readable file (a folder, no permission): never written over, a conflict if it must change.
    return Buffer.from([0]);
  }
}

interface PlannedUpdate {
  from: string;
  plan: UpdatePlan;
  manifest: Manifest;
  theirs: Map<string, string>;
  notices: string[];
  ref: string;
}

/** Read the base and the working tree, render this version's files and merge them, in memory. */
async function planProjectUpdate(root: string, env: CommandEnv, flags: UpdateFlags): Promise<PlannedUpdate> {
  const manifest = readManifest(root, env.version, 'update');
  if (compareVersions(manifest.version, env.version) > 0) {
    throw new UsageError(`The project is at ${GENERATOR_NAME} ${manifest.version}, newer than this ${env.version}: nothing to update to.`, [
      `Run the newer one: npx ${GENERATOR_NAME}@latest update`,
    ]);
  }
  const location = await pristineLocation(root);
  if ('reason' in location) {
    throw new UsageError(`update keeps what the generator last produced in git, and ${location.reason}.`, [
      `Fix: git init && git add -A && git commit -m "Project as it is", then npx ${GENERATOR_NAME}@${manifest.version} update`,
      `(run by ${manifest.version}, the version that wrote the project, update records that base and changes no file).`,
    ]);
  }
  if (flags.gitCheck && !flags.dryRun) await assertNoUncommittedChanges(root);
  const notices: string[] = [];
  let base = await readPristine(root, location);
  if (!base) {
    // A project created without git (or before this command existed): its base can be
    // rendered again exactly only by the version that wrote it.
    if (manifest.version !== env.version) {
      throw new UsageError(`No record of what ${GENERATOR_NAME} ${manifest.version} generated for this project (git has no ${location.ref}).`, [
        `Record it with that version (it changes no file): npx ${GENERATOR_NAME}@${manifest.version} update`,
        `then run this update again.`,
      ]);
    }
    const year = new Date().getFullYear();
    const files = new Map([...renderPristine(manifest, year)].map(([file, text]) => [file, Buffer.from(text, 'utf8')]));
    base = { ref: location.ref, commit: '', files, version: manifest.version, year };
    notices.push(`No base was recorded (${location.ref}): this version wrote the project, so its render of ${MANIFEST_FILE} is the base.`);
  }
  const updated: Manifest = { ...manifest, version: env.version };
  const generated = renderGenerated(updated, base.year ?? new Date().getFullYear());
  const theirs = withoutMachineLocal(generated);

  const missing = missingServiceFolders(root, manifest).map((name) => `services/${name}/`);
  if (missing.length > 0) notices.push(`Left out, their folders being gone: ${missing.join(', ')}.`);
  const paths = [...new Set([...base.files.keys(), ...theirs.keys()])].filter(
    (file) => file !== MANIFEST_FILE && !isMachineLocal(file) && !missing.some((folder) => file.startsWith(folder)),
  );
  const from = base.version ?? manifest.version;
  const plan = await planUpdate(
    paths,
    (file) => ({ base: base.files.get(file), ours: readOurs(root, file), theirs: theirs.get(file) }),
    { ours: 'yours', base: `${GENERATOR_NAME} ${from}`, theirs: `${GENERATOR_NAME} ${env.version}` },
  );
  // The manifest is edited, not merged: only its version changes; fields it does not know stay.
  if (manifest.version !== env.version) {
    const before = fs.readFileSync(path.join(root, MANIFEST_FILE), 'utf8');
    plan.change.modify.set(MANIFEST_FILE, { before, after: serializeManifest(updated) });
  }
  // .env files are each machine's own: never merged. A key new in this version is appended
  // with the value a new project gets (src/env-files.ts); the rest of the file stays.
  const localFiles = [...generated.keys()]
    .filter((file) => isMachineLocal(file) || (file.endsWith('.env.example') && !generated.has(file.replace(/\.example$/, ''))))
    .map((file) => file.replace(/\.example$/, ''))
    .filter((file) => !missing.some((folder) => file.startsWith(folder)));
  for (const local of localFiles) {
    const ours = readOurs(root, local);
    if (ours === undefined || ours.includes(0)) continue;
    // `make install` copies the example when a machine has no .env: the example is its render then.
    const source = generated.get(local) ?? generated.get(`${local}.example`)!;
    const previousExample = base.files.get(`${local}.example`);
    const previousKeys = previousExample && new Set(envEntries(previousExample.toString('utf8')).keys());
    const before = ours.toString('utf8');
    const synced = syncEnvFile(before, source, previousKeys);
    if (synced.added.length > 0) {
      plan.change.modify.set(local, { before, after: synced.text });
      notices.push(`${local} (git-ignored, not in git diff): added ${synced.added.join(', ')}, new in ${env.version}.`);
    }
    if (synced.emptyHere.length > 0) notices.push(`${local}: empty here, set in a new project: ${synced.emptyHere.join(' ')}`);
  }
  for (const file of plan.keptEdited) notices.push(`${file} is no longer generated; kept, since you changed it.`);
  return { from, plan, manifest: updated, theirs, notices, ref: location.ref };
}

const count = (n: number, what: string): string => `${n} ${what}${n === 1 ? '' : 's'}`;

function summaryOf(plan: UpdatePlan): string {
  const { create, modify, remove = [] } = plan.change;
  return [
    count(modify.size, 'file') + ' changed',
    plan.merged.length > 0 ? `${plan.merged.length} of them merged with your edits` : '',
    create.size > 0 ? `${create.size} created` : '',
    remove.length > 0 ? `${remove.length} removed` : '',
    plan.conflicts.length > 0 ? count(plan.conflicts.length, 'conflict') : '',
  ]
    .filter(Boolean)
    .join(', ');
}

const conflictLine = (conflict: UpdateConflict, ref: string): string =>
  conflict.why === 'markers'
    ? `  ${conflict.file}: both changed the same lines; resolve the <<<<<<< markers`
    : conflict.why === 'binary'
      ? `  ${conflict.file}: both changed it, and it is not text; yours is kept (ours: git show ${ref}:${conflict.file})`
      : `  ${conflict.file}: you deleted it and the generator changed it; left deleted (ours: git show ${ref}:${conflict.file})`;

async function showDryRun(env: CommandEnv, change: ChangePlan, root: string): Promise<void> {
  const relativeRoot = path.relative(env.cwd, root) || '.';
  await showChangePlan(env.reporter, [...change.create.keys()].sort(), change.modify, relativeRoot);
  if (change.remove?.length) env.reporter.note(change.remove.join('\n'), `Would remove ${change.remove.length} files (no longer generated, unchanged)`);
}

export async function runUpdate(flags: UpdateFlags, env: CommandEnv): Promise<void> {
  const { reporter } = env;
  reporter.intro(`create-layered-backend ${env.version}: update`);
  const root = findProjectRoot(path.resolve(env.cwd, flags.cwd ?? '.'));
  const done = await withProjectLock(root, reporter, async () => {
    recoverInterruptedApply(root, reporter);
    const planned = await planProjectUpdate(root, env, flags);
    const { plan } = planned;
    for (const notice of planned.notices) reporter.info(notice);
    if (!changesFiles(plan) && plan.conflicts.length === 0) {
      if (!flags.dryRun) await recordPristine(root, planned.manifest, { version: env.version, command: 'update', plan: planned.theirs });
      reporter.outro(`Already up to date with ${GENERATOR_NAME} ${env.version}: nothing to change.`);
      return undefined;
    }
    const summary = summaryOf(plan);
    if (flags.dryRun) {
      await showDryRun(env, plan.change, root);
      if (plan.conflicts.length > 0) reporter.note(plan.conflicts.map((conflict) => conflictLine(conflict, planned.ref)).join('\n'), 'Would conflict');
      reporter.outro(`Dry run (${summary}): nothing was changed.`);
      return undefined;
    }
    if (env.interactive) {
      const { askApplyUpdate } = await import('../prompts.js');
      if (!(await askApplyUpdate(`${planned.from} -> ${env.version}: ${summary}`))) {
        reporter.outro('Nothing was changed.');
        return undefined;
      }
    }
    applyChange(root, plan.change, 'update');
    const recorded = await recordPristine(root, planned.manifest, { version: env.version, command: 'update', plan: planned.theirs }).catch(
      (error: Error) => ({ kind: 'skipped' as const, reason: error.message }),
    );
    if (recorded.kind === 'skipped') reporter.warn(`The new base was not recorded (${recorded.reason}); the next update merges from the old one.`);
    return { planned, summary };
  });
  if (!done) return;
  const { planned, summary } = done;
  const { plan } = planned;
  reporter.success(`Updated from ${planned.from} to ${env.version}: ${summary}`);
  if (plan.merged.length > 0) reporter.info(`Merged with your edits: ${plan.merged.join(', ')}`);
  if (plan.conflicts.length > 0) {
    throw new ConflictError(`${count(plan.conflicts.length, 'file')} conflict between your edits and ${GENERATOR_NAME} ${env.version}:`, [
      ...plan.conflicts.map((conflict) => conflictLine(conflict, planned.ref)),
      'Resolve them, then review and commit: git diff && git add -A && git commit -m "Update to ' + `${GENERATOR_NAME} ${env.version}"`,
    ]);
  }
  reporter.note(`git diff    # review\ngit add -A && git commit -m "Update to ${GENERATOR_NAME} ${env.version}"`, 'Next steps');
  reporter.outro(pc.green('Done.'));
}
