/**
 * The message brokers services can exchange events on, and everything each one means for a
 * generated project: its label and prompt hint, its URL, its FastStream extra, its template
 * layers, its container in compose and in CI, its line of the Kubernetes secret. This module
 * is the only place that names a broker: every other module reads these specs, so adding a
 * broker is one entry of BROKER_LIST plus its overlay in templates/service/.
 */

/** The broker's container in docker compose, one for the whole project. */
interface BrokerComposeSpec {
  /** Official image, pinned to a major version. */
  image: string;
  /** Arguments after the image's entrypoint, when its default command is not enough. */
  command?: readonly string[];
  /** The healthcheck command, `['CMD', ...]` (the Kubernetes probe runs what follows `CMD`): healthy once the broker accepts clients. */
  healthcheck: readonly ['CMD', ...string[]];
  /** Where the image keeps its data: a named volume, so that durable events survive a restart. */
  dataPath: string;
}

/** A throwaway broker as a service container of a CI job. */
interface BrokerCiSpec {
  /** The container's health command (`--health-cmd`). */
  health: string;
  /** URL the root end-to-end tests read from `TEST_BROKER_URL`. */
  url: string;
}

interface BrokerServer {
  /** The port the broker listens on, in its container and published on 127.0.0.1. */
  port: number;
  /** URL of the broker on this machine (make run, tests), with the image's default account. */
  url: string;
  /** The same broker inside docker compose, reached by its container's name. */
  composeUrl(host: string): string;
  compose: BrokerComposeSpec;
  ci: BrokerCiSpec;
}

export interface BrokerSpec {
  /** The value of `--broker`. */
  id: string;
  label: string;
  /** What the broker prompt says about it. */
  hint: string;
  /** FastStream's extra for this broker (`faststream[rabbit]`); the catalog pins FastStream. */
  faststreamExtra?: string;
  /** Template layers it adds to each service after the database's, in order; later ones win. */
  layers: readonly string[];
  /**
   * Template layers it adds after `layers` to a service whose database has a server, where
   * several replicas may run (on SQLite a service runs as one): the relay's tests of replicas.
   */
  serverLayers: readonly string[];
  /** Template layers it adds to the project after `project` (the root end-to-end tests). */
  projectLayers: readonly string[];
  /** Absent for `none`: no events, no container. */
  server?: BrokerServer;
}

/** What every broker shares: the outbox, the relay, the inbox and the messaging folder. */
const EVENTS_LAYER = 'service/events';
/** What every broker shares on a database with a server: one relay of several replicas publishes. */
const EVENTS_SERVER_LAYER = 'service/events-server';
/** The end-to-end tests of the events, at the project's root. */
const PROJECT_EVENTS_LAYER = 'project-events';

const BROKER_LIST = [
  {
    id: 'none',
    label: 'None',
    hint: 'services call each other over HTTP only',
    layers: [],
    serverLayers: [],
    projectLayers: [],
  },
  {
    id: 'rabbitmq',
    label: 'RabbitMQ',
    hint: 'a topic exchange, a durable queue per consumer',
    faststreamExtra: 'rabbit',
    layers: [EVENTS_LAYER, 'service/rabbitmq'],
    serverLayers: [EVENTS_SERVER_LAYER],
    projectLayers: [PROJECT_EVENTS_LAYER],
    server: {
      port: 5672,
      url: 'amqp://guest:guest@127.0.0.1:5672/',
      composeUrl: (host) => `amqp://guest:guest@${host}:5672/`,
      compose: {
        image: 'rabbitmq:4',
        healthcheck: ['CMD', 'rabbitmq-diagnostics', '-q', 'ping'],
        dataPath: '/var/lib/rabbitmq',
      },
      ci: { health: 'rabbitmq-diagnostics -q ping', url: 'amqp://guest:guest@127.0.0.1:5672/' },
    },
  },
  {
    id: 'nats',
    label: 'NATS',
    hint: 'JetStream: a stream, a durable consumer per service',
    faststreamExtra: 'nats',
    layers: [EVENTS_LAYER, 'service/nats'],
    serverLayers: [EVENTS_SERVER_LAYER],
    projectLayers: [PROJECT_EVENTS_LAYER],
    server: {
      port: 4222,
      url: 'nats://127.0.0.1:4222',
      composeUrl: (host) => `nats://${host}:4222`,
      compose: {
        // The -alpine variant has a shell and wget for the healthcheck; the plain image has neither.
        image: 'nats:2-alpine',
        command: ['-js', '-sd', '/data', '-m', '8222'],
        healthcheck: ['CMD', 'wget', '-q', '--spider', 'http://127.0.0.1:8222/healthz'],
        dataPath: '/data',
      },
      ci: { health: 'wget -q --spider http://127.0.0.1:8222/healthz', url: 'nats://127.0.0.1:4222' },
    },
  },
  {
    id: 'redis',
    label: 'Redis',
    hint: 'Streams with a consumer group per service',
    faststreamExtra: 'redis',
    layers: [EVENTS_LAYER, 'service/redis'],
    serverLayers: [EVENTS_SERVER_LAYER],
    projectLayers: [PROJECT_EVENTS_LAYER],
    server: {
      port: 6379,
      url: 'redis://127.0.0.1:6379/0',
      composeUrl: (host) => `redis://${host}:6379/0`,
      compose: {
        image: 'redis:8',
        // Streams are kept on disk: events not yet consumed survive a restart of the broker.
        command: ['redis-server', '--appendonly', 'yes'],
        healthcheck: ['CMD', 'redis-cli', 'ping'],
        dataPath: '/data',
      },
      ci: { health: 'redis-cli ping', url: 'redis://127.0.0.1:6379/0' },
    },
  },
] as const satisfies readonly BrokerSpec[];

/** The id of a broker: `none`, `rabbitmq`, `nats`, `redis`. */
export type Broker = (typeof BROKER_LIST)[number]['id'];

/** Every broker, in the order the flag's help and the prompt list them. */
export const BROKERS: readonly Broker[] = BROKER_LIST.map((broker) => broker.id);
export const DEFAULT_BROKER: Broker = BROKER_LIST[0].id;

const SPECS: ReadonlyMap<string, BrokerSpec> = new Map(BROKER_LIST.map((broker) => [broker.id, broker]));

export const isBroker = (value: unknown): value is Broker => typeof value === 'string' && SPECS.has(value);

export const brokerSpec = (broker: Broker): BrokerSpec => SPECS.get(broker)!;

/** Whether the project exchanges events (any broker but `none`). */
export const hasBroker = (broker: Broker): boolean => brokerSpec(broker).server !== undefined;

/** Compose service name of the broker's container. */
export const BROKER_HOST = 'event-broker';

/** The variable the generated end-to-end tests read the test broker's URL from. */
export const TEST_BROKER_URL_VARIABLE = 'TEST_BROKER_URL';

/** The broker as a service's templates see it. */
export interface BrokerContext {
  id: Broker;
  label: string;
  /** URL of the broker on this machine (`.env`, settings default). */
  url: string;
  /** URL inside docker compose. */
  composeUrl: string;
  /**
   * What names the project's exchange, stream or keys on a shared broker: the project's
   * module name. Tests set their own, so that runs never see each other's events.
   */
  namespace: string;
}

export function brokerContext(broker: Broker, namespace: string): BrokerContext | undefined {
  const spec = brokerSpec(broker);
  if (!spec.server) return undefined;
  return { id: broker, label: spec.label, url: spec.server.url, composeUrl: spec.server.composeUrl(BROKER_HOST), namespace };
}
