/**
 * Odd places to write a project: a mount point (`create .` in a devcontainer or on a bind
 * mount), a writable directory under a read-only parent, a full disk, paths too long or through
 * a file, and a folder holding the user's own README. Every write is all or nothing; every
 * failure is one line and exit 1, with nothing left behind.
 */
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashTree, listFiles, runCli, tempDir, type CliRun } from '../helpers/cli.js';

const work = tempDir('targets');
const mounts: string[] = [];
afterAll(() => {
  for (const dir of mounts.reverse()) execFileSync('umount', ['-l', dir]);
  fs.rmSync(work, { recursive: true, force: true });
}, 60_000);

function mount(dir: string, options = 'size=64m'): void {
  fs.mkdirSync(dir, { recursive: true });
  execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir], { stdio: 'ignore' });
  mounts.push(dir);
}

/** Tests need real mounts (root, and a kernel that lets us mount tmpfs); probe once. */
const canMount = (() => {
  const probe = path.join(work, 'probe');
  try {
    mount(probe);
    execFileSync('umount', [probe]);
    mounts.pop();
    return true;
  } catch {
    return false;
  }
})();

const create = (args: string[], cwd: string) => runCli([...args, '--services', 'users', '--yes', '--no-install', '--no-git'], { cwd });

const STACK_LINE = /\n\s+at /;

/** A failure the way users should see it: exit 1, one error line, no stack trace. */
function expectOneLineFailure(run: CliRun, message: RegExp): void {
  expect(run.exitCode, run.all).toBe(1);
  expect(run.all).not.toMatch(STACK_LINE);
  expect(run.all).not.toMatch(/Unexpected error/);
  expect(run.stderr.split('\n').filter((line) => line.startsWith('error:')), run.stderr).toHaveLength(1);
  expect(run.stderr).toMatch(message);
}

describe.skipIf(!canMount)('mount points (tmpfs mounts; skipped where mount is refused)', () => {
  let parent: string;
  beforeAll(() => {
    // A read-only parent holding two writable mount points.
    parent = path.join(work, 'ro-parent');
    mount(parent);
    for (const name of ['named', 'dot']) {
      fs.mkdirSync(path.join(parent, name));
      mount(path.join(parent, name));
    }
    execFileSync('mount', ['-o', 'remount,ro', parent]);
  });

  it('creates into a mount point whose parent is read-only (create <dir>)', async () => {
    const run = await create(['named'], parent);
    expect(run.exitCode, run.all).toBe(0);
    expect(listFiles(path.join(parent, 'named'))).toContain('services/users/app/cmd/api/main.py');
    expect(fs.readdirSync(path.join(parent, 'named')).filter((entry) => /staging|journal|lock/.test(entry))).toEqual([]);
  });

  it('creates into the mount point it runs in (create .), a different file system than its parent', async () => {
    const run = await create(['.'], path.join(parent, 'dot'));
    expect(run.exitCode, run.all).toBe(0);
    expect(fs.existsSync(path.join(parent, 'dot/.layered-backend.json'))).toBe(true);
    const added = await runCli(['add-service', 'orders', '--yes', '--no-install', '--no-git-check'], { cwd: path.join(parent, 'dot') });
    expect(added.exitCode, added.all).toBe(0);
  });

  it('a new directory under the read-only parent is refused in one line, before anything is written', async () => {
    const before = fs.readdirSync(parent).sort();
    const run = await create(['fresh'], parent);
    expectOneLineFailure(run, /Cannot create .*fresh: .*ro-parent is not writable/);
    expect(fs.readdirSync(parent).sort()).toEqual(before);
  });

  it('a full disk: create leaves the target as it was, new or existing, and says so in one line', async () => {
    const tiny = path.join(work, 'tiny');
    mount(tiny, 'size=64k');
    fs.mkdirSync(path.join(tiny, 'existing'));
    fs.writeFileSync(path.join(tiny, 'existing/README.md'), '# mine\n');
    const before = hashTree(tiny);
    for (const target of ['fresh', 'existing']) {
      const run = await create([target], tiny);
      expectOneLineFailure(run, /Could not write the project to .*: no space left on the device/);
      expect(hashTree(tiny)).toBe(before);
      expect(fs.readdirSync(tiny).sort()).toEqual(['existing']);
    }
  });

  it('a full disk: add-service changes nothing and says so in one line', async () => {
    const disk = path.join(work, 'small');
    mount(disk, 'size=8m');
    expect((await create(['shop'], disk)).exitCode).toBe(0);
    const { bavail, bsize } = fs.statfsSync(disk);
    // Leave room for a few files only: less than the new service needs.
    fs.writeFileSync(path.join(disk, 'filler'), Buffer.alloc(Math.max(0, bavail * bsize - 8 * 4096)));
    const project = path.join(disk, 'shop');
    const before = hashTree(project);
    const run = await runCli(['add-service', 'orders', '--yes', '--no-install', '--no-git-check'], { cwd: project });
    expectOneLineFailure(run, /Could not apply the change to .*: no space left on the device.*Nothing was changed/);
    expect(hashTree(project)).toBe(before);
  });
});

describe('targets that cannot be written: one line, exit 1, nothing left behind', () => {
  const deep = Array.from({ length: 17 }, (_, index) => `${index}`.padStart(250, 'd')).join('/');
  const rows: Array<{ label: string; target: string | ((cwd: string) => string); message: RegExp; setup?: (cwd: string) => void }> = [
    { label: 'a project name that is too long', target: 'a'.repeat(300), message: /project name is longer than 214/ },
    { label: 'a folder name over the file system limit', target: `${'b'.repeat(300)}/demo`, message: /too long/ },
    { label: 'a path over PATH_MAX', target: `${deep}/demo`, message: /too long/ },
    {
      // The target itself is a valid path; the folders created for it must go again.
      label: 'a path just under PATH_MAX, too long for the files in it',
      target: (cwd) => `${deep.slice(0, 4040 - cwd.length)}/demo`,
      message: /too long/,
    },
    { label: 'a parent that is a file', target: 'file/demo', message: /is a file, not a directory/, setup: (cwd) => fs.writeFileSync(path.join(cwd, 'file'), 'x') },
    { label: 'a path through a file', target: 'file/sub/demo', message: /is a file, not a directory/, setup: (cwd) => fs.writeFileSync(path.join(cwd, 'file'), 'x') },
    { label: 'a target that is a file', target: 'demo', message: /is a file, not a directory/, setup: (cwd) => fs.writeFileSync(path.join(cwd, 'demo'), 'x') },
    {
      label: 'a target under a symbolic link loop',
      target: 'loop/demo',
      message: /symbolic links/,
      setup: (cwd) => fs.symlinkSync(path.join(cwd, 'loop'), path.join(cwd, 'loop')),
    },
  ];

  it.each(rows)('$label', async ({ target, message, setup }) => {
    const cwd = fs.mkdtempSync(path.join(work, 'row-'));
    setup?.(cwd);
    const before = fs.readdirSync(cwd).sort();
    const run = await create([typeof target === 'string' ? target : target(cwd)], cwd);
    expectOneLineFailure(run, message);
    expect(fs.readdirSync(cwd).sort()).toEqual(before);
  });
});

describe("a target holding the user's README", () => {
  const readme = '# Shop\n\nOur notes, in our words.\n';
  let project: string;
  beforeAll(async () => {
    project = path.join(work, 'with-readme');
    fs.mkdirSync(project);
    fs.writeFileSync(path.join(project, 'README.md'), readme);
    const run = await create(['with-readme'], work);
    expect(run.exitCode, run.all).toBe(0);
    expect(run.stdout).toMatch(/Kept your README\.md, with ours appended in a delimited section/);
  }, 60_000);

  it('keeps their text first, and appends ours in a delimited section', () => {
    const text = fs.readFileSync(path.join(project, 'README.md'), 'utf8');
    expect(text.startsWith(readme)).toBe(true);
    expect(text).toMatch(/<!-- create-layered-backend: generated section[^\n]*-->\n\n# [^\n]+\n[\s\S]*\| service \| API \|[\s\S]*<!-- create-layered-backend: end of generated section -->\n$/);
  });

  it('add-service then works, adds its row, and keeps their text', async () => {
    const run = await runCli(['add-service', 'orders', '--yes', '--no-install', '--no-git-check'], { cwd: project });
    expect(run.exitCode, run.all).toBe(0);
    const text = fs.readFileSync(path.join(project, 'README.md'), 'utf8');
    expect(text.startsWith(readme)).toBe(true);
    expect(text).toMatch(/^\| \[orders\]\(services\/orders\/README\.md\) \|/m);
  });

  it('add-service leaves a README without the table as it is, saying so in one line', async () => {
    const rewritten = '# Shop\n\nRewritten by hand, no table.\n';
    fs.writeFileSync(path.join(project, 'README.md'), rewritten);
    const run = await runCli(['add-service', 'billing', '--yes', '--no-install', '--no-git-check'], { cwd: project });
    expect(run.exitCode, run.all).toBe(0);
    expect(run.stdout).toMatch(/README\.md left as it is: its table of services .* is gone\./);
    expect(fs.readFileSync(path.join(project, 'README.md'), 'utf8')).toBe(rewritten);
    expect(fs.existsSync(path.join(project, 'services/billing'))).toBe(true);
  });

  it('git status shows only the change, never our bookkeeping', async () => {
    const status = await execa('git', ['status', '--porcelain', '--ignored'], { cwd: project, reject: false });
    expect(status.stdout).not.toMatch(/lock|journal|staging/);
  });
});
