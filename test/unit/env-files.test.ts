import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { envEntries, syncEnvFile } from '../../src/env-files.js';

const key = fc.stringMatching(/^[A-Z][A-Z0-9_]{0,8}$/);
const value = fc.oneof(fc.constant(''), fc.stringMatching(/^[a-z0-9:/.@{}"\[\]-]{1,12}$/));
const envFile = fc.dictionary(key, value, { maxKeys: 8 });
const comment = fc.constantFrom('', '# a comment', '# KEY=not a setting');
const text = (entries: Record<string, string>, comments: string[]) =>
  Object.entries(entries)
    .map(([name, setting], index) => `${comments[index % Math.max(comments.length, 1)] ?? ''}\n${name}=${setting}`)
    .join('\n')
    .concat('\n');

describe('syncEnvFile', () => {
  it('appends exactly the new keys the file lacks, keeps every line it had, and is idempotent', () => {
    fc.assert(
      fc.property(envFile, envFile, fc.array(key, { maxLength: 6 }), fc.array(comment, { maxLength: 3 }), (ours, source, previous, comments) => {
        const before = text(ours, comments);
        const previousKeys = new Set(previous);
        const synced = syncEnvFile(before, text(source, []), previousKeys);
        const expected = Object.keys(source).filter((name) => !(name in ours) && !previousKeys.has(name));
        expect(synced.added).toEqual(expected);
        // Nothing of the file changes: the new lines come after it.
        expect(synced.text.startsWith(before)).toBe(true);
        const after = envEntries(synced.text);
        for (const [name, setting] of Object.entries(ours)) expect(after.get(name)?.value).toBe(setting);
        for (const name of expected) expect(after.get(name)?.value).toBe(source[name]!.trim());
        // A key of the previous render the user deleted stays deleted.
        for (const name of previousKeys) if (!(name in ours)) expect(after.has(name)).toBe(false);
        expect(synced.emptyHere).toEqual(Object.keys(source).filter((name) => ours[name] === '' && source[name] !== '').map((name) => `${name}=${source[name]}`));
        expect(syncEnvFile(synced.text, text(source, []), previousKeys).text).toBe(synced.text);
      }),
    );
  });

  it('without a previous render, every missing key is new', () => {
    const synced = syncEnvFile('A=1\n# B=commented out\n', 'A=2\nB=3\nC=\n');
    expect(synced).toEqual({ text: 'A=1\n# B=commented out\nB=3\nC=\n', added: ['B', 'C'], emptyHere: [] });
  });

  it('adds a line break to a file that lacks its last one, and says which keys are empty here', () => {
    expect(syncEnvFile('A=', 'A=x\nB=y\n', new Set(['A']))).toEqual({ text: 'A=\nB=y\n', added: ['B'], emptyHere: ['A=x'] });
  });
});
