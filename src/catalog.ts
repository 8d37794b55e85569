/**
 * Python packages the generated project depends on: the one place to bump versions, except
 * for what a framework or a database engine adds, which its spec holds (src/frameworks.ts,
 * src/databases.ts) so that a new one is added in one place.
 *
 * Ranges are lower-bounded only (`name>=x.y`): each service's lock file (uv.lock) pins
 * the exact versions, and an upper bound would block security fixes. A lower bound is the
 * oldest release that has every API the generated code uses.
 */

import { databaseEngine, type Database } from './databases.js';
import { frameworkSpec, type Framework } from './frameworks.js';

interface PythonDependencies {
  /** `[project] dependencies` of a service's pyproject.toml. */
  dependencies: string[];
  /** `[dependency-groups] dev` of a service's pyproject.toml. */
  devDependencies: string[];
}

/** Needed by every service, whatever its framework or database. */
const COMMON_DEPENDENCIES = [
  'pydantic>=2.9',
  'pydantic-settings>=2.6',
  'sqlalchemy[asyncio]>=2.0.36',
  'alembic>=1.14',
  'httpx>=0.28',
  'pwdlib[argon2]>=0.2.1',
  'pyjwt>=2.10',
];

/** Test tools of a service (its `dev` dependency group, with the lint tools below). */
const SERVICE_TEST_DEPENDENCIES = [
  'pytest>=8.3',
  // 1.2: asyncio_default_test_loop_scope, set in each service's pytest configuration.
  'pytest-asyncio>=1.2',
];

/** Lint tools of a service. */
const SERVICE_LINT_DEPENDENCIES = [
  'ruff>=0.8',
  'mypy>=1.13',
  // 2.14: `lint-imports --no-logo`, which the Makefile uses.
  'import-linter>=2.14',
];

/** Runtime dependencies of libs/ (the shared distribution): no web framework, no ORM. */
const LIBS_DEPENDENCIES = ['pydantic>=2.9', 'pydantic-settings>=2.6', 'httpx>=0.28'];

/** The root environment: end-to-end tests, and the linters that check libs/. */
const ROOT_DEV_DEPENDENCIES = [
  'pytest>=8.3',
  // libs/shared_testing (the services' test plugin) is checked with mypy here.
  'sqlalchemy[asyncio]>=2.0.36',
  'httpx>=0.28',
  'ruff>=0.8',
  'mypy>=1.13',
  'import-linter>=2.14',
  // The git hooks (.pre-commit-config.yaml); 4.4: `language: unsupported`.
  'pre-commit>=4.4',
  // scripts/check_syntax.py reads YAML with it (pre-commit depends on it too).
  'pyyaml>=6.0.2',
  'types-pyyaml>=6.0.12',
];

export function pythonDependencies(framework: Framework, db: Database): PythonDependencies {
  return {
    dependencies: [...COMMON_DEPENDENCIES, ...frameworkSpec(framework).dependencies, ...databaseEngine(db).dependencies],
    devDependencies: [
      ...SERVICE_TEST_DEPENDENCIES,
      ...frameworkSpec(framework).testDependencies,
      ...SERVICE_LINT_DEPENDENCIES,
    ],
  };
}

/** `[project] dependencies` of libs/pyproject.toml (ProjectContext.libsDependencies). */
export function libsDependencies(): string[] {
  return [...LIBS_DEPENDENCIES];
}

/** `[dependency-groups] dev` of the root pyproject.toml (ProjectContext.rootDevDependencies). */
export function rootDevDependencies(): string[] {
  return [...ROOT_DEV_DEPENDENCIES];
}
