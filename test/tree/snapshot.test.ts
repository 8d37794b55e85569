/**
 * File snapshots of a generated default project: a change to any template shows up here as a
 * diff to review. Secrets and the year are normalised; the version is fixed by the test.
 */
import { describe, expect, it } from 'vitest';
import { planFor } from '../helpers/plan.js';

const normalise = (text: string): string =>
  text.replace(/\b[0-9a-f]{64}\b/g, '<random-secret>').replace(/\b(Copyright \(c\) )\d{4}\b/g, '$1<year>');

describe('snapshot of `create demo --yes`', () => {
  const plan = planFor('demo');
  it.each([...plan.keys()].sort())('%s', async (file) => {
    await expect(normalise(plan.get(file)!)).toMatchFileSnapshot(`__snapshots__/demo/${file}.snap`);
  });

  it('normalises every secret it finds', () => {
    const env = plan.get('services/users/.env')!;
    expect(env).toMatch(/\b[0-9a-f]{64}\b/);
    expect(normalise(env)).not.toMatch(/\b[0-9a-f]{64}\b/);
  });
});
