import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { planDirectories, writeProject } from '../../src/apply.js';
import { UsageError, WriteError } from '../../src/errors.js';
import { STAGING_PREFIX } from '../../src/journal.js';
import { inspectTarget, README_BEGIN, README_END } from '../../src/target.js';

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
    expect(result).toEqual({ written: 3, kept: [], merged: [] });
    expect(fs.readFileSync(path.join(work, 'out/services/users/app/__init__.py'), 'utf8')).toBe('');
    expect(fs.readdirSync(work)).toEqual(['out']);
  });

  it('keeps the user\'s harmless files in an existing directory; ours goes below their README', () => {
    fs.mkdirSync(path.join(work, 'out'));
    fs.writeFileSync(path.join(work, 'out/README.md'), 'mine');
    fs.writeFileSync(path.join(work, 'out/LICENSE'), 'theirs');
    const result = writeProject(plan, inspectTarget('out', work));
    expect(result).toEqual({ written: 2, kept: ['LICENSE'], merged: ['README.md'] });
    expect(fs.readFileSync(path.join(work, 'out/README.md'), 'utf8')).toBe(`mine\n\n${README_BEGIN}\n\n# generated\n\n${README_END}\n`);
    expect(fs.readFileSync(path.join(work, 'out/LICENSE'), 'utf8')).toBe('theirs');
    expect(fs.readdirSync(work)).toEqual(['out']);
    expect(fs.readdirSync(path.join(work, 'out')).sort()).toEqual(['LICENSE', 'README.md', 'services']);
  });

  it('stages inside an existing target and copies where a rename crosses file systems (EXDEV)', () => {
    fs.mkdirSync(path.join(work, 'out'));
    const rename = fs.renameSync;
    const crossing = vi.spyOn(fs, 'renameSync').mockImplementation((from, to) => {
      // Only moves out of the staging folder cross; renames within one folder do not.
      if (path.dirname(String(from)) !== path.dirname(String(to)) && String(from).includes(STAGING_PREFIX)) {
        throw Object.assign(new Error('EXDEV: cross-device link not permitted'), { code: 'EXDEV' });
      }
      return rename(from, to);
    });
    try {
      writeProject(plan, inspectTarget('out', work));
      expect(crossing).toHaveBeenCalled();
    } finally {
      crossing.mockRestore();
    }
    expect(fs.readFileSync(path.join(work, 'out/README.md'), 'utf8')).toBe('# generated\n');
    expect(fs.readFileSync(path.join(work, 'out/services/users/app/__init__.py'), 'utf8')).toBe('');
    expect(fs.readdirSync(path.join(work, 'out')).sort()).toEqual(['LICENSE', 'README.md', 'services']);
  });

  it('an existing target is left exactly as it was when a write fails', () => {
    fs.mkdirSync(path.join(work, 'out'));
    fs.writeFileSync(path.join(work, 'out/README.md'), 'mine');
    const rename = fs.renameSync;
    let renames = 0;
    // The third move into place fails: the first two must be undone.
    const failing = vi.spyOn(fs, 'renameSync').mockImplementation((from, to) => {
      if (String(from).includes(STAGING_PREFIX) && !String(to).includes(STAGING_PREFIX) && ++renames === 3) {
        throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
      }
      return rename(from, to);
    });
    try {
      expect(() => writeProject(plan, inspectTarget('out', work))).toThrow(/no space left on the device.*Nothing was changed/);
    } finally {
      failing.mockRestore();
    }
    expect(fs.readdirSync(path.join(work, 'out'))).toEqual(['README.md']);
    expect(fs.readFileSync(path.join(work, 'out/README.md'), 'utf8')).toBe('mine');
  });

  it('leaves nothing behind when a write fails', () => {
    const bad = new Map([...plan, ['services/users/app/__init__.py/oops', 'x']]);
    expect(() => writeProject(bad, inspectTarget('out', work))).toThrow(WriteError);
    expect(fs.readdirSync(work)).toEqual([]);
  });
});

describe('planDirectories', () => {
  const segment = fc.stringMatching(/^[a-c_.-]{1,3}$/).filter((name) => name !== '.' && name !== '..');
  const plans = fc.uniqueArray(fc.array(segment, { minLength: 1, maxLength: 5 }).map((parts) => parts.join('/')), { maxLength: 25 });

  it('lists every ancestor of every file once, each parent before its children', () => {
    fc.assert(
      fc.property(plans, (files) => {
        // A path cannot be both a file and a directory: drop files that are another's ancestor.
        const kept = files.filter((file) => !files.some((other) => other.startsWith(`${file}/`)));
        const dirs = planDirectories(new Map(kept.map((file) => [file, ''])));
        const expected = new Set(kept.flatMap((file) => file.split('/').slice(0, -1).map((_, i, parts) => parts.slice(0, i + 1).join('/'))));
        expect(new Set(dirs)).toEqual(expected);
        expect(dirs).toHaveLength(expected.size);
        for (const dir of dirs) {
          const parent = dir.slice(0, dir.lastIndexOf('/'));
          if (dir.includes('/')) expect(dirs.indexOf(parent)).toBeLessThan(dirs.indexOf(dir));
        }
      }),
    );
  });

  it('is what writeProject creates: the written tree has exactly these directories', () => {
    const target = inspectTarget('fresh', work);
    writeProject(plan, target);
    const found: string[] = [];
    const walk = (dir: string, prefix: string): void => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        if (!entry.isDirectory()) continue;
        found.push(`${prefix}${entry.name}`);
        walk(path.join(dir, entry.name), `${prefix}${entry.name}/`);
      }
    };
    walk(target.absolute, '');
    expect(found.sort()).toEqual(planDirectories(plan));
  });
});
