/**
 * One run at a time changes a project. The lock is a file in the project root, created with
 * O_EXCL and holding the pid and host of its run. A lock whose run is gone (killed, crashed)
 * is taken over with a notice; a live one is waited for briefly, then the run gives up.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from './random.js';
import { WriteError } from './errors.js';
import type { Reporter } from './ui.js';

export const LOCK_FILE = '.layered-backend.lock';
const WAIT_MS = 4_000;
const POLL_MS = 100;
/** A lock file still empty after this long was left by a run killed while creating it. */
const UNWRITTEN_MS = 2_000;

interface LockOwner {
  pid: number;
  hostname: string;
  startedAt: string;
  token: string;
}

/** Lock files this process holds (path -> token), released on every way out. */
const held = new Map<string, string>();

function releaseHeldLocks(): void {
  for (const [file, token] of held) release(file, token);
}
process.on('exit', releaseHeldLocks);

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The owner of a lock file, undefined when there is none, null when it cannot be read yet. */
function readOwner(file: string): LockOwner | undefined | null {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const owner = JSON.parse(text) as LockOwner;
    return Number.isInteger(owner.pid) ? owner : null;
  } catch {
    return null;
  }
}

/** A lock nobody will release: its run is gone (on this host), or it was never written. */
function isStale(file: string, owner: LockOwner | null): boolean {
  if (owner === null) {
    try {
      return Date.now() - fs.statSync(file).mtimeMs > UNWRITTEN_MS;
    } catch {
      return false;
    }
  }
  if (owner.hostname !== os.hostname()) return false;
  // Our own pid in a lock we do not hold: an earlier run that had the same pid.
  if (owner.pid === process.pid) return ![...held.values()].includes(owner.token);
  return !isAlive(owner.pid);
}

function release(file: string, token: string): void {
  held.delete(file);
  try {
    if (readOwner(file)?.token === token) fs.unlinkSync(file);
  } catch {
    // Best effort: a lock left behind is taken over by the next run as stale.
  }
}

/**
 * Remove a stale lock. Runs that find the same stale lock at once take turns through a
 * second, short-lived O_EXCL file, so none of them removes a lock another has just taken.
 */
function removeStale(file: string, seen: LockOwner | null): boolean {
  const guard = `${file}.takeover`;
  try {
    fs.writeFileSync(guard, String(process.pid), { flag: 'wx' });
  } catch {
    // Another run is taking it over; if that run died there, its guard goes after a while.
    try {
      if (Date.now() - fs.statSync(guard).mtimeMs > 10_000) fs.rmSync(guard, { force: true });
    } catch {
      // gone already
    }
    return false;
  }
  try {
    const now = readOwner(file);
    const same = now === null ? seen === null : now !== undefined && now.token === seen?.token && now.pid === seen.pid;
    if (!same) return false;
    fs.rmSync(file, { force: true });
    return true;
  } finally {
    fs.rmSync(guard, { force: true });
  }
}

async function acquire(root: string, reporter: Reporter): Promise<{ file: string; token: string }> {
  const file = path.join(root, LOCK_FILE);
  const token = randomBytes(8).toString('hex');
  const owner: LockOwner = { pid: process.pid, hostname: os.hostname(), startedAt: new Date().toISOString(), token };
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    try {
      fs.writeFileSync(file, `${JSON.stringify(owner)}\n`, { flag: 'wx' });
      held.set(file, token);
      return { file, token };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new WriteError(`Cannot lock ${root} for this change: ${(error as Error).message}`);
      }
    }
    const current = readOwner(file);
    if (current === undefined) continue;
    if (isStale(file, current)) {
      if (removeStale(file, current)) {
        reporter.warn(`Removed a stale lock of pid ${current?.pid ?? 'unknown'} (that run is gone).`);
      }
      continue;
    }
    if (Date.now() >= deadline) {
      const who = current === null ? 'unknown' : String(current.pid);
      throw new WriteError(`another create-layered-backend is changing this project (pid ${who})`, [
        `If no such run is active any more, delete ${file} and retry.`,
      ]);
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** Run `fn` holding the project's lock; it is released however `fn` ends. */
export async function withProjectLock<T>(root: string, reporter: Reporter, fn: () => Promise<T>): Promise<T> {
  const { file, token } = await acquire(root, reporter);
  try {
    return await fn();
  } finally {
    release(file, token);
  }
}
