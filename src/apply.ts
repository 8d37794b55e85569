/**
 * Writing a plan to disk without ever leaving half a project. A new directory is staged beside
 * the target and renamed into place in one step. An existing directory (a new project in a
 * folder holding only harmless files, or a change to a project) is staged inside it and filled
 * rename by rename under a journal (src/journal.ts), so a crash at any point is finished or
 * rolled back by the next run.
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from './random.js';
import { afterWriteStep } from './crash-hook.js';
import { describeFsError, WriteError } from './errors.js';
import {
  finishChange,
  JOURNAL_FILE,
  recoverInterruptedApply,
  rollBack,
  rollForward,
  sha256,
  stagedPath,
  STAGING_PREFIX,
  writeJournal,
  type Journal,
} from './journal.js';
import { isAlive, withProjectLock } from './lock.js';
import type { Plan } from './render/plan.js';
import { fitToTarget, inspectTarget, type TargetState } from './target.js';
import type { Reporter } from './ui.js';

const toNative = (root: string, relative: string): string => path.join(root, ...relative.split('/'));

/** Staging directories not yet renamed into place: removed if the process is interrupted. */
const pendingStaging = new Set<string>();

export function removePendingStaging(): void {
  for (const dir of pendingStaging) fs.rmSync(dir, { recursive: true, force: true });
  pendingStaging.clear();
}

/** Remove `target`, ignoring errors; returns what to add to a message when it stays. */
function removeQuietly(target: string): string {
  try {
    fs.rmSync(target, { recursive: true, force: true });
    return '';
  } catch (error) {
    return ` (and ${target} could not be removed: ${describeFsError(error)})`;
  }
}

/**
 * The directories a plan's files need, parents before children: every ancestor of every file,
 * once each (`a/b/c.py` needs `a` and `a/b`).
 */
export function planDirectories(plan: Plan): string[] {
  const dirs = new Set<string>();
  for (const relative of plan.keys()) {
    for (let end = relative.lastIndexOf('/'); end > 0 && !dirs.has(relative.slice(0, end)); end = relative.lastIndexOf('/', end - 1)) {
      dirs.add(relative.slice(0, end));
    }
  }
  // A parent is a prefix of its children, so it sorts before them.
  return [...dirs].sort();
}

/**
 * Write every file of `plan` under `dir` (created when missing). The tree is new, so each
 * directory is made with one mkdir, computed from the plan, and each file with one
 * open-write-close: no stat, no exists check, no recursive mkdir retrying up the tree. The
 * writes are synchronous: on this kind of tree (hundreds to thousands of small files) the
 * kernel's work per file is the cost, and the thread pool of fs.promises only adds to it.
 */
function writePlanFiles(plan: Plan, dir: string): void {
  fs.mkdirSync(dir, { recursive: true });
  for (const relative of planDirectories(plan)) fs.mkdirSync(toNative(dir, relative));
  for (const [relative, contents] of plan) fs.writeFileSync(toNative(dir, relative), contents);
}

interface WriteResult {
  written: number;
  /** Planned files not written because a harmless file of the user's was already there. */
  kept: string[];
  /** The user's files our section was appended to (README.md). */
  merged: string[];
}

const STAGING_MARK = '.staging-';
const besideStagingPrefix = (target: string): string => `.${path.basename(target)}${STAGING_MARK}`;

/** The shallowest ancestor of `dir` (or `dir` itself) that does not exist, if any. */
function firstMissingAncestor(dir: string): string | undefined {
  let missing: string | undefined;
  for (let current = dir; !fs.existsSync(current) && path.dirname(current) !== current; current = path.dirname(current)) missing = current;
  return missing;
}

/** A new directory: staged beside it, then renamed into place in one step. */
function writeNewDirectory(plan: Plan, target: string): void {
  const parent = path.dirname(target);
  const created = firstMissingAncestor(parent);
  const staging = path.join(parent, `${besideStagingPrefix(target)}${process.pid}-${randomBytes(4).toString('hex')}`);
  pendingStaging.add(staging);
  try {
    writePlanFiles(plan, staging);
    afterWriteStep();
    fs.renameSync(staging, target);
    afterWriteStep();
  } catch (error) {
    const left = removeQuietly(created ?? staging);
    throw new WriteError(`Could not write the project to ${target}: ${describeFsError(error)}${left || '. Nothing was written.'}`);
  } finally {
    pendingStaging.delete(staging);
  }
}

/**
 * Staging folders beside `target` left by a create that was killed (their pid is gone): removed,
 * with one line saying so.
 */
function removeLeftoverStaging(target: string, reporter: Reporter): void {
  const prefix = besideStagingPrefix(target);
  let entries: string[];
  try {
    entries = fs.readdirSync(path.dirname(target)).filter((entry) => entry.startsWith(prefix));
  } catch {
    return;
  }
  const removed = entries.filter((entry) => {
    const pid = Number(/^(\d+)-/.exec(entry.slice(prefix.length))?.[1]);
    if (Number.isInteger(pid) && pid !== process.pid && isAlive(pid)) return false;
    return removeQuietly(path.join(path.dirname(target), entry)) === '';
  });
  if (removed.length > 0) reporter.warn(`Removed ${removed.join(', ')}, left by an interrupted create.`);
}

const isWritableDirectory = (dir: string): boolean => {
  try {
    fs.accessSync(dir, fs.constants.W_OK);
    return fs.statSync(dir).isDirectory();
  } catch {
    return false;
  }
};

/**
 * Inspect the target and run `fn` with it. Leftovers of an interrupted create there are removed
 * first (a staging folder beside it, or a half-filled existing directory, rolled back). An
 * existing directory is locked while `fn` runs, so two runs never fill it at once.
 */
export async function withTarget<T>(directory: string, cwd: string, reporter: Reporter, fn: (target: TargetState) => Promise<T>): Promise<T> {
  const absolute = path.resolve(cwd, directory);
  removeLeftoverStaging(absolute, reporter);
  if (!isWritableDirectory(absolute)) return fn(inspectTarget(directory, cwd));
  return withProjectLock(absolute, reporter, async () => {
    recoverInterruptedApply(absolute, reporter);
    return fn(inspectTarget(directory, cwd));
  });
}

/**
 * Write a new project. A missing target is staged beside it and renamed into place; an existing
 * one (holding only harmless files) is filled like a change, the user's files winning.
 */
export function writeProject(plan: Plan, target: TargetState): WriteResult {
  if (!target.exists) {
    writeNewDirectory(plan, target.absolute);
    return { written: plan.size, kept: [], merged: [] };
  }
  const { change, kept } = fitToTarget(plan, target);
  applyChange(target.absolute, change, 'create');
  return { written: change.create.size + change.modify.size, kept, merged: [...change.modify.keys()] };
}

/** A change to an existing project: files to create, to replace and to remove, all computed first. */
export interface ChangePlan {
  create: Plan;
  modify: Map<string, { before: string; after: string }>;
  remove?: string[];
}

/** The shallowest part of `relative` that does not exist yet under `root`. */
function firstMissing(root: string, relative: string): string {
  const segments = relative.split('/');
  for (let depth = 1; depth <= segments.length; depth++) {
    const prefix = segments.slice(0, depth).join('/');
    if (!fs.existsSync(toNative(root, prefix))) return prefix;
  }
  throw new WriteError(`${relative} already exists`);
}

/**
 * Stage a change inside the project: new files, changed files and backups of the files they
 * replace, all in one staging folder; the journal of the renames to come is returned, not yet
 * written. A failure removes the staging folder: nothing was changed.
 */
export function stageChange(root: string, change: ChangePlan, command: Journal['command']): Journal {
  const mounts = [...new Set([...change.create.keys()].map((relative) => firstMissing(root, relative)))];
  const journal: Journal = {
    command,
    staging: `${STAGING_PREFIX}${process.pid}-${randomBytes(4).toString('hex')}`,
    steps: [
      ...mounts.map((mount) => ({ path: mount, kind: 'create' as const })),
      ...[...change.modify].map(([file, { after }]) => ({
        path: file,
        kind: 'replace' as const,
        existed: fs.existsSync(toNative(root, file)),
        sha256: sha256(after),
      })),
      ...(change.remove ?? []).map((file) => ({ path: file, kind: 'remove' as const, existed: true })),
    ],
  };
  const staging = path.join(root, journal.staging);
  pendingStaging.add(staging);
  try {
    writePlanFiles(change.create, path.join(staging, 'new'));
    writePlanFiles(new Map([...change.modify].map(([file, { after }]) => [file, after])), path.join(staging, 'changed'));
    for (const step of journal.steps.filter((step) => step.existed)) {
      const backup = stagedPath(root, journal, 'backup', step.path);
      fs.mkdirSync(path.dirname(backup), { recursive: true });
      fs.copyFileSync(toNative(root, step.path), backup);
    }
    return journal;
  } catch (error) {
    throw new WriteError(`${failureOf(root, command)}: ${describeFsError(error)}${removeQuietly(staging) || '. Nothing was changed.'}`);
  } finally {
    pendingStaging.delete(staging);
  }
}

const failureOf = (root: string, command: Journal['command']): string =>
  command === 'create' ? `Could not write the project to ${root}` : `Could not apply the change to ${root}`;

/**
 * Apply a change so the project ends up exactly as before or exactly as after, even when the
 * process is killed: stage everything (with backups of the files replaced) inside the project,
 * write the journal, rename new folders and changed files into place, then remove the staging
 * folder and the journal. A failure rolls back what was done; a crash is recovered by the next
 * run (recoverInterruptedApply). Call it holding the project lock.
 */
export function applyChange(root: string, change: ChangePlan, command: Journal['command'] = 'add-service'): void {
  const failed = failureOf(root, command);
  const journal = stageChange(root, change, command);
  afterWriteStep();
  try {
    writeJournal(root, journal);
  } catch (error) {
    const left = removeQuietly(path.join(root, journal.staging)) + removeQuietly(path.join(root, `${JOURNAL_FILE}.tmp`));
    throw new WriteError(`${failed}: ${describeFsError(error)}${left || '. Nothing was changed.'}`);
  }
  afterWriteStep();
  try {
    rollForward(root, journal, afterWriteStep);
    finishChange(root, journal);
  } catch (error) {
    try {
      rollBack(root, journal);
      finishChange(root, journal);
    } catch (undoError) {
      throw new WriteError(`${failed}: ${describeFsError(error)}; undoing it failed too: ${describeFsError(undoError)}.`, [
        `The next run of create-layered-backend here finishes undoing it (its journal is ${JOURNAL_FILE}).`,
      ]);
    }
    throw new WriteError(`${failed}: ${describeFsError(error)}. Nothing was changed.`);
  }
  afterWriteStep();
}
