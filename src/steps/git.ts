/**
 * Initialising a repository with a first commit, when git is there and the project is not
 * already inside a repository.
 */
import path from 'node:path';
import { execa } from 'execa';
import { GENERATOR_NAME } from '../context.js';

export type GitOutcome =
  | { kind: 'committed' }
  | { kind: 'skipped'; reason: string }
  | { kind: 'failed'; reason: string };

async function git(args: string[], cwd: string) {
  return execa('git', args, { cwd, reject: false, stdin: 'ignore' });
}

export async function initRepository(projectDir: string): Promise<GitOutcome> {
  const version = await execa('git', ['--version'], { reject: false, stdin: 'ignore' }).catch(() => undefined);
  if (!version || version.exitCode !== 0) return { kind: 'skipped', reason: 'git is not installed' };
  const inside = await git(['rev-parse', '--is-inside-work-tree'], path.dirname(projectDir));
  if (inside.exitCode === 0 && inside.stdout.trim() === 'true') {
    return { kind: 'skipped', reason: 'the project is inside an existing git repository' };
  }
  const existing = await git(['rev-parse', '--git-dir'], projectDir);
  if (existing.exitCode === 0) return { kind: 'skipped', reason: 'the directory already has a git repository' };
  for (const args of [
    ['init', '--quiet'],
    ['add', '--all'],
    ['commit', '--quiet', '--no-verify', '-m', `Initial commit from ${GENERATOR_NAME}`],
  ]) {
    const result = await git(args, projectDir);
    if (result.exitCode !== 0) {
      const reason = (result.stderr || result.stdout).trim().split('\n').slice(-3).join(' ');
      return { kind: 'failed', reason: `git ${args[0]} failed: ${reason}` };
    }
  }
  return { kind: 'committed' };
}
