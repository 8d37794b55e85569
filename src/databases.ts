/**
 * What each database choice means for a generated service: its driver, its URL outside and
 * inside Docker, the container that serves it. Templates get these as plain values.
 */
import { randomBytes } from 'node:crypto';

export const DATABASE_IDS = ['sqlite', 'postgres', 'mysql'] as const;
export type DatabaseId = (typeof DATABASE_IDS)[number];

interface ServerSpec {
  label: string;
  /** The server's superuser, which the image creates; the service never uses it. */
  superuser: string;
  /**
   * Names the server keeps for itself (system databases, built-in accounts): a service
   * whose name is one of them gets `app_<name>` for its account and database instead.
   */
  reserved: RegExp;
  /** Longest account name the server accepts. */
  maxUserLength: number;
  /** SQLAlchemy URL scheme, with the async driver. */
  scheme: string;
  /** Official image, pinned to a major version. */
  image: string;
  containerPort: number;
  /** Host ports handed out to this engine's containers, one per service, from here up. */
  firstHostPort: number;
}

const SERVERS: Record<Exclude<DatabaseId, 'sqlite'>, ServerSpec> = {
  postgres: {
    label: 'PostgreSQL',
    superuser: 'postgres',
    // `pg_` is the prefix of the server's predefined roles; CREATE ROLE refuses it.
    reserved: /^(postgres|template0|template1|public|pg_.*)$/,
    maxUserLength: 63,
    scheme: 'postgresql+asyncpg',
    image: 'postgres:17',
    containerPort: 5432,
    firstHostPort: 5433,
  },
  mysql: {
    label: 'MySQL',
    superuser: 'root',
    reserved: /^(root|mysql|sys|information_schema|performance_schema)$/,
    maxUserLength: 32,
    scheme: 'mysql+aiomysql',
    image: 'mysql:8.4',
    containerPort: 3306,
    firstHostPort: 3307,
  },
};

export const databaseLabel = (db: DatabaseId): string => (db === 'sqlite' ? 'SQLite' : SERVERS[db].label);

/** A database server container of one service, as compose and `.env` see it. */
export interface ServerContext {
  label: string;
  image: string;
  /** Compose service name of the container: `<service>-db`. */
  host: string;
  containerPort: number;
  hostPort: number;
  /** The server's superuser (`postgres`, `root`): administration only, never in a URL. */
  superuser: string;
  /** The service's own account: it owns the service's database and nothing else. */
  user: string;
  password: string;
  /** The superuser's password. */
  rootPassword: string;
  name: string;
  /**
   * MySQL GRANT pattern matching the throwaway databases the tests create
   * (`<name>_test_<hex>`), with `_` escaped: unescaped, it is a one-character wildcard.
   */
  testDatabasePattern: string;
  /** Variables compose interpolates from the root .env: `USERS_DB_PASSWORD`, ... */
  passwordVariable: string;
  rootPasswordVariable: string;
}

export interface DatabaseContext {
  id: DatabaseId;
  label: string;
  /** URL the service uses when run on the host (make run, tests): 127.0.0.1 and the published port. */
  url: string;
  /** URL inside docker compose, with the password left to `${VAR}` interpolation. */
  composeUrl: string;
  /** The same URL with a placeholder password, for `.env.example`. */
  exampleUrl: string;
  server: ServerContext | undefined;
}

/** Compose service name of the database container of a service: `users` -> `users-db`. */
export const databaseHost = (serviceName: string): string => `${serviceName}-db`;

export const newDatabasePassword = (): string => randomBytes(18).toString('base64url');

/** Host port of a service's database container: the next free one of its engine. */
export function nextDatabasePort(db: DatabaseId, taken: readonly number[]): number | undefined {
  if (db === 'sqlite') return undefined;
  let port = SERVERS[db].firstHostPort;
  while (taken.includes(port)) port++;
  return port;
}

export interface DatabaseSecrets {
  password: string;
  rootPassword: string;
}

export const newDatabaseSecrets = (): DatabaseSecrets => ({ password: newDatabasePassword(), rootPassword: newDatabasePassword() });

/**
 * The account and database name of a service on `db`: the service's module name, unless
 * the server reserves it (a service named `postgres` or `mysql` must not get the
 * superuser's account or the system database), cut to the server's limit.
 */
export function serverAccountName(db: Exclude<DatabaseId, 'sqlite'>, module: string): string {
  const spec = SERVERS[db];
  const name = spec.reserved.test(module) ? `app_${module}` : module;
  return name.slice(0, spec.maxUserLength);
}

export function databaseContext(
  db: DatabaseId,
  service: { name: string; module: string; envPrefix: string },
  hostPort: number | undefined,
  { password, rootPassword }: DatabaseSecrets,
): DatabaseContext {
  if (db === 'sqlite') {
    const url = `sqlite+aiosqlite:///./${service.module}.db`;
    return { id: db, label: 'SQLite', url, composeUrl: `sqlite+aiosqlite:////data/${service.module}.db`, exampleUrl: url, server: undefined };
  }
  const spec = SERVERS[db];
  const account = serverAccountName(db, service.module);
  const server: ServerContext = {
    label: spec.label,
    image: spec.image,
    host: databaseHost(service.name),
    containerPort: spec.containerPort,
    hostPort: hostPort ?? spec.firstHostPort,
    superuser: spec.superuser,
    user: account,
    password,
    rootPassword,
    name: account,
    testDatabasePattern: `${service.module}_test_%`.replace(/_/g, '\\_'),
    passwordVariable: `${service.envPrefix}DB_PASSWORD`,
    rootPasswordVariable: `${service.envPrefix}DB_ROOT_PASSWORD`,
  };
  const url = (password: string, host: string, port: number) =>
    `${spec.scheme}://${server.user}:${password}@${host}:${port}/${server.name}`;
  return {
    id: db,
    label: spec.label,
    url: url(password, '127.0.0.1', server.hostPort),
    composeUrl: url(`\${${server.passwordVariable}:?set it in .env}`, server.host, server.containerPort),
    exampleUrl: url('change-me', '127.0.0.1', server.hostPort),
    server,
  };
}
