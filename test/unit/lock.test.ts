import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WriteError } from '../../src/errors.js';
import { LOCK_FILE, withProjectLock } from '../../src/lock.js';
import { plainReporter } from '../../src/ui.js';

let root: string;
let messages: string[];
const reporter = () => {
  const sink = { write: (text: string) => messages.push(text.trim()) } as unknown as NodeJS.WritableStream;
  return plainReporter(sink, sink);
};
const lockFile = () => path.join(root, LOCK_FILE);
/** The pid of a process that has exited. */
const deadPid = (): number => Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString());

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'clb-lock-'));
  messages = [];
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

describe('withProjectLock', () => {
  it('holds the lock file (pid, host) while the function runs and removes it after', async () => {
    const seen = await withProjectLock(root, reporter(), async () => JSON.parse(fs.readFileSync(lockFile(), 'utf8')));
    expect(seen).toMatchObject({ pid: process.pid, hostname: os.hostname() });
    expect(fs.existsSync(lockFile())).toBe(false);
  });

  it('releases the lock when the function throws', async () => {
    await expect(withProjectLock(root, reporter(), async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(fs.existsSync(lockFile())).toBe(false);
  });

  it('serialises two holders in one process: the second runs after the first', async () => {
    const order: string[] = [];
    const hold = (name: string, ms: number) =>
      withProjectLock(root, reporter(), async () => {
        order.push(`${name} in`);
        await new Promise((resolve) => setTimeout(resolve, ms));
        order.push(`${name} out`);
      });
    await Promise.all([hold('a', 300), new Promise((resolve) => setTimeout(resolve, 20)).then(() => hold('b', 0))]);
    expect(order).toEqual(['a in', 'a out', 'b in', 'b out']);
  });

  it.each([
    ['a dead pid', () => JSON.stringify({ pid: deadPid(), hostname: os.hostname(), token: 'x' }), /Removed a stale lock of pid \d+/],
    ['our own pid, from an earlier run', () => JSON.stringify({ pid: process.pid, hostname: os.hostname(), token: 'old' }), /stale lock of pid/],
  ])('takes over a stale lock (%s) with a notice', async (_label, contents, notice) => {
    fs.writeFileSync(lockFile(), contents());
    await withProjectLock(root, reporter(), async () => undefined);
    expect(messages.join('\n')).toMatch(notice);
    expect(fs.existsSync(lockFile())).toBe(false);
  });

  it('takes over a lock file left empty by a run killed while writing it, once it is old', async () => {
    fs.writeFileSync(lockFile(), '');
    const old = new Date(Date.now() - 60_000);
    fs.utimesSync(lockFile(), old, old);
    await withProjectLock(root, reporter(), async () => undefined);
    expect(messages.join('\n')).toMatch(/stale lock of pid unknown/);
  });

  it('gives up on a live lock after waiting, naming its pid, and leaves it alone', async () => {
    const other = { pid: process.ppid, hostname: os.hostname(), token: 'theirs' };
    fs.writeFileSync(lockFile(), JSON.stringify(other));
    const started = Date.now();
    const attempt = withProjectLock(root, reporter(), async () => 'ran');
    await expect(attempt).rejects.toThrow(WriteError);
    await expect(withProjectLock(root, reporter(), async () => 'ran')).rejects.toThrow(
      new RegExp(`another create-layered-backend is changing this project \\(pid ${process.ppid}\\)`),
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(2_000);
    expect(JSON.parse(fs.readFileSync(lockFile(), 'utf8'))).toEqual(other);
  }, 20_000);

  it('treats a lock of another host as live (its pid cannot be checked from here)', async () => {
    fs.writeFileSync(lockFile(), JSON.stringify({ pid: deadPid(), hostname: 'elsewhere', token: 'x' }));
    await expect(withProjectLock(root, reporter(), async () => 'ran')).rejects.toThrow(/is changing this project/);
  }, 20_000);

  it('says in one line when the lock cannot be created at all', async () => {
    await expect(withProjectLock(path.join(root, 'missing'), reporter(), async () => 'ran')).rejects.toThrow(/Cannot lock .*missing/);
  });
});
