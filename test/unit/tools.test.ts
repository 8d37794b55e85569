import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findOnPath, missingInstallTools } from '../../src/steps/tools.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'clb-tools-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
const dir = (name: string, files: Record<string, number | 'dir'>) => {
  const folder = path.join(root, name);
  fs.mkdirSync(folder);
  for (const [file, mode] of Object.entries(files)) {
    if (mode === 'dir') fs.mkdirSync(path.join(folder, file));
    else fs.writeFileSync(path.join(folder, file), '#!/bin/sh\n', { mode });
  }
  return folder;
};

describe('findOnPath', () => {
  const notExecutable = dir('a', { uv: 0o644 });
  const folderNamedUv = dir('b', { uv: 'dir' });
  const real = dir('c', { uv: 0o755, make: 0o755 });
  const later = dir('d', { uv: 0o755 });

  it.runIf(process.platform !== 'win32')('finds the first executable file, skipping others of the name', () => {
    expect(findOnPath('uv', { PATH: [notExecutable, folderNamedUv, '', real, later].join(':') }, 'linux')).toBe(path.join(real, 'uv'));
  });

  it.each([
    [{ PATH: [notExecutable, folderNamedUv].join(':') }],
    [{ PATH: '' }],
    [{}],
    [{ PATH: path.join(root, 'does-not-exist') }],
  ])('finds nothing in %j', (env) => {
    expect(findOnPath('uv', env, 'linux')).toBeUndefined();
  });

  it('tells which install tools are missing', () => {
    const lookup = (tool: string) => findOnPath(tool, { PATH: real }, 'linux') !== undefined;
    expect(missingInstallTools('uv', lookup)).toEqual([]);
    expect(missingInstallTools('pip', lookup)).toEqual(['python3']);
  });
});
