/**
 * Interrupting a run while the services of the end-to-end tests are up leaves nothing running:
 * not the CLI's first test pass (Ctrl-C to its process group as a terminal sends it, SIGTERM to
 * the CLI alone as a supervisor sends it), and not the launcher on its own (pytest on the root
 * tests, `make run`), whatever the signal and whether it lands during startup or while the
 * tests run. Even a launcher killed outright (SIGKILL) takes its services with it.
 *
 * "Nothing running" is read from /proc: no process whose working directory or command line is
 * inside the test's own project, and no listener left on a port the services used.
 * To hold the root tests while the services are up, a pytest plugin (loaded through
 * PYTEST_ADDOPTS) touches a marker file and sleeps in every test that uses the stack.
 */
import fs from 'node:fs';
import path from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { binPath, runCli, tempDir } from '../helpers/cli.js';
import { killAllUnder, leftUnder, pollFor, portsListenedOnBy, processesUnder, stillListening } from '../helpers/processes.js';
import { freePort } from '../helpers/service.js';

const work = tempDir('e2e-interrupt');
const SERVICES = ['users', 'orders'];
/** How long every process of the project gets to be gone after the signal. */
const CLEANUP_MS = 20_000;
const STARTUP_MS = 5 * 60_000;

const pluginDir = path.join(work, 'pytest-plugins');
fs.mkdirSync(pluginDir);
fs.writeFileSync(
  path.join(pluginDir, 'hold_stack_tests.py'),
  [
    'import os',
    'import time',
    '',
    '',
    'def pytest_runtest_call(item):',
    '    if "urls" in item.fixturenames:',
    '        open(os.environ["HOLD_MARKER"], "w").close()',
    '        time.sleep(600)',
    '',
  ].join('\n'),
);

/** The environment that makes the root tests hold once the stack is up; `marker` tells when. */
function holdingEnv(marker: string): Record<string, string> {
  return { CI: '1', NO_COLOR: '1', PYTHONPATH: pluginDir, PYTEST_ADDOPTS: '-p hold_stack_tests', HOLD_MARKER: marker };
}

const isServiceProcess = (command: string) => command.includes('app.cmd.api.main');

afterAll(() => {
  killAllUnder(work);
  fs.rmSync(work, { recursive: true, force: true });
});

/** What was running just before the signal, and a check that it is all gone after. */
async function expectAllGone(project: string, ports: number[]): Promise<void> {
  const left = await leftUnder(project, CLEANUP_MS);
  expect(left.map(({ pid, command }) => `${pid} ${command}`)).toEqual([]);
  expect(stillListening(ports)).toEqual([]);
}

function snapshot(project: string): { ports: number[]; services: number } {
  const services = processesUnder(project).filter(({ command }) => isServiceProcess(command));
  return {
    // The services' ports only: the root tests listen too (the OTLP receiver the services
    // export their traces to), and go with the test process.
    ports: portsListenedOnBy(services.map(({ pid }) => pid)),
    services: services.length,
  };
}

const cliCases = [
  { signal: 'SIGINT', to: 'the process group' },
  { signal: 'SIGTERM', to: 'the CLI alone' },
] as const;

for (const { signal, to } of cliCases) describe(`create, ${signal} to ${to} during the root tests of the first test pass`, () => {
  it('waits for the tests to stop the services, then exits 130 with the message', async () => {
    const cwd = fs.mkdtempSync(path.join(work, 'cli-'));
    const project = path.join(cwd, 'demo');
    const marker = path.join(cwd, 'holding');
    const cli = execa('node', [binPath, 'demo', '--yes', '--no-git'], {
      cwd,
      env: holdingEnv(marker),
      reject: false,
      all: true,
      stdin: 'ignore',
      // Its own process group, as a command typed in a terminal: the group can be signalled
      // without signalling this test runner.
      detached: true,
    });
    const holding = await pollFor(() => (fs.existsSync(marker) ? true : undefined), 10 * 60_000, 200);
    expect(holding, 'the root tests never started').toBe(true);
    const before = snapshot(project);
    expect(before.ports).toHaveLength(SERVICES.length);

    process.kill(to === 'the process group' ? -cli.pid! : cli.pid!, signal);
    const run = await cli;

    expect(run.exitCode, run.all).toBe(130);
    expect(run.all).toMatch(/Interrupted during the tests: the project is installed in demo; run them with: cd demo && make test/);
    // The CLI exits only once the test pass has stopped everything.
    expect(processesUnder(project).map(({ command }) => command)).toEqual([]);
    await expectAllGone(project, before.ports);
  });
});

describe('the launcher alone (scripts/stack.py)', () => {
  const project = path.join(work, 'demo');
  beforeAll(async () => {
    const create = await runCli(['demo', '--yes', '--no-git', '--no-test'], { cwd: work, env: { CI: '1' }, timeout: 10 * 60_000 });
    expect(create.exitCode, create.all).toBe(0);
    // `make run` serves on the manifest's ports: free ones, so that parallel runs never collide.
    const manifestPath = path.join(project, '.layered-backend.json');
    const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8')) as { services: Array<{ port: number }> };
    for (const service of manifest.services) service.port = await freePort();
    fs.writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  });

  /**
   * pytest on the root tests (scripts/stack.py through tests/conftest.py): Ctrl-C in a
   * terminal (SIGINT to the group), a supervisor (SIGTERM), a closed terminal (SIGHUP), and
   * SIGKILL, where nothing of pytest's own runs and each service's guard must stop it.
   */
  const pytestCases = [
    { signal: 'SIGINT', to: 'group', phase: 'startup' },
    { signal: 'SIGTERM', to: 'process', phase: 'startup' },
    { signal: 'SIGKILL', to: 'process', phase: 'startup' },
    { signal: 'SIGINT', to: 'group', phase: 'tests' },
    { signal: 'SIGTERM', to: 'process', phase: 'tests' },
    { signal: 'SIGHUP', to: 'process', phase: 'tests' },
    { signal: 'SIGKILL', to: 'process', phase: 'tests' },
  ] as const;

  for (const { signal, to, phase } of pytestCases) it(`pytest, ${signal} to the ${to === 'group' ? 'process group' : 'process alone'} during ${phase}: no service is left`, async () => {
    const marker = path.join(work, `holding-${signal}-${phase}`);
    const pytest = execa(path.join(project, '.venv/bin/python'), ['-m', 'pytest', '-q'], {
      cwd: project,
      env: holdingEnv(marker),
      reject: false,
      all: true,
      stdin: 'ignore',
      detached: true,
    });
    const reached =
      phase === 'startup'
        ? await pollFor(() => (processesUnder(project).some(({ command }) => isServiceProcess(command)) ? true : undefined), STARTUP_MS, 20)
        : await pollFor(() => (fs.existsSync(marker) ? true : undefined), STARTUP_MS, 100);
    expect(reached, `pytest never reached ${phase}`).toBe(true);
    const before = snapshot(project);
    if (phase === 'tests') expect(before.ports).toHaveLength(SERVICES.length);
    expect(before.services).toBeGreaterThan(0);

    process.kill(to === 'group' ? -pytest.pid! : pytest.pid!, signal);
    const run = await pytest;

    if (signal !== 'SIGKILL' && phase === 'tests') {
      // Interrupted (exit 2), after the session's teardown: the cleanup ran.
      expect(run.exitCode, run.all).toBe(2);
      expect(run.all).toMatch(/KeyboardInterrupt/);
    }
    await expectAllGone(project, before.ports);
  });

  /** `make run`: Ctrl-C in its terminal, SIGTERM to make from a supervisor, SIGKILL of the launcher. */
  const runCases = [
    { signal: 'SIGINT', to: 'group', title: 'to the process group' },
    { signal: 'SIGTERM', to: 'make', title: 'to make alone' },
    { signal: 'SIGKILL', to: 'launcher', title: 'to scripts/stack.py alone' },
  ] as const;

  for (const { signal, to, title } of runCases) it(`make run, ${signal} ${title} once ready: no service is left`, async () => {
    const make = execa('make', ['run'], { cwd: project, env: { NO_COLOR: '1' }, reject: false, all: true, stdin: 'ignore', detached: true });
    let output = '';
    make.all?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const ready = await pollFor(() => (output.includes('All services are ready') ? true : undefined), STARTUP_MS, 100);
    expect(ready, output).toBe(true);
    const before = snapshot(project);
    expect(before.ports).toHaveLength(SERVICES.length);

    if (to === 'group') process.kill(-make.pid!, signal);
    else if (to === 'make') process.kill(make.pid!, signal);
    else {
      const launcher = processesUnder(project).find(({ command }) => command.includes('scripts/stack.py'));
      expect(launcher).toBeDefined();
      process.kill(launcher!.pid, signal);
    }
    await make;
    await expectAllGone(project, before.ports);
  });
});
