import { describe, expect, it } from 'vitest';
import { parse, parseDocument } from 'yaml';
import { addComposeEntries, composeEntries, composeHostPorts, renderCompose, renderComposeEnv } from '../../src/compose.js';
import { projectContext } from '../../src/context.js';
import { resolveFromFlags } from '../../src/options.js';

const context = projectContext(
  resolveFromFlags('shop', { services: 'users@postgres,orders@mysql,notes', install: true, test: true, git: true }, { cwd: '/tmp', uvAvailable: true }),
  '1.0.0',
);
const [users, orders, notes] = context.services;

interface ComposeFile {
  services: Record<string, Record<string, any>>;
  volumes: Record<string, null>;
}

describe('renderCompose', () => {
  const compose = parse(renderCompose(context)) as ComposeFile;

  it('has one container per service and one per server database', () => {
    expect(Object.keys(compose.services)).toEqual(['users-db', 'users', 'orders-db', 'orders', 'notes']);
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

  it('pins database images, publishes their ports and checks their health', () => {
    expect(compose.services['users-db']).toMatchObject({
      image: 'postgres:17',
      ports: ['5433:5432'],
      environment: { POSTGRES_USER: 'users', POSTGRES_DB: 'users', POSTGRES_PASSWORD: '${USERS_DB_PASSWORD:?set it in .env}' },
      healthcheck: { test: ['CMD-SHELL', 'pg_isready -U users -d users'] },
    });
    expect(compose.services['orders-db']).toMatchObject({
      image: 'mysql:8.4',
      ports: ['3307:3306'],
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
    expect(renderCompose(context)).toMatch(/- "8001:8000"/);
  });
});

describe('renderComposeEnv', () => {
  it('holds every server password, random in .env and placeholders in .env.example', () => {
    const env = renderComposeEnv(context, false);
    expect(env).toContain(`USERS_DB_PASSWORD=${users!.database.server!.password}`);
    expect(env).toContain(`ORDERS_DB_ROOT_PASSWORD=${orders!.database.server!.rootPassword}`);
    expect(env).not.toMatch(/NOTES_/);
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
