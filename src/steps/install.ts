/**
 * Installing a generated project: one virtual environment per service (each service's
 * package is `app`, so they never share one) and the root tooling environment. The commands
 * live in the generated Makefile; the CLI runs its targets in two phases: first what every
 * environment needs (with uv, resolving the whole repository once into uv.lock; with pip,
 * the one pip that installs them all, and every package they need, resolved once and
 * downloaded into .venv/wheels), then the environments themselves, side by side. A new uv
 * project is resolved from uv's cache instead when it can be, and the index asked while the
 * environments install (`lockFromCache`, `lockCheck`).
 */
import type { PackageManager } from '../options.js';
import type { Reporter } from '../ui.js';
import { combinedResult, failureCause, formatSeconds, jobCommand, runJobs, type Job, type JobOutcome } from './parallel.js';
import type { PhaseTimes } from './phases.js';
import { runStreamed, type RunResult } from './run.js';

export interface StepFailure {
  step: string;
  result: RunResult;
}

export interface InstallTarget {
  target: string;
  title: string;
  /** What the line says once it is done. */
  done: string;
  /** Its name in the phase breakdown. */
  phase: 'resolve' | 'prepare';
}

/** The first phase: what every environment is installed from. */
export const prepareTarget = (packageManager: PackageManager): InstallTarget =>
  packageManager === 'uv'
    ? { target: 'lock', title: 'Resolving the dependencies of the whole project (uv.lock)', done: 'Resolved the dependencies of the whole project (uv.lock)', phase: 'resolve' }
    : {
        target: 'install-pip',
        title: 'Resolving the dependencies of the whole project (pip, into .venv/wheels)',
        done: 'Resolved and downloaded the dependencies of the whole project (.venv/wheels)',
        phase: 'prepare',
      };

export const ROOT_ENVIRONMENT: Job = { label: 'the root test tooling', target: 'install-root' };
export const serviceEnvironment = (name: string): Job => ({ label: `service ${name}`, target: `install-service-${name}` });

export interface InstallPlan {
  /** Left out for a project whose Makefile predates the phase. */
  prepare: InstallTarget | undefined;
  environments: Job[];
}

/**
 * The environments of a new project. With uv, the first service's environment is compiled
 * first, alone, and every other one (the root one too) starts after it: they link the
 * bytecode of the packages they share with it (the Makefile's scripts/share_bytecode.py)
 * rather than compile the same modules again, most of an environment's install time.
 */
export const projectInstallPlan = (packageManager: PackageManager, serviceNames: readonly string[], lock?: LockCheck): InstallPlan => {
  // With a lock from uv's cache, every environment is installed from the cache (uv would
  // otherwise ask the index again about the files it has, the build backend's among them,
  // beside the check's own questions), and waits for the lock to be final (`lockCheck`).
  const fromCache = (job: Job): Job => (lock ? { ...job, offlineFirst: true } : job);
  const [first, ...rest] = serviceNames.map(serviceEnvironment).map(fromCache);
  const afterFirst = (job: Job): Job => (packageManager === 'uv' && first ? { ...job, after: [first.target, ...(lock ? [lock.gate] : [])] } : job);
  return {
    prepare: prepareTarget(packageManager),
    environments: [afterFirst(fromCache(ROOT_ENVIRONMENT)), ...(first ? [first] : []), ...rest.map(afterFirst)],
  };
};

/**
 * The preparation, streamed: resolving the whole project (uv) or readying the one pip. A
 * failure ends the install: the environments are installed from what it makes.
 */
export async function prepareProject(projectDir: string, plan: InstallPlan, reporter: Reporter, times?: PhaseTimes): Promise<StepFailure | undefined> {
  if (!plan.prepare) return undefined;
  const { target, title, done, phase } = plan.prepare;
  const task = reporter.task(title);
  const start = performance.now();
  const result = await runStreamed('make', ['--no-print-directory', target], { cwd: projectDir, task });
  times?.set(phase, (performance.now() - start) / 1000);
  if (!result.ok) {
    task.fail(`${title} failed (make ${target}, exit ${result.exitCode ?? result.signal})`);
    return { step: `make ${target}`, result };
  }
  task.done(done);
  return undefined;
}

/** The result of a step of the CLI's own that went well (or whose trouble it reported as a warning). */
const passed = (): RunResult => ({ ok: true, exitCode: 0, signal: undefined, tail: [], output: '' });

/** What uv prints when a resolution would leave uv.lock as it is. */
export const LOCK_UNCHANGED = 'No lockfile changes detected';
/** The lock a resolution against the index would make now (every package at its newest), compared with uv.lock; nothing is written. */
const INDEX_CHECK = ['lock', '--upgrade', '--dry-run'];
const RELOCK = ['lock', '--upgrade'];

/**
 * `uv lock --offline`: the whole project resolved from uv's cache alone. A resolution against
 * the index asks it again about every package (~2 s, even when nothing changed), so a new
 * project is resolved from the cache first, and the index asked meanwhile (`lockCheck`), while
 * the first environment installs. False when the cache lacks something: resolve against the
 * index then (`prepareProject`).
 */
export async function lockFromCache(projectDir: string, reporter: Reporter, times?: PhaseTimes): Promise<boolean> {
  const start = performance.now();
  const result = await runStreamed('uv', ['lock', '--offline'], { cwd: projectDir });
  if (!result.ok) return false;
  times?.set('resolve', (performance.now() - start) / 1000);
  reporter.success("Resolved the dependencies of the whole project from uv's cache (uv.lock); asking the index for newer versions meanwhile");
  return true;
}

/** Whether a boolean environment variable of uv's is on (uv reads 1, true, yes, on, ...). */
const isSet = (value: string | undefined): boolean => value !== undefined && !['', '0', 'false', 'no', 'off', 'n', 'f'].includes(value.trim().toLowerCase());

export type IndexVerdict = { kind: 'same' } | { kind: 'newer'; changes: string[] } | { kind: 'unknown'; cause: string };

/** What `uv lock --upgrade --dry-run` says: uv.lock is what the index gives, or what would change, or nothing known. */
export function readIndexCheck(result: RunResult): IndexVerdict {
  if (!result.ok) return { kind: 'unknown', cause: `uv ${INDEX_CHECK.join(' ')}, ${result.signal ? `signal ${result.signal}` : `exit ${result.exitCode}`}` };
  if (result.output.includes(LOCK_UNCHANGED)) return { kind: 'same' };
  // `Update fastapi v0.115.0 -> v0.115.2`, `Add ...`, `Remove ...`; anything else said is taken as a change too.
  const changes = result.output
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => /^(Update|Add|Remove) /.test(line));
  return { kind: 'newer', changes };
}

export interface LockCheck {
  /** The jobs of the install run: asking the index, then making uv.lock final. */
  jobs: Job[];
  /** The job that makes uv.lock final: every other environment, every suite and the first commit wait for it. */
  gate: string;
}

/**
 * A lock from uv's cache, checked against the index while the first environment installs:
 * when the index has nothing newer (a cache used in the last few minutes), nobody waited for
 * it; when it has, uv.lock is resolved again against the index and the first environment
 * synced again, before anything else installs or tests. When the index cannot be reached,
 * uv.lock stays as the cache gave it, with a warning.
 */
export function lockCheck(projectDir: string, first: Job, reporter: Reporter, env: NodeJS.ProcessEnv = process.env): LockCheck {
  let verdict: IndexVerdict = { kind: 'unknown', cause: 'not asked' };
  const check: Job = {
    label: 'the index',
    target: 'uv-lock-check',
    command: `uv ${INDEX_CHECK.join(' ')}`,
    run: async () => {
      // Told to stay offline: uv would answer from its cache again, which is no check.
      if (isSet(env.UV_OFFLINE)) {
        verdict = { kind: 'unknown', cause: 'UV_OFFLINE is set' };
        return passed();
      }
      const result = await runStreamed('uv', INDEX_CHECK, { cwd: projectDir });
      verdict = readIndexCheck(result);
      // Not reaching the index leaves the lock as it is: a warning, not a failure.
      return { ...result, ok: true };
    },
  };
  const makeFinal = async (): Promise<RunResult> => {
    if (verdict.kind === 'same') {
      reporter.success("Checked uv.lock against the index: nothing newer than uv's cache had");
      return passed();
    }
    if (verdict.kind === 'unknown') {
      reporter.warn(`Could not ask the index about uv.lock (${verdict.cause}): it holds what uv's cache had; run uv lock --upgrade once the index answers`);
      return passed();
    }
    const shown = verdict.changes.slice(0, 3).join(', ') + (verdict.changes.length > 3 ? `, and ${verdict.changes.length - 3} more` : '');
    reporter.info(`The index has newer versions than uv's cache${shown ? ` (${shown})` : ''}: resolving again, then syncing ${first.label} again`);
    const relock = await runStreamed('uv', RELOCK, { cwd: projectDir });
    if (!relock.ok) return relock;
    const synced = await runStreamed('make', ['--no-print-directory', first.target], { cwd: projectDir });
    if (synced.ok) reporter.success(`Resolved against the index (uv.lock) and synced ${first.label} again`);
    return synced;
  };
  const gate: Job = {
    label: 'uv.lock against the index',
    target: 'uv-lock-final',
    command: `uv ${RELOCK.join(' ')} && make ${first.target}`,
    after: [check.target, first.target],
    run: makeFinal,
  };
  return { jobs: [check, gate], gate: gate.target };
}

/**
 * A step of the CLI's own as a job of the install run, after `after`: it reports itself, and
 * never fails the install (the first commit: a failed commit is a warning).
 */
export const sideJob = (label: string, target: string, after: readonly string[], step: () => Promise<void>): Job => ({
  label,
  target,
  after,
  run: async () => {
    await step();
    return passed();
  },
});

/** Run a job of an install: its own `run`, or its Makefile target (offline first, if it says so). */
export const runJob =
  (projectDir: string) =>
  async (job: Job): Promise<RunResult> => {
    if (job.run) return job.run();
    const make = (env?: Record<string, string>) => runStreamed('make', ['--no-print-directory', job.target], { cwd: projectDir, env });
    if (!job.offlineFirst) return make();
    const offline = await make({ UV_OFFLINE: '1' });
    return offline.ok ? offline : make();
  };

/** `Installing 3 environments in parallel`, and what comes with them. */
export const installingLine = (count: number, also = ''): string => `Installing ${count} environment${count === 1 ? '' : 's'} in parallel${also}`;

/** The line for an environment that ended: installed, or why not. A job of the CLI's own (`run`) tells its story itself but for a failure. */
export function reportEnvironment(outcome: JobOutcome, reporter: Reporter): void {
  if (outcome.job.run) {
    if (!outcome.result.ok) reporter.error(`${outcome.job.label} failed (${failureCause(outcome)})`);
  } else if (outcome.result.ok) reporter.success(`Installed ${outcome.job.label} (${formatSeconds(outcome.seconds)})`);
  else reporter.error(`Installing ${outcome.job.label} failed (${failureCause(outcome)})`);
}

/** The failure of a group of environments: the first that failed names the step. */
export function environmentsFailure(outcomes: readonly JobOutcome[]): StepFailure | undefined {
  const failed = outcomes.find((outcome) => !outcome.result.ok);
  return failed ? { step: jobCommand(failed.job), result: combinedResult(outcomes) } : undefined;
}

/**
 * Every environment at once (but for what one comes `after`), a line for each as it is ready;
 * the jobs of the CLI's own `before` run with them (see installAndTestProject).
 */
export async function installEnvironments(
  projectDir: string,
  environments: readonly Job[],
  reporter: Reporter,
  times?: PhaseTimes,
  before: readonly Job[] = [],
): Promise<StepFailure | undefined> {
  if (environments.length === 0) return undefined;
  reporter.step(installingLine(environments.length));
  const start = performance.now();
  const outcomes = await runJobs([...before, ...environments], runJob(projectDir), (outcome) => reportEnvironment(outcome, reporter));
  times?.set('sync', (performance.now() - start) / 1000);
  return environmentsFailure(outcomes);
}

/**
 * Run the plan: the preparation, then the environments. Stops after the preparation if it
 * fails; otherwise every environment is attempted, and the failure names each one that failed.
 */
export async function installProject(projectDir: string, plan: InstallPlan, reporter: Reporter, times?: PhaseTimes): Promise<StepFailure | undefined> {
  return (await prepareProject(projectDir, plan, reporter, times)) ?? installEnvironments(projectDir, plan.environments, reporter, times);
}
