import { BROKER_HOST } from './brokers.js';
import { databaseEngine, databaseHost, databaseSystemNames, serverEngineLabels, type Database } from './databases.js';
import { frameworkModules } from './frameworks.js';

/**
 * Names: validation of project and service names, and the derived forms a name takes in the
 * generated project (directory, Python module, env-var prefix, class, route path).
 */

const PYTHON_KEYWORDS = new Set([
  ...['False', 'None', 'True'].map((keyword) => keyword.toLowerCase()),
  'and', 'as', 'assert', 'async', 'await', 'break', 'class', 'continue',
  'def', 'del', 'elif', 'else', 'except', 'finally', 'for', 'from', 'global', 'if', 'import', 'in',
  'is', 'lambda', 'nonlocal', 'not', 'or', 'pass', 'raise', 'return', 'try', 'while', 'with',
  'yield', 'match', 'case', 'type',
]);

/** Names that would shadow the generated package, its folders or common Python modules. */
const RESERVED_SERVICE_NAMES = new Set([
  'app', 'api', 'cmd', 'core', 'libs', 'services', 'tests', 'test', 'scripts', 'migrations',
  'shared', 'shared_schemas', 'shared_utils', 'shared_config', 'alembic', ...frameworkModules(),
  'sqlalchemy', 'pydantic', 'httpx', 'uvicorn', 'pytest', 'typing', 'asyncio', 'logging', 'json',
  'os', 'sys', 'site', 'root', 'venv', 'node_modules', 'opentelemetry', 'prometheus_client',
  // The events' client library, in projects with a broker.
  'faststream',
]);

/** Containers of docker-compose.yml that are not services (see src/compose.ts). */
const RESERVED_CONTAINER_NAMES = new Set(['observability']);

/**
 * System databases of every engine: a service's database, and its database user, are named
 * after the service, so a service with one of these names would take over (or fail to
 * create) a database the server keeps for itself.
 */
const DATABASE_SYSTEM_NAMES = databaseSystemNames();

const MAX_NAME_LENGTH = 40;
/**
 * Entity names appear in class names and signatures of the generated code (e.g.
 * `OrderLineItemAlreadyExistsError`); beyond this length those lines outgrow the formatter's
 * 100 columns and the generated code would no longer pass `ruff format --check`.
 */
export const MAX_ENTITY_LENGTH = 25;

/** `My Service` -> `my-service`: what we suggest when a name is rejected. */
export function suggestName(raw: string): string {
  const suggestion = raw
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^[-0-9]+/, '')
    .replace(/-+$/, '')
    .slice(0, MAX_NAME_LENGTH)
    .replace(/-+$/, '');
  return suggestion;
}

function withSuggestion(message: string, raw: string): string {
  const suggestion = suggestName(raw);
  return suggestion && suggestion !== raw ? `${message} Try "${suggestion}".` : message;
}

/**
 * Why `name` cannot be a service name, or undefined when it can. A service name becomes a
 * directory, a compose service, an env-var prefix and a Python identifier, so it is limited to
 * lower-case ASCII letters, digits and single hyphens or underscores between them.
 */
export function serviceNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'A service name cannot be empty.';
  if (name.length > MAX_NAME_LENGTH) {
    return withSuggestion(`"${name}" is ${name.length} characters long; the limit is ${MAX_NAME_LENGTH}.`, name);
  }
  if (name.includes('/') || name.includes('\\') || name.includes('..')) {
    return withSuggestion(`"${name}" contains a path separator or "..": a service name is a single folder name.`, name);
  }
  if (/^[0-9]/.test(name)) {
    return withSuggestion(`"${name}" starts with a digit, which a Python module cannot.`, name);
  }
  if (!/^[a-z][a-z0-9]*([-_][a-z0-9]+)*$/.test(name)) {
    return withSuggestion(
      `"${name}" may only contain lower-case letters, digits and single "-" or "_" between them.`,
      name,
    );
  }
  const module = toSnake(name);
  if (PYTHON_KEYWORDS.has(module)) {
    return `"${name}" is a Python keyword. Try "${name}-service".`;
  }
  if (RESERVED_SERVICE_NAMES.has(module)) {
    return `"${name}" clashes with a folder or package of the generated project. Try "${name}-service".`;
  }
  if (RESERVED_CONTAINER_NAMES.has(module)) {
    return `"${name}" is the name of the observability container of docker-compose.yml. Try "${name}-service".`;
  }
  if (module === toSnake(BROKER_HOST)) {
    return `"${name}" is the name of the broker container of docker-compose.yml. Try "${name}-service".`;
  }
  if (DATABASE_SYSTEM_NAMES.has(module)) {
    return `"${name}" is the name of a system database of ${serverEngineLabels()}, and the service's database would be named after it. Try "${name}-service".`;
  }
  return undefined;
}

/**
 * Why the service `name` cannot run on `db`, or undefined: its database user is its module
 * name, which must fit the engine's limit (MySQL's 32 characters is below MAX_NAME_LENGTH).
 */
export function serviceDatabaseProblem(name: string, db: Database): string | undefined {
  const user = toSnake(name);
  const { label, server } = databaseEngine(db);
  if (server && user.length > server.maxUserLength) {
    return `"${name}" is ${user.length} characters long; on ${label} a service name is limited to ${server.maxUserLength}, the longest user name ${label} accepts (the service's database user is named after it).`;
  }
  return undefined;
}

/**
 * Why the service `name` cannot sit next to the services `others` of the same project, or
 * undefined. In docker-compose.yml a service on PostgreSQL or MySQL brings a container named
 * `<service>-db` (and its volume `<service>-db-data`), so `users-db` and `users` would define
 * the same compose service and volume.
 */
export function serviceClashProblem(name: string, others: readonly string[]): string | undefined {
  for (const other of others) {
    if (name === databaseHost(other)) {
      return `"${name}" is the name of the database container of the service "${other}" in docker-compose.yml. Try "${other}-database".`;
    }
    if (other === databaseHost(name)) {
      return `The database container of "${name}" would be named "${other}" in docker-compose.yml, like the service "${other}". Try "${name}-service".`;
    }
  }
  return undefined;
}

/** Project names follow the npm-style rule: one folder name, lower case. */
export function projectNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'The project name cannot be empty.';
  if (name.length > 214) return 'The project name is longer than 214 characters.';
  if (name === '.' || name === '..' || name.includes('/') || name.includes('\\')) {
    return withSuggestion(`"${name}" must be a single folder name, without path separators.`, name);
  }
  if (!/^[a-z0-9][a-z0-9._-]*$/.test(name)) {
    return withSuggestion(
      `"${name}" may only contain lower-case letters, digits, ".", "-" and "_", starting with a letter or digit.`,
      name,
    );
  }
  return undefined;
}

/** Why `entity` cannot be an entity name (a Python identifier in snake_case), or undefined. */
export function entityNameProblem(entity: string): string | undefined {
  if (!/^[a-z][a-z0-9]*(_[a-z0-9]+)*$/.test(entity)) {
    const suggestion = toSnake(suggestName(entity));
    const hint = suggestion && suggestion !== entity ? ` Try "${suggestion}".` : '';
    return `"${entity}" is not a valid entity name: use lower-case letters, digits and single "_" (e.g. "order_item").${hint}`;
  }
  if (entity.length > MAX_ENTITY_LENGTH) {
    return `"${entity}" is ${entity.length} characters long; entity names are limited to ${MAX_ENTITY_LENGTH}. Name the entity explicitly, e.g. name:entity.`;
  }
  if (PYTHON_KEYWORDS.has(entity)) return `"${entity}" is a Python keyword. Try "${entity}_item".`;
  const plural = pluralize(entity);
  if (PYTHON_KEYWORDS.has(plural)) {
    return `"${entity}" has the plural "${plural}", a Python keyword, which its routes module would be named. Try "${entity}_item".`;
  }
  const clash = RESERVED_ENTITIES[entity] ?? RESERVED_ENTITIES_OUTSIDE[entity];
  if (clash !== undefined) return `"${entity}" clashes with ${clash}. Try "${entity}_item".`;
  return undefined;
}

/**
 * Entities whose names (`<entity>`, `<Entity>`, `<Entity>Service`, `<entity>_id`, modules
 * `app/<layer>/<entity>.py`, ...) would stand for two things at once in the generated code, each
 * with what it clashes with. test/unit/entity-names.test.ts renders every entity that could
 * clash with an identifier or a module of the templates and checks that this table holds
 * exactly those that do. A template that binds a new name next to the entity's names must
 * either avoid the clash (e.g. import a module and qualify the name) or add it here.
 */
const RESERVED_ENTITIES: Readonly<Record<string, string>> = {
  // Modules every service has, in the packages that hold the entity's modules.
  base: 'the modules app/models/base.py, app/repository/base.py and app/exceptions/base.py every service has',
  health: 'the health modules every service has (app/services/health.py, tests/test_health_routes.py, ...)',
  database: 'the module app/exceptions/database.py every service has',
  handlers: 'the package app/exceptions/handlers/ every service has',
  errors: 'the module app/repository/errors.py every service has',
  request: 'the module app/exceptions/request.py every service has',
  // Names bound next to the entity's class in the same module.
  entity: 'Entity, the base class of the models',
  mapped: "SQLAlchemy's Mapped, which the models use",
  repository: 'Repository, the base class of the repositories',
  // Local names of the service layer, where the entity is a variable too (`user = ...`).
  self: 'self, the argument of every method',
  data: 'data, the request body the service layer receives',
  changes: 'changes, a variable of the service layer',
  new_name: 'new_name, a variable of the service layer',
  updated: 'updated, a variable of the service layer',
  exc: 'exc, the caught error in the service layer',
  str: 'str, the built-in the service layer calls',
};

/**
 * Clashes with names the templates do not define, which the test above cannot see: names ruff
 * refuses, and methods that the entity's classes inherit. test/e2e/names.test.ts checks that
 * the CLI refuses them.
 */
const RESERVED_ENTITIES_OUTSIDE: Readonly<Record<string, string>> = {
  // The variable `l` and the classes `O` and `I` are "ambiguous" to ruff (E741, E742).
  l: 'the variable l, which ruff refuses as ambiguous (E741)',
  o: 'the class O, which ruff refuses as ambiguous (E742)',
  i: 'the class I, which ruff refuses as ambiguous (E742)',
  // The route `get_route_handlers` of a Litestar controller would replace its method.
  route_handlers: "get_route_handlers, a method of Litestar's Controller that the route get_<entity> would replace",
};

/** The reserved entity names: clashes within the generated code, and with names outside it. */
export const reservedEntityNames = (): { inCode: string[]; outside: string[] } => ({
  inCode: Object.keys(RESERVED_ENTITIES),
  outside: Object.keys(RESERVED_ENTITIES_OUTSIDE),
});

export const toSnake = (name: string): string => name.replace(/-/g, '_');
export const toKebab = (name: string): string => name.replace(/_/g, '-');
export const toPascal = (name: string): string =>
  name
    .split(/[-_]/)
    .filter(Boolean)
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join('');
export const toTitle = (name: string): string =>
  name
    .split(/[-_]/)
    .filter(Boolean)
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join(' ');
export const toWords = (name: string): string => name.split(/[-_]/).filter(Boolean).join(' ');
export const envPrefix = (name: string): string => `${toSnake(name).toUpperCase()}_`;
/**
 * Distribution name of a service (its pyproject.toml `name`): `users` -> `users-service`.
 * Not the bare name: a project named like one of its own dependencies, even an indirect one
 * (a service called `anyio` or `starlette`), cannot be installed.
 */
export const serviceDistribution = (name: string): string => `${name}-service`;

const IRREGULAR_PLURALS: Record<string, string> = {
  person: 'people',
  child: 'children',
  man: 'men',
  woman: 'women',
  mouse: 'mice',
  goose: 'geese',
  foot: 'feet',
  tooth: 'teeth',
  index: 'indices',
  matrix: 'matrices',
  criterion: 'criteria',
  datum: 'data',
  analysis: 'analyses',
  status: 'statuses',
  quiz: 'quizzes',
};
const IRREGULAR_SINGULARS = Object.fromEntries(
  Object.entries(IRREGULAR_PLURALS).map(([singular, plural]) => [plural, singular]),
);
/** Words whose singular and plural are the same: no singular can be derived from them. */
const UNCOUNTABLE = new Set([
  'news', 'series', 'species', 'information', 'equipment', 'data', 'media', 'metadata', 'feedback',
  'inventory', 'analytics', 'sheep', 'fish',
]);

function mapLastWord(name: string, transform: (word: string) => string): string {
  const parts = name.split('_');
  parts[parts.length - 1] = transform(parts[parts.length - 1]!);
  return parts.join('_');
}

/** Plural of a snake_case entity name: `category` -> `categories`, `order_item` -> `order_items`. */
export function pluralize(entity: string): string {
  return mapLastWord(entity, (word) => {
    if (IRREGULAR_PLURALS[word]) return IRREGULAR_PLURALS[word]!;
    if (UNCOUNTABLE.has(word)) return word;
    if (/[^aeiou]y$/.test(word)) return `${word.slice(0, -1)}ies`;
    if (/(s|x|z|ch|sh)$/.test(word)) return `${word}es`;
    return `${word}s`;
  });
}

/**
 * Singular of a service name's last word, or undefined when none can be derived (the name is
 * not a plural we recognise): `orders` -> `order`, `categories` -> `category`, `billing` -> none.
 */
export function singularize(word: string): string | undefined {
  if (IRREGULAR_SINGULARS[word]) return IRREGULAR_SINGULARS[word];
  if (UNCOUNTABLE.has(word) || IRREGULAR_PLURALS[word]) return undefined;
  if (/[^aeiou]ies$/.test(word)) return `${word.slice(0, -3)}y`;
  if (/(ss|x|z|ch|sh)es$/.test(word)) return word.slice(0, -2);
  if (/(ss|us|is)$/.test(word)) return undefined;
  if (/[a-z]s$/.test(word) && word.length > 3) return word.slice(0, -1);
  return undefined;
}

/** The default entity of a service: the singular of its name, or `item` where none exists. */
export function defaultEntity(serviceName: string): string {
  const words = toSnake(serviceName).split('_');
  const singular = singularize(words.at(-1)!);
  if (singular === undefined) return 'item';
  const entity = [...words.slice(0, -1), singular].join('_');
  return entityNameProblem(entity) === undefined ? entity : 'item';
}
