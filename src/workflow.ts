/**
 * .github/workflows/ci.yml, built as data (like docker-compose.yml in compose.ts). `create`
 * writes it; `add-service` inserts the new service's matrix entry, and its database
 * container when its engine is new to the project, with a comment-preserving YAML edit.
 *
 * The workflow only calls `make` targets, so another CI system runs the same commands.
 */
import { isMap, isSeq, Pair, parseDocument, Scalar, visit, YAMLMap, type Node, type YAMLSeq } from 'yaml';
import type { ServiceContext } from './context.js';
import { BROKER_HOST, brokerSpec, TEST_BROKER_URL_VARIABLE, type BrokerContext } from './brokers.js';
import { databaseEngine, type Database, type ServerContext } from './databases.js';
import type { EditResult } from './edits.js';
import type { PackageManager } from './options.js';
import { yamlText } from './yaml-text.js';

export const WORKFLOW_FILE = '.github/workflows/ci.yml';

/** Every action the workflow uses, pinned to a full release (dependabot proposes updates). */
export const ACTIONS = {
  checkout: 'actions/checkout@v6.0.2',
  setupPython: 'actions/setup-python@v6.2.0',
  setupUv: 'astral-sh/setup-uv@v7.6.0',
} as const;

/** Job ids: add-service finds the jobs it edits by these. */
const SERVICES_JOB = 'services';
const ROOT_JOB = 'root';
const IMAGES_JOB = 'images';
/** The jobs that need the database containers (services' tests, end-to-end tests). */
const DATABASE_JOBS = [SERVICES_JOB, ROOT_JOB];

/**
 * How the workflow reaches an engine (its spec's `ci`): a throwaway server in a service
 * container, whose admin account may create databases (the tests create one per run). Not a
 * secret: it lives as long as the job. Only engines with a server are asked.
 */
const ciServer = (db: Database) => databaseEngine(db).server!.ci;

type Json = Record<string, unknown>;

/**
 * The step that starts the project's broker for the end-to-end tests, and waits until it is
 * healthy. A step rather than a service container: those take no command, and NATS needs
 * `-js` for JetStream.
 */
function brokerStep(broker: BrokerContext): Json {
  const server = brokerSpec(broker.id).server!;
  const command = (server.compose.command ?? []).join(' ');
  const run = [
    `docker run -d --name ${BROKER_HOST} -p ${server.port}:${server.port} --health-cmd "${server.ci.health}" --health-interval 2s ${server.compose.image}${command ? ` ${command}` : ''}`,
    `until [ "$(docker inspect -f '{{.State.Health.Status}}' ${BROKER_HOST})" = healthy ]; do sleep 2; done`,
  ].join('\n');
  return { name: `Start ${broker.label}`, run, 'timeout-minutes': 5 };
}

/** The service container of one engine, with the image compose uses for it. */
function databaseContainer(db: Database, server: Pick<ServerContext, 'image' | 'containerPort'>): Json {
  const spec = ciServer(db);
  return {
    image: server.image,
    env: spec.env,
    ports: [`${server.containerPort}:${server.containerPort}`],
    // The job's steps start once the server answers.
    options: `--health-cmd "${spec.health}" --health-interval 5s --health-timeout 3s --health-retries 30`,
  };
}

/** The engines with a server the services of a project use, each with its first service's server. */
function projectServers(services: readonly ServiceContext[]): Map<Database, ServerContext> {
  const servers = new Map<Database, ServerContext>();
  for (const service of services) {
    const server = service.database.server;
    if (server && !servers.has(service.db)) servers.set(service.db, server);
  }
  return servers;
}

/** A matrix entry of the services job. */
const matrixEntry = (service: Pick<ServiceContext, 'name' | 'db'>): Json => ({ service: service.name, database: service.db });

function setupSteps(packageManager: PackageManager, python: string): Json[] {
  const checkout = { uses: ACTIONS.checkout, with: { 'persist-credentials': false } };
  if (packageManager === 'uv') {
    return [
      checkout,
      {
        uses: ACTIONS.setupUv,
        with: { 'python-version': python, 'enable-cache': true, 'cache-dependency-glob': '**/pyproject.toml\n**/uv.lock\n' },
      },
    ];
  }
  return [
    checkout,
    { uses: ACTIONS.setupPython, with: { 'python-version': python, cache: 'pip', 'cache-dependency-path': '**/pyproject.toml' } },
  ];
}

const containers = (servers: Map<Database, ServerContext>): Json =>
  Object.fromEntries([...servers].map(([db, server]) => [db, databaseContainer(db, server)]));

export interface WorkflowInput {
  packageManager: PackageManager;
  pythonVersion: string;
  services: readonly ServiceContext[];
}

/** The workflow of a project, as plain data. */
function workflowData({ packageManager, pythonVersion, services }: WorkflowInput): Json {
  const servers = projectServers(services);
  const setup = setupSteps(packageManager, pythonVersion);
  const withDatabases = servers.size > 0 ? { services: containers(servers) } : {};
  const broker = services[0]?.broker;
  return {
    name: 'CI',
    // Pushes to the default branch (`git init` names it main or master), and pull requests.
    on: { push: { branches: ['main', 'master'] }, pull_request: null, workflow_dispatch: null },
    permissions: { contents: 'read' },
    concurrency: { group: '${{ github.workflow }}-${{ github.ref }}', 'cancel-in-progress': true },
    env: {
      // Database tests fail instead of skipping when their server is missing.
      REQUIRE_DB: '1',
      // The events' end-to-end tests, on the broker the root job starts.
      ...(broker ? { REQUIRE_BROKER: '1', [TEST_BROKER_URL_VARIABLE]: brokerSpec(broker.id).server!.ci.url } : {}),
      ...Object.fromEntries([...servers.keys()].map((db) => [ciServer(db).urlVariable, ciServer(db).url])),
    },
    jobs: {
      [SERVICES_JOB]: {
        name: '${{ matrix.service }} (${{ matrix.database }})',
        'runs-on': 'ubuntu-latest',
        'timeout-minutes': 20,
        strategy: { 'fail-fast': false, matrix: { include: services.map(matrixEntry) } },
        ...withDatabases,
        env: { SERVICE: '${{ matrix.service }}' },
        steps: [
          ...setup,
          { name: 'Install', run: 'make install-service-"$SERVICE"' },
          { name: 'Lint', run: 'make lint-service-"$SERVICE"' },
          { name: 'Test', run: 'make test-service-"$SERVICE"' },
        ],
      },
      [ROOT_JOB]: {
        name: 'libs and end-to-end tests',
        'runs-on': 'ubuntu-latest',
        'timeout-minutes': 30,
        ...withDatabases,
        steps: [
          ...setup,
          ...(broker ? [brokerStep(broker)] : []),
          { name: 'Install', run: 'make install' },
          { name: 'Lint', run: 'make lint-libs lint-root' },
          { name: 'No secrets; YAML and TOML parse', run: 'make check-files' },
          { name: 'End-to-end tests', run: 'make test-root' },
        ],
      },
      [IMAGES_JOB]: {
        name: 'Docker images',
        'runs-on': 'ubuntu-latest',
        'timeout-minutes': 30,
        steps: [setup[0], { name: 'Build every Dockerfile (no push)', run: 'make images' }],
      },
    },
  };
}

const HEADER = ` Lint and test every service, libs/ and the end-to-end tests; build every image.
 Each step is a make target: \`make ci\` runs the same on a developer's machine.
 Database servers are throwaway service containers (their passwords are not secrets).`;

const STRINGIFY = { lineWidth: 0, nullStr: '' } as const;

/** `"5432:5432"` quoted: YAML 1.1 readers take unquoted digits with colons for base-60 numbers. */
const PORTS = /^\d+:\d+$/;

/** The whole workflow file of a new project (written without the yaml library: src/yaml-text.ts). */
export function renderWorkflow(project: WorkflowInput): string {
  return yamlText(workflowData(project), {
    comment: HEADER,
    nullStr: STRINGIFY.nullStr,
    // A blank line before each top-level key and each job, for a readable file.
    spaceBefore: (path, index) => index > 0 && (path.length === 1 || (path.length === 2 && path[0] === 'jobs')),
    doubleQuote: PORTS,
  });
}

/** The same quoting, on a node added to an existing workflow. */
function quotePorts<T extends Node>(node: T): T {
  visit(node, {
    Scalar(_, scalar) {
      if (typeof scalar.value === 'string' && PORTS.test(scalar.value)) scalar.type = 'QUOTE_DOUBLE';
    },
  });
  return node;
}

/**
 * Add a service to the workflow in place: its matrix entry and, for an engine no other
 * service uses yet, the database container in every job that has the databases, and the
 * URL of its test server. Everything else (comments, the user's own steps and jobs) stays.
 */
export function addServiceToWorkflow(text: string, service: ServiceContext): EditResult {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) return { ok: false, reason: `it is not valid YAML (${doc.errors[0]!.message.split('\n')[0]})` };
  const includePath = ['jobs', SERVICES_JOB, 'strategy', 'matrix', 'include'];
  const include = doc.getIn(includePath, true);
  if (!isSeq(include)) return { ok: false, reason: `it has no ${includePath.join('.')} list` };
  const listed = (include as YAMLSeq).items.some((item) => isMap(item) && item.get('service') === service.name);
  if (!listed) include.add(doc.createNode(matrixEntry(service), { aliasDuplicateObjects: false }));

  const server = service.database.server;
  if (server) {
    const db = service.db;
    for (const job of DATABASE_JOBS) {
      if (!isMap(doc.getIn(['jobs', job]))) return { ok: false, reason: `it has no "${job}" job` };
      const current = doc.getIn(['jobs', job, 'services']);
      if (current !== undefined && !isMap(current)) return { ok: false, reason: `jobs.${job}.services is not a mapping` };
      if (current === undefined) insertBefore(doc.getIn(['jobs', job]) as YAMLMap, 'services', doc.createNode({}), ['env', 'steps']);
      if (!doc.hasIn(['jobs', job, 'services', db])) doc.setIn(['jobs', job, 'services', db], quotePorts(doc.createNode(databaseContainer(db, server))));
    }
    const env = doc.get('env');
    if (env !== undefined && !isMap(env)) return { ok: false, reason: 'its top-level "env" is not a mapping' };
    if (env === undefined) doc.set('env', doc.createNode({}));
    const { url, urlVariable } = ciServer(db);
    if (!doc.hasIn(['env', urlVariable])) doc.setIn(['env', urlVariable], url);
  }
  return { ok: true, text: doc.toString(STRINGIFY) };
}

/** Insert `key: value` into `map` before the first of `before` present, else at the end. */
function insertBefore(map: YAMLMap, key: string, value: unknown, before: string[]): void {
  const index = map.items.findIndex((pair) => pair.key instanceof Scalar && before.includes(String(pair.key.value)));
  const pair = new Pair(new Scalar(key), value);
  if (index < 0) map.items.push(pair);
  else map.items.splice(index, 0, pair);
}

/** What the workflow lacks (or has too many) against the project's services, for `doctor`. */
export interface WorkflowGap {
  service: string;
  message: string;
}

/**
 * The gaps between a workflow and the services of a project: a service not in the services
 * job's matrix, a matrix entry naming no service, a server engine without its database
 * container in a job that runs the tests. Undefined reason: the file can be read.
 */
export function workflowGaps(text: string, services: ReadonlyArray<{ name: string; db: Database }>): { reason?: string; gaps: WorkflowGap[] } {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) return { reason: `it is not valid YAML (${doc.errors[0]!.message.split('\n')[0]})`, gaps: [] };
  const includePath = ['jobs', SERVICES_JOB, 'strategy', 'matrix', 'include'];
  const include = doc.getIn(includePath);
  if (!isSeq(include)) return { reason: `it has no ${includePath.join('.')} list`, gaps: [] };
  const listed = include.items.flatMap((item) => (isMap(item) ? [String(item.get('service'))] : []));
  const names = new Set(services.map((service) => service.name));
  const gaps: WorkflowGap[] = [
    ...services.filter((service) => !listed.includes(service.name)).map((service) => ({ service: service.name, message: `not in ${includePath.join('.')}` })),
    ...listed.filter((name) => !names.has(name)).map((name) => ({ service: name, message: `in the matrix, but not a service of the project` })),
  ];
  for (const service of services) {
    if (!databaseEngine(service.db).server || !listed.includes(service.name)) continue;
    for (const job of DATABASE_JOBS) {
      if (!doc.hasIn(['jobs', job, 'services', service.db])) gaps.push({ service: service.name, message: `jobs.${job}.services has no ${databaseEngine(service.db).label} container (${service.db})` });
    }
  }
  return { gaps };
}
