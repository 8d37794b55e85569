/**
 * Entity names against the identifiers of the generated code.
 *
 * A service is rendered once with a probe entity whose names cannot clash with anything
 * (`zq_probe`: `ZqProbe`, `zq_probes`), and once with the entity under test. Both renders
 * have the same structure, so walking their identifiers side by side (test/helpers/scopes.py)
 * gives, scope by scope, the renaming the entity applies; the entity collides exactly when
 * that renaming is not one to one in some scope (two identifiers become one), or when two
 * files become one module.
 *
 * The same walk over the probe alone yields every name an entity could collide with: each
 * identifier that shares a scope with a probe-derived one, matched against the forms the
 * entity takes there (`get_<entity>`, `<Entity>Service`, `list_<plural>`, ...).
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import type { Database } from '../../src/databases.js';
import type { Framework } from '../../src/frameworks.js';
import { entityContext, newServiceSecrets, serviceContext, type ServiceRecord } from '../../src/context.js';
import { renderService } from '../../src/render/project.js';

export const PROBE = 'zq_probe';
const probe = entityContext(PROBE);

export interface Combination {
  framework: Framework;
  db: Database;
}

/** Every framework with SQLite, and each server database once: every template is rendered. */
export const COMBINATIONS: Combination[] = [
  { framework: 'fastapi', db: 'sqlite' },
  { framework: 'litestar', db: 'sqlite' },
  { framework: 'fastapi', db: 'postgres' },
  { framework: 'litestar', db: 'mysql' },
];

/** The files of one service with `entity`, rendered without validating the name. */
export function serviceFiles(entity: string, { framework, db }: Combination): Map<string, string> {
  const record: ServiceRecord = { name: 'svc', entity, framework, db, port: 8001, ...(db === 'sqlite' ? {} : { dbPort: 5433 }) };
  const project = { projectName: 'names', pythonVersion: '3.12', packageManager: 'uv' as const };
  const plan = renderService(serviceContext(record, [record], project, SECRETS));
  return new Map([...plan].map(([file, text]) => [file.replace(/^services\/svc\//, ''), text]));
}

const SECRETS = newServiceSecrets();

type Identifiers = Record<string, Array<[string, string]>>;

/** Identifiers of many files at once (one Python process), keyed as given. */
export function identifiersOf(files: Map<string, string>): Identifiers {
  // Many renders share files word for word: each distinct text is parsed once.
  const texts = [...new Set([...files].filter(([file]) => file.endsWith('.py')).map(([, text]) => text))];
  const out = execFileSync('python3', [path.join(import.meta.dirname, 'scopes.py')], {
    input: JSON.stringify(Object.fromEntries(texts.map((text, index) => [String(index), text]))),
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  const parsed = JSON.parse(out) as Identifiers;
  const index = new Map(texts.map((text, i) => [text, parsed[String(i)]!]));
  return Object.fromEntries([...files].filter(([file]) => file.endsWith('.py')).map(([file, text]) => [file, index.get(text)!]));
}

/** Python module of a file: `app/models/user.py` -> `app.models.user`, packages without `__init__`. */
const moduleOf = (file: string): string => file.replace(/\.py$/, '').replace(/\/__init__$/, '').split('/').join('.');

/** The probe's names in a path or identifier, replaced by those of `entity`. */
export function renamed(text: string, entity: string): string {
  const target = entityContext(entity);
  return text
    .replaceAll(probe.plural, target.plural)
    .replaceAll(probe.module, target.module)
    .replaceAll(probe.className, target.className);
}

const isDerived = (name: string): boolean => name.includes(probe.module) || name.includes(probe.className);

/**
 * What goes wrong in the generated code when the entity is `entity`, one line per clash;
 * empty when nothing collides. `probeIds` and `entityIds` are the identifiers of the two
 * renders (from identifiersOf), keyed by the probe's file paths.
 */
export function collisions(
  entity: string,
  probeFiles: Map<string, string>,
  entityFiles: Map<string, string>,
  probeIds: Identifiers,
  entityIds: Identifiers,
): string[] {
  const found: string[] = [];
  if (entityFiles.size !== probeFiles.size) {
    const overwritten = [...probeFiles.keys()].filter((file) => isDerived(file) && probeFiles.has(renamed(file, entity)) && renamed(file, entity) !== file);
    found.push(`files overwrite each other: ${overwritten.map((file) => renamed(file, entity)).join(', ')}`);
  }
  const modules = new Map<string, string>();
  for (const file of entityFiles.keys()) {
    if (!file.endsWith('.py')) continue;
    const module = moduleOf(file);
    const other = modules.get(module);
    if (other !== undefined) found.push(`${file} and ${other} are both the module ${module}`);
    modules.set(module, file);
  }
  for (const [file, ids] of Object.entries(probeIds)) {
    const theirs = entityIds[file];
    if (theirs?.[0]?.[0] === 'syntax-error') {
      found.push(`${file}: not valid Python (${theirs[0][1]})`);
      continue;
    }
    if (!theirs || theirs.length !== ids.length) {
      found.push(`${file}: renders with a different structure`);
      continue;
    }
    // scope -> name in the entity's render -> names of the probe's render it stands for
    const scopes = new Map<string, Map<string, Set<string>>>();
    ids.forEach(([scope, name], index) => {
      const names = scopes.get(scope) ?? new Map<string, Set<string>>();
      scopes.set(scope, names);
      const becomes = theirs[index]![1];
      names.set(becomes, (names.get(becomes) ?? new Set()).add(name));
    });
    for (const [scope, names] of scopes) {
      for (const [name, sources] of names) {
        if (sources.size > 1) found.push(`${file} (${scope}): "${name}" stands for ${[...sources].join(' and ')}`);
      }
    }
  }
  return found;
}

/** `IntegrityError` -> `integrity_error`, `A1` -> `a1`: the entity whose class name this is. */
const snakeOfPascal = (name: string): string => name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();

/** Entities whose plural could be `word`: the inverse of each rule of `pluralize`. */
function singularCandidates(word: string): string[] {
  const candidates = [word, word.replace(/s$/, ''), word.replace(/es$/, ''), word.replace(/ies$/, 'y')];
  return candidates;
}

const ENTITY_SHAPE = /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/;

/**
 * Every entity that would turn one of the probe's derived names into a name it shares a
 * scope (or a folder) with: the names an entity can collide with, found in the templates.
 */
export function collisionCandidates(probeFiles: Map<string, string>, probeIds: Identifiers): Set<string> {
  const candidates = new Set<string>();
  const consider = (derived: string, fixed: string) => {
    const at = [probe.plural, probe.module, probe.className]
      .map((token) => ({ token, index: derived.indexOf(token) }))
      .find(({ index }) => index >= 0);
    if (!at) return;
    const prefix = derived.slice(0, at.index);
    const suffix = derived.slice(at.index + at.token.length);
    if (!fixed.startsWith(prefix) || !fixed.endsWith(suffix) || fixed.length <= prefix.length + suffix.length) return;
    const middle = fixed.slice(prefix.length, fixed.length - suffix.length);
    const entities =
      at.token === probe.className ? [snakeOfPascal(middle)] : at.token === probe.plural ? singularCandidates(middle) : [middle];
    for (const entity of entities) {
      if (ENTITY_SHAPE.test(entity) && renamed(derived, entity) === fixed) candidates.add(entity);
    }
  };
  for (const ids of Object.values(probeIds)) {
    const byScope = new Map<string, Set<string>>();
    for (const [scope, name] of ids) byScope.set(scope, (byScope.get(scope) ?? new Set()).add(name));
    for (const names of byScope.values()) {
      const derived = [...names].filter(isDerived);
      const fixed = [...names].filter((name) => !isDerived(name));
      for (const d of derived) for (const f of fixed) consider(d, f);
    }
  }
  // Files: a derived module next to a fixed one in the same folder (or the same tests/).
  const files = [...probeFiles.keys()].filter((file) => file.endsWith('.py')).map((file) => moduleOf(file).split('.'));
  for (const derived of files.filter((parts) => isDerived(parts.at(-1)!))) {
    for (const fixed of files.filter((parts) => !isDerived(parts.at(-1)!))) {
      const sameFolder = derived.slice(0, -1).join('.');
      // A fixed file or package anywhere below the derived module's folder.
      if (fixed.length > derived.length - 1 && fixed.slice(0, derived.length - 1).join('.') === sameFolder) {
        consider(derived.at(-1)!, fixed[derived.length - 1]!);
      }
    }
  }
  return candidates;
}


/**
 * What collides for each entity, in any framework or database (empty: nothing): every
 * entity rendered in every combination, all parsed by one Python process.
 */
export function collisionsOf(entities: readonly string[]): Map<string, string[]> {
  const probes = COMBINATIONS.map((combination) => serviceFiles(PROBE, combination));
  const renders = entities.map((entity) => COMBINATIONS.map((combination) => serviceFiles(entity, combination)));
  // Files without the probe's names are the same whatever the entity: only the others are parsed.
  const varying = (index: number, file: string) => file.endsWith('.py') && isDerived(probes[index]!.get(file)!);
  const everything = new Map<string, string>();
  probes.forEach((files, index) => files.forEach((text, file) => varying(index, file) && everything.set(`probe|${index}|${file}`, text)));
  renders.forEach((perCombination, entityIndex) =>
    perCombination.forEach((files, index) => {
      for (const file of probes[index]!.keys()) {
        const text = files.get(renamed(file, entities[entityIndex]!));
        if (varying(index, file) && text !== undefined) everything.set(`${entityIndex}|${index}|${file}`, text);
      }
    }),
  );
  const ids = identifiersOf(everything);
  const slice = (key: string, index: number): Identifiers =>
    Object.fromEntries([...probes[index]!.keys()].filter((file) => varying(index, file)).map((file) => [file, ids[`${key}|${index}|${file}`]!]));
  const result = new Map<string, string[]>();
  entities.forEach((entity, entityIndex) => {
    const found = new Set<string>();
    COMBINATIONS.forEach((combination, index) => {
      const probeIds = slice('probe', index);
      const entityIds = slice(String(entityIndex), index);
      const where = `${combination.framework}/${combination.db}`;
      for (const problem of collisions(entity, probes[index]!, renders[entityIndex]![index]!, probeIds, entityIds)) found.add(`${where}: ${problem}`);
    });
    result.set(entity, [...found]);
  });
  return result;
}

/** Every collision candidate of every framework and database. */
export function allCollisionCandidates(): Set<string> {
  const probes = COMBINATIONS.map((combination) => serviceFiles(PROBE, combination));
  const everything = new Map<string, string>();
  probes.forEach((files, index) =>
    files.forEach((text, file) => file.endsWith('.py') && isDerived(text) && everything.set(`${index}|${file}`, text)),
  );
  const ids = identifiersOf(everything);
  const candidates = new Set<string>();
  probes.forEach((files, index) => {
    const own = Object.fromEntries(Object.entries(ids).filter(([key]) => key.startsWith(`${index}|`)));
    for (const entity of collisionCandidates(files, own)) candidates.add(entity);
  });
  return candidates;
}
