/**
 * The first test pass: what `make test` at the project root runs, as the generated README
 * documents, with the suites side by side, each as soon as the environments it runs in are
 * installed.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Reporter } from '../ui.js';
import { environmentsFailure, installingLine, reportEnvironment, runJob, type StepFailure } from './install.js';
import { combinedResult, failureCause, formatSeconds, jobCommand, runJobs, type Job, type JobOutcome } from './parallel.js';
import type { PhaseTimes } from './phases.js';

export interface TestSummary {
  /** pytest's summary lines ("12 passed in 1.23s"), one per test run. */
  summaries: string[];
  /** Why tests were skipped, each reason once with how many tests it skipped. */
  skipped: Array<{ reason: string; count: number }>;
}

const PYTEST_SUMMARY = /^=+ (.*(?:passed|failed|skipped|error).*) =+$/;
/** A line of pytest's `-rs` report: `SKIPPED [3] tests/conftest.py:40: PostgreSQL ... not reachable`. */
const PYTEST_SKIP = /^SKIPPED \[(\d+)\] [^:]+(?::\d+)?: (.*)$/;

export function summarisePytest(output: string): TestSummary {
  const summaries: string[] = [];
  const skipped = new Map<string, number>();
  for (const raw of output.split('\n')) {
    const line = raw.trim();
    const summary = PYTEST_SUMMARY.exec(line)?.[1];
    if (summary) summaries.push(summary);
    const skip = PYTEST_SKIP.exec(line);
    if (skip) skipped.set(skip[2]!, (skipped.get(skip[2]!) ?? 0) + Number(skip[1]));
  }
  return { summaries, skipped: [...skipped].map(([reason, count]) => ({ reason, count })) };
}

/**
 * The test suites `make test` runs, as jobs: each service's (the folders under services/, as
 * the Makefile finds them), then the end-to-end tests.
 */
export function testJobs(projectDir: string): Job[] {
  const servicesDir = path.join(projectDir, 'services');
  const names = fs.existsSync(servicesDir)
    ? fs
        .readdirSync(servicesDir, { withFileTypes: true })
        .filter((entry) => entry.isDirectory())
        .map((entry) => entry.name)
        .sort()
    : [];
  return [...names.map((name) => ({ label: name, target: `test-service-${name}` })), { label: 'end-to-end', target: 'test-root' }];
}

/** One line for a finished suite: `users: 137 passed in 5.20s (6.1 s)`. */
export function suiteLine(outcome: JobOutcome): string {
  const summary = summarisePytest(outcome.result.output).summaries.join('; ');
  if (outcome.result.ok) return `${outcome.job.label}: ${summary || 'passed'} (${formatSeconds(outcome.seconds)})`;
  return `${outcome.job.label}: ${summary ? `${summary}, ` : ''}failed (${failureCause(outcome)})`;
}

/** The end of a test pass: the failed suites, or that it passed and what it skipped. */
function reportTestPass(outcomes: readonly JobOutcome[], reporter: Reporter): { failure?: StepFailure; summary: TestSummary } {
  const result = combinedResult(outcomes);
  const summary = summarisePytest(result.output);
  if (!result.ok) {
    const failed = outcomes.filter((outcome) => !outcome.result.ok).map((outcome) => outcome.job.label);
    reporter.error(`Tests failed: ${failed.join(', ')}`);
    return { failure: { step: 'make test', result }, summary };
  }
  reporter.success(`Tests passed: ${summary.summaries.join('; ') || 'make test succeeded'}`);
  for (const { reason, count } of summary.skipped) {
    reporter.warn(`Skipped ${count} test${count === 1 ? '' : 's'}: ${reason}`);
  }
  return { summary };
}

/**
 * The suites of `testJobs`, each after the environments it runs in: a service's suite after
 * the service's environment, the end-to-end tests (which start every service) after them all.
 * An environment not being installed is taken as there.
 */
export function suitesAfter(suites: readonly Job[], environments: readonly Job[], before: readonly Job[] = []): Job[] {
  const installs = environments.map((environment) => environment.target);
  const gate = before.map((job) => job.target);
  return suites.map((suite) => {
    const own = suite.target.replace(/^test-service-/, 'install-service-');
    return { ...suite, after: [...(suite.target === 'test-root' ? installs : installs.filter((target) => target === own)), ...gate] };
  });
}

/**
 * The environments and the first test pass in one run: each suite starts as soon as the
 * environments it runs in are installed, so that a suite runs while the last environments
 * install rather than after. A suite whose environment failed is not run, and the failure
 * is the install's. The phases: `sync` until the last environment is installed, `tests`
 * from the first suite's start to the last one's end (the two overlap).
 */
export async function installAndTestProject(
  projectDir: string,
  environments: readonly Job[],
  reporter: Reporter,
  times?: PhaseTimes,
  options: {
    /** Told once every environment is installed, the suites still running. */
    onInstalled?: () => void;
    /**
     * Jobs of the CLI's own that run with the environments and that every suite waits for
     * (making a lock from uv's cache final, the first commit): a failure of theirs is the install's.
     */
    before?: readonly Job[];
  } = {},
): Promise<{ failure?: StepFailure; summary?: TestSummary }> {
  const { onInstalled = () => {}, before = [] } = options;
  const suites = suitesAfter(testJobs(projectDir), environments, before);
  // The jobs `before` count as environments: a failure of theirs is the install's.
  const installs = [...before, ...environments];
  const isEnvironment = new Set(installs.map((environment) => environment.target));
  reporter.step(installingLine(environments.length, `, then the first test pass (${suites.map((suite) => suite.label).join(', ')}): each suite once its environment is ready`));
  const start = performance.now();
  const failedEnvironments = new Set<string>();
  let environmentsLeft = installs.length;
  let testsStart: number | undefined;
  const outcomes = await runJobs(
    [...installs, ...suites],
    async (job) => {
      if (!isEnvironment.has(job.target)) {
        const blocked = installs.find((environment) => failedEnvironments.has(environment.target) && job.after?.includes(environment.target));
        if (blocked) return { ok: false, exitCode: undefined, signal: undefined, tail: [], output: '', notRun: `${jobCommand(blocked)} failed` };
        testsStart ??= performance.now();
      }
      return runJob(projectDir)(job);
    },
    (outcome) => {
      if (isEnvironment.has(outcome.job.target)) {
        if (!outcome.result.ok) failedEnvironments.add(outcome.job.target);
        reportEnvironment(outcome, reporter);
        if (--environmentsLeft === 0) {
          times?.set('sync', (performance.now() - start) / 1000);
          if (failedEnvironments.size === 0) onInstalled();
        }
      } else if (outcome.result.notRun) reporter.warn(`${outcome.job.label}: not run (${outcome.result.notRun})`);
      else if (outcome.result.ok) reporter.success(suiteLine(outcome));
      else reporter.error(suiteLine(outcome));
    },
  );
  if (testsStart !== undefined) times?.set('tests', (performance.now() - testsStart) / 1000);
  const installFailure = environmentsFailure(outcomes.filter((outcome) => isEnvironment.has(outcome.job.target)));
  if (installFailure) return { failure: installFailure };
  return reportTestPass(
    outcomes.filter((outcome) => !isEnvironment.has(outcome.job.target)),
    reporter,
  );
}
