import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { execa } from 'execa';

export const repoRoot = path.resolve(import.meta.dirname, '../..');
export const binPath = path.join(repoRoot, 'bin/create-layered-backend.js');

export interface CliRun {
  exitCode: number;
  stdout: string;
  stderr: string;
  all: string;
  /** The signal that ended the process, if one did (exitCode is then -1). */
  signal?: string;
}

/** Run the built CLI as a user would: a child process with piped output (no TTY). */
export async function runCli(
  args: string[],
  options: { cwd: string; env?: Record<string, string | undefined>; timeout?: number },
): Promise<CliRun> {
  const result = await execa('node', [binPath, ...args], {
    cwd: options.cwd,
    env: { NO_COLOR: '1', ...options.env },
    reject: false,
    all: true,
    stdin: 'ignore',
    timeout: options.timeout ?? 120_000,
  });
  return { exitCode: result.exitCode ?? -1, stdout: result.stdout, stderr: result.stderr, all: result.all ?? '', signal: result.signal };
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `clb-${prefix}-`));
}

/** Every file under `dir` (relative POSIX paths), skipping virtual environments and caches. */
export function listFiles(dir: string, skip: RegExp = /(^|\/)(\.venv|\.git|__pycache__|\.pytest_cache|\.ruff_cache|\.mypy_cache)(\/|$)/): string[] {
  const out: string[] = [];
  const walk = (current: string) => {
    for (const entry of fs.readdirSync(current, { withFileTypes: true })) {
      const full = path.join(current, entry.name);
      const relative = path.relative(dir, full).split(path.sep).join('/');
      if (skip.test(relative)) continue;
      if (entry.isDirectory()) walk(full);
      else out.push(relative);
    }
  };
  walk(dir);
  return out.sort();
}

/** A hash of every path and its contents under `dir`: equal hashes, untouched tree. */
export function hashTree(dir: string): string {
  const hash = createHash('sha256');
  if (!fs.existsSync(dir)) return 'missing';
  for (const file of listFiles(dir, /^$/)) {
    hash.update(file);
    hash.update(fs.readFileSync(path.join(dir, file)));
  }
  return hash.digest('hex');
}
