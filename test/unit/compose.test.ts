import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, parseDocument } from 'yaml';
import { planAddService } from '../../src/commands/add-service.js';
import {
  addComposeEntries,
  CONTAINER_ENVIRONMENT,
  composeEntries,
  composeHostPorts,
  OBSERVABILITY_SERVICE,
  renderCompose,
  renderComposeEnv,
} from '../../src/compose.js';
import { projectContext } from '../../src/context.js';
import { POSTGRES_INIT_PASSWORD_VARIABLE, serverAccountName } from '../../src/databases.js';
import { addServiceToCompose } from '../../src/edits.js';
import { resolveFromFlags } from '../../src/options.js';
import { readManifest } from '../../src/manifest.js';
import { planFor, TEST_VERSION } from '../helpers/plan.js';
import { toolAvailable } from '../helpers/tools.js';

const context = projectContext(
  resolveFromFlags('shop', { services: 'users@postgres,orders@mysql,notes', install: true, test: true, git: true }, { cwd: '/tmp', uvAvailable: true }),
  '1.0.0',
);
const [users, orders, notes] = context.services;

interface ComposeFile {
  services: Record<string, Record<string, any>>;
  volumes: Record<string, null>;
}

/** `${NAME:?...}` -> NAME: the root .env variable a compose value is read from. */
const interpolated = (value: string): string | undefined => /^\$\{(\w+):\?[^}]*\}$/.exec(value)?.[1];

/** Every value of a dotenv text, by name. */
const dotenv = (text: string): Record<string, string> =>
  Object.fromEntries(text.split('\n').flatMap((line) => (/^\w+=/.test(line) ? [[line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]] : [])));

/**
 * What must hold for every container of a compose file, whatever produced it: `create`, or
 * `add-service` on an existing project. `files` are the project's files (init scripts, env).
 */
function exposureProblems(compose: ComposeFile, files: Map<string, string>): string[] {
  const problems: string[] = [];
  const rootEnv = dotenv(files.get('.env') ?? '');
  for (const [name, container] of Object.entries(compose.services)) {
    for (const port of container.ports ?? []) {
      if (!String(port).startsWith('127.0.0.1:')) problems.push(`${name}: port ${port} is published on every interface`);
    }
    const environment: Record<string, string> = container.environment ?? {};
    if (container.build) {
      // An application service.
      const entries = Object.entries(environment);
      const mode = entries.find(([key]) => key.endsWith('_ENVIRONMENT'));
      if (mode?.[1] !== CONTAINER_ENVIRONMENT) problems.push(`${name}: runs in ${mode?.[1] ?? "its .env's"} mode`);
      const secret = entries.find(([key]) => key.endsWith('_SECRET_KEY'));
      const variable = secret && interpolated(secret[1]);
      if (!variable) problems.push(`${name}: its secret key does not come from the root .env`);
      else if (!/^[0-9a-f]{64}$/.test(rootEnv[variable] ?? '')) problems.push(`${name}: the root .env has no random ${variable}`);
      const url = entries.find(([key]) => key.endsWith('_DATABASE_URL'))?.[1] ?? '';
      const match = /^[\w+]+:\/\/([^:@]+)[:@].*@([\w-]+):\d+\/(\w+)$/.exec(url);
      if (!match) continue; // SQLite
      const [, user, host, database] = match;
      const server = compose.services[host!];
      if (!server) {
        problems.push(`${name}: its database ${host} is not in the file`);
        continue;
      }
      const serverEnv: Record<string, string> = server.environment;
      const superuser = server.image.startsWith('postgres') ? (serverEnv.POSTGRES_USER ?? 'postgres') : 'root';
      if (user === superuser) problems.push(`${name}: connects as the superuser ${user}`);
      if (server.image.startsWith('postgres')) {
        if (serverEnv.POSTGRES_DB === database) problems.push(`${name}: its database is the superuser's POSTGRES_DB`);
        const mount = (server.volumes as string[]).find((volume) => volume.includes('/docker-entrypoint-initdb.d/'));
        const script = mount && files.get(mount.replace(/^\.\//, '').split(':')[0]!);
        if (!script) problems.push(`${name}: no init script creates its role`);
        else if (!script.includes(`--set=role='${user}'`) || !script.includes(`--set=database='${database}'`) || !/CREATE ROLE :"role" LOGIN CREATEDB PASSWORD/.test(script) || /SUPERUSER/.test(script.replace(/^#.*$/gm, ''))) {
          problems.push(`${name}: its init script does not create role ${user} owning ${database}`);
        }
        const password = interpolated(serverEnv[POSTGRES_INIT_PASSWORD_VARIABLE] ?? '');
        if (!password || !url.includes(`\${${password}:?`)) problems.push(`${name}: the role's password is not the one in its URL`);
      } else {
        if (serverEnv.MYSQL_USER !== user || user === 'root') problems.push(`${name}: connects as ${user}, not the container's MYSQL_USER`);
        if (serverEnv.MYSQL_DATABASE !== database) problems.push(`${name}: its database is not MYSQL_DATABASE`);
        if (['mysql', 'sys', 'information_schema', 'performance_schema'].includes(database!)) problems.push(`${name}: uses the system database ${database}`);
      }
    }
  }
  return problems;
}

/**
 * Service names a server reserves for its own accounts (the CLI refuses the names of system
 * databases outright: mysql, information_schema, template1...), plus ordinary ones, on every
 * engine.
 */
const EVERY_KIND = 'users@postgres,orders@mysql,notes,postgres@postgres,pg-stats@postgres,sys-log@mysql';

describe('the compose file exposes nothing and runs services as in production', () => {
  const plan = planFor('shop', { services: EVERY_KIND });
  const compose = parse(plan.get('docker-compose.yml')!) as ComposeFile;

  it('checks every container of a project holding every kind of service', () => {
    expect(Object.keys(compose.services)).toHaveLength(12);
    expect(exposureProblems(compose, plan)).toEqual([]);
  });

  it.each([
    ['ports on every interface', (c: ComposeFile) => (c.services.users!.ports = ['8001:8000'])],
    ['a database port on every interface', (c: ComposeFile) => (c.services['orders-db']!.ports = ['0.0.0.0:3307:3306'])],
    ['development mode', (c: ComposeFile) => (c.services.notes!.environment.NOTES_ENVIRONMENT = 'development')],
    ['no mode at all', (c: ComposeFile) => delete c.services.notes!.environment.NOTES_ENVIRONMENT],
    ['a literal secret', (c: ComposeFile) => (c.services.notes!.environment.NOTES_SECRET_KEY = 'change-me')],
    ['the postgres superuser', (c: ComposeFile) => (c.services['users-db']!.environment.POSTGRES_USER = 'users')],
    ['the mysql root', (c: ComposeFile) => (c.services.orders!.environment.ORDERS_DATABASE_URL = 'mysql+aiomysql://root:${ORDERS_DB_ROOT_PASSWORD:?x}@orders-db:3306/orders')],
  ])('finds %s', (_, breakIt) => {
    const broken = parse(plan.get('docker-compose.yml')!) as ComposeFile;
    breakIt(broken);
    expect(exposureProblems(broken, plan)).not.toEqual([]);
  });

  it('gives services whose name a server reserves an account of their own', () => {
    expect(serverAccountName('postgres', 'postgres')).toBe('app_postgres');
    expect(serverAccountName('postgres', 'pg_stats')).toBe('app_pg_stats');
    expect(serverAccountName('postgres', 'template1')).toBe('app_template1');
    expect(serverAccountName('mysql', 'mysql')).toBe('app_mysql');
    expect(serverAccountName('mysql', 'information_schema')).toBe('app_information_schema');
    expect(serverAccountName('mysql', 'users')).toBe('users');
    // MySQL account names have at most 32 characters.
    expect(serverAccountName('mysql', 'a'.repeat(40))).toHaveLength(32);
    expect(compose.services.postgres!.environment.POSTGRES_DATABASE_URL).toMatch(/^postgresql\+asyncpg:\/\/app_postgres:.*\/app_postgres$/);
  });

  it('lists every secret in .env.example with a placeholder', () => {
    const example = dotenv(plan.get('.env.example')!);
    const real = dotenv(plan.get('.env')!);
    expect(Object.keys(example)).toEqual(Object.keys(real));
    expect(Object.keys(real)).toContain('NOTES_SECRET_KEY');
    expect(example.NOTES_SECRET_KEY).toBe('change-me');
  });
});

describe('a project grown by add-service', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'clb-compose-'));
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
  const files = new Map(planFor('grown', { services: 'users' }));
  const write = () => {
    for (const [file, text] of files) {
      fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
      fs.writeFileSync(path.join(root, file), text);
    }
  };
  write();
  for (const [name, db, port] of [['billing', 'postgres', 8010], ['ledger', 'mysql', 8011], ['notes', 'sqlite', 8012]] as const) {
    const planned = planAddService(root, readManifest(root, TEST_VERSION), { name, entity: 'item', db, port });
    expect(planned.conflicts).toEqual([]);
    for (const [file, text] of planned.change.create) files.set(file, text);
    for (const [file, { after }] of planned.change.modify) files.set(file, after);
    write();
  }

  it('holds the same guarantees for the services it appended', () => {
    const compose = parse(files.get('docker-compose.yml')!) as ComposeFile;
    expect(Object.keys(compose.services)).toEqual(['users', 'observability', 'billing-db', 'billing', 'ledger-db', 'ledger', 'notes']);
    expect(exposureProblems(compose, files)).toEqual([]);
  });

  it('sends the traces of the services it appended to the observability container', () => {
    const compose = parse(files.get('docker-compose.yml')!) as ComposeFile;
    expect(telemetryProblems(compose)).toEqual([]);
  });

  it.skipIf(!toolAvailable('docker-compose'))('validates with docker-compose config', () => {
    execFileSync('docker-compose', ['-f', 'docker-compose.yml', 'config', '-q'], { cwd: root, stdio: 'pipe' });
  });
});

describe('docker-compose validates the file of every kind of service', () => {
  it.skipIf(!toolAvailable('docker-compose'))('config -q accepts it, with the root .env and without it', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clb-compose-'));
    try {
      const plan = planFor('shop', { services: EVERY_KIND });
      for (const [file, text] of plan) {
        fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
        fs.writeFileSync(path.join(dir, file), text);
      }
      const config = execFileSync('docker-compose', ['-f', 'docker-compose.yml', 'config'], { cwd: dir, encoding: 'utf8' });
      // The interpolated file binds every published port to the loopback interface.
      const resolved = parse(config) as ComposeFile;
      for (const container of Object.values(resolved.services)) {
        for (const port of container.ports ?? []) expect(typeof port === 'string' ? port : port.host_ip).toMatch(/^127\.0\.0\.1/);
      }
      fs.rmSync(path.join(dir, '.env'));
      // Without the root .env, compose refuses to start rather than use empty secrets.
      expect(() => execFileSync('docker-compose', ['-f', 'docker-compose.yml', 'config', '-q'], { cwd: dir, stdio: 'pipe' })).toThrow(/set it in \.env/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('renderCompose', () => {
  const compose = parse(renderCompose(context)) as ComposeFile;

  it('has one container per service and one per server database', () => {
    expect(Object.keys(compose.services)).toEqual(['users-db', 'users', 'orders-db', 'orders', 'notes', 'observability']);
    expect(Object.keys(compose.volumes)).toEqual(['users-db-data', 'orders-db-data', 'notes-data']);
  });

  it('starts a service once its database is healthy, and points it at the container', () => {
    expect(compose.services.users!.depends_on).toEqual({ 'users-db': { condition: 'service_healthy' } });
    expect(compose.services.users!.environment.USERS_DATABASE_URL).toBe(
      'postgresql+asyncpg://users:${USERS_DB_PASSWORD:?set it in .env}@users-db:5432/users',
    );
    expect(compose.services.orders!.environment.ORDERS_DATABASE_URL).toBe(
      'mysql+aiomysql://orders:${ORDERS_DB_PASSWORD:?set it in .env}@orders-db:3306/orders',
    );
    expect(compose.services.notes!.depends_on).toBeUndefined();
    expect(compose.services.notes!.volumes).toEqual(['notes-data:/data']);
  });

  it('pins database images, publishes their ports on the loopback and checks their health', () => {
    expect(compose.services['users-db']).toMatchObject({
      image: 'postgres:17',
      ports: ['127.0.0.1:5433:5432'],
      environment: {
        POSTGRES_USER: 'postgres',
        POSTGRES_PASSWORD: '${USERS_DB_ROOT_PASSWORD:?set it in .env}',
        SERVICE_DB_PASSWORD: '${USERS_DB_PASSWORD:?set it in .env}',
      },
      healthcheck: { test: ['CMD-SHELL', 'pg_isready --host=127.0.0.1 --username=users --dbname=users'] },
    });
    expect(compose.services['users-db']!.volumes).toContain(
      './services/users/docker/postgres-init.sh:/docker-entrypoint-initdb.d/10-service-role.sh:ro',
    );
    expect(compose.services['orders-db']).toMatchObject({
      image: 'mysql:8.4',
      ports: ['127.0.0.1:3307:3306'],
      environment: { MYSQL_DATABASE: 'orders', MYSQL_USER: 'orders' },
    });
    expect(compose.services['orders-db']!.volumes).toContain(
      './services/orders/docker/mysql-init.sql:/docker-entrypoint-initdb.d/10-test-grants.sql:ro',
    );
  });

  it('gives each service its peers by compose name', () => {
    expect(JSON.parse(compose.services.notes!.environment.NOTES_PEERS)).toEqual({ users: 'http://users:8000', orders: 'http://orders:8000' });
  });

  it('quotes port mappings', () => {
    expect(renderCompose(context)).toMatch(/- "127\.0\.0\.1:8001:8000"/);
  });
});

/**
 * What must hold for telemetry in a compose file with the observability container: every
 * application service exports its traces there under its own name, logs JSON lines and
 * carries the labels of a Prometheus scrape of /metrics.
 */
function telemetryProblems(compose: ComposeFile): string[] {
  const problems: string[] = [];
  const observability = compose.services[OBSERVABILITY_SERVICE];
  if (!observability) return ['no observability container'];
  if (!/^grafana\/otel-lgtm:\d+\.\d+\.\d+$/.test(observability.image)) problems.push(`observability: image ${observability.image} is not pinned`);
  for (const [name, container] of Object.entries(compose.services)) {
    if (!container.build) continue;
    const environment: Record<string, string> = container.environment;
    const prefix = `${name.toUpperCase().replace(/-/g, '_')}_`;
    if (environment.OTEL_EXPORTER_OTLP_ENDPOINT !== `http://${OBSERVABILITY_SERVICE}:4318`) problems.push(`${name}: traces go to ${environment.OTEL_EXPORTER_OTLP_ENDPOINT}`);
    if (environment.OTEL_EXPORTER_OTLP_PROTOCOL !== 'http/protobuf') problems.push(`${name}: OTLP protocol ${environment.OTEL_EXPORTER_OTLP_PROTOCOL}`);
    if (environment.OTEL_SERVICE_NAME !== name) problems.push(`${name}: its spans are named ${environment.OTEL_SERVICE_NAME}`);
    if (environment[`${prefix}LOG_FORMAT`] !== 'json') problems.push(`${name}: does not log JSON lines`);
    const labels: Record<string, string> = container.labels ?? {};
    if (labels['prometheus.io/scrape'] !== 'true' || labels['prometheus.io/port'] !== '8000' || labels['prometheus.io/path'] !== '/metrics') {
      problems.push(`${name}: no Prometheus labels for /metrics`);
    }
  }
  return problems;
}

describe('telemetry in compose', () => {
  const compose = parse(planFor('shop', { services: EVERY_KIND }).get('docker-compose.yml')!) as ComposeFile;

  it('sends every service\'s traces to one observability container', () => {
    expect(telemetryProblems(compose)).toEqual([]);
    expect(compose.services[OBSERVABILITY_SERVICE]!.ports).toEqual(['127.0.0.1:3000:3000', '127.0.0.1:4318:4318']);
  });

  it.each([
    ['traces sent elsewhere', (c: ComposeFile) => (c.services.notes!.environment.OTEL_EXPORTER_OTLP_ENDPOINT = 'http://localhost:4318')],
    ['another service name', (c: ComposeFile) => (c.services.notes!.environment.OTEL_SERVICE_NAME = 'users')],
    ['text logs', (c: ComposeFile) => delete c.services.notes!.environment.NOTES_LOG_FORMAT],
    ['no scrape labels', (c: ComposeFile) => delete c.services.notes!.labels],
    ['an unpinned image', (c: ComposeFile) => (c.services[OBSERVABILITY_SERVICE]!.image = 'grafana/otel-lgtm:latest')],
  ])('finds %s', (_, breakIt) => {
    const broken = structuredClone(compose);
    breakIt(broken);
    expect(telemetryProblems(broken)).not.toEqual([]);
  });

  it('does not bring back an observability container removed by hand, nor export to it', () => {
    const doc = parseDocument(renderCompose(context));
    doc.deleteIn(['services', OBSERVABILITY_SERVICE]);
    const added = projectContext(
      resolveFromFlags('shop', { services: 'users@postgres,orders@mysql,notes,extra', install: true, test: true, git: true }, { cwd: '/tmp', uvAvailable: true }),
      '1.0.0',
    ).services[3]!;
    const result = addServiceToCompose(doc.toString(), added, []);
    expect(result.ok).toBe(true);
    const edited = parse((result as { text: string }).text) as ComposeFile;
    expect(edited.services[OBSERVABILITY_SERVICE]).toBeUndefined();
    expect(Object.keys(edited.services.extra!.environment).filter((key) => key.startsWith('OTEL_'))).toEqual([]);
    expect(edited.services.extra!.environment.EXTRA_LOG_FORMAT).toBe('json');
  });
});

describe('renderComposeEnv', () => {
  it('holds every secret key and server password, random in .env and placeholders in .env.example', () => {
    const env = renderComposeEnv(context, false);
    expect(env).toContain(`USERS_DB_PASSWORD=${users!.database.server!.password}`);
    expect(env).toContain(`USERS_DB_ROOT_PASSWORD=${users!.database.server!.rootPassword}`);
    expect(env).toContain(`ORDERS_DB_ROOT_PASSWORD=${orders!.database.server!.rootPassword}`);
    expect(env).toContain(`NOTES_SECRET_KEY=${notes!.containerSecretKey}`);
    expect(notes!.containerSecretKey).not.toBe(notes!.secretKey);
    expect(env).not.toMatch(/NOTES_DB_/);
    expect(users!.database.server!.password).toMatch(/^[\w-]{24}$/);
    expect(renderComposeEnv(context, true)).toMatch(/^USERS_DB_PASSWORD=change-me$/m);
  });
});

describe('addComposeEntries', () => {
  it('adds a service to a hand-edited file, keeping comments and refusing clashes', () => {
    const doc = parseDocument('# mine\nservices:\n  proxy:  # my proxy\n    image: nginx\n');
    expect(addComposeEntries(doc, composeEntries(users!))).toEqual([]);
    const text = doc.toString();
    expect(text).toMatch(/^# mine\nservices:\n {2}proxy:\n/);
    expect(text).toContain('# my proxy');
    expect(Object.keys((parse(text) as ComposeFile).services)).toEqual(['proxy', 'users-db', 'users']);
    expect(addComposeEntries(doc, composeEntries(users!))).toEqual(['users-db', 'users']);
    expect(notes).toBeDefined();
  });
});

describe('composeHostPorts', () => {
  const published = (ports: string) => [...composeHostPorts(`services:\n  redis:\n    image: redis\n    ports:\n${ports}\n`).keys()];

  it.each([
    ['- "6379:6379"', [6379]],
    ['- 6379:6379', [6379]],
    ['- "127.0.0.1:6379:6379"', [6379]],
    ['- "[::1]:6379:6379"', [6379]],
    ['- "6379:6379/tcp"', [6379]],
    ['- "8003-8005:8000-8002"', [8003, 8004, 8005]],
    ['- "${REDIS_PORT:-6380}:6379"', [6380]],
    ['- "${REDIS_PORT-6381}:6379"', [6381]],
    ['- "${REDIS_PORT}:6379"', []],
    ['- "6379"', []],
    ['- 6379', []],
    ['- "127.0.0.1::6379"', []],
    ['- target: 6379\n        published: 6382', [6382]],
    ['- target: 6379\n        published: "6383"', [6383]],
    ['- target: 6379', []],
    ['- "6379:6379"\n      - "8003:80"', [6379, 8003]],
  ])('%s publishes %j', (ports, expected) => {
    expect(published(`      ${ports}`)).toEqual(expected);
  });

  it('names the compose service of each port, the generated ones and those added by hand', () => {
    const text = `${renderCompose(context)}\n`.replace(/^services:\n/m, 'services:\n  cache:\n    image: redis\n    ports: ["6379:6379"]\n');
    const ports = composeHostPorts(text);
    expect(ports.get(6379)).toBe('cache');
    expect(ports.get(users!.port)).toBe('users');
    expect(ports.get(users!.database.server!.hostPort)).toBe('users-db');
  });

  it('follows YAML merge keys, and finds nothing in a file that does not parse', () => {
    expect([...composeHostPorts('x-ports: &ports\n  ports: ["9000:80"]\nservices:\n  web:\n    <<: *ports\n').entries()]).toEqual([[9000, 'web']]);
    expect(composeHostPorts('services: [\n').size).toBe(0);
    expect(composeHostPorts('').size).toBe(0);
  });
});
