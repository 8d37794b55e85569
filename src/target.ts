/**
 * Checks on the directory a project is written to, made before anything is written, and the
 * plan fitted to what the directory already holds.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { ChangePlan } from './apply.js';
import { describeFsError, UsageError } from './errors.js';
import { LOCK_FILE } from './lock.js';
import type { Plan } from './render/plan.js';

/** Files that may already be in a target directory without making it "not empty". */
const HARMLESS = new Set([
  '.git', '.gitattributes', '.DS_Store', 'Thumbs.db', '.idea', '.vscode', 'LICENSE', 'LICENSE.md',
  'LICENSE.txt', 'README.md', 'README', 'README.txt', 'docs', '.github',
  // Ours, held while this run writes there; removed afterwards.
  LOCK_FILE,
]);

export interface TargetState {
  absolute: string;
  exists: boolean;
  /** Harmless entries already there (kept as they are). */
  existing: string[];
}

/**
 * Where the project goes and what is already there. Throws UsageError when the target is a
 * file, is not writable, cannot be a path at all, or holds anything but harmless files
 * (listing them).
 */
export function inspectTarget(directory: string, cwd: string): TargetState {
  const absolute = path.resolve(cwd, directory);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(absolute);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new UsageError(`Cannot create the project in ${shorten(absolute)}: ${describeFsError(error)}.`);
    }
    const parent = nearestExistingParent(absolute);
    if (!fs.statSync(parent).isDirectory()) throw new UsageError(`Cannot create ${shorten(absolute)}: ${parent} is a file, not a directory.`);
    assertWritable(parent, `Cannot create ${shorten(absolute)}: ${parent} is not writable.`);
    return { absolute, exists: false, existing: [] };
  }
  if (!stat.isDirectory()) {
    throw new UsageError(`${absolute} is a file, not a directory. Choose another project directory.`);
  }
  const entries = fs.readdirSync(absolute);
  const conflicts = entries.filter((entry) => !HARMLESS.has(entry)).sort();
  if (conflicts.length > 0) {
    const shown = conflicts.slice(0, 20).map((entry) => `  ${entry}`);
    if (conflicts.length > 20) shown.push(`  ... and ${conflicts.length - 20} more`);
    throw new UsageError(
      `${absolute} is not empty. Choose a new directory, or empty this one. It holds:`,
      shown,
    );
  }
  // The project is staged inside an existing target, so only the target must be writable.
  assertWritable(absolute, `${absolute} is not writable.`);
  return { absolute, exists: true, existing: entries };
}

/** A path too long to read in one line is shown by its start and its end. */
const shorten = (text: string): string => (text.length <= 200 ? text : `${text.slice(0, 90)}...${text.slice(-90)}`);

function nearestExistingParent(absolute: string): string {
  let current = path.dirname(absolute);
  while (!fs.existsSync(current) && path.dirname(current) !== current) current = path.dirname(current);
  return current;
}

function assertWritable(dir: string, message: string): void {
  try {
    fs.accessSync(dir, fs.constants.W_OK);
  } catch {
    throw new UsageError(message);
  }
}

export const README_BEGIN = '<!-- create-layered-backend: generated section; add-service keeps its table of services up to date -->';
export const README_END = '<!-- create-layered-backend: end of generated section -->';

/**
 * The plan for a target that already holds harmless files. The user's files win, except their
 * README.md: ours is appended to it in a delimited section, so the project's documentation and
 * its table of services (which add-service edits) are there too.
 */
export function fitToTarget(plan: Plan, target: TargetState): { change: ChangePlan; kept: string[] } {
  const change: ChangePlan = { create: new Map(), modify: new Map() };
  const kept: string[] = [];
  const readme = path.join(target.absolute, 'README.md');
  for (const [file, contents] of plan) {
    if (!target.existing.includes(file.split('/')[0]!)) change.create.set(file, contents);
    else if (file === 'README.md' && fs.statSync(readme).isFile()) {
      const before = fs.readFileSync(readme, 'utf8');
      const separator = before === '' || before.endsWith('\n') ? '' : '\n';
      change.modify.set(file, { before, after: `${before}${separator}\n${README_BEGIN}\n\n${contents.trimEnd()}\n\n${README_END}\n` });
    } else kept.push(file);
  }
  return { change, kept };
}
