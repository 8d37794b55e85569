/**
 * Entity names against the names of the generated code: every entity that could stand for
 * two things in one scope or one package of a service is refused, and every refused one
 * would (see test/helpers/entities.ts for how collisions are found). The end-to-end tier
 * (test/e2e/names.test.ts) lints and tests the accepted ones for real.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultEntity, entityNameProblem, MAX_ENTITY_LENGTH, pluralize, reservedEntityNames } from '../../src/naming.js';
import { allCollisionCandidates, collisionsOf } from '../helpers/entities.js';
import { ENTITY_SUSPECTS } from '../helpers/suspects.js';

const candidates = allCollisionCandidates();
const reserved = reservedEntityNames();
const everyName = [...new Set([...candidates, ...ENTITY_SUSPECTS, ...reserved.inCode, ...reserved.outside])].sort();
const collisions = collisionsOf(everyName);

describe('entity names that collide with the generated code', () => {
  it('finds collisions where there are some, and none for an ordinary entity', () => {
    // The detector itself: known clashes of each kind are seen, an ordinary name is clean.
    expect(collisions.get('base')!.join('\n')).toMatch(/files overwrite each other/);
    expect(collisions.get('handlers')!.join('\n')).toMatch(/both the module app\.exceptions\.handlers/);
    expect(collisions.get('entity')!.join('\n')).toMatch(/"Entity" stands for Entity and ZqProbe/);
    expect(collisions.get('self')!.join('\n')).toMatch(/"self" stands for/);
    expect(collisionsOf(['user', 'order_item']).get('user')).toEqual([]);
    // Candidates come from the templates: each of these shares a scope with an entity name.
    expect([...candidates]).toEqual(expect.arrayContaining(['base', 'health', 'entity', 'repository', 'self', 'data']));
  });

  it.each(everyName)('%s: refused if and only if it collides (or ruff refuses it)', (entity) => {
    const problems = collisions.get(entity)!;
    const problem = entityNameProblem(entity);
    if (problems.length > 0) expect(problem, problems.join('\n')).toBeDefined();
    if (reserved.inCode.includes(entity)) {
      // Nothing is reserved for a clash in the generated code that the renders do not show.
      expect(problems, `${entity} is reserved but collides with nothing`).not.toEqual([]);
    }
    if (problems.length === 0 && problem !== undefined) {
      expect(problem).toMatch(/keyword|ambiguous|clashes with/);
    }
  });

  it('names the clash and suggests an entity that is accepted', () => {
    // Names over the length limit are refused for that alone (a class name like
    // ConstraintViolationError gives one), with no suggestion of another name.
    const wellFormed = /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/;
    for (const entity of everyName.filter((name) => wellFormed.test(name) && name.length <= MAX_ENTITY_LENGTH)) {
      const problem = entityNameProblem(entity);
      if (problem === undefined) continue;
      const suggestion = /Try "([^"]+)"/.exec(problem)?.[1];
      expect(suggestion, problem).toBeDefined();
      expect(entityNameProblem(suggestion!), `${entity} -> ${suggestion}`).toBeUndefined();
    }
  });

  it('refuses entities whose plural is a Python keyword (their routes module)', () => {
    expect(pluralize('a')).toBe('as');
    expect(entityNameProblem('a')).toMatch(/plural "as", a Python keyword/);
    expect(entityNameProblem('i')).toMatch(/plural "is", a Python keyword/);
    expect(collisions.get('a')!.join('\n')).toMatch(/not valid Python/);
  });

  it('accepts page, text and string, whose clashes the templates avoid', () => {
    for (const entity of ['page', 'text', 'string']) {
      expect(entityNameProblem(entity)).toBeUndefined();
      expect(collisions.get(entity)).toEqual([]);
    }
    expect(defaultEntity('pages')).toBe('page');
  });

  it('falls back to item for a service whose singular is reserved', () => {
    for (const entity of [...reserved.inCode, ...reserved.outside]) {
      const service = pluralize(entity).replace(/_/g, '-');
      const fallback = defaultEntity(service);
      if (fallback !== entity) expect(entityNameProblem(fallback)).toBeUndefined();
    }
    expect(defaultEntity('entities')).toBe('item');
  });

  it('accepts only entities that collide with nothing, whatever words they are made of', () => {
    // Entities built from the words the templates use, where collisions are likely.
    const words = [...everyName.flatMap((name) => name.split('_')), 'page', 'item', 'id', 'service', 'read', 'create'];
    const entity = fc
      .array(fc.constantFrom(...words), { minLength: 1, maxLength: 3 })
      .map((parts) => parts.join('_'))
      .filter((name) => name.length <= MAX_ENTITY_LENGTH && entityNameProblem(name) === undefined);
    fc.assert(
      fc.property(fc.uniqueArray(entity, { minLength: 30, maxLength: 40 }), (sample) => {
        const found = collisionsOf(sample);
        for (const name of sample) expect(found.get(name), name).toEqual([]);
      }),
      { numRuns: 3 },
    );
    // Each run renders and parses some forty services: seconds, more on a busy machine.
  }, 180_000);
});
