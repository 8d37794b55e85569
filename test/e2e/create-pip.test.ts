/**
 * End to end with pip alone: `create-layered-backend demo --package-manager pip` resolves the
 * whole project once into .venv/wheels, installs every environment from there (pip
 * --no-index) and passes its first test pass; the environments are complete, `make install`
 * again needs no index, and the project lints.
 */
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir, type CliRun } from '../helpers/cli.js';

const work = tempDir('e2e-pip');
const project = path.join(work, 'demo');
const ENVIRONMENTS = ['.', 'services/users', 'services/orders'];
let create: CliRun;

beforeAll(async () => {
  create = await runCli(['demo', '--yes', '--no-git', '--package-manager', 'pip'], { cwd: work, timeout: 14 * 60_000, env: { CI: '1' } });
});
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

/** The root pip, run against one environment's interpreter. */
const pip = (dir: string, ...args: string[]) =>
  execa(path.join(project, '.venv/bin/python'), ['-m', 'pip', '--python', path.join(project, dir, '.venv/bin/python'), ...args], { cwd: project, reject: false, all: true });

describe('create demo --package-manager pip', () => {
  it('installs the project and passes its first test pass', () => {
    expect(create.all).toMatch(/Tests passed/);
    expect(create.exitCode).toBe(0);
    expect(create.all).not.toMatch(/\d+ failed/);
    expect(create.all).toMatch(/^Phases: prepare [\d.]+ s, sync [\d.]+ s, tests [\d.]+ s; total [\d.]+ s$/m);
  });

  it('resolved once into .venv/wheels; every environment is complete, libs/ and its service editable, no build backend in it', async () => {
    const wheels = fs.readdirSync(path.join(project, '.venv/wheels'));
    expect(wheels.filter((file) => file.startsWith('fastapi-'))).toHaveLength(1);
    expect(wheels.every((file) => file.endsWith('.whl') || file === 'ready')).toBe(true);
    for (const dir of ENVIRONMENTS) {
      const check = await pip(dir, 'check');
      expect(check.exitCode, `${dir}: ${check.all}`).toBe(0);
      const editable = JSON.parse((await pip(dir, 'list', '--editable', '--format', 'json')).stdout) as Array<{ name: string }>;
      const expected = dir === '.' ? ['demo-shared-libs'] : ['demo-shared-libs', `${path.basename(dir)}-service`];
      expect(editable.map((item) => item.name).sort(), dir).toEqual(expected.sort());
      const all = (await pip(dir, 'list', '--format', 'freeze')).stdout.toLowerCase();
      expect(all, dir).not.toMatch(/^hatchling==/m);
      expect(all, dir).toMatch(dir === '.' ? /^pre[-_]commit==/m : /^uvicorn==/m);
    }
  });

  it('installs again without any index, leaving every environment as it was', async () => {
    const before = await Promise.all(ENVIRONMENTS.map(async (dir) => (await pip(dir, 'freeze')).stdout));
    // No configuration (this machine's names local indexes) and an index that cannot answer:
    // the second install must not need one.
    const again = await execa('make', ['install'], { cwd: project, reject: false, all: true, env: { PIP_CONFIG_FILE: '/dev/null', PIP_INDEX_URL: 'http://127.0.0.1:9/simple', PIP_RETRIES: '0', PIP_TIMEOUT: '1' } });
    expect(again.exitCode, again.all).toBe(0);
    const after = await Promise.all(ENVIRONMENTS.map(async (dir) => (await pip(dir, 'freeze')).stdout));
    expect(after).toEqual(before);
  });

  it('lints: ruff, mypy and import-linter pass in every environment', async () => {
    const lint = await execa('make', ['lint'], { cwd: project, reject: false, all: true });
    expect(lint.exitCode, lint.all).toBe(0);
  });
});
