/**
 * Names: validation of project and service names, and the derived forms a name takes in the
 * generated project (directory, Python module, env-var prefix, class, route path).
 */

const PYTHON_KEYWORDS = new Set([
  'false', 'none', 'true', 'and', 'as', 'assert', 'async', 'await', 'break', 'class', 'continue',
  'def', 'del', 'elif', 'else', 'except', 'finally', 'for', 'from', 'global', 'if', 'import', 'in',
  'is', 'lambda', 'nonlocal', 'not', 'or', 'pass', 'raise', 'return', 'try', 'while', 'with',
  'yield', 'match', 'case', 'type',
]);

/** Names that would shadow the generated package, its folders or common Python modules. */
const RESERVED_SERVICE_NAMES = new Set([
  'app', 'api', 'cmd', 'core', 'libs', 'services', 'tests', 'test', 'scripts', 'migrations',
  'shared', 'shared_schemas', 'shared_utils', 'shared_config', 'alembic', 'fastapi', 'litestar',
  'sqlalchemy', 'pydantic', 'httpx', 'uvicorn', 'pytest', 'typing', 'asyncio', 'logging', 'json',
  'os', 'sys', 'site', 'root', 'venv', 'node_modules',
]);

export const MAX_NAME_LENGTH = 40;
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
  if (entity === 'base' || entity === 'health') {
    return `"${entity}" clashes with a module every service already has. Try "${entity}_item".`;
  }
  return undefined;
}

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
