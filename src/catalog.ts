/**
 * Python packages the generated project depends on: the one place to bump versions.
 *
 * Ranges are lower-bounded only (`name>=x.y`): the project's lock file (uv.lock) pins
 * the exact versions, and an upper bound would block security fixes. A lower bound is the
 * oldest release that has every API the generated code uses.
 */

import type { DatabaseId } from './databases.js';
import type { Framework } from './options.js';

export type Database = DatabaseId;

export interface PythonDependencies {
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

const FRAMEWORK_DEPENDENCIES: Record<Framework, string[]> = {
  // 0.121 added `Depends(..., scope="function")`, which the session dependency uses so
  // that the transaction is committed before the response is sent.
  fastapi: ['fastapi>=0.121', 'uvicorn[standard]>=0.32'],
  // 2.23 added the explicit markers the routes use (`NamedDependency`, `JSONBody`); the
  // inferred forms they replace are deprecated and stop working in Litestar 3.
  litestar: ['litestar>=2.23', 'uvicorn[standard]>=0.32'],
};

const DATABASE_DEPENDENCIES: Record<Database, string[]> = {
  sqlite: ['aiosqlite>=0.20'],
  // 0.30: wheels for Python 3.13.
  postgres: ['asyncpg>=0.30'],
  // aiomysql is pure Python (over PyMySQL) and speaks to MySQL 8 and MariaDB alike;
  // cryptography is what PyMySQL needs for MySQL 8's default login, caching_sha2_password.
  mysql: ['aiomysql>=0.2', 'cryptography>=43'],
};

/** Test tools of a service (its `dev` dependency group, with the lint tools below). */
const SERVICE_TEST_DEPENDENCIES = [
  'pytest>=8.3',
  // 1.2: asyncio_default_test_loop_scope, set in each service's pytest configuration.
  'pytest-asyncio>=1.2',
];

/** What the tests of one framework need besides (Litestar's test client is built in). */
const FRAMEWORK_TEST_DEPENDENCIES: Record<Framework, string[]> = {
  fastapi: ['asgi-lifespan>=2.1'],
  litestar: [],
};

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
    dependencies: [...COMMON_DEPENDENCIES, ...FRAMEWORK_DEPENDENCIES[framework], ...DATABASE_DEPENDENCIES[db]],
    devDependencies: [
      ...SERVICE_TEST_DEPENDENCIES,
      ...FRAMEWORK_TEST_DEPENDENCIES[framework],
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
