/**
 * docker-compose.yml, built as data. `create` writes it from these entries; `add-service`
 * inserts the same entries into the user's existing file with a comment-preserving YAML
 * edit, so both commands share one definition of what a service needs in compose.
 */
import { Document, isScalar, isSeq, parse, Scalar, visit, YAMLMap, type Node } from 'yaml';
import { CONTAINER_PORT, type ProjectContext, type ServiceContext } from './context.js';
import { BROKER_HOST, brokerSpec, type BrokerContext } from './brokers.js';
import { databaseEngine, type ServerContext } from './databases.js';
import { yamlText } from './yaml-text.js';

export const COMPOSE_FILE = 'docker-compose.yml';

type ComposeService = Record<string, unknown>;

interface ComposeEntries {
  services: Array<[string, ComposeService]>;
  volumes: string[];
}

/**
 * Published ports listen on this machine's loopback only: a database or a service run for
 * development is not offered to the network the machine is on.
 */
const PUBLISHED_HOST = '127.0.0.1';
const published = (hostPort: number, containerPort: number): string => `${PUBLISHED_HOST}:${hostPort}:${containerPort}`;

/** The mode services run in inside compose, whatever their `.env` says. */
export const CONTAINER_ENVIRONMENT = 'production';

const fromRootEnv = (variable: string): string => `\${${variable}:?set it in .env}`;

/** A check the service's image can run with its own Python: no curl in slim images. */
const HTTP_HEALTHCHECK = [
  'CMD',
  'python',
  '-c',
  `import urllib.request; urllib.request.urlopen('http://127.0.0.1:${CONTAINER_PORT}/health/ready', timeout=2)`,
];

/**
 * The observability container: an OpenTelemetry collector with Grafana, Tempo (traces),
 * Prometheus (metrics) and Loki (logs) in one image, for development. Every service
 * exports its traces to it over OTLP/HTTP.
 */
export const OBSERVABILITY_SERVICE = 'observability';
export const OBSERVABILITY_IMAGE = 'grafana/otel-lgtm:0.30.0';
/** Grafana's port, published on PUBLISHED_HOST. */
export const GRAFANA_PORT = 3000;
/** OTLP over HTTP; published too, so that services run with `make run` can export to it. */
export const OTLP_HTTP_PORT = 4318;

function observabilityService(): ComposeService {
  return {
    image: OBSERVABILITY_IMAGE,
    ports: [published(GRAFANA_PORT, GRAFANA_PORT), published(OTLP_HTTP_PORT, OTLP_HTTP_PORT)],
    restart: 'unless-stopped',
  };
}

/** What a service's container is told about telemetry: where traces go, JSON logs. */
function telemetryEnvironment(service: ServiceContext, observability: boolean): Record<string, string> {
  const logs = { [`${service.envPrefix}LOG_FORMAT`]: 'json' };
  if (!observability) return logs;
  return {
    ...logs,
    OTEL_SERVICE_NAME: service.name,
    OTEL_EXPORTER_OTLP_ENDPOINT: `http://${OBSERVABILITY_SERVICE}:${OTLP_HTTP_PORT}`,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
  };
}

/** Where a Prometheus that discovers containers by their labels finds the metrics. */
const prometheusLabels = (): Record<string, string> => ({
  'prometheus.io/scrape': 'true',
  'prometheus.io/port': String(CONTAINER_PORT),
  'prometheus.io/path': '/metrics',
});

// Access tokens (src/auth.ts): the identity service signs with the keys of the root .env and
// starts first; the others wait until it is healthy, so that their first token finds its keys.
const issuesTokens = (service: ServiceContext): boolean => service.token.signingKeys !== '';

const signingKeysEnvironment = (service: ServiceContext): Record<string, string> =>
  issuesTokens(service) ? { [`${service.envPrefix}SIGNING_KEYS`]: fromRootEnv(service.token.containerSigningKeysVariable) } : {};

/** What a service waits for, healthy: its database server, the broker, and the identity service. */
function dependsOn(service: ServiceContext): { depends_on?: Record<string, { condition: string }> } {
  const needs = [
    ...(service.database.server ? [service.database.server.host] : []),
    ...(service.broker ? [BROKER_HOST] : []),
    ...(service.token.identityService !== '' && !issuesTokens(service) ? [service.token.identityService] : []),
  ];
  return needs.length === 0 ? {} : { depends_on: Object.fromEntries(needs.map((name) => [name, { condition: 'service_healthy' }])) };
}

function appService(service: ServiceContext, observability: boolean): ComposeService {
  const server = service.database.server;
  return {
    build: {
      context: '.',
      dockerfile: `services/${service.name}/Dockerfile`,
      args: { PYTHON_VERSION: service.pythonVersion },
    },
    image: `${service.projectName}-${service.name}`,
    ports: [published(service.port, CONTAINER_PORT)],
    env_file: `services/${service.name}/.env`,
    // What differs from the service's .env inside a container; these win over env_file.
    // Production mode: API docs off, and a weak secret key refused at startup. The key
    // comes from the root .env (see docker-compose.override.yml in the README to opt out).
    environment: {
      [`${service.envPrefix}ENVIRONMENT`]: CONTAINER_ENVIRONMENT,
      [`${service.envPrefix}SECRET_KEY`]: fromRootEnv(service.containerSecretVariable),
      [`${service.envPrefix}HOST`]: '0.0.0.0',
      [`${service.envPrefix}PORT`]: String(CONTAINER_PORT),
      [`${service.envPrefix}DATABASE_URL`]: service.database.composeUrl,
      [`${service.envPrefix}PEERS`]: service.composePeersJson,
      ...(service.broker ? { [`${service.envPrefix}BROKER_URL`]: service.broker.composeUrl } : {}),
      ...telemetryEnvironment(service, observability),
      ...signingKeysEnvironment(service),
    },
    labels: prometheusLabels(),
    ...(server ? {} : { volumes: [`${service.name}-data:/data`] }),
    ...dependsOn(service),
    healthcheck: { test: HTTP_HEALTHCHECK, interval: '10s', timeout: '3s', start_period: '15s', retries: 3 },
    restart: 'unless-stopped',
  };
}

/** The database container of a service, as its engine's spec describes it. */
function databaseService(service: ServiceContext, server: ServerContext): ComposeService {
  const spec = databaseEngine(service.db).server!.compose;
  return {
    image: server.image,
    environment: spec.environment(server, fromRootEnv),
    ports: [published(server.hostPort, server.containerPort)],
    volumes: [
      `${server.host}-data:${spec.dataPath}`,
      `./services/${service.name}/${spec.initScript.file}:/docker-entrypoint-initdb.d/${spec.initScript.runAs}:ro`,
    ],
    healthcheck: { test: spec.healthcheck(server), interval: '5s', timeout: '3s', retries: spec.retries },
    restart: 'unless-stopped',
  };
}

/**
 * The compose services and named volumes one generated service needs. `observability`: the
 * file has the observability container, which the service then exports its traces to.
 */
export function composeEntries(service: ServiceContext, observability = true): ComposeEntries {
  const server = service.database.server;
  if (!server) return { services: [[service.name, appService(service, observability)]], volumes: [`${service.name}-data`] };
  return {
    services: [
      [server.host, databaseService(service, server)],
      [service.name, appService(service, observability)],
    ],
    volumes: [`${server.host}-data`],
  };
}

/** The broker container of the project: one for every service, with its data on a volume. */
export function brokerEntries(broker: BrokerContext): ComposeEntries {
  const server = brokerSpec(broker.id).server!;
  const spec = server.compose;
  const container: ComposeService = {
    image: spec.image,
    ...(spec.command ? { command: [...spec.command] } : {}),
    ports: [published(server.port, server.port)],
    volumes: [`${BROKER_HOST}-data:${spec.dataPath}`],
    healthcheck: { test: [...spec.healthcheck], interval: '5s', timeout: '3s', retries: 20 },
    restart: 'unless-stopped',
  };
  return { services: [[BROKER_HOST, container]], volumes: [`${BROKER_HOST}-data`] };
}

const HEADER = (project: ProjectContext) => ` Every service of ${project.projectName}, built from this repository (the build context is the
 root, so that libs/ is available) and started together:
   docker compose up --build --wait
 Each service listens on ${CONTAINER_PORT} inside its container and on its own port of
 ${PUBLISHED_HOST} (this machine only); database containers publish their port there too, so
 a service run with \`make run\` can use them. Settings come from each service's .env, except
 those under \`environment:\`: services run in ${CONTAINER_ENVIRONMENT} mode (no API docs, a weak
 secret key refused) with the secret keys and database passwords of the root .env
 (git-ignored, generated with random values). Each service connects with an account of its
 own, which owns its database and nothing else. Migrations run when a service's container
 starts, once its database is healthy, under a database lock: containers of one service
 started together (--scale) run them one at a time. Every service sends its traces to the
 ${OBSERVABILITY_SERVICE} container: Grafana on http://${PUBLISHED_HOST}:${GRAFANA_PORT} (see the README).`;

/**
 * The whole compose file of a new project: the same entries addComposeEntries adds to an
 * existing file, written as plain data without the yaml library (src/yaml-text.ts), styled
 * as `styled` styles the nodes it adds.
 */
export function renderCompose(project: ProjectContext): string {
  const services: Record<string, ComposeService> = {};
  const volumes: Record<string, null> = {};
  const broker = project.services[0]?.broker;
  const all = [
    ...project.services.map((service) => composeEntries(service)),
    ...(broker ? [brokerEntries(broker)] : []),
    { services: [[OBSERVABILITY_SERVICE, observabilityService()]], volumes: [] } as ComposeEntries,
  ];
  for (const entries of all) {
    for (const [name, definition] of entries.services) if (!(name in services)) services[name] = definition;
    for (const volume of entries.volumes) volumes[volume] = null;
  }
  return yamlText(
    { services, volumes },
    {
      comment: HEADER(project),
      nullStr: '',
      // A blank line between services keeps a long file readable.
      spaceBefore: (path, index) => index > 0 && path.length === 2 && path[0] === 'services',
      flow: (path) => path[0] === 'services' && path.at(-1) === 'test',
      doubleQuote: DOUBLE_QUOTED,
    },
  );
}

/**
 * Add entries to a compose document in place, keeping everything else (comments, order,
 * the user's own services). Returns the names that were already there and left untouched.
 */
export function addComposeEntries(doc: Document, entries: ComposeEntries): string[] {
  const clashes: string[] = [];
  for (const [name, definition] of entries.services) {
    if (doc.hasIn(['services', name])) {
      clashes.push(name);
      continue;
    }
    const services = doc.get('services') as YAMLMap;
    const node = styled(doc.createNode(definition));
    const key = new Scalar(name);
    // A blank line between services keeps a long file readable.
    key.spaceBefore = services.items.length > 0;
    services.add(doc.createPair(key, node));
  }
  if (!(doc.get('volumes') instanceof YAMLMap)) doc.set('volumes', doc.createNode({}));
  for (const volume of entries.volumes) {
    if (!doc.hasIn(['volumes', volume])) doc.setIn(['volumes', volume], new Scalar(null));
  }
  return clashes;
}

// Ports (`"5432:5432"`, which YAML 1.1 reads as a number), and the words YAML 1.1 readers
// take for booleans (redis-server --appendonly yes).
const DOUBLE_QUOTED = /^([\d.]+:)?\d+:\d+$|^(y|n|yes|no|on|off|true|false)$/i;

/**
 * Compose-friendly styling: `"8001:8000"` quoted (YAML 1.1 readers take unquoted digits
 * with colons for base-60 numbers) and healthcheck commands on one line.
 */
function styled<T extends Node>(node: T): T {
  visit(node, {
    Pair(_, pair) {
      if (isScalar(pair.key) && pair.key.value === 'test' && isSeq(pair.value)) pair.value.flow = true;
    },
    Scalar(_, scalar) {
      if (typeof scalar.value === 'string' && DOUBLE_QUOTED.test(scalar.value)) scalar.type = 'QUOTE_DOUBLE';
    },
  });
  return node;
}

/** The root `.env` docker compose reads for interpolation: database passwords. */
export const COMPOSE_ENV_FILE = '.env';
export const COMPOSE_ENV_EXAMPLE_FILE = '.env.example';

/**
 * `NAME=value` lines of one service's secrets in compose: the secret key of its container,
 * and the passwords of its database server (its own account's and the superuser's).
 */
export function composeEnvLines(service: ServiceContext, example: boolean): string[] {
  const lines = [`${service.containerSecretVariable}=${example ? 'change-me' : service.containerSecretKey}`];
  // The identity service's signing keys (src/auth.ts); an example has none (see its README).
  if (issuesTokens(service)) lines.push(`${service.token.containerSigningKeysVariable}=${example ? '[]' : service.token.containerSigningKeys}`);
  const server = service.database.server;
  if (!server) return lines;
  lines.push(`${server.passwordVariable}=${example ? 'change-me' : server.password}`);
  lines.push(`${server.rootPasswordVariable}=${example ? 'change-me-too' : server.rootPassword}`);
  return lines;
}

export function renderComposeEnv(project: ProjectContext, example: boolean): string {
  const header = example
    ? [
        '# Variables docker compose reads into docker-compose.yml. Copy to .env and set real values:',
        "# secret keys of at least 32 characters (python -c 'import secrets; print(secrets.token_hex(32))').",
      ]
    : [
        '# Variables docker compose reads into docker-compose.yml: secret keys, database passwords.',
        '# Generated with random values. Git-ignored: never commit it.',
      ];
  const lines = project.services.flatMap((service) => composeEnvLines(service, example));
  return `${[...header, ...lines].join('\n')}\n`;
}

/** `${NAME:-8001}` and `${NAME-8001}` give their default; any other variable is unknown here. */
const interpolated = (value: string): string =>
  value.replace(/\$\{[A-Za-z_][A-Za-z0-9_]*(?::?-([^}]*))?\}|\$[A-Za-z_][A-Za-z0-9_]*/g, (_, fallback: string | undefined) => fallback ?? '');

/** A compose range is written `8001-8003`; longer ones than this are not expanded. */
const MAX_RANGE = 1000;

/** The host ports of `8001`, `8001-8003` or an interpolated one; none when unknown. */
function hostPorts(value: string): number[] {
  const range = /^(\d+)(?:-(\d+))?$/.exec(value.trim());
  if (!range) return [];
  const first = Number(range[1]);
  const last = range[2] === undefined ? first : Number(range[2]);
  if (last < first || last - first > MAX_RANGE) return [first];
  return Array.from({ length: last - first + 1 }, (_, index) => first + index);
}

/**
 * Host ports one `ports:` entry publishes. Short syntax: `"8001:8000"`, `"127.0.0.1:8001:8000"`,
 * `"[::1]:8001:8000/udp"`, `"8001-8003:8000-8002"`; a lone container port (`8000`) publishes a
 * random host port, so none here. Long syntax: `{ target: 8000, published: 8001 }`.
 */
function publishedBy(entry: unknown): number[] {
  if (typeof entry === 'object' && entry !== null && 'published' in entry) {
    const published = (entry as { published: unknown }).published;
    return typeof published === 'number' ? [published] : typeof published === 'string' ? hostPorts(interpolated(published)) : [];
  }
  if (typeof entry !== 'string') return [];
  const withoutProtocol = interpolated(entry).replace(/\/\w+$/, '');
  const withoutIp = withoutProtocol.replace(/^\[[^\]]*\]:/, '');
  const parts = withoutIp.split(':');
  return parts.length < 2 ? [] : hostPorts(parts[parts.length - 2]!);
}

/**
 * Every host port a compose file publishes, with the compose service publishing it: the
 * generated services and whatever the user added by hand. A file that does not parse
 * publishes nothing here (editing it is refused elsewhere, with the reason).
 */
export function composeHostPorts(text: string): Map<number, string> {
  const ports = new Map<number, string>();
  let data: unknown;
  try {
    data = parse(text, { merge: true, logLevel: 'error' });
  } catch {
    return ports;
  }
  const services = (data as { services?: unknown } | null)?.services;
  if (typeof services !== 'object' || services === null) return ports;
  for (const [name, service] of Object.entries(services)) {
    const entries = (service as { ports?: unknown } | null)?.ports;
    if (!Array.isArray(entries)) continue;
    for (const port of entries.flatMap(publishedBy)) if (!ports.has(port)) ports.set(port, name);
  }
  return ports;
}
