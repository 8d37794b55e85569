import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeProject } from '../../src/apply.js';
import { UsageError, WriteError } from '../../src/errors.js';
import { inspectTarget } from '../../src/target.js';

let work: string;
beforeEach(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'clb-apply-'));
});
afterEach(() => fs.rmSync(work, { recursive: true, force: true }));

const plan = new Map([
  ['README.md', '# generated\n'],
  ['services/users/app/__init__.py', ''],
  ['LICENSE', 'MIT'],
]);

describe('inspectTarget', () => {
  it('accepts a missing or empty directory', () => {
    expect(inspectTarget('new', work)).toMatchObject({ exists: false, existing: [] });
    fs.mkdirSync(path.join(work, 'empty'));
    expect(inspectTarget('empty', work)).toMatchObject({ exists: true, existing: [] });
  });

  it('accepts harmless files and lists conflicting ones', () => {
    fs.mkdirSync(path.join(work, 'p/.git'), { recursive: true });
    fs.writeFileSync(path.join(work, 'p/README.md'), 'mine');
    expect(inspectTarget('p', work).existing.sort()).toEqual(['.git', 'README.md']);
    fs.writeFileSync(path.join(work, 'p/main.py'), '');
    fs.mkdirSync(path.join(work, 'p/src'));
    try {
      inspectTarget('p', work);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(UsageError);
      expect((error as UsageError).message).toMatch(/is not empty/);
      expect((error as UsageError).details).toEqual(['  main.py', '  src']);
    }
  });

  it('refuses a file', () => {
    fs.writeFileSync(path.join(work, 'f'), '');
    expect(() => inspectTarget('f', work)).toThrow(/is a file/);
  });
});

describe('writeProject', () => {
  it('writes every file and leaves no staging directory', () => {
    const result = writeProject(plan, inspectTarget('out', work));
    expect(result).toEqual({ written: 3, kept: [] });
    expect(fs.readFileSync(path.join(work, 'out/services/users/app/__init__.py'), 'utf8')).toBe('');
    expect(fs.readdirSync(work)).toEqual(['out']);
  });

  it('keeps the user\'s harmless files in an existing directory', () => {
    fs.mkdirSync(path.join(work, 'out'));
    fs.writeFileSync(path.join(work, 'out/README.md'), 'mine');
    const result = writeProject(plan, inspectTarget('out', work));
    expect(result.kept).toEqual(['README.md']);
    expect(fs.readFileSync(path.join(work, 'out/README.md'), 'utf8')).toBe('mine');
    expect(fs.readFileSync(path.join(work, 'out/LICENSE'), 'utf8')).toBe('MIT');
    expect(fs.readdirSync(work)).toEqual(['out']);
  });

  it('leaves nothing behind when a write fails', () => {
    const bad = new Map([...plan, ['services/users/app/__init__.py/oops', 'x']]);
    expect(() => writeProject(bad, inspectTarget('out', work))).toThrow(WriteError);
    expect(fs.readdirSync(work)).toEqual([]);
  });
});
