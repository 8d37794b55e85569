/**
 * Property-based tests of name validation: whatever is accepted renders a project whose
 * Python, TOML and YAML files parse; what is suggested for a rejected name is well formed.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { defaultEntity, entityNameProblem, envPrefix, serviceNameProblem, suggestName, toSnake } from '../../src/naming.js';
import type { Plan } from '../../src/render/plan.js';
import { planFor, pythonParseProblems } from '../helpers/plan.js';

/** Strings biased towards almost-valid names, with the characters that break them. */
const nameLike = fc.string({
  unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789-_'.split(''), 'A', 'Z', ' ', '/', '.', ':', '@', 'é', '\u0007'),
  minLength: 0,
  maxLength: 45,
});

const acceptedServiceName = nameLike.filter((name) => serviceNameProblem(name) === undefined);

describe('service name validation', () => {
  it('accepts only names that are directories, Python modules and env-var prefixes at once', () => {
    fc.assert(
      fc.property(acceptedServiceName, (name) => {
        expect(name).toMatch(/^[a-z][a-z0-9_-]{0,39}$/);
        expect(toSnake(name)).toMatch(/^[a-z_][a-z0-9_]*$/);
        expect(envPrefix(name)).toMatch(/^[A-Z][A-Z0-9_]*_$/);
        expect(entityNameProblem(defaultEntity(name))).toBeUndefined();
      }),
      { numRuns: 500 },
    );
  });

  it('rejects with a message, and suggests only well-formed names', () => {
    fc.assert(
      fc.property(nameLike, (name) => {
        const problem = serviceNameProblem(name);
        if (problem === undefined) return;
        expect(problem.length).toBeGreaterThan(10);
        const suggestion = suggestName(name);
        if (suggestion) expect(suggestion).toMatch(/^[a-z][a-z0-9-]*$/);
      }),
      { numRuns: 500 },
    );
  });

  it('renders projects whose Python, TOML and YAML parse for any accepted names', () => {
    const plans: Plan[] = [];
    fc.assert(
      fc.property(fc.uniqueArray(acceptedServiceName, { minLength: 1, maxLength: 3, selector: toSnake }), (names) => {
        const plan = planFor('prop', { services: names.join(',') });
        const compose = parseYaml(plan.get('docker-compose.yml')!) as { services: Record<string, unknown> };
        for (const name of names) {
          expect(compose.services).toHaveProperty([name]);
          // Installed as <name>-service: never the name of a package it depends on.
          expect(plan.get(`services/${name}/pyproject.toml`)).toMatch(new RegExp(`^name = "${name}-service"$`, 'm'));
        }
        expect(JSON.parse(plan.get('.layered-backend.json')!).services).toHaveLength(names.length);
        plans.push(plan);
      }),
      { numRuns: 25 },
    );
    // One Python process parses every file of every plan.
    const everything: Plan = new Map(plans.flatMap((plan, index) => [...plan].map(([file, text]) => [`${index}/${file}`, text] as [string, string])));
    expect(pythonParseProblems(everything)).toEqual([]);
  });
});
