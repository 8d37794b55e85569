import { DEFAULT_AUTH, DEFAULT_IDENTITY_SERVICE } from '../../src/auth.js';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { parseServices, reproduceCommand, resolveFromFlags, shellQuote, type CreateFlags } from '../../src/options.js';

const baseFlags: CreateFlags = { install: true, test: true, git: true };
const env = { cwd: '/tmp/work', uvAvailable: true };

describe('parseServices', () => {
  it('derives entities and keeps the order given', () => {
    expect(parseServices('users, orders ,catalog:product', 'sqlite')).toEqual([
      { name: 'users', entity: 'user', db: 'sqlite' },
      { name: 'orders', entity: 'order', db: 'sqlite' },
      { name: 'catalog', entity: 'product', db: 'sqlite' },
    ]);
  });

  it.each([
    ['', /at least one service/],
    [' , ', /at least one service/],
    ['users,users', /listed twice/],
    ['user-api,user_api', /both become the Python module "user_api"/],
    ['users:user:x', /more than one ":"/],
    ['users:User', /Service "users": "User" is not a valid entity name/],
    ['Users', /lower-case/],
  ])('rejects %j', (value, message) => {
    expect(parseServices(value, 'sqlite')).toMatch(message);
  });
});

describe('resolveFromFlags', () => {
  it('fills every default', () => {
    const answers = resolveFromFlags(undefined, baseFlags, env);
    expect(answers).toEqual({
      directory: 'layered-backend',
      projectName: 'layered-backend',
      services: [
        { name: 'users', entity: 'user', db: 'sqlite' },
        { name: 'orders', entity: 'order', db: 'sqlite' },
      ],
      framework: 'fastapi',
      db: 'sqlite',
      auth: DEFAULT_AUTH,
      identityService: DEFAULT_IDENTITY_SERVICE,
      broker: 'none',
      packageManager: 'uv',
      python: '3.12',
      install: true,
      test: true,
      git: true,
    });
  });

  it('falls back to pip without uv, and --no-install implies --no-test', () => {
    const answers = resolveFromFlags('apps/demo', { ...baseFlags, install: false }, { ...env, uvAvailable: false });
    expect(answers.projectName).toBe('demo');
    expect(answers.packageManager).toBe('pip');
    expect(answers.test).toBe(false);
  });

  it('names the project after the current directory for "."', () => {
    expect(resolveFromFlags('.', baseFlags, { ...env, cwd: '/tmp/shop-api' }).projectName).toBe('shop-api');
  });

  it.each([
    ['My App', baseFlags, /Try "my-app"/],
    ['demo', { ...baseFlags, services: 'class' }, /Python keyword/],
    ['demo', { ...baseFlags, python: '3.9' }, /Python 3.9 is not supported/],
  ])('throws a UsageError for %j %j', (directory, flags, message) => {
    expect(() => resolveFromFlags(directory, flags, env)).toThrow(UsageError);
    expect(() => resolveFromFlags(directory, flags, env)).toThrow(message);
  });
});

describe('reproduceCommand', () => {
  it('spells out every answer, entities only where they differ from the default', () => {
    const answers = resolveFromFlags('demo', { ...baseFlags, services: 'users,catalog:product', git: false }, env);
    expect(reproduceCommand(answers)).toBe(
      'npx create-layered-backend demo --services users,catalog:product --framework fastapi --db sqlite --package-manager uv --python 3.12 --no-git --yes',
    );
  });

  it('reproduces to the same answers', () => {
    const answers = resolveFromFlags('demo', { ...baseFlags, services: 'a-b:thing,billing', install: false }, env);
    const argv = reproduceCommand(answers).split(' ').slice(2);
    const flags: CreateFlags = { ...baseFlags };
    for (let i = 1; i < argv.length; i++) {
      const arg = argv[i]!;
      if (arg === '--services') flags.services = argv[++i];
      if (arg === '--no-install') flags.install = false;
      if (arg === '--package-manager') flags.packageManager = argv[++i] as 'uv';
    }
    expect(resolveFromFlags(argv[0], flags, env)).toEqual(answers);
  });

  it('quotes what a shell would split', () => {
    expect(shellQuote('demo')).toBe('demo');
    expect(shellQuote("my dir/it's")).toBe(`'my dir/it'\\''s'`);
  });
});
