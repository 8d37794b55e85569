/**
 * Kubernetes manifests of a generated project (deploy/k8s/), built as data and written with
 * src/yaml-text.ts, like the compose file (src/compose.ts). `create` writes them from these
 * objects; `add-service` creates the new service's folder from them too, and edits the files
 * that list services (src/k8s-edits.ts), so that hand edits survive.
 *
 *   deploy/k8s/base/                   one folder per service, the Ingress
 *   deploy/k8s/overlays/dev/           + a database StatefulSet per service, the event broker,
 *                                      dev secrets
 *   deploy/k8s/overlays/prod/          external databases, through the secret's URL
 *
 * Secrets never appear in a committed manifest: each overlay's secretGenerator reads
 * `secrets/<name>/.env`, git-ignored (the root .gitignore ignores every `.env`); a committed
 * `.env.example` beside it shows the keys, with empty values.
 */
import { BROKER_HOST, brokerSpec, type BrokerContext } from './brokers.js';
import { CONTAINER_ENVIRONMENT } from './compose.js';
import { CONTAINER_PORT, type ProjectContext, type ServiceContext } from './context.js';
import { databaseEngine, databaseLabel, hasServer, serverEngineIds, type ServerContext } from './databases.js';
import { toKebab } from './naming.js';
import { yamlText as toYaml } from './yaml-text.js';

export const K8S_DIR = 'deploy/k8s';
export const K8S_BASE = `${K8S_DIR}/base`;
export const K8S_OVERLAYS = ['dev', 'prod'] as const;
export type Overlay = (typeof K8S_OVERLAYS)[number];
export const overlayDir = (overlay: Overlay): string => `${K8S_DIR}/overlays/${overlay}`;

/** The uid and gid of the `app` user the service's image runs as (service/base/Dockerfile.hbs). */
export const IMAGE_UID = 10001;
/** The tag `make images` gives every image, and the one the overlays deploy. */
export const IMAGE_TAG = 'latest';
/** The label that names a service's pods; NetworkPolicies select peers by it. */
export const NAME_LABEL = 'app.kubernetes.io/name';
/** Namespace of the ingress controller allowed to reach the services (ingress-nginx's default). */
export const INGRESS_CONTROLLER_NAMESPACE = 'ingress-nginx';
const INGRESS_CLASS = 'nginx';

type K8sObject = Record<string, unknown>;

/** A Kubernetes name (DNS-1123): service names may hold `_`, which Kubernetes refuses. */
export const k8sName = (serviceName: string): string => toKebab(serviceName);
const dnsLabel = (projectName: string): string =>
  projectName.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '') || 'app';

/** The image of a service, as `make images` tags it and compose names it. */
export const imageName = (service: Pick<ServiceContext, 'projectName' | 'name'>): string => `${service.projectName}-${service.name}`;
export const secretName = (service: Pick<ServiceContext, 'name'>): string => `${k8sName(service.name)}-secrets`;
const configName = (service: Pick<ServiceContext, 'name'>): string => `${k8sName(service.name)}-config`;
const databaseName = (service: Pick<ServiceContext, 'name'>): string => `${k8sName(service.name)}-db`;
const databaseSecretName = (service: Pick<ServiceContext, 'name'>): string => `${databaseName(service)}-credentials`;
const dataClaimName = (service: Pick<ServiceContext, 'name'>): string => `${k8sName(service.name)}-data`;

/** Where a service's secrets live in an overlay: a git-ignored `.env` and its committed example. */
export const secretsFile = (overlay: Overlay, folder: string): string => `${overlayDir(overlay)}/secrets/${folder}/.env`;
/** The peer URL of a service inside the cluster: its Service, on the container port. */
export const clusterUrl = (serviceName: string): string => `http://${k8sName(serviceName)}:${CONTAINER_PORT}`;

/**
 * Services on an embedded database (SQLite) run as one replica: the database is a file on
 * one volume. Those on a database server scale out.
 */
export const scalesOut = (service: Pick<ServiceContext, 'db'>): boolean => hasServer(service.db);

/** The one line the CLI says when it generates services that cannot scale out on Kubernetes. */
export function singleReplicaNotice(services: ReadonlyArray<Pick<ServiceContext, 'name' | 'db'>>): string | undefined {
  const single = services.filter((service) => !scalesOut(service));
  if (single.length === 0) return undefined;
  const names = single.map((service) => service.name);
  const labels = [...new Set(single.map((service) => databaseLabel(service.db)))].join(', ');
  return `On Kubernetes, ${names.join(', ')} (${labels}) run${names.length === 1 ? 's' : ''} as a single replica with a volume and no autoscaler; use --db ${serverEngineIds()} for a service that must scale out.`;
}

const labels = (service: Pick<ServiceContext, 'name' | 'projectName'>, component: string) => ({
  [NAME_LABEL]: k8sName(service.name),
  'app.kubernetes.io/component': component,
  'app.kubernetes.io/part-of': dnsLabel(service.projectName),
});

/** An object of one service: its kind, the service's name (unless given) and labels, its spec. */
const serviceObject = (apiVersion: string, kind: string, service: ServiceContext, spec: K8sObject, name = k8sName(service.name)): K8sObject => ({
  apiVersion,
  kind,
  metadata: { name, labels: labels(service, 'api') },
  spec,
});

const RESOURCES = {
  requests: { cpu: '100m', memory: '192Mi' },
  limits: { cpu: '1', memory: '512Mi' },
};

const CONTAINER_SECURITY = {
  runAsNonRoot: true,
  runAsUser: IMAGE_UID,
  runAsGroup: IMAGE_UID,
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' },
};

const POD_SECURITY = {
  runAsNonRoot: true,
  runAsUser: IMAGE_UID,
  runAsGroup: IMAGE_UID,
  // Volumes (the SQLite one) are writable by the image's group.
  fsGroup: IMAGE_UID,
  seccompProfile: { type: 'RuntimeDefault' },
};

const httpGet = (path: string) => ({ httpGet: { path, port: 'http' } });

/** /data holds a SQLite database (see the Dockerfile); /tmp is the only other writable place. */
const DATA_DIR = '/data';

function deployment(service: ServiceContext): K8sObject {
  const name = k8sName(service.name);
  const envFrom = [{ configMapRef: { name: configName(service) } }, { secretRef: { name: secretName(service) } }];
  const mounts = [{ name: 'tmp', mountPath: '/tmp' }, ...(scalesOut(service) ? [] : [{ name: 'data', mountPath: DATA_DIR }])];
  const container = (containerName: string, command: string[]) => ({
    name: containerName,
    image: imageName(service),
    imagePullPolicy: 'IfNotPresent',
    command,
    envFrom,
    resources: RESOURCES,
    securityContext: CONTAINER_SECURITY,
    volumeMounts: mounts,
  });
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, labels: labels(service, 'api') },
    spec: {
      // Services on a database server: the HorizontalPodAutoscaler sets the replicas.
      // SQLite: one replica, and the old pod stops before the new one starts (Recreate),
      // since two processes must not share the database file.
      ...(scalesOut(service)
        ? { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } } }
        : { replicas: 1, strategy: { type: 'Recreate' } }),
      selector: { matchLabels: { [NAME_LABEL]: name } },
      template: {
        metadata: {
          labels: labels(service, 'api'),
          annotations: {
            'prometheus.io/scrape': 'true',
            'prometheus.io/path': '/metrics',
            'prometheus.io/port': String(CONTAINER_PORT),
          },
        },
        spec: {
          automountServiceAccountToken: false,
          securityContext: POD_SECURITY,
          // Migrations run before the service starts, in every new pod; a database lock
          // taken by migrations/env.py makes pods starting together run them one at a time.
          initContainers: [container('migrate', ['alembic', 'upgrade', 'head'])],
          containers: [
            {
              ...container('api', ['python', '-m', 'app.cmd.api.main']),
              ports: [{ name: 'http', containerPort: CONTAINER_PORT }],
              startupProbe: { ...httpGet('/health'), periodSeconds: 2, failureThreshold: 30 },
              livenessProbe: { ...httpGet('/health'), periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 3 },
              readinessProbe: { ...httpGet('/health/ready'), periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 3 },
            },
          ],
          volumes: [
            { name: 'tmp', emptyDir: {} },
            ...(scalesOut(service) ? [] : [{ name: 'data', persistentVolumeClaim: { claimName: dataClaimName(service) } }]),
          ],
        },
      },
    },
  };
}

function kubeService(service: ServiceContext): K8sObject {
  return serviceObject('v1', 'Service', service, {
    selector: { [NAME_LABEL]: k8sName(service.name) },
    ports: [{ name: 'http', port: CONTAINER_PORT, targetPort: 'http' }],
  });
}

function disruptionBudget(service: ServiceContext): K8sObject {
  return serviceObject('policy/v1', 'PodDisruptionBudget', service, {
    // A single SQLite replica cannot stay up while its node drains: let the drain move it.
    ...(scalesOut(service) ? { minAvailable: 1 } : { maxUnavailable: 1 }),
    selector: { matchLabels: { [NAME_LABEL]: k8sName(service.name) } },
  });
}

function autoscaler(service: ServiceContext): K8sObject {
  return serviceObject('autoscaling/v2', 'HorizontalPodAutoscaler', service, {
    scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: k8sName(service.name) },
    minReplicas: 2,
    maxReplicas: 6,
    metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
  });
}

function dataClaim(service: ServiceContext): K8sObject {
  const spec = { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } };
  return serviceObject('v1', 'PersistentVolumeClaim', service, spec, dataClaimName(service));
}

export const peerSelector = (peer: string) => ({ podSelector: { matchLabels: { [NAME_LABEL]: k8sName(peer) } } });
export const httpPort = [{ protocol: 'TCP', port: CONTAINER_PORT }];

/**
 * Ingress from the ingress controller and from the service's peers only; egress to DNS, its
 * peers, its database and the broker. Prod's database and broker are outside the cluster, so
 * their rules allow their ports to any address: narrow them to their network with an ipBlock.
 */
function networkPolicy(service: ServiceContext): K8sObject {
  const peers = service.peers.map((peer) => peer.name);
  const server = service.database.server;
  return serviceObject('networking.k8s.io/v1', 'NetworkPolicy', service, {
    podSelector: { matchLabels: { [NAME_LABEL]: k8sName(service.name) } },
    policyTypes: ['Ingress', 'Egress'],
    ingress: [
      { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': INGRESS_CONTROLLER_NAMESPACE } } }], ports: httpPort },
      ...(peers.length > 0 ? [{ from: peers.map(peerSelector), ports: httpPort }] : []),
    ],
    egress: [
      {
        to: [
          {
            namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
            podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
          },
        ],
        ports: [
          { protocol: 'UDP', port: 53 },
          { protocol: 'TCP', port: 53 },
        ],
      },
      ...(server ? [{ ports: [{ protocol: 'TCP', port: server.containerPort }] }] : []),
      // The broker: the dev overlay's, or prod's outside the cluster (as the database).
      ...(service.broker ? [{ ports: [{ protocol: 'TCP', port: brokerSpec(service.broker.id).server!.port }] }] : []),
      ...(peers.length > 0 ? [{ to: peers.map(peerSelector), ports: httpPort }] : []),
    ],
  });
}

/** Plain settings of a service in the cluster: what compose sets under `environment:`, minus secrets. */
export function configLines(service: ServiceContext): string[] {
  const peers = JSON.stringify(Object.fromEntries(service.peers.map((peer) => [peer.name, clusterUrl(peer.name)])));
  return [
    `${service.envPrefix}ENVIRONMENT=${CONTAINER_ENVIRONMENT}`,
    `${service.envPrefix}HOST=0.0.0.0`,
    `${service.envPrefix}PORT=${CONTAINER_PORT}`,
    // SQLite: the file on the service's volume; a server's URL holds a password (the secret).
    ...(scalesOut(service) ? [] : [`${service.envPrefix}DATABASE_URL=${service.database.composeUrl}`]),
    `${service.envPrefix}PEERS=${peers}`,
  ];
}

const SERVICE_FILES = ['deployment.yaml', 'service.yaml', 'pdb.yaml', 'networkpolicy.yaml'];

function serviceKustomization(service: ServiceContext): K8sObject {
  return {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    resources: [...SERVICE_FILES, scalesOut(service) ? 'hpa.yaml' : 'pvc.yaml'],
    configMapGenerator: [{ name: configName(service), envs: ['config.env'] }],
  };
}

// Objects used twice (the ports of two rules) are written out each time, never as anchors and
// aliases: plain YAML reads best.
const yamlText = (value: object, comment?: string): string => toYaml(value, { comment });
const yamlStream = (values: object[], comment?: string): string =>
  values.map((value, index) => yamlText(value, index === 0 ? comment : undefined)).join('---\n');

/** The files of one service under deploy/k8s/base/<name>/. */
function baseServiceFiles(service: ServiceContext): Map<string, string> {
  const dir = `${K8S_BASE}/${k8sName(service.name)}`;
  const files = new Map<string, string>([
    [`${dir}/kustomization.yaml`, yamlText(serviceKustomization(service), ` The ${service.name} service: kubectl kustomize ${dir}`)],
    [
      `${dir}/deployment.yaml`,
      yamlText(
        deployment(service),
        [
          ` The ${service.name} service. The init container applies the migrations under a database lock`,
          ' (pods starting together run them one at a time); the api container only serves.',
          ...(scalesOut(service)
            ? [' The HorizontalPodAutoscaler (hpa.yaml) sets the number of replicas.']
            : [' SQLite: one replica, replaced with Recreate: two processes must not share the database file.']),
        ].join('\n'),
      ),
    ],
    [`${dir}/service.yaml`, yamlText(kubeService(service))],
    [`${dir}/pdb.yaml`, yamlText(disruptionBudget(service))],
    [
      `${dir}/networkpolicy.yaml`,
      yamlText(
        networkPolicy(service),
        ` Who may reach ${service.name} (the ingress controller, its peers) and what it may reach (DNS,
 its peers${service.database.server ? ", its database's port: narrow that to your database's network in prod" : ''}).`,
      ),
    ],
    [
      `${dir}/config.env`,
      `# Plain settings of ${service.name} in the cluster (no secrets: those are in the overlays' secrets/).\n${configLines(service).join('\n')}\n`,
    ],
  ]);
  if (scalesOut(service)) files.set(`${dir}/hpa.yaml`, yamlText(autoscaler(service)));
  else files.set(`${dir}/pvc.yaml`, yamlText(dataClaim(service), ' SQLite keeps its database file here: one replica, one volume.'));
  return files;
}

/** A server of the dev overlay (a database, the broker): its container, what it admits. */
interface DevServer {
  name: string;
  labels: Record<string, string>;
  container: { name: string; image: string; args?: readonly string[]; env?: object[]; envFrom?: object[]; readinessProbe: object; dataPath: string };
  port: number;
  /** The labels of the pods its NetworkPolicy lets in. */
  clients: Record<string, string>;
}

/**
 * A server with one replica in the dev overlay: a StatefulSet with a volume, a headless
 * Service of its name on its port, a NetworkPolicy admitting its clients only.
 */
function devServer({ name, labels: serverLabels, container, port, clients }: DevServer): object[] {
  const selector = { [NAME_LABEL]: name };
  const { dataPath, args, readinessProbe, ...rest } = container;
  return [
    {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name, labels: serverLabels },
      spec: {
        serviceName: name,
        replicas: 1,
        selector: { matchLabels: selector },
        template: {
          metadata: { labels: serverLabels },
          spec: {
            automountServiceAccountToken: false,
            containers: [
              {
                ...rest,
                ...(args ? { args: [...args] } : {}),
                ports: [{ name: container.name, containerPort: port }],
                readinessProbe,
                resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1', memory: '1Gi' } },
                volumeMounts: [{ name: 'data', mountPath: dataPath }],
              },
            ],
          },
        },
        volumeClaimTemplates: [
          { metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } },
        ],
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, labels: serverLabels },
      spec: { clusterIP: 'None', selector, ports: [{ name: container.name, port, targetPort: container.name }] },
    },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name, labels: serverLabels },
      spec: {
        podSelector: { matchLabels: selector },
        policyTypes: ['Ingress'],
        ingress: [{ from: [{ podSelector: { matchLabels: clients } }], ports: [{ protocol: 'TCP', port }] }],
      },
    },
  ];
}

/** The database server of a service in the dev overlay: the compose image, one replica, a volume. */
function devDatabase(service: ServiceContext, server: ServerContext): object[] {
  const name = databaseName(service);
  const spec = databaseEngine(service.db).server!;
  return devServer({
    name,
    // Named after the database, not the service: the service's selectors (its Deployment, its
    // Service, the NetworkPolicies that admit it) must not take the database's pods for its own.
    labels: labels({ name, projectName: service.projectName }, 'database'),
    container: {
      name: 'database',
      image: server.image,
      // The official images create the service's account and database from these variables.
      env: spec.kubernetes.environment(server),
      envFrom: [{ secretRef: { name: databaseSecretName(service) } }],
      readinessProbe: { tcpSocket: { port: 'database' }, periodSeconds: 5 },
      dataPath: spec.compose.dataPath,
    },
    port: server.containerPort,
    clients: { [NAME_LABEL]: k8sName(service.name) },
  });
}

const devDatabaseFile = (service: ServiceContext): string => `databases/${databaseName(service)}.yaml`;

/** The dev overlay's file of the event broker. */
export const DEV_BROKER_FILE = 'broker.yaml';

/**
 * The project's event broker in the dev overlay: the image, command and health check of
 * docker-compose.yml, reached as `event-broker` like in compose (the services' BROKER_URL).
 * It admits every service of the project, those added later too, by their labels.
 */
function devBroker(projectName: string, broker: BrokerContext): object[] {
  const { port, compose } = brokerSpec(broker.id).server!;
  // Compose's health check (`['CMD', ...]`), run in the container: ready once the broker
  // accepts clients.
  const command = compose.healthcheck.slice(1);
  return devServer({
    name: BROKER_HOST,
    labels: labels({ name: BROKER_HOST, projectName }, 'event-broker'),
    container: {
      name: 'broker',
      image: compose.image,
      ...(compose.command ? { args: compose.command } : {}),
      readinessProbe: { exec: { command }, periodSeconds: 10, timeoutSeconds: 5 },
      dataPath: compose.dataPath,
    },
    port,
    clients: { 'app.kubernetes.io/part-of': dnsLabel(projectName), 'app.kubernetes.io/component': 'api' },
  });
}

/**
 * The keys of a service's secrets in an overlay, with their values in dev (random, like the
 * root .env) and empty ones in examples; prod's database is the user's: its URL is theirs.
 */
function secretLines(service: ServiceContext, overlay: Overlay, example: boolean): string[] {
  const value = (real: string) => (example ? '' : real);
  const server = service.database.server;
  // The broker's URL may hold a password: a secret. Dev's is the overlay's broker; prod's is
  // the user's (empty, the service keeps its events in the outbox until it is set).
  const broker = service.broker ? [`${service.envPrefix}BROKER_URL=${overlay === 'dev' ? value(service.broker.composeUrl) : ''}`] : [];
  // The container's secret key of docker-compose.yml (the root .env): both run the dev images.
  // The identity service's signing keys too (src/auth.ts); prod's are the user's to make.
  const signing = service.token.signingKeys === '' ? [] : [`${service.envPrefix}SIGNING_KEYS=${overlay === 'dev' ? value(service.token.containerSigningKeys) : ''}`];
  if (!server) return [`${service.envPrefix}SECRET_KEY=${value(service.containerSecretKey)}`, ...signing, ...broker];
  return [
    `${service.envPrefix}SECRET_KEY=${value(service.containerSecretKey)}`,
    `${service.envPrefix}DATABASE_URL=${overlay === 'dev' ? value(devDatabaseUrl(service, server)) : ''}`,
    ...signing,
    ...broker,
  ];
}

/** The service's URL (its account and password) pointed at its database in the dev overlay. */
function devDatabaseUrl(service: ServiceContext, server: ServerContext): string {
  const url = new URL(service.database.url);
  url.hostname = databaseName(service);
  url.port = String(server.containerPort);
  return url.href;
}

function databaseSecretLines(service: ServiceContext, server: ServerContext, example: boolean): string[] {
  const value = (real: string) => (example ? '' : real);
  return databaseEngine(service.db).server!.kubernetes.secretLines(server, value);
}

const EXAMPLE_HEADER = (overlay: Overlay, folder: string) =>
  [
    `# Copy to ${secretsFile(overlay, folder).split('/').slice(-1)[0]} beside this file and set every value; that file is git-ignored.`,
    "# Secret keys: at least 32 characters (python -c 'import secrets; print(secrets.token_hex(32))').",
    ...(overlay === 'prod' ? ['# DATABASE_URL: the external database, e.g. postgresql+asyncpg://USER:PASSWORD@HOST:5432/NAME'] : []),
  ].join('\n');
const SECRET_HEADER = '# Secrets of the dev overlay, generated with random values. Git-ignored: never commit it.';

/** The secret env files of one service in every overlay: examples, and dev's real ones. */
function secretFiles(service: ServiceContext): Map<string, string> {
  const files = new Map<string, string>();
  const folders: Array<[string, (example: boolean, overlay: Overlay) => string[], Overlay[]]> = [
    [k8sName(service.name), (example, overlay) => secretLines(service, overlay, example), [...K8S_OVERLAYS]],
  ];
  const server = service.database.server;
  if (server) folders.push([databaseName(service), (example) => databaseSecretLines(service, server, example), ['dev']]);
  for (const [folder, lines, overlays] of folders) {
    for (const overlay of overlays) {
      const file = secretsFile(overlay, folder);
      files.set(`${file}.example`, `${EXAMPLE_HEADER(overlay, folder)}\n${lines(true, overlay).join('\n')}\n`);
      if (overlay === 'dev') files.set(file, `${SECRET_HEADER}\n${lines(false, overlay).join('\n')}\n`);
    }
  }
  return files;
}

/** Entries one service adds to an overlay's kustomization. */
export function overlayEntries(service: ServiceContext, overlay: Overlay) {
  const server = service.database.server;
  const generator = (name: string, folder: string) => ({ name, envs: [`secrets/${folder}/.env`] });
  return {
    resources: overlay === 'dev' && server ? [devDatabaseFile(service)] : [],
    secretGenerator: [
      generator(secretName(service), k8sName(service.name)),
      ...(overlay === 'dev' && server ? [generator(databaseSecretName(service), databaseName(service))] : []),
    ],
    images: [{ name: imageName(service), newTag: IMAGE_TAG }],
  };
}

const OVERLAY_HEADER: Record<Overlay, string> = {
  dev: ` Development: every service with a database server of its own in the cluster (one replica,
 a volume, the images of docker-compose.yml), and the event broker if the project has one.
 Secrets: secrets/<name>/.env, git-ignored, generated with random values.
   kubectl apply -k deploy/k8s/overlays/dev`,
  prod: ` Production: the services only; their databases are external (a managed service or an
 operator), reached through the URL of each service's secret. Create secrets/<name>/.env
 from the .env.example beside it first (git-ignored), then:
   kubectl apply -k deploy/k8s/overlays/prod
 CI sets the image tags: kustomize edit set image <project>-<service>=<registry>/<image>:<tag>`,
};

function overlayKustomization(project: ProjectContext, overlay: Overlay): string {
  const entries = project.services.map((service) => overlayEntries(service, overlay));
  const broker = overlay === 'dev' && project.services[0]?.broker ? [DEV_BROKER_FILE] : [];
  return yamlText(
    {
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
      resources: ['../../base', ...broker, ...entries.flatMap((entry) => entry.resources)],
      secretGenerator: entries.flatMap((entry) => entry.secretGenerator),
      images: entries.flatMap((entry) => entry.images),
    },
    OVERLAY_HEADER[overlay],
  );
}

export const ingressPath = (service: Pick<ServiceContext, 'name' | 'entity'>) => ({
  path: `/api/v1/${service.entity.routePath}`,
  pathType: 'Prefix',
  backend: { service: { name: k8sName(service.name), port: { name: 'http' } } },
});

function ingress(project: ProjectContext): string {
  return yamlText(
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name: 'api', labels: { 'app.kubernetes.io/part-of': dnsLabel(project.projectName) } },
      spec: {
        ingressClassName: INGRESS_CLASS,
        rules: [{ host: `api.${dnsLabel(project.projectName)}.example.com`, http: { paths: project.services.map(ingressPath) } }],
      },
    },
    ' Every service on one host, under /api/v1/<resource>. Set the host (and TLS) to yours.',
  );
}

/** Every file of deploy/k8s for a new project, path -> contents. */
export function renderK8sFiles(project: ProjectContext): Map<string, string> {
  const files = new Map<string, string>([
    [
      `${K8S_BASE}/kustomization.yaml`,
      yamlText(
        { apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: ['ingress.yaml', ...project.services.map((s) => k8sName(s.name))] },
        ' What every environment runs; the overlays add databases, secrets and image tags.',
      ),
    ],
    [`${K8S_BASE}/ingress.yaml`, ingress(project)],
  ]);
  for (const overlay of K8S_OVERLAYS) files.set(`${overlayDir(overlay)}/kustomization.yaml`, overlayKustomization(project, overlay));
  const broker = project.services[0]?.broker;
  if (broker) {
    files.set(
      `${overlayDir('dev')}/${DEV_BROKER_FILE}`,
      yamlStream(devBroker(project.projectName, broker), ` The event broker (${broker.label}) in development (the image of docker-compose.yml).`),
    );
  }
  for (const service of project.services) for (const [file, text] of newServiceFiles(service)) files.set(file, text);
  return files;
}

/** The files a service brings to deploy/k8s (create and add-service write the same ones). */
export function newServiceFiles(service: ServiceContext): Map<string, string> {
  const files = new Map([...baseServiceFiles(service), ...secretFiles(service)]);
  const server = service.database.server;
  if (server) {
    files.set(
      `${overlayDir('dev')}/${devDatabaseFile(service)}`,
      yamlStream(devDatabase(service, server), ` The database of ${service.name} in development (the image of docker-compose.yml).`),
    );
  }
  return files;
}
