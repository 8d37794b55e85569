/**
 * What each database choice means for a generated service: its driver, its URL outside and
 * inside Docker, the container that serves it. Templates get these as plain values.
 */
import { randomBytes } from 'node:crypto';

export const DATABASE_IDS = ['sqlite', 'postgres', 'mysql'] as const;
export type DatabaseId = (typeof DATABASE_IDS)[number];

interface ServerSpec {
  label: string;
  /** SQLAlchemy URL scheme, with the async driver. */
  scheme: string;
  /** Official image, pinned to a major version. */
  image: string;
  containerPort: number;
  /** Host ports handed out to this engine's containers, one per service, from here up. */
  firstHostPort: number;
}

const SERVERS: Record<Exclude<DatabaseId, 'sqlite'>, ServerSpec> = {
  postgres: { label: 'PostgreSQL', scheme: 'postgresql+asyncpg', image: 'postgres:17', containerPort: 5432, firstHostPort: 5433 },
  mysql: { label: 'MySQL', scheme: 'mysql+aiomysql', image: 'mysql:8.4', containerPort: 3306, firstHostPort: 3307 },
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
  user: string;
  password: string;
  /** MySQL's root password (its image insists on one); absent for PostgreSQL. */
  rootPassword: string | undefined;
  name: string;
  /**
   * MySQL GRANT pattern matching the throwaway databases the tests create
   * (`<name>_test_<hex>`), with `_` escaped: unescaped, it is a one-character wildcard.
   */
  testDatabasePattern: string;
  /** Variables compose interpolates from the root .env: `USERS_DB_PASSWORD`, ... */
  passwordVariable: string;
  rootPasswordVariable: string | undefined;
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
  const server: ServerContext = {
    label: spec.label,
    image: spec.image,
    host: databaseHost(service.name),
    containerPort: spec.containerPort,
    hostPort: hostPort ?? spec.firstHostPort,
    user: service.module,
    password,
    rootPassword: db === 'mysql' ? rootPassword : undefined,
    name: service.module,
    testDatabasePattern: `${service.module}_test_%`.replace(/_/g, '\\_'),
    passwordVariable: `${service.envPrefix}DB_PASSWORD`,
    rootPasswordVariable: db === 'mysql' ? `${service.envPrefix}DB_ROOT_PASSWORD` : undefined,
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
