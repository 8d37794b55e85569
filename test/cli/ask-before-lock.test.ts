/**
 * add-service in a terminal asks its questions before it takes the project lock: a run
 * waiting for an answer does not stop another run, and the answers are checked again, under
 * the lock, against the project as that other run left it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runAddService } from '../../src/commands/add-service.js';
import { UsageError } from '../../src/errors.js';
import { LOCK_FILE } from '../../src/lock.js';
import { defaultEntity } from '../../src/naming.js';
import { plainReporter } from '../../src/ui.js';
import { binPath, runCli, tempDir } from '../helpers/cli.js';

/** The questions, answered when a test says so. */
const pending: Array<(answers: { entity: string; db: 'sqlite' }) => void> = [];
vi.mock('../../src/prompts.js', () => ({
  askAddServiceQuestions: () => new Promise((resolve) => pending.push(resolve)),
}));

const work = tempDir('ask-first');
const base = path.join(work, 'base');
beforeAll(async () => {
  const created = await runCli(['base', '--services', 'users', '--yes', '--no-install'], { cwd: work });
  expect(created.exitCode, created.all).toBe(0);
}, 60_000);
afterAll(() => fs.rmSync(work, { recursive: true, force: true }), 60_000);

const sink = () => new PassThrough();
const services = (project: string): Array<{ name: string; entity: string; port: number }> =>
  JSON.parse(fs.readFileSync(path.join(project, '.layered-backend.json'), 'utf8')).services;
const otherRun = (project: string, name: string) =>
  execa('node', [binPath, 'add-service', name, '--yes', '--no-install', '--no-git-check'], { cwd: project, reject: false, all: true, stdin: 'ignore' });

async function askingRun(project: string, name: string) {
  const run = runAddService(name, { install: false, test: false, gitCheck: false }, {
    cwd: project,
    interactive: true,
    reporter: plainReporter(sink(), sink()),
    version: '0.1.0',
  });
  await vi.waitFor(() => expect(pending).toHaveLength(1));
  // Wrapped: an async function returning the promise itself would wait for it.
  return { run };
}

describe('add-service asking in a terminal', () => {
  it('holds no lock while it waits for answers; another run goes ahead, and this one takes the next free port', async () => {
    const project = path.join(work, 'free');
    fs.cpSync(base, project, { recursive: true });
    const { run: asking } = await askingRun(project, 'billing');
    expect(fs.existsSync(path.join(project, LOCK_FILE))).toBe(false);
    const other = await otherRun(project, 'ledger');
    expect(other.exitCode, other.all).toBe(0);
    pending.shift()!({ entity: 'invoice', db: 'sqlite' });
    await asking;
    expect(services(project).map(({ name, entity, port }) => [name, entity, port])).toEqual([
      ['users', 'user', 8001],
      ['ledger', defaultEntity('ledger'), 8002],
      ['billing', 'invoice', 8003],
    ]);
    expect(fs.existsSync(path.join(project, 'services/billing/app/models/invoice.py'))).toBe(true);
  });

  it('refuses, changing nothing, when another run took the name while it waited', async () => {
    const project = path.join(work, 'taken');
    fs.cpSync(base, project, { recursive: true });
    const { run: asking } = await askingRun(project, 'billing');
    const other = await otherRun(project, 'billing');
    expect(other.exitCode, other.all).toBe(0);
    const after = fs.readFileSync(path.join(project, '.layered-backend.json'), 'utf8');
    pending.shift()!({ entity: 'invoice', db: 'sqlite' });
    await expect(asking).rejects.toThrow(UsageError);
    await expect(asking).rejects.toThrow(/billing/);
    expect(fs.readFileSync(path.join(project, '.layered-backend.json'), 'utf8')).toBe(after);
    expect(services(project).find((service) => service.name === 'billing')?.entity).toBe(defaultEntity('billing'));
    expect(fs.existsSync(path.join(project, LOCK_FILE))).toBe(false);
  });
});
