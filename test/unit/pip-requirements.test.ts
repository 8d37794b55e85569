/**
 * scripts/pip_requirements.py of generated projects: what a pip project downloads once into
 * .venv/wheels and installs each environment from (make install, the pip branch). Run on a
 * generated project's pyproject files.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/cli.js';
import { planFor } from '../helpers/plan.js';

const dir = tempDir('pip-requirements');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

beforeAll(() => {
  const plan = planFor('shop', { services: 'users,orders@postgres', packageManager: 'pip' });
  for (const [file, content] of plan) {
    if (!file.endsWith('pyproject.toml') && file !== 'scripts/pip_requirements.py') continue;
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), content);
  }
});

const requirements = (...args: string[]): string[] =>
  execFileSync('python3', [path.join(dir, 'scripts/pip_requirements.py'), ...args], { cwd: dir, encoding: 'utf8' }).trim().split('\n');
const names = (lines: string[]) => lines.map((line) => /^[A-Za-z0-9._-]+/.exec(line)![0].toLowerCase());

describe('scripts/pip_requirements.py', () => {
  it('lists every environment\'s packages once, with the build backend, and none of the local projects', () => {
    const all = requirements();
    expect(new Set(all).size).toBe(all.length);
    // Runtime (a service's, libs'), the dev groups (a service's, the root's), the backend.
    for (const name of ['fastapi', 'asyncpg', 'aiosqlite', 'pydantic-settings', 'pytest-asyncio', 'pre-commit', 'hatchling', 'editables']) {
      expect(names(all)).toContain(name);
    }
    for (const local of ['shop-shared-libs', 'users-service', 'orders-service', 'shop-tooling']) expect(names(all)).not.toContain(local);
  });

  it('lists a service\'s runtime dependencies with those of libs/, and no dev tool', () => {
    const orders = names(requirements('services/orders'));
    expect(orders).toContain('asyncpg');
    expect(orders).toContain('opentelemetry-instrumentation-httpx'); // from libs/
    expect(orders).not.toContain('aiosqlite'); // the users service's database
    expect(orders).not.toContain('pytest');
    expect(orders).not.toContain('shop-shared-libs');
    expect(names(requirements('libs'))).not.toContain('fastapi');
  });

  it('lists the build backends alone with --build, and refuses what is not a project', () => {
    expect(names(requirements('--build')).sort()).toEqual(['editables', 'hatchling']);
    expect(() => execFileSync('python3', [path.join(dir, 'scripts/pip_requirements.py'), 'nowhere'], { cwd: dir, stdio: 'pipe' })).toThrow(/usage/);
  });
});
