/**
 * A run killed (SIGKILL: no handler runs) at every step of a write. The test hook
 * CLB_CRASH_AFTER_STEP=N (src/crash-hook.ts) kills the process after the N-th step; N counts
 * up until a run survives, so every step is covered however many the write has. The next run
 * must find the project exactly as before or exactly as after, say which, and leave no staging
 * folder, journal or lock behind.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listFiles, runCli, tempDir } from '../helpers/cli.js';

const work = tempDir('crash');
afterAll(() => fs.rmSync(work, { recursive: true, force: true }), 60_000);

const BOOKKEEPING = /layered-backend-journal|layered-backend-staging|\.staging-|layered-backend\.lock|layered-backend-copy/;

/** Every path and its contents, secrets masked (each run makes new ones); a lock is not content. */
function treeHash(dir: string): string {
  const hash = createHash('sha256');
  for (const file of listFiles(dir, /(^|\/)\.git(\/|$)|^\.layered-backend\.lock$/)) {
    hash.update(`${file}\n`);
    hash.update(fs.readFileSync(path.join(dir, file), 'utf8').replace(/^(\w*(?:SECRET|PASSWORD)\w*)=.*$/gm, '$1=<secret>'));
  }
  return hash.digest('hex');
}

/** Everything under `dir` (hidden entries included) that is bookkeeping of a write. */
const leftovers = (dir: string): string[] => listFiles(dir, /(^|\/)\.git(\/|$)/).filter((file) => BOOKKEEPING.test(file));

const crashAfter = (step: number) => ({ CLB_CRASH_AFTER_STEP: String(step) });

const SURVIVED = 'survived';
/**
 * `attempt` for steps 0, 1, 2, ..., a few at once, until one survives (the write has fewer
 * steps than that); the outcomes of the steps before it, in order.
 */
async function everyStep<T>(attempt: (step: number) => Promise<T | typeof SURVIVED>): Promise<T[]> {
  const outcomes: T[] = [];
  for (let first = 0; first < 100; first += 3) {
    const batch = await Promise.all([first, first + 1, first + 2].map(attempt));
    const end = batch.indexOf(SURVIVED);
    outcomes.push(...((end === -1 ? batch : batch.slice(0, end)) as T[]));
    if (end !== -1) return outcomes;
  }
  throw new Error('no run survived: is the crash hook read at all?');
}

describe('add-service killed at every step', () => {
  const base = path.join(work, 'base');
  let before: string;
  let after: string;
  const add = (cwd: string, extra: string[] = [], env: Record<string, string> = {}) =>
    runCli(['add-service', 'orders', '--db', 'sqlite', '--yes', '--no-install', '--no-git-check', ...extra], { cwd, env });

  beforeAll(async () => {
    const created = await runCli(['base', '--services', 'users', '--yes', '--no-install', '--no-git'], { cwd: work });
    expect(created.exitCode, created.all).toBe(0);
    before = treeHash(base);
    const reference = path.join(work, 'reference');
    fs.cpSync(base, reference, { recursive: true });
    const added = await add(reference);
    expect(added.exitCode, added.all).toBe(0);
    after = treeHash(reference);
    expect(after).not.toBe(before);
  }, 60_000);

  it('is recovered by the next run: exactly as before or exactly as after, and it says which', async () => {
    const outcomes = await everyStep(async (step) => {
      const project = path.join(work, `add-${step}`);
      fs.cpSync(base, project, { recursive: true });
      const crashed = await add(project, [], crashAfter(step));
      if (crashed.exitCode === 0) return SURVIVED;
      expect(crashed.signal, crashed.all).toBe('SIGKILL');
      // The next run, whatever it is, recovers first; a dry run changes nothing else.
      const next = await add(project, ['--dry-run']);
      expect(next.all).not.toMatch(/\n\s+at /);
      expect(leftovers(project), `step ${step}`).toEqual([]);
      const hash = treeHash(project);
      expect([before, after], `step ${step}: ${next.all}`).toContain(hash);
      if (hash === before) {
        expect(next.all, `step ${step}`).toMatch(/rolled back; the project is as before|left by a run interrupted before it changed anything/);
        expect(next.exitCode).toBe(0);
        return 'before';
      }
      expect(next.stderr).toMatch(/already has a service "orders"/);
      // Killed after its last step, the write was complete: nothing to recover.
      return /Recovered an interrupted add-service: finished it; the project is as after it\./.test(next.all) ? 'finished' : 'complete';
    });
    // Staged; journal written; a new folder and at least 4 edited files renamed; finished.
    expect(outcomes.length).toBeGreaterThanOrEqual(8);
    expect(outcomes).toEqual(['before', ...Array(outcomes.length - 2).fill('finished'), 'complete']);
  }, 300_000);

  it('a crash, then add-service again: the service is added once, complete', async () => {
    const project = path.join(work, 'again');
    fs.cpSync(base, project, { recursive: true });
    expect((await add(project, [], crashAfter(3))).signal).toBe('SIGKILL');
    const next = await runCli(['add-service', 'billing', '--yes', '--no-install', '--no-git-check'], { cwd: project });
    expect(next.exitCode, next.all).toBe(0);
    expect(next.all).toMatch(/Recovered an interrupted add-service/);
    const manifest = JSON.parse(fs.readFileSync(path.join(project, '.layered-backend.json'), 'utf8'));
    expect(manifest.services.map((service: { name: string }) => service.name)).toEqual(['users', 'orders', 'billing']);
    expect(fs.readdirSync(path.join(project, 'services')).sort()).toEqual(['billing', 'orders', 'users']);
    expect(leftovers(project)).toEqual([]);
  });
});

describe('add-entity killed at every step', () => {
  const base = path.join(work, 'entity-base');
  let before: string;
  let after: string;
  const add = (cwd: string, extra: string[] = [], env: Record<string, string> = {}) =>
    runCli(['add-entity', 'users', 'invoice', '--yes', '--no-git-check', ...extra], { cwd, env });

  beforeAll(async () => {
    const created = await runCli(['entity-base', '--services', 'users', '--yes', '--no-install', '--no-git'], { cwd: work });
    expect(created.exitCode, created.all).toBe(0);
    before = treeHash(base);
    const reference = path.join(work, 'entity-reference');
    fs.cpSync(base, reference, { recursive: true });
    const added = await add(reference);
    expect(added.exitCode, added.all).toBe(0);
    after = treeHash(reference);
    expect(after).not.toBe(before);
  }, 60_000);

  it('is recovered by the next run: exactly as before or exactly as after, and it says which', async () => {
    const outcomes = await everyStep(async (step) => {
      const project = path.join(work, `entity-${step}`);
      fs.cpSync(base, project, { recursive: true });
      const crashed = await add(project, [], crashAfter(step));
      if (crashed.exitCode === 0) return SURVIVED;
      expect(crashed.signal, crashed.all).toBe('SIGKILL');
      const next = await add(project, ['--dry-run']);
      expect(next.all).not.toMatch(/\n\s+at /);
      expect(leftovers(project), `step ${step}`).toEqual([]);
      const hash = treeHash(project);
      expect([before, after], `step ${step}: ${next.all}`).toContain(hash);
      if (hash === before) {
        expect(next.exitCode).toBe(0);
        return 'before';
      }
      expect(next.stderr).toMatch(/already has the entity "invoice"/);
      return /Recovered an interrupted add-entity: finished it; the project is as after it\./.test(next.all) ? 'finished' : 'complete';
    });
    // Staged; journal written; 10 new files and 4 edited ones renamed; finished.
    expect(outcomes.length).toBeGreaterThanOrEqual(14);
    expect(outcomes).toEqual(['before', ...Array(outcomes.length - 2).fill('finished'), 'complete']);
  }, 300_000);
});

describe('create killed at every step', () => {
  const create = (cwd: string, env: Record<string, string> = {}) =>
    runCli(['demo', '--services', 'users', '--yes', '--no-install', '--no-git'], { cwd, env });
  let reference: string;
  beforeAll(async () => {
    const cwd = path.join(work, 'create-reference');
    fs.mkdirSync(cwd);
    expect((await create(cwd)).exitCode).toBe(0);
    reference = treeHash(path.join(cwd, 'demo'));
  }, 60_000);

  it('into a new directory: the next create into the same place cleans up and writes it', async () => {
    const outcomes = await everyStep(async (step) => {
      const cwd = path.join(work, `new-${step}`);
      fs.mkdirSync(cwd);
      const crashed = await create(cwd, crashAfter(step));
      if (crashed.exitCode === 0) return SURVIVED;
      expect(crashed.signal, crashed.all).toBe('SIGKILL');
      // Either nothing but a staging folder beside the target, or the whole project.
      const entries = fs.readdirSync(cwd);
      if (entries.includes('demo')) {
        expect(entries).toEqual(['demo']);
        expect(treeHash(path.join(cwd, 'demo'))).toBe(reference);
        return 'complete';
      }
      expect(entries).toEqual([expect.stringMatching(/^\.demo\.staging-\d+-[0-9a-f]+$/)]);
      const next = await create(cwd);
      expect(next.exitCode, next.all).toBe(0);
      expect(next.all).toMatch(/Removed \.demo\.staging-\d+-[0-9a-f]+, left by an interrupted create\./);
      expect(fs.readdirSync(cwd)).toEqual(['demo']);
      expect(treeHash(path.join(cwd, 'demo'))).toBe(reference);
      return 'cleaned';
    });
    // Staged, then renamed into place.
    expect(outcomes).toEqual(['cleaned', 'complete']);
  }, 300_000);

  it('into an existing directory holding a README: the next create rolls back and writes it', async () => {
    const readme = '# Our shop\n\nNotes of the team.\n';
    const prepare = (name: string) => {
      const cwd = path.join(work, name);
      fs.mkdirSync(path.join(cwd, 'demo'), { recursive: true });
      fs.writeFileSync(path.join(cwd, 'demo/README.md'), readme);
      return cwd;
    };
    const referenceCwd = prepare('existing-reference');
    expect((await create(referenceCwd)).exitCode).toBe(0);
    const expected = treeHash(path.join(referenceCwd, 'demo'));
    const outcomes = await everyStep(async (step) => {
      const cwd = prepare(`existing-${step}`);
      const target = path.join(cwd, 'demo');
      const crashed = await create(cwd, crashAfter(step));
      if (crashed.exitCode === 0) return SURVIVED;
      expect(crashed.signal, crashed.all).toBe('SIGKILL');
      if (leftovers(target).every((file) => file.endsWith('.lock'))) {
        // Killed after its last step: the project is complete (its stale lock goes next time).
        expect(treeHash(target)).toBe(expected);
        return 'complete';
      }
      const next = await create(cwd);
      expect(next.exitCode, next.all).toBe(0);
      expect(next.all).toMatch(/Recovered an interrupted create: rolled back|left by a run interrupted before it changed anything/);
      expect(fs.readdirSync(cwd)).toEqual(['demo']);
      expect(leftovers(target)).toEqual([]);
      expect(fs.readFileSync(path.join(target, 'README.md'), 'utf8').startsWith(readme)).toBe(true);
      expect(treeHash(target), `step ${step}`).toBe(expected);
      fs.rmSync(cwd, { recursive: true, force: true });
      return 'recovered';
    });
    // Staged; journal written; each top-level entry and the README renamed in.
    expect(outcomes.length).toBeGreaterThanOrEqual(6);
    expect(outcomes).toEqual([...Array(outcomes.length - 1).fill('recovered'), 'complete']);
  }, 300_000);
});
