/**
 * The merge planner of update: every combination of base / ours / theirs (present, absent,
 * equal or not to the others, binary) gets its decision, and planUpdate turns decisions into a
 * change (create, modify, remove), a list of conflicts and of files kept. mergeFile is checked
 * against the git binary it runs.
 */
import { describe, expect, it } from 'vitest';
import { checkedOutWithCrlf, decide, isBinary, mergeFile, planUpdate, type Decision, type FileVersions } from '../../src/merge.js';

// git merge-file follows merge.conflictStyle: the markers checked here are git's default ones.
process.env.GIT_CONFIG_GLOBAL = '/dev/null';
process.env.GIT_CONFIG_NOSYSTEM = '1';

const b = (text: string) => Buffer.from(text, 'utf8');
const BIN = Buffer.from([0x89, 0x50, 0x00, 0x01]);
const labels = { ours: 'yours', base: 'old', theirs: 'new' };

const CASES: Array<[string, FileVersions, Decision]> = [
  ['unchanged', { base: b('a\n'), ours: b('a\n'), theirs: 'a\n' }, { kind: 'keep', why: 'unchanged' }],
  ['ours only', { base: b('a\n'), ours: b('mine\n'), theirs: 'a\n' }, { kind: 'keep', why: 'ours-only' }],
  ['theirs only', { base: b('a\n'), ours: b('a\n'), theirs: 'new\n' }, { kind: 'write', why: 'theirs-only' }],
  ['both the same', { base: b('a\n'), ours: b('same\n'), theirs: 'same\n' }, { kind: 'keep', why: 'both-same' }],
  ['both different', { base: b('a\n'), ours: b('mine\n'), theirs: 'new\n' }, { kind: 'merge' }],
  ['added by the templates', { theirs: 'new\n' }, { kind: 'write', why: 'added' }],
  ['added by both, the same', { ours: b('new\n'), theirs: 'new\n' }, { kind: 'keep', why: 'both-same' }],
  ['added by both, differently (no base)', { ours: b('mine\n'), theirs: 'new\n' }, { kind: 'merge' }],
  ['removed, unchanged', { base: b('a\n'), ours: b('a\n') }, { kind: 'remove' }],
  ['removed, but edited', { base: b('a\n'), ours: b('mine\n') }, { kind: 'keep-edited' }],
  ['removed by both', { base: b('a\n') }, { kind: 'keep', why: 'gone' }],
  ['deleted by you, unchanged by the templates', { base: b('a\n'), theirs: 'a\n' }, { kind: 'keep', why: 'deleted-by-you' }],
  ['deleted by you, changed by the templates', { base: b('a\n'), theirs: 'new\n' }, { kind: 'conflict', why: 'deleted-by-you' }],
  ['binary ours, both changed', { base: b('a\n'), ours: BIN, theirs: 'new\n' }, { kind: 'conflict', why: 'binary' }],
  ['binary base, both changed', { base: BIN, ours: b('mine\n'), theirs: 'new\n' }, { kind: 'conflict', why: 'binary' }],
  ['binary ours, templates unchanged', { base: b('a\n'), ours: BIN, theirs: 'a\n' }, { kind: 'keep', why: 'ours-only' }],
  ['binary ours where nothing was generated', { ours: BIN, theirs: 'new\n' }, { kind: 'conflict', why: 'binary' }],
];

describe('decide', () => {
  it.each(CASES)('%s', (_name, versions, expected) => {
    expect(decide(versions)).toEqual(expected);
  });

  it('tells binary from text as git does (a NUL byte early on)', () => {
    expect(isBinary(BIN)).toBe(true);
    expect(isBinary(b('text\n'))).toBe(false);
    expect(isBinary(Buffer.concat([Buffer.alloc(9000, 0x61), Buffer.from([0])]))).toBe(false);
    expect(isBinary(undefined)).toBe(false);
  });
});

const lines = (count: number, change: Record<number, string> = {}) =>
  Array.from({ length: count }, (_, index) => change[index] ?? `line ${index}`).join('\n') + '\n';

describe('mergeFile (git merge-file)', () => {
  it('merges edits of different lines cleanly', async () => {
    const result = await mergeFile({ base: b(lines(10)), ours: b(lines(10, { 1: 'mine' })), theirs: lines(10, { 8: 'theirs' }) }, labels);
    expect(result).toEqual({ text: lines(10, { 1: 'mine', 8: 'theirs' }), conflicts: 0 });
  });

  it('writes markers with the labels where both changed the same line', async () => {
    const result = await mergeFile({ base: b(lines(10)), ours: b(lines(10, { 4: 'mine' })), theirs: lines(10, { 4: 'theirs' }) }, labels);
    expect(result.conflicts).toBe(1);
    expect(result.text).toContain('<<<<<<< yours\nmine\n=======\ntheirs\n>>>>>>> new\n');
    expect(result.text.startsWith('line 0\n')).toBe(true);
  });

  it('keeps a file without a final newline as it is', async () => {
    const result = await mergeFile({ base: b('a\nb\nc'), ours: b('A\nb\nc'), theirs: 'a\nb\nC' }, labels);
    expect(result).toEqual({ text: 'A\nb\nC', conflicts: 0 });
  });
});

describe('planUpdate', () => {
  it('turns each decision into its change, conflict or notice', async () => {
    const table = Object.fromEntries(CASES.map(([name, versions]) => [name, versions]));
    const plan = await planUpdate(Object.keys(table), (file) => table[file]!, labels, async ({ ours }) =>
      // A stand-in merge: conflicts whenever ours says "mine".
      ours.toString() === 'mine\n' ? { text: '<<<<<<< yours\nmine\n=======\nnew\n>>>>>>> new\n', conflicts: 1 } : { text: 'merged\n', conflicts: 0 },
    );
    expect([...plan.change.create.keys()]).toEqual(['added by the templates']);
    expect([...plan.change.modify.keys()].sort()).toEqual(['added by both, differently (no base)', 'both different', 'theirs only']);
    expect(plan.change.modify.get('theirs only')).toEqual({ before: 'a\n', after: 'new\n' });
    expect(plan.change.remove).toEqual(['removed, unchanged']);
    expect(plan.keptEdited).toEqual(['removed, but edited']);
    expect(plan.conflicts).toEqual([
      { file: 'added by both, differently (no base)', why: 'markers' },
      { file: 'binary base, both changed', why: 'binary' },
      { file: 'binary ours where nothing was generated', why: 'binary' },
      { file: 'binary ours, both changed', why: 'binary' },
      { file: 'both different', why: 'markers' },
      { file: 'deleted by you, changed by the templates', why: 'deleted-by-you' },
    ]);
    expect(plan.merged).toEqual([]);
  });

  it('lists a clean merge as merged, and plans nothing for an unchanged project', async () => {
    const clean = await planUpdate(['f'], () => ({ base: b(lines(10)), ours: b(lines(10, { 0: 'mine' })), theirs: lines(10, { 9: 'new' }) }), labels);
    expect(clean.merged).toEqual(['f']);
    expect(clean.change.modify.get('f')?.after).toBe(lines(10, { 0: 'mine', 9: 'new' }));
    const none = await planUpdate(['f', 'g'], () => ({ base: b('a\n'), ours: b('a\n'), theirs: 'a\n' }), labels);
    expect(none.change.create.size + none.change.modify.size + none.change.remove!.length + none.conflicts.length).toBe(0);
  });
});

describe('a checkout with Windows line endings (core.autocrlf)', () => {
  const crlf = (text: string) => text.replaceAll('\n', '\r\n');
  const textCases = CASES.filter(([, { base, ours, theirs }]) => ![base, ours, Buffer.from(theirs ?? '')].some(isBinary) && ours !== undefined);

  it('is told from a file with a few CRLF lines of its own, and from a generated CRLF file', () => {
    expect(checkedOutWithCrlf(b('a\r\nb\r\n'), b('a\nb\n'))).toBe(true);
    expect(checkedOutWithCrlf(b('a\r\nb\n'), b('a\nb\n'))).toBe(false);
    expect(checkedOutWithCrlf(b('a\r\nb\r\n'), b('a\r\nb\r\n'))).toBe(false);
    expect(checkedOutWithCrlf(b('no newline'), undefined)).toBe(false);
    expect(checkedOutWithCrlf(BIN, undefined)).toBe(false);
  });

  it.each(textCases)('%s: the same decision and change as the LF checkout, with CRLF written back', async (name, versions) => {
    const merger = async ({ ours, theirs }: { ours: Buffer; theirs: string }) => ({ text: `${ours.toString()}${theirs}`, conflicts: 0 });
    const lf = await planUpdate([name], () => versions, labels, merger);
    const converted = await planUpdate([name], () => ({ ...versions, ours: b(crlf(versions.ours!.toString())) }), labels, merger);
    expect(converted.decisions).toEqual(lf.decisions);
    expect(converted.change.remove).toEqual(lf.change.remove);
    expect([...converted.change.modify].map(([file, { after }]) => [file, after])).toEqual([...lf.change.modify].map(([file, { after }]) => [file, crlf(after)]));
  });

  it('merges a CRLF checkout cleanly with git merge-file, keeping CRLF', async () => {
    const plan = await planUpdate(['f'], () => ({ base: b(lines(10)), ours: b(crlf(lines(10, { 1: 'mine' }))), theirs: lines(10, { 8: 'theirs' }) }), labels);
    expect(plan.conflicts).toEqual([]);
    expect(plan.change.modify.get('f')?.after).toBe(crlf(lines(10, { 1: 'mine', 8: 'theirs' })));
  });
});
