/**
 * The first test pass: `make test` at the project root, as the generated README documents.
 */
import type { Reporter } from '../ui.js';
import type { StepFailure } from './install.js';
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

export async function testProject(
  projectDir: string,
  reporter: Reporter,
): Promise<{ failure?: StepFailure; summary: TestSummary }> {
  const task = reporter.task('Running the first test pass (make test)');
  const result = await runStreamed('make', ['--no-print-directory', 'test'], { cwd: projectDir, task });
  const summary = summarisePytest(result.output);
  if (!result.ok) {
    task.fail(`Tests failed (make test, exit ${result.exitCode ?? result.signal})`);
    return { failure: { step: 'make test', result }, summary };
  }
  task.done(`Tests passed: ${summary.summaries.join('; ') || 'make test succeeded'}`);
  for (const { reason, count } of summary.skipped) {
    reporter.warn(`Skipped ${count} test${count === 1 ? '' : 's'}: ${reason}`);
  }
  return { summary };
}
