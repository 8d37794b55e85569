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
import { mergeInto, type Plan } from './plan.js';
import { renderCiFiles } from '../ci.js';
import { renderK8sFiles } from '../k8s.js';
import { packagedTemplates, renderLayers, type TemplateSet } from './templates.js';

/**
 * The layers a service is rendered from, in order: base, the framework's, the database
 * engine's (for an engine with a server: what every server shares, then its own overlay),
 * then the broker's (what every broker shares, then its own), when the project has one.
 */
export const serviceLayers = (service: Pick<ServiceContext, 'framework' | 'db'> & { broker?: ServiceContext['broker'] }): string[] => [
  'service/base',
  ...frameworkSpec(service.framework).layers,
  ...databaseEngine(service.db).layers,
  ...brokerSpec(service.broker?.id ?? DEFAULT_BROKER).layers,
];

const servicePath = (service: Pick<ServiceContext, 'name'>): string => `services/${service.name}`;

/** One service's files, with paths relative to the project root. */
export function renderService(service: ServiceContext, templates: TemplateSet = packagedTemplates()): Plan {
  const files = renderLayers(templates, serviceLayers(service), service, {
    entity: service.entity.module,
    plural: service.entity.plural,
    service: service.module,
  });
  const plan: Plan = new Map();
  mergeInto(plan, files, servicePath(service));
  return plan;
}

/** Every file of a new project, the manifest included. */
export function renderProject(context: ProjectContext, manifest: Manifest, templates: TemplateSet = packagedTemplates()): Plan {
  const broker = context.services[0]?.broker?.id ?? DEFAULT_BROKER;
  const plan = renderLayers(templates, ['project', ...brokerSpec(broker).projectLayers], context, { project: context.projectName });
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
