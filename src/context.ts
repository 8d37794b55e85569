/**
 * The plain values templates see. Every name and choice is computed here, so templates stay
 * free of logic: they print values and loop over services, nothing else.
 */
import { randomBytes } from 'node:crypto';
import { brokerContext, DEFAULT_BROKER, type Broker, type BrokerContext } from './brokers.js';
import { databaseContext, newDatabaseSecrets, nextDatabasePort, type Database, type DatabaseContext, type DatabaseSecrets } from './databases.js';
import type { Framework } from './frameworks.js';
import { libsDependencies, pythonDependencies, rootDevDependencies } from './catalog.js';
import { envPrefix, pluralize, serviceDistribution, toKebab, toPascal, toSnake, toTitle, toWords } from './naming.js';
import type { CreateAnswers, PackageManager } from './options.js';
import { FIRST_PORT, reproduceCommand } from './options.js';

export const GENERATOR_NAME = 'create-layered-backend';
export const MANIFEST_FILE = '.layered-backend.json';
/** Port every service listens on inside its container. */
export const CONTAINER_PORT = 8000;

interface EntityContext {
  module: string;
  className: string;
  plural: string;
  routePath: string;
  table: string;
  label: string;
  labelPlural: string;
}

interface PeerContext {
  name: string;
  module: string;
  envPrefix: string;
  port: number;
  url: string;
  composeUrl: string;
}

export interface ServiceContext {
  name: string;
  /** The `name` of its pyproject.toml. */
  distribution: string;
  module: string;
  title: string;
  envPrefix: string;
  port: number;
  framework: Framework;
  db: Database;
  /** The service's database URL when it runs on the host (same as `database.url`). */
  databaseUrl: string;
  database: DatabaseContext;
  /** The secret key of the service run on this machine (its `.env`). */
  secretKey: string;
  /** Another one for its container, which compose reads from the root `.env`. */
  containerSecretKey: string;
  /** Variable of the root `.env` holding it: `USERS_SECRET_KEY`. */
  containerSecretVariable: string;
  entity: EntityContext;
  peers: PeerContext[];
  peersJson: string;
  composePeersJson: string;
  dependencies: string[];
  devDependencies: string[];
  projectName: string;
  libsDistribution: string;
  pythonVersion: string;
  packageManager: PackageManager;
  /** How the Dockerfile syncs the image's environment: `uv sync`, from the lock when there is one. */
  dockerSync: string;
  /** The project's broker; undefined when its services exchange no events. */
  broker: BrokerContext | undefined;
  /**
   * Steps of the lifespan an option adds after the database and the HTTP client (each a
   * module of app/events/ with `open_<step>`/`close_<step>`, or the step itself for Litestar).
   */
  lifespanSteps: string[];
  /** Fields an option adds to the service's Settings: `annotation` is the type and default. */
  extraSettings: Array<{ name: string; annotation: string; comment: string }>;
  /** Lines an option adds to the service's `.env` and `.env.example`. */
  extraEnv: Array<{ name: string; value: string; comment: string }>;
  /** import-linter `forbidden` contracts an option adds. */
  importContracts: Array<{ name: string; sources: string[]; forbidden: string[] }>;
}

export interface ProjectContext {
  projectName: string;
  projectTitle: string;
  /** The root pyproject's name: never the name of a tool it depends on (`pytest`, `httpx`). */
  rootDistribution: string;
  libsDistribution: string;
  pythonVersion: string;
  packageManager: PackageManager;
  generatorName: string;
  generatorVersion: string;
  year: number;
  manifestFile: string;
  reproduceCommand: string;
  /** `[project] dependencies` of libs/pyproject.toml. */
  libsDependencies: string[];
  /** `[dependency-groups] dev` of the root pyproject.toml. */
  rootDevDependencies: string[];
  services: ServiceContext[];
}

/** A service as the project knows it: what the manifest records and contexts are built from. */
export interface ServiceRecord {
  name: string;
  entity: string;
  framework: Framework;
  db: Database;
  port: number;
  /** Host port of the service's database container; absent for SQLite. */
  dbPort?: number;
}

export function entityContext(entity: string): EntityContext {
  const plural = pluralize(entity);
  return {
    module: entity,
    className: toPascal(entity),
    plural,
    routePath: toKebab(plural),
    table: plural,
    label: toWords(entity),
    labelPlural: toWords(plural),
  };
}

/**
 * The fields a service's name derives, computed here only: the templates and the peers'
 * settings use them, the manifest records them, and a manifest read from disk must agree
 * with them. (What its entity derives is entityContext's.)
 */
export const derivedFromName = (name: string): { module: string; envPrefix: string } => ({
  module: toSnake(name),
  envPrefix: envPrefix(name),
});

/** How other services reach `record`: on this machine, and inside docker compose. */
export function peerContext(record: Pick<ServiceRecord, 'name' | 'port'>): PeerContext {
  return {
    name: record.name,
    ...derivedFromName(record.name),
    port: record.port,
    url: `http://127.0.0.1:${record.port}`,
    composeUrl: `http://${record.name}:${CONTAINER_PORT}`,
  };
}

const peersJson = (peers: PeerContext[], url: (peer: PeerContext) => string): string =>
  JSON.stringify(Object.fromEntries(peers.map((peer) => [peer.name, url(peer)])));

interface ProjectSettings {
  projectName: string;
  pythonVersion: string;
  packageManager: PackageManager;
  /** Absent in manifests written before brokers existed: none. */
  broker?: Broker;
}

/** What a broker adds to a service's context: the messaging step, its settings, its env lines. */
function brokerAdditions(broker: BrokerContext | undefined, envPrefix: string) {
  if (!broker) return { broker, lifespanSteps: [], extraSettings: [], extraEnv: [], importContracts: [] };
  return {
    broker,
    lifespanSteps: ['messaging'],
    extraSettings: [
      {
        name: 'broker_url',
        annotation: 'str | None = None',
        comment: `The ${broker.label} broker of the events; unset (tests), events stay in the outbox.`,
      },
      {
        name: 'events_namespace',
        annotation: JSON.stringify(broker.namespace).replace(/^/, 'str = '),
        comment: "Names the project's exchange, stream or keys on the broker.",
      },
    ],
    extraEnv: [
      { name: `${envPrefix}BROKER_URL`, value: broker.url, comment: `The ${broker.label} broker the services exchange events on` },
    ],
    importContracts: [
      {
        name: 'Only app.messaging talks to the broker',
        sources: ['app.api', 'app.services', 'app.repository', 'app.models', 'app.schemas'],
        forbidden: ['app.messaging', 'faststream'],
      },
    ],
  };
}

/** A fresh secret per service: 32 random bytes, hex encoded. */
const newSecret = (): string => randomBytes(32).toString('hex');

interface ServiceSecrets {
  secretKey: string;
  containerSecretKey: string;
  database: DatabaseSecrets;
}

export const newServiceSecrets = (): ServiceSecrets => ({
  secretKey: newSecret(),
  containerSecretKey: newSecret(),
  database: newDatabaseSecrets(),
});

export function serviceContext(
  record: ServiceRecord,
  all: readonly ServiceRecord[],
  project: ProjectSettings,
  secrets: ServiceSecrets = newServiceSecrets(),
): ServiceContext {
  const { module, envPrefix: prefix } = derivedFromName(record.name);
  const peers = all.filter((other) => other.name !== record.name).map(peerContext);
  const database = databaseContext(record.db, { name: record.name, module, envPrefix: prefix }, record.dbPort, secrets.database);
  return {
    name: record.name,
    distribution: serviceDistribution(record.name),
    module,
    title: toTitle(record.name),
    envPrefix: prefix,
    port: record.port,
    framework: record.framework,
    db: record.db,
    databaseUrl: database.url,
    database,
    secretKey: secrets.secretKey,
    containerSecretKey: secrets.containerSecretKey,
    containerSecretVariable: `${prefix}SECRET_KEY`,
    entity: entityContext(record.entity),
    peers,
    peersJson: peersJson(peers, (peer) => peer.url),
    composePeersJson: peersJson(peers, (peer) => peer.composeUrl),
    ...pythonDependencies(record.framework, record.db, project.broker ?? DEFAULT_BROKER),
    projectName: project.projectName,
    libsDistribution: libsDistribution(project.projectName),
    pythonVersion: project.pythonVersion,
    packageManager: project.packageManager,
    // The image installs from the repository's uv.lock as it is; a pip project has none,
    // and uv resolves in the build.
    dockerSync: project.packageManager === 'uv' ? 'uv sync --frozen' : 'uv sync',
    ...brokerAdditions(brokerContext(project.broker ?? DEFAULT_BROKER, toSnake(project.projectName)), prefix),
  };
}

const libsDistribution = (projectName: string): string =>
  `${toKebab(projectName.replace(/[^a-z0-9_-]/g, '-'))}-shared-libs`;

const rootDistribution = (projectName: string): string =>
  `${toKebab(projectName.replace(/[^a-z0-9_-]/g, '-'))}-tooling`;

/**
 * Services in the order given, on consecutive ports from FIRST_PORT; each database container
 * gets the next free host port of its engine.
 */
export function serviceRecords(answers: CreateAnswers): ServiceRecord[] {
  const dbPorts: number[] = [];
  return answers.services.map((service, index) => {
    const dbPort = nextDatabasePort(service.db, dbPorts);
    if (dbPort !== undefined) dbPorts.push(dbPort);
    return {
      name: service.name,
      entity: service.entity,
      framework: answers.framework,
      db: service.db,
      port: FIRST_PORT + index,
      ...(dbPort === undefined ? {} : { dbPort }),
    };
  });
}

export function projectContext(
  answers: CreateAnswers,
  generatorVersion: string,
  year: number = new Date().getFullYear(),
): ProjectContext {
  const records = serviceRecords(answers);
  const settings: ProjectSettings = {
    projectName: answers.projectName,
    pythonVersion: answers.python,
    packageManager: answers.packageManager,
    broker: answers.broker,
  };
  return {
    projectName: answers.projectName,
    projectTitle: toTitle(answers.projectName.replace(/\./g, '-')),
    rootDistribution: rootDistribution(answers.projectName),
    libsDistribution: libsDistribution(answers.projectName),
    pythonVersion: answers.python,
    packageManager: answers.packageManager,
    generatorName: GENERATOR_NAME,
    generatorVersion,
    year,
    manifestFile: MANIFEST_FILE,
    reproduceCommand: reproduceCommand(answers),
    libsDependencies: libsDependencies(),
    rootDevDependencies: rootDevDependencies(),
    services: records.map((record) => serviceContext(record, records, settings)),
  };
}
