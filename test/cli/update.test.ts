/**
 * update between two builds of the CLI whose templates differ: a project created by this build
 * and edited by hand (edits that merge cleanly, one that conflicts, a removed template edited,
 * one not) is brought to a newer build made here (see helpers/newer-build.ts). The run ends in
 * exit 3 with markers and the list of conflicts; the merge keeps every edit; the manifest
 * records the new version; git's HEAD and index are untouched; the base moves on.
 */
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashTree, listFiles, runCli, tempDir, type CliRun } from '../helpers/cli.js';
import { currentVersion, newerBuild, staticTemplate } from '../helpers/newer-build.js';

const work = tempDir('update');
const project = path.join(work, 'shop');
const NEW_VERSION = '0.99.0';
// A git identity of its own, and none of the machine's git configuration: git merge-file
// follows merge.conflictStyle, and the markers checked here are git's default ones.
const GIT_IDENTITY = {
  GIT_AUTHOR_NAME: 't',
  GIT_AUTHOR_EMAIL: 't@example.com',
  GIT_COMMITTER_NAME: 't',
  GIT_COMMITTER_EMAIL: 't@example.com',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_CONFIG_NOSYSTEM: '1',
};
const REF = 'refs/layered-backend/base';

const read = (file: string, root = project) => fs.readFileSync(path.join(root, file), 'utf8');
const write = (file: string, text: string, root = project) => fs.writeFileSync(path.join(root, file), text);
const git = async (args: string[], cwd = project) => (await execa('git', args, { cwd, env: GIT_IDENTITY })).stdout;
const commitAll = async (message: string, cwd = project) => {
  await git(['add', '-A'], cwd);
  await git(['commit', '-qm', message], cwd);
};

// The newer templates: a line appended (merges with an edit at the top), a line changed (the
// user changed it too: a conflict), a file changed the user never touched, a new file, and
// two files no longer generated (one edited by the user, one not).
const PAGINATION = 'libs/shared_schemas/pagination.py';
const PRE_COMMIT = '.pre-commit-config.yaml';
const TOKENS = 'services/users/app/utils/tokens.py';
const LIMITS = 'services/users/app/core/limits.py';
const PASSWORDS = 'services/users/app/utils/passwords.py';
const CHECK_SYNTAX = 'scripts/check_syntax.py';
const UPGRADING = 'docs/upgrading.md';
const LAST_TOKEN_LINE = '    return claims\n';

const newer = {
  pagination: `${staticTemplate('project', PAGINATION)}\n\n# Pages are never longer than the limit.\n`,
  preCommit: `${staticTemplate('project', 'dot-pre-commit-config.yaml')}# Kept in step with the dev dependencies.\n`,
  tokens: staticTemplate('service-base', 'app/utils/tokens.py').replace(LAST_TOKEN_LINE, '    return dict(claims)\n'),
  limits: staticTemplate('service-base', 'app/core/limits.py').replace('NAME_MAX_LENGTH = 100', 'NAME_MAX_LENGTH = 120'),
  upgrading: '# Upgrading\n\nRun `npx create-layered-backend@latest update`.\n',
};

let newBin: string;
const runNew = async (args: string[], cwd = project): Promise<CliRun> => {
  const result = await execa('node', [newBin, ...args], { cwd, reject: false, all: true, stdin: 'ignore', env: { NO_COLOR: '1', ...GIT_IDENTITY } });
  return { exitCode: result.exitCode ?? -1, stdout: result.stdout, stderr: result.stderr, all: result.all ?? '' };
};

beforeAll(async () => {
  const created = await runCli(['shop', '--services', 'users', '--yes', '--no-install'], { cwd: work, env: GIT_IDENTITY });
  expect(created.exitCode, created.all).toBe(0);
  newBin = newerBuild(path.join(work, 'newer'), NEW_VERSION, {
    project: { [PAGINATION]: newer.pagination, 'dot-pre-commit-config.yaml': newer.preCommit, [CHECK_SYNTAX]: null, [UPGRADING]: newer.upgrading },
    'service-base': { 'app/utils/tokens.py': newer.tokens, 'app/core/limits.py': newer.limits, 'app/utils/passwords.py': null },
  });
  // The team's edits, committed.
  write(PAGINATION, `# Used by every list endpoint.\n${read(PAGINATION)}`);
  write(PRE_COMMIT, `# Our hooks.\n${read(PRE_COMMIT)}`);
  write(TOKENS, read(TOKENS).replace(LAST_TOKEN_LINE, '    return claims  # checked by the gateway too\n'));
  write(CHECK_SYNTAX, `${read(CHECK_SYNTAX)}# We still run this one.\n`);
  await commitAll('hand edits');
}, 120_000);
afterAll(() => fs.rmSync(work, { recursive: true, force: true }), 60_000);

describe('update between two builds whose templates differ', () => {
  it('create recorded the base: a commit of its own, outside the branches', async () => {
    expect(await git(['cat-file', '-t', REF])).toBe('commit');
    expect(await git(['branch', '--contains', REF])).toBe('');
    expect(await git(['show', `${REF}:${PASSWORDS}`])).toBe(read(PASSWORDS).trimEnd());
    // Machine-local files (secrets) are never in it.
    expect(await git(['ls-tree', '-r', '--name-only', REF])).not.toMatch(/(^|\/)\.env$/m);
  });

  it('refuses a dirty working tree, changing nothing', async () => {
    write('README.md', `${read('README.md')}\nscratch\n`);
    const before = hashTree(project);
    const run = await runNew(['update', '--yes']);
    expect(run.exitCode, run.all).toBe(1);
    expect(run.stderr).toMatch(/uncommitted changes/);
    expect(run.stderr).toMatch(/--no-git-check/);
    expect(hashTree(project)).toBe(before);
    await git(['checkout', '--', 'README.md']);
  });

  it('--dry-run shows the diff and writes nothing', async () => {
    const before = hashTree(project);
    const ref = await git(['rev-parse', REF]);
    const run = await runNew(['update', '--dry-run', '--cwd', 'shop/services'], work);
    expect(run.exitCode, run.all).toBe(0);
    expect(run.stdout).toContain(`Would change ${PAGINATION}`);
    expect(run.stdout).toContain('+# Pages are never longer than the limit.');
    expect(run.stdout).toContain('+NAME_MAX_LENGTH = 120');
    expect(run.stdout).toMatch(new RegExp(`Would create 1 files[\\s\\S]*${UPGRADING}`));
    expect(run.stdout).toMatch(new RegExp(`Would remove 1 files[\\s\\S]*${PASSWORDS}`));
    expect(run.stdout).toMatch(new RegExp(`Would conflict[\\s\\S]*${TOKENS}`));
    expect(run.stdout).toMatch(/Dry run .*: nothing was changed/);
    expect(hashTree(project)).toBe(before);
    expect(await git(['rev-parse', REF])).toBe(ref);
  });

  describe('the update', () => {
    let run: CliRun;
    let head: string;
    let index: string;
    let oldRef: string;
    beforeAll(async () => {
      head = await git(['rev-parse', 'HEAD']);
      index = await git(['ls-files', '--stage']);
      oldRef = await git(['rev-parse', REF]);
      run = await runNew(['update', '--yes']);
    }, 60_000);

    it('ends in exit 3, listing the one conflict', () => {
      expect(run.exitCode, run.all).toBe(3);
      expect(run.stderr).toMatch(/1 file conflict between your edits and create-layered-backend 0\.99\.0/);
      expect(run.stderr).toContain(`  ${TOKENS}: both changed the same lines`);
      expect(run.stderr.match(/both changed the same lines/g)).toHaveLength(1);
    });

    it('writes the conflict with markers, both versions in them', () => {
      expect(read(TOKENS)).toContain(
        '<<<<<<< yours\n    return claims  # checked by the gateway too\n=======\n    return dict(claims)\n>>>>>>> create-layered-backend 0.99.0\n',
      );
    });

    it('merges edits of both sides into the same files', () => {
      expect(read(PAGINATION)).toBe(`# Used by every list endpoint.\n${newer.pagination}`);
      expect(read(PRE_COMMIT)).toBe(`# Our hooks.\n${newer.preCommit}`);
      expect(run.stdout).toMatch(new RegExp(`Merged with your edits: .*${PAGINATION.replace(/\./g, '\\.')}`));
    });

    it('applies changes the user never touched, adds new files, removes unedited old ones', () => {
      expect(read(LIMITS)).toBe(newer.limits);
      expect(read(UPGRADING)).toBe(newer.upgrading);
      expect(fs.existsSync(path.join(project, PASSWORDS))).toBe(false);
    });

    it('keeps a file no longer generated that the user edited, and says so', () => {
      expect(read(CHECK_SYNTAX)).toMatch(/# We still run this one\.\n$/);
      expect(run.stdout).toContain(`${CHECK_SYNTAX} is no longer generated; kept, since you changed it.`);
    });

    it('records the new version in the manifest', () => {
      const manifest = JSON.parse(read('.layered-backend.json')) as { version: string; services: unknown[] };
      expect(manifest.version).toBe(NEW_VERSION);
      expect(manifest.services).toHaveLength(1);
    });

    it("leaves git's HEAD and index alone, and moves the base on (a child of the old one)", async () => {
      expect(await git(['rev-parse', 'HEAD'])).toBe(head);
      expect(await git(['ls-files', '--stage'])).toBe(index);
      expect(await git(['rev-parse', `${REF}^`])).toBe(oldRef);
      expect(await git(['show', `${REF}:${TOKENS}`])).toBe(newer.tokens.trimEnd());
      expect(await git(['log', '-1', '--format=%B', REF])).toContain(`Layered-Backend-Version: ${NEW_VERSION}`);
    });

    it('leaves no lock, journal or staging folder', () => {
      expect(fs.readdirSync(project).filter((entry) => entry.startsWith('.layered-backend') && entry !== '.layered-backend.json')).toEqual([]);
    });

    it('once resolved and committed, is already up to date: exit 0, nothing written', async () => {
      write(TOKENS, read(TOKENS).replace(/<<<<<<< yours\n.*\n=======\n(.*\n)>>>>>>> .*\n/, '$1'));
      await commitAll('update to 0.99.0');
      const before = hashTree(project);
      const again = await runNew(['update', '--yes']);
      expect(again.exitCode, again.all).toBe(0);
      expect(again.stdout).toMatch(/Already up to date with create-layered-backend 0\.99\.0/);
      expect(hashTree(project)).toBe(before);
    });

    it('an older CLI refuses to update it', async () => {
      const old = await runCli(['update', '--yes'], { cwd: project });
      expect(old.exitCode, old.all).toBe(1);
      expect(old.stderr).toMatch(new RegExp(`at create-layered-backend ${NEW_VERSION.replace(/\./g, '\\.')}, newer than this`));
    });
  });
});

describe("update and a machine's own .env (git-ignored, never merged)", () => {
  const machine = path.join(work, 'machine');
  const USERS_ENV = 'services/users/.env';
  const NEW_SETTING = 'USERS_NEW_SETTING=on\n';
  let before: string;
  let run: CliRun;
  beforeAll(async () => {
    const created = await runCli(['machine', '--services', 'users', '--yes', '--no-install'], { cwd: work, env: GIT_IDENTITY });
    expect(created.exitCode, created.all).toBe(0);
    // A newer build whose service adds a setting: to its .env and to its example.
    const bin = newerBuild(path.join(work, 'newer-env'), NEW_VERSION, {
      'service-base': {
        'dot-env.hbs': `${read(USERS_ENV, machine)}${NEW_SETTING}`,
        'dot-env.example.hbs': `${read(`${USERS_ENV}.example`, machine)}# New in ${NEW_VERSION}\n${NEW_SETTING}`,
      },
    });
    // This machine's settings: a key of the generator's deleted, one emptied, one changed, one of its own.
    before = `${read(USERS_ENV, machine)
      .replace(/^USERS_CORS_ORIGINS=.*\n/m, '')
      .replace(/^USERS_PEERS=.*$/m, 'USERS_PEERS=')
      .replace(/^USERS_LOG_LEVEL=.*$/m, 'USERS_LOG_LEVEL=DEBUG')}MY_OWN_SETTING=1\n`;
    write(USERS_ENV, before, machine);
    const result = await execa('node', [bin, 'update', '--yes'], { cwd: machine, reject: false, all: true, stdin: 'ignore', env: { NO_COLOR: '1', ...GIT_IDENTITY } });
    run = { exitCode: result.exitCode ?? -1, stdout: result.stdout, stderr: result.stderr, all: result.all ?? '' };
  }, 60_000);

  it('appends the key new in this version and leaves the rest of the file as it was', () => {
    expect(run.exitCode, run.all).toBe(0);
    expect(read(USERS_ENV, machine)).toBe(`${before}${NEW_SETTING}`);
    expect(run.stdout).toContain(`${USERS_ENV} (git-ignored, not in git diff): added USERS_NEW_SETTING, new in ${NEW_VERSION}.`);
    // The example is a committed file: merged as any other.
    expect(read(`${USERS_ENV}.example`, machine)).toMatch(/# New in .*\nUSERS_NEW_SETTING=on\n$/);
  });

  it('says a key emptied by hand is set in a new project, and leaves it empty; a key deleted by hand stays deleted', () => {
    expect(run.stdout).toContain(`${USERS_ENV}: empty here, set in a new project: USERS_PEERS={}`);
    expect(read(USERS_ENV, machine)).toMatch(/^USERS_PEERS=$/m);
    expect(read(USERS_ENV, machine)).not.toMatch(/USERS_CORS_ORIGINS/);
  });
});

describe('update of a project without a recorded base', () => {
  const plain = path.join(work, 'plain');
  beforeAll(async () => {
    const created = await runCli(['plain', '--services', 'users', '--yes', '--no-install', '--no-git'], { cwd: work });
    expect(created.exitCode, created.all).toBe(0);
  }, 60_000);

  it('outside git: refuses, with the fix', async () => {
    const before = hashTree(plain);
    const run = await runNew(['update', '--yes'], plain);
    expect(run.exitCode, run.all).toBe(1);
    expect(run.stderr).toMatch(/not in a git repository/);
    expect(run.stderr).toContain(`git init && git add -A && git commit`);
    expect(run.stderr).toContain(`npx create-layered-backend@${currentVersion()} update`);
    expect(hashTree(plain)).toBe(before);
  });

  it('in git, by a newer version: refuses, naming the version that can record the base', async () => {
    await git(['init', '-q'], plain);
    await commitAll('as it is', plain);
    const run = await runNew(['update', '--yes'], plain);
    expect(run.exitCode, run.all).toBe(1);
    expect(run.stderr).toMatch(/No record of what create-layered-backend .* generated for this project/);
    expect(run.stderr).toContain(`npx create-layered-backend@${currentVersion()} update`);
  });

  it('by the version that wrote it: records the base, changes no file', async () => {
    // The working tree only: the new ref is a change inside .git.
    const workingTree = () => listFiles(plain).map((file) => `${file}\n${read(file, plain)}`).join('\n');
    const before = workingTree();
    const run = await runCli(['update', '--yes'], { cwd: plain });
    expect(run.exitCode, run.all).toBe(0);
    expect(run.stdout).toMatch(/Already up to date/);
    expect(workingTree()).toBe(before);
    expect(await git(['cat-file', '-t', REF], plain)).toBe('commit');
  });
});

describe('add-service keeps the base', () => {
  const grown = path.join(work, 'grown');
  let created: string;
  beforeAll(async () => {
    const run = await runCli(['grown', '--services', 'users', '--yes', '--no-install'], { cwd: work, env: GIT_IDENTITY });
    expect(run.exitCode, run.all).toBe(0);
    created = await git(['rev-parse', REF], grown);
    const added = await runCli(['add-service', 'orders', '--db', 'postgres', '--yes', '--no-install'], { cwd: grown });
    expect(added.exitCode, added.all).toBe(0);
  }, 60_000);

  it('records a child base holding the new service exactly as written', async () => {
    expect(await git(['rev-parse', `${REF}^`], grown)).toBe(created);
    const inBase = (await git(['ls-tree', '-r', '--name-only', REF, '--', 'services/orders'], grown)).split('\n');
    const onDisk = listFiles(path.join(grown, 'services/orders')).map((file) => `services/orders/${file}`);
    expect(inBase.sort()).toEqual(onDisk.filter((file) => !file.endsWith('/.env')).sort());
    for (const file of inBase) expect(`${await git(['show', `${REF}:${file}`], grown)}`, file).toBe(read(file, grown).replace(/\n$/, ''));
  });

  it('so that update with the same version finds nothing to do', async () => {
    await commitAll('orders', grown);
    const run = await runCli(['update', '--yes'], { cwd: grown });
    expect(run.exitCode, run.all).toBe(0);
    expect(run.stdout).toMatch(/Already up to date/);
  });

  it('a newer CLI adding a service moves the base by that service only; update then adds nothing twice', async () => {
    const before = await git(['rev-parse', REF], grown);
    const added = await runNew(['add-service', 'billing', '--db', 'postgres', '--yes', '--no-install'], grown);
    expect(added.exitCode, added.all).toBe(0);
    expect(await git(['rev-parse', `${REF}^`], grown)).toBe(before);
    // Still the old version's base: the new service in it, the old templates' files as they were.
    expect(await git(['log', '-1', '--format=%B', REF], grown)).toContain(`Layered-Backend-Version: ${currentVersion()}`);
    expect(await git(['show', `${REF}:services/billing/app/core/limits.py`], grown)).toBe(newer.limits.trimEnd());
    expect(await git(['show', `${REF}:${LIMITS}`], grown)).toBe(staticTemplate('service-base', 'app/core/limits.py').trimEnd());
    expect(await git(['show', `${REF}:docker-compose.yml`], grown)).toMatch(/^ {2}billing:$/m);
    await commitAll('billing', grown);
    const run = await runNew(['update', '--yes'], grown);
    expect(run.exitCode, run.all).toBe(0);
    expect(read(LIMITS, grown)).toBe(newer.limits);
    const compose = parse(read('docker-compose.yml', grown)) as { services: Record<string, unknown> };
    expect(Object.keys(compose.services).filter((name) => name.startsWith('billing'))).toEqual(['billing-db', 'billing']);
    expect(read('docker-compose.yml', grown).match(/^ {2}billing:$/gm)).toHaveLength(1);
  });
});

describe('add-entity keeps the base', () => {
  const grown = path.join(work, 'entities');
  let created: string;
  beforeAll(async () => {
    const run = await runCli(['entities', '--services', 'users,orders@postgres', '--yes', '--no-install'], { cwd: work, env: GIT_IDENTITY });
    expect(run.exitCode, run.all).toBe(0);
    created = await git(['rev-parse', REF], grown);
    for (const [service, entity] of [['orders', 'invoice'], ['orders', 'order_item'], ['users', 'address']]) {
      const added = await runCli(['add-entity', service!, entity!, '--yes', '--no-git-check'], { cwd: grown });
      expect(added.exitCode, added.all).toBe(0);
    }
  }, 120_000);

  it('records each added entity in a child base, exactly as written', async () => {
    expect(await git(['rev-list', '--count', `${created}..${REF}`], grown)).toBe('3');
    const inBase = (await git(['ls-tree', '-r', '--name-only', REF], grown)).split('\n');
    const onDisk = listFiles(grown).filter((file) => path.posix.basename(file) !== '.env' && !file.startsWith('.git/'));
    expect(inBase.filter((file) => !onDisk.includes(file))).toEqual([]);
    expect(onDisk.filter((file) => !inBase.includes(file))).toEqual([]);
    for (const file of inBase.filter((name) => /invoice|order_item|address|__init__\.py$|pyproject\.toml$|layered-backend\.json$/.test(name))) {
      expect(await git(['show', `${REF}:${file}`], grown), file).toBe(read(file, grown).replace(/\n$/, ''));
    }
  });

  it('so that update with the same version finds nothing to do', async () => {
    await commitAll('entities', grown);
    const run = await runCli(['update', '--yes'], { cwd: grown });
    expect(run.exitCode, run.all).toBe(0);
    expect(run.stdout).toMatch(/Already up to date/);
  });
});

describe('update killed at every step of its write', () => {
  const original = path.join(work, 'crashy');
  const treeHash = (dir: string) => listFiles(dir).map((file) => `${file}\n${read(file, dir)}`).join('\n');
  const leftovers = (dir: string) => fs.readdirSync(dir).filter((entry) => /layered-backend-(journal|staging)|\.lock$/.test(entry));
  let before: string;
  let after: string;
  beforeAll(async () => {
    const created = await runCli(['crashy', '--services', 'users', '--yes', '--no-install'], { cwd: work, env: GIT_IDENTITY });
    expect(created.exitCode, created.all).toBe(0);
    write(PAGINATION, `# Used by every list endpoint.\n${read(PAGINATION, original)}`, original);
    await commitAll('hand edit', original);
    before = treeHash(original);
    const reference = path.join(work, 'crashy-reference');
    fs.cpSync(original, reference, { recursive: true });
    const updated = await runNew(['update', '--yes'], reference);
    expect(updated.exitCode, updated.all).toBe(0);
    after = treeHash(reference);
  }, 60_000);

  it('is recovered by the next run: exactly as before or exactly as after', async () => {
    const attempt = async (step: number): Promise<string> => {
      const project = path.join(work, `crashy-${step}`);
      fs.cpSync(original, project, { recursive: true });
      const crashed = await execa('node', [newBin, 'update', '--yes'], { cwd: project, reject: false, all: true, env: { CLB_CRASH_AFTER_STEP: String(step) } });
      if (crashed.exitCode === 0) return 'survived';
      expect(crashed.signal, crashed.all).toBe('SIGKILL');
      // The next run recovers first; a dry run changes nothing else.
      const next = await runNew(['update', '--dry-run'], project);
      expect(next.all).not.toMatch(/\n\s+at /);
      expect(leftovers(project), `step ${step}`).toEqual([]);
      const hash = treeHash(project);
      expect([before, after], `step ${step}: ${next.all}`).toContain(hash);
      if (hash === before) expect(next.all).toMatch(/rolled back; the project is as before|left by a run interrupted before it changed anything/);
      else expect(next.all).toMatch(/Recovered an interrupted update: finished it|Already up to date|Would/);
      fs.rmSync(project, { recursive: true, force: true });
      return hash === before ? 'before' : 'after';
    };
    const outcomes: string[] = [];
    // A few steps at once, until a run survives (the write has fewer steps than that).
    for (let first = 0; first < 60 && !outcomes.includes('survived'); first += 4) {
      outcomes.push(...(await Promise.all([0, 1, 2, 3].map((offset) => attempt(first + offset)))));
    }
    const steps = outcomes.slice(0, outcomes.indexOf('survived'));
    // Staged, journal written, each file renamed or removed: never anything in between.
    expect(steps.length).toBeGreaterThanOrEqual(5);
    expect(steps[0]).toBe('before');
    expect(steps.at(-1)).toBe('after');
    expect(steps.indexOf('after')).toBeGreaterThan(0);
    expect(steps.slice(steps.indexOf('after')).every((outcome) => outcome === 'after')).toBe(true);
  }, 300_000);
});

it('update --help documents the flags, examples and exit codes', async () => {
  const help = await runCli(['update', '--help'], { cwd: work });
  expect(help.exitCode).toBe(0);
  for (const flag of ['--dry-run', '-y, --yes', '--cwd <dir>', '--no-git-check']) expect(help.stdout).toContain(flag);
  expect(help.stdout).toMatch(/Examples:/);
  expect(help.stdout).toMatch(/3 updated, but files conflict/);
});
