/**
 * Finding an existing project and reading its manifest, for `add-service`.
 */
import fs from 'node:fs';
import path from 'node:path';
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
