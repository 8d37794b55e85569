/**
 * The first test pass: what `make test` at the project root runs, as the generated README
 * documents, with the suites side by side.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Reporter } from '../ui.js';
import type { StepFailure } from './install.js';
import { combinedResult, failureCause, formatSeconds, runJobs, type Job, type JobOutcome } from './parallel.js';
import type { PhaseTimes } from './phases.js';
import { runStreamed } from './run.js';

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

/**
 * The first test pass: what `make test` runs, each suite in its own process, side by side; a
 * line per suite as it ends, and the output of each failed suite under its name.
 */
export async function testProject(
  projectDir: string,
  reporter: Reporter,
  times?: PhaseTimes,
): Promise<{ failure?: StepFailure; summary: TestSummary }> {
  const jobs = testJobs(projectDir);
  reporter.step(`Running the first test pass: ${jobs.map((job) => job.label).join(', ')}, in parallel (make test)`);
  const start = performance.now();
  const outcomes = await runJobs(
    jobs,
    (job) => runStreamed('make', ['--no-print-directory', job.target], { cwd: projectDir }),
    (outcome) => (outcome.result.ok ? reporter.success(suiteLine(outcome)) : reporter.error(suiteLine(outcome))),
  );
  times?.set('tests', (performance.now() - start) / 1000);
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
