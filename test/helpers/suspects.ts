/**
 * Names worth trying as entities beyond the collision candidates the templates yield.
 */

/**
 * Linted and tested end to end (test/e2e/names.test.ts): names the generated code or its
 * libraries use elsewhere, names the templates avoid clashing with, a few built-ins and
 * standard modules (an entity module such as app/models/typing.py must not shadow them).
 */
export const LINTED_SUSPECTS = [
  'page', 'pagination', 'text', 'string', 'settings', 'session', 'select', 'func', 'datetime', 'uuid', 'any',
  'problem', 'base_model', 'field', 'api_router', 'controller', 'app', 'typing', 'enum', 'error', 'name',
  'status', 'request', 'id', 'x',
];

/** SQL keywords as table names (group -> groups, ...): tested on the servers too. */
export const SQL_KEYWORD_ENTITIES = ['group', 'key', 'row', 'index'];

/** Checked statically (test/unit/entity-names.test.ts): the lists above and many more. */
export const ENTITY_SUSPECTS = [
  ...LINTED_SUSPECTS,
  ...SQL_KEYWORD_ENTITIES,
  // Names of the generated code and its libraries.
  'sa', 'api', 'json', 'description', 'item', 'int', 'user', 'order', 'cmd', 'core', 'annotated', 'mapped',
  'base', 'router', 'entity', 'model', 'models', 'schema', 'schemas',
  'service', 'services', 'repository', 'dependencies', 'events', 'middlewares', 'exceptions', 'handlers',
  'lifespan', 'response', 'path', 'query', 'database', 'engine', 'health', 'items', 'total', 'offset', 'limit',
  'data', 'changes', 'new_name', 'exc', 'self', 'cls', 'test', 'tests', 'conftest', 'client', 'migrations',
  'alembic', 'op', 'upgrade', 'downgrade', 'revision', 'shared_schemas', 'shared_config', 'shared_utils',
  'utils', 'passwords', 'tokens', 'logging', 'http_client', 'request_id', 'access_log', 'integrity_error',
  'not_found_error', 'already_exists_error', 'app_error', 'provide', 'depends', 'get', 'post', 'patch',
  'delete', 'update', 'create', 'list', 'read',
  // Built-ins and standard modules.
  'str', 'bool', 'dict', 'object', 'exception', 'print', 'open', 'super', 'property', 'os', 'sys', 'abc',
  'collections', 'functools', 'secrets', 'http', 'asyncio', 'contextlib', 'dataclasses', 'decimal', 'time',
  'math', 're', 'random', 'io', 'copy', 'inspect', 'ast', 'types',
  // Single letters: ruff's ambiguous names among them, and plurals that are keywords (a -> as).
  'a', 'i', 'l', 'o',
  // More SQL keywords.
  'table', 'column', 'constraint', 'primary', 'window',
  // Plurals the usual rules do not make (series -> series, person -> people, datum -> data), digits.
  'series', 'news', 'person', 'datum', 'child', 'metadata', 'registry', 'v2', 'item2', 'order_2',
];
