/**
 * Checks of what runs: each service's database reachable (a server answers on its host and
 * port; an embedded database's folder is writable), each service's port free or held by the
 * service itself. Nothing here connects beyond a TCP handshake and one GET /health.
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { databaseEngine, databaseHost, hasServer } from '../databases.js';
import type { Manifest } from '../manifest.js';
import { ok, parseDotenv, presentServices, problem, readProjectFile, serviceDir, type Check, type CheckResult, type DoctorProject } from './types.js';

type ManifestService = Manifest['services'][number];

const PROBE_MS = 1_500;

/** Whether something accepts a TCP connection on host:port. */
export function reachable(host: string, port: number, timeoutMs = PROBE_MS): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (answer: boolean) => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Where a service's database is, from the DATABASE_URL of its .env: a server's host and port, or a file. */
export type ServiceDatabase = { url: string; host?: string; port?: number; file?: string } | { problem: string };

export function serviceDatabase(root: string, service: ManifestService): ServiceDatabase {
  const dir = serviceDir(service.name);
  const key = `${service.envPrefix}DATABASE_URL`;
  const env = readProjectFile(root, `${dir}/.env`);
  const url = env === undefined ? undefined : parseDotenv(env).get(key);
  if (!url) return { problem: `no ${key} in ${dir}/.env` };
  const engine = databaseEngine(service.db);
  if (!url.startsWith(`${engine.scheme}:`)) return { problem: `${key} is not a ${engine.label} URL (${engine.scheme}://...)` };
  if (!hasServer(service.db)) {
    // `scheme:///./users.db` (relative to the service) or `scheme:////abs/users.db`.
    const file = url.slice(url.indexOf(':///') + 4).split('?')[0]!;
    return { url, file: decodeURIComponent(file) };
  }
  try {
    const parsed = new URL(url.replace(/^[^:]+:/, 'db:'));
    return { url, host: parsed.hostname, port: Number(parsed.port || engine.server!.containerPort) };
  } catch {
    return { problem: `${key} is not a valid URL` };
  }
}

async function databaseResult(root: string, service: ManifestService): Promise<CheckResult> {
  const dir = serviceDir(service.name);
  const database = serviceDatabase(root, service);
  if ('problem' in database) return problem('database', `${dir}: ${database.problem}`, `set it as in ${dir}/.env.example`, service.name);
  const label = databaseEngine(service.db).label;
  if (database.file !== undefined) {
    const folder = path.resolve(root, dir, path.dirname(database.file));
    try {
      fs.accessSync(folder, fs.constants.W_OK);
      return ok('database', `${dir}: ${label} database folder ${path.relative(root, folder) || '.'} writable`, service.name);
    } catch {
      return problem('database', `${dir}: ${label} database folder ${folder} missing or not writable`, `create it or make it writable, or change ${service.envPrefix}DATABASE_URL`, service.name);
    }
  }
  const where = `${database.host}:${database.port}`;
  if (await reachable(database.host!, database.port!)) return ok('database', `${dir}: ${label} answers on ${where}`, service.name);
  return problem('database', `${dir}: ${label} unreachable on ${where}`, `start it: docker compose up -d --wait ${databaseHost(service.name)}`, service.name);
}

const databases: Check = {
  id: 'database',
  title: 'databases reachable',
  run: (project) => Promise.all(presentServices(project).map((service) => databaseResult(project.root, service))),
};

/** The service named `name` answers GET /health on the port: it is running. */
async function answersAsService(port: number, name: string): Promise<boolean> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(PROBE_MS) });
    const body = (await response.json()) as { service?: unknown };
    return body.service === name;
  } catch {
    return false;
  }
}

async function portResult(root: string, service: ManifestService): Promise<CheckResult> {
  const env = parseDotenv(readProjectFile(root, `${serviceDir(service.name)}/.env`) ?? '');
  const port = Number(env.get(`${service.envPrefix}PORT`) ?? service.port);
  if (!(await reachable('127.0.0.1', port))) return ok('port', `port ${port} of ${service.name} free`, service.name);
  if (await answersAsService(port, service.name)) return ok('port', `port ${port} in use by ${service.name} itself (running)`, service.name);
  return problem('port', `port ${port} of ${service.name} in use by another program`, `stop it (lsof -i :${port} names it), or give ${service.name} another port`, service.name);
}

const ports: Check = {
  id: 'port',
  title: 'service ports free',
  run: (project) => Promise.all(presentServices(project).map((service) => portResult(project.root, service))),
};

export const RUNTIME_CHECKS: readonly Check[] = [databases, ports];
