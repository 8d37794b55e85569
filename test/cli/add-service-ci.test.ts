/**
 * add-service and the CI files: the workflow and dependabot.yml learn about the new
 * service with hand edits kept; a CI file the user deleted is left out with a notice; one
 * restructured so that it cannot be edited safely is a conflict and nothing is written.
 */
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { hashTree, runCli, tempDir } from '../helpers/cli.js';

const work = tempDir('add-ci');
const project = path.join(work, 'shop');
const WORKFLOW = '.github/workflows/ci.yml';
const DEPENDABOT = '.github/dependabot.yml';
const read = (file: string) => fs.readFileSync(path.join(project, file), 'utf8');
const write = (file: string, text: string) => fs.writeFileSync(path.join(project, file), text);
const git = (...args: string[]) => execa('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd: project });
const add = (args: string[]) => runCli(['add-service', ...args, '--yes', '--no-install', '--no-git-check'], { cwd: project });

beforeAll(async () => {
  const created = await runCli(['shop', '--services', 'users', '--yes', '--no-install'], { cwd: work });
  expect(created.exitCode, created.all).toBe(0);
});
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

describe('add-service and the CI files', () => {
  it('refuses a workflow whose services matrix was restructured, writing nothing', async () => {
    const original = read(WORKFLOW);
    write(WORKFLOW, original.replace(/ {6}matrix:\n {8}include:\n/, '      matrix:\n        service: [users]\n        entries:\n'));
    const hash = hashTree(project);
    const run = await add(['orders', '--db', 'postgres']);
    expect(run.exitCode, run.all).toBe(1);
    expect(run.stderr).toMatch(/\.github\/workflows\/ci\.yml cannot be edited safely: it has no jobs\.services\.strategy\.matrix\.include list/);
    expect(hashTree(project)).toBe(hash);
    write(WORKFLOW, original);
  });

  it('edits the workflow keeping hand edits, and leaves a deleted dependabot.yml out with a notice', async () => {
    write(WORKFLOW, read(WORKFLOW).replace('      - name: End-to-end tests\n', '      # our smoke check\n      - name: Smoke\n        run: make smoke\n      - name: End-to-end tests\n'));
    fs.rmSync(path.join(project, DEPENDABOT));
    await git('add', '-A');
    await git('commit', '-qm', 'hand edits');
    const run = await add(['orders', '--db', 'postgres']);
    expect(run.exitCode, run.all).toBe(0);
    expect(run.stdout).toMatch(/\.github\/dependabot\.yml is missing: orders is not added to it\./);
    expect(fs.existsSync(path.join(project, DEPENDABOT))).toBe(false);
    const text = read(WORKFLOW);
    expect(text).toContain('# our smoke check');
    const workflow = parse(text) as { env: Record<string, string>; jobs: Record<string, any> };
    expect(workflow.jobs.root.steps).toContainEqual({ name: 'Smoke', run: 'make smoke' });
    expect(workflow.jobs.services.strategy.matrix.include).toEqual([
      { service: 'users', database: 'sqlite' },
      { service: 'orders', database: 'postgres' },
    ]);
    expect(workflow.jobs.root.services.postgres.image).toBe((parse(read('docker-compose.yml')) as any).services['orders-db'].image);
    expect(Object.keys(workflow.env)).toEqual(['REQUIRE_DB', 'TEST_POSTGRES_URL']);
  });
});
