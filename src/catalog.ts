/**
 * Python packages the generated project depends on: the one place to bump versions, except
 * for what a framework or a database engine adds, which its spec holds (src/frameworks.ts,
 * src/databases.ts) so that a new one is added in one place.
 *
 * Ranges are lower-bounded only (`name>=x.y`): the project's lock file (uv.lock) pins
 * the exact versions, and an upper bound would block security fixes. A lower bound is the
 * oldest release that has every API the generated code uses.
 */

import { brokerSpec, type Broker } from './brokers.js';
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

/**
 * What signing and verifying access tokens adds (src/auth.ts): PyJWT with `cryptography`,
 * for the asymmetric algorithms (EdDSA) and JWKS; pwdlib with Argon2 for the identity
 * service's password hashes.
 */
export const TOKEN_DEPENDENCIES = ['pyjwt[crypto]>=2.10', 'pwdlib[argon2]>=0.2.1'] as const;
/** What the identity service adds: its token endpoints read form bodies (OAuth2), which FastAPI parses with it. */
export const IDENTITY_DEPENDENCIES = ['python-multipart>=0.0.18'] as const;

/**
 * OpenTelemetry, pinned exactly and as one set: the SDK and the API move together, and the
 * instrumentations are beta releases (0.x b) that each require the semantic conventions of
 * one SDK release (0.66b2 goes with 1.45.2). Bump them together.
 */
const OTEL_VERSION = '1.45.2';
const OTEL_CONTRIB_VERSION = '0.66b2';

/** Traces (OpenTelemetry) and metrics (Prometheus) of every service. */
const TELEMETRY_DEPENDENCIES = [
  `opentelemetry-api==${OTEL_VERSION}`,
  `opentelemetry-sdk==${OTEL_VERSION}`,
  // OTLP over HTTP (protobuf): what collectors and grafana/otel-lgtm accept on port 4318.
  `opentelemetry-exporter-otlp-proto-http==${OTEL_VERSION}`,
  `opentelemetry-instrumentation-sqlalchemy==${OTEL_CONTRIB_VERSION}`,
  'prometheus-client>=0.21',
];

/** Test tools of a service (its `dev` dependency group, with the lint tools below). */
const SERVICE_TEST_DEPENDENCIES = [
  // 9.0: the `subtests` fixture (tests/test_http_contract.py runs its tables as subtests).
  'pytest>=9.0',
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
const LIBS_DEPENDENCIES = [
  'pydantic>=2.9',
  'pydantic-settings>=2.6',
  'httpx>=0.28',
  // The peer client carries the trace context (W3C traceparent) to the services it calls.
  `opentelemetry-api==${OTEL_VERSION}`,
  `opentelemetry-instrumentation-httpx==${OTEL_CONTRIB_VERSION}`,
];

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
  // tests/otlp_receiver.py decodes the traces the services export; tests/test_observability.py
  // reads their metrics with the Prometheus parser.
  `opentelemetry-proto==${OTEL_VERSION}`,
  'prometheus-client>=0.21',
];

/**
 * FastStream: one typed API over RabbitMQ, NATS and Redis, with in-memory test brokers. Pinned
 * exactly: before 1.0 a minor release may change its API. 0.7.8 runs on Python 3.11.
 */
const FASTSTREAM_VERSION = '0.7.8';

/** What a service exchanging events on `broker` adds: FastStream with the broker's client. */
function brokerDependencies(broker: Broker): string[] {
  const extra = brokerSpec(broker).faststreamExtra;
  return extra === undefined ? [] : [`faststream[${extra}]==${FASTSTREAM_VERSION}`];
}

/** `extra`: what other choices of the project add (src/auth.ts). */
export function pythonDependencies(framework: Framework, db: Database, broker: Broker, extra: readonly string[] = []): PythonDependencies {
  return {
    dependencies: [
      ...COMMON_DEPENDENCIES,
      ...extra.filter((dependency) => !COMMON_DEPENDENCIES.includes(dependency)),
      ...frameworkSpec(framework).dependencies,
      ...databaseEngine(db).dependencies,
      ...brokerDependencies(broker),
      ...TELEMETRY_DEPENDENCIES,
      // The instrumentation of the framework's requests, pinned with the rest of the set.
      `${frameworkSpec(framework).instrumentation}==${OTEL_CONTRIB_VERSION}`,
    ],
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
