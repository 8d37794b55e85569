/**
 * The phases from a written project to green, as the CLI drives them: the preparation alone
 * first (uv.lock, or the one pip), then every environment, then every test suite, side by
 * side; a line for each; a failure reported under the name of what failed. make is a fake
 * that records its targets and fails where a test asks it to.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';

const work = tempDir('phases');
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

/**
 * What the fake uv's cache and index hold: `cold`, a cache that cannot resolve the project
 * (`uv lock --offline` fails); otherwise a cache that can, and an index that has nothing
 * newer (`same`), something newer (`newer`), does not answer (`unreachable`), or has
 * something newer and then fails the resolution (`relock-fails`).
 */
type UvIndex = 'cold' | 'same' | 'newer' | 'unreachable' | 'relock-fails';

/**
 * Fake make and uv. make appends "start T" and "end T" to the log for its target T; it
 * prints two lines naming T; for a target in `failing` it prints pytest's summary of a
 * failure and exits 1; `slow` targets take a moment, so that the others overlap them. uv
 * logs its lock commands the same way (`uv-offline`, `uv-check`, `uv-relock`), writes
 * uv.lock as the cache or the index would, and answers as `index` says.
 */
function fakeTools(failing: string[] = [], slow: string[] = [], index: UvIndex = 'cold', failingOffline: string[] = []): { env: Record<string, string>; log: string } {
  const bin = fs.mkdtempSync(path.join(work, '.bin-'));
  const log = path.join(bin, 'make.log');
  const make = `#!/bin/sh
if [ "$1" = "--version" ]; then exit 0; fi
for t in "$@"; do target="$t"; done
echo "start $target" >> "${log}"
if [ -n "$UV_OFFLINE" ]; then
  echo "offline $target" >> "${log}"
  case " ${failingOffline.join(' ')} " in *" $target "*) echo "error: not in the cache"; echo "end $target" >> "${log}"; exit 2;; esac
fi
case " ${slow.join(' ')} " in *" $target "*) sleep 1;; esac
echo "$target: first line"
case " ${failing.join(' ')} " in
  *" $target "*) echo "$target: AssertionError"; echo "===== 1 failed, 9 passed in 0.50s ====="; echo "end $target" >> "${log}"; exit 1;;
esac
echo "===== 10 passed in 0.50s ====="
echo "end $target" >> "${log}"
`;
  fs.writeFileSync(path.join(bin, 'make'), make, { mode: 0o755 });
  const uv = `#!/bin/sh
case "$*" in
  "lock --offline")
    echo "start uv-offline" >> "${log}"
    if [ "${index}" = cold ]; then echo "error: packages were unavailable because the network was disabled"; echo "end uv-offline" >> "${log}"; exit 1; fi
    echo "from the cache" > uv.lock; echo "end uv-offline" >> "${log}";;
  "lock --upgrade --dry-run")
    echo "start uv-check" >> "${log}"; sleep 0.3
    case "${index}" in
      same) echo "Resolved 91 packages in 1.00s"; echo "No lockfile changes detected";;
      unreachable) echo "error: Failed to fetch: https://pypi.org/simple/idna/"; echo "end uv-check" >> "${log}"; exit 2;;
      *) echo "Resolved 91 packages in 1.00s"; echo "Update idna v3.19 -> v3.20"; echo "Add newdep v1.0.0";;
    esac
    echo "end uv-check" >> "${log}";;
  "lock --upgrade")
    echo "start uv-relock" >> "${log}"
    if [ "${index}" = relock-fails ]; then echo "error: the index went away"; echo "end uv-relock" >> "${log}"; exit 2; fi
    echo "from the index" > uv.lock; echo "end uv-relock" >> "${log}";;
  *) echo "uv 0.0.0";;
esac
`;
  fs.writeFileSync(path.join(bin, 'uv'), uv, { mode: 0o755 });
  return { env: { PATH: `${bin}:${process.env.PATH}`, CI: '1' }, log };
}

const events = (log: string) => fs.readFileSync(log, 'utf8').trim().split('\n');
/** The log but for the attempt to resolve from uv's cache, which a cold cache fails. */
const withoutCacheAttempt = (lines: string[]) => lines.filter((line) => !line.endsWith(' uv-offline'));
const targetsOf = (log: string) => events(log).filter((line) => line.startsWith('start ')).map((line) => line.slice('start '.length));

describe('create: resolve, then install and test side by side', () => {
  // uv: the other environments (the root one too) come after the first service's (they link
  // the bytecode it compiled); pip: all at once. Either way, each suite starts once its environments are
  // installed, not once they all are: the slow targets show which waits for which.
  const slowTargets = { uv: ['install-service-users', 'install-service-orders', 'test-service-users'], pip: ['install-service-users', 'test-service-users'] };
  it.each(['uv', 'pip'] as const)('%s: the preparation alone first, then the environments, each suite as soon as its own are installed; a line each and the phases', async (packageManager) => {
    const tools = fakeTools([], slowTargets[packageManager]);
    const run = await runCli([`p-${packageManager}`, '--yes', '--no-git', '--package-manager', packageManager], { cwd: work, env: tools.env });
    expect(run.exitCode, run.all).toBe(0);
    const prepare = packageManager === 'uv' ? 'lock' : 'install-pip';
    const log = withoutCacheAttempt(events(tools.log));
    // The preparation ends before anything else starts.
    expect(log.slice(0, 2)).toEqual([`start ${prepare}`, `end ${prepare}`]);
    const installs = ['install-root', 'install-service-users', 'install-service-orders'];
    const tests = ['test-service-orders', 'test-service-users', 'test-root'];
    expect(targetsOf(tools.log).filter((target) => target !== 'uv-offline').slice(1).sort()).toEqual([...installs, ...tests].sort());
    const endOf = (target: string) => log.indexOf(`end ${target}`);
    const startOf = (target: string) => log.indexOf(`start ${target}`);
    // A suite after its own environment; the end-to-end tests after every environment.
    expect(endOf('install-service-users')).toBeLessThan(startOf('test-service-users'));
    expect(endOf('install-service-orders')).toBeLessThan(startOf('test-service-orders'));
    for (const target of installs) expect(endOf(target)).toBeLessThan(startOf('test-root'));
    if (packageManager === 'uv') {
      // The first service's environment alone, then the others, the root one too.
      expect(endOf('install-service-users')).toBeLessThan(startOf('install-service-orders'));
      expect(endOf('install-service-users')).toBeLessThan(startOf('install-root'));
      // users' suite runs while orders' environment installs.
      expect(startOf('test-service-users')).toBeLessThan(endOf('install-service-orders'));
    } else {
      expect(startOf('install-service-orders')).toBeLessThan(endOf('install-service-users'));
      expect(startOf('install-root')).toBeLessThan(endOf('install-service-users'));
      // orders' suite runs while users' environment installs.
      expect(startOf('test-service-orders')).toBeLessThan(endOf('install-service-users'));
    }
    for (const label of ['the root test tooling', 'service users', 'service orders']) expect(run.stdout).toMatch(new RegExp(`^ok Installed ${label} \\(\\d+\\.\\d s\\)$`, 'm'));
    for (const label of ['users', 'orders', 'end-to-end']) expect(run.stdout).toMatch(new RegExp(`^ok ${label}: 10 passed in 0\\.50s \\(\\d+\\.\\d s\\)$`, 'm'));
    expect(run.stdout).toMatch(/^ok Tests passed: 10 passed in 0\.50s; 10 passed in 0\.50s; 10 passed in 0\.50s$/m);
    expect(run.stdout).toMatch(new RegExp(`^Phases: ${packageManager === 'uv' ? 'resolve' : 'prepare'} \\d+\\.\\d s, sync \\d+\\.\\d s, tests \\d+\\.\\d s; total \\d+\\.\\d s$`, 'm'));
    // Only the preparation streams its output; the environments and suites running side by
    // side do not interleave theirs.
    expect(run.all).toMatch(new RegExp(`^  ${prepare}: first line$`, 'm'));
    expect(run.all).not.toMatch(/(install-root|install-service-\w+|test-\S+): first line/);
  });

  it('a failed suite: every suite still runs, and the report shows the failed one under its name, the others not at all', async () => {
    const tools = fakeTools(['test-service-orders']);
    const run = await runCli(['fails', '--yes', '--no-git', '--package-manager', 'uv'], { cwd: work, env: tools.env });
    expect(run.exitCode).toBe(2);
    expect(targetsOf(tools.log)).toEqual(expect.arrayContaining(['test-service-users', 'test-service-orders', 'test-root']));
    expect(run.stdout).toMatch(/^ok users: 10 passed/m);
    expect(run.stderr).toMatch(/orders: 1 failed, 9 passed in 0\.50s, failed \(make test-service-orders, exit 1\)/);
    expect(run.stderr).toMatch(/--- orders \(make test-service-orders, exit 1\): last lines of its output ---\n\s+test-service-orders: first line\n\s+test-service-orders: AssertionError/);
    expect(run.stderr).not.toMatch(/test-service-users: first line/);
    expect(run.stderr).toMatch(/retry with: cd fails && make test/);
  });

  it('a failed environment: the others are installed, no suite that runs in it starts, and the retry is make install', async () => {
    const tools = fakeTools(['install-service-users']);
    const run = await runCli(['broken-env', '--yes', '--no-git', '--package-manager', 'uv'], { cwd: work, env: tools.env });
    expect(run.exitCode).toBe(2);
    // orders' suite needs only orders' environment; users' suite and the end-to-end tests
    // (every service) are not started.
    expect(targetsOf(tools.log).sort()).toEqual(['install-root', 'install-service-orders', 'install-service-users', 'lock', 'test-service-orders', 'uv-offline']);
    expect(run.all).toMatch(/^warning: users: not run \(make install-service-users failed\)$/m);
    expect(run.all).toMatch(/^warning: end-to-end: not run \(make install-service-users failed\)$/m);
    expect(run.all).not.toMatch(/Tests passed/);
    expect(run.stderr).toMatch(/but make install-service-users failed/);
    expect(run.stderr).toMatch(/--- service users \(make install-service-users, exit 1\)/);
    expect(run.stderr).toMatch(/retry with: cd broken-env && make install && make test/);
  });
});

describe('create with uv: resolved from the cache, the index asked while the first environment installs', () => {
  const slow = ['install-service-users'];
  const startsOf = (log: string[], target: string) => log.flatMap((line, index) => (line === `start ${target}` ? [index] : []));

  it('the index has nothing newer: the first environment starts at once, the others and every suite after the check; the commit holds the lock', async () => {
    const tools = fakeTools([], slow, 'same');
    const run = await runCli(['cached', '--yes', '--package-manager', 'uv'], { cwd: work, env: tools.env });
    expect(run.exitCode, run.all).toBe(0);
    const log = events(tools.log);
    expect(log.slice(0, 2)).toEqual(['start uv-offline', 'end uv-offline']);
    expect(targetsOf(tools.log)).not.toContain('lock');
    // The check runs while the first environment installs: it does not hold it up.
    expect(log.indexOf('start uv-check')).toBeLessThan(log.indexOf('end install-service-users'));
    expect(log.indexOf('start install-service-users')).toBeLessThan(log.indexOf('end uv-check'));
    for (const target of ['install-root', 'install-service-orders', 'test-service-users', 'test-service-orders', 'test-root']) {
      expect(log.indexOf('end uv-check'), target).toBeLessThan(log.indexOf(`start ${target}`));
    }
    expect(startsOf(log, 'install-service-users')).toHaveLength(1);
    expect(targetsOf(tools.log)).not.toContain('uv-relock');
    // Every environment from the cache alone: no question to the index beside the check's.
    for (const target of ['install-root', 'install-service-users', 'install-service-orders']) expect(log, target).toContain(`offline ${target}`);
    expect(run.stdout).toMatch(/^ok Resolved the dependencies of the whole project from uv's cache \(uv\.lock\)/m);
    expect(run.stdout).toMatch(/^ok Checked uv\.lock against the index: nothing newer/m);
    expect(run.stdout).toMatch(/^ok Tests passed/m);
    expect(run.stdout).toMatch(/^Phases: resolve \d+\.\d s, sync/m);
    const project = path.join(work, 'cached');
    const { execFileSync } = await import('node:child_process');
    expect(execFileSync('git', ['show', 'HEAD:uv.lock'], { cwd: project, encoding: 'utf8' })).toBe('from the cache\n');
    expect(execFileSync('git', ['status', '--porcelain', '--', 'uv.lock'], { cwd: project, encoding: 'utf8' })).toBe('');
  });

  it('the index has something newer: resolved again, the first environment synced again, and only then the rest; the commit holds the new lock', async () => {
    const tools = fakeTools([], slow, 'newer');
    const run = await runCli(['newer', '--yes', '--package-manager', 'uv'], { cwd: work, env: tools.env });
    expect(run.exitCode, run.all).toBe(0);
    const log = events(tools.log);
    const [firstInstall, secondInstall] = startsOf(log, 'install-service-users');
    expect(secondInstall).toBeDefined();
    // The resolution waits for the first sync (which read the old lock) and the check.
    expect(log.indexOf('end uv-check')).toBeLessThan(log.indexOf('start uv-relock'));
    expect(log.indexOf('end install-service-users')).toBeLessThan(log.indexOf('start uv-relock'));
    expect(firstInstall).toBeLessThan(log.indexOf('start uv-relock'));
    expect(log.indexOf('end uv-relock')).toBeLessThan(secondInstall!);
    const secondEnd = log.lastIndexOf('end install-service-users');
    for (const target of ['install-root', 'install-service-orders', 'test-service-users', 'test-service-orders', 'test-root']) {
      expect(secondEnd, target).toBeLessThan(log.indexOf(`start ${target}`));
    }
    expect(run.stdout).toMatch(/The index has newer versions than uv's cache \(Update idna v3\.19 -> v3\.20, Add newdep v1\.0\.0\): resolving again/);
    expect(run.stdout).toMatch(/^ok Tests passed/m);
    const { execFileSync } = await import('node:child_process');
    expect(execFileSync('git', ['show', 'HEAD:uv.lock'], { cwd: path.join(work, 'newer'), encoding: 'utf8' })).toBe('from the index\n');
  });

  it('an environment the cache cannot install alone: installed again with the network', async () => {
    const tools = fakeTools([], [], 'same', ['install-service-orders']);
    const run = await runCli(['partial-cache', '--yes', '--no-git', '--package-manager', 'uv'], { cwd: work, env: tools.env });
    expect(run.exitCode, run.all).toBe(0);
    const log = events(tools.log);
    const [offline, online] = startsOf(log, 'install-service-orders');
    expect(log[offline! + 1]).toBe('offline install-service-orders');
    expect(log[online! + 1]).not.toBe('offline install-service-orders');
    expect(startsOf(log, 'install-service-users')).toHaveLength(1);
    expect(run.stdout).toMatch(/^ok Installed service orders/m);
    expect(run.stdout).toMatch(/^ok Tests passed/m);
  });

  it('the index does not answer: a warning, the lock from the cache is kept, and the run goes on', async () => {
    const tools = fakeTools([], [], 'unreachable');
    const run = await runCli(['offline', '--yes', '--no-git', '--package-manager', 'uv'], { cwd: work, env: tools.env });
    expect(run.exitCode, run.all).toBe(0);
    expect(targetsOf(tools.log)).not.toContain('uv-relock');
    expect(startsOf(events(tools.log), 'install-service-users')).toHaveLength(1);
    expect(run.all).toMatch(/^warning: Could not ask the index about uv\.lock \(uv lock --upgrade --dry-run, exit 2\): it holds what uv's cache had/m);
    expect(fs.readFileSync(path.join(work, 'offline', 'uv.lock'), 'utf8')).toBe('from the cache\n');
    expect(run.stdout).toMatch(/^ok Tests passed/m);
  });

  it('UV_OFFLINE set: the index is not asked, and the warning says why', async () => {
    const tools = fakeTools([], [], 'same');
    const run = await runCli(['told-offline', '--yes', '--no-git', '--package-manager', 'uv'], { cwd: work, env: { ...tools.env, UV_OFFLINE: 'true' } });
    expect(run.exitCode, run.all).toBe(0);
    expect(targetsOf(tools.log)).not.toContain('uv-check');
    expect(run.all).toMatch(/^warning: Could not ask the index about uv\.lock \(UV_OFFLINE is set\)/m);
    expect(run.stdout).toMatch(/^ok Tests passed/m);
  });

  it('the resolution against the index fails: no suite runs, and the failure names the command', async () => {
    const tools = fakeTools([], [], 'relock-fails');
    const run = await runCli(['relock-fails', '--yes', '--no-git', '--package-manager', 'uv'], { cwd: work, env: tools.env });
    expect(run.exitCode).toBe(2);
    expect(targetsOf(tools.log).filter((target) => target.startsWith('test-'))).toEqual([]);
    expect(run.stderr).toMatch(/but uv lock --upgrade && make install-service-users failed/);
    expect(run.stderr).toMatch(/the index went away/);
    expect(run.all).not.toMatch(/Tests passed/);
  });

  it('a cache that cannot resolve the project: resolved against the index (make lock), as without a cache', async () => {
    const tools = fakeTools([], [], 'cold');
    const run = await runCli(['cold', '--yes', '--no-git', '--package-manager', 'uv'], { cwd: work, env: tools.env });
    expect(run.exitCode, run.all).toBe(0);
    const targets = targetsOf(tools.log);
    expect(targets.slice(0, 2)).toEqual(['uv-offline', 'lock']);
    expect(targets).not.toContain('uv-check');
    expect(run.all).not.toMatch(/uv's cache/);
  });
});

describe('add-service', () => {
  it('uv: resolves again, then syncs every environment (the new one and the existing ones), then tests', async () => {
    const created = await runCli(['shop', '--services', 'users', '--yes', '--no-install', '--no-git', '--package-manager', 'uv'], { cwd: work });
    expect(created.exitCode, created.all).toBe(0);
    const tools = fakeTools();
    const shop = path.join(work, 'shop');
    fs.mkdirSync(path.join(shop, '.venv'));
    fs.mkdirSync(path.join(shop, 'services/users/.venv'));
    const run = await runCli(['add-service', 'billing', '--yes', '--no-git-check'], { cwd: shop, env: tools.env });
    expect(run.exitCode, run.all).toBe(0);
    const targets = targetsOf(tools.log);
    expect(targets[0]).toBe('lock');
    expect(targets.slice(1, 4).sort()).toEqual(['install-root', 'install-service-billing', 'install-service-users']);
    expect(targets.slice(4).sort()).toEqual(['test-root', 'test-service-billing', 'test-service-users']);
    const log = events(tools.log);
    for (const name of ['users', 'billing']) expect(log.indexOf(`end install-service-${name}`)).toBeLessThan(log.indexOf(`start test-service-${name}`));
    for (const name of ['root', 'service-users', 'service-billing']) expect(log.indexOf(`end install-${name}`)).toBeLessThan(log.indexOf('start test-root'));
  });

  it('a Makefile without the lock target (an older project): no preparation, only the missing environments', async () => {
    const created = await runCli(['old', '--services', 'users', '--yes', '--no-install', '--no-git', '--package-manager', 'uv'], { cwd: work });
    expect(created.exitCode, created.all).toBe(0);
    const old = path.join(work, 'old');
    const makefile = path.join(old, 'Makefile');
    fs.writeFileSync(makefile, fs.readFileSync(makefile, 'utf8').replace(/^lock:.*$/m, ''));
    fs.mkdirSync(path.join(old, '.venv'));
    fs.mkdirSync(path.join(old, 'services/users/.venv'));
    const tools = fakeTools();
    const run = await runCli(['add-service', 'billing', '--yes', '--no-git-check', '--no-test'], { cwd: old, env: tools.env });
    expect(run.exitCode, run.all).toBe(0);
    expect(targetsOf(tools.log)).toEqual(['install-service-billing']);
  });
});
