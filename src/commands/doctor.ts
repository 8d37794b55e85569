/**
 * `create-layered-backend doctor`: a read-only health check of a project. It writes nothing
 * and takes no lock; a run in progress (a live lock) is reported, not waited for.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pc from 'picocolors';
import { MANIFEST_FILE } from '../context.js';
import { CliError, UsageError } from '../errors.js';
import { JOURNAL_FILE, readJournal } from '../journal.js';
import { isAlive, LOCK_FILE } from '../lock.js';
import { findProjectRoot, readManifest, type Manifest } from '../manifest.js';
import type { CheckResult } from '../doctor/types.js';
import type { CommandEnv } from './create.js';

export interface DoctorFlags {
  cwd?: string;
  json?: boolean;
}

/** Problems were found: the report said which; exit 1. */
export class DoctorProblems extends CliError {
  readonly exitCode = 1;
}

export interface DoctorReport {
  ok: boolean;
  checks: CheckResult[];
}

/** A lock held by a live run: the project may be half-changed while doctor reads it. */
function lockResult(root: string): CheckResult | undefined {
  let owner: { pid?: unknown; hostname?: unknown };
  try {
    owner = JSON.parse(fs.readFileSync(path.join(root, LOCK_FILE), 'utf8')) as { pid?: unknown; hostname?: unknown };
  } catch {
    return undefined;
  }
  // A lock of another host (a shared folder) cannot be told stale from here: it counts as live.
  if (typeof owner.pid !== 'number' || (owner.hostname === os.hostname() && !isAlive(owner.pid))) return undefined;
  return { id: 'lock', status: 'problem', message: `a create-layered-backend run is in progress (pid ${owner.pid}): the project may be mid-change`, fix: 'wait for it to finish, then run doctor again' };
}

/** A change a crash interrupted (its journal left, no run holding the lock): the project is half-changed. */
function interruptedResult(root: string): CheckResult | undefined {
  let journal;
  try {
    journal = readJournal(root);
  } catch (error) {
    const { message, details } = error as CliError;
    return { id: 'lock', status: 'problem', message, fix: details?.join(' ') || `delete ${JOURNAL_FILE}` };
  }
  if (!journal) return undefined;
  return {
    id: 'lock',
    status: 'problem',
    message: `an interrupted ${journal.command} left the project half-changed (${JOURNAL_FILE})`,
    fix: 'the next command that changes the project (add-service) finishes it or rolls it back first',
  };
}

export async function doctorReport(root: string, version: string): Promise<DoctorReport> {
  let manifest: Manifest;
  try {
    manifest = readManifest(root, version, 'doctor');
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    const checks: CheckResult[] = [{ id: 'manifest', status: 'problem', message: error.message, fix: error.details.join(' ') || `repair ${MANIFEST_FILE}` }];
    return { ok: false, checks };
  }
  const { runChecks } = await import('../doctor/registry.js');
  const lock = lockResult(root) ?? interruptedResult(root);
  const checks = [...(lock ? [lock] : []), ...(await runChecks({ root, manifest }))];
  return { ok: checks.every((check) => check.status !== 'problem'), checks };
}

const line = (check: CheckResult): string =>
  check.status === 'problem' ? `${pc.red('✗')} ${check.message} — ${check.fix}` : check.status === 'skipped' ? pc.dim(`- ${check.message}`) : `${pc.green('✓')} ${check.message}`;

export async function runDoctor(flags: DoctorFlags, env: CommandEnv): Promise<void> {
  let root: string;
  try {
    root = findProjectRoot(path.resolve(env.cwd, flags.cwd ?? '.'));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    throw new UsageError(error.message, ['Run doctor from the project (or one of its folders), or name it: doctor <dir>.']);
  }
  const report = await doctorReport(root, env.version);
  if (flags.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else for (const check of report.checks) process.stdout.write(`${line(check)}\n`);
  const problems = report.checks.filter((check) => check.status === 'problem').length;
  if (problems > 0) throw new DoctorProblems(`${problems} problem${problems > 1 ? 's' : ''} found in ${root}.`);
  if (!flags.json) process.stdout.write(`${pc.green('Healthy:')} ${report.checks.length} checks, no problem.\n`);
}
