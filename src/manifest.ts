/**
 * The manifest at the project root records the generator version and every answer, per
 * service. `add-service` reads it; the generated root tests and tooling read its service list.
 */
import { GENERATOR_NAME, type ServiceRecord } from './context.js';
import { envPrefix, toSnake } from './naming.js';
import { entityContext } from './context.js';
import type { CreateAnswers, Database, Framework, PackageManager } from './options.js';

export interface ManifestService extends ServiceRecord {
  module: string;
  envPrefix: string;
  routePath: string;
}

export interface Manifest {
  generator: string;
  version: string;
  project: string;
  framework: Framework;
  /** The project's default database, offered first to new services. */
  db: Database;
  packageManager: PackageManager;
  python: string;
  services: ManifestService[];
}

export function manifestService(record: ServiceRecord): ManifestService {
  return {
    name: record.name,
    module: toSnake(record.name),
    envPrefix: envPrefix(record.name),
    entity: record.entity,
    routePath: entityContext(record.entity).routePath,
    framework: record.framework,
    db: record.db,
    port: record.port,
    ...(record.dbPort === undefined ? {} : { dbPort: record.dbPort }),
  };
}

export function buildManifest(answers: CreateAnswers, records: ServiceRecord[], version: string): Manifest {
  return {
    generator: GENERATOR_NAME,
    version,
    project: answers.projectName,
    framework: answers.framework,
    db: answers.db,
    packageManager: answers.packageManager,
    python: answers.python,
    services: records.map(manifestService),
  };
}

export const serializeManifest = (manifest: Manifest): string => `${JSON.stringify(manifest, null, 2)}\n`;
