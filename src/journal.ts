/**
 * Crash safety for a change applied to a project. Everything is staged in a folder inside the
 * project first (new files, changed files, and backups of the files they replace). Then, before
 * the first rename, a journal listing the staging folder and every planned rename is written
 * (fsync, then renamed into place). It goes after the last step. A run killed in between
 * (SIGKILL, a closed terminal, the OOM killer) leaves the journal, and the next run in the
 * project finishes the change or rolls it back before doing anything else.
 *
 * A step is done when its staged source is gone: renames are atomic, and where a rename
 * cannot cross file systems the copy is made beside the destination and renamed there.
 */
import fs from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { describeFsError, WriteError } from './errors.js';
import type { Reporter } from './ui.js';

export const JOURNAL_FILE = '.layered-backend-journal.json';
export const STAGING_PREFIX = '.layered-backend-staging-';

interface JournalStep {
  /** Project-relative POSIX path of the file or folder it puts in place. */
  path: string;
  /**
   * `create`: a new file or folder; `replace`: a file that changes (or is new, `existed` false);
   * `remove`: a file that goes (its backup is staged first).
   */
  kind: 'create' | 'replace' | 'remove';
  existed?: boolean;
  /** sha256 of a replaced file's new contents: tells a replacement done from one never staged. */
  sha256?: string;
}

export interface Journal {
  command: 'create' | 'add-service' | 'add-entity' | 'update';
  /** Name of the staging folder in the project root. */
  staging: string;
  steps: JournalStep[];
  /** Set once a roll-back has started, so that a crash during it is rolled back too. */
  direction?: 'back';
}

const native = (root: string, relative: string): string => path.join(root, ...relative.split('/'));

export const stagedPath = (root: string, journal: Journal, part: 'new' | 'changed' | 'backup', relative: string): string =>
  native(path.join(root, journal.staging), `${part}/${relative}`);

const sourceOf = (root: string, journal: Journal, step: JournalStep): string =>
  stagedPath(root, journal, step.kind === 'create' ? 'new' : 'changed', step.path);

/** Where a copy across file systems is assembled before it is renamed into place. */
const copyOf = (target: string): string => path.join(path.dirname(target), `.${path.basename(target)}.layered-backend-copy`);

function syncDirectory(dir: string): void {
  try {
    const fd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    // Some file systems cannot sync a directory; the rename is still atomic.
  }
}

export function writeJournal(root: string, journal: Journal): void {
  const file = path.join(root, JOURNAL_FILE);
  const temporary = `${file}.tmp`;
  const fd = fs.openSync(temporary, 'w');
  try {
    fs.writeFileSync(fd, `${JSON.stringify(journal, null, 2)}\n`);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(temporary, file);
  syncDirectory(root);
}

export function readJournal(root: string): Journal | undefined {
  const file = path.join(root, JOURNAL_FILE);
  if (!fs.existsSync(file)) return undefined;
  try {
    const journal = JSON.parse(fs.readFileSync(file, 'utf8')) as Journal;
    if (typeof journal.staging === 'string' && journal.staging.startsWith(STAGING_PREFIX) && Array.isArray(journal.steps)) return journal;
  } catch {
    // reported below
  }
  throw new WriteError(`${file} is not a valid journal of an interrupted change.`, [
    'Restore the project from git (git status shows what changed), then delete that file.',
  ]);
}

/** Rename `from` to `to`; across file systems (EXDEV), copy beside `to` and rename the copy. */
function moveEntry(from: string, to: string): void {
  try {
    fs.renameSync(from, to);
    return;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
  }
  const copy = copyOf(to);
  fs.rmSync(copy, { recursive: true, force: true });
  fs.cpSync(from, copy, { recursive: true });
  // The source goes before the copy is renamed: a copy without its source is complete.
  fs.rmSync(from, { recursive: true, force: true });
  fs.renameSync(copy, to);
}

/** Finish a copy a crash interrupted, or drop it when its source is still there. */
function settleCopy(source: string, target: string): void {
  const copy = copyOf(target);
  if (!fs.existsSync(copy)) return;
  if (fs.existsSync(source)) fs.rmSync(copy, { recursive: true, force: true });
  else fs.renameSync(copy, target);
}

export const sha256 = (contents: string | Buffer): string => createHash('sha256').update(contents).digest('hex');

/** Every step is done, or can still be done: its staged source (or its copy) is there. */
function canRollForward(root: string, journal: Journal): boolean {
  return journal.direction !== 'back' && journal.steps.every((step) => {
    // A removal can always be done (or is done): its backup is staged before the journal.
    if (step.kind === 'remove') return true;
    const target = native(root, step.path);
    if (fs.existsSync(sourceOf(root, journal, step)) || fs.existsSync(copyOf(target))) return true;
    if (step.kind === 'create') return fs.existsSync(target);
    return fs.existsSync(target) && sha256(fs.readFileSync(target)) === step.sha256;
  });
}

/** Do the steps not yet done; `afterStep` runs after each rename (the crash test hook). */
export function rollForward(root: string, journal: Journal, afterStep: () => void = () => {}): void {
  for (const step of journal.steps) {
    const target = native(root, step.path);
    if (step.kind === 'remove') {
      if (!fs.existsSync(target)) continue;
      fs.rmSync(target, { force: true });
      removeEmptyParents(root, target);
      afterStep();
      continue;
    }
    const source = sourceOf(root, journal, step);
    settleCopy(source, target);
    if (!fs.existsSync(source)) continue;
    // A new entry did not exist before the change: anything there is a partial copy.
    if (step.kind === 'create') fs.rmSync(target, { recursive: true, force: true });
    moveEntry(source, target);
    afterStep();
  }
}

/** Folders a removal emptied go too (git keeps no empty folder), up to the project root. */
function removeEmptyParents(root: string, file: string): void {
  for (let dir = path.dirname(file); dir.startsWith(root + path.sep); dir = path.dirname(dir)) {
    try {
      fs.rmdirSync(dir);
    } catch {
      return;
    }
  }
}

/** Undo the steps done, newest first, from the backups in the staging folder. */
export function rollBack(root: string, journal: Journal): void {
  if (journal.direction !== 'back') writeJournal(root, { ...journal, direction: 'back' });
  for (const step of [...journal.steps].reverse()) {
    const target = native(root, step.path);
    if (step.kind === 'remove') {
      const backup = stagedPath(root, journal, 'backup', step.path);
      if (!fs.existsSync(target) && fs.existsSync(backup)) {
        fs.mkdirSync(path.dirname(target), { recursive: true });
        moveEntry(backup, target);
      }
      continue;
    }
    const source = sourceOf(root, journal, step);
    fs.rmSync(copyOf(target), { recursive: true, force: true });
    if (step.kind === 'create') {
      fs.rmSync(target, { recursive: true, force: true });
      continue;
    }
    if (fs.existsSync(source)) continue;
    const backup = stagedPath(root, journal, 'backup', step.path);
    if (!step.existed) fs.rmSync(target, { force: true });
    // No backup left: it was moved back already by a roll-back that was interrupted.
    else if (fs.existsSync(backup)) moveEntry(backup, target);
  }
}

/** The last steps of every change: the staging folder goes, then the journal. */
export function finishChange(root: string, journal: Journal): void {
  fs.rmSync(path.join(root, journal.staging), { recursive: true, force: true });
  fs.rmSync(path.join(root, JOURNAL_FILE), { force: true });
  syncDirectory(root);
}

/**
 * Before anything else in a project: finish or roll back a change a crash interrupted, and
 * remove staging folders of runs killed before they changed anything. Says which, in one line.
 * Call it holding the project lock.
 */
export function recoverInterruptedApply(root: string, reporter: Reporter): void {
  const journal = readJournal(root);
  if (journal) {
    // A new project is rolled back: the run recovering it is about to write one again.
    const forward = journal.command !== 'create' && canRollForward(root, journal);
    try {
      if (forward) rollForward(root, journal);
      else rollBack(root, journal);
      finishChange(root, journal);
    } catch (error) {
      throw new WriteError(`Could not recover an interrupted ${journal.command} in ${root}: ${describeFsError(error)}.`, [
        `Fix the cause and run the command again; the journal ${JOURNAL_FILE} says what is left to do.`,
      ]);
    }
    reporter.warn(
      forward
        ? `Recovered an interrupted ${journal.command}: finished it; the project is as after it.`
        : `Recovered an interrupted ${journal.command}: rolled back; the project is as before.`,
    );
  }
  const leftovers = fs.readdirSync(root).filter((entry) => entry.startsWith(STAGING_PREFIX) || entry === `${JOURNAL_FILE}.tmp`);
  for (const entry of leftovers) fs.rmSync(path.join(root, entry), { recursive: true, force: true });
  if (leftovers.length > 0) {
    reporter.warn(`Removed ${leftovers.join(', ')}, left by a run interrupted before it changed anything.`);
  }
}
