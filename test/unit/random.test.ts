/**
 * src/random.ts: the secrets of a project come from the system's secure generator, read from
 * /dev/urandom where there is one, else from node:crypto.
 */
import fs from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';

afterEach(() => {
  vi.restoreAllMocks();
  vi.resetModules();
});

describe('randomBytes', () => {
  it('gives as many bytes as asked, different on each call', async () => {
    const { randomBytes } = await import('../../src/random.js');
    const sizes = [0, 1, 4, 18, 32, 4096];
    for (const size of sizes) expect(randomBytes(size).length).toBe(size);
    const seen = new Set(Array.from({ length: 20 }, () => randomBytes(16).toString('hex')));
    expect(seen.size).toBe(20);
  });

  it.skipIf(process.platform === 'win32')('reads /dev/urandom, opened once', async () => {
    const open = vi.spyOn(fs, 'openSync');
    const { randomBytes } = await import('../../src/random.js');
    randomBytes(8);
    randomBytes(8);
    expect(open.mock.calls.map(([file]) => file)).toEqual(['/dev/urandom']);
  });

  it('falls back to node:crypto when the device cannot be opened', async () => {
    vi.spyOn(fs, 'openSync').mockImplementation(() => {
      throw Object.assign(new Error('no such device'), { code: 'ENOENT' });
    });
    const read = vi.spyOn(fs, 'readSync');
    const { randomBytes } = await import('../../src/random.js');
    const bytes = randomBytes(32);
    expect(bytes.length).toBe(32);
    expect(bytes.equals(Buffer.alloc(32))).toBe(false);
    expect(read).not.toHaveBeenCalled();
  });
});
