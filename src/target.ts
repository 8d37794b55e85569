/**
 * Checks on the directory a project is written to, made before anything is written.
 */
import fs from 'node:fs';
import path from 'node:path';
import { UsageError } from './errors.js';

/** Files that may already be in a target directory without making it "not empty". */
const HARMLESS = new Set([
  '.git', '.gitattributes', '.DS_Store', 'Thumbs.db', '.idea', '.vscode', 'LICENSE', 'LICENSE.md',
  'LICENSE.txt', 'README.md', 'README', 'README.txt', 'docs', '.github',
]);

export interface TargetState {
  absolute: string;
  exists: boolean;
  /** Harmless entries already there (kept as they are). */
  existing: string[];
}

/**
 * Where the project goes and what is already there. Throws UsageError when the target is a
 * file, is not writable, or holds anything but harmless files (listing them).
 */
export function inspectTarget(directory: string, cwd: string): TargetState {
  const absolute = path.resolve(cwd, directory);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(absolute);
  } catch {
    const parent = nearestExistingParent(absolute);
    assertWritable(parent, `Cannot create ${absolute}: ${parent} is not writable.`);
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
  assertWritable(absolute, `${absolute} is not writable.`);
  assertWritable(path.dirname(absolute), `${path.dirname(absolute)} is not writable (the project is staged beside it).`);
  return { absolute, exists: true, existing: entries };
}

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
