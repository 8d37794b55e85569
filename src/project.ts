/**
 * Finding an existing project and reading its manifest, for `add-service`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { COMPOSE_ENV_EXAMPLE_FILE, COMPOSE_ENV_FILE } from './compose.js';
import { GENERATOR_NAME, MANIFEST_FILE } from './context.js';
import { UsageError } from './errors.js';
import { majorVersion, manifestProblems, oneLine, type Manifest, type ManifestService } from './manifest.js';

/** The directory holding the manifest, walking up from `start`. */
export function findProjectRoot(start: string): string {
  let current = path.resolve(start);
  for (;;) {
    if (fs.existsSync(path.join(current, MANIFEST_FILE))) return current;
    const parent = path.dirname(current);
    if (parent === current) {
      throw new UsageError(`${path.resolve(start)} is not inside a create-layered-backend project: no ${MANIFEST_FILE} there or above.`, [
        'Run add-service from the project (or one of its folders), or point at it with --cwd <dir>.',
      ]);
    }
    current = parent;
  }
}

/** At most this many problems are listed: the message stays one readable line. */
const SHOWN_PROBLEMS = 3;

/**
 * Read and check the manifest. A corrupted or hostile one is a UsageError naming the field,
 * and so is one written by a newer major version of the generator, whose format this one
 * cannot know. `retry` is the command to suggest with the newer version.
 */
export function readManifest(root: string, runningVersion: string, retry = 'add-service <name>'): Manifest {
  const file = path.join(root, MANIFEST_FILE);
  const fix = `Restore it from git (git checkout -- ${MANIFEST_FILE}) or repair it by hand.`;
  let raw: string;
  try {
    raw = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`${file} cannot be read: ${(error as Error).message}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch (error) {
    throw new UsageError(`${file} is not valid JSON: ${oneLine((error as Error).message)}`, [fix]);
  }
  const version = (data as { version?: unknown } | null)?.version;
  const written = typeof version === 'string' ? majorVersion(version) : undefined;
  const running = majorVersion(runningVersion);
  if (written !== undefined && running !== undefined && written > running) {
    throw new UsageError(
      `${file} was written by ${GENERATOR_NAME} ${version}; this is ${runningVersion}: upgrade with npx ${GENERATOR_NAME}@latest ${retry}`,
    );
  }
  const problems = manifestProblems(data);
  if (problems.length > 0) {
    const more = problems.length > SHOWN_PROBLEMS ? ` (and ${problems.length - SHOWN_PROBLEMS} more)` : '';
    throw new UsageError(`${file} is not a valid manifest: ${problems.slice(0, SHOWN_PROBLEMS).join('; ')}${more}.`, [fix]);
  }
  return data as Manifest;
}

export const serviceNames = (manifest: Manifest): string[] => manifest.services.map((service: ManifestService) => service.name);

/** Services of the manifest whose folder under services/ is gone (deleted or renamed). */
export const missingServiceFolders = (root: string, manifest: Manifest): string[] =>
  manifest.services.filter((service) => !fs.existsSync(path.join(root, 'services', service.name))).map((service) => service.name);

/** Folders under services/ that the manifest does not list. */
function unlistedServiceFolders(root: string, manifest: Manifest): string[] {
  const listed = new Set(serviceNames(manifest));
  const dir = path.join(root, 'services');
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !listed.has(entry.name))
    .map((entry) => entry.name)
    .sort();
}

/**
 * What add-service notices about a project and works around, each as a one-line warning: a
 * manifest found above the directory it was started from, services whose folder is gone, a
 * missing root .env that docker compose reads database passwords from.
 */
export function projectWarnings(start: string, root: string, manifest: Manifest, added: { name: string; db: string }): string[] {
  const warnings: string[] = [];
  if (path.resolve(start) !== root) {
    warnings.push(`No ${MANIFEST_FILE} in ${path.resolve(start)}: using the project found above it, in ${root}.`);
  }
  const missing = missingServiceFolders(root, manifest);
  if (missing.length > 0) {
    const unlisted = unlistedServiceFolders(root, manifest).filter((name) => name !== added.name);
    const renamed = unlisted.length > 0 ? ` (renamed? services/ holds ${unlisted.join(', ')}, which ${MANIFEST_FILE} does not list)` : '';
    warnings.push(
      `${missing.map((name) => `services/${name}`).join(', ')} ${missing.length > 1 ? 'are' : 'is'} listed in ${MANIFEST_FILE} but missing${renamed}: left out of the peer settings and the install; restore it or remove it from ${MANIFEST_FILE} before make test, which starts every listed service.`,
    );
  }
  const withPasswords = manifest.services.filter((service) => service.db !== 'sqlite').map((service) => service.name);
  if (!fs.existsSync(path.join(root, COMPOSE_ENV_FILE)) && (withPasswords.length > 0 || added.db !== 'sqlite')) {
    const created = added.db !== 'sqlite' ? `it is created with the password of ${added.name} only` : 'it is not created';
    const others = withPasswords.length > 0 ? `; docker compose also needs those of ${withPasswords.join(', ')} (see ${COMPOSE_ENV_EXAMPLE_FILE})` : '';
    warnings.push(`The root ${COMPOSE_ENV_FILE}, where docker compose reads database passwords, is missing: ${created}${others}.`);
  }
  return warnings;
}
