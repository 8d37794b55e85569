/**
 * The pristine render of a project: exactly what the generator produces for the project's
 * answers (its manifest), kept in git as a commit on a ref of its own, so that `update` can
 * three-way merge between it, the working tree and the render of a newer version.
 *
 * The commit is written with `git fast-import` (one process for every blob, the tree, the
 * commit and the ref): no checkout, and the user's index, HEAD and branches are never
 * touched. Each render is a child of the previous one, so `git log -p` on the ref shows what
 * the generator changed, version after version.
 *
 * Machine-local files (every `.env`: git-ignored, holding secrets) are left out: they differ
 * on each machine and are never merged.
 *
 * One rule says which version's templates the base is: the manifest's. A command run by a
 * CLI of another version (add-service with a newer CLI before update) cannot render the rest
 * of the project as that version did: it moves the base by its own change only (transplant),
 * so that update later merges the templates' difference and adds nothing twice.
 */
import path from 'node:path';
import { projectContextOf, type ServiceRecord } from './context.js';
import { MANIFEST_FILE } from './context.js';
import { manifestAuth, manifestBroker, serviceEntities, type Manifest } from './manifest.js';
import { planAddEntity, planFiles } from './commands/add-entity.js';
import { DEFAULT_IDENTITY_SERVICE } from './auth.js';
import type { CreateAnswers } from './options.js';
import { renderProject } from './render/project.js';
import { packagedTemplates, type TemplateSet } from './render/templates.js';
import type { Plan } from './render/plan.js';
import { sha256 } from './journal.js';
import { mergeFile } from './merge.js';

/** The ref of a project at the root of its repository; one in a subfolder gets a suffix. */
export const PRISTINE_REF = 'refs/layered-backend/base';
const COMMITTER = 'create-layered-backend <create-layered-backend@localhost>';
const YEAR_TRAILER = 'Layered-Backend-Year';
const VERSION_TRAILER = 'Layered-Backend-Version';

/** A file of each machine's own (git-ignored, with secrets): never in the base, never merged. */
export const isMachineLocal = (file: string): boolean => path.posix.basename(file) === '.env';

/** The auth answers a manifest records (none when it predates the choice). */
function manifestAuthAnswers(manifest: Manifest): Pick<CreateAnswers, 'auth' | 'identityService'> {
  const choice = manifestAuth(manifest);
  return { auth: choice.auth, identityService: choice.identityService ?? DEFAULT_IDENTITY_SERVICE };
}

/** The answers a manifest records, as `create` takes them. */
function manifestAnswers(manifest: Manifest): CreateAnswers {
  return {
    directory: manifest.project,
    projectName: manifest.project,
    services: manifest.services.map((service) => ({ name: service.name, entity: service.entity, db: service.db })),
    framework: manifest.framework,
    db: manifest.db,
    packageManager: manifest.packageManager,
    python: manifest.python,
    ...manifestAuthAnswers(manifest),
    broker: manifestBroker(manifest),
    install: true,
    test: true,
    git: true,
  };
}

/**
 * What the generator of `manifest.version` (these templates) produces for the manifest's
 * answers, machine-local files left out. The services keep the ports the manifest records.
 * Every command that grows the manifest (add-service, add-entity) must be reflected here, so
 * that a render of its answers is the project it wrote.
 */
export const renderPristine = (manifest: Manifest, year: number, templates: TemplateSet = packagedTemplates()): Plan =>
  withoutMachineLocal(renderGenerated(manifest, year, templates));

/** A plan without its machine-local files. */
export const withoutMachineLocal = (plan: Plan): Plan => new Map([...plan].filter(([file]) => !isMachineLocal(file)));

/** What the generator produces for the manifest's answers, machine-local files (fresh secrets) included. */
export function renderGenerated(manifest: Manifest, year: number, templates: TemplateSet = packagedTemplates()): Plan {
  const records: ServiceRecord[] = manifest.services.map((service) => ({
    name: service.name,
    entity: service.entity,
    framework: service.framework,
    db: service.db,
    port: service.port,
    ...(service.dbPort === undefined ? {} : { dbPort: service.dbPort }),
  }));
  const context = projectContextOf(manifestAnswers(manifest), records, manifest.version, year);
  const plan = renderProject(context, manifest, templates);
  // Each entity after a service's first was added by add-entity: grown here through the same
  // plan, in the manifest's order, so its migration follows the generator's own chain.
  let grown: Manifest = { ...manifest, services: manifest.services.map(({ entities: _added, ...service }) => service) };
  for (const service of manifest.services) {
    for (const entity of serviceEntities(service).slice(1)) {
      const added = planAddEntity(planFiles(plan), grown, service.name, entity, templates);
      if (added.conflicts.length > 0) throw new Error(`cannot render ${service.name}/${entity}: ${added.conflicts.join('; ')}`);
      for (const [file, contents] of added.change.create) plan.set(file, contents);
      for (const [file, { after }] of added.change.modify) if (file !== MANIFEST_FILE) plan.set(file, after);
      grown = added.manifest;
    }
  }
  return plan;
}

interface GitResult {
  exitCode: number;
  stdout: Buffer;
  stderr: string;
}

async function git(args: string[], cwd: string, input?: Buffer | string): Promise<GitResult> {
  const { execa } = await import('execa');
  const result = await execa('git', args, {
    cwd,
    reject: false,
    encoding: 'buffer',
    ...(input === undefined ? { stdin: 'ignore' as const } : { input }),
    // Never a pager, never a prompt, never the user's hooks: this is plumbing.
    env: { GIT_TERMINAL_PROMPT: '0', GIT_PAGER: 'cat' },
  }).catch((error: Error) => ({ exitCode: -1, stdout: new Uint8Array(), stderr: error.message }));
  const stderr = typeof result.stderr === 'string' ? result.stderr : Buffer.from(result.stderr as Uint8Array).toString('utf8');
  return { exitCode: result.exitCode ?? -1, stdout: Buffer.from(result.stdout as Uint8Array), stderr: stderr.trim() };
}

/** The repository holding `root` and the ref of its base, or why there is none. */
export async function pristineLocation(root: string): Promise<{ ref: string } | { reason: string }> {
  const inside = await git(['rev-parse', '--show-prefix'], root);
  if (inside.exitCode !== 0) {
    if (inside.exitCode === -1) return { reason: 'git is not installed' };
    // Anything but "not a git repository" (a repository git refuses to use, say) is said as git says it.
    const said = inside.stderr.split('\n')[0] ?? '';
    return { reason: /not a git repository/i.test(said) || said === '' ? 'the project is not in a git repository' : `git says: ${said}` };
  }
  // A project in a subfolder of a larger repository: one ref per project folder.
  const prefix = inside.stdout.toString('utf8').trim().replace(/\/$/, '');
  return { ref: prefix === '' ? PRISTINE_REF : `${PRISTINE_REF}-${sha256(prefix).slice(0, 12)}` };
}

export interface Pristine {
  ref: string;
  commit: string;
  /** Project-relative path -> contents, as the generator wrote it. */
  files: Map<string, Buffer>;
  version: string | undefined;
  year: number | undefined;
}

/** Parse `git ls-tree -r -z` and `git cat-file --batch` output into path -> contents. */
function parseBlobs(listing: Buffer, batch: Buffer): Map<string, Buffer> {
  const entries = listing
    .toString('utf8')
    .split('\0')
    .filter(Boolean)
    .map((line) => {
      const tab = line.indexOf('\t');
      const [, type, oid] = line.slice(0, tab).split(' ') as [string, string, string];
      return { type, oid, file: line.slice(tab + 1) };
    })
    .filter((entry) => entry.type === 'blob');
  const files = new Map<string, Buffer>();
  let offset = 0;
  for (const entry of entries) {
    const headerEnd = batch.indexOf(0x0a, offset);
    const [oid, type, size] = batch.subarray(offset, headerEnd).toString('utf8').split(' ');
    if (oid !== entry.oid || type !== 'blob') throw new Error(`unexpected object ${oid} (${type}) for ${entry.file}`);
    const start = headerEnd + 1;
    files.set(entry.file, batch.subarray(start, start + Number(size)));
    offset = start + Number(size) + 1;
  }
  return files;
}

const trailer = (message: string, key: string): string | undefined => new RegExp(`^${key}: *(.+)$`, 'm').exec(message)?.[1]?.trim();

/** The project's base, or undefined when none was recorded (or the project is not in git). */
export async function readPristine(root: string, known?: { ref: string }): Promise<Pristine | undefined> {
  const location = known ?? (await pristineLocation(root));
  if (!('ref' in location)) return undefined;
  const commit = await git(['rev-parse', '--verify', '--quiet', `${location.ref}^{commit}`], root);
  if (commit.exitCode !== 0) return undefined;
  const oid = commit.stdout.toString('utf8').trim();
  const listing = await git(['ls-tree', '-r', '-z', oid], root);
  const message = await git(['log', '-1', '--format=%B', oid], root);
  if (listing.exitCode !== 0 || message.exitCode !== 0) throw new Error(`git cannot read ${location.ref}: ${listing.stderr || message.stderr}`);
  const oids = listing.stdout
    .toString('utf8')
    .split('\0')
    .filter((line) => line.split(' ')[1] === 'blob')
    .map((line) => line.split(' ')[2]!.split('\t')[0]!);
  const batch = oids.length === 0 ? { exitCode: 0, stdout: Buffer.alloc(0), stderr: '' } : await git(['cat-file', '--batch'], root, `${oids.join('\n')}\n`);
  if (batch.exitCode !== 0) throw new Error(`git cannot read the files of ${location.ref}: ${batch.stderr}`);
  const text = message.stdout.toString('utf8');
  const year = Number(trailer(text, YEAR_TRAILER));
  return {
    ref: location.ref,
    commit: oid,
    files: parseBlobs(listing.stdout, batch.stdout),
    version: trailer(text, VERSION_TRAILER),
    year: Number.isInteger(year) && year > 0 ? year : undefined,
  };
}

/** A path as fast-import reads it: C-quoted when it holds a quote, a backslash or a control character. */
const importPath = (file: string): string =>
  /^[^"\\\x00-\x1f]*$/.test(file) ? file : `"${file.replace(/[\\"]/g, '\\$&').replace(/\n/g, '\\n')}"`;

/** The fast-import stream of one commit holding exactly `plan`, child of `parent` when given. */
export function fastImportStream(ref: string, plan: Plan, message: string, parent: string | undefined, when: Date): Buffer {
  const parts: Buffer[] = [];
  const text = (value: string) => parts.push(Buffer.from(value, 'utf8'));
  const data = (value: Buffer) => {
    text(`data ${value.length}\n`);
    parts.push(value);
    text('\n');
  };
  text('feature done\n');
  text(`commit ${ref}\n`);
  text(`committer ${COMMITTER} ${Math.floor(when.getTime() / 1000)} +0000\n`);
  data(Buffer.from(message, 'utf8'));
  if (parent) text(`from ${parent}\n`);
  text('deleteall\n');
  for (const file of [...plan.keys()].sort()) {
    text(`M 100644 inline ${importPath(file)}\n`);
    data(Buffer.from(plan.get(file)!, 'utf8'));
  }
  text('done\n');
  return Buffer.concat(parts);
}

export type PristineOutcome = { kind: 'recorded'; ref: string } | { kind: 'unchanged'; ref: string } | { kind: 'skipped'; reason: string };

/**
 * The old base moved by a command's change alone, as this CLI's templates express it: each file
 * the change touches is merged three ways (this CLI's render of the answers before, the old
 * base, its render after). Where that conflicts, the old base's file stays.
 */
async function transplant(previous: Pristine, before: Manifest, after: Manifest, year: number): Promise<Plan> {
  const old = renderPristine({ ...before, version: after.version }, year);
  const now = renderPristine(after, year);
  const plan: Plan = new Map([...previous.files].map(([file, contents]) => [file, contents.toString('utf8')]));
  const labels = { ours: 'base', base: 'before', theirs: 'after' };
  for (const file of new Set([...old.keys(), ...now.keys()])) {
    const [was, is, base] = [old.get(file), now.get(file), previous.files.get(file)];
    if (was === is) continue;
    if (is === undefined) plan.delete(file);
    else if (was === undefined || base === undefined || base.equals(Buffer.from(was, 'utf8'))) plan.set(file, is);
    else {
      const merged = await mergeFile({ base: Buffer.from(was, 'utf8'), ours: base, theirs: is }, labels);
      if (merged.conflicts === 0) plan.set(file, merged.text);
    }
  }
  return plan;
}

/**
 * Record the render of `manifest` as the project's base, after a command wrote it. `plan` is
 * that render when the caller has it already (update); otherwise it is rendered here with this
 * CLI's templates. When this CLI is not the version the manifest names, the old base is moved
 * by the command's change only (`before` is the manifest the command started from). Nothing is
 * recorded when the project is not in git.
 */
export async function recordPristine(
  root: string,
  manifest: Manifest,
  options: { version: string; command: string; plan?: Plan; before?: Manifest },
): Promise<PristineOutcome> {
  const location = await pristineLocation(root);
  if (!('ref' in location)) return { kind: 'skipped', reason: location.reason };
  const previous = await readPristine(root, location);
  const year = previous?.year ?? new Date().getFullYear();
  let plan: Plan;
  if (manifest.version === options.version) plan = options.plan ?? renderPristine(manifest, year);
  else if (previous && options.before) plan = await transplant(previous, options.before, manifest, year);
  else return { kind: 'skipped', reason: `the project is at ${manifest.version} and this is ${options.version}, with no base to move: run update` };
  if (previous && previous.version === manifest.version && samePlan(previous.files, plan)) return { kind: 'unchanged', ref: location.ref };
  const message = [
    `${manifest.generator} ${manifest.version}: ${options.command}`,
    '',
    `What ${manifest.generator} ${manifest.version} generates for this project's answers (${MANIFEST_FILE}).`,
    'update merges from here (create-layered-backend update --help).',
    '',
    `${VERSION_TRAILER}: ${manifest.version}`,
    `${YEAR_TRAILER}: ${year}`,
    '',
  ].join('\n');
  const imported = await git(['fast-import', '--quiet', '--done'], root, fastImportStream(location.ref, plan, message, previous?.commit, new Date()));
  if (imported.exitCode !== 0) throw new Error(`git fast-import failed: ${imported.stderr.split('\n').slice(-3).join(' ')}`);
  return { kind: 'recorded', ref: location.ref };
}

function samePlan(files: ReadonlyMap<string, Buffer>, plan: Plan): boolean {
  if (files.size !== plan.size) return false;
  for (const [file, contents] of plan) {
    const other = files.get(file);
    if (!other || !other.equals(Buffer.from(contents, 'utf8'))) return false;
  }
  return true;
}
