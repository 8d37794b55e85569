/**
 * The code cache of bin/create-layered-backend.js (dist/index.js.cache): written by a run,
 * used by the next ones, ignored when it is not the bundle's, written again when V8 rejects it
 * or a run loads code it does not cover, and never needed: a package folder that cannot be
 * written runs the same, and a run prints the same with a cache or without one. Each test runs
 * a copy of bin/ and dist/, so that the cache it sees is its own. A probe preloaded in the CLI
 * (test/helpers/code-cache-probe.cjs) tells whether V8 was given the cache and took it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot, tempDir } from '../helpers/cli.js';

const work = tempDir('code-cache');
// Read and run by another user in the read-only test.
fs.chmodSync(work, 0o755);
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

const probe = path.join(repoRoot, 'test/helpers/code-cache-probe.cjs');
const CACHE = 'dist/index.js.cache';
const dryRun = ['demo', '--yes', '--no-install', '--no-git', '--package-manager', 'uv', '--dry-run'];

let copies = 0;
/** bin/ and dist/ copied into a folder of their own, without a cache. */
function copyPackage(): string {
  const dir = path.join(work, `package-${copies++}`);
  for (const folder of ['bin', 'dist']) {
    fs.cpSync(path.join(repoRoot, folder), path.join(dir, folder), { recursive: true, filter: (source) => !path.basename(source).startsWith('index.js.cache') });
  }
  return dir;
}

interface Run {
  stdout: string;
  /** Whether V8 was given cached data, and whether it rejected it (null: none given). */
  given: boolean;
  rejected: boolean | null;
}

let runs = 0;
async function run(pkg: string, args: string[], options: { cwd?: string; uid?: number; gid?: number } = {}): Promise<Run> {
  const report = path.join(options.cwd ?? work, `probe-${runs++}.json`);
  const result = await execa(process.execPath, ['-r', probe, path.join(pkg, 'bin/create-layered-backend.js'), ...args], {
    cwd: options.cwd ?? work,
    env: { CODE_CACHE_PROBE_FILE: report, CI: '1', NO_COLOR: '1', PATH: process.env.PATH },
    extendEnv: false,
    reject: false,
    stdin: 'ignore',
    uid: options.uid,
    gid: options.gid,
  });
  expect(result.exitCode, result.stderr).toBe(0);
  const seen = JSON.parse(fs.readFileSync(report, 'utf8')) as { given: boolean; rejected: boolean | null };
  return { stdout: result.stdout, ...seen };
}

/** The cache file's header (its first line) and identity: a rewrite is a new file (renamed over). */
function cacheOf(pkg: string): { header: { bundle: string; files: string[] }; identity: string } {
  const file = path.join(pkg, CACHE);
  const contents = fs.readFileSync(file);
  const stat = fs.statSync(file);
  return { header: JSON.parse(contents.toString('utf8', 0, contents.indexOf(10))) as { bundle: string; files: string[] }, identity: `${stat.ino} ${stat.mtimeMs}` };
}

describe('the code cache of the bundle', () => {
  it('is written by the first run and used, not rewritten, by the next, which prints the same', async () => {
    const pkg = copyPackage();
    const first = await run(pkg, dryRun);
    expect(first.given).toBe(false);
    const written = cacheOf(pkg);
    expect(written.header.files).toContain('index.js');

    const second = await run(pkg, dryRun);
    expect(second).toMatchObject({ given: true, rejected: false });
    expect(cacheOf(pkg).identity).toBe(written.identity);
    expect(second.stdout).toBe(first.stdout);
    expect(second.stdout).toContain('Dry run: nothing was written.');
    // No temporary file left beside it.
    expect(fs.readdirSync(path.join(pkg, 'dist')).filter((file) => file.startsWith('index.js.cache'))).toEqual(['index.js.cache']);
  });

  it('covers each path it has seen: a run that loads code it lacks writes it again, with that path', async () => {
    const pkg = copyPackage();
    const help = await run(pkg, ['--help']);
    const afterHelp = cacheOf(pkg);
    const create = await run(pkg, dryRun);
    expect(create).toMatchObject({ given: true, rejected: false });
    const afterCreate = cacheOf(pkg);
    expect(afterCreate.identity).not.toBe(afterHelp.identity);
    expect(afterCreate.header.files).toEqual(expect.arrayContaining(afterHelp.header.files));
    expect(afterCreate.header.files.length).toBeGreaterThan(afterHelp.header.files.length);
    // Both paths are covered now: neither writes it again.
    expect(await run(pkg, ['--help'])).toMatchObject({ given: true, rejected: false, stdout: help.stdout });
    expect(await run(pkg, dryRun)).toMatchObject({ given: true, rejected: false, stdout: create.stdout });
    expect(cacheOf(pkg).identity).toBe(afterCreate.identity);
  });

  it('of another bundle is ignored and replaced by one of this bundle', async () => {
    const pkg = copyPackage();
    const before = await run(pkg, dryRun);
    const old = cacheOf(pkg);
    // A new build: the same code, one byte longer.
    fs.appendFileSync(path.join(pkg, 'dist/index.js'), '\n');
    const changed = await run(pkg, dryRun);
    expect(changed.given).toBe(false);
    expect(changed.stdout).toBe(before.stdout);
    const renewed = cacheOf(pkg);
    expect(renewed.header.bundle).not.toBe(old.header.bundle);
    expect(await run(pkg, dryRun)).toMatchObject({ given: true, rejected: false });
  });

  it('that V8 rejects is written again', async () => {
    const pkg = copyPackage();
    const before = await run(pkg, dryRun);
    const file = path.join(pkg, CACHE);
    const contents = fs.readFileSync(file);
    const newline = contents.indexOf(10);
    // This bundle's header, over data that is not V8's.
    fs.writeFileSync(file, Buffer.concat([contents.subarray(0, newline + 1), Buffer.alloc(contents.length - newline - 1, 0x5a)]));
    const garbled = await run(pkg, dryRun);
    expect(garbled).toMatchObject({ given: true, rejected: true });
    expect(garbled.stdout).toBe(before.stdout);
    expect(await run(pkg, dryRun)).toMatchObject({ given: true, rejected: false });
  });

  it('is not needed: a package folder that cannot be written runs and prints the same, and leaves nothing', async () => {
    const pkg = copyPackage();
    // Where the other user below may write (the probe's report).
    const cwd = path.join(work, 'read-only-run');
    fs.mkdirSync(cwd, { mode: 0o777 });
    fs.chmodSync(cwd, 0o777);
    const writable = await run(copyPackage(), dryRun, { cwd });
    for (const folder of ['bin', 'dist']) fs.chmodSync(path.join(pkg, folder), 0o555);
    fs.chmodSync(pkg, 0o555);
    // root writes whatever the modes say: run as another user then.
    const user = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    try {
      const readOnly = await run(pkg, dryRun, { cwd, ...user });
      expect(readOnly.stdout).toBe(writable.stdout);
      expect(readOnly.given).toBe(false);
      expect(fs.readdirSync(path.join(pkg, 'dist')).filter((file) => file.startsWith('index.js.cache'))).toEqual([]);
    } finally {
      for (const dir of [pkg, path.join(pkg, 'bin'), path.join(pkg, 'dist')]) fs.chmodSync(dir, 0o755);
    }
  });

  it('leaves the commands that load the compressed chunks working: add-service after a cached create', async () => {
    const pkg = copyPackage();
    await run(pkg, ['shop', '--services', 'users', '--yes', '--no-install', '--no-git', '--package-manager', 'uv']);
    const added = await run(pkg, ['add-service', 'orders', '--db', 'sqlite', '--yes', '--no-install', '--no-git-check'], { cwd: path.join(work, 'shop') });
    expect(added).toMatchObject({ given: true, rejected: false });
    expect(fs.readFileSync(path.join(work, 'shop/services/orders/pyproject.toml'), 'utf8')).toContain('name = ');
    // add-service loaded code no create had: the cache now covers it.
    expect(cacheOf(pkg).header.files.some((file) => file.startsWith('add-service-'))).toBe(true);
  });
});
