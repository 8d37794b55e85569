/**
 * The base update merges from is the render of the manifest's answers. It must be exactly
 * what create wrote (machine-local files aside), or every update would "change" files the
 * user never touched; and it must not depend on the run (secrets, time), or two renders of
 * one project would differ.
 */
import { describe, expect, it } from 'vitest';
import { planProject } from '../../src/commands/create.js';
import { serviceRecords } from '../../src/context.js';
import { AUTHS } from '../../src/auth.js';
import { FRAMEWORKS } from '../../src/frameworks.js';
import { buildManifest } from '../../src/manifest.js';
import { resolveFromFlags } from '../../src/options.js';
import { fastImportStream, isMachineLocal, renderPristine } from '../../src/pristine.js';

const VERSION = '1.2.3';
const YEAR = new Date().getFullYear();

const CASES = FRAMEWORKS.flatMap((framework) => AUTHS.map((auth) => [framework, auth] as const));

describe.each(CASES)('renderPristine of a %s project with auth %s on every database', (framework, auth) => {
  const answers = resolveFromFlags(
    'demo',
    { services: 'users,orders@postgres,catalog:product@mysql', framework, auth, install: true, test: true, git: true },
    { cwd: '/tmp', uvAvailable: true },
  );
  const manifest = buildManifest(answers, serviceRecords(answers), VERSION);
  const created = planProject(answers, VERSION);

  it('is what create writes, every file but the machine-local ones', () => {
    const pristine = renderPristine(manifest, YEAR);
    const expected = [...created.keys()].filter((file) => !isMachineLocal(file)).sort();
    expect([...pristine.keys()].sort()).toEqual(expected);
    for (const file of expected) expect(pristine.get(file), file).toBe(created.get(file));
  });

  it('leaves out every file that differs between two creates (secrets)', () => {
    const again = planProject(answers, VERSION);
    const differing = [...created.keys()].filter((file) => created.get(file) !== again.get(file));
    expect(differing.length).toBeGreaterThan(0);
    expect(differing.filter((file) => !isMachineLocal(file))).toEqual([]);
  });

  it('is the same on every run, and follows the recorded year', () => {
    expect(renderPristine(manifest, YEAR)).toEqual(renderPristine(manifest, YEAR));
    expect(renderPristine(manifest, 2001).get('LICENSE')).toMatch(/Copyright \(c\) 2001 /);
  });
});

describe('fastImportStream', () => {
  it('gives each file its exact byte length, a parent when there is one, and quotes odd paths', () => {
    const plan = new Map([
      ['b/é.txt', 'héllo\n'],
      ['a "q".txt', ''],
    ]);
    const stream = fastImportStream('refs/x', plan, 'msg\n', 'abc123', new Date(0)).toString('utf8');
    expect(stream).toContain('committer create-layered-backend <create-layered-backend@localhost> 0 +0000\ndata 4\nmsg\n\nfrom abc123\ndeleteall\n');
    expect(stream).toContain('M 100644 inline "a \\"q\\".txt"\ndata 0\n\n');
    expect(stream).toContain(`M 100644 inline b/é.txt\ndata ${Buffer.byteLength('héllo\n')}\nhéllo\n\n`);
    expect(stream.endsWith('done\n')).toBe(true);
    expect(fastImportStream('refs/x', plan, 'msg\n', undefined, new Date(0)).toString('utf8')).not.toContain('from ');
  });
});
