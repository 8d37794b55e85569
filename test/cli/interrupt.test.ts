/**
 * Ctrl-C and SIGTERM at each stage of a run: before the project is in place nothing is left;
 * after, the project is complete and the message says how to finish. Exit code 130.
 * A running tool gets the signal with everything it started, and the CLI waits for them.
 * Slow stages are simulated with fake tools on PATH, so a signal lands inside them for sure.
 */
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { binPath, hashTree, listFiles, tempDir } from '../helpers/cli.js';
import { killAllUnder, leftUnder, processesUnder } from '../helpers/processes.js';

const work = tempDir('signals');
afterAll(() => {
  killAllUnder(work);
  fs.rmSync(work, { recursive: true, force: true });
});

/** A folder of fake tools; `marker` is touched when a tool starts, so the test knows when. */
function fakeTools(scripts: Record<string, string>): { dir: string; marker: string } {
  const dir = fs.mkdtempSync(path.join(work, '.bin-'));
  const marker = path.join(dir, 'started');
  for (const [name, body] of Object.entries(scripts)) {
    fs.writeFileSync(path.join(dir, name), `#!/bin/sh\n${body.replaceAll('$MARKER', marker)}\n`, { mode: 0o755 });
  }
  return { dir, marker };
}

/** Start the CLI; resolves (with the running CLI in an object, not awaited) once the slow tool runs. */
async function startUntilToolRuns(args: string[], cwd: string, tools: { dir: string; marker: string }) {
  const child = execa('node', [binPath, ...args], {
    cwd,
    env: { NO_COLOR: '1', CI: '1', PATH: `${tools.dir}:${process.env.PATH}` },
    reject: false,
    all: true,
    stdin: 'ignore',
    // `kill()` sends the signal only: no SIGKILL of its own after a delay.
    forceKillAfterDelay: false,
  });
  const deadline = Date.now() + 20_000;
  while (!fs.existsSync(tools.marker) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  expect(fs.existsSync(tools.marker), 'the slow step never started').toBe(true);
  return { child };
}

async function interruptWhenStarted(args: string[], cwd: string, tools: { dir: string; marker: string }, signal: NodeJS.Signals) {
  const { child } = await startUntilToolRuns(args, cwd, tools);
  child.kill(signal);
  return child;
}

const sleeper = 'touch "$MARKER"; sleep 30';
/** make: install targets succeed at once, `make test` hangs. */
const makeHangingOnTest = `case "$*" in *test*) touch "$MARKER"; sleep 30;; *) exit 0;; esac`;
const uvVersionOnly = 'if [ "$1" = "--version" ]; then echo "uv 0.0.0"; exit 0; fi; exit 0';

describe.each(['SIGINT', 'SIGTERM'] as const)('create, %s', (signal) => {
  it('before writing (while probing for uv): nothing is left', async () => {
    const cwd = fs.mkdtempSync(path.join(work, 'a-'));
    const tools = fakeTools({ uv: sleeper });
    const run = await interruptWhenStarted(['demo', '--yes'], cwd, tools, signal);
    expect(run.exitCode).toBe(130);
    expect(run.all).toMatch(/Cancelled: nothing was written/);
    expect(fs.readdirSync(cwd)).toEqual([]);
  });

  it('during install: the project is complete and the message says how to finish', async () => {
    const cwd = fs.mkdtempSync(path.join(work, 'b-'));
    const tools = fakeTools({ uv: uvVersionOnly, make: `if [ "$1" = "--version" ]; then exit 0; fi; ${sleeper}` });
    const run = await interruptWhenStarted(['demo', '--yes', '--no-git', '--package-manager', 'uv'], cwd, tools, signal);
    expect(run.exitCode).toBe(130);
    expect(run.all).toMatch(/the project is complete in demo; finish with: cd demo && make install && make test/);
    expect(fs.readdirSync(cwd)).toEqual(['demo']);
    expect(listFiles(path.join(cwd, 'demo'))).toContain('services/orders/app/cmd/api/main.py');
  });

  it('during install, with git still to run: the message includes the first commit', async () => {
    const cwd = fs.mkdtempSync(path.join(work, 'g-'));
    const tools = fakeTools({ uv: uvVersionOnly, make: `if [ "$1" = "--version" ]; then exit 0; fi; ${sleeper}` });
    const run = await interruptWhenStarted(['demo', '--yes', '--package-manager', 'uv'], cwd, tools, signal);
    expect(run.exitCode).toBe(130);
    expect(run.all).toContain(
      'finish with: cd demo && make install && git init && git add -A && git commit -m "Initial commit from create-layered-backend" && make test',
    );
    expect(fs.existsSync(path.join(cwd, 'demo/.git'))).toBe(false);
  });

  it('during install inside an existing repository: no git step, since none would run', async () => {
    const cwd = fs.mkdtempSync(path.join(work, 'h-'));
    await execa('git', ['init', '--quiet'], { cwd });
    const tools = fakeTools({ uv: uvVersionOnly, make: `if [ "$1" = "--version" ]; then exit 0; fi; ${sleeper}` });
    const run = await interruptWhenStarted(['demo', '--yes', '--package-manager', 'uv'], cwd, tools, signal);
    expect(run.exitCode).toBe(130);
    expect(run.all).toMatch(/finish with: cd demo && make install && make test \(SIG/);
    expect(run.all).not.toMatch(/git init/);
  });

  it('during the test pass: the message says how to run the tests', async () => {
    const cwd = fs.mkdtempSync(path.join(work, 'c-'));
    const tools = fakeTools({ uv: uvVersionOnly, make: `if [ "$1" = "--version" ]; then exit 0; fi; ${makeHangingOnTest}` });
    const run = await interruptWhenStarted(['demo', '--yes', '--no-git', '--package-manager', 'uv'], cwd, tools, signal);
    expect(run.exitCode).toBe(130);
    expect(run.all).toMatch(/Interrupted during the tests: .* run them with: cd demo && make test/);
  });
});

/**
 * `make test` as the real one runs: make, and under it pytest (here a shell that traps the
 * signal), which stops the services it started before it exits. `$CLEANUP` is what the inner
 * process does on SIGINT or SIGTERM.
 */
function makeWithTestProcess(cleanup: string): string {
  const inner = `trap '${cleanup}' INT TERM; touch "$MARKER"; while :; do sleep 0.1; done`;
  return `if [ "$1" = "--version" ]; then exit 0; fi; case "$*" in *test*) sh -c "${inner.replaceAll('"', '\\"')}";; *) exit 0;; esac`;
}

describe.each(['SIGINT', 'SIGTERM'] as const)('create, %s during the test pass, to the CLI alone', (signal) => {
  it('passes the signal to every process of make test, and exits once they have cleaned up', async () => {
    const cwd = fs.mkdtempSync(path.join(work, 'f-'));
    const cleaned = path.join(cwd, 'cleaned');
    const tools = fakeTools({ uv: uvVersionOnly, make: makeWithTestProcess(`sleep 1; touch ${cleaned}; exit 1`) });
    const run = await interruptWhenStarted(['demo', '--yes', '--no-git', '--package-manager', 'uv'], cwd, tools, signal);
    expect(run.exitCode).toBe(130);
    expect(run.all).toMatch(/Stopping make test/);
    expect(run.all).toMatch(/Interrupted during the tests: .* run them with: cd demo && make test/);
    expect(fs.existsSync(cleaned), 'the CLI exited before the tests had cleaned up').toBe(true);
    expect(processesUnder(tools.dir)).toEqual([]);
  });
});

describe('create, a test pass that does not stop', () => {
  it('is killed at once by a second Ctrl-C', async () => {
    const cwd = fs.mkdtempSync(path.join(work, 'g-'));
    const tools = fakeTools({ uv: uvVersionOnly, make: makeWithTestProcess('') });
    const { child } = await startUntilToolRuns(['demo', '--yes', '--no-git', '--package-manager', 'uv'], cwd, tools);
    child.kill('SIGINT');
    let output = '';
    child.all?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const deadline = Date.now() + 20_000;
    while (!output.includes('Stopping make test') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(processesUnder(tools.dir), 'the test process ignores the first Ctrl-C').not.toEqual([]);
    const secondAt = Date.now();
    child.kill('SIGINT');
    const run = await child;
    expect(run.exitCode).toBe(130);
    expect(run.all).toMatch(/Interrupted during the tests/);
    // Well before the grace period the first signal gets (10 s).
    expect(Date.now() - secondAt).toBeLessThan(8_000);
    expect(await leftUnder(tools.dir, 2_000)).toEqual([]);
  });

  it('is killed after a grace period when it ignores SIGTERM', async () => {
    const cwd = fs.mkdtempSync(path.join(work, 'h-'));
    const tools = fakeTools({ uv: uvVersionOnly, make: makeWithTestProcess('') });
    const run = await interruptWhenStarted(['demo', '--yes', '--no-git', '--package-manager', 'uv'], cwd, tools, 'SIGTERM');
    expect(run.exitCode, `${run.signal} ${run.all}`).toBe(130);
    expect(run.all).toMatch(/Interrupted during the tests/);
    expect(await leftUnder(tools.dir, 2_000)).toEqual([]);
  });
});

describe('add-service, SIGINT', () => {
  it('during install: the service is added completely, and the message says how to finish', async () => {
    const cwd = fs.mkdtempSync(path.join(work, 'd-'));
    await execa('node', [binPath, 'shop', '--services', 'users', '--yes', '--no-install'], { cwd });
    const project = path.join(cwd, 'shop');
    const before = listFiles(project);
    const tools = fakeTools({ uv: uvVersionOnly, make: `if [ "$1" = "--version" ]; then exit 0; fi; ${sleeper}` });
    const run = await interruptWhenStarted(['add-service', 'orders', '--yes'], project, tools, 'SIGINT');
    expect(run.exitCode).toBe(130);
    expect(run.all).toMatch(/orders was added; finish with: make install-service-orders && make test/);
    const after = listFiles(project);
    // The service's own folders: its code, and its Kubernetes folder and secrets.
    const ownFolder = /^(services\/orders|deploy\/k8s\/base\/orders|deploy\/k8s\/overlays\/\w+\/secrets\/orders)\//;
    expect(after.filter((file) => !before.includes(file)).filter((file) => !ownFolder.test(file))).toEqual([]);
    expect(JSON.parse(fs.readFileSync(path.join(project, '.layered-backend.json'), 'utf8')).services).toHaveLength(2);
    expect(after.some((file) => file.includes('staging'))).toBe(false);
  });

  it('before the change (while checking git): the project is exactly as before', async () => {
    const cwd = fs.mkdtempSync(path.join(work, 'e-'));
    await execa('node', [binPath, 'shop', '--services', 'users', '--yes', '--no-install'], { cwd });
    const project = path.join(cwd, 'shop');
    const hash = hashTree(project);
    const tools = fakeTools({ git: sleeper });
    const run = await interruptWhenStarted(['add-service', 'orders', '--yes', '--no-install'], project, tools, 'SIGINT');
    expect(run.exitCode).toBe(130);
    expect(hashTree(project)).toBe(hash);
  });
});
