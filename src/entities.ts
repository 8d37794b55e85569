/**
 * A service's entities beyond its first: the files that list every entity and how add-entity
 * edits them, and the names a new entity must not share with the ones already there.
 */
import { entityContext, type ServiceContext } from './context.js';
import type { EditResult } from './edits.js';
import { frameworkSpec } from './frameworks.js';
import { entityNameProblem } from './naming.js';
import { addImport, addLineAfterLast, addListItem, chainEdits } from './python-edits.js';

export interface FileEdit {
  /** Project-relative path. */
  file: string;
  edit: (text: string) => EditResult;
}

/** The modules every model builds on come first (the services' ruff `force-to-top`). */
const MODELS_FORCE_TO_TOP = ['app.models.base'];

/**
 * The edits that make a service know the entity of `service.entity`, besides that entity's
 * own files (renderEntity): its model imported where Alembic and the tests find every table,
 * its routes mounted under /api/v1, its errors module held to the layer contract that keeps
 * the web framework out. Migrations need no edit: env.py reads every model from app.models.
 */
export function entityEdits(service: ServiceContext): FileEdit[] {
  const dir = `services/${service.name}`;
  const { entity } = service;
  const fill = (pattern: string) => pattern.replaceAll('{plural}', entity.plural).replaceAll('{className}', entity.className);
  const { import: routesImport, mount } = frameworkSpec(service.framework).routesRegistry;
  const mountRoutes =
    'afterLast' in mount
      ? (text: string) => addLineAfterLast(text, mount.afterLast, fill(mount.line), mount.anchor)
      : (text: string) => addListItem(text, mount.list, fill(mount.item), mount.anchor);
  return [
    {
      file: `${dir}/app/models/__init__.py`,
      edit: (text) =>
        chainEdits(text, [
          (current) => addImport(current, `from app.models.${entity.module} import ${entity.className}`, 'app.models', MODELS_FORCE_TO_TOP),
          (current) => addListItem(current, /^__all__\s*(?::[^=]*)?=\s*\[/, `"${entity.className}"`, '__all__ = [...]'),
        ]),
    },
    {
      file: `${dir}/app/api/v1/__init__.py`,
      edit: (text) => chainEdits(text, [(current) => addImport(current, fill(routesImport), 'app.api.v1'), mountRoutes]),
    },
    {
      file: `${dir}/pyproject.toml`,
      edit: (text) =>
        addLineAfterLast(
          text,
          /^\s*"app\.exceptions\.[\w.]+",\s*$/,
          `    "app.exceptions.${entity.module}",`,
          'the list of app.exceptions modules in the contract "Inner layers do not depend on the web framework"',
        ),
    },
  ];
}

/**
 * Why `entity` cannot join a service that has the entities `existing` and the tables
 * `tables` (each with where it is defined), or undefined: an invalid name, an entity it
 * already has, or one whose module, class, table or route it would share.
 */
export function newEntityProblem(entity: string, service: string, existing: readonly string[], tables: ReadonlyMap<string, string>): string | undefined {
  const invalid = entityNameProblem(entity);
  if (invalid) return invalid;
  if (existing.includes(entity)) return `The service ${service} already has the entity "${entity}".`;
  const added = entityContext(entity);
  for (const other of existing.map(entityContext)) {
    const shared =
      other.className === added.className
        ? `the class name ${added.className}`
        : other.plural === added.plural
          ? `the plural "${added.plural}" (its table and the route /api/v1/${added.routePath})`
          : undefined;
    if (shared) return `"${entity}" would have ${shared}, like the entity "${other.module}" of ${service}. Choose another name.`;
  }
  const table = tables.get(added.table);
  if (table) return `"${entity}" would create the table "${added.table}", which ${table} already defines. Choose another name.`;
  return undefined;
}
