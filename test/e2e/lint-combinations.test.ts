/**
 * Every combination of the choices that change which code a service gets (framework, broker,
 * auth), with one service and with two (a peer changes what the events and the calls render),
 * is clean for ruff: `ruff check` and `ruff format --check`, with each project's own settings.
 * The matrix and the other end-to-end tests install a few of these and run mypy and their tests
 * too; this covers the rest at the cost of rendering them. (A project with a broker and a
 * single service once rendered an unused import: no installed project had that shape.)
 */
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { AUTHS } from '../../src/auth.js';
import { BROKERS } from '../../src/brokers.js';
import { FRAMEWORKS } from '../../src/frameworks.js';
import { runCli, tempDir } from '../helpers/cli.js';

const work = tempDir('e2e-lint');
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

const SHAPES = { one: 'users', two: 'users,orders@postgres' } as const;
const CASES = FRAMEWORKS.flatMap((framework) =>
  BROKERS.flatMap((broker) => AUTHS.flatMap((auth) => Object.entries(SHAPES).map(([shape, services]) => ({ framework, broker, auth, shape, services })))),
);

// Each project's root excludes libs/ and services/ (each is linted from its own folder, with
// its own settings, as `make lint` does): every folder is named, so none is left out.
const lintedFolders = (): string[] =>
  fs.readdirSync(work).flatMap((project) => {
    const root = path.join(work, project);
    const services = fs.readdirSync(path.join(root, 'services')).map((service) => path.join(root, 'services', service));
    return [root, path.join(root, 'libs'), ...services];
  });
const ruff = (args: string[]) => execa('uvx', ['--quiet', 'ruff', ...args, '--no-cache', ...lintedFolders()], { reject: false, all: true });

describe('every framework x broker x auth, with one service and with two', () => {
  it(`renders ${CASES.length} projects that ruff finds nothing in`, async () => {
    for (const { framework, broker, auth, shape, services } of CASES) {
      const name = `${framework}-${broker}-${auth}-${shape}`;
      const run = await runCli([name, '--framework', framework, '--broker', broker, '--auth', auth, '--services', services, '--yes', '--no-install', '--no-git'], { cwd: work });
      expect(run.exitCode, run.all).toBe(0);
    }
    expect(fs.readdirSync(work).filter((entry) => fs.statSync(path.join(work, entry)).isDirectory())).toHaveLength(CASES.length);
    const check = await ruff(['check']);
    expect(check.all).toMatch(/All checks passed/);
    expect(check.exitCode, check.all).toBe(0);
    const format = await ruff(['format', '--check']);
    expect(format.exitCode, format.all).toBe(0);
    expect(format.all).toMatch(/\d+ files already formatted/);
  }, 300_000);
});
