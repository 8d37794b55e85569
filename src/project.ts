/**
 * Finding an existing project and reading its manifest, for `add-service`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { MANIFEST_FILE } from './context.js';
import { UsageError } from './errors.js';
import type { Manifest, ManifestService } from './manifest.js';
import { DATABASES, FRAMEWORKS, PACKAGE_MANAGERS } from './options.js';

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

const isString = (value: unknown): value is string => typeof value === 'string' && value.length > 0;
const isPort = (value: unknown): value is number => Number.isInteger(value) && (value as number) > 0 && (value as number) < 65536;
const oneOf = (values: readonly string[]) => (value: unknown): boolean => typeof value === 'string' && values.includes(value);

/** What is wrong with one service record, or undefined. */
function serviceProblem(service: unknown, index: number): string | undefined {
  if (typeof service !== 'object' || service === null) return `services[${index}] is not an object`;
  const record = service as Record<string, unknown>;
  const checks: Array<[string, (value: unknown) => boolean]> = [
    ['name', isString],
    ['module', isString],
    ['envPrefix', isString],
    ['entity', isString],
    ['routePath', isString],
    ['framework', oneOf(FRAMEWORKS)],
    ['db', oneOf(DATABASES)],
    ['port', isPort],
  ];
  for (const [key, valid] of checks) {
    if (!valid(record[key])) return `services[${index}].${key} is missing or invalid (${JSON.stringify(record[key])})`;
  }
  if (record.dbPort !== undefined && !isPort(record.dbPort)) return `services[${index}].dbPort is invalid`;
  return undefined;
}

/** Read and check the manifest; a corrupted one is a UsageError saying what is wrong. */
export function readManifest(root: string): Manifest {
  const file = path.join(root, MANIFEST_FILE);
  const fix = `Restore it from git (git checkout -- ${MANIFEST_FILE}) or repair it by hand.`;
  let data: unknown;
  try {
    data = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`${file} is not valid JSON: ${(error as Error).message}`, [fix]);
  }
  const manifest = data as Partial<Manifest> & Record<string, unknown>;
  const problems: string[] = [];
  if (typeof data !== 'object' || data === null || Array.isArray(data)) problems.push('it is not a JSON object');
  else {
    if (!isString(manifest.project)) problems.push('"project" is missing');
    if (!oneOf(FRAMEWORKS)(manifest.framework)) problems.push(`"framework" must be one of ${FRAMEWORKS.join(', ')}`);
    if (!oneOf(PACKAGE_MANAGERS)(manifest.packageManager)) problems.push(`"packageManager" must be one of ${PACKAGE_MANAGERS.join(', ')}`);
    if (!isString(manifest.python)) problems.push('"python" is missing');
    if (manifest.db !== undefined && !oneOf(DATABASES)(manifest.db)) problems.push(`"db" must be one of ${DATABASES.join(', ')}`);
    if (!Array.isArray(manifest.services) || manifest.services.length === 0) problems.push('"services" must list at least one service');
    else manifest.services.forEach((service, index) => {
      const problem = serviceProblem(service, index);
      if (problem) problems.push(problem);
    });
  }
  if (problems.length > 0) throw new UsageError(`${file} is not a valid manifest: ${problems.join('; ')}.`, [fix]);
  return manifest as Manifest;
}

export const serviceNames = (manifest: Manifest): string[] => manifest.services.map((service: ManifestService) => service.name);
