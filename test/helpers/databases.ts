import { randomBytes } from 'node:crypto';
import { execa } from 'execa';

/** Admin URLs of the machine's database servers (SQLAlchemy form), overridable from the env. */
export const SERVER_URLS = {
  postgres: process.env.TEST_POSTGRES_URL ?? 'postgresql+asyncpg://postgres@127.0.0.1:5432/postgres',
  mysql: process.env.TEST_MYSQL_URL ?? 'mysql+aiomysql://root@127.0.0.1:3306/test',
};
export type ServerKind = keyof typeof SERVER_URLS;

/** The environment that points a generated project's tests at the real servers. */
export const realDatabaseEnv = (): Record<string, string> => ({
  REQUIRE_DB: '1',
  TEST_POSTGRES_URL: SERVER_URLS.postgres,
  TEST_MYSQL_URL: SERVER_URLS.mysql,
});

async function runSql(kind: ServerKind, sql: string): Promise<string> {
  const url = new URL(SERVER_URLS[kind].replace(/^[a-z]+\+[a-z]+:/, 'db:'));
  if (kind === 'postgres') {
    const conninfo = `postgresql://${url.username}${url.password ? `:${url.password}` : ''}@${url.hostname}:${url.port || 5432}${url.pathname}`;
    return (await execa('psql', [conninfo, '-v', 'ON_ERROR_STOP=1', '-q', '-t', '-A', '-c', sql])).stdout.trim();
  } else {
    const args = ['-h', url.hostname, '-P', url.port || '3306', '-u', decodeURIComponent(url.username)];
    if (url.password) args.push(`-p${decodeURIComponent(url.password)}`);
    return (await execa('mariadb', [...args, '-N', '-B', '-e', sql])).stdout.trim();
  }
}

/** How many connections are open to database `name` on the server. */
export async function openConnections(kind: ServerKind, name: string): Promise<number> {
  const sql =
    kind === 'postgres'
      ? `SELECT count(*) FROM pg_stat_activity WHERE datname = '${name}'`
      : `SELECT count(*) FROM information_schema.processlist WHERE db = '${name}'`;
  return Number(await runSql(kind, sql));
}

/** The host and port of a server, for a proxy in front of it. */
export function serverAddress(kind: ServerKind): { host: string; port: number } {
  const url = new URL(SERVER_URLS[kind].replace(/^[a-z]+\+[a-z]+:/, 'db:'));
  return { host: url.hostname, port: Number(url.port || (kind === 'postgres' ? 5432 : 3306)) };
}

/** A new empty database on a real server, and the SQLAlchemy URL of it. */
export async function createDatabase(kind: ServerKind): Promise<{ url: string; name: string; drop: () => Promise<void> }> {
  const name = `clb_e2e_${randomBytes(4).toString('hex')}`;
  const quoted = kind === 'postgres' ? `"${name}"` : `\`${name}\``;
  await runSql(kind, `CREATE DATABASE ${quoted}`);
  const admin = SERVER_URLS[kind];
  const url = admin.replace(/\/[^/?]*(\?.*)?$/, `/${name}`);
  return {
    url,
    name,
    drop: async () => {
      await runSql(kind, `DROP DATABASE IF EXISTS ${quoted}`);
    },
  };
}
