/**
 * The merge planner of `update`: for each file, its three versions (base = what the generator
 * last produced, ours = the working tree, theirs = what this version produces) decide what
 * happens to it. Where both sides changed a text file, `git merge-file` merges them: the git
 * binary is there already (the base lives in git), it is the reference implementation of
 * these semantics, and no diff3 code has to be bundled. It runs only for files both sides
 * changed, so a project of hundreds of files costs a handful of processes.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ChangePlan } from './apply.js';

export interface FileVersions {
  base?: Buffer;
  ours?: Buffer;
  theirs?: string;
}

export type Decision =
  /** Nothing to do: the working tree already holds the right file (or none is wanted). */
  | { kind: 'keep'; why: 'unchanged' | 'ours-only' | 'both-same' | 'gone' | 'deleted-by-you' }
  /** The new version is written as it is. */
  | { kind: 'write'; why: 'theirs-only' | 'added' }
  /** Both sides changed the file: a three-way merge decides, clean or with conflict markers. */
  | { kind: 'merge' }
  /** No longer generated and never edited: removed. */
  | { kind: 'remove' }
  /** No longer generated, but edited by the user: kept, with a notice. */
  | { kind: 'keep-edited' }
  /** Both sides changed it and no markers can be written: the user's version stays. */
  | { kind: 'conflict'; why: 'binary' | 'deleted-by-you' };

/** git's own test for a binary file: a NUL byte in its first 8000 bytes. */
export const isBinary = (contents: Buffer | undefined): boolean => contents !== undefined && contents.subarray(0, 8000).includes(0);

const same = (a: Buffer | undefined, b: Buffer | undefined): boolean => a !== undefined && b !== undefined && a.equals(b);

/** What to do with one file, from its three versions. Pure: the table of cases is its test. */
export function decide({ base, ours, theirs }: FileVersions): Decision {
  const next = theirs === undefined ? undefined : Buffer.from(theirs, 'utf8');
  if (next === undefined) {
    if (ours === undefined || base === undefined) return { kind: 'keep', why: 'gone' };
    return same(ours, base) ? { kind: 'remove' } : { kind: 'keep-edited' };
  }
  if (ours === undefined) {
    if (base === undefined) return { kind: 'write', why: 'added' };
    // The user deleted a generated file: that stands unless the generator changed it since.
    return same(next, base) ? { kind: 'keep', why: 'deleted-by-you' } : { kind: 'conflict', why: 'deleted-by-you' };
  }
  if (same(ours, next)) return { kind: 'keep', why: same(ours, base) ? 'unchanged' : 'both-same' };
  if (base !== undefined && same(next, base)) return { kind: 'keep', why: 'ours-only' };
  if (base !== undefined && same(ours, base)) return { kind: 'write', why: 'theirs-only' };
  // Both changed it (or both created it, differently: merged against an empty base).
  if (isBinary(base) || isBinary(ours) || isBinary(next)) return { kind: 'conflict', why: 'binary' };
  return { kind: 'merge' };
}

export interface MergeLabels {
  ours: string;
  base: string;
  theirs: string;
}

export interface MergeResult {
  text: string;
  /** Conflicting hunks, written with markers; 0 for a clean merge. */
  conflicts: number;
}

/** `git merge-file -p`: three versions in temporary files, the merge on stdout. */
export async function mergeFile(versions: { base: Buffer; ours: Buffer; theirs: string }, labels: MergeLabels): Promise<MergeResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'layered-backend-merge-'));
  try {
    const files = { ours: path.join(dir, 'ours'), base: path.join(dir, 'base'), theirs: path.join(dir, 'theirs') };
    fs.writeFileSync(files.ours, versions.ours);
    fs.writeFileSync(files.base, versions.base);
    fs.writeFileSync(files.theirs, versions.theirs);
    const { execa } = await import('execa');
    const result = await execa(
      'git',
      ['merge-file', '-p', '-L', labels.ours, '-L', labels.base, '-L', labels.theirs, files.ours, files.base, files.theirs],
      { reject: false, stdin: 'ignore', stripFinalNewline: false },
    );
    // The exit code is the number of conflicts (0-127); a negative one (255) is an error.
    const code = result.exitCode ?? -1;
    if (code < 0 || code > 127) throw new Error(`git merge-file failed: ${String(result.stderr).trim()}`);
    return { text: String(result.stdout), conflicts: code };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export type Merger = (versions: { base: Buffer; ours: Buffer; theirs: string }, labels: MergeLabels) => Promise<MergeResult>;

export interface UpdateConflict {
  file: string;
  /** `markers`: written with conflict markers; otherwise the user's version was kept. */
  why: 'markers' | 'binary' | 'deleted-by-you';
}

export interface UpdatePlan {
  change: ChangePlan;
  /** Files merged cleanly from both sides' changes. */
  merged: string[];
  conflicts: UpdateConflict[];
  /** Files no longer generated but edited by the user: kept. */
  keptEdited: string[];
  /** Every file's decision, for tests and the dry run. */
  decisions: Map<string, Decision>;
}

/**
 * Whether a working-tree file has Windows line endings where the generator writes Unix ones:
 * git's `core.autocrlf` converts every line of a text file on checkout. Such a file is
 * compared and merged with its line endings made Unix, and what is written to it gets them
 * back, so that the conversion alone is never a change of yours, nor a conflict.
 */
export function checkedOutWithCrlf(ours: Buffer | undefined, base: Buffer | undefined): boolean {
  if (ours === undefined || isBinary(ours) || (base !== undefined && base.includes('\r\n'))) return false;
  const lineFeeds = count(ours, 0x0a);
  return lineFeeds > 0 && ours.toString('latin1').split('\r\n').length - 1 === lineFeeds;
}

function count(buffer: Buffer, byte: number): number {
  let found = 0;
  for (let index = buffer.indexOf(byte); index !== -1; index = buffer.indexOf(byte, index + 1)) found++;
  return found;
}

const toLf = (buffer: Buffer): Buffer => Buffer.from(buffer.toString('latin1').replaceAll('\r\n', '\n'), 'latin1');
const toCrlf = (text: string): string => text.replace(/\r?\n/g, '\r\n');

/**
 * Plan the update of every file of `paths`. `versions(file)` gives its three versions; the
 * plan's changes are relative to the working tree (`before` is ours).
 */
export async function planUpdate(
  paths: Iterable<string>,
  versions: (file: string) => FileVersions,
  labels: MergeLabels,
  merge: Merger = mergeFile,
): Promise<UpdatePlan> {
  const plan: UpdatePlan = {
    change: { create: new Map(), modify: new Map(), remove: [] },
    merged: [],
    conflicts: [],
    keptEdited: [],
    decisions: new Map(),
  };
  for (const file of [...new Set(paths)].sort()) {
    const onDisk = versions(file);
    const before = onDisk.ours?.toString('utf8') ?? '';
    const crlf = checkedOutWithCrlf(onDisk.ours, onDisk.base);
    const version = crlf ? { ...onDisk, ours: toLf(onDisk.ours!) } : onDisk;
    const written = (text: string) => (crlf ? toCrlf(text) : text);
    const decision = decide(version);
    plan.decisions.set(file, decision);
    switch (decision.kind) {
      case 'write':
        if (version.ours === undefined) plan.change.create.set(file, version.theirs!);
        else plan.change.modify.set(file, { before, after: written(version.theirs!) });
        break;
      case 'merge': {
        const result = await merge({ base: version.base ?? Buffer.alloc(0), ours: version.ours!, theirs: version.theirs! }, labels);
        plan.change.modify.set(file, { before, after: written(result.text) });
        if (result.conflicts > 0) plan.conflicts.push({ file, why: 'markers' });
        else plan.merged.push(file);
        break;
      }
      case 'remove':
        plan.change.remove!.push(file);
        break;
      case 'keep-edited':
        plan.keptEdited.push(file);
        break;
      case 'conflict':
        plan.conflicts.push({ file, why: decision.why });
        break;
      case 'keep':
        break;
    }
  }
  return plan;
}

/** Whether the plan changes any file. */
export const changesFiles = (plan: UpdatePlan): boolean =>
  plan.change.create.size + plan.change.modify.size + (plan.change.remove?.length ?? 0) > 0;
