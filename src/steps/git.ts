/**
 * What the commands ask git: initialising a repository with a first commit, when git is
 * there and the project is not already inside a repository; the uncommitted changes of an
 * existing project, before add-service changes it.
 */
import path from 'node:path';
import { GENERATOR_NAME } from '../context.js';
import { UsageError } from '../errors.js';
import { LOCK_FILE } from '../lock.js';

type GitOutcome =
  | { kind: 'committed' }
  | { kind: 'skipped'; reason: string }
  | { kind: 'failed'; reason: string };

async function git(args: string[], cwd: string) {
  const { execa } = await import('execa');
  return execa('git', args, { cwd, reject: false, stdin: 'ignore' });
}

const INITIAL_COMMIT_MESSAGE = `Initial commit from ${GENERATOR_NAME}`;
/** The commands initRepository runs, for a user finishing a run by hand. */
export const INIT_COMMANDS = `git init && git add -A && git commit -m "${INITIAL_COMMIT_MESSAGE}"`;

/** Why initRepository would leave `projectDir` alone, or undefined when it would commit. */
export async function gitSkipReason(projectDir: string): Promise<string | undefined> {
  const { execa } = await import('execa');
  const version = await execa('git', ['--version'], { reject: false, stdin: 'ignore' }).catch(() => undefined);
  if (!version || version.exitCode !== 0) return 'git is not installed';
  const inside = await git(['rev-parse', '--is-inside-work-tree'], path.dirname(projectDir));
  if (inside.exitCode === 0 && inside.stdout.trim() === 'true') return 'the project is inside an existing git repository';
  const existing = await git(['rev-parse', '--git-dir'], projectDir);
  if (existing.exitCode === 0) return 'the directory already has a git repository';
  return undefined;
}

export async function initRepository(projectDir: string): Promise<GitOutcome> {
  const reason = await gitSkipReason(projectDir);
  if (reason) return { kind: 'skipped', reason };
  for (const args of [
    ['init', '--quiet'],
    ['add', '--all'],
    ['commit', '--quiet', '--no-verify', '-m', INITIAL_COMMIT_MESSAGE],
  ]) {
    const result = await git(args, projectDir);
    if (result.exitCode !== 0) {
      const reason = (result.stderr || result.stdout).trim().split('\n').slice(-3).join(' ');
      return { kind: 'failed', reason: `git ${args[0]} failed: ${reason}` };
    }
  }
  return { kind: 'committed' };
}

/** Uncommitted changes in the project's git working tree, or [] (also when not in git). */
async function uncommittedChanges(root: string): Promise<string[]> {
  // Our own lock file is there while this run holds it; it is not a change of the user's.
  const args = ['status', '--porcelain', '--', '.', `:(exclude)${LOCK_FILE}`];
  const status = await git(args, root).catch(() => undefined);
  if (!status || status.exitCode !== 0) return [];
  return status.stdout.split('\n').filter(Boolean);
}

/**
 * add-service's check before it changes a project: a clean working tree, so that its change
 * can be seen and undone on its own. A UsageError listing the changes otherwise.
 */
export async function assertNoUncommittedChanges(root: string): Promise<void> {
  const dirty = await uncommittedChanges(root);
  if (dirty.length === 0) return;
  throw new UsageError('The project has uncommitted changes; commit or stash them first, so that this change can be seen and undone on its own.', [
    ...dirty.slice(0, 10).map((line) => `  ${line}`),
    ...(dirty.length > 10 ? [`  ... and ${dirty.length - 10} more`] : []),
    'Or pass --no-git-check to go ahead anyway.',
  ]);
}
