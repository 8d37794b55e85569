import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hashTree, listFiles, repoRoot, runCli, tempDir } from '../helpers/cli.js';
import { toolAvailable } from '../helpers/tools.js';
import { findOnPath } from '../../src/steps/tools.js';

const work = tempDir('cli');
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));
const version = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')).version as string;

/** A fake tool on PATH that fails the way a broken install does. */
function fakeBin(name: string, script: string): string {
  const dir = fs.mkdtempSync(path.join(work, `.bin-${name}-`));
  fs.writeFileSync(path.join(dir, name), `#!/bin/sh\n${script}\n`, { mode: 0o755 });
  return dir;
}

describe('create: information', () => {
  it('prints its version', async () => {
    const run = await runCli(['--version'], { cwd: work });
    expect(run.exitCode).toBe(0);
    expect(run.stdout.trim()).toBe(version);
  });

  it('shows help with examples', async () => {
    const run = await runCli(['--help'], { cwd: work });
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(/Usage: create-layered-backend \[options\] \[command\] \[directory\]/);
    expect(run.stdout).toMatch(/^\s+add-service \[options\] <name>\s+Add a service/m);
    expect(run.stdout).toMatch(/Examples:\n\s+\$ npx create-layered-backend my-project/);
    expect(run.stdout).toMatch(/--package-manager <name>/);
  });
});

describe('create: bad input writes nothing and exits 1', () => {
  it.each([
    [['demo', '--frobnicate'], /unknown option '--frobnicate'/],
    [['demo', '--db', 'mongo'], /argument 'mongo' is invalid. Allowed choices are sqlite/],
    [['demo', '--framework', 'django'], /Allowed choices are fastapi/],
    [['demo', '--package-manager', 'poetry'], /Allowed choices are uv, pip/],
    [['demo', '--python', '2.7'], /Allowed choices are 3.11, 3.12, 3.13/],
    [['My Project', '--yes'], /may only contain lower-case.*Try "my-project"/],
    [['demo', '--services', 'users,class', '--yes'], /"class" is a Python keyword/],
    [['demo', '--services', 'user-api,user_api', '--yes'], /both become the Python module "user_api"/],
    [['demo', '--services', '../x', '--yes'], /path separator/],
  ])('%j', async (args, message) => {
    const before = hashTree(work);
    const run = await runCli(args, { cwd: work });
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toMatch(message);
    expect(run.all).not.toMatch(/\n\s+at .*\(.*:\d+:\d+\)/);
    expect(hashTree(work)).toBe(before);
  });

  it('lists what makes a target directory non-empty', async () => {
    const target = path.join(work, 'busy');
    fs.mkdirSync(target);
    fs.writeFileSync(path.join(target, 'notes.txt'), 'mine');
    fs.writeFileSync(path.join(target, 'README.md'), 'harmless');
    const before = hashTree(work);
    const run = await runCli(['busy', '--yes', '--no-install'], { cwd: work });
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toMatch(/busy is not empty/);
    expect(run.stderr).toMatch(/^\s+notes\.txt$/m);
    expect(run.stderr).not.toMatch(/README\.md/);
    expect(hashTree(work)).toBe(before);
  });

  it('refuses to install with pip when python3 is missing, before writing', async () => {
    const bare = fakeBin('make', 'exit 0');
    fs.symlinkSync(process.execPath, path.join(bare, 'node'));
    const run = await runCli(['nopython', '--yes', '--package-manager', 'pip'], { cwd: work, env: { PATH: bare } });
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toMatch(/needs python3, which is not on PATH/);
    expect(run.stderr).toMatch(/install Python 3\.11 or newer/);
    expect(fs.existsSync(path.join(work, 'nopython'))).toBe(false);
  });

  it('refuses to install with uv when uv is missing, before writing', async () => {
    const onlyNode = fakeBin('make', 'exit 0');
    const run = await runCli(['nouv', '--yes', '--package-manager', 'uv'], {
      cwd: work,
      env: { PATH: `${onlyNode}:${path.dirname(process.execPath)}` },
    });
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toMatch(/needs uv, which is not on PATH/);
    expect(run.stderr).toMatch(/--no-install/);
    expect(fs.existsSync(path.join(work, 'nouv'))).toBe(false);
  });
});

describe('create: without uv on PATH', () => {
  /** A PATH holding node, python3, git and make, but no uv. */
  function pathWithoutUv(): string {
    const dir = fs.mkdtempSync(path.join(work, '.bin-nouv-'));
    for (const tool of ['python3', 'git', 'make']) {
      const found = findOnPath(tool);
      if (found) fs.symlinkSync(found, path.join(dir, tool));
    }
    fs.symlinkSync(process.execPath, path.join(dir, 'node'));
    return dir;
  }

  it('defaults to pip and records it', async () => {
    const run = await runCli(['pipdefault', '--yes', '--no-install', '--no-git'], { cwd: work, env: { PATH: pathWithoutUv() } });
    expect(run.exitCode, run.all).toBe(0);
    expect(JSON.parse(fs.readFileSync(path.join(work, 'pipdefault/.layered-backend.json'), 'utf8')).packageManager).toBe('pip');
    expect(run.stdout).toMatch(/--package-manager pip/);
  });

  it('refuses --package-manager uv before writing anything', async () => {
    const PATH = pathWithoutUv();
    const before = hashTree(work);
    const run = await runCli(['uvwanted', '--yes', '--package-manager', 'uv'], { cwd: work, env: { PATH } });
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toMatch(/needs uv, which is not on PATH/);
    expect(fs.existsSync(path.join(work, 'uvwanted'))).toBe(false);
    expect(hashTree(work)).toBe(before);
  });
});

describe('create: writing', () => {
  it('--dry-run lists the plan and writes nothing', async () => {
    const before = hashTree(work);
    const run = await runCli(['dry', '--yes', '--dry-run'], { cwd: work });
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(/Would write \d+ files to .*dry/);
    expect(run.stdout).toMatch(/services\/users\/app\/cmd\/api\/main\.py/);
    expect(run.stdout).toMatch(/Dry run: nothing was written/);
    expect(hashTree(work)).toBe(before);
  });

  it('writes the project without asking when stdin is not a TTY', async () => {
    const run = await runCli(['quiet', '--no-install', '--no-git'], { cwd: work });
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(/Wrote \d+ files to quiet/);
    expect(run.stdout).toMatch(
      /To skip the questions next time:\n\s+npx create-layered-backend quiet --services users,orders --framework fastapi --db sqlite --package-manager (uv|pip) --python 3\.12 --no-install --no-git --yes/,
    );
    const manifest = JSON.parse(fs.readFileSync(path.join(work, 'quiet/.layered-backend.json'), 'utf8'));
    expect(manifest.services.map((service: { name: string }) => service.name)).toEqual(['users', 'orders']);
    expect(fs.readdirSync(work).filter((entry) => entry.includes('staging'))).toEqual([]);
  });

  it.runIf(toolAvailable('uv'))('exits 2 and keeps the project when the package index is unreachable, printing how to retry', async () => {
    const run = await runCli(['broken', '--yes', '--package-manager', 'uv', '--no-git'], {
      cwd: work,
      // Nothing listens on port 9; no cache, so uv must ask the index.
      env: { UV_INDEX_URL: 'http://127.0.0.1:9/simple', UV_DEFAULT_INDEX: 'http://127.0.0.1:9/simple', UV_NO_CACHE: '1', UV_HTTP_RETRIES: '0' },
    });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(/The project was written to broken, but make lock failed/);
    expect(run.stderr).toMatch(/127\.0\.0\.1:9/);
    expect(run.stderr).toMatch(/retry with: cd broken && make install && make test/);
    expect(run.all).not.toMatch(/\n\s+at .+\.js:\d+:\d+/);
    expect(listFiles(path.join(work, 'broken'))).toContain('services/users/app/cmd/api/main.py');
  });
});
