/**
 * What a run loads is what it costs to start (issue 11: --help and a dry run near node's own
 * start). Which node builtins and which of the package's files a run loads is deterministic,
 * unlike its time, so that is what these tests hold: each path loads only what it uses.
 * The times themselves are measured by `npm run bench`, as ratios against node in the same run.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { binPath, repoRoot, tempDir } from '../helpers/cli.js';

const work = tempDir('startup');
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));
const dist = path.join(repoRoot, 'dist');

interface Loaded {
  builtins: string[];
  /** The package's files, relative to dist/, that it required. */
  files: string[];
  /** The package's files, relative to dist/, that it read as data. */
  reads: string[];
  /** The text of every JavaScript file of dist/ it loaded. */
  code: string;
}

let runs = 0;
async function loadedBy(args: string[]): Promise<Loaded> {
  const file = path.join(work, `loaded-${runs++}.json`);
  const result = await execa('node', ['-r', path.join(repoRoot, 'test/helpers/loaded-modules.cjs'), binPath, ...args], {
    cwd: work,
    env: { LOADED_MODULES_FILE: file, CI: '1', PATH: process.env.PATH },
    extendEnv: false,
    reject: false,
    stdin: 'ignore',
  });
  expect(result.exitCode, result.stderr).toBe(0);
  const { builtins, files, reads } = JSON.parse(fs.readFileSync(file, 'utf8')) as { builtins: string[]; files: string[]; reads: string[] };
  const inDist = (paths: string[]) => paths.filter((loaded) => loaded.startsWith(dist + path.sep)).map((loaded) => path.relative(dist, loaded).split(path.sep).join('/'));
  const ours = inDist(files);
  return { builtins, files: ours, reads: inDist(reads), code: ours.map(sourceOf).join('\n') };
}

/**
 * The code of a file of dist/: a file shipped compressed (scripts/compress-dist.mjs) is a stub
 * naming its blob, and what it loads is its code in that blob.
 */
function sourceOf(file: string): string {
  const text = fs.readFileSync(path.join(dist, file), 'utf8');
  const blob = /^require\("[./]*unpack\.js"\)\(module,"(\w+)"\);\n$/.exec(text)?.[1];
  if (blob === undefined) return text;
  const files = JSON.parse(zlib.brotliDecompressSync(fs.readFileSync(path.join(dist, `${blob}.br`))).toString()) as Record<string, string>;
  const code = files[file];
  if (code === undefined) throw new Error(`${file} is not in dist/${blob}.br`);
  return code;
}

/** Strings that survive minification, one per library loaded only on the paths that use it. */
const LIBRARIES = {
  yaml: 'tag:yaml.org,2002:',
  execa: 'Command failed with exit code',
  // The escape as esbuild writes it in the bundle: clack's step symbol.
  '@clack/prompts': '\\u25C6',
  // The line under a patch's header.
  diff: '='.repeat(40),
  handlebars: 'Handlebars',
};
const librariesIn = (code: string): string[] => Object.entries(LIBRARIES).filter(([, marker]) => code.includes(marker)).map(([name]) => name);

/** Never wanted before a tool runs: the ES module loader, subprocesses, and (for --help) crypto. */
const ESM_LOADER = 'internal/modules/esm/translators';

const createArgs = (dir: string, ...more: string[]) => [dir, '--yes', '--no-install', '--no-git', '--package-manager', 'uv', ...more];

describe('what a run loads', () => {
  it.each([['--help'], ['--version'], ['add-service', '--help']])('%s loads commander and the command line only', async (...args) => {
    const loaded = await loadedBy(args);
    expect(loaded.builtins).not.toContain(ESM_LOADER);
    expect(loaded.builtins).not.toContain('child_process');
    expect(loaded.builtins).not.toContain('crypto');
    expect(librariesIn(loaded.code)).toEqual([]);
    expect([...loaded.files, ...loaded.reads].filter((file) => file.startsWith('templates/'))).toEqual([]);
  });

  it.each([
    ['fastapi', 'sqlite', ['service-fastapi', 'service-sqlite']],
    ['litestar', 'postgres', ['service-litestar', 'service-postgres', 'service-server']],
    ['fastapi', 'mysql', ['service-fastapi', 'service-mysql', 'service-server']],
  ])('a dry run of %s on %s starts no subprocess and loads only the template layers it renders', async (framework, db, layers) => {
    const loaded = await loadedBy(createArgs(`dry-${framework}-${db}`, '--framework', framework, '--db', db, '--dry-run'));
    // No subprocess: uv is looked up on PATH, not asked for its version.
    expect(loaded.builtins).not.toContain('child_process');
    // Nor node:crypto: the secrets come from /dev/urandom (src/random.ts).
    if (process.platform !== 'win32') expect(loaded.builtins).not.toContain('crypto');
    expect(loaded.builtins).not.toContain(ESM_LOADER);
    // Nothing needs createRequire: the templates are data files, read.
    expect(loaded.builtins).not.toContain('module');
    // No library: the templates are rendered from the build's compiled form, without Handlebars
    // (src/render/template-runtime.ts); the YAML files are written without the yaml library
    // (src/yaml-text.ts), which only the commands that edit YAML load.
    expect(librariesIn(loaded.code)).toEqual([]);
    expect(loaded.files.filter((file) => file.startsWith('templates/'))).toEqual([]);
    const templates = loaded.reads.filter((file) => file.startsWith('templates/')).map((file) => path.basename(file, '.tpl'));
    expect(templates.sort()).toEqual(['partials', 'project', 'service-base', ...layers].sort());
  });

  it('a create that installs nothing and skips git starts no subprocess, and writes the project', async () => {
    const loaded = await loadedBy(createArgs('written'));
    expect(loaded.builtins).not.toContain('child_process');
    expect(librariesIn(loaded.code)).not.toContain('execa');
    expect(librariesIn(loaded.code)).not.toContain('yaml');
    // Nor the steps it does not take (git, install, tests): they are shipped compressed, and
    // loading any one of them decompresses dist/cold.br.
    expect(loaded.files).not.toContain('unpack.js');
    expect(loaded.files.filter((file) => /^(git|install|test|phases)-/.test(file))).toEqual([]);
    expect(fs.readFileSync(path.join(work, 'written/services/users/pyproject.toml'), 'utf8')).toContain('name = ');
  });
});
