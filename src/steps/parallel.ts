/**
 * Running several Makefile targets side by side (the environments of a project, its test
 * suites), each with its output kept apart: one line per target as it ends, and on failure
 * the tail of each failed target under its own heading, never an interleaving of them.
 */
import os from 'node:os';
import type { RunResult } from './run.js';

export interface Job {
  /** What the user reads: `users`, `the root environment`. */
  label: string;
  /** The Makefile target. */
  target: string;
  /**
   * Targets of jobs in the same run that must end (passed or failed) before this one starts:
   * what it can reuse from them, not what it needs, so a failure there does not stop it.
   */
  after?: readonly string[];
  /**
   * A job the CLI runs itself instead of the Makefile target (`target` then only names it
   * in the run), and the command a person would type for it, for the failure report.
   */
  run?: () => Promise<RunResult>;
  command?: string;
  /**
   * uv: run the target without the network first (UV_OFFLINE=1), and again with it if that
   * fails: for environments whose every package uv's cache resolved already.
   */
  offlineFirst?: boolean;
}

/** How a person would run the job: `make install-service-users`, or the job's own command. */
export const jobCommand = (job: Job): string => job.command ?? `make ${job.target}`;

export interface JobOutcome {
  job: Job;
  result: RunResult;
  seconds: number;
}

/**
 * How many jobs run at once, by default: twice the machine's cores, and at least four. A job
 * spends much of its time waiting (on the disk; on the services an end-to-end test starts),
 * so a project of a few services runs whole at once; fifty do not start fifty pytests.
 */
export const defaultConcurrency = (): number => Math.max(4, 2 * os.availableParallelism());

/**
 * Run every job, at most `limit` at a time, each as soon as the jobs it comes `after` have
 * ended, otherwise in their order; `onDone` hears each one as it ends. Every job runs even
 * when one fails (so that the report names each failure), and the outcomes come back in the
 * jobs' order, whatever order they ended in. An `after` naming no job of the run is ignored.
 */
export async function runJobs(
  jobs: readonly Job[],
  run: (job: Job) => Promise<RunResult>,
  onDone: (outcome: JobOutcome) => void = () => {},
  limit: number = defaultConcurrency(),
): Promise<JobOutcome[]> {
  const outcomes: JobOutcome[] = new Array(jobs.length);
  const targets = new Set(jobs.map((job) => job.target));
  const ended = new Set<string>();
  const waiting = jobs.map((job, index) => ({ job, index }));
  const running = new Set<Promise<void>>();
  const ready = (job: Job): boolean => (job.after ?? []).every((target) => ended.has(target) || !targets.has(target));
  const start = (job: Job, index: number): void => {
    const begun = performance.now();
    const task: Promise<void> = run(job).then((result) => {
      outcomes[index] = { job, result, seconds: (performance.now() - begun) / 1000 };
      ended.add(job.target);
      running.delete(task);
      onDone(outcomes[index]);
    });
    running.add(task);
  };
  while (waiting.length > 0 || running.size > 0) {
    while (running.size < Math.max(1, limit)) {
      const next = waiting.findIndex(({ job }) => ready(job));
      if (next < 0) break;
      const [{ job, index }] = waiting.splice(next, 1) as [{ job: Job; index: number }];
      start(job, index);
    }
    // Jobs left that can never start (an `after` cycle): run them rather than wait forever.
    if (running.size === 0) {
      const [{ job, index }] = waiting.splice(0, 1) as [{ job: Job; index: number }];
      start(job, index);
    }
    await Promise.race(running);
  }
  return outcomes;
}

export const formatSeconds = (seconds: number): string => `${seconds.toFixed(1)} s`;

/** Why a job failed, as one line: `make test-service-users, exit 2`. */
export const failureCause = ({ job, result }: JobOutcome): string =>
  `${jobCommand(job)}, ${result.signal ? `signal ${result.signal}` : `exit ${result.exitCode}`}`;

/**
 * The failed jobs' output, each under a heading that names it, in the jobs' order: what a
 * reader needs to see which one failed and why.
 */
export function failureReport(outcomes: readonly JobOutcome[]): string[] {
  const lines: string[] = [];
  for (const outcome of outcomes) {
    if (outcome.result.ok) continue;
    lines.push(`--- ${outcome.job.label} (${failureCause(outcome)}): last lines of its output ---`);
    lines.push(...outcome.result.tail.map((line) => `  ${line}`));
  }
  return lines;
}

/**
 * The outcome of a group of jobs as one result: failed when any failed, with the grouped
 * report of the failures as its tail.
 */
export function combinedResult(outcomes: readonly JobOutcome[]): RunResult {
  const failed = outcomes.filter((outcome) => !outcome.result.ok);
  return {
    ok: failed.length === 0,
    exitCode: failed[0]?.result.exitCode ?? 0,
    tail: failureReport(outcomes),
    output: outcomes.map((outcome) => outcome.result.output).join('\n'),
    signal: failed[0]?.result.signal,
  };
}
