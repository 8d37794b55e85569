/**
 * `doctor` on a real project (created with --no-install): each injected drift is named on a
 * line of its own with its fix, the exit code is 1, --json says the same, nothing is written.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { hashTree, runCli, tempDir } from '../helpers/cli.js';

const work = tempDir('doctor');
const project = path.join(work, 'shop');
const SERVICES = ['users', 'orders', 'billing'];
const read = (file: string) => fs.readFileSync(path.join(project, file), 'utf8');
const write = (file: string, text: string) => fs.writeFileSync(path.join(project, file), text);
const editYaml = (file: string, change: (doc: ReturnType<typeof parseDocument>) => void) => {
  const doc = parseDocument(read(file));
  change(doc);
  write(file, doc.toString());
};

/** The problem lines of a human report. */
const problemLines = (stdout: string) => stdout.split('\n').filter((line) => line.startsWith('✗ '));

beforeAll(async () => {
  const created = await runCli(['shop', '--services', SERVICES.join(','), '--yes', '--no-install'], { cwd: work });
  expect(created.exitCode, created.all).toBe(0);
  // Ports of this test's own range: a service another run started on 8001 is not news here.
  SERVICES.forEach((name, index) => {
    const file = `services/${name}/.env`;
    write(file, read(file).replace(new RegExp(`^${name.toUpperCase()}_PORT=.*$`, 'm'), `${name.toUpperCase()}_PORT=${18_871 + index}`));
  });
}, 120_000);
afterAll(() => fs.rmSync(work, { recursive: true, force: true }), 60_000);

describe('doctor on a project with drifts', () => {
  // Environments are not installed (--no-install): that is a drift too, one line per environment.
  const expected = [
    '✗ root environment missing — run `make install` (or `make install-root`)',
    '✗ services/users: environment missing — run `make install` (or `make install-service-users`)',
    '✗ services/orders: environment missing — run `make install` (or `make install-service-orders`)',
  ];

  it('says nothing is wrong but the environments before the drifts are injected', async () => {
    const run = await runCli(['doctor', project], { cwd: work });
    expect(run.exitCode, run.all).toBe(1);
    expect(problemLines(run.stdout)).toEqual([...expected, '✗ services/billing: environment missing — run `make install` (or `make install-service-billing`)']);
  });

  describe('after the drifts', () => {
    let before: string;
    beforeAll(() => {
      fs.rmSync(path.join(project, 'services/billing'), { recursive: true });
      editYaml('docker-compose.yml', (doc) => doc.deleteIn(['services', 'orders']));
      write('services/users/.env', read('services/users/.env').replace(/^USERS_LOG_LEVEL=.*\n/m, ''));
      editYaml('.github/workflows/ci.yml', (doc) => doc.deleteIn(['jobs', 'services', 'strategy', 'matrix', 'include', 1]));
      before = hashTree(project);
    });

    const drifts = [
      '✗ services/billing: folder missing (listed in .layered-backend.json) — restore it (git checkout -- services/billing) or remove it from .layered-backend.json',
      '✗ docker-compose.yml: no "orders" service — add it back (git checkout -- docker-compose.yml, or copy it from a project generated with the same services)',
      '✗ services/users/.env: USERS_LOG_LEVEL missing — copy the line from services/users/.env.example',
      '✗ .github/workflows/ci.yml: orders not in jobs.services.strategy.matrix.include — add the service to .github/workflows/ci.yml as a project generated with it has it',
    ];

    it('names each drift on one line with its fix, and exits 1', async () => {
      const run = await runCli(['doctor'], { cwd: path.join(project, 'services') });
      expect(run.exitCode, run.all).toBe(1);
      const lines = problemLines(run.stdout);
      expect([...lines].sort()).toEqual([...drifts, ...expected].sort());
      expect(run.stderr).toMatch(/7 problems found/);
    });

    it('--json gives the same problems, machine-readable (project found with --cwd)', async () => {
      const run = await runCli(['doctor', '--cwd', 'shop/services/users', '--json'], { cwd: work });
      expect(run.exitCode).toBe(1);
      const report = JSON.parse(run.stdout) as { ok: boolean; checks: Array<{ id: string; service?: string; status: string; message: string; fix?: string }> };
      expect(report.ok).toBe(false);
      const found = report.checks.filter((check) => check.status === 'problem');
      expect(found.map((check) => `✗ ${check.message} — ${check.fix}`).sort()).toEqual([...drifts, ...expected].sort());
      expect(found.map((check) => [check.id, check.service]).sort()).toEqual(
        [
          ['folders', 'billing'],
          ['compose', 'orders'],
          ['env', 'users'],
          ['workflow', 'orders'],
          ['environment', undefined],
          ['environment', 'users'],
          ['environment', 'orders'],
        ].sort(),
      );
      for (const check of report.checks) expect(['ok', 'problem', 'skipped']).toContain(check.status);
    });

    it('wrote nothing', () => {
      expect(hashTree(project)).toBe(before);
    });
  });

  it('outside a project: exit 1, saying so', async () => {
    const run = await runCli(['doctor'], { cwd: work });
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toMatch(/not inside a create-layered-backend project/);
    expect(run.stderr).toMatch(/Run doctor from the project \(or one of its folders\), or name it: doctor <dir>/);
  });
});
