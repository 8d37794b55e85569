/**
 * The database engines a service can run on, and everything each one means for a generated
 * service: its label and prompt hint, its driver and Python dependencies, its template
 * layers, its container in compose and in CI, the names its server keeps for itself. This
 * module is the only place that names an engine: every other module reads these specs, so
 * adding an engine is one entry of DATABASE_ENGINES plus its overlay in templates/service/.
 */
import { randomBytes } from './random.js';

/** A database container of one engine, as compose runs it for one service. */
interface ComposeSpec {
  /**
   * The container's environment. `secret(variable)` is the value compose reads from the root
   * `.env` (the passwords: never written into docker-compose.yml).
   */
  environment(server: ServerContext, secret: (variable: string) => string): Record<string, string>;
  /** Where the image keeps its data: a named volume per service. */
  dataPath: string;
  /**
   * The service's script (under services/<name>/) that the image runs on its first start,
   * and the name it runs under in /docker-entrypoint-initdb.d/.
   */
  initScript: { file: string; runAs: string };
  /** The healthcheck command; the container is healthy once the service's account works. */
  healthcheck(server: ServerContext): string[];
  retries: number;
}

/** A throwaway server of one engine, as a service container of a CI job. */
interface CiSpec {
  env: Readonly<Record<string, string>>;
  health: string;
  /** URL of its admin account, which may create the databases the tests create. */
  url: string;
  /** The variable the generated tests read that URL from (`TEST_POSTGRES_URL`). */
  urlVariable: string;
}

/** A database server of one engine in the Kubernetes dev overlay: a one-replica StatefulSet. */
interface KubernetesSpec {
  /** The container's plain environment: the official image creates the account and database from it. */
  environment(server: ServerContext): Array<{ name: string; value: string }>;
  /**
   * The lines of the server's git-ignored secret env file; `value` blanks each real value in
   * the committed example.
   */
  secretLines(server: ServerContext, value: (real: string) => string): string[];
}

/** What an engine with a server (a container of its own per service) needs besides. */
interface ServerSpec {
  /** The server's superuser, which the image creates; the service never uses it. */
  superuser: string;
  /**
   * Names the server keeps for itself (system databases, built-in accounts): a service
   * whose name is one of them gets `app_<name>` for its account and database instead.
   */
  reserved: RegExp;
  /**
   * Its system databases: refused as service names, since the service's database would be
   * named after the service and take over (or fail to create) one the server needs.
   */
  systemDatabases: readonly string[];
  /** Longest account name the server accepts: the service's account is named after it. */
  maxUserLength: number;
  /** Official image, pinned to a major version. */
  image: string;
  containerPort: number;
  /** Host ports handed out to this engine's containers, one per service, from here up. */
  firstHostPort: number;
  compose: ComposeSpec;
  ci: CiSpec;
  kubernetes: KubernetesSpec;
}

export interface DatabaseEngine {
  /** The value of `--db` and of `@<db>` in `--services`, and the name of its overlay. */
  id: string;
  label: string;
  /** What the database prompt says about it. */
  hint: string;
  /** SQLAlchemy URL scheme, with the async driver. */
  scheme: string;
  /** `[project] dependencies` it adds to a service: its driver. */
  dependencies: readonly string[];
  /** Template layers it adds after the framework's, in order; later ones win. */
  layers: readonly string[];
  /** Absent for an embedded engine, whose database is a file of the service. */
  server?: ServerSpec;
}

/** The variable of a PostgreSQL container that hands its init script the service's password. */
export const POSTGRES_INIT_PASSWORD_VARIABLE = 'SERVICE_DB_PASSWORD';

/** TCP on 127.0.0.1: the images' first-start setup listens on a socket only. */
const LOOPBACK = '127.0.0.1';

const ENGINE_LIST = [
  {
    id: 'sqlite',
    label: 'SQLite',
    hint: 'embedded, needs no server',
    scheme: 'sqlite+aiosqlite',
    dependencies: ['aiosqlite>=0.20'],
    layers: ['service/sqlite'],
  },
  {
    id: 'postgres',
    label: 'PostgreSQL',
    hint: 'asyncpg; a container per service in compose',
    scheme: 'postgresql+asyncpg',
    // 0.30: wheels for Python 3.13.
    dependencies: ['asyncpg>=0.30'],
    // What every database server shares (PostgreSQL and MySQL), then the engine's own.
    layers: ['service/server', 'service/postgres'],
    server: {
      superuser: 'postgres',
      // `pg_` is the prefix of the server's predefined roles; CREATE ROLE refuses it.
      reserved: /^(postgres|template0|template1|public|pg_.*)$/,
      systemDatabases: ['template0', 'template1'],
      maxUserLength: 63,
      image: 'postgres:17',
      containerPort: 5432,
      firstHostPort: 5433,
      compose: {
        environment: (server, secret) => ({
          // The image's superuser, for administration; the service gets its own role.
          POSTGRES_USER: server.superuser,
          POSTGRES_PASSWORD: secret(server.rootPasswordVariable),
          // Read by the init script, which creates the service's role with it.
          [POSTGRES_INIT_PASSWORD_VARIABLE]: secret(server.passwordVariable),
        }),
        dataPath: '/var/lib/postgresql/data',
        // Creates the service's role and its database, owned by that role.
        initScript: { file: 'docker/postgres-init.sh', runAs: '10-service-role.sh' },
        // The container is healthy once the init script has created the service's role.
        healthcheck: (server) => ['CMD-SHELL', `pg_isready --host=${LOOPBACK} --username=${server.user} --dbname=${server.name}`],
        retries: 20,
      },
      ci: {
        env: { POSTGRES_PASSWORD: 'postgres' },
        health: 'pg_isready -U postgres',
        url: 'postgresql+asyncpg://postgres:postgres@127.0.0.1:5432/postgres',
        urlVariable: 'TEST_POSTGRES_URL',
      },
      kubernetes: {
        environment: (server) => [
          { name: 'POSTGRES_USER', value: server.user },
          { name: 'POSTGRES_DB', value: server.name },
          // A volume's root holds lost+found, which initdb refuses: the data go one level down.
          { name: 'PGDATA', value: '/var/lib/postgresql/data/pgdata' },
        ],
        secretLines: (server, value) => [`POSTGRES_PASSWORD=${value(server.password)}`],
      },
    },
  },
  {
    id: 'mysql',
    label: 'MySQL',
    hint: 'aiomysql; MySQL 8 or MariaDB',
    scheme: 'mysql+aiomysql',
    // aiomysql is pure Python (over PyMySQL) and speaks to MySQL 8 and MariaDB alike;
    // cryptography is what PyMySQL needs for MySQL 8's default login, caching_sha2_password.
    dependencies: ['aiomysql>=0.2', 'cryptography>=43'],
    layers: ['service/server', 'service/mysql'],
    server: {
      superuser: 'root',
      reserved: /^(root|mysql|sys|information_schema|performance_schema)$/,
      systemDatabases: ['mysql', 'information_schema', 'performance_schema'],
      maxUserLength: 32,
      image: 'mysql:8.4',
      containerPort: 3306,
      firstHostPort: 3307,
      compose: {
        environment: (server, secret) => ({
          MYSQL_DATABASE: server.name,
          MYSQL_USER: server.user,
          MYSQL_PASSWORD: secret(server.passwordVariable),
          MYSQL_ROOT_PASSWORD: secret(server.rootPasswordVariable),
        }),
        dataPath: '/var/lib/mysql',
        // Lets the service's account create the throwaway databases its tests use.
        initScript: { file: 'docker/mysql-init.sql', runAs: '10-test-grants.sql' },
        healthcheck: () => ['CMD', 'mysqladmin', 'ping', `--host=${LOOPBACK}`, '--silent'],
        retries: 30,
      },
      ci: {
        env: { MYSQL_ROOT_PASSWORD: 'root' },
        health: 'mysqladmin ping --host=127.0.0.1 --silent',
        url: 'mysql+aiomysql://root:root@127.0.0.1:3306/mysql',
        urlVariable: 'TEST_MYSQL_URL',
      },
      kubernetes: {
        environment: (server) => [
          { name: 'MYSQL_USER', value: server.user },
          { name: 'MYSQL_DATABASE', value: server.name },
        ],
        secretLines: (server, value) => [`MYSQL_PASSWORD=${value(server.password)}`, `MYSQL_ROOT_PASSWORD=${value(server.rootPassword)}`],
      },
    },
  },
] as const satisfies readonly DatabaseEngine[];

/** The id of a database engine: `sqlite`, `postgres`, `mysql`. */
export type Database = (typeof ENGINE_LIST)[number]['id'];

/** Every engine, in the order the flags' help and the prompt list them. */
export const DATABASES: readonly Database[] = ENGINE_LIST.map((engine) => engine.id);
export const DEFAULT_DATABASE: Database = 'sqlite';

const ENGINES: ReadonlyMap<string, DatabaseEngine> = new Map(ENGINE_LIST.map((engine) => [engine.id, engine]));

export const isDatabase = (value: unknown): value is Database => typeof value === 'string' && ENGINES.has(value);

export const databaseEngine = (db: Database): DatabaseEngine => ENGINES.get(db)!;

export const databaseLabel = (db: Database): string => databaseEngine(db).label;

/** Whether the engine runs a server, a container per service (PostgreSQL, MySQL: not SQLite). */
export const hasServer = (db: Database): boolean => databaseEngine(db).server !== undefined;

/** The engines with a server, each with its spec. */
const serverEngines = (): Array<{ engine: DatabaseEngine; server: ServerSpec }> =>
  [...ENGINES.values()].flatMap((engine) => (engine.server ? [{ engine, server: engine.server }] : []));

/** The system databases of every engine: no service may be named like one of them. */
export const databaseSystemNames = (): Set<string> => new Set(serverEngines().flatMap(({ server }) => server.systemDatabases));

/** `mysql or postgres`: the engines with a server, by `--db` value, as a message names them. */
export function serverEngineIds(): string {
  return alternatives(serverEngines().map(({ engine }) => engine.id));
}

const alternatives = (words: string[]): string => {
  const sorted = [...words].sort();
  return sorted.length < 2 ? sorted.join('') : `${sorted.slice(0, -1).join(', ')} or ${sorted.at(-1)}`;
};

/** `MySQL or PostgreSQL`: the engines with a server, by label, as a message names them. */
export function serverEngineLabels(): string {
  return alternatives(serverEngines().map(({ engine }) => engine.label));
}

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
  id: Database;
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

const newDatabasePassword = (): string => randomBytes(18).toString('base64url');

/** Host port of a service's database container: the next free one of its engine. */
export function nextDatabasePort(db: Database, taken: readonly number[]): number | undefined {
  const server = databaseEngine(db).server;
  if (!server) return undefined;
  let port = server.firstHostPort;
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
export function serverAccountName(db: Database, module: string): string {
  const spec = databaseEngine(db).server;
  if (!spec) return module;
  const name = spec.reserved.test(module) ? `app_${module}` : module;
  return name.slice(0, spec.maxUserLength);
}

export function databaseContext(
  db: Database,
  service: { name: string; module: string; envPrefix: string },
  hostPort: number | undefined,
  { password, rootPassword }: DatabaseSecrets,
): DatabaseContext {
  const engine = databaseEngine(db);
  const spec = engine.server;
  if (!spec) {
    // An embedded database is a file beside the service; in compose, on its volume.
    const url = `${engine.scheme}:///./${service.module}.db`;
    return { id: db, label: engine.label, url, composeUrl: `${engine.scheme}:////data/${service.module}.db`, exampleUrl: url, server: undefined };
  }
  const account = serverAccountName(db, service.module);
  const server: ServerContext = {
    label: engine.label,
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
    `${engine.scheme}://${server.user}:${password}@${host}:${port}/${server.name}`;
  return {
    id: db,
    label: engine.label,
    url: url(password, '127.0.0.1', server.hostPort),
    composeUrl: url(`\${${server.passwordVariable}:?set it in .env}`, server.host, server.containerPort),
    exampleUrl: url('change-me', '127.0.0.1', server.hostPort),
    server,
  };
}
