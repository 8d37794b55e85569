/**
 * The answers a `create` run works from, and how they are resolved from flags and defaults.
 * Prompts (src/prompts.ts) fill in what flags left open; everything is validated here, so a
 * value typed at a prompt and the same value given as a flag meet the same rules.
 */
import path from 'node:path';
import { DEFAULT_BROKER, type Broker } from './brokers.js';
import { UsageError } from './errors.js';
import { DATABASES, DEFAULT_DATABASE, isDatabase, type Database } from './databases.js';
import { DEFAULT_FRAMEWORK, type Framework } from './frameworks.js';
import { DEFAULT_AUTH, DEFAULT_IDENTITY_SERVICE, IDENTITY_ENTITY, identityServiceOf, type Auth } from './auth.js';
import { defaultEntity, entityNameProblem, projectNameProblem, serviceClashProblem, serviceDatabaseProblem, serviceNameProblem, toSnake } from './naming.js';

export const PACKAGE_MANAGERS = ['uv', 'pip'] as const;
/** Python versions offered for the Docker images; generated code also runs on 3.11. */
export const PYTHON_VERSIONS = ['3.11', '3.12', '3.13'] as const;

export type PackageManager = (typeof PACKAGE_MANAGERS)[number];

export const DEFAULT_DIRECTORY = 'layered-backend';
export const DEFAULT_SERVICES = 'users,orders';
const DEFAULT_PYTHON = '3.12';
export const FIRST_PORT = 8001;
/** Host ports a service or database container may be given: no privileged ones. */
const MIN_PORT = 1024;
const MAX_PORT = 65535;
export const PORT_RANGE = `a whole number from ${MIN_PORT} to ${MAX_PORT}`;

export const isHostPort = (value: unknown): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value >= MIN_PORT && value <= MAX_PORT;

interface ServiceAnswer {
  name: string;
  entity: string;
  db: Database;
}

export interface CreateAnswers {
  /** The target directory as the user wrote it (relative to cwd or absolute). */
  directory: string;
  projectName: string;
  services: ServiceAnswer[];
  framework: Framework;
  db: Database;
  /** How requests are authenticated (src/auth.ts); with tokens, `services` starts with the identity service. */
  auth: Auth;
  identityService: string;
  /** One broker per project, for the events between its services. */
  broker: Broker;
  packageManager: PackageManager;
  python: string;
  install: boolean;
  test: boolean;
  git: boolean;
}

/** The flags of `create` as commander hands them over (choices already checked by commander). */
export interface CreateFlags {
  services?: string;
  framework?: Framework;
  db?: Database;
  auth?: Auth;
  identityService?: string;
  broker?: Broker;
  packageManager?: PackageManager;
  python?: string;
  install: boolean;
  test: boolean;
  git: boolean;
  yes?: boolean;
  dryRun?: boolean;
}

/** `demo` and `./apps/demo` name the project after the last path segment; `.` after cwd. */
function projectNameOf(directory: string, cwd: string): string {
  return path.basename(path.resolve(cwd, directory));
}

export function validateDirectory(directory: string, cwd: string): string | undefined {
  if (directory.trim() === '') return 'The project directory cannot be empty.';
  return projectNameProblem(projectNameOf(directory, cwd));
}

/**
 * Parse `users,orders:order,billing@postgres` into services. Each item is
 * `name[:entity][@database]`: the entity defaults to the singular of the name, the database
 * to `db`. Returns the first problem found, as a message.
 */
export function parseServices(value: string, db: Database): ServiceAnswer[] | string {
  const items = value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
  if (items.length === 0) return 'Name at least one service, e.g. "users,orders".';
  const services: ServiceAnswer[] = [];
  const seen = new Map<string, string>();
  for (const item of items) {
    const [spec, dbPart, ...extraAt] = item.split('@') as [string, string | undefined, ...string[]];
    if (extraAt.length > 0) return `"${item}" has more than one "@"; write a service as name[:entity][@database].`;
    let serviceDb = db;
    if (dbPart !== undefined) {
      if (!isDatabase(dbPart)) return `"${item}": unknown database "${dbPart}"; choose one of ${DATABASES.join(', ')}.`;
      serviceDb = dbPart;
    }
    const parts = spec.split(':');
    if (parts.length > 2) return `"${item}" has more than one ":"; write a service as name[:entity][@database].`;
    const [name, entityPart] = parts as [string, string | undefined];
    const nameProblem = serviceNameProblem(name);
    if (nameProblem) return nameProblem;
    const module = toSnake(name);
    const earlier = seen.get(module);
    if (earlier !== undefined) {
      return earlier === name
        ? `The service "${name}" is listed twice.`
        : `"${earlier}" and "${name}" would both become the Python module "${module}"; pick one.`;
    }
    const clash = serviceClashProblem(name, [...seen.values()]);
    if (clash) return clash;
    seen.set(module, name);
    const databaseProblem = serviceDatabaseProblem(name, serviceDb);
    if (databaseProblem) return databaseProblem;
    const entity = entityPart === undefined || entityPart === '' ? defaultEntity(name) : entityPart;
    const entityProblem = entityNameProblem(entity);
    if (entityProblem) return `Service "${name}": ${entityProblem}`;
    services.push({ name, entity, db: serviceDb });
  }
  return services;
}

export function validatePython(version: string): string | undefined {
  return (PYTHON_VERSIONS as readonly string[]).includes(version)
    ? undefined
    : `Python ${version} is not supported; choose one of ${PYTHON_VERSIONS.join(', ')}.`;
}

function orThrow<T>(value: T | string): T {
  if (typeof value === 'string') throw new UsageError(value);
  return value;
}

/** What the flags alone settle, with defaults for the rest; throws UsageError on bad input. */
export function resolveFromFlags(
  directory: string | undefined,
  flags: CreateFlags,
  env: { cwd: string; uvAvailable: boolean },
): CreateAnswers {
  const dir = directory ?? DEFAULT_DIRECTORY;
  const dirProblem = validateDirectory(dir, env.cwd);
  if (dirProblem) throw new UsageError(dirProblem);
  const db = flags.db ?? DEFAULT_DATABASE;
  const python = flags.python ?? DEFAULT_PYTHON;
  const pythonProblem = validatePython(python);
  if (pythonProblem) throw new UsageError(pythonProblem);
  const auth = flags.auth ?? DEFAULT_AUTH;
  const identityService = flags.identityService ?? DEFAULT_IDENTITY_SERVICE;
  const services = orThrow(parseServices(flags.services ?? DEFAULT_SERVICES, db));
  return {
    directory: dir,
    projectName: projectNameOf(dir, env.cwd),
    services: orThrow(withIdentityService(services, identityServiceOf({ auth, identityService }), db)),
    framework: flags.framework ?? DEFAULT_FRAMEWORK,
    db,
    auth,
    identityService,
    broker: flags.broker ?? DEFAULT_BROKER,
    packageManager: flags.packageManager ?? (env.uvAvailable ? 'uv' : 'pip'),
    python,
    install: flags.install,
    test: flags.test && flags.install,
    git: flags.git,
  };
}

/**
 * The services with the identity service first (it starts first, and gets the first port):
 * the one listed under its name, on the database given there, or a new one on `db`. Its
 * entity is always its users.
 */
export function withIdentityService(services: ServiceAnswer[], identity: string | undefined, db: Database): ServiceAnswer[] | string {
  if (identity === undefined) return services;
  const nameProblem = serviceNameProblem(identity);
  if (nameProblem) return `--identity-service: ${nameProblem}`;
  const listed = services.find((service) => service.name === identity);
  if (listed && listed.entity !== IDENTITY_ENTITY && listed.entity !== defaultEntity(identity)) {
    return `The identity service "${identity}" holds the ${IDENTITY_ENTITY} entity; list it as ${identity} or ${identity}:${IDENTITY_ENTITY}.`;
  }
  const others = services.filter((service) => service.name !== identity);
  const clash = serviceClashProblem(identity, others.map((service) => service.name));
  if (clash) return clash;
  const databaseProblem = serviceDatabaseProblem(identity, listed?.db ?? db);
  if (databaseProblem) return databaseProblem;
  if (others.length === 0) return `Name at least one service besides the identity service "${identity}".`;
  return [{ name: identity, entity: IDENTITY_ENTITY, db: listed?.db ?? db }, ...others];
}

/** The one-line command that reproduces these answers without questions. */
export function reproduceCommand(answers: CreateAnswers): string {
  const identity = identityServiceOf(answers);
  const services = answers.services
    // The identity service is added by --auth; listed only when it is not on the project's database.
    .filter((service) => service.name !== identity || service.db !== answers.db)
    .map((service) => {
      const entity = service.entity === defaultEntity(service.name) ? '' : `:${service.entity}`;
      const db = service.db === answers.db ? '' : `@${service.db}`;
      return `${service.name}${entity}${db}`;
    })
    .join(',');
  const parts = [
    'npx create-layered-backend',
    shellQuote(answers.directory),
    `--services ${services}`,
    `--framework ${answers.framework}`,
    `--db ${answers.db}`,
    ...(answers.auth === DEFAULT_AUTH ? [] : [`--auth ${answers.auth}`]),
    ...(identity === undefined || identity === DEFAULT_IDENTITY_SERVICE ? [] : [`--identity-service ${shellQuote(identity)}`]),
    ...(answers.broker === DEFAULT_BROKER ? [] : [`--broker ${answers.broker}`]),
    `--package-manager ${answers.packageManager}`,
    `--python ${answers.python}`,
  ];
  if (!answers.install) parts.push('--no-install');
  else if (!answers.test) parts.push('--no-test');
  if (!answers.git) parts.push('--no-git');
  parts.push('--yes');
  return parts.join(' ');
}

/** Quote a word for a POSIX shell only when it needs it. */
export function shellQuote(word: string): string {
  return /^[\w./:@%+=,-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
