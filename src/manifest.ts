/**
 * The manifest at the project root records the generator version and every answer, per
 * service. `add-service` reads it; the generated root tests and tooling read its service list.
 */
import { GENERATOR_NAME, type ServiceRecord } from './context.js';
import { entityNameProblem, envPrefix, projectNameProblem, serviceNameProblem, toSnake } from './naming.js';
import { entityContext } from './context.js';
import {
  DATABASES,
  FRAMEWORKS,
  isHostPort,
  PACKAGE_MANAGERS,
  PORT_RANGE,
  validatePython,
  type CreateAnswers,
  type Database,
  type Framework,
  type PackageManager,
} from './options.js';

export interface ManifestService extends ServiceRecord {
  module: string;
  envPrefix: string;
  routePath: string;
}

export interface Manifest {
  generator: string;
  version: string;
  project: string;
  framework: Framework;
  /** The project's default database, offered first to new services. */
  db: Database;
  packageManager: PackageManager;
  python: string;
  services: ManifestService[];
}

export function manifestService(record: ServiceRecord): ManifestService {
  return {
    name: record.name,
    module: toSnake(record.name),
    envPrefix: envPrefix(record.name),
    entity: record.entity,
    routePath: entityContext(record.entity).routePath,
    framework: record.framework,
    db: record.db,
    port: record.port,
    ...(record.dbPort === undefined ? {} : { dbPort: record.dbPort }),
  };
}

export function buildManifest(answers: CreateAnswers, records: ServiceRecord[], version: string): Manifest {
  return {
    generator: GENERATOR_NAME,
    version,
    project: answers.projectName,
    framework: answers.framework,
    db: answers.db,
    packageManager: answers.packageManager,
    python: answers.python,
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
export function shown(value: unknown): string {
  if (value === undefined) return 'missing';
  const json = JSON.stringify(value) ?? String(value);
  return oneLine(json.length > 40 ? `${json.slice(0, 40)}...` : json);
}

/** Control characters (newlines, escapes, C1, line separators) escaped: a message stays one line. */
export const oneLine = (text: string): string =>
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
export function majorVersion(version: string): number | undefined {
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
    check('module', derived(toSnake(record.name), 'name'));
    check('envPrefix', derived(envPrefix(record.name), 'name'));
  }
  if (typeof record.entity === 'string' && entityNameProblem(record.entity) === undefined) {
    check('routePath', derived(entityContext(record.entity).routePath, 'entity'));
  }
  if (record.db === 'sqlite') {
    if (record.dbPort !== undefined) problems.push(`${at}.dbPort: ${shown(record.dbPort)}, but a SQLite service has no database port`);
  } else if (record.db !== undefined) {
    check('dbPort', hostPort);
  }
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
