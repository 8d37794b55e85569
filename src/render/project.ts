/**
 * Rendering a whole project, or one service of it, into a plan.
 */
import { COMPOSE_ENV_EXAMPLE_FILE, COMPOSE_ENV_FILE, COMPOSE_FILE, renderCompose, renderComposeEnv } from '../compose.js';
import type { ProjectContext, ServiceContext } from '../context.js';
import { serializeManifest, type Manifest } from '../manifest.js';
import { MANIFEST_FILE } from '../context.js';
import { brokerSpec, DEFAULT_BROKER } from '../brokers.js';
import { databaseEngine } from '../databases.js';
import { frameworkSpec } from '../frameworks.js';
import { authLayers, authSpec } from '../auth.js';
import { mergeInto, type Plan } from './plan.js';
import { renderCiFiles } from '../ci.js';
import { renderK8sFiles } from '../k8s.js';
import { packagedTemplates, renderLayers, type TemplateSet } from './templates.js';

/**
 * The layers a service is rendered from, in order: base, the framework's, the database
 * engine's (for an engine with a server: what every server shares, then its own overlay),
 * then the broker's (what every broker shares, then its own, then what it shares on a
 * database with a server), when the project has one.
 */
export const serviceLayers = (
  service: Pick<ServiceContext, 'framework' | 'db'> & { broker?: ServiceContext['broker'] } & Partial<Pick<ServiceContext, 'name' | 'auth' | 'token'>>,
): string[] => [
  'service/base',
  ...frameworkSpec(service.framework).layers,
  ...databaseEngine(service.db).layers,
  ...brokerSpec(service.broker?.id ?? DEFAULT_BROKER).layers,
  ...(databaseEngine(service.db).server ? brokerSpec(service.broker?.id ?? DEFAULT_BROKER).serverLayers : []),
  // Then the auth choice's (src/auth.ts): the token checks of every service, the identity service's own.
  ...(service.auth === undefined || service.name === undefined
    ? []
    : authLayers({ auth: service.auth, identityService: service.token?.identityService }, { name: service.name, framework: service.framework })),
];

const servicePath = (service: Pick<ServiceContext, 'name'>): string => `services/${service.name}`;

/**
 * A template of one entity (its path names the entity: `models/__entity__.py`,
 * `api/v1/__plural__.py`, the migration creating its table): rendered once per entity of a
 * service. Every other file of a service is the service's, whatever entities it has.
 */
export const isEntityTemplate = (outputPath: string): boolean => /__(entity|plural)__/.test(outputPath);

function renderServiceFiles(service: ServiceContext, templates: TemplateSet, only?: (outputPath: string) => boolean): Plan {
  const values = {
    entity: service.entity.module,
    plural: service.entity.plural,
    service: service.module,
    revision: service.migration.revision,
    // `__eventsRevision__`, `__accountsRevision__`: the options' migrations.
    ...Object.fromEntries(Object.entries(service.optionMigrations).map(([name, migration]) => [`${name}Revision`, migration.revision])),
  };
  const plan: Plan = new Map();
  mergeInto(plan, renderLayers(templates, serviceLayers(service), service, values, only), servicePath(service));
  return plan;
}

/** One service's files, with paths relative to the project root. */
export const renderService = (service: ServiceContext, templates: TemplateSet = packagedTemplates()): Plan =>
  renderServiceFiles(service, templates);

/**
 * The files of the entity `service.entity` alone (see isEntityTemplate), as add-entity adds
 * them to an existing service; the files that list every entity are edited instead
 * (src/python-edits.ts).
 */
export const renderEntity = (service: ServiceContext, templates: TemplateSet = packagedTemplates()): Plan =>
  renderServiceFiles(service, templates, isEntityTemplate);

/** Every file of a new project, the manifest included. */
export function renderProject(context: ProjectContext, manifest: Manifest, templates: TemplateSet = packagedTemplates()): Plan {
  const broker = context.services[0]?.broker?.id ?? DEFAULT_BROKER;
  const projectLayers = ['project', ...brokerSpec(broker).projectLayers, ...authSpec(context.auth).projectLayers];
  const plan = renderLayers(templates, projectLayers, context, { project: context.projectName });
  for (const service of context.services) mergeInto(plan, renderService(service, templates));
  mergeInto(
    plan,
    new Map([
      [COMPOSE_FILE, renderCompose(context)],
      [COMPOSE_ENV_FILE, renderComposeEnv(context, false)],
      [COMPOSE_ENV_EXAMPLE_FILE, renderComposeEnv(context, true)],
      [MANIFEST_FILE, serializeManifest(manifest)],
    ]),
  );
  mergeInto(plan, renderCiFiles(context));
  mergeInto(plan, renderK8sFiles(context));
  return plan;
}
