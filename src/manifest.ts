/**
 * The manifest at the project root records the generator version and every answer, per
 * service. `add-service` finds the project by it and reads it, checked; the generated root
 * tests and tooling read its service list.
 */
import fs from 'node:fs';
import path from 'node:path';
import { BROKERS, DEFAULT_BROKER, type Broker } from './brokers.js';
import { COMPOSE_ENV_EXAMPLE_FILE, COMPOSE_ENV_FILE } from './compose.js';
import { derivedFromName, entityContext, GENERATOR_NAME, MANIFEST_FILE, type ServiceRecord } from './context.js';
import { databaseLabel, DATABASES, hasServer, isDatabase, type Database } from './databases.js';
import { UsageError } from './errors.js';
import { FRAMEWORKS, type Framework } from './frameworks.js';
import { AUTHS, identityServiceOf, NO_AUTH, type Auth, type AuthChoice } from './auth.js';
import { entityNameProblem, projectNameProblem, serviceNameProblem } from './naming.js';
import { isHostPort, PACKAGE_MANAGERS, PORT_RANGE, validatePython, type CreateAnswers, type PackageManager } from './options.js';

/** An entity of a service, as the manifest records it. */
interface ManifestEntity {
  name: string;
  routePath: string;
}

interface ManifestService extends ServiceRecord {
  module: string;
  envPrefix: string;
  /** The route path of `entity`, the service's first entity. */
  routePath: string;
  /**
   * Every entity of the service, the first one (`entity`) first, then those add-entity
   * added. Absent from manifests written before services had several: read as `[entity]`.
   */
  entities?: ManifestEntity[];
}

export interface Manifest {
  generator: string;
  version: string;
  project: string;
  framework: Framework;
  /** The project's default database, offered first to new services. */
  db: Database;
  /** The broker of the project's events; manifests written before brokers existed have none. */
  broker?: Broker;
  packageManager: PackageManager;
  python: string;
  /** Absent in manifests written before the choice existed: they read as no auth. */
  auth?: Auth;
  /** The service that issues tokens, when `auth` has one. */
  identityService?: string;
  services: ManifestService[];
}

/** The project's auth choice; a manifest without one has none. */
export const manifestAuth = (manifest: Pick<Manifest, 'auth' | 'identityService'>): AuthChoice =>
  manifest.auth === undefined
    ? NO_AUTH
    : { auth: manifest.auth, ...(manifest.identityService === undefined ? {} : { identityService: manifest.identityService }) };

export const manifestEntity = (name: string): ManifestEntity => ({ name, routePath: entityContext(name).routePath });
/** The settings every service of the project shares, as the manifest records them. */
export const manifestSettings = (manifest: Manifest) => ({
  projectName: manifest.project,
  pythonVersion: manifest.python,
  packageManager: manifest.packageManager,
  auth: manifestAuth(manifest),
  broker: manifestBroker(manifest),
});

/** The project's broker: `none` for a manifest written before brokers existed. */
export const manifestBroker = (manifest: Pick<Manifest, 'broker'>): Broker => manifest.broker ?? DEFAULT_BROKER;

export function manifestService(record: ServiceRecord): ManifestService {
  return {
    name: record.name,
    ...derivedFromName(record.name),
    entity: record.entity,
    routePath: entityContext(record.entity).routePath,
    entities: [manifestEntity(record.entity)],
    framework: record.framework,
    db: record.db,
    port: record.port,
    ...(record.dbPort === undefined ? {} : { dbPort: record.dbPort }),
  };
}

/** The entities of a service, in the order they were added; an older manifest's one entity. */
export const serviceEntities = (service: Pick<ManifestService, 'entity' | 'entities'>): string[] =>
  service.entities?.map((entity) => entity.name) ?? [service.entity];

/** The service with one more entity, listed after the others. */
export const withEntity = (service: ManifestService, entity: string): ManifestService => ({
  ...service,
  entities: [...serviceEntities(service).map(manifestEntity), manifestEntity(entity)],
});

export function buildManifest(answers: CreateAnswers, records: ServiceRecord[], version: string): Manifest {
  return {
    generator: GENERATOR_NAME,
    version,
    project: answers.projectName,
    framework: answers.framework,
    db: answers.db,
    broker: answers.broker,
    packageManager: answers.packageManager,
    python: answers.python,
    auth: answers.auth,
    ...(identityServiceOf(answers) === undefined ? {} : { identityService: answers.identityService }),
    services: records.map(manifestService),
  };
}

export const serializeManifest = (manifest: Manifest): string => `${JSON.stringify(manifest, null, 2)}\n`;

/**
 * Checking a manifest read from disk. It is a file anyone can edit, so every field meets the
 * rules the flags and prompts that produced it meet: a name that is a path, a port out of
 * range or a derived field that disagrees with its name is refused, never used.
 */
type FieldCheck = (value: unknown) => string | undefined;

/** A value as a message shows it: JSON, on one line, cut short. */
function shown(value: unknown): string {
  if (value === undefined) return 'missing';
  const json = JSON.stringify(value) ?? String(value);
  return oneLine(json.length > 40 ? `${json.slice(0, 40)}...` : json);
}

/** Control characters (newlines, escapes, C1, line separators) escaped: a message stays one line. */
const oneLine = (text: string): string =>
  text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);

const typeName = (value: unknown): string =>
  value === null ? 'null' : value === undefined ? 'nothing' : Array.isArray(value) ? 'a list' : `a ${typeof value}`;

const text =
  (problem: (value: string) => string | undefined): FieldCheck =>
  (value) =>
    typeof value === 'string' ? problem(value) : `must be a string, not ${typeName(value)} (${shown(value)})`;

const choice = (values: readonly string[]): FieldCheck =>
  text((value) => (values.includes(value) ? undefined : `${shown(value)} is not one of ${values.join(', ')}`));

const hostPort: FieldCheck = (value) => (isHostPort(value) ? undefined : `${shown(value)} is not a port (${PORT_RANGE})`);

/** A field computed from another: it must be exactly what that one derives. */
const derived = (expected: string, from: string): FieldCheck =>
  text((value) => (value === expected ? undefined : `${shown(value)} does not match the ${from}, which gives ${shown(expected)}`));

const VERSION_PATTERN = /^(\d+)\.(\d+)\.(\d+)(?:[-+][0-9A-Za-z.+-]*)?$/;

/** The major version of a `1.2.3` version string, or undefined when it is not one. */
function majorVersion(version: string): number | undefined {
  const match = VERSION_PATTERN.exec(version);
  return match ? Number(match[1]) : undefined;
}

const TOP_LEVEL_CHECKS: Array<[keyof Manifest, FieldCheck]> = [
  ['generator', text((value) => (value === GENERATOR_NAME ? undefined : `${shown(value)} is not ${GENERATOR_NAME}`))],
  ['version', text((value) => (majorVersion(value) === undefined ? `${shown(value)} is not a version like 1.2.3` : undefined))],
  ['project', text(projectNameProblem)],
  ['framework', choice(FRAMEWORKS)],
  ['db', choice(DATABASES)],
  ['packageManager', choice(PACKAGE_MANAGERS)],
  ['python', text(validatePython)],
];

/** Fields that manifests written by older versions may lack, each with its check. */
const OPTIONAL_TOP_LEVEL_CHECKS: Array<[keyof Manifest, FieldCheck]> = [['broker', choice(BROKERS)]];

/** Problems of one service record's own fields, each as `services[i].field: ...`. */
function serviceProblems(service: unknown, index: number): string[] {
  const at = `services[${index}]`;
  if (typeof service !== 'object' || service === null || Array.isArray(service)) {
    return [`${at}: must be an object, not ${typeName(service)} (${shown(service)})`];
  }
  const record = service as Record<string, unknown>;
  const problems: string[] = [];
  const check = (field: string, valid: FieldCheck) => {
    if (record[field] === undefined) problems.push(`${at}.${field} is missing`);
    else {
      const problem = valid(record[field]);
      if (problem) problems.push(`${at}.${field}: ${problem}`);
    }
  };
  check('name', text(serviceNameProblem));
  check('entity', text(entityNameProblem));
  check('framework', choice(FRAMEWORKS));
  check('db', choice(DATABASES));
  check('port', hostPort);
  if (typeof record.name === 'string' && serviceNameProblem(record.name) === undefined) {
    const expected = derivedFromName(record.name);
    check('module', derived(expected.module, 'name'));
    check('envPrefix', derived(expected.envPrefix, 'name'));
  }
  if (typeof record.entity === 'string' && entityNameProblem(record.entity) === undefined) {
    check('routePath', derived(entityContext(record.entity).routePath, 'entity'));
  }
  if (record.entities !== undefined) problems.push(...entitiesProblems(record.entities, record.entity, at));
  if (isDatabase(record.db) && !hasServer(record.db)) {
    if (record.dbPort !== undefined) problems.push(`${at}.dbPort: ${shown(record.dbPort)}, but a ${databaseLabel(record.db)} service has no database port`);
  } else if (record.db !== undefined) {
    check('dbPort', hostPort);
  }
  return problems;
}

/**
 * Problems of a service's `entities`: each a valid entity with its derived route path, the
 * first one the service's `entity`, no two with one module, class, table or route.
 */
function entitiesProblems(entities: unknown, first: unknown, at: string): string[] {
  if (!Array.isArray(entities)) return [`${at}.entities: must be a list, not ${typeName(entities)} (${shown(entities)})`];
  if (entities.length === 0) return [`${at}.entities: must list at least the service's entity`];
  const problems: string[] = [];
  const seen = new Map<string, number>();
  Array.from(entities, (entity: unknown, index) => {
    const where = `${at}.entities[${index}]`;
    if (typeof entity !== 'object' || entity === null || Array.isArray(entity)) {
      problems.push(`${where}: must be an object, not ${typeName(entity)} (${shown(entity)})`);
      return;
    }
    const { name, routePath } = entity as Record<string, unknown>;
    const nameProblem = name === undefined ? 'is missing' : text(entityNameProblem)(name);
    if (nameProblem) {
      problems.push(`${where}.name${name === undefined ? ' ' : ': '}${nameProblem}`);
      return;
    }
    const context = entityContext(name as string);
    const routeProblem = routePath === undefined ? 'is missing' : derived(context.routePath, 'name')(routePath);
    if (routeProblem) problems.push(`${where}.routePath${routePath === undefined ? ' ' : ': '}${routeProblem}`);
    if (index === 0 && name !== first) problems.push(`${where}.name: ${shown(name)} is not the service's entity ${shown(first)}, which comes first`);
    for (const key of [`module ${context.module}`, `class ${context.className}`, `table ${context.plural}`]) {
      const earlier = seen.get(key);
      if (earlier !== undefined) problems.push(`${where}.name: ${shown(name)} and entities[${earlier}] both give the ${key}`);
      else seen.set(key, index);
    }
  });
  return problems;
}

/** Two services with one name, one Python module, or one host port. */
function duplicateProblems(services: ManifestService[]): string[] {
  const problems: string[] = [];
  const modules = new Map<string, number>();
  const ports = new Map<number, string>();
  services.forEach((service, index) => {
    const earlier = modules.get(service.module);
    if (earlier !== undefined) {
      const other = services[earlier]!;
      problems.push(
        other.name === service.name
          ? `services[${index}].name: "${service.name}" is listed twice`
          : `services[${index}].name: "${service.name}" and "${other.name}" both become the Python module "${service.module}"`,
      );
    } else modules.set(service.module, index);
    for (const [field, port] of [['port', service.port], ['dbPort', service.dbPort]] as const) {
      if (port === undefined) continue;
      const owner = ports.get(port);
      if (owner !== undefined) problems.push(`services[${index}].${field}: ${port} is also ${owner}`);
      else ports.set(port, `services[${index}].${field}`);
    }
  });
  return problems;
}

/**
 * Every problem of a parsed manifest, as `field: what is wrong` (one line each), or none.
 * Fields it does not know are kept as they are and never read.
 */
export function manifestProblems(data: unknown): string[] {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return [`the file holds ${typeName(data)}, not a JSON object`];
  const manifest = data as Record<string, unknown>;
  const problems: string[] = [];
  for (const [field, check] of TOP_LEVEL_CHECKS) {
    if (manifest[field] === undefined) problems.push(`${field} is missing`);
    else {
      const problem = check(manifest[field]);
      if (problem) problems.push(`${field}: ${problem}`);
    }
  }
  problems.push(...authProblems(manifest));
  for (const [field, check] of OPTIONAL_TOP_LEVEL_CHECKS) {
    const problem = manifest[field] === undefined ? undefined : check(manifest[field]);
    if (problem) problems.push(`${field}: ${problem}`);
  }
  const services = manifest.services;
  if (services === undefined) problems.push('services is missing');
  else if (!Array.isArray(services)) problems.push(`services: must be a list, not ${typeName(services)} (${shown(services)})`);
  else if (services.length === 0) problems.push('services: must list at least one service');
  else {
    // By index, not flatMap: a sparse array's holes are problems too.
    const own = Array.from(services, (service: unknown, index) => serviceProblems(service, index)).flat();
    problems.push(...own);
    if (own.length === 0) problems.push(...duplicateProblems(services as ManifestService[]));
  }
  return problems.map((problem) => oneLine(problem).replace(/\.$/, ''));
}

/** `auth` is optional (older manifests); when it has an identity service, the manifest lists it. */
function authProblems(manifest: Record<string, unknown>): string[] {
  if (manifest.auth === undefined) return manifest.identityService === undefined ? [] : ['identityService: set, but auth is missing'];
  const problem = choice(AUTHS)(manifest.auth);
  if (problem) return [`auth: ${problem}`];
  const identity = identityServiceOf({ auth: manifest.auth as Auth });
  if (identity === undefined) {
    return manifest.identityService === undefined ? [] : [`identityService: set, but auth ${shown(manifest.auth)} has no identity service`];
  }
  const named = manifest.identityService;
  if (typeof named !== 'string') return [`identityService: must be a string, not ${typeName(named)} (${shown(named)})`];
  const services = Array.isArray(manifest.services) ? (manifest.services as Array<{ name?: unknown } | null>) : [];
  return services.some((service) => service?.name === named) ? [] : [`identityService: ${shown(named)} is not one of the services`];
}

// Finding an existing project and reading its manifest, for `add-service`.

/** The directory holding the manifest, walking up from `start`. */
export function findProjectRoot(start: string): string {
  let current = path.resolve(start);
  for (;;) {
    if (fs.existsSync(path.join(current, MANIFEST_FILE))) return current;
    const parent = path.dirname(current);
    if (parent === current) {
      throw new UsageError(`${path.resolve(start)} is not inside a create-layered-backend project: no ${MANIFEST_FILE} there or above.`, [
        'Run add-service from the project (or one of its folders), or point at it with --cwd <dir>.',
      ]);
    }
    current = parent;
  }
}

/** At most this many problems are listed: the message stays one readable line. */
const SHOWN_PROBLEMS = 3;

/**
 * Read and check the manifest. A corrupted or hostile one is a UsageError naming the field,
 * and so is one written by a newer major version of the generator, whose format this one
 * cannot know. `retry` is the command to suggest with the newer version.
 */
export function readManifest(root: string, runningVersion: string, retry = 'add-service <name>'): Manifest {
  const file = path.join(root, MANIFEST_FILE);
  const fix = `Restore it from git (git checkout -- ${MANIFEST_FILE}) or repair it by hand.`;
  let raw: string;
  try {
    raw = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`${file} cannot be read: ${(error as Error).message}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch (error) {
    throw new UsageError(`${file} is not valid JSON: ${oneLine((error as Error).message)}`, [fix]);
  }
  const version = (data as { version?: unknown } | null)?.version;
  const written = typeof version === 'string' ? majorVersion(version) : undefined;
  const running = majorVersion(runningVersion);
  if (written !== undefined && running !== undefined && written > running) {
    throw new UsageError(
      `${file} was written by ${GENERATOR_NAME} ${version}; this is ${runningVersion}: upgrade with npx ${GENERATOR_NAME}@latest ${retry}`,
    );
  }
  const problems = manifestProblems(data);
  if (problems.length > 0) {
    const more = problems.length > SHOWN_PROBLEMS ? ` (and ${problems.length - SHOWN_PROBLEMS} more)` : '';
    throw new UsageError(`${file} is not a valid manifest: ${problems.slice(0, SHOWN_PROBLEMS).join('; ')}${more}.`, [fix]);
  }
  return data as Manifest;
}

/** Services of the manifest whose folder under services/ is gone (deleted or renamed). */
export const missingServiceFolders = (root: string, manifest: Manifest): string[] =>
  manifest.services.filter((service) => !fs.existsSync(path.join(root, 'services', service.name))).map((service) => service.name);

/** Folders under services/ that the manifest does not list. */
function unlistedServiceFolders(root: string, manifest: Manifest): string[] {
  const listed = new Set(manifest.services.map((service) => service.name));
  const dir = path.join(root, 'services');
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !listed.has(entry.name))
    .map((entry) => entry.name)
    .sort();
}

/**
 * What add-service notices about a project and works around, each as a one-line warning: a
 * manifest found above the directory it was started from, services whose folder is gone, a
 * missing root .env that docker compose reads database passwords from.
 */
export function projectWarnings(start: string, root: string, manifest: Manifest, added: { name: string; db: Database }): string[] {
  const warnings: string[] = [];
  if (path.resolve(start) !== root) {
    warnings.push(`No ${MANIFEST_FILE} in ${path.resolve(start)}: using the project found above it, in ${root}.`);
  }
  const missing = missingServiceFolders(root, manifest);
  if (missing.length > 0) {
    const unlisted = unlistedServiceFolders(root, manifest).filter((name) => name !== added.name);
    const renamed = unlisted.length > 0 ? ` (renamed? services/ holds ${unlisted.join(', ')}, which ${MANIFEST_FILE} does not list)` : '';
    warnings.push(
      `${missing.map((name) => `services/${name}`).join(', ')} ${missing.length > 1 ? 'are' : 'is'} listed in ${MANIFEST_FILE} but missing${renamed}: left out of the peer settings and the install; restore it or remove it from ${MANIFEST_FILE} before make test, which starts every listed service.`,
    );
  }
  const withPasswords = manifest.services.filter((service) => hasServer(service.db)).map((service) => service.name);
  if (!fs.existsSync(path.join(root, COMPOSE_ENV_FILE)) && (withPasswords.length > 0 || hasServer(added.db))) {
    const created = hasServer(added.db) ? `it is created with the password of ${added.name} only` : 'it is not created';
    const others = withPasswords.length > 0 ? `; docker compose also needs those of ${withPasswords.join(', ')} (see ${COMPOSE_ENV_EXAMPLE_FILE})` : '';
    warnings.push(`The root ${COMPOSE_ENV_FILE}, where docker compose reads database passwords, is missing: ${created}${others}.`);
  }
  return warnings;
}
