/**
 * Runs that change the same project at the same time: the project lock serialises them, so a
 * change is never lost. Either both services end up in the project (different ports), or the
 * second run gives up with exit 1 and says who holds the lock; manifest, compose and
 * services/ always agree.
 */
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { binPath, runCli, tempDir } from '../helpers/cli.js';
import { OBSERVABILITY_SERVICE } from '../../src/compose.js';

const work = tempDir('concurrency');
const base = path.join(work, 'base');
const LOCK = '.layered-backend.lock';
const BUSY = /another create-layered-backend is changing this project \(pid \d+\)/;

beforeAll(async () => {
  const created = await runCli(['base', '--services', 'users', '--yes', '--no-install'], { cwd: work });
  expect(created.exitCode, created.all).toBe(0);
}, 60_000);
afterAll(() => fs.rmSync(work, { recursive: true, force: true }), 60_000);

function copyProject(name: string): string {
  const project = path.join(work, name);
  fs.cpSync(base, project, { recursive: true });
  return project;
}

const addService = (project: string, name: string) =>
  execa('node', [binPath, 'add-service', name, '--yes', '--no-install', '--no-git-check'], {
    cwd: project,
    env: { NO_COLOR: '1' },
    reject: false,
    all: true,
    stdin: 'ignore',
  });

interface ProjectView {
  manifest: Array<{ name: string; port: number }>;
  compose: string[];
  folders: string[];
}

function view(project: string): ProjectView {
  const manifest = JSON.parse(fs.readFileSync(path.join(project, '.layered-backend.json'), 'utf8')).services;
  const compose = parse(fs.readFileSync(path.join(project, 'docker-compose.yml'), 'utf8')) as { services: Record<string, unknown> };
  return {
    manifest,
    compose: Object.keys(compose.services).filter((name) => !name.endsWith('-db') && name !== OBSERVABILITY_SERVICE).sort(),
    folders: fs.readdirSync(path.join(project, 'services')).sort(),
  };
}

describe('two add-service runs at once', () => {
  it.each([1, 2, 3, 4, 5])('round %i: no change is lost, and the project stays consistent', async (round) => {
    const project = copyProject(`round-${round}`);
    const [first, second] = await Promise.all([addService(project, `alpha${round}`), addService(project, `beta${round}`)]);
    const state = view(project);
    const names = state.manifest.map((service) => service.name).sort();
    // Manifest, compose and services/ always list the same services.
    expect(state.compose).toEqual(names);
    expect(state.folders).toEqual(names);
    for (const [run, name] of [[first, `alpha${round}`], [second, `beta${round}`]] as const) {
      if (run.exitCode === 0) expect(names, run.all).toContain(name);
      else {
        expect(run.exitCode, run.all).toBe(1);
        expect(run.stderr).toMatch(BUSY);
        expect(names).not.toContain(name);
      }
    }
    expect(first.exitCode === 0 || second.exitCode === 0, `${first.all}\n${second.all}`).toBe(true);
    const ports = state.manifest.map((service) => service.port);
    expect(new Set(ports).size).toBe(ports.length);
    expect(fs.existsSync(path.join(project, LOCK))).toBe(false);
  });
});

describe('the project lock', () => {
  it('is taken over, with a notice, when the run that held it is gone', async () => {
    const project = copyProject('stale');
    // A pid that is certainly not running: a child that has exited.
    const gone = await execa('node', ['-e', 'process.stdout.write(String(process.pid))']);
    fs.writeFileSync(path.join(project, LOCK), JSON.stringify({ pid: Number(gone.stdout), hostname: (await import('node:os')).hostname() }));
    const run = await addService(project, 'orders');
    expect(run.exitCode, run.all).toBe(0);
    expect(run.all).toMatch(new RegExp(`Removed a stale lock of pid ${gone.stdout}`));
    expect(view(project).folders).toEqual(['orders', 'users']);
    expect(fs.existsSync(path.join(project, LOCK))).toBe(false);
  });

  it('held by a live run: waits, then exits 1 naming its pid, and changes nothing', async () => {
    const project = copyProject('held');
    const holder = execa('node', ['-e', 'setTimeout(() => {}, 60000)'], { reject: false });
    try {
      fs.writeFileSync(path.join(project, LOCK), JSON.stringify({ pid: holder.pid, hostname: (await import('node:os')).hostname() }));
      const run = await addService(project, 'orders');
      expect(run.exitCode).toBe(1);
      expect(run.stderr).toMatch(new RegExp(`another create-layered-backend is changing this project \\(pid ${holder.pid}\\)`));
      expect(run.all).not.toMatch(/\n\s+at /);
      expect(view(project).folders).toEqual(['users']);
      // The lock is not ours to remove.
      expect(fs.existsSync(path.join(project, LOCK))).toBe(true);
    } finally {
      holder.kill();
    }
  });

  it.each(['SIGINT', 'SIGTERM'] as const)('is released when the run holding it gets %s', async (signal) => {
    const project = copyProject(`signal-${signal}`);
    // A git that hangs: the run is inside the lock (checking the working tree) when it is signalled.
    const bin = fs.mkdtempSync(path.join(work, '.bin-'));
    const marker = path.join(bin, 'started');
    fs.writeFileSync(path.join(bin, 'git'), `#!/bin/sh\ntouch "${marker}"\nsleep 30\n`, { mode: 0o755 });
    const run = execa('node', [binPath, 'add-service', 'orders', '--yes', '--no-install'], {
      cwd: project,
      env: { NO_COLOR: '1', PATH: `${bin}:${process.env.PATH}` },
      reject: false,
      all: true,
      stdin: 'ignore',
    });
    const deadline = Date.now() + 20_000;
    while (!fs.existsSync(marker) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(fs.existsSync(path.join(project, LOCK)), 'the run never took the lock').toBe(true);
    run.kill(signal);
    expect((await run).exitCode).toBe(130);
    expect(fs.existsSync(path.join(project, LOCK))).toBe(false);
  });

  it('leaves nothing behind, in the tree or in git status, after a run that fails', async () => {
    const project = copyProject('failing');
    const status = async () => (await execa('git', ['status', '--porcelain'], { cwd: project })).stdout;
    expect(await status()).toBe('');
    const run = await addService(project, 'users');
    expect(run.exitCode).toBe(1);
    expect(await status()).toBe('');
    expect(fs.existsSync(path.join(project, LOCK))).toBe(false);
  });

  it('does not make a git check see our own bookkeeping as uncommitted changes', async () => {
    const project = copyProject('gitcheck');
    const run = await runCli(['add-service', 'orders', '--yes', '--no-install'], { cwd: project });
    expect(run.exitCode, run.all).toBe(0);
    const status = (await execa('git', ['status', '--porcelain'], { cwd: project })).stdout;
    expect(status).not.toMatch(/lock|journal|staging/);
  });
});
