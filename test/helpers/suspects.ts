/**
 * Names worth trying as entities beyond the collision candidates the templates yield: names
 * the generated code imports or defines elsewhere, Python built-ins and standard modules
 * (an entity module such as app/models/typing.py must not shadow them), names ruff treats
 * specially, and SQL keywords (the tables are named after the plural).
 */
export const ENTITY_SUSPECTS = [
  // Names of the generated code and its libraries.
  'app', 'api', 'cmd', 'core', 'settings', 'session', 'select', 'func', 'datetime', 'uuid', 'any', 'annotated',
  'mapped', 'base', 'problem', 'page', 'pagination', 'base_model', 'field', 'api_router', 'router', 'controller',
  'entity', 'model', 'models', 'schema', 'schemas', 'service', 'services', 'repository', 'dependencies', 'events',
  'middlewares', 'exceptions', 'handlers', 'lifespan', 'request', 'response', 'status', 'path', 'query',
  'database', 'engine', 'health', 'name', 'description', 'string', 'text', 'item', 'items', 'total', 'offset',
  'limit', 'data', 'changes', 'new_name', 'exc', 'error', 'self', 'cls', 'test', 'tests', 'conftest', 'client',
  'migrations', 'alembic', 'op', 'sa', 'upgrade', 'downgrade', 'revision', 'shared_schemas', 'shared_config',
  'shared_utils', 'utils', 'passwords', 'tokens', 'logging', 'http_client', 'request_id', 'access_log',
  'integrity_error', 'not_found_error', 'already_exists_error', 'app_error', 'provide', 'depends', 'get', 'post',
  'patch', 'delete', 'update', 'create', 'list', 'read', 'id',
  // Built-ins and standard modules.
  'str', 'int', 'bool', 'dict', 'object', 'exception', 'print', 'open', 'super', 'property', 'typing',
  'enum', 'json', 'os', 'sys', 'abc', 'collections', 'functools', 'secrets', 'http', 'asyncio', 'contextlib',
  'dataclasses', 'decimal', 'time', 'math', 're', 'random', 'io', 'copy', 'inspect', 'ast', 'types',
  // Single letters (ruff's ambiguous names among them) and plurals that are keywords.
  'a', 'i', 'l', 'o', 'x',
  // SQL keywords as tables (user -> users, group -> groups, order -> orders, key -> keys, row -> rows).
  'user', 'group', 'order', 'key', 'row', 'index', 'table', 'column', 'constraint', 'primary', 'window',
];
