/**
 * Every pyproject.toml of a project names a distribution; none may be named like a package it
 * depends on, or `uv sync` resolves the project as its own dependency (a project called
 * `pytest` or `httpx`, a service called `anyio`).
 */
import { describe, expect, it } from 'vitest';
import { rootDevDependencies } from '../../src/catalog.js';
import { planFor } from '../helpers/plan.js';

/** PEP 503 normalised name of a requirement such as `import-linter>=2.14`. */
const normalise = (name: string): string => name.toLowerCase().replace(/[-_.]+/g, '-');
const requirementName = (requirement: string): string => normalise(/^[A-Za-z0-9._-]+/.exec(requirement)![0]);
const distributionName = (pyproject: string): string => normalise(/^name = "([^"]+)"$/m.exec(pyproject)![1]!);
/** Every requirement string listed in a pyproject.toml (dependencies and dependency groups). */
const requirementsOf = (pyproject: string): string[] =>
  [...pyproject.matchAll(/^\s+"([A-Za-z0-9._-]+[^"]*)",?$/gm)].map((match) => requirementName(match[1]!));

describe('distribution names', () => {
  const tools = rootDevDependencies().map(requirementName);

  it.each(tools)('a project named %s is not its own dependency', (tool) => {
    const plan = planFor(tool);
    for (const file of ['pyproject.toml', 'libs/pyproject.toml', 'services/users/pyproject.toml']) {
      const pyproject = plan.get(file)!;
      const name = distributionName(pyproject);
      expect(requirementsOf(pyproject), file).not.toContain(name);
      expect(tools, file).not.toContain(name);
    }
  });

  it('names the root, the shared libraries and each service apart', () => {
    const plan = planFor('shop', { services: 'users,orders' });
    const names = ['pyproject.toml', 'libs/pyproject.toml', 'services/users/pyproject.toml', 'services/orders/pyproject.toml'].map(
      (file) => distributionName(plan.get(file)!),
    );
    expect(new Set(names).size).toBe(names.length);
    expect(names[0]).toBe('shop-tooling');
  });
});
