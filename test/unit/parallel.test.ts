import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { combinedResult, failureReport, runJobs, type Job, type JobOutcome } from '../../src/steps/parallel.js';
import { formatPhases, parsePhasesLine, phasesLine, type Phase, type PhaseTimes } from '../../src/steps/phases.js';
import type { RunResult } from '../../src/steps/run.js';
import { suiteLine, testJobs } from '../../src/steps/test.js';
import { LOCK_UNCHANGED, lockCheck, projectInstallPlan, readIndexCheck, serviceEnvironment } from '../../src/steps/install.js';
import { suitesAfter } from '../../src/steps/test.js';

const result = (ok: boolean, lines: string[], exitCode = ok ? 0 : 2): RunResult => ({
  ok,
  exitCode,
  tail: lines.slice(-30),
  output: lines.join('\n'),
  signal: undefined,
});
const job = (label: string): Job => ({ label, target: `test-service-${label}` });
const outcome = (label: string, ok: boolean, lines: string[], seconds = 1): JobOutcome => ({ job: job(label), result: result(ok, lines), seconds });

describe('runJobs', () => {
  it('runs at most `limit` jobs at once, every job once, and returns them in their order whatever order they end in', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 8 }), fc.integer({ min: 1, max: 5 }), async (delays, limit) => {
        const jobs = delays.map((_, index) => job(`s${index}`));
        let running = 0;
        let most = 0;
        const ended: string[] = [];
        const outcomes = await runJobs(
          jobs,
          async (current) => {
            running++;
            most = Math.max(most, running);
            await new Promise((resolve) => setTimeout(resolve, delays[jobs.indexOf(current)]));
            running--;
            return result(true, [`output of ${current.label}`]);
          },
          (done) => ended.push(done.job.label),
          limit,
        );
        expect(most).toBeLessThanOrEqual(limit);
        expect(most).toBe(Math.min(limit, jobs.length));
        expect(outcomes.map((done) => done.job.label)).toEqual(jobs.map((current) => current.label));
        expect([...ended].sort()).toEqual(jobs.map((current) => current.label).sort());
        // Each job's output stays its own.
        expect(outcomes.map((done) => done.result.output)).toEqual(jobs.map((current) => `output of ${current.label}`));
      }),
      { numRuns: 30 },
    );
  });

  it('starts a job only once every job it comes after has ended (passed or failed), and runs them all', async () => {
    // Delays and `after` links drawn at random (each job after some of the ones before it,
    // so there is no cycle); a failed job counts as ended.
    const arbitraryJobs = fc.array(fc.record({ delay: fc.integer({ min: 0, max: 4 }), ok: fc.boolean(), after: fc.array(fc.nat(), { maxLength: 3 }) }), { minLength: 1, maxLength: 7 });
    await fc.assert(
      fc.asyncProperty(arbitraryJobs, fc.integer({ min: 1, max: 4 }), async (specs, limit) => {
        const jobs: Job[] = specs.map((spec, index) => ({
          ...job(`s${index}`),
          after: index === 0 ? [] : [...new Set(spec.after.map((pick) => `test-service-s${pick % index}`))],
        }));
        const started = new Map<string, number>();
        const ended = new Map<string, number>();
        let clock = 0;
        let running = 0;
        let most = 0;
        await runJobs(
          jobs,
          async (current) => {
            started.set(current.target, clock++);
            most = Math.max(most, ++running);
            await new Promise((resolve) => setTimeout(resolve, specs[jobs.indexOf(current)]!.delay));
            running--;
            ended.set(current.target, clock++);
            return result(specs[jobs.indexOf(current)]!.ok, []);
          },
          undefined,
          limit,
        );
        expect(most).toBeLessThanOrEqual(limit);
        for (const current of jobs) {
          expect(started.has(current.target)).toBe(true);
          for (const before of current.after ?? []) expect(ended.get(before)!).toBeLessThan(started.get(current.target)!);
        }
      }),
      { numRuns: 40 },
    );
  });

  it('ignores an `after` that names no job of the run, and runs jobs caught in a cycle rather than wait forever', async () => {
    const ran: string[] = [];
    const jobs: Job[] = [
      { ...job('a'), after: ['test-service-b'] },
      { ...job('b'), after: ['test-service-a'] },
      { ...job('c'), after: ['install-service-gone'] },
    ];
    const outcomes = await runJobs(jobs, async (current) => (ran.push(current.label), result(true, [])), undefined, 1);
    expect(ran).toEqual(['c', 'a', 'b']);
    expect(outcomes.map((done) => done.job.label)).toEqual(['a', 'b', 'c']);
  });

  it('runs every job even when an early one fails', async () => {
    const jobs = ['a', 'b', 'c'].map(job);
    const outcomes = await runJobs(jobs, async (current) => result(current.label !== 'a', []), undefined, 1);
    expect(outcomes.map((done) => done.result.ok)).toEqual([false, true, true]);
  });
});

describe('failureReport', () => {
  it.each([
    [[true, true], []],
    [[false, true], ['users']],
    [[true, false], ['orders']],
    [[false, false], ['users', 'orders']],
  ])('outcomes %j: a block for each failed job, in the jobs order, with its own lines only', (oks, failed) => {
    const outcomes = ['users', 'orders'].map((label, index) => outcome(label, oks[index]!, [`${label} line 1`, `${label} line 2`]));
    const report = failureReport(outcomes);
    const headings = report.filter((line) => line.startsWith('--- '));
    expect(headings).toEqual(failed.map((label) => `--- ${label} (make test-service-${label}, exit 2): last lines of its output ---`));
    for (const label of failed) {
      const at = report.indexOf(headings.find((heading) => heading.includes(label))!);
      expect(report.slice(at + 1, at + 3)).toEqual([`  ${label} line 1`, `  ${label} line 2`]);
    }
    // Nothing of a job that passed.
    for (const label of ['users', 'orders'].filter((name) => !failed.includes(name))) {
      expect(report.join('\n')).not.toContain(label);
    }
    expect(combinedResult(outcomes).ok).toBe(failed.length === 0);
    expect(combinedResult(outcomes).tail).toEqual(report);
  });

  it('names a job stopped by a signal by its signal', () => {
    const stopped: JobOutcome = { job: job('users'), result: { ...result(false, ['x']), exitCode: undefined, signal: 'SIGKILL' }, seconds: 1 };
    expect(failureReport([stopped])[0]).toBe('--- users (make test-service-users, signal SIGKILL): last lines of its output ---');
  });
});

describe('suiteLine', () => {
  it.each([
    [true, ['=== 137 passed in 5.20s ==='], 'users: 137 passed in 5.20s (1.5 s)'],
    [true, ['no pytest here'], 'users: passed (1.5 s)'],
    [false, ['=== 2 failed, 135 passed in 5.20s ==='], 'users: 2 failed, 135 passed in 5.20s, failed (make test-service-users, exit 2)'],
    [false, ['make: *** Error 2'], 'users: failed (make test-service-users, exit 2)'],
  ])('ok=%s %j -> %s', (ok, lines, expected) => {
    expect(suiteLine(outcome('users', ok, lines, 1.5))).toBe(expected);
  });
});

describe('testJobs', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'clb-jobs-'));
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it('a job per service folder, as make finds them, then the end-to-end tests', () => {
    for (const name of ['orders', 'users', 'billing']) fs.mkdirSync(path.join(root, 'services', name), { recursive: true });
    fs.writeFileSync(path.join(root, 'services', 'README.md'), '');
    expect(testJobs(root).map((current) => current.target)).toEqual(['test-service-billing', 'test-service-orders', 'test-service-users', 'test-root']);
  });

  it('only the end-to-end tests without services/', () => {
    expect(testJobs(path.join(root, 'nowhere')).map((current) => current.target)).toEqual(['test-root']);
  });
});

describe('phases', () => {
  it('prints the phases that ran, in order, and reads them back', () => {
    const phases: Phase[] = ['resolve', 'prepare', 'sync', 'tests'];
    fc.assert(
      fc.property(fc.subarray(phases), fc.array(fc.integer({ min: 0, max: 9999 }), { minLength: 4, maxLength: 4 }), fc.integer({ min: 0, max: 9999 }), (present, tenths, total) => {
        const times: PhaseTimes = new Map([...present].reverse().map((phase, index) => [phase, tenths[index]! / 10]));
        const parsed = parsePhasesLine(`noise\n${phasesLine(times, total / 10)}\nmore`);
        expect(parsed?.total).toBe(total / 10);
        expect(Object.keys(parsed!.phases)).toEqual(present);
        for (const phase of present) expect(parsed!.phases[phase]).toBe(times.get(phase));
      }),
    );
    expect(formatPhases(new Map([['tests', 5.06], ['resolve', 1.74]]))).toBe('resolve 1.7 s, tests 5.1 s');
  });
});

describe('projectInstallPlan', () => {
  it.each([
    ['uv', [], [[]]],
    ['uv', ['users'], [['install-service-users'], []]],
    ['uv', ['users', 'orders', 'billing'], [['install-service-users'], [], ['install-service-users'], ['install-service-users']]],
    ['pip', ['users', 'orders'], [[], [], []]],
  ] as const)('%s, services %j: with uv, the first service alone, then the root and the other services', (manager, names, afters) => {
    const plan = projectInstallPlan(manager, names);
    expect(plan.environments.map((environment) => environment.target)).toEqual(['install-root', ...names.map((name) => `install-service-${name}`)]);
    expect(plan.environments.map((environment) => environment.after ?? [])).toEqual(afters);
  });
});

describe('a lock from uv\'s cache', () => {
  const silent = { intro() {}, step() {}, info() {}, warn() {}, success() {}, error() {}, note() {}, task: () => ({ line() {}, done() {}, fail() {} }), outro() {} };
  const lock = lockCheck('/nowhere', serviceEnvironment('users'), silent);

  it('the check starts at once; what makes the lock final waits for it and for the first environment', () => {
    const [check, gate] = lock.jobs;
    expect(check!.after ?? []).toEqual([]);
    expect(gate!.target).toBe(lock.gate);
    expect(gate!.after).toEqual([check!.target, 'install-service-users']);
  });

  it.each([['users'], ['users', 'orders', 'billing']])('services %j: every environment but the first, and every suite, waits for the lock', (...names) => {
    const plan = projectInstallPlan('uv', names, lock);
    for (const environment of plan.environments) {
      if (environment.target === 'install-service-users') expect(environment.after ?? []).toEqual([]);
      else expect(environment.after).toEqual(['install-service-users', lock.gate]);
    }
    const suites = suitesAfter([...names.map((name) => ({ label: name, target: `test-service-${name}` })), { label: 'end-to-end', target: 'test-root' }], plan.environments, lock.jobs);
    for (const suite of suites) expect(suite.after).toEqual(expect.arrayContaining(lock.jobs.map((job) => job.target)));
    expect(suites.find((suite) => suite.target === 'test-root')!.after).toEqual(expect.arrayContaining(plan.environments.map((environment) => environment.target)));
  });
});

describe('readIndexCheck: what `uv lock --upgrade --dry-run` says of uv.lock', () => {
  const result = (ok: boolean, output: string, exitCode = ok ? 0 : 2) => ({ ok, exitCode, signal: undefined, tail: [], output });
  it.each([
    ['nothing newer', result(true, `Resolved 91 packages in 1.83s\n${LOCK_UNCHANGED}`), { kind: 'same' }],
    [
      'newer versions, listed',
      result(true, 'Resolved 91 packages in 1.83s\nUpdate fastapi v0.115.0 -> v0.115.2\nAdd typing-inspection v0.4.0\nRemove old-thing v1.0.0'),
      { kind: 'newer', changes: ['Update fastapi v0.115.0 -> v0.115.2', 'Add typing-inspection v0.4.0', 'Remove old-thing v1.0.0'] },
    ],
    // Anything but uv's own words for "unchanged" is taken as a change: resolving again is safe.
    ['words it does not know', result(true, 'Resolved 91 packages in 1.83s\nSomething else'), { kind: 'newer', changes: [] }],
    ['no answer', result(true, ''), { kind: 'newer', changes: [] }],
    ['the index unreachable', result(false, 'error: Failed to fetch'), { kind: 'unknown', cause: 'uv lock --upgrade --dry-run, exit 2' }],
  ] as const)('%s', (_name, run, verdict) => {
    expect(readIndexCheck(run)).toEqual(verdict);
  });
});
