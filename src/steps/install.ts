/**
 * Installing a generated project: one virtual environment per service (each service's
 * package is `app`, so they never share one) and the root tooling environment. The commands
 * live in the generated Makefile; the CLI runs its targets in two phases: first what every
 * environment needs (with uv, resolving the whole repository once into uv.lock; with pip,
 * the one pip that installs them all, and every package they need, resolved once and
 * downloaded into .venv/wheels), then the environments themselves, side by side.
 */
import type { PackageManager } from '../options.js';
import type { Reporter } from '../ui.js';
import { combinedResult, failureCause, formatSeconds, runJobs, type Job, type JobOutcome } from './parallel.js';
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
export const projectInstallPlan = (packageManager: PackageManager, serviceNames: readonly string[]): InstallPlan => {
  const [first, ...rest] = serviceNames.map(serviceEnvironment);
  const afterFirst = (job: Job): Job => (packageManager === 'uv' && first ? { ...job, after: [first.target] } : job);
  return {
    prepare: prepareTarget(packageManager),
    environments: [afterFirst(ROOT_ENVIRONMENT), ...(first ? [first] : []), ...rest.map(afterFirst)],
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

/** `Installing 3 environments in parallel`, and what comes with them. */
export const installingLine = (count: number, also = ''): string => `Installing ${count} environment${count === 1 ? '' : 's'} in parallel${also}`;

/** The line for an environment that ended: installed, or why not. */
export function reportEnvironment(outcome: JobOutcome, reporter: Reporter): void {
  if (outcome.result.ok) reporter.success(`Installed ${outcome.job.label} (${formatSeconds(outcome.seconds)})`);
  else reporter.error(`Installing ${outcome.job.label} failed (${failureCause(outcome)})`);
}

/** The failure of a group of environments: the first that failed names the step. */
export function environmentsFailure(outcomes: readonly JobOutcome[]): StepFailure | undefined {
  const failed = outcomes.find((outcome) => !outcome.result.ok);
  return failed ? { step: `make ${failed.job.target}`, result: combinedResult(outcomes) } : undefined;
}

/** Every environment at once (but for what one comes `after`), a line for each as it is ready. */
export async function installEnvironments(projectDir: string, environments: readonly Job[], reporter: Reporter, times?: PhaseTimes): Promise<StepFailure | undefined> {
  if (environments.length === 0) return undefined;
  reporter.step(installingLine(environments.length));
  const start = performance.now();
  const outcomes = await runJobs(
    environments,
    (job) => runStreamed('make', ['--no-print-directory', job.target], { cwd: projectDir }),
    (outcome) => reportEnvironment(outcome, reporter),
  );
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
