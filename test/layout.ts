/**
 * The seed's repository layout (shared/seed/README.md), written down once as data. The
 * abstract names are placeholders: {plural} and {entity} are the service's entity. A folder
 * entry asks for the folder's `__init__.py` and at least `modules` real modules beside it.
 */
export interface FolderRule {
  folder: string;
  /** Modules the seed names concretely (placeholders filled). */
  files?: string[];
  /** How many modules other than `__init__.py` the folder must hold at least. */
  modules: number;
}

/** Every folder of a service's `app/` package, as the seed draws it. */
export const SERVICE_FOLDERS: FolderRule[] = [
  { folder: 'app', modules: 0 },
  { folder: 'app/api', modules: 0 },
  { folder: 'app/api/v1', files: ['{plural}.py', 'health.py'], modules: 2 },
  { folder: 'app/cmd', modules: 0 },
  { folder: 'app/cmd/api', files: ['main.py'], modules: 1 },
  { folder: 'app/core', files: ['settings.py'], modules: 1 },
  { folder: 'app/dependencies', modules: 2 },
  { folder: 'app/events', modules: 2 },
  { folder: 'app/exceptions', modules: 2 },
  { folder: 'app/exceptions/handlers', modules: 2 },
  { folder: 'app/middlewares', modules: 2 },
  { folder: 'app/models', files: ['{entity}.py'], modules: 2 },
  { folder: 'app/repository', files: ['{entity}.py'], modules: 2 },
  { folder: 'app/schemas', files: ['{entity}.py'], modules: 1 },
  { folder: 'app/services', files: ['{entity}.py'], modules: 2 },
  { folder: 'app/utils', modules: 2 },
];

/** Files at a service's root and in its tests. */
export const SERVICE_FILES = [
  'tests/test_{entity}_routes.py',
  'tests/test_{entity}_service.py',
  '.env',
  '.env.example',
  'Dockerfile',
  'pyproject.toml',
  'README.md',
];

/** The shared libraries: each a package with real modules. */
export const LIB_FOLDERS: FolderRule[] = [
  { folder: 'libs/shared_schemas', modules: 2 },
  { folder: 'libs/shared_utils', modules: 2 },
  { folder: 'libs/shared_config', modules: 2 },
];

export const ROOT_FILES = [
  'tests/test_services_interaction.py',
  'tests/test_services_status.py',
  'docker-compose.yml',
  '.env',
  '.env.example',
  '.gitignore',
  'LICENSE',
  'README.md',
  'Makefile',
  '.layered-backend.json',
  '.github/workflows/ci.yml',
  '.github/dependabot.yml',
  '.pre-commit-config.yaml',
  'scripts/hooks.py',
  'scripts/check_secrets.py',
  'scripts/check_syntax.py',
];

export const fill = (pattern: string, values: { plural: string; entity: string }): string =>
  pattern.replace('{plural}', values.plural).replace('{entity}', values.entity);
