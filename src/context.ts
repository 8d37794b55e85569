/**
 * The plain values templates see. Every name and choice is computed here, so templates stay
 * free of logic: they print values and loop over services, nothing else.
 */
import { randomBytes } from './random.js';
import { brokerContext, DEFAULT_BROKER, type Broker, type BrokerContext } from './brokers.js';
import { databaseContext, newDatabaseSecrets, nextDatabasePort, type Database, type DatabaseContext, type DatabaseSecrets } from './databases.js';
import type { Framework } from './frameworks.js';
import { authDependencies, authSpec, identityServiceOf, NO_AUTH, newSigningKeys, writeScope, type Auth, type AuthChoice, type ImportContract, type ModelModule } from './auth.js';
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

/**
 * The Alembic revision that creates an entity's table: the first of a service's migrations,
 * or one chained to the service's head when add-entity adds an entity.
 */
export interface MigrationContext {
  revision: string;
  /** `down_revision` as Python source: `None`, or the quoted id of the revision it follows. */
  downRevision: string;
  /** The docstring's `Revises:` line. */
  revisesLine: string;
}

/** The revision id after `previous` (ids are numbered `0001`, `0002`, ...), or the first one. */
export function migrationContext(previous?: { revision: string; number: number }): MigrationContext {
  if (previous === undefined) return { revision: '0001', downRevision: 'None', revisesLine: 'Revises:' };
  return {
    revision: String(previous.number + 1).padStart(4, '0'),
    downRevision: JSON.stringify(previous.revision),
    revisesLine: `Revises: ${previous.revision}`,
  };
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
  /** The migration of the entity's table. */
  migration: MigrationContext;
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
  auth: Auth;
  /** Import-linter additions of the auth choice (src/auth.ts), for pyproject.toml. */
  frameworkFreeModules: readonly string[];
  /** import-linter `forbidden` contracts the options add (auth, broker). */
  importContracts: readonly ImportContract[];
  /** Python string literals of the statuses its access checks add to every entity route: `"401", "403"`. */
  accessErrorStatuses: string;
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
  /** `example` is the value of `.env.example` (committed); `value` that of the local `.env`. */
  extraEnv: Array<{ name: string; value: string; example: string; comment: string }>;
  /** Access tokens (read by the auth layers only; see src/auth.ts). */
  token: TokenContext;
  /** The migrations of the options' tables, by name (see optionMigrations). */
  optionMigrations: Record<string, MigrationContext>;
  /** The model modules app/models/__init__.py imports, and its `__all__`. */
  models: { imports: Array<{ module: string; names: string }>; exports: string[] };
}

interface TokenContext {
  /** The identity service: the peer whose JWKS every service reads. */
  identityService: string;
  /**
   * `iss` of the tokens: the identity service's URL inside docker compose. Only an
   * identifier (keys are fetched from the peer), so it stays the same wherever the
   * services run, the end-to-end tests' free ports included.
   */
  issuer: string;
  /** `aud` of the tokens: the project. */
  audience: string;
  /** What a token needs to write to this service. */
  writeScope: string;
  /** Whether this service is the identity service, which issues the tokens (its README says how). */
  issuesTokens: boolean;
  /** The identity service's signing keys (JSON), for its .env and its container; empty elsewhere. */
  signingKeys: string;
  containerSigningKeys: string;
  /** Variable of the root `.env` holding the container's: `IDENTITY_SIGNING_KEYS`. */
  containerSigningKeysVariable: string;
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
  auth: Auth;
  /** The service that issues access tokens; empty without one. */
  identityService: string;
  /** With access tokens, the URLs of the README's example: getting a token, then using it. */
  tokenExample: { tokenUrl: string; resourceUrl: string } | undefined;
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
  /** Absent: no auth (what a manifest without the field means). */
  auth?: AuthChoice;
  /** Absent in manifests written before brokers existed: none. */
  broker?: Broker;
}

/** What a broker adds to a service's context: the messaging step, its settings, its env lines. */
function brokerAdditions(broker: BrokerContext | undefined, envPrefix: string) {
  if (!broker) return { broker, lifespanSteps: [], extraSettings: [], extraEnv: [], importContracts: [] as ImportContract[], models: [] as ModelModule[] };
  return {
    broker,
    // The tables of the events the service sends (outbox) and has handled (inbox).
    models: [{ module: 'events', names: ['InboxMessage', 'OutboxMessage'] }] as ModelModule[],
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
      { name: `${envPrefix}BROKER_URL`, value: broker.url, example: broker.url, comment: `The ${broker.label} broker the services exchange events on` },
    ],
    importContracts: [
      {
        name: 'Only app.messaging talks to the broker',
        comment: 'The broker client and FastStream stay in app.messaging, wired by app.events and app.dependencies.',
        sourceModules: ['app.api', 'app.services', 'app.repository', 'app.models', 'app.schemas'],
        forbiddenModules: ['app.messaging', 'faststream'],
        allowIndirectImports: false,
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
  /** The identity service's signing keys: made when the service is the identity service. */
  signingKeys?: { local: string; container: string };
}

export const newServiceSecrets = (): ServiceSecrets => ({
  secretKey: newSecret(),
  containerSecretKey: newSecret(),
  database: newDatabaseSecrets(),
});

function tokenContext(record: ServiceRecord, all: readonly ServiceRecord[], project: ProjectSettings, secrets: ServiceSecrets): TokenContext {
  const choice = project.auth ?? NO_AUTH;
  const identityName = identityServiceOf(choice) ?? '';
  const identity = all.find((other) => other.name === identityName);
  const issuer = identity ? peerContext(identity) : undefined;
  const keys = identityName === record.name ? (secrets.signingKeys ?? { local: newSigningKeys(), container: newSigningKeys() }) : undefined;
  return {
    identityService: identityName,
    issuer: issuer?.composeUrl ?? '',
    audience: project.projectName,
    writeScope: writeScope(record.name),
    issuesTokens: keys !== undefined,
    signingKeys: keys?.local ?? '',
    containerSigningKeys: keys?.container ?? '',
    containerSigningKeysVariable: `${envPrefix(identityName || record.name)}SIGNING_KEYS`,
  };
}

/** The env lines of access tokens (src/auth.ts): what a token must carry; the identity's keys. */
function tokenEnv(token: TokenContext, envPrefix: string): ServiceContext['extraEnv'] {
  if (token.identityService === '') return [];
  const lines = [
    { name: `${envPrefix}TOKEN_ISSUER`, value: token.issuer, example: token.issuer, comment: 'Access tokens: the `iss` they must carry (keys are fetched from the identity service in PEERS)' },
    { name: `${envPrefix}TOKEN_AUDIENCE`, value: token.audience, example: token.audience, comment: 'The `aud` they must carry' },
    { name: `${envPrefix}WRITE_SCOPE`, value: token.writeScope, example: token.writeScope, comment: 'What a token needs to write here (POST, PATCH, DELETE)' },
  ];
  if (token.signingKeys === '') return lines;
  return [
    ...lines,
    {
      name: `${envPrefix}SIGNING_KEYS`,
      value: token.signingKeys,
      example: '[]',
      comment: 'The keys this service signs tokens with: a JSON list of Ed25519 private JWKs with their "kid" (see the README; never commit them)',
    },
  ];
}

/**
 * What app/models/__init__.py imports and exports: its first entity's model, and the tables
 * the options add. Sorted as ruff sorts them (imports by module, `__all__` by name), so the
 * file is lint-clean; add-entity inserts its model in the same order.
 */
function modelsContext(modules: ModelModule[]): { imports: Array<{ module: string; names: string }>; exports: string[] } {
  const sorted = [...modules].sort((a, b) => (a.module < b.module ? -1 : a.module > b.module ? 1 : 0));
  return {
    imports: sorted.map(({ module, names }) => ({ module, names: [...names].sort().join(', ') })),
    exports: ['Base', 'Entity', ...modules.flatMap(({ names }) => names)].sort(),
  };
}

/**
 * The migrations of the tables the options add (`events`: outbox and inbox; `accounts`: the
 * identity service's), chained after the first entity's in this order, so that a service
 * has one line of revisions whatever it holds.
 */
function optionMigrations(names: readonly string[]): Record<string, MigrationContext> {
  const chain: Record<string, MigrationContext> = {};
  let previous = { revision: migrationContext().revision, number: 1 };
  for (const name of names) {
    const migration = migrationContext(previous);
    chain[name] = migration;
    previous = { revision: migration.revision, number: previous.number + 1 };
  }
  return chain;
}

export function serviceContext(
  record: ServiceRecord,
  all: readonly ServiceRecord[],
  project: ProjectSettings,
  secrets: ServiceSecrets = newServiceSecrets(),
): ServiceContext {
  const { module, envPrefix: prefix } = derivedFromName(record.name);
  const peers = all.filter((other) => other.name !== record.name).map(peerContext);
  const database = databaseContext(record.db, { name: record.name, module, envPrefix: prefix }, record.dbPort, secrets.database);
  const token = tokenContext(record, all, project, secrets);
  const { models: brokerModels, ...brokerExtras } = brokerAdditions(brokerContext(project.broker ?? DEFAULT_BROKER, toSnake(project.projectName)), prefix);
  const entity = entityContext(record.entity);
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
    entity,
    migration: migrationContext(),
    optionMigrations: optionMigrations([...(brokerExtras.broker ? ['events'] : []), ...(token.signingKeys === '' ? [] : ['accounts'])]),
    models: modelsContext([
      { module: entity.module, names: [entity.className] },
      ...brokerModels,
      ...(token.signingKeys === '' ? [] : authSpec((project.auth ?? NO_AUTH).auth).identityModels),
    ]),
    peers,
    peersJson: peersJson(peers, (peer) => peer.url),
    composePeersJson: peersJson(peers, (peer) => peer.composeUrl),
    ...pythonDependencies(record.framework, record.db, project.broker ?? DEFAULT_BROKER, authDependencies(project.auth ?? NO_AUTH, record.name)),
    projectName: project.projectName,
    libsDistribution: libsDistribution(project.projectName),
    pythonVersion: project.pythonVersion,
    packageManager: project.packageManager,
    // The image installs from the repository's uv.lock as it is; a pip project has none,
    // and uv resolves in the build.
    dockerSync: project.packageManager === 'uv' ? 'uv sync --frozen' : 'uv sync',
    ...brokerExtras,
    extraEnv: [...brokerExtras.extraEnv, ...tokenEnv(token, prefix)],
    auth: (project.auth ?? NO_AUTH).auth,
    frameworkFreeModules: authSpec((project.auth ?? NO_AUTH).auth).frameworkFreeModules,
    importContracts: [...authSpec((project.auth ?? NO_AUTH).auth).importContracts, ...brokerExtras.importContracts],
    accessErrorStatuses: authSpec((project.auth ?? NO_AUTH).auth)
      .accessErrorStatuses.map((status) => `"${status}"`)
      .join(', '),
    token,
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
  return projectContextOf(answers, serviceRecords(answers), generatorVersion, year);
}

/** The context of a project whose services are already placed (ports given): a manifest's. */
export function projectContextOf(
  answers: CreateAnswers,
  records: ServiceRecord[],
  generatorVersion: string,
  year: number,
): ProjectContext {
  const settings: ProjectSettings = {
    projectName: answers.projectName,
    pythonVersion: answers.python,
    packageManager: answers.packageManager,
    auth: { auth: answers.auth, identityService: answers.identityService },
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
    auth: answers.auth,
    identityService: identityServiceOf(answers) ?? '',
    tokenExample: tokenExample(records, identityServiceOf(answers)),
  };
}

function tokenExample(records: readonly ServiceRecord[], identityName: string | undefined): ProjectContext['tokenExample'] {
  const identity = records.find((record) => record.name === identityName);
  if (!identity) return undefined;
  // A resource of another service when there is one: a token is made to be used elsewhere.
  const resource = records.find((record) => record !== identity) ?? identity;
  return {
    tokenUrl: `http://127.0.0.1:${identity.port}/api/v1/auth/token`,
    resourceUrl: `http://127.0.0.1:${resource.port}/api/v1/${entityContext(resource.entity).routePath}`,
  };
}
