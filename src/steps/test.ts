/**
 * The first test pass: `make test` at the project root, as the generated README documents.
 */
import type { Reporter } from '../ui.js';
import type { StepFailure } from './install.js';
import { runStreamed } from './run.js';

export interface TestSummary {
  /** pytest's summary lines ("12 passed in 1.23s"), one per test run. */
  summaries: string[];
}

const PYTEST_SUMMARY = /^=+ (.*(?:passed|failed|skipped|error).*) =+$/;

export function pytestSummaries(output: string): string[] {
  return output
    .split('\n')
    .map((line) => PYTEST_SUMMARY.exec(line.trim())?.[1])
    .filter((line): line is string => line !== undefined);
}

export async function testProject(
  projectDir: string,
  reporter: Reporter,
): Promise<{ failure?: StepFailure; summary: TestSummary }> {
  const task = reporter.task('Running the first test pass (make test)');
  const result = await runStreamed('make', ['--no-print-directory', 'test'], { cwd: projectDir, task });
  const summary = { summaries: pytestSummaries(result.output) };
  if (!result.ok) {
    task.fail(`Tests failed (make test, exit ${result.exitCode ?? result.signal})`);
    return { failure: { step: 'make test', result }, summary };
  }
  task.done(`Tests passed: ${summary.summaries.join('; ') || 'make test succeeded'}`);
  return { summary };
}
