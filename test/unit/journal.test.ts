/**
 * Recovery of a change interrupted in every state the journal can be found in: the project
 * ends exactly as before or exactly as after, the message says which, and no staging folder or
 * journal is left.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { stageChange, type ChangePlan } from '../../src/apply.js';
import { JOURNAL_FILE, readJournal, recoverInterruptedApply, rollBack, rollForward, stagedPath, writeJournal, type Journal } from '../../src/journal.js';
import { WriteError } from '../../src/errors.js';
import { plainReporter } from '../../src/ui.js';
import { hashTree } from '../helpers/cli.js';

let root: string;
let messages: string[];
const reporter = () => {
  const sink = { write: (text: string) => messages.push(text.trim()) } as unknown as NodeJS.WritableStream;
  return plainReporter(sink, sink);
};

const change = (): ChangePlan => ({
  create: new Map([
    ['services/orders/app/main.py', 'print("orders")\n'],
    ['services/orders/README.md', '# orders\n'],
  ]),
  modify: new Map([
    ['manifest.json', { before: '{"services":["users"]}\n', after: '{"services":["users","orders"]}\n' }],
    ['README.md', { before: '| users |\n', after: '| users |\n| orders |\n' }],
    ['.env', { before: '', after: 'ORDERS_SECRET=x\n' }],
  ]),
  // update removes files no longer generated; its folder, emptied, goes too.
  remove: ['services/users/legacy/old.py'],
});

function writeBefore(): void {
  for (const dir of ['services/users']) fs.mkdirSync(path.join(root, dir), { recursive: true });
  fs.writeFileSync(path.join(root, 'services/users/main.py'), 'print("users")\n');
  fs.mkdirSync(path.join(root, 'services/users/legacy'));
  fs.writeFileSync(path.join(root, 'services/users/legacy/old.py'), 'print("old")\n');
  fs.writeFileSync(path.join(root, 'manifest.json'), '{"services":["users"]}\n');
  fs.writeFileSync(path.join(root, 'README.md'), '| users |\n');
}

let before: string;
let after: string;
beforeEach(() => {
  messages = [];
  const reference = fs.mkdtempSync(path.join(os.tmpdir(), 'clb-journal-ref-'));
  root = reference;
  writeBefore();
  before = hashTree(root);
  for (const [file, contents] of change().create) {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), contents);
  }
  for (const [file, { after: text }] of change().modify) fs.writeFileSync(path.join(root, file), text);
  for (const file of change().remove!) fs.rmSync(path.join(root, file));
  after = hashTree(root);
  fs.rmSync(reference, { recursive: true, force: true });
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'clb-journal-'));
  writeBefore();
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

const CRASH = new Error('crash');
/** Stage, write the journal, do `steps` renames, then stop as a SIGKILL would. */
function crashAfterRenames(steps: number, command: Journal['command'] = 'add-service'): Journal {
  const journal = stageChange(root, change(), command);
  writeJournal(root, journal);
  let done = 0;
  try {
    rollForward(root, journal, () => {
      if (++done >= steps) throw CRASH;
    });
  } catch (error) {
    if (error !== CRASH) throw error;
  }
  return journal;
}

const copyBeside = (file: string) => path.join(root, path.dirname(file), `.${path.basename(file)}.layered-backend-copy`);

function recover(): 'before' | 'after' {
  recoverInterruptedApply(root, reporter());
  expect(fs.readdirSync(root).filter((entry) => /layered-backend-(staging|journal)|layered-backend-copy/.test(entry))).toEqual([]);
  const hash = hashTree(root);
  expect([before, after]).toContain(hash);
  const outcome = hash === before ? 'before' : 'after';
  expect(messages.join('\n')).toMatch(outcome === 'before' ? /rolled back; the project is as before/ : /finished it; the project is as after it/);
  return outcome;
}

describe('recoverInterruptedApply', () => {
  it('does nothing, and says nothing, in a project without a journal', () => {
    recoverInterruptedApply(root, reporter());
    expect(hashTree(root)).toBe(before);
    expect(messages).toEqual([]);
  });

  it.each([0, 1, 2, 3, 4, 5])('finishes a change killed after %i renames', (steps) => {
    crashAfterRenames(steps);
    expect(recover()).toBe('after');
  });

  it.each([0, 1, 2, 3, 4, 5])('rolls back a new project killed after %i renames (create writes it again)', (steps) => {
    crashAfterRenames(steps, 'create');
    expect(recover()).toBe('before');
  });

  it('rolls back when a staged file is missing (staging incomplete)', () => {
    const journal = crashAfterRenames(1);
    fs.rmSync(stagedPath(root, journal, 'changed', 'README.md'));
    expect(recover()).toBe('before');
  });

  it('finishes a copy across file systems whose source is gone (the copy is complete)', () => {
    const journal = crashAfterRenames(1);
    fs.renameSync(stagedPath(root, journal, 'changed', 'manifest.json'), copyBeside('manifest.json'));
    expect(recover()).toBe('after');
  });

  it('drops a partial copy across file systems whose source is still there', () => {
    crashAfterRenames(1);
    fs.writeFileSync(copyBeside('manifest.json'), '{"servi');
    expect(recover()).toBe('after');
  });

  it('finishes a roll-back that was itself interrupted', () => {
    const journal = crashAfterRenames(3);
    const restored = stagedPath(root, journal, 'backup', 'manifest.json');
    // A roll-back killed after restoring the manifest: direction recorded, backup moved back.
    writeJournal(root, { ...journal, direction: 'back' });
    fs.renameSync(restored, path.join(root, 'manifest.json'));
    expect(recover()).toBe('before');
  });

  it('removes a file and the folder it leaves empty, and puts both back on roll-back', () => {
    crashAfterRenames(5);
    expect(fs.existsSync(path.join(root, 'services/users/legacy'))).toBe(false);
    rollBack(root, readJournal(root)!);
    expect(fs.readFileSync(path.join(root, 'services/users/legacy/old.py'), 'utf8')).toBe('print("old")\n');
  });

  it('rolls back with every backup on disk, not in memory', () => {
    const journal = crashAfterRenames(4);
    rollBack(root, readJournal(root)!);
    expect(readJournal(root)?.direction).toBe('back');
    expect(fs.existsSync(path.join(root, journal.staging))).toBe(true);
    expect(recover()).toBe('before');
  });

  it('removes a staging folder left before the journal was written, saying so', () => {
    stageChange(root, change(), 'add-service');
    fs.writeFileSync(path.join(root, `${JOURNAL_FILE}.tmp`), '{"half');
    recoverInterruptedApply(root, reporter());
    expect(hashTree(root)).toBe(before);
    expect(messages.join('\n')).toMatch(/left by a run interrupted before it changed anything/);
  });

  it('refuses a journal it cannot read, saying how to repair', () => {
    fs.writeFileSync(path.join(root, JOURNAL_FILE), 'not json');
    expect(() => recoverInterruptedApply(root, reporter())).toThrow(WriteError);
    expect(() => recoverInterruptedApply(root, reporter())).toThrow(/not a valid journal/);
  });
});
