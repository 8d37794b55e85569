/**
 * The layers above the repository do not know the ORM, in every framework x database
 * combination: import-linter forbids SQLAlchemy in them (checked in the rendered
 * pyproject.toml, parsed as TOML), and no rendered module of theirs imports it. Also: the
 * limits that the table and the API share are stated in one module.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { DATABASES } from '../../src/databases.js';
import { FRAMEWORKS } from '../../src/frameworks.js';
import type { Plan } from '../../src/render/plan.js';
import { planFor } from '../helpers/plan.js';

const ORM_FREE_PACKAGES = ['app.services', 'app.api', 'app.schemas'];

const COMBINATIONS = FRAMEWORKS.flatMap((framework) => DATABASES.map((db) => ({ framework, db })));

interface Contract {
  name: string;
  type: string;
  source_modules?: string[];
  forbidden_modules?: string[];
}

/** The import-linter contracts of each service's pyproject.toml, parsed by Python's tomllib. */
function contractsOf(plan: Plan): Map<string, Contract[]> {
  const files = Object.fromEntries([...plan].filter(([file]) => /^services\/[^/]+\/pyproject\.toml$/.test(file)));
  const script = `
import json, sys, tomllib
print(json.dumps({path: tomllib.loads(text)["tool"]["importlinter"]["contracts"] for path, text in json.load(sys.stdin).items()}))
`;
  const out = execFileSync('python3', ['-c', script], { input: JSON.stringify(files), encoding: 'utf8' });
  return new Map(Object.entries(JSON.parse(out) as Record<string, Contract[]>));
}

/** Every form of importing SQLAlchemy (or a submodule of it) at the start of a line. */
const IMPORTS_SQLALCHEMY = /^\s*(import\s+sqlalchemy\b|from\s+sqlalchemy\b[\w.]*\s+import\b)/m;

/** Python text without its comments. */
const withoutComments = (text: string): string => text.replace(/#.*$/gm, '');

describe.each(COMBINATIONS)('$framework + $db', ({ framework, db }) => {
  const plan = planFor('demo', { framework, db, services: 'users,orders' });
  const services = ['users', 'orders'];

  it('forbids SQLAlchemy in app.services, app.api and app.schemas (import-linter)', () => {
    const contracts = contractsOf(plan);
    expect([...contracts.keys()].sort()).toEqual(services.map((service) => `services/${service}/pyproject.toml`).sort());
    for (const [file, list] of contracts) {
      const forbidding = list.filter((contract) => contract.type === 'forbidden' && contract.forbidden_modules?.includes('sqlalchemy'));
      const covered = new Set(forbidding.flatMap((contract) => contract.source_modules ?? []));
      expect(
        ORM_FREE_PACKAGES.filter((module) => !covered.has(module)),
        `${file}: packages SQLAlchemy is not forbidden in`,
      ).toEqual([]);
    }
  });

  it('renders no module under app/services, app/api or app/schemas that imports SQLAlchemy', () => {
    const folders = ORM_FREE_PACKAGES.map((module) => module.replace('.', '/'));
    const checked = [...plan.keys()].filter((file) =>
      services.some((service) => folders.some((folder) => file.startsWith(`services/${service}/${folder}/`) && file.endsWith('.py'))),
    );
    // The selection is not empty: each service has an entity service, routes and schemas.
    expect(checked.filter((file) => file.endsWith('/app/services/health.py'))).toHaveLength(services.length);
    expect(checked.filter((file) => /\/app\/api\/v1\/\w+\.py$/.test(file)).length).toBeGreaterThanOrEqual(2 * services.length);
    const offenders = checked.filter((file) => IMPORTS_SQLALCHEMY.test(plan.get(file)!));
    expect(offenders).toEqual([]);
  });

  it('states the length limit of a name in one module of the application per service', () => {
    for (const service of services) {
      // Migrations keep their own literal on purpose (a revision records the schema of its
      // time); the application's modules share one constant. Comments do not count.
      const stating = [...plan]
        .filter(([file]) => file.startsWith(`services/${service}/app/`) && file.endsWith('.py'))
        .filter(([, text]) => /\b100\b/.test(withoutComments(text)))
        .map(([file]) => file);
      expect(stating).toEqual([`services/${service}/app/core/limits.py`]);
    }
  });
});

describe('the SQLAlchemy import detector', () => {
  it.each([
    ['import sqlalchemy', true],
    ['import sqlalchemy as sa', true],
    ['from sqlalchemy import exc', true],
    ['from sqlalchemy.ext.asyncio import AsyncSession', true],
    ['    from sqlalchemy import select  # inside a function', true],
    ['from app.repository import ConstraintViolationError', false],
    ['import sqlalchemy_utils', false],
    ['# SQLAlchemy is not imported here', false],
  ])('%s -> %s', (line, expected) => {
    expect(IMPORTS_SQLALCHEMY.test(`"""Doc."""\n\n${line}\n`)).toBe(expected);
  });
});
